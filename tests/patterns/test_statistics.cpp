// Each pattern statistic on a tiny results file written here, with the expected value worked out by
// hand in the comments.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "mentorsim/core/types.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/patterns/patterns.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

using mentorsim::io::InputFile;
using mentorsim::io::OutputFile;
using mentorsim::patterns::find_statistic;
using mentorsim::patterns::StatisticValue;
using mentorsim::test::TempDir;

namespace {

using mentorsim::kNaN;

// A results file built piece by piece; `finish` commits it and evaluates a statistic.
class Tiny {
 public:
  explicit Tiny(int replicates = 1) : path_(dir_ / "tiny.h5"), file_(std::make_unique<OutputFile>(path_)) {
    file_->create_group("/meta");
    file_->set_attribute("/meta", "replicates", static_cast<std::int64_t>(replicates));
  }
  OutputFile& file() { return *file_; }
  void doubles(const std::string& path, const std::vector<double>& v, std::vector<std::uint64_t> dims = {}) {
    file_->write(path, v, std::move(dims));
  }
  void strings(const std::string& path, const std::vector<std::string>& v) { file_->write_strings(path, v); }
  // Arms 0..A-1 over R replicates; `program` marks the arms with a program (eligible_mentees not NaN).
  void arms(std::size_t replicates, const std::vector<bool>& program) {
    std::vector<double> eligible;
    for (std::size_t r = 0; r < replicates; ++r) {
      for (bool p : program) eligible.push_back(p ? 10.0 : kNaN);
    }
    doubles("/outcomes/eligible_mentees", eligible, {replicates, program.size()});
  }
  StatisticValue compute(const std::string& statistic) {
    if (file_) {
      file_->commit();
      file_.reset();
    }
    const auto* s = find_statistic(statistic);
    REQUIRE(s != nullptr);
    const InputFile in(path_);
    return s->compute(in);
  }

 private:
  TempDir dir_;
  std::filesystem::path path_;
  std::unique_ptr<OutputFile> file_;
};

void check_values(const StatisticValue& v, const std::vector<double>& expected) {
  INFO(v.not_computable);
  REQUIRE(v.not_computable.empty());
  REQUIRE(v.values.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) {
      CHECK(std::isnan(v.values[i]));
    } else {
      CHECK(v.values[i] == Approx(expected[i]).margin(1e-12));
    }
  }
}

}  // namespace

TEST_CASE("coverage averages the program arms per replicate and skips the control arm", "[patterns]") {
  Tiny t(2);
  t.arms(2, {false, true});
  t.doubles("/outcomes/coverage", {kNaN, 0.5, kNaN, 0.7}, {2, 2});
  check_values(t.compute("coverage"), {0.5, 0.7});
}

TEST_CASE("intent_leaving_phi averages every arm, the control arm included, skipping NaN", "[patterns]") {
  Tiny t(2);
  t.arms(2, {false, true});
  // Replicate 0: arms 0.3 and 0.5 -> 0.4; replicate 1: arm 0 NaN (too few staff), arm 1 0.2 -> 0.2.
  t.doubles("/outcomes/intent_leaving_phi", {0.3, 0.5, kNaN, 0.2}, {2, 2});
  check_values(t.compute("intent_leaving_phi"), {0.4, 0.2});
  Tiny without(1);
  without.arms(1, {false});
  CHECK(without.compute("intent_leaving_phi").not_computable == "the file has no /outcomes/intent_leaving_phi");
}

TEST_CASE("promotion odds ratio of the mentored is the geometric mean over every arm, skipping NaN", "[patterns]") {
  Tiny t(2);
  t.arms(2, {false, true});
  // Replicate 0: arms 0.5 and 2 -> sqrt(0.5 * 2) = 1; replicate 1: arm 0 NaN (an empty cell), arm 1 1.8 -> 1.8.
  t.doubles("/outcomes/promotion_odds_ratio_mentored", {0.5, 2.0, kNaN, 1.8}, {2, 2});
  check_values(t.compute("promotion_odds_ratio_mentored"), {1.0, 1.8});
  Tiny without(1);
  without.arms(1, {false});
  CHECK(without.compute("promotion_odds_ratio_mentored").not_computable ==
        "the file has no /outcomes/promotion_odds_ratio_mentored");
}

TEST_CASE("a statistic over program arms is not computable without a program arm", "[patterns]") {
  Tiny t;
  t.arms(1, {false});
  t.doubles("/outcomes/failure_rate", {kNaN}, {1, 1});
  const auto v = t.compute("failure_rate");
  CHECK(v.values.empty());
  CHECK(v.not_computable == "no arm of this file has a program");
}

