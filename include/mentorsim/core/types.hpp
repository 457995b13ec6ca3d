#pragma once
// The basic vocabulary of mentorsim: dense ids, steps, and the domain enums of docs/model.md (section 2), each with
// to_string / parse. Everything else spells ids with these names, never with raw integer types.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace mentorsim {

using AgentId = std::uint32_t;
using UnitId = std::uint32_t;
using InstitutionId = std::uint16_t;
using DyadId = std::uint32_t;
using ArmId = std::uint16_t;
using Step = std::int32_t;  // one step is one week
using Replicate = std::uint32_t;
using Seed = std::uint64_t;

inline constexpr AgentId kNoAgent = std::numeric_limits<AgentId>::max();
inline constexpr UnitId kNoUnit = std::numeric_limits<UnitId>::max();
inline constexpr InstitutionId kNoInstitution = std::numeric_limits<InstitutionId>::max();
inline constexpr Step kNever = std::numeric_limits<Step>::max();
// "No value" in statistics and outputs (an empty group, an undefined ratio).
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class InstitutionKind : std::uint8_t { hospital, university, research_institute };
enum class Profession : std::uint8_t {
  medicine,
  nursing,
  physiotherapy,
  speech_pathology,
  pharmacy,
  dentistry,
  education,
  research
};
enum class CareerStage : std::uint8_t { student, early_career, mid_career, senior };
enum class Domain : std::uint8_t { clinical, digital, research, teaching, leadership, culture_wellbeing };
enum class DyadType : std::uint8_t { traditional, reverse, reciprocal, group, peer, spot };
// informal: a dyad formed through the collegial network outside any program (docs/model.md 7.18).
enum class Formation : std::uint8_t { assigned, self_identified, hybrid_fallback, informal };
enum class EndReason : std::uint8_t {
  active,              // still running at the end of the replicate
  lack_of_time,        // lack of time / commitment
  poor_communication,  // poor communication / personality mismatch
  power_imbalance,
  role_ambiguity,
  leaving,  // mentor or mentee left the workforce
  program_end,
  natural_end,  // informal dyad: the relationship ran its course (natural-end hazard)
  outgrown      // informal dyad: the mentee was promoted to the mentor's career stage
};
enum class ProgramKind : std::uint8_t { none, traditional, reverse, reciprocal, group, peer, spot };
enum class PairingStrategy : std::uint8_t { assigned_random, assigned_optimal, self_identified, hybrid };

template <class E>
struct EnumTraits;  // names, in declaration order, and the name of the type for messages

#define MENTORSIM_ENUM_TRAITS(E, label, ...)                                      \
  template <>                                                                     \
  struct EnumTraits<E> {                                                          \
    static constexpr std::string_view type_name = label;                          \
    static constexpr auto names = std::to_array<std::string_view>({__VA_ARGS__}); \
  };

MENTORSIM_ENUM_TRAITS(InstitutionKind, "institution kind", "hospital", "university", "research_institute")
MENTORSIM_ENUM_TRAITS(Profession, "profession", "medicine", "nursing", "physiotherapy", "speech_pathology", "pharmacy",
                      "dentistry", "education", "research")
MENTORSIM_ENUM_TRAITS(CareerStage, "career stage", "student", "early_career", "mid_career", "senior")
MENTORSIM_ENUM_TRAITS(Domain, "skill domain", "clinical", "digital", "research", "teaching", "leadership",
                      "culture_wellbeing")
MENTORSIM_ENUM_TRAITS(DyadType, "dyad type", "traditional", "reverse", "reciprocal", "group", "peer", "spot")
MENTORSIM_ENUM_TRAITS(Formation, "formation", "assigned", "self_identified", "hybrid_fallback", "informal")
MENTORSIM_ENUM_TRAITS(EndReason, "end reason", "active", "lack_of_time", "poor_communication", "power_imbalance",
                      "role_ambiguity", "leaving", "program_end", "natural_end", "outgrown")
MENTORSIM_ENUM_TRAITS(ProgramKind, "program kind", "none", "traditional", "reverse", "reciprocal", "group", "peer",
                      "spot")
MENTORSIM_ENUM_TRAITS(PairingStrategy, "pairing strategy", "assigned_random", "assigned_optimal", "self_identified",
                      "hybrid")
#undef MENTORSIM_ENUM_TRAITS

template <class E>
inline constexpr std::size_t enum_count = EnumTraits<E>::names.size();

inline constexpr std::size_t kDomains = enum_count<Domain>;
inline constexpr std::size_t kProfessions = enum_count<Profession>;
inline constexpr std::size_t kStages = enum_count<CareerStage>;

template <class E>
constexpr std::string_view to_string(E value) {
  return EnumTraits<E>::names[static_cast<std::size_t>(value)];
}

template <class E>
constexpr std::optional<E> parse(std::string_view text) {
  const auto& names = EnumTraits<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <class E>
constexpr E enum_at(std::size_t index) {
  return static_cast<E>(index);
}

template <class E>
constexpr std::size_t index_of(E value) {
  return static_cast<std::size_t>(value);
}

// "a, b or c": the allowed names, for error messages.
template <class E>
std::string allowed_names() {
  std::string out;
  const auto& names = EnumTraits<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace mentorsim
