#pragma once
// Bitwise comparison of two results files: every dataset's bytes and every attribute, except the
// attributes that record the machine or the clock (io::schema::kVolatileAttributes).

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim::test {

// Empty when the files hold the same data; otherwise the first differences, one per line. Objects
// whose path is in `ignored` (groups with everything below them) are not compared.
inline std::string h5_differences(const std::filesystem::path& a_path, const std::filesystem::path& b_path,
                                  const std::vector<std::string>& ignored = {}) {
  io::InputFile a(a_path);
  io::InputFile b(b_path);
  std::string out;
  auto volatile_attribute = [](const std::string& name) {
    return std::any_of(std::begin(io::schema::kVolatileAttributes), std::end(io::schema::kVolatileAttributes),
                       [&](std::string_view v) { return v == name; });
  };
  auto compare_attributes = [&](const std::string& object) {
    const auto names_a = a.attribute_names(object);
    const auto names_b = b.attribute_names(object);
    if (names_a != names_b) out += object + ": different attribute names\n";
    for (const auto& name : names_a) {
      if (volatile_attribute(name) || !b.exists(object)) continue;
      if (std::find(names_b.begin(), names_b.end(), name) == names_b.end()) continue;
      if (a.attribute_bytes(object, name) != b.attribute_bytes(object, name)) out += object + "@" + name + " differs\n";
    }
  };
  std::vector<std::string> pending{"/"};
  while (!pending.empty() && out.size() < 4000) {
    const std::string group = pending.back();
    pending.pop_back();
    compare_attributes(group);
    const auto members_a = a.members(group);
    if (members_a != b.members(group)) {
      out += group + ": different members\n";
      continue;
    }
    for (const auto& name : members_a) {
      const std::string path = (group == "/" ? "" : group) + "/" + name;
      if (std::find(ignored.begin(), ignored.end(), path) != ignored.end()) continue;
      if (a.is_group(path)) {
        pending.push_back(path);
        continue;
      }
      if (a.dims(path) != b.dims(path)) {
        out += path + ": different shapes\n";
      } else if (a.raw_bytes(path) != b.raw_bytes(path)) {
        out += path + ": different values\n";
      }
      compare_attributes(path);
    }
  }
  return out;
}

}  // namespace mentorsim::test
