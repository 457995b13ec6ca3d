#include "mentorsim/world/population.hpp"

#include <algorithm>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

std::size_t Population::active_count() const {
  return static_cast<std::size_t>(std::count(left.begin(), left.end(), kNever));
}

void Population::resize(std::size_t n) {
  external_id.resize(n, 0);
  institution.resize(n, 0);
  unit.resize(n, 0);
  profession.resize(n, Profession::medicine);
  stage.resize(n, CareerStage::early_career);
  minority.resize(n, 0);
  joint_institution.resize(n, kNoInstitution);
  joint_unit.resize(n, kNoUnit);
  years.resize(n, 0.0f);
  manager.resize(n, kNoAgent);
  hired.resize(n, 0);
  left.resize(n, kNever);
  promoted.resize(n, kNever);
  skills.resize(n);
  confidence.resize(n, 0.0f);
  openness.resize(n, 0.0f);
  time_budget.resize(n, 0.0f);
  workload.resize(n, 0.0f);
  satisfaction.resize(n, 0.0f);
  intent_to_leave.resize(n, 0.0f);
  considering_leaving.resize(n, 0);
}

void Population::reserve(std::size_t n) {
  external_id.reserve(n);
  institution.reserve(n);
  unit.reserve(n);
  profession.reserve(n);
  stage.reserve(n);
  minority.reserve(n);
  joint_institution.reserve(n);
  joint_unit.reserve(n);
  years.reserve(n);
  manager.reserve(n);
  hired.reserve(n);
  left.reserve(n);
  promoted.reserve(n);
  skills.reserve(n);
  confidence.reserve(n);
  openness.reserve(n);
  time_budget.reserve(n);
  workload.reserve(n);
  satisfaction.reserve(n);
  intent_to_leave.reserve(n);
  considering_leaving.reserve(n);
}

AgentId Population::append(InstitutionId inst, UnitId u, Profession p, CareerStage s, bool is_minority, Step hired_at) {
  const auto id = static_cast<AgentId>(size());
  resize(size() + 1);
  external_id[id] = id;
  institution[id] = inst;
  unit[id] = u;
  profession[id] = p;
  stage[id] = s;
  minority[id] = is_minority ? 1 : 0;
  hired[id] = hired_at;
  return id;
}

ActiveMask::ActiveMask(const Population& population) : bits_((population.size() + 63) / 64, 0) {
  parallel::for_each(
      bits_.size(),
      [&](std::size_t word) {
        std::uint64_t bits = 0;
        const std::size_t first = word * 64;
        const std::size_t last = std::min(population.size(), first + 64);
        for (std::size_t a = first; a < last; ++a) {
          bits |= std::uint64_t{population.active(static_cast<AgentId>(a))} << (a - first);
        }
        bits_[word] = bits;
      },
      256);
}

}  // namespace mentorsim
