#pragma once
// The staff population as a structure of arrays indexed by dense AgentId. Agents are never removed:
// a leaver keeps its row with `left` set, and a replacement hire is appended, so ids stay stable and
// per-agent output can report leavers. Skills are one contiguous N x kDomains block.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/core/types.hpp"

namespace mentorsim {

struct InstitutionInfo {
  std::string name;
  InstitutionKind kind = InstitutionKind::hospital;
  double hierarchy = 0.5;
  UnitId first_unit = 0;  // its units are first_unit .. first_unit + unit_count - 1
  std::uint32_t unit_count = 0;
};

struct UnitInfo {
  InstitutionId institution = 0;
  std::string code;  // roster code, or "<institution>/<k>" for synthesized units
};

// N x kDomains skills in [0, 1], row-major.
class SkillMatrix {
 public:
  void resize(std::size_t agents) { values_.resize(agents * kDomains, 0.0f); }
  void reserve(std::size_t agents) { values_.reserve(agents * kDomains); }
  [[nodiscard]] std::size_t capacity() const noexcept { return values_.capacity() / kDomains; }
  [[nodiscard]] std::size_t agents() const noexcept { return values_.size() / kDomains; }
  float& operator()(AgentId a, Domain d) noexcept { return values_[a * kDomains + index_of(d)]; }
  float operator()(AgentId a, Domain d) const noexcept { return values_[a * kDomains + index_of(d)]; }
  float& at(AgentId a, std::size_t d) noexcept { return values_[a * kDomains + d]; }
  [[nodiscard]] float at(AgentId a, std::size_t d) const noexcept { return values_[a * kDomains + d]; }
  std::span<float, kDomains> row(AgentId a) noexcept {
    return std::span<float, kDomains>(&values_[a * kDomains], kDomains);
  }
  [[nodiscard]] std::span<const float, kDomains> row(AgentId a) const noexcept {
    return std::span<const float, kDomains>(&values_[a * kDomains], kDomains);
  }
  [[nodiscard]] std::span<const float> data() const noexcept { return values_; }
  // A cache hint for passes that read rows at random: a row is 24 bytes, so one in four crosses a
  // 64-byte line, and both of its ends are fetched. No effect on any result.
  void prefetch_row(AgentId a) const noexcept {
    const float* row = values_.data() + a * kDomains;
    prefetch(row);
    prefetch(row + (kDomains - 1));
  }
  std::span<float> data() noexcept { return values_; }

 private:
  std::vector<float> values_;
};

class Population {
 public:
  // Static attributes.
  std::vector<std::uint64_t> external_id;  // roster id, or the AgentId for synthesized staff
  std::vector<InstitutionId> institution;
  std::vector<UnitId> unit;
  std::vector<Profession> profession;
  std::vector<CareerStage> stage;  // changes at promotion (the turnover stage)
  std::vector<std::uint8_t> minority;
  std::vector<InstitutionId> joint_institution;  // kNoInstitution without a joint appointment
  std::vector<UnitId> joint_unit;                // kNoUnit without a joint appointment
  std::vector<float> years;                      // years of experience at creation
  std::vector<AgentId> manager;                  // line manager, kNoAgent if none
  std::vector<Step> hired;                       // 0 for the initial staff
  std::vector<Step> left;                        // kNever while active
  std::vector<Step> promoted;  // first week at a stage above the one at creation or hire, kNever if never promoted

  // Dynamic state, all in [0, 1].
  SkillMatrix skills;
  std::vector<float> confidence;
  std::vector<float> openness;
  std::vector<float> time_budget;
  std::vector<float> workload;
  std::vector<float> satisfaction;
  std::vector<float> intent_to_leave;
  std::vector<std::uint8_t> considering_leaving;  // 1 while the agent considers leaving (the survey answer)

  std::vector<InstitutionInfo> institutions;
  std::vector<UnitInfo> units;
  std::vector<float> psych_safety;  // per unit
  std::vector<float> flattening;    // per unit: hierarchy flattening phi in [0, 1), 0 at week 0 (dynamics)

  [[nodiscard]] std::size_t size() const noexcept { return institution.size(); }
  [[nodiscard]] bool active(AgentId a) const noexcept { return left[a] == kNever; }
  [[nodiscard]] std::size_t active_count() const;

  // Resizes every per-agent column to n (new rows zeroed / unset).
  void resize(std::size_t n);
  // Reserves room for n agents in every per-agent column (hires append without reallocation).
  void reserve(std::size_t n);
  // The agents the columns have room for (at least size()): reserve_rows sizes the other per-agent
  // arrays of a run to it.
  [[nodiscard]] std::size_t capacity() const noexcept { return institution.capacity(); }
  // Appends one agent with the static attributes given and zero dynamic state; returns its id.
  AgentId append(InstitutionId inst, UnitId u, Profession p, CareerStage s, bool is_minority, Step hired_at);
};

// Makes room for n rows in a per-agent array `rows` (a std::vector or a SkillMatrix) before it is
// resized: if it must grow, it reserves at least `capacity` rows (Population::capacity, the rows a run
// reserved for its hires). A run's hires then extend every per-agent array in place, where growing by
// doubling would copy each array at the first hires, leave the old block as a hole in the heap and
// reserve room for twice the staff.
template <class Rows>
void reserve_rows(Rows& rows, std::size_t n, std::size_t capacity) {
  if (rows.capacity() < n) rows.reserve(n > capacity ? n + n / 4 : capacity);
}

// Who is active, one bit per agent, taken from a Population at one moment: a million agents fit in
// 125 kB of cache, so loops that look up many random neighbours (diffusion, tie merges) stay out of
// memory where Population::left (4 bytes an agent) would miss for most of them.
class ActiveMask {
 public:
  explicit ActiveMask(const Population& population);
  [[nodiscard]] bool operator()(AgentId a) const noexcept { return (bits_[a >> 6] >> (a & 63)) & 1u; }

 private:
  std::vector<std::uint64_t> bits_;
};

}  // namespace mentorsim
