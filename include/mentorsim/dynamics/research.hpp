#pragma once
// Research output, the last stage of each week (issue 16 outcomes; docs/model.md 7.22). Each active
// agent leads papers (or grant applications: any countable research product) as a Poisson process of
// weekly rate
//   lambda = (annual_rate / 52) s_research (1 - workload) (1 + collaboration_weight min(1, C /
//   collaboration_reference)),
// s_research its research skill, 1 - workload its time left for research, and C = sum over its active
// collegial ties of strength x the colleague's research skill (its collaboration ties). Each paper has
// one coauthor, a colleague drawn with probability proportional to strength x research skill (none if
// C = 0); a paper whose coauthor is of another home institution or profession and has not coauthored with
// the agent before begins a new research direction. Mentoring acts on it through research skill (7.9) and
// through the ties it makes (7.13). Draws come from the stream (week, research_output, agent): nothing
// else draws from it and nothing else reads its result, so adding it changes no other result. The
// process is simulated by thinning: a Poisson number of candidates at the rate with full collaboration,
// each kept with probability (1 + w min(1, C / ref)) / (1 + w), so C is computed only for agents with a
// candidate. The coauthor is not credited with the paper (it is the lead author's count).

#include <string_view>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

// C: the sum over a's ties to active colleagues of strength x the colleague's research skill.
double collaboration_capacity(const Population& population, const SkillMatrix& skills, const CollegialNetwork& network,
                              AgentId a);
// The weekly rate of papers of agent a given its collaboration capacity C.
double weekly_paper_rate(const ResearchParams& params, const Population& population, const SkillMatrix& skills,
                         AgentId a, double capacity);

class ResearchStage {
 public:
  static constexpr Stage id = Stage::research;
  static constexpr StageAccess access{.reads = {Component::staff, Component::skills, Component::network},
                                      .writes = {Component::research}};
  static constexpr std::string_view summary =
      "papers each active agent leads this week (Poisson: research skill, time left by workload, collaboration "
      "ties) and the new research directions (first coauthorship across institution or profession) they begin";
  using Context = StageContext<access>;

  void run(Context& ctx);
};

}  // namespace mentorsim
