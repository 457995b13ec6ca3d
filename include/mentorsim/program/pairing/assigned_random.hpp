#pragma once
// assigned_random: mentees in random order each get a mentor drawn uniformly among the feasible
// mentors with free capacity (among those satisfying the `preferred` constraints when any does).
// Random probes first, then a scan, so a pool of M mentees and S mentor places costs about O(M + S)
// when most pairs are feasible; the scan only runs when probes fail.

#include "mentorsim/program/pairing/pairing.hpp"

namespace mentorsim {

class AssignedRandomPairing final : public PairingStrategyBase {
 public:
  [[nodiscard]] PairingResult pair(const PairingInput& input) const override;
};

}  // namespace mentorsim
