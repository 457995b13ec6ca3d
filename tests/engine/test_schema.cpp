// docs/hdf5-schema.md lists exactly the datasets and attributes a run writes: a small run with every
// output switched on (two arms, two replicates, all replicates' agents, a snapshot, the network,
// exact betweenness) is written, every dataset and attribute of the file is listed with its type, and
// the document's tables are parsed and compared with that list. Coded datasets name an existing
// /codes table that covers their values.

#include <H5Cpp.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "mentorsim/engine/runner.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/schema.hpp"
#include "mentorsim/patterns/patterns.hpp"
#include "support/doc_blocks.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;

namespace {

struct Entry {
  std::string type;
  std::size_t rank = 0;              // datasets only
  std::set<std::string> attributes;  // datasets only
  friend bool operator==(const Entry&, const Entry&) = default;
};

std::string type_name(const H5::DataType& type) {
  switch (type.getClass()) {
    case H5T_INTEGER: {
      const H5::IntType integer(type.getId());
      const bool is_signed = integer.getSign() != H5T_SGN_NONE;
      return std::string(is_signed ? "int" : "uint") + std::to_string(8 * type.getSize());
    }
    case H5T_FLOAT:
      return "float" + std::to_string(8 * type.getSize());
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    default:
      return "other";
  }
}

// The file's path as the document names it: snapshots and other replicates map to the groups they
// repeat. (No std::regex: GCC 12 warns falsely about its std::function at -O1 with the sanitizers.)
std::string documented_path(std::string path) {
  const std::string replicates = std::string(io::schema::kReplicates) + "/";
  if (path.rfind(replicates, 0) == 0) {
    const auto slash = path.find('/', replicates.size());
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  for (const auto& [snapshot, final_group] :
       {std::pair<std::string, std::string>{"/agents/week_", "/agents/final"},
        std::pair<std::string, std::string>{"/network/week_", "/network/final"}}) {
    const std::size_t digits = snapshot.size();
    if (path.rfind(snapshot, 0) == 0 && path.size() >= digits + 4 &&
        std::all_of(path.begin() + static_cast<std::ptrdiff_t>(digits),
                    path.begin() + static_cast<std::ptrdiff_t>(digits + 4),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      path = final_group + path.substr(digits + 4);
    }
  }
  return path;
}

// The backquoted words of a table cell that are not paths: `codes` = `/codes/stage` gives "codes".
std::set<std::string> attribute_names_in(const std::string& cell) {
  std::set<std::string> out;
  std::size_t start = cell.find('`');
  while (start != std::string::npos) {
    const std::size_t end = cell.find('`', start + 1);
    if (end == std::string::npos) break;
    const std::string word = cell.substr(start + 1, end - start - 1);
    if (!word.empty() && word.front() != '/') out.insert(word);
    start = cell.find('`', end + 1);
  }
  return out;
}

struct Listing {
  std::map<std::string, Entry> datasets;    // documented path -> entry
  std::map<std::string, Entry> attributes;  // "object@name" -> entry (type only)
  std::set<std::string> raw_paths;          // as written
};

void list_attributes(const H5::H5Object& object, const std::string& path, Listing& out, Entry* dataset) {
  for (int k = 0; k < object.getNumAttrs(); ++k) {
    const H5::Attribute attribute = object.openAttribute(static_cast<unsigned>(k));
    const std::string name = attribute.getName();
    if (dataset != nullptr) {
      dataset->attributes.insert(name);
    } else {
      out.attributes[documented_path(path) + "@" + name] = Entry{type_name(attribute.getDataType()), 0, {}};
    }
  }
}

void list_group(const H5::Group& group, const std::string& path, Listing& out) {
  list_attributes(group, path, out, nullptr);
  for (hsize_t k = 0; k < group.getNumObjs(); ++k) {
    const std::string name = group.getObjnameByIdx(k);
    const std::string child = (path == "/" ? "" : path) + "/" + name;
    if (group.getObjTypeByIdx(k) == H5G_GROUP) {
      list_group(group.openGroup(name), child, out);
      continue;
    }
    const H5::DataSet dataset = group.openDataSet(name);
    Entry entry{
        type_name(dataset.getDataType()), static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNdims()), {}};
    list_attributes(dataset, child, out, &entry);
    out.raw_paths.insert(child);
    out.datasets[documented_path(child)] = entry;  // repeats of a group must agree: checked below
  }
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t k = 1; k < line.size(); ++k) {
    if (line[k] == '|') {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      out.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
      cell.clear();
    } else {
      cell += line[k];
    }
  }
  return out;
}

std::string unquote(const std::string& cell) {
  if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') return cell.substr(1, cell.size() - 2);
  return cell;
}

// The documented datasets (tables headed `| path | type | shape | unit | attributes | meaning |`) and
// attributes (tables headed `| object | attribute | type | meaning |`).
Listing parse_document(const std::string& text) {
  Listing out;
  std::istringstream in(text);
  std::string line;
  enum { none, datasets, attributes } table = none;
  while (std::getline(in, line)) {
    if (line.rfind('|', 0) != 0) {
      table = none;
      continue;
    }
    const auto row = cells(line);
    if (row.size() >= 2 && row[0] == "path" && row[1] == "type") {
      table = datasets;
      continue;
    }
    if (row.size() >= 3 && row[0] == "object" && row[1] == "attribute") {
      table = attributes;
      continue;
    }
    if (row.empty() || row[0].rfind("---", 0) == 0 || table == none) continue;
    if (table == datasets) {
      REQUIRE(row.size() >= 5);
      Entry entry;
      entry.type = row[1];
      entry.rank = static_cast<std::size_t>(std::count(row[2].begin(), row[2].end(), ',')) + 1;
      entry.attributes = attribute_names_in(row[4]);
      INFO(line);
      CHECK(out.datasets.count(unquote(row[0])) == 0);  // each dataset once
      out.datasets[unquote(row[0])] = entry;
    } else {
      out.attributes[unquote(row[0]) + "@" + unquote(row[1])] = Entry{row[2], 0, {}};
    }
  }
  return out;
}

template <class Map>
std::string keys_only_in(const Map& a, const Map& b) {
  std::string out;
  for (const auto& [key, value] : a) {
    if (b.count(key) == 0) out += "  " + key + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "docs/hdf5-schema.md lists exactly the datasets and attributes a run and the patterns command write, with their "
    "types",
    "[engine][schema][docs]") {
  test::TempDir dir;
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 3\nweeks = 9\nreplicates = 2\n[population]\nsize = 300\n"
      "[[arms]]\nname = \"control\"\nkind = \"none\"\n"
      "[[arms]]\nname = \"program\"\nkind = \"reverse\"\nuptake = 0.8\nmentor_uptake = 0.8\nstart_week = 1\n"
      "[output]\nsnapshot_weeks = [4]\nall_replicates = true\nnetwork = true\nbetweenness = \"exact\"\n",
      "schema.toml");
  RunOptions options;
  options.output_path = dir / "schema.h5";
  options.profile = true;  // stage_seconds
  run_scenario(scenario, options);
  // Then what `mentorsim patterns` adds: /patterns.
  {
    const auto list = patterns::load_patterns(mentorsim::test::source_dir() / "calibration/patterns.toml");
    std::vector<patterns::PatternResult> results;
    {
      const io::InputFile in(dir / "schema.h5");
      results = patterns::evaluate(list, in);
    }
    io::OutputFile out(dir / "schema.h5", dir / "schema.h5");
    patterns::write_hdf5(out, results, "calibration/patterns.toml");
    out.commit();
  }

  Listing file;
  {
    const H5::H5File h5((dir / "schema.h5").string(), H5F_ACC_RDONLY);
    list_group(h5.openGroup("/"), "/", file);
  }
  // The repeated groups were all written (snapshot, replicate 1).
  CHECK(file.raw_paths.count("/agents/week_0004/skills") == 1);
  CHECK(file.raw_paths.count("/network/week_0004/src") == 1);
  CHECK(file.raw_paths.count("/replicates/1/agents/final/skills") == 1);
  CHECK(file.raw_paths.count("/replicates/1/network/final/weight") == 1);

  const Listing doc = parse_document(test::read_text(mentorsim::test::source_dir() / "docs/hdf5-schema.md"));
  INFO("datasets in the file, not in the document:\n" << keys_only_in(file.datasets, doc.datasets));
  INFO("datasets in the document, not in the file:\n" << keys_only_in(doc.datasets, file.datasets));
  INFO("attributes in the file, not in the document:\n" << keys_only_in(file.attributes, doc.attributes));
  INFO("attributes in the document, not in the file:\n" << keys_only_in(doc.attributes, file.attributes));
  CHECK(keys_only_in(file.datasets, doc.datasets).empty());
  CHECK(keys_only_in(doc.datasets, file.datasets).empty());
  CHECK(keys_only_in(file.attributes, doc.attributes).empty());
  CHECK(keys_only_in(doc.attributes, file.attributes).empty());
  for (const auto& [path, entry] : file.datasets) {
    if (doc.datasets.count(path) == 0) continue;
    const Entry& documented = doc.datasets.at(path);
    INFO(path);
    CHECK(entry.type == documented.type);
    CHECK(entry.rank == documented.rank);
    CHECK(entry.attributes == documented.attributes);
  }
  for (const auto& [key, entry] : file.attributes) {
    if (doc.attributes.count(key) == 0) continue;
    INFO(key);
    CHECK(entry.type == doc.attributes.at(key).type);
  }
}

TEST_CASE("every coded dataset names a /codes table that covers its values", "[engine][schema]") {
  test::TempDir dir;
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 4\nweeks = 6\n[population]\nsize = 300\n"
      "[program]\nkind = \"reciprocal\"\nuptake = 0.8\nmentor_uptake = 0.8\nstart_week = 1\n",
      "codes.toml");
  RunOptions options;
  options.output_path = dir / "codes.h5";
  run_scenario(scenario, options);
  io::InputFile in(dir / "codes.h5");
  std::size_t coded = 0;
  std::vector<std::string> pending{"/"};
  while (!pending.empty()) {
    const std::string group = pending.back();
    pending.pop_back();
    for (const std::string& name : in.members(group)) {
      const std::string path = (group == "/" ? "" : group) + "/" + name;
      if (in.is_group(path)) {
        pending.push_back(path);
        continue;
      }
      const auto attributes = in.attribute_names(path);
      for (const std::string& attribute : attributes) {
        if (attribute != io::schema::kCodesAttribute && attribute != io::schema::kColumnsAttribute &&
            attribute.rfind(std::string(io::schema::kCodesAttribute) + "_", 0) != 0) {
          continue;
        }
        const std::string table = in.string_attribute(path, attribute);
        INFO(path << "@" << attribute << " = " << table);
        REQUIRE(table.rfind(std::string(io::schema::kCodes) + "/", 0) == 0);
        REQUIRE(in.exists(table));
        const auto size = static_cast<std::int64_t>(in.dims(table)[0]);
        if (attribute == io::schema::kColumnsAttribute) {
          CHECK(static_cast<std::int64_t>(in.dims(path).back()) == size);
        } else if (attribute == io::schema::kCodesAttribute) {
          ++coded;
          for (std::int64_t code : in.read<std::int64_t>(path)) {
            if (code < -1 || code >= size) FAIL("code " << code << " outside " << table);
          }
        }
      }
    }
  }
  // institution, unit, profession, stage, joint_institution, arm, stage_initial; dyads: arm, type,
  // formation, end_reason; /codes/unit_institution.
  CHECK(coded == 12);
}
