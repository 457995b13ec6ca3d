#pragma once
// String building shared by the layers.

#include <string>
#include <string_view>

namespace mentorsim {

// Concatenation by appending (GCC 12 warns falsely, -Wrestrict, about `"literal" + std::string`).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace mentorsim
