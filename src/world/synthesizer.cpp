#include "mentorsim/world/synthesizer.hpp"

#include <algorithm>
#include <array>
#include <numeric>

#include "mentorsim/core/apportion.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

// Years of experience at creation, uniform within the stage's band.
constexpr std::array<std::pair<float, float>, kStages> kYears = {{{0.f, 2.f}, {0.f, 5.f}, {5.f, 15.f}, {15.f, 35.f}}};

struct Provisional {
  std::uint64_t unit_key;  // random, decides the unit
  Profession profession;
  CareerStage stage;
};

}  // namespace

void describe_institutions(Population& population, const PopulationSpec& spec) {
  population.institutions.clear();
  population.units.clear();
  for (std::size_t i = 0; i < spec.institutions.size(); ++i) {
    const auto& inst = spec.institutions[i];
    InstitutionInfo info;
    info.name = inst.name;
    info.kind = inst.kind;
    info.hierarchy = inst.hierarchy;
    info.first_unit = static_cast<UnitId>(population.units.size());
    info.unit_count = inst.units;
    for (std::uint32_t k = 0; k < inst.units; ++k) {
      population.units.push_back(UnitInfo{static_cast<InstitutionId>(i), inst.name + "/" + std::to_string(k)});
    }
    population.institutions.push_back(std::move(info));
  }
}

void draw_agent_state(Population& population, AgentId a, const PopulationSpec& spec, Stream& stream) {
  const auto s = index_of(population.stage[a]);
  for (std::size_t d = 0; d < kDomains; ++d) {
    population.skills.at(a, d) = static_cast<float>(stream.beta_mean(spec.skill_means[s][d], spec.skill_concentration));
  }
  const TraitPriors& t = spec.traits[s];
  const double k = spec.trait_concentration;
  population.confidence[a] = static_cast<float>(stream.beta_mean(t.confidence, k));
  population.openness[a] = static_cast<float>(stream.beta_mean(t.openness, k));
  population.time_budget[a] = static_cast<float>(stream.beta_mean(t.time_budget, k));
  population.workload[a] = static_cast<float>(stream.beta_mean(t.workload, k));
  population.satisfaction[a] = static_cast<float>(stream.beta_mean(t.satisfaction, k));
  population.intent_to_leave[a] = 0.0f;
  const auto [lo, hi] = kYears[s];
  population.years[a] = static_cast<float>(stream.uniform(lo, hi));
}

void draw_unit_culture(Population& population, const PopulationSpec& spec, const RandomSource& random) {
  population.psych_safety.resize(population.units.size());
  population.flattening.assign(population.units.size(), 0.0f);  // no reverse mentoring yet: h as drawn
  for (UnitId u = 0; u < population.units.size(); ++u) {
    Stream stream = random.stream(layout_step::unit_culture, Purpose::population_layout, u);
    const double mean = spec.institutions[population.units[u].institution].psych_safety;
    population.psych_safety[u] = static_cast<float>(stream.beta_mean(std::clamp(mean, 0.01, 0.99), 20.0));
  }
}