TEST_CASE("minority odds ratio is the geometric mean of the program arms' odds ratios", "[patterns]") {
  Tiny t;
  t.arms(1, {false, true, true});
  // arm 1: p0 = 0.5 (odds 1), p1 = 0.2 (odds 0.25): OR 0.25; arm 2: p0 = p1 = 0.5: OR 1;
  // geometric mean sqrt(0.25 * 1) = 0.5.
  t.doubles("/outcomes/by_minority/coverage", {kNaN, kNaN, 0.5, 0.2, 0.5, 0.5}, {1, 3, 2});
  check_values(t.compute("minority_coverage_odds_ratio"), {0.5});
}

TEST_CASE("self-identified minus assigned quality compares arms of each formation", "[patterns]") {
  Tiny t;
  t.arms(1, {true, true});
  t.doubles("/outcomes/quality_self_identified", {kNaN, 0.8}, {1, 2});
  t.doubles("/outcomes/quality_assigned", {0.5, kNaN}, {1, 2});
  check_values(t.compute("quality_self_minus_assigned"), {0.3});
}

TEST_CASE("self-identified minus assigned quality needs both formations", "[patterns]") {
  Tiny t;
  t.arms(1, {true});
  t.doubles("/outcomes/quality_self_identified", {kNaN}, {1, 1});
  t.doubles("/outcomes/quality_assigned", {0.5}, {1, 1});
  const auto v = t.compute("quality_self_minus_assigned");
  CHECK(v.not_computable == "the file lacks self-identified or assigned dyads (both are needed)");
}

TEST_CASE("lack-of-time margin is its share minus the largest other failure share", "[patterns]") {
  Tiny t;
  t.arms(1, {false, true});
  t.doubles("/outcomes/end_lack_of_time", {kNaN, 0.3}, {1, 2});
  t.doubles("/outcomes/end_poor_communication", {kNaN, 0.1}, {1, 2});
  t.doubles("/outcomes/end_power_imbalance", {kNaN, 0.2}, {1, 2});
  t.doubles("/outcomes/end_role_ambiguity", {kNaN, 0.05}, {1, 2});
  check_values(t.compute("lack_of_time_margin"), {0.1});  // 0.3 - max(0.1, 0.2, 0.05)
}

namespace {

// Dyads: every field given per dyad.
struct DyadRows {
  std::vector<double> replicate, arm, mentee, formation, start, end, end_reason, quality, similarity, meetings;
  void write(Tiny& t) const {
    const std::vector<std::pair<const char*, const std::vector<double>*>> fields = {
        {"replicate", &replicate},   {"arm", &arm},          {"mentee", &mentee},         {"formation", &formation},
        {"start", &start},           {"end", &end},          {"end_reason", &end_reason}, {"quality", &quality},
        {"similarity", &similarity}, {"meetings", &meetings}};
    for (const auto& [name, values] : fields) {
      std::vector<double> v = *values;
      if (v.empty()) v.assign(replicate.size(), 0.0);
      t.doubles(std::string("/dyads/") + name, v);
    }
  }
};

}  // namespace

TEST_CASE("similarity-quality correlation is a Pearson correlation per replicate", "[patterns]") {
  Tiny t(2);
  DyadRows d;
  d.replicate = {0, 0, 0, 1, 1, 1};
  // replicate 0: x = (1, 2, 3), y = (1, 2, 4): sxy = 3, sxx = 2, syy = 42/9, r = 3 / sqrt(28/3);
  // replicate 1: y falls exactly as x rises: r = -1.
  d.similarity = {1, 2, 3, 0, 1, 2};
  d.quality = {1, 2, 4, 2, 1, 0};
  d.write(t);
  check_values(t.compute("corr_similarity_quality"), {3.0 / std::sqrt(28.0 / 3.0), -1.0});
}

TEST_CASE("meeting-rate correlation uses meetings per week of dyads lasting 4 weeks or more", "[patterns]") {
  Tiny t;
  t.doubles("/timeseries/step", {0, 10});
  DyadRows d;
  d.replicate = {0, 0, 0, 0};
  d.start = {0, 2, 0, 0};
  d.end = {-1, 6, 2, 5};              // durations 10 (still active at week 10), 4, 2 (left out), 5
  d.meetings = {5, 4, 0, 0};          // rates 0.5, 1, -, 0
  d.quality = {0.6, 0.9, 0.95, 0.3};  // 0.3 + 0.6 rate on the kept dyads: r = 1
  d.write(t);
  check_values(t.compute("corr_meeting_rate_quality"), {1.0});
}

