#pragma once
// String building shared by the layers.

#include <string>
#include <string_view>
#include <vector>

namespace mentorsim {

// Concatenation by appending (GCC 12 warns falsely, -Wrestrict, about `"literal" + std::string`).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

// The parts with the separator between them.
inline std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace mentorsim
