#include "mentorsim/experiment/power.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <ostream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/engine/build.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/progress.hpp"
#include "mentorsim/experiment/run.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/provenance.hpp"
#include "mentorsim/io/schema.hpp"
#include "mentorsim/scenario/reader.hpp"

namespace mentorsim::experiment {
namespace {

double two_sided_t(double t, double df) {
  if (!std::isfinite(t) || !(df > 0)) return kNaN;
  const boost::math::students_t dist(df);
  return 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
}

struct ClusterSums {
  double n = 0.0;
  double sum = 0.0;
  double within = 0.0;  // sum of squares about the cluster mean
  double x = 0.0;
};

// REML fit of the random-intercept model at variance ratio lambda = sigma_u^2 / sigma_e^2.
struct Fit {
  double loglik = -std::numeric_limits<double>::infinity();
  double b0 = kNaN;
  double b1 = kNaN;
  double sigma2 = kNaN;
  double inv11 = kNaN;  // [(X' H^-1 X)^-1]_11
};

Fit fit_at(const std::vector<ClusterSums>& clusters, double total, double lambda) {
  double a00 = 0.0, a01 = 0.0, a11 = 0.0, r0 = 0.0, r1 = 0.0, logdet_h = 0.0;
  for (const auto& c : clusters) {
    const double d = 1.0 + c.n * lambda;
    const double w = c.n / d;
    a00 += w;
    a01 += w * c.x;
    a11 += w * c.x * c.x;
    r0 += c.sum / d;
    r1 += c.x * c.sum / d;
    logdet_h += std::log(d);
  }
  const double det = a00 * a11 - a01 * a01;
  Fit fit;
  if (!(det > 0.0)) return fit;
  fit.b0 = (a11 * r0 - a01 * r1) / det;
  fit.b1 = (a00 * r1 - a01 * r0) / det;
  fit.inv11 = a00 / det;
  double quadratic = 0.0;
  for (const auto& c : clusters) {
    const double mean = c.sum / c.n;
    const double mu = fit.b0 + fit.b1 * c.x;
    const double residual_sum = c.n * (mean - mu);  // sum of the cluster's residuals
    quadratic +=
        c.within + c.n * (mean - mu) * (mean - mu) - lambda / (1.0 + c.n * lambda) * residual_sum * residual_sum;
  }
  const double dof = total - 2.0;
  fit.sigma2 = quadratic / dof;
  if (!(fit.sigma2 > 0.0)) return fit;
  fit.loglik = -0.5 * (dof * std::log(fit.sigma2) + logdet_h + std::log(det));
  return fit;
}

}  // namespace

std::vector<std::string> power_outcomes() {
  std::vector<std::string> out = {"satisfaction_change", "confidence_change", "intent_to_leave",
                                  "retention",           "strength_change",   "degree_change"};
  for (std::string_view d : EnumTraits<Domain>::names) out.push_back("skill_gain_" + std::string(d));
  return out;
}

std::vector<double> person_outcome(const SimulationState& state, std::string_view outcome) {
  const Population& pop = state.population;
  std::vector<double> y(pop.size(), kNaN);
  std::optional<std::size_t> domain;
  for (std::size_t d = 0; d < kDomains; ++d) {
    if (outcome == "skill_gain_" + std::string(EnumTraits<Domain>::names[d])) domain = d;
  }
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] != 0) continue;
    const bool active = pop.active(a);
    if (outcome == "retention") {
      y[a] = active ? 1.0 : 0.0;
      continue;
    }
    if (!active) continue;
    if (outcome == "satisfaction_change") {
      y[a] = pop.satisfaction[a] - state.baseline.satisfaction[a];
    } else if (outcome == "confidence_change") {
      y[a] = pop.confidence[a] - state.baseline.confidence[a];
    } else if (outcome == "intent_to_leave") {
      y[a] = pop.intent_to_leave[a];
    } else if (domain) {
      y[a] = pop.skills.at(a, *domain) - state.baseline.skills.at(a, *domain);
    } else if (outcome == "strength_change" || outcome == "degree_change") {
      const auto row = state.network.neighbors(a);
      const auto w = state.network.weights(a);
      double strength = 0.0;
      double degree = 0.0;
      for (std::size_t k = 0; k < row.size(); ++k) {
        if (!pop.active(row[k])) continue;
        strength += w[k];
        degree += 1.0;
      }
      y[a] = outcome == "strength_change" ? strength - state.baseline.strength[a]
                                          : degree - static_cast<double>(state.baseline.degree[a]);
    }
  }
  return y;
}

