#include "mentorsim/dynamics/confidence.hpp"

#include <cstdint>
#include <vector>

#include "mentorsim/core/ordered_updates.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"

namespace mentorsim {

void ConfidenceStage::run(Context& ctx) {
  using C = Component;
  const ConfidenceParams& p = ctx.dynamics().confidence;
  const DyadTable& dyads = ctx.read<C::dyads>();
  const DyadEventsView events = ctx.read<C::dyad_events>();
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  std::vector<float>& c = ctx.write<C::confidence>();
  // Each update moves one agent's confidence from its current value, so the result depends on the
  // order of an agent's updates: they are listed in parallel, blocks of dyads in dyad order, and applied
  // so that each agent gets its own in dyad order (OrderedUpdates).
  enum class Kind : std::uint8_t { empowerment, efficacy, setback };
  struct Update {
    AgentId agent;
    Kind kind;
  };
  constexpr std::size_t kBlock = 2048;
  OrderedUpdates<Update> updates((active.size() + kBlock - 1) / kBlock, c.size());
  parallel::for_blocks(active.size(), kBlock, [&](std::size_t begin, std::size_t end) {
    std::vector<Update> out;
    for (std::size_t k = begin; k < end; ++k) {
      const DyadId d = active[k];
      if (!events.met[d]) continue;
      const AgentId mentor = dyads.mentor[d];
      const AgentId mentee = dyads.mentee[d];
      if (events.succeeded[d]) {
        if (dyads.type[d] == DyadType::reverse || dyads.type[d] == DyadType::reciprocal) {
          out.push_back(Update{mentor, Kind::empowerment});
        }
        out.push_back(Update{mentee, Kind::efficacy});
        // Peers learn from each other: the partner in the mentor role gains as a mentee does.
        if (dyads.type[d] == DyadType::peer) out.push_back(Update{mentor, Kind::efficacy});
      } else {
        out.push_back(Update{mentor, Kind::setback});
      }
    }
    updates.set_block(begin / kBlock, out, [](const Update& u) { return u.agent; });
  });
  updates.apply([&](const Update& u) { prefetch(&c[u.agent]); },
                [&](const Update& u) {
                  float& x = c[u.agent];
                  switch (u.kind) {
                    case Kind::empowerment:
                      x += static_cast<float>(p.empowerment * (1.0 - x));
                      break;
                    case Kind::efficacy:
                      x += static_cast<float>(p.mentee_efficacy * (1.0 - x));
                      break;
                    case Kind::setback:
                      x -= static_cast<float>(p.setback * x);
                      break;
                  }
                });
}

}  // namespace mentorsim