void assign_managers(Population& population, const RandomSource& random) {
  const std::size_t n = population.size();
  const std::size_t units = population.units.size();
  // Seniors per unit and per (unit, profession), by counting sort.
  std::vector<std::uint32_t> unit_start(units + 1, 0);
  std::vector<std::uint32_t> cell_start(units * kProfessions + 1, 0);
  for (AgentId a = 0; a < n; ++a) {
    if (population.stage[a] != CareerStage::senior || !population.active(a)) continue;
    ++unit_start[population.unit[a] + 1];
    ++cell_start[population.unit[a] * kProfessions + index_of(population.profession[a]) + 1];
  }
  std::partial_sum(unit_start.begin(), unit_start.end(), unit_start.begin());
  std::partial_sum(cell_start.begin(), cell_start.end(), cell_start.begin());
  std::vector<AgentId> by_unit(unit_start.back());
  std::vector<AgentId> by_cell(cell_start.back());
  {
    auto unit_fill = unit_start;
    auto cell_fill = cell_start;
    for (AgentId a = 0; a < n; ++a) {
      if (population.stage[a] != CareerStage::senior || !population.active(a)) continue;
      by_unit[unit_fill[population.unit[a]]++] = a;
      by_cell[cell_fill[population.unit[a] * kProfessions + index_of(population.profession[a])]++] = a;
    }
  }
  parallel::for_each(n, [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    population.manager[a] = kNoAgent;
    if (population.stage[a] == CareerStage::senior) return;
    const UnitId u = population.unit[a];
    const std::size_t cell = u * kProfessions + index_of(population.profession[a]);
    Stream stream = random.stream(layout_step::manager, Purpose::population_layout, a);
    if (const auto count = cell_start[cell + 1] - cell_start[cell]; count > 0) {
      population.manager[a] = by_cell[cell_start[cell] + stream.below(count)];
    } else if (const auto any = unit_start[u + 1] - unit_start[u]; any > 0) {
      population.manager[a] = by_unit[unit_start[u] + stream.below(any)];
    }
  });
}

