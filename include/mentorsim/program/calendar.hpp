#pragma once
// The program calendar (weekly stage 1): arm assignment at the start of a replicate; at each arm's
// start week, enrolment of eligible staff (uptake), mentor training, and a matching round that forms
// dyads; at each dyad's planned end, program_end.

#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/program/pairing/pairing.hpp"
#include "mentorsim/program/program_state.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/dyads.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

// What the calendar reads and changes: it reads the staff and the network, changes confidence only
// (the mentor-training boost), and forms and ends dyads.
struct ProgramWorld {
  const Population& population;
  std::vector<float>& confidence;  // the population's confidence column
  const CollegialNetwork& network;
  DyadTable& dyads;
  ProgramState& program;
};

// Per arm, what the matching rounds left undone (for /outcomes).
struct MatchingRecord {
  ArmId arm = 0;
  Step step = 0;
  std::size_t mentees = 0;  // mentees seeking a mentor in this round
  std::size_t pairs = 0;
  std::vector<AgentId> unmatched;
  std::vector<UnmatchedReason> reasons;
  bool exact = true;
  double optimality_gap = 0.0;
};

std::unique_ptr<PairingStrategyBase> make_pairing(const ProgramSpec& program);

// Every agent's arm at week 0, in exact shares up to rounding: individually (the staff in random order
// split by the arms' shares) or, under cluster randomisation, by unit (the units in random order split
// by the shares; every member of a unit gets its arm).
void assign_arms(ProgramState& program, const Population& population, const std::vector<ArmSpec>& arms,
                 const RandomisationSpec& randomisation, const RandomSource& random);

// Eligibility of agent a for the arm's program: bit kMentorRole, bit kMenteeRole.
std::uint8_t eligibility(const Population& population, AgentId a, const ArmSpec& arm);

// Creates a dyad and books it in the program state; quality starts at
// initial_quality + similarity_weight (similarity - 0.5) + fit_quality_weight * fit
// [+ self_identified_bonus], clamped to [0, 1]. `fit` is the pair's latent fit (pair_fit), recorded
// with what the mentee perceived of it (NaN when nobody chose on fit). `domains`: a network mentor's
// domains (docs/model.md 7.20; 0 = every flow of the type).
DyadId form_dyad(ProgramWorld& world, const Scenario& scenario, AgentId mentor, AgentId mentee, ArmId arm,
                 Formation formation, DyadId group, Step step, double fit = 0.0,
                 float fit_perceived = std::numeric_limits<float>::quiet_NaN(), std::uint8_t domains = 0);

// Ends an active dyad for `reason` and frees the partners' places (no-op if it has ended); an informal
// dyad frees its informal places.
void end_dyad(DyadTable& dyads, ProgramState& program, DyadId d, Step step, EndReason reason);

// Ends the dyads `ids` (distinct) as end_dyad does, dyad ids[k] for reasons[k] (or all for `reason`),
// in parallel: the places are freed with atomic decrements and the rest is each dyad's own, so the
// result is that of ending them one by one in any order.
void end_dyads(DyadTable& dyads, ProgramState& program, std::span<const DyadId> ids, Step step,
               std::span<const EndReason> reasons);
void end_dyads(DyadTable& dyads, ProgramState& program, std::span<const DyadId> ids, Step step, EndReason reason);

// Stage 1 for week `step`. Returns the matching records of rounds run this week.
std::vector<MatchingRecord> run_calendar(ProgramWorld& world, const Scenario& scenario, const RandomSource& random,
                                         Step step);

}  // namespace mentorsim
