#include "mentorsim/world/dyads.hpp"

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

DyadId DyadTable::add(const NewDyad& d, Step step) {
  const auto id = static_cast<DyadId>(size());
  mentor.push_back(d.mentor);
  mentee.push_back(d.mentee);
  arm.push_back(d.arm);
  type.push_back(d.type);
  formation.push_back(d.formation);
  group.push_back(d.group == kNoDyad ? id : d.group);
  start.push_back(step);
  planned_end.push_back(d.planned_end);
  end.push_back(kNever);
  end_reason.push_back(EndReason::active);
  quality.push_back(d.quality);
  quality_initial.push_back(d.quality);
  similarity.push_back(d.similarity);
  complementarity.push_back(d.complementarity);
  fit.push_back(d.fit);
  fit_perceived.push_back(d.fit_perceived);
  meetings.push_back(0);
  mentor_meetings.push_back(0);
  trained.push_back(d.trained ? 1 : 0);
  prepared.push_back(d.prepared ? 1 : 0);
  domains.push_back(d.domains);
  failures.push_back({0, 0, 0});
  met.push_back(0);
  succeeded.push_back(0);
  return id;
}

void DyadTable::finish(DyadId d, Step step, EndReason reason) {
  if (!active(d)) return;
  end[d] = step;
  end_reason[d] = reason;
}

std::vector<DyadId> DyadTable::active_ids() const {
  return parallel::indices_where<DyadId>(size(), [&](std::size_t d) { return active(static_cast<DyadId>(d)); });
}

EndReason DyadTable::dominant_failure(DyadId d) const {
  static constexpr std::array<EndReason, kFailureCauses> kReason = {
      EndReason::poor_communication, EndReason::role_ambiguity, EndReason::power_imbalance};
  std::size_t best = 0;
  for (std::size_t c = 1; c < kFailureCauses; ++c) {
    if (failures[d][c] > failures[d][best]) best = c;
  }
  return kReason[best];
}

}  // namespace mentorsim