namespace {

void agents(Tiny& t, const std::string& field, const std::vector<double>& v,
            const std::string& group = "/agents/final") {
  t.doubles(group + "/" + field, v);
}

}  // namespace

TEST_CASE("quality-social capital and quality-satisfaction correlations are over active initial mentees",
          "[patterns]") {
  Tiny t;
  agents(t, "hired", {0, 0, 0, 0});
  agents(t, "left", {-1, -1, -1, 5});  // agent 3 left: not counted
  agents(t, "degree", {6, 4, 9, 0});
  agents(t, "degree_initial", {5, 2, 5, 3});  // changes 1, 2, 4
  agents(t, "strength", {3.0, 2.0, 1.0, 9.0});
  agents(t, "strength_initial", {2.5, 1.0, 2.0, 0.0});  // changes 0.5, 1, -1: x = 0.3, 0.5, 0.9
  agents(t, "satisfaction", {0.8, 0.6, 0.2, 0.5});
  agents(t, "satisfaction_initial", {0.1, 0.1, 0.1, 0.1});  // changes 0.7, 0.5, 0.1 = 1 - mean quality
  DyadRows d;
  d.replicate = {0, 0, 0, 0, 0};
  d.mentee = {0, 0, 1, 2, 3};
  d.quality = {0.2, 0.4, 0.5, 0.9, 1.0};  // mean quality per mentee 0.3, 0.5, 0.9 = 0.1 + 0.2 change
  d.write(t);
  check_values(t.compute("corr_quality_degree_change"), {1.0});
  // Strength: x = (0.3, 0.5, 0.9), y = (0.5, 1, -1): sxy = -8/15, sxx = 14/75, syy = 13/6,
  // r = -(8/15) / sqrt(14/75 * 13/6) = -0.838628...
  check_values(t.compute("corr_quality_strength_change"), {-(8.0 / 15) / std::sqrt(14.0 / 75 * 13.0 / 6)});
  CHECK(t.compute("corr_quality_strength_change").values[0] == Approx(-0.838628).margin(1e-6));
}

TEST_CASE("quality-satisfaction correlation is negative when satisfaction falls with quality", "[patterns]") {
  Tiny t;
  agents(t, "hired", {0, 0, 0});
  agents(t, "left", {-1, -1, -1});
  agents(t, "satisfaction", {0.8, 0.6, 0.2});
  agents(t, "satisfaction_initial", {0.1, 0.1, 0.1});  // changes 0.7, 0.5, 0.1 = 1 - quality
  DyadRows d;
  d.replicate = {0, 0, 0};
  d.mentee = {0, 1, 2};
  d.quality = {0.3, 0.5, 0.9};
  d.write(t);
  check_values(t.compute("corr_quality_satisfaction_change"), {-1.0});
}

TEST_CASE("confidence effect size is Cohen's d of the change, mentored vs not, among eligible mentees", "[patterns]") {
  Tiny t;
  t.arms(1, {false, true});
  // agents 0-3: eligible mentees of the program arm; 0, 1 mentored (gains 0.2, 0.4), 2, 3 not (0, 0.2).
  // Pooled SD of initial confidence: SS = 0.02 + 0.02 over 2 df: sqrt(0.02); d = (0.3 - 0.1) / sqrt(0.02).
  // Agent 4 is in the control arm, agent 5 left, agent 6 is a hire: none counted.
  agents(t, "arm", {1, 1, 1, 1, 0, 1, 1});
  agents(t, "eligible", {2, 2, 3, 2, 2, 2, 2});
  agents(t, "role", {2, 3, 1, 0, 0, 2, 2});
  agents(t, "hired", {0, 0, 0, 0, 0, 0, 8});
  agents(t, "left", {-1, -1, -1, -1, -1, 9, -1});
  agents(t, "confidence_initial", {0.4, 0.6, 0.5, 0.7, 0.1, 0.1, 0.1});
  agents(t, "confidence", {0.6, 1.0, 0.5, 0.9, 0.9, 0.9, 0.9});
  check_values(t.compute("confidence_effect_size"), {0.2 / std::sqrt(0.02)});
}

TEST_CASE("mentor participation is the share of eligible mentors of program arms who mentored", "[patterns]") {
  Tiny t;
  t.arms(1, {false, true});
  // Eligible mentors (bit 1) of arm 1 among the initial staff: agents 0, 1, 2; agent 1 mentored: 1/3.
  agents(t, "arm", {1, 1, 1, 0, 1, 1});
  agents(t, "eligible", {1, 3, 1, 1, 1, 2});
  agents(t, "role", {2, 1, 0, 1, 1, 0});
  agents(t, "hired", {0, 0, 0, 0, 4, 0});
  check_values(t.compute("mentor_participation"), {1.0 / 3.0});
}