TTest cluster_t_test(const std::vector<double>& intervention_means, const std::vector<double>& control_means) {
  TTest out;
  const auto n1 = static_cast<double>(intervention_means.size());
  const auto n2 = static_cast<double>(control_means.size());
  out.df = n1 + n2 - 2.0;
  if (n1 < 1 || n2 < 1 || out.df < 1) {
    out.estimate = out.se = out.p = kNaN;
    return out;
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  const double m1 = mean(intervention_means);
  const double m2 = mean(control_means);
  double ss = 0.0;
  for (double x : intervention_means) ss += (x - m1) * (x - m1);
  for (double x : control_means) ss += (x - m2) * (x - m2);
  out.estimate = m1 - m2;
  out.se = std::sqrt(ss / out.df * (1.0 / n1 + 1.0 / n2));
  out.p = out.se > 0 ? two_sided_t(out.estimate / out.se, out.df) : kNaN;
  return out;
}

MixedModel random_intercept_reml(const std::vector<std::uint32_t>& cluster, const std::vector<double>& treated,
                                 const std::vector<double>& y) {
  std::uint32_t k = 0;
  for (auto c : cluster) k = std::max(k, c + 1);
  std::vector<ClusterSums> clusters(k);
  for (std::size_t i = 0; i < y.size(); ++i) {
    clusters[cluster[i]].n += 1.0;
    clusters[cluster[i]].sum += y[i];
    clusters[cluster[i]].x = treated[i];
  }
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto& c = clusters[cluster[i]];
    const double d = y[i] - c.sum / c.n;
    clusters[cluster[i]].within += d * d;
  }
  clusters.erase(std::remove_if(clusters.begin(), clusters.end(), [](const ClusterSums& c) { return c.n == 0; }),
                 clusters.end());
  const auto total = static_cast<double>(y.size());
  MixedModel out;
  out.df = static_cast<double>(clusters.size()) - 2.0;
  // Profile the REML likelihood over log(lambda): a coarse grid, then golden-section search around
  // the best grid point; lambda = 0 (no cluster variance) is the boundary candidate.
  double best_lambda = 0.0;
  Fit best = fit_at(clusters, total, 0.0);
  constexpr double lo = -18.0, hi = 12.0;
  constexpr int grid = 121;
  double best_t = lo;
  double grid_best = -std::numeric_limits<double>::infinity();
  for (int i = 0; i < grid; ++i) {
    const double t = lo + (hi - lo) * i / (grid - 1);
    const Fit f = fit_at(clusters, total, std::exp(t));
    if (f.loglik > grid_best) {
      grid_best = f.loglik;
      best_t = t;
    }
  }
  const double step = (hi - lo) / (grid - 1);
  double a = best_t - step;
  double b = best_t + step;
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - g * (b - a);
  double d = a + g * (b - a);
  double fc = fit_at(clusters, total, std::exp(c)).loglik;
  double fd = fit_at(clusters, total, std::exp(d)).loglik;
  for (int i = 0; i < 100; ++i) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = fit_at(clusters, total, std::exp(c)).loglik;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = fit_at(clusters, total, std::exp(d)).loglik;
    }
  }
  const double t_star = (a + b) / 2.0;
  const Fit interior = fit_at(clusters, total, std::exp(t_star));
  if (interior.loglik > best.loglik) {
    best = interior;
    best_lambda = std::exp(t_star);
  }
  out.estimate = best.b1;
  out.intercept = best.b0;
  out.residual_variance = best.sigma2;
  out.cluster_variance = best_lambda * best.sigma2;
  out.icc = out.cluster_variance / (out.cluster_variance + out.residual_variance);
  out.se = std::sqrt(best.sigma2 * best.inv11);
  // Satterthwaite's degrees of freedom for this design with equal cluster sizes: the estimated
  // variance of the effect is the between-cluster mean square (K - 2 df) when the cluster variance
  // is positive, and the pooled residual variance (N - 2 df) when it is estimated at zero.
  if (out.cluster_variance == 0.0) out.df = total - 2.0;
  out.p = out.se > 0 ? two_sided_t(out.estimate / out.se, out.df) : kNaN;
  return out;
}