Population synthesize_population(const PopulationSpec& spec, const RandomSource& random, std::size_t reserve_rows) {
  Population population;
  describe_institutions(population, spec);
  const std::uint64_t total = spec.total_size();
  if (total >= kNoAgent) {
    throw InputError(Diagnostic{SourceLocation{"", 0, 0}, "population", "more than 2^32-1 agents"});
  }
  population.reserve(std::max<std::size_t>(total, reserve_rows));
  population.resize(total);

  AgentId next_id = 0;
  std::uint64_t provisional_index = 0;
  for (std::size_t i = 0; i < spec.institutions.size(); ++i) {
    const InstitutionSpec& inst = spec.institutions[i];
    const InstitutionInfo& info = population.institutions[i];
    // Exact counts per profession, then per stage within each profession.
    std::vector<Provisional> staff;
    staff.reserve(inst.size);
    const auto per_profession = apportion(inst.size, inst.profession_mix);
    for (std::size_t p = 0; p < kProfessions; ++p) {
      const auto per_stage = apportion(per_profession[p], inst.stage_mix);
      for (std::size_t s = 0; s < kStages; ++s) {
        for (std::uint64_t k = 0; k < per_stage[s]; ++k) {
          staff.push_back(Provisional{0, enum_at<Profession>(p), enum_at<CareerStage>(s)});
        }
      }
    }
    // Random high bits, provisional index low bits: a total order, so the sort is deterministic.
    const std::uint64_t base_index = provisional_index;
    std::vector<unsigned long long> keys(staff.size());
    parallel::for_each(staff.size(), [&](std::size_t k) {
      const std::uint64_t index = base_index + k;
      Stream stream =
          random.stream(layout_step::unit_key, Purpose::population_layout, static_cast<std::uint32_t>(index));
      keys[k] = (static_cast<std::uint64_t>(stream.next_u32()) << 32) | (index & 0xffffffffULL);
      staff[k].unit_key = keys[k];
    });
    provisional_index += staff.size();
    // Units get equal shares (sizes differ by at most one) of a random order of the staff.
    parallel::sort_u64(keys);
    {
      std::vector<Provisional> sorted(staff.size());
      parallel::for_each(staff.size(), [&](std::size_t k) {
        sorted[k] = staff[((keys[k] & 0xffffffffULL) - (base_index & 0xffffffffULL)) & 0xffffffffULL];
      });
      staff = std::move(sorted);
    }
    std::vector<UnitId> unit_of(staff.size());
    for (std::size_t k = 0; k < staff.size(); ++k) {
      unit_of[k] = info.first_unit + static_cast<UnitId>(k * info.unit_count / staff.size());
    }
    // Within each unit (a contiguous run of the random order), staff by profession, then stage, then
    // random order: a stable counting sort of each unit's run, units in parallel.
    std::vector<std::size_t> unit_begin(info.unit_count + 1, staff.size());
    for (std::size_t k = staff.size(); k-- > 0;) unit_begin[unit_of[k] - info.first_unit] = k;
    for (std::size_t u = info.unit_count; u-- > 0;) unit_begin[u] = std::min(unit_begin[u], unit_begin[u + 1]);
    std::vector<std::size_t> order(staff.size());
    parallel::for_each(
        info.unit_count,
        [&](std::size_t u) {
          constexpr std::size_t kCells = kProfessions * kStages;
          std::array<std::size_t, kCells + 1> at{};
          const auto cell = [&](std::size_t k) {
            return index_of(staff[k].profession) * kStages + index_of(staff[k].stage);
          };
          for (std::size_t k = unit_begin[u]; k < unit_begin[u + 1]; ++k) ++at[cell(k) + 1];
          std::partial_sum(at.begin(), at.end(), at.begin());
          for (std::size_t k = unit_begin[u]; k < unit_begin[u + 1]; ++k) order[unit_begin[u] + at[cell(k)]++] = k;
        },
        64);
    const AgentId first = next_id;
    for (std::size_t k : order) {
      const AgentId a = next_id++;
      population.external_id[a] = a;
      population.institution[a] = static_cast<InstitutionId>(i);
      population.unit[a] = unit_of[k];
      population.profession[a] = staff[k].profession;
      population.stage[a] = staff[k].stage;
    }
    const AgentId end = next_id;

    // Minority status: exactly round(n * share) staff, those with the smallest random keys.
    auto choose = [&](Step sub_step, std::uint64_t count, auto eligible) {
      const std::vector<AgentId> candidates = parallel::indices_where<AgentId>(
          end - first, [&](std::size_t k) { return eligible(static_cast<AgentId>(first + k)); });
      std::vector<std::pair<std::uint32_t, AgentId>> keyed(candidates.size());
      parallel::for_each(candidates.size(), [&](std::size_t k) {
        const AgentId a = first + candidates[k];
        keyed[k] = {random.stream(sub_step, Purpose::population_layout, a).next_u32(), a};
      });
      count = std::min<std::uint64_t>(count, keyed.size());
      std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(count), keyed.end());
      std::vector<AgentId> chosen;
      for (std::uint64_t k = 0; k < count; ++k) chosen.push_back(keyed[k].second);
      return chosen;
    };
    const auto n = static_cast<double>(end - first);
    for (AgentId a : choose(layout_step::minority, static_cast<std::uint64_t>(std::llround(n * inst.minority_share)),
                            [](AgentId) { return true; })) {
      population.minority[a] = 1;
    }
    // Joint appointments: non-students only; the other institution in proportion to its size.
    if (inst.joint_share > 0.0 && spec.institutions.size() > 1) {
      std::vector<double> weights;
      for (std::size_t j = 0; j < spec.institutions.size(); ++j) {
        weights.push_back(j == i ? 0.0 : static_cast<double>(spec.institutions[j].size));
      }
      const auto chosen = choose(layout_step::joint, static_cast<std::uint64_t>(std::llround(n * inst.joint_share)),
                                 [&](AgentId a) { return population.stage[a] != CareerStage::student; });
      for (AgentId a : chosen) {
        Stream stream = random.stream(layout_step::joint, Purpose::population_layout, a);
        stream.next_u32();  // the first word was the selection key
        const auto other = static_cast<InstitutionId>(stream.categorical(weights));
        const InstitutionInfo& partner = population.institutions[other];
        population.joint_institution[a] = other;
        population.joint_unit[a] = partner.first_unit + stream.below(partner.unit_count);
      }
    }
  }

  draw_unit_culture(population, spec, random);
  parallel::for_each(population.size(), [&](std::size_t a) {
    Stream stream = random.stream(0, Purpose::population_traits, static_cast<std::uint32_t>(a));
    draw_agent_state(population, static_cast<AgentId>(a), spec, stream);
  });
  assign_managers(population, random);
  return population;
}

}  // namespace mentorsim