TEST_CASE("assigned share in hybrid designs counts the arms that used the hybrid fallback", "[patterns]") {
  Tiny t;
  t.strings("/codes/formation", {"assigned", "self_identified", "hybrid_fallback"});
  DyadRows d;
  d.replicate = {0, 0, 0, 0, 0};
  d.arm = {1, 1, 1, 0, 0};
  d.formation = {1, 1, 2, 0, 0};  // arm 1 is hybrid: 1 fallback of 3; arm 0 (assigned only) is not
  d.write(t);
  check_values(t.compute("assigned_share_hybrid"), {1.0 / 3.0});
}

TEST_CASE("assigned share in hybrid designs is not computable without a hybrid arm", "[patterns]") {
  Tiny t;
  t.strings("/codes/formation", {"assigned", "self_identified", "hybrid_fallback"});
  DyadRows d;
  d.replicate = {0, 0};
  d.formation = {0, 0};
  d.write(t);
  const auto v = t.compute("assigned_share_hybrid");
  CHECK(v.not_computable == "no arm of this file used hybrid pairing (no hybrid_fallback dyad)");
}

TEST_CASE("early-career turnover is annualised from the initial early-career staff", "[patterns]") {
  Tiny t;
  t.strings("/codes/stage", {"student", "early_career", "mid_career", "senior"});
  t.doubles("/timeseries/step", {0, 13, 26});
  // 4 initial early-career staff, 1 left in 26 weeks: 1 - 0.75^2 = 0.4375. The hire (agent 4) and the
  // senior (agent 5) who left are not counted.
  agents(t, "stage", {1, 1, 1, 1, 1, 3});
  agents(t, "hired", {0, 0, 0, 0, 5, 0});
  agents(t, "left", {10, -1, -1, -1, 12, 3});
  check_values(t.compute("annual_turnover_early_career"), {0.4375});
}

TEST_CASE("intent-leaving correlation is point-biserial over the initial staff", "[patterns]") {
  Tiny t(2);
  // x = (0.1, 0.2, 0.3, 0.4), left = (0, 0, 0, 1): sxy = 0.15, sxx = 0.05, syy = 0.75, r = sqrt(0.6).
  agents(t, "intent_to_leave", {0.1, 0.2, 0.3, 0.4, 0.9});
  agents(t, "hired", {0, 0, 0, 0, 3});
  agents(t, "left", {-1, -1, -1, 8, 9});
  // Replicate 1 has its own per-agent data (output.all_replicates): everyone stayed, r undefined.
  agents(t, "intent_to_leave", {0.1, 0.2, 0.3}, "/replicates/1/agents/final");
  agents(t, "hired", {0, 0, 0}, "/replicates/1/agents/final");
  agents(t, "left", {-1, -1, -1}, "/replicates/1/agents/final");
  check_values(t.compute("corr_intent_leaving"), {std::sqrt(0.6), kNaN});
}

TEST_CASE("network degree and clustering statistics", "[patterns]") {
  Tiny t;
  agents(t, "degree_initial", {2, 4, 6});
  agents(t, "hired", {0, 0, 3});  // the hire is not initial staff: mean 3
  agents(t, "clustering", {0.1, 0.3, 0.9});
  agents(t, "left", {-1, -1, 4});  // the leaver is not active: mean 0.2
  check_values(t.compute("mean_degree_initial"), {3.0});
  check_values(t.compute("mean_clustering"), {0.2});
}

TEST_CASE("homophily compares observed and random-pairing shares of same-profession and same-institution ties",
          "[patterns]") {
  Tiny t;
  // Professions (0, 0, 1, 1): random pairs same profession 4/12 = 1/3; institutions (0, 0, 0, 1): 6/12.
  // Ties (0,1) same both, (2,3) same profession, (0,2) same institution: observed 2/3 each.
  // log(2) - log(4/3) = log(1.5).
  agents(t, "profession", {0, 0, 1, 1});
  agents(t, "institution", {0, 0, 0, 1});
  agents(t, "left", {-1, -1, -1, -1});
  t.doubles("/network/final/src", {0, 2, 0});
  t.doubles("/network/final/dst", {1, 3, 2});
  check_values(t.compute("homophily_profession_minus_institution"), {std::log(1.5)});
}