std::pair<double, double> wilson_interval(double successes, double trials, double z) {
  if (trials <= 0) return {kNaN, kNaN};
  const double p = successes / trials;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const double half = z * std::sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials);
  // At 0 or all successes the bound is exactly 0 or 1 (the formula leaves rounding residue).
  return {successes <= 0 ? 0.0 : std::max(0.0, centre - half),
          successes >= trials ? 1.0 : std::min(1.0, centre + half)};
}

PowerSummary run_power(const Experiment& experiment, const PowerSettings& settings, const PowerOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  parallel::set_threads(options.threads.value_or(experiment.base().run().threads));
  const Scenario& base = experiment.base();
  const std::string file = experiment.name();
  auto bad = [&](const std::string& key, const std::string& message) {
    return InputError(Diagnostic{SourceLocation{file, 0, 0}, key, message});
  };
  const auto outcomes = power_outcomes();
  if (settings.outcome.empty()) throw bad("power.outcome", "no outcome: give --outcome NAME or [power] outcome");
  if (std::find(outcomes.begin(), outcomes.end(), settings.outcome) == outcomes.end()) {
    std::string message = "\"" + settings.outcome + "\" is not a per-person outcome";
    if (auto guess = scenario::closest(settings.outcome, outcomes); !guess.empty()) {
      message += "; did you mean \"" + guess + "\"?";
    }
    throw bad("power.outcome", message);
  }
  if (settings.units.empty()) throw bad("power.units", "no pilot sizes: give --units 8,16,... or [power] units");
  for (auto u : settings.units) {
    if (u < 4 || u % 2 != 0) {
      throw bad("power.units",
                "a pilot needs an even number of clusters, at least 4 (2 per arm), got " + std::to_string(u));
    }
  }
  if (settings.per_unit < 2) {
    throw bad("power.per_unit",
              "at least 2 staff per cluster are needed (the mixed model separates cluster and "
              "residual variance), got " +
                  std::to_string(settings.per_unit));
  }
  if (settings.design == PilotDesign::stepped_wedge) {
    throw bad("power.design", "stepped-wedge pilots are not supported yet; use design = \"cluster\"");
  }
  if (base.randomisation().method != RandomisationMethod::cluster) {
    throw bad("scenario", "the base scenario " + base.name() +
                              " randomises individuals; a cluster pilot needs randomisation.method = \"cluster\"");
  }
  // Control and intervention arms.
  const auto& arms = base.arms();
  auto find_arm = [&](const std::string& name, const char* key) -> std::size_t {
    for (std::size_t a = 0; a < arms.size(); ++a) {
      if (arms[a].name == name) return a;
    }
    throw bad(key, "the scenario has no arm \"" + name + "\"");
  };
  std::size_t control = arms.size();
  std::size_t intervention = arms.size();
  if (!settings.control_arm.empty()) {
    control = find_arm(settings.control_arm, "power.control_arm");
  } else {
    for (std::size_t a = 0; a < arms.size(); ++a) {
      if (!arms[a].program.active()) {
        if (control != arms.size()) throw bad("power.control_arm", "several arms have no program: name the control");
        control = a;
      }
    }
    if (control == arms.size()) throw bad("power.control_arm", "no arm without a program: name the control arm");
  }
  if (!settings.intervention_arm.empty()) {
    intervention = find_arm(settings.intervention_arm, "power.intervention_arm");
  } else {
    if (arms.size() != 2)
      throw bad("power.intervention_arm", "the scenario has more than two arms: name the intervention");
    intervention = 1 - control;
  }
  if (control == intervention) throw bad("power.intervention_arm", "the control and intervention arms are the same");

  (void)io::check_output_target(options.output);  // an unusable target fails before any simulation
  const std::size_t sizes = settings.units.size();
  const Replicate trials = experiment.replicates();
  struct Trial {
    TTest t;
    MixedModel mixed;
  };
  std::vector<std::vector<Trial>> results(sizes, std::vector<Trial>(trials));
  std::vector<double> true_effect(trials, kNaN);
  struct Example {
    std::vector<std::uint32_t> cluster;
    std::vector<std::uint8_t> treated;
    std::vector<double> y;
  };
  std::vector<Example> examples(sizes);
  std::mutex mutex;
  std::string first_error;
  std::atomic<bool> failed{false};

  // A pilot larger than the clusters can supply is an input error: found on the first workforce
  // before anything is simulated or printed. Only initial staff are measured and units and arms do
  // not change, so a unit's initial staff of the two arms bound its measured staff (of every stage:
  // staff are promoted, so --stages is checked after the run).
  std::optional<Simulation> first;
  first.emplace(base, Replicate{0});
  {
    const SimulationState& state = first->state();
    const Population& pop = state.population;
    std::map<UnitId, std::pair<std::uint32_t, int>> staff;  // unit: initial staff, side (units are randomised whole)
    for (AgentId a = 0; a < pop.size(); ++a) {
      const ArmId arm = state.program.arm[a];
      if (pop.hired[a] != 0 || (arm != control && arm != intervention)) continue;
      auto& [n, side] = staff[pop.unit[a]];
      ++n;
      side = arm == intervention ? 1 : 0;
    }
    std::size_t clusters[2] = {0, 0};
    for (const auto& entry : staff) {
      if (entry.second.first >= settings.per_unit) ++clusters[entry.second.second];
    }
    for (std::size_t si = 0; si < sizes; ++si) {
      const std::uint32_t per_arm = settings.units[si] / 2;
      if (clusters[0] < per_arm || clusters[1] < per_arm) {
        throw bad("power.units",
                  "the workforce of replicate 0 has " + std::to_string(clusters[1]) + " " + arms[intervention].name +
                      " and " + std::to_string(clusters[0]) + " " + arms[control].name + " clusters with at least " +
                      std::to_string(settings.per_unit) + " staff; a pilot of " + std::to_string(settings.units[si]) +
                      " needs " + std::to_string(per_arm) + " of each");
      }
    }
  }

  const Seed key = derived_key(experiment.seed(), 4);
  const bool across = parallel::threads() > 1 && trials >= static_cast<Replicate>(parallel::threads()) &&
                      base.population().total_size() < 100000;
  std::atomic<bool> never{false};
  const std::atomic<bool>* stop = options.stop != nullptr ? options.stop : &never;

  // One replicate run to its end and its measured staff grouped by cluster; `error` says why a
  // pilot size cannot be drawn from it (too few clusters with per_unit measured staff).
  struct Measured {
    std::vector<double> y;
    std::map<UnitId, std::vector<AgentId>> members;
    std::vector<UnitId> eligible[2];
    double unit_mean_sum[2] = {0.0, 0.0};
    std::string error;
  };
  auto measure = [&](Simulation& simulation, Replicate r, Measured& m) {
    const SimulationState& state = simulation.state();
    m.y = person_outcome(state, settings.outcome);
    const Population& pop = state.population;
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (std::isnan(m.y[a])) continue;
      const ArmId arm = state.program.arm[a];
      if (arm != control && arm != intervention) continue;
      if (!settings.stages.empty() &&
          std::find(settings.stages.begin(), settings.stages.end(), pop.stage[a]) == settings.stages.end()) {
        continue;
      }
      m.members[pop.unit[a]].push_back(a);
    }
    // Clusters with enough measured staff, by arm (units are randomised whole: one arm per unit).
    for (const auto& [unit, list] : m.members) {
      if (list.size() < settings.per_unit) continue;
      const int side = state.program.arm[list.front()] == intervention ? 1 : 0;
      m.eligible[side].push_back(unit);
      double sum = 0.0;
      for (AgentId a : list) sum += m.y[a];
      m.unit_mean_sum[side] += sum / static_cast<double>(list.size());
    }
    for (std::size_t si = 0; si < sizes && m.error.empty(); ++si) {
      const std::uint32_t per_arm = settings.units[si] / 2;
      if (m.eligible[0].size() < per_arm || m.eligible[1].size() < per_arm) {
        m.error = "replicate " + std::to_string(r) + " has " + std::to_string(m.eligible[1].size()) + " " +
                  arms[intervention].name + " and " + std::to_string(m.eligible[0].size()) + " " + arms[control].name +
                  " clusters with at least " + std::to_string(settings.per_unit) + " measured staff" +
                  (settings.stages.empty() ? "" : " of the given stages") + " at the end; a pilot of " +
                  std::to_string(settings.units[si]) + " needs " + std::to_string(per_arm) + " of each";
      }
    }
  };
  // Replicate 0 is run and measured before anything is printed: staff measured only at the end (a
  // stage filter, leavers) can leave too few clusters, and that error should come alone.
  std::optional<Measured> first_measured;
  {
    if (!run_to_end(*first, stop)) {
      PowerSummary interrupted;
      interrupted.units = settings.units;
      interrupted.trials = trials;
      interrupted.interrupted = true;
      interrupted.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return interrupted;
    }
    first_measured.emplace();
    measure(*first, 0, *first_measured);
    first.reset();
    if (!first_measured->error.empty()) throw bad("power.units", first_measured->error);
  }

  std::optional<Progress> progress;
  if (options.log != nullptr) {
    *options.log << "power: " << trials << " simulated pilots of each size (" << sizes << " sizes), outcome "
                 << settings.outcome << ", " << settings.per_unit << " staff per cluster\n";
    progress.emplace(*options.log, options.terminal, trials, "replicates");
  }

  auto one_replicate = [&](Replicate r) {
    if (stop->load() || failed.load()) return;
    Measured own;
    if (r != 0) {
      Simulation simulation(base, r);
      if (!run_to_end(simulation, stop)) return;
      measure(simulation, r, own);
    }
    Measured& m = r == 0 ? *first_measured : own;
    if (!m.error.empty()) {
      const std::lock_guard lock(mutex);
      if (first_error.empty()) first_error = m.error;
      failed = true;  // the others stop: the command fails
      return;
    }
    const std::vector<double>& y = m.y;
    auto& members = m.members;
    auto& eligible = m.eligible;
    auto& unit_mean_sum = m.unit_mean_sum;
    true_effect[r] = unit_mean_sum[1] / static_cast<double>(eligible[1].size()) -
                     unit_mean_sum[0] / static_cast<double>(eligible[0].size());
    for (std::size_t si = 0; si < sizes; ++si) {
      Stream stream(key, r, static_cast<Step>(si), Purpose::population_layout, 0);
      const std::uint32_t per_arm = settings.units[si] / 2;
      std::vector<std::uint32_t> cluster;
      std::vector<double> treated;
      std::vector<double> values;
      std::vector<double> means[2];
      std::uint32_t next_cluster = 0;
      for (int side = 0; side < 2; ++side) {
        std::vector<UnitId> pool = eligible[side];
        for (std::uint32_t i = 0; i < per_arm; ++i) {  // partial Fisher-Yates
          const std::uint32_t j = i + stream.below(static_cast<std::uint32_t>(pool.size()) - i);
          std::swap(pool[i], pool[j]);
          std::vector<AgentId> staff = members[pool[i]];
          double sum = 0.0;
          for (std::uint32_t s = 0; s < settings.per_unit; ++s) {
            const std::uint32_t t = s + stream.below(static_cast<std::uint32_t>(staff.size()) - s);
            std::swap(staff[s], staff[t]);
            cluster.push_back(next_cluster);
            treated.push_back(side);
            values.push_back(y[staff[s]]);
            sum += y[staff[s]];
          }
          means[side].push_back(sum / settings.per_unit);
          ++next_cluster;
        }
      }
      results[si][r].t = cluster_t_test(means[1], means[0]);
      results[si][r].mixed = random_intercept_reml(cluster, treated, values);
      if (r == 0) {
        examples[si].cluster = cluster;
        examples[si].treated.assign(treated.begin(), treated.end());
        examples[si].y = values;
      }
    }
    if (progress) progress->advance();
  };
  if (across) {
    parallel::for_each(
        trials,
        [&](std::size_t r) {
          const parallel::SerialScope serial;
          one_replicate(static_cast<Replicate>(r));
        },
        1);
  } else {
    for (Replicate r = 0; r < trials && !stop->load() && !failed.load(); ++r) one_replicate(r);
  }
  if (!first_error.empty()) {
    if (progress) progress->abandon();  // the error is the last line, not a final progress line
    throw bad("power.units", first_error);
  }
  if (progress) progress->finish();

  PowerSummary summary;
  summary.units = settings.units;
  summary.trials = trials;
  summary.interrupted = stop->load();
  if (summary.interrupted) {
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
  }
  double truth = 0.0;
  for (double v : true_effect) truth += v;
  truth /= trials;
  summary.true_effect = truth;

  io::install_cleanup_handlers();
  io::OutputFile out(options.output);
  out.set_attribute(io::schema::kRoot, "schema_version", io::schema::kSchemaVersion);
  out.set_attribute(io::schema::kRoot, io::schema::kKindAttribute, io::schema::kPowerKind);
  const std::string meta(io::schema::kMeta);
  out.create_group(meta);
  out.set_attribute(meta, "mentorsim_version", build::version());
  out.set_attribute(meta, "git_commit", build::git_commit());
  out.set_attribute(meta, "experiment_path", experiment.name());
  out.set_attribute(meta, "experiment_toml", experiment.text());
  out.set_attribute(meta, "scenario_path", base.name());
  out.set_attribute(meta, "scenario_toml", base.source_text());
  std::string overrides;
  for (const auto& o : experiment.scenario_overrides()) overrides += o + "\n";
  out.set_attribute(meta, "overrides", overrides);
  out.set_attribute(meta, "resolved_json", base.resolved_json());
  out.set_attribute(meta, "seed", static_cast<std::uint64_t>(experiment.seed()));
  out.set_attribute(meta, "replicates", static_cast<std::int64_t>(trials));
  out.set_attribute(meta, "dependencies", io::dependency_versions());
  out.set_attribute(meta, "created_utc", io::utc_timestamp());
  out.set_attribute(meta, "hostname", io::host_name());
  out.set_attribute(meta, "threads", static_cast<std::int64_t>(parallel::threads()));

  const std::string g(io::schema::kPower);
  out.create_group(g);
  out.set_attribute(g, "outcome", settings.outcome);
  out.set_attribute(g, "alpha", settings.alpha);
  out.set_attribute(g, "per_unit", static_cast<std::int64_t>(settings.per_unit));
  out.set_attribute(g, "trials", static_cast<std::int64_t>(trials));
  out.set_attribute(g, "design", std::string(to_string(settings.design)));
  out.set_attribute(g, "analysis", std::string(to_string(settings.analysis)));
  out.set_attribute(g, "control_arm", arms[control].name);
  out.set_attribute(g, "intervention_arm", arms[intervention].name);
  std::string stages;
  for (CareerStage s : settings.stages) {
    if (!stages.empty()) stages += ',';
    stages += to_string(s);
  }
  out.set_attribute(g, "stages", stages.empty() ? std::string("all") : stages);
  out.set_attribute(g, "true_effect", truth);
  out.write(g + "/units", settings.units);
  out.write(g + "/true_effect_by_replicate", true_effect);

  const auto n = static_cast<double>(trials);
  for (int analysis = 0; analysis < 2; ++analysis) {
    const std::string a = g + (analysis == 0 ? "/t_test" : "/mixed_model");
    std::vector<double> mean(sizes), sd(sizes), bias(sizes), power(sizes), low(sizes), high(sizes), icc(sizes);
    std::vector<double> estimates(sizes * trials), p_values(sizes * trials), se(sizes * trials);
    std::vector<double> iccs(sizes * trials);
    for (std::size_t si = 0; si < sizes; ++si) {
      double sum = 0.0, sum2 = 0.0, rejected = 0.0, icc_sum = 0.0, icc_count = 0.0;
      for (Replicate r = 0; r < trials; ++r) {
        const Trial& t = results[si][r];
        const double est = analysis == 0 ? t.t.estimate : t.mixed.estimate;
        const double p = analysis == 0 ? t.t.p : t.mixed.p;
        estimates[si * trials + r] = est;
        p_values[si * trials + r] = p;
        se[si * trials + r] = analysis == 0 ? t.t.se : t.mixed.se;
        iccs[si * trials + r] = t.mixed.icc;
        sum += est;
        sum2 += est * est;
        rejected += p < settings.alpha ? 1.0 : 0.0;
        if (!std::isnan(t.mixed.icc)) {
          icc_sum += t.mixed.icc;
          icc_count += 1.0;
        }
      }
      mean[si] = sum / n;
      sd[si] = trials > 1 ? std::sqrt(std::max(0.0, (sum2 - sum * sum / n) / (n - 1))) : kNaN;
      bias[si] = mean[si] - truth;
      power[si] = rejected / n;
      std::tie(low[si], high[si]) = wilson_interval(rejected, n);
      icc[si] = icc_count > 0 ? icc_sum / icc_count : kNaN;
    }
    out.write(a + "/estimate_mean", mean);
    out.write(a + "/estimate_sd", sd);
    out.write(a + "/bias", bias);
    out.write(a + "/power", power);
    out.write(a + "/power_low", low);
    out.write(a + "/power_high", high);
    out.write(a + "/estimate", estimates, {sizes, trials});
    out.write(a + "/se", se, {sizes, trials});
    out.write(a + "/p", p_values, {sizes, trials});
    if (analysis == 1) {
      out.write(a + "/icc_mean", icc);
      out.write(a + "/icc", iccs, {sizes, trials});
    }
    if ((analysis == 0) == (settings.analysis == PowerAnalysis::t_test)) summary.power = power;
  }
  for (std::size_t si = 0; si < sizes; ++si) {
    const std::string e = g + "/example/units_" + std::to_string(settings.units[si]);
    out.write(e + "/cluster", examples[si].cluster);
    out.write(e + "/treated", examples[si].treated);
    out.write(e + "/y", examples[si].y);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.set_attribute(meta, "elapsed_seconds", summary.seconds);
  out.commit();
  return summary;
}

}  // namespace mentorsim::experiment