TEST_CASE("nurses per physician counts the initial staff of hospitals only", "[patterns]") {
  Tiny t;
  t.strings("/codes/profession", {"medicine", "nursing", "research"});
  t.strings("/codes/institution_kind", {"hospital", "university"});
  // Hospital: 2 physicians, 4 initial nurses (a fifth is a hire); the university's 3 nurses do not count.
  agents(t, "profession", {0, 0, 1, 1, 1, 1, 1, 2, 1, 1, 1});
  agents(t, "institution", {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1});
  agents(t, "hired", {0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0});
  check_values(t.compute("nurses_per_physician"), {2.0});
}

TEST_CASE("a statistic over agents names the dataset it misses", "[patterns]") {
  Tiny t;
  agents(t, "hired", {0});
  const auto v = t.compute("mean_degree_initial");
  CHECK(v.not_computable == "the file has no /agents/final/degree_initial (output.agent_fields)");
}

TEST_CASE("mentor and mentoring share rises are program-arm means of the later minus the earlier share", "[patterns]") {
  Tiny t(2);
  t.arms(2, {false, true, true});
  // Replicate 0: arm 1 0.7 - 0.45 = 0.25, arm 2 0.6 - 0.5 = 0.1: mean 0.175 (the control arm is skipped);
  // replicate 1: arm 1 0.5 - 0.5 = 0, arm 2 NaN: 0.
  t.doubles("/outcomes/eligible_mentor_share_program_end", {0.9, 0.7, 0.6, 0.9, 0.5, kNaN}, {2, 3});
  t.doubles("/outcomes/eligible_mentor_share_start", {0.1, 0.45, 0.5, 0.1, 0.5, 0.4}, {2, 3});
  t.doubles("/outcomes/eligible_mentoring_share_program_end", {kNaN, 0.68, 0.5, kNaN, 0.6, 0.6}, {2, 3});
  t.doubles("/outcomes/eligible_mentoring_share_start", {kNaN, 0.5, 0.5, kNaN, 0.4, 0.5}, {2, 3});
  check_values(t.compute("mentor_share_rise"), {0.175, 0.0});
  // Replicate 0: (0.18 + 0) / 2 = 0.09; replicate 1: (0.2 + 0.1) / 2 = 0.15.
  check_values(t.compute("mentoring_share_rise"), {0.09, 0.15});
}

TEST_CASE("informal minus formal satisfaction change uses every arm with both groups", "[patterns]") {
  Tiny t;
  t.arms(1, {false, true});
  // Arm 0 (control) has no formal mentees (NaN) and is skipped; arm 1: 0.03 - 0.01 = 0.02.
  t.doubles("/outcomes/satisfaction_change_informal_only", {0.04, 0.03}, {1, 2});
  t.doubles("/outcomes/satisfaction_change_formal_only", {kNaN, 0.01}, {1, 2});
  check_values(t.compute("satisfaction_informal_minus_formal"), {0.02});
  Tiny none;
  none.arms(1, {false});
  none.doubles("/outcomes/satisfaction_change_informal_only", {0.04}, {1, 1});
  none.doubles("/outcomes/satisfaction_change_formal_only", {kNaN}, {1, 1});
  CHECK(none.compute("satisfaction_informal_minus_formal").not_computable ==
        "no arm has both /outcomes/satisfaction_change_informal_only and /outcomes/satisfaction_change_formal_only");
}

TEST_CASE("dyad statistics leave informal dyads out", "[patterns]") {
  Tiny t;
  t.strings("/codes/formation", {"assigned", "self_identified", "hybrid_fallback", "informal"});
  DyadRows d;
  d.replicate = {0, 0, 0, 0};
  // The three program dyads lie on a line (r = 1); the informal dyad (formation 3) would break it.
  d.formation = {0, 0, 0, 3};
  d.similarity = {1, 2, 3, 4};
  d.quality = {1, 2, 3, 0};
  d.write(t);
  check_values(t.compute("corr_similarity_quality"), {1.0});
}

TEST_CASE("every registered statistic has a unique name and a description", "[patterns]") {
  std::set<std::string> names;
  for (const auto& s : mentorsim::patterns::statistic_registry()) {
    CHECK(names.insert(s.name).second);
    CHECK(!s.description.empty());
  }
  CHECK(find_statistic("no_such_statistic") == nullptr);
}

TEST_CASE("docs/model.md describes every registered statistic", "[patterns][docs]") {
  std::ifstream in(mentorsim::test::source_dir() / "docs/model.md");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& s : mentorsim::patterns::statistic_registry()) {
    INFO(s.name);
    CHECK(text.str().find("| `" + s.name + "` |") != std::string::npos);
  }
}
