// end_dyads: ending many dyads at once, in parallel, as end_dyad ends each (src/program/calendar.cpp).

#include <catch2/catch.hpp>

#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/program/calendar.hpp"

using namespace mentorsim;

namespace {

NewDyad dyad(AgentId mentor, AgentId mentee, Formation formation) {
  NewDyad d;
  d.mentor = mentor;
  d.mentee = mentee;
  d.formation = formation;
  return d;
}

}  // namespace

TEST_CASE("end_dyads frees each dyad's places and marks early program ends, as end_dyad does", "[program]") {
  for (const int threads : {1, 2}) {
    INFO("threads " << threads);
    parallel::set_threads(threads);
    // Dyads 0 and 1: program dyads of mentor 0 (mentees 1 and 2); dyad 2: informal, mentor 3 and mentee 1;
    // dyad 3: a program dyad of mentor 4 and mentee 2 that already ended at week 1 (mentor 4 left).
    DyadTable dyads;
    dyads.add(dyad(0, 1, Formation::assigned), 0);
    dyads.add(dyad(0, 2, Formation::assigned), 0);
    dyads.add(dyad(3, 1, Formation::informal), 0);
    dyads.add(dyad(4, 2, Formation::self_identified), 0);
    ProgramState program;
    program.resize(5);
    program.mentor_load[0] = 2;
    program.mentee_load[1] = 1;
    program.mentee_load[2] = 2;
    program.mentor_load[4] = 1;
    program.informal_mentor_load[3] = 1;
    program.informal_mentee_load[1] = 1;
    end_dyad(dyads, program, 3, 1, EndReason::leaving);
    CHECK(program.mentor_load[4] == 0);
    CHECK(program.mentee_load[2] == 1);
    CHECK(program.dissolved[2] == 1);
    program.dissolved[2] = 0;  // so that dyad 1's early end below must set it again

    const std::vector<DyadId> ids{0, 1, 2, 3};
    const std::vector<EndReason> reasons{EndReason::program_end, EndReason::lack_of_time, EndReason::natural_end,
                                         EndReason::poor_communication};
    end_dyads(dyads, program, ids, 5, reasons);
    // Dyad 3 had ended: unchanged. Dyad 0 ran its course: no re-matching for mentee 1. Dyad 1 ended
    // early: mentee 2 may be re-matched. Dyad 2 frees the informal places only.
    CHECK(dyads.end[3] == 1);
    CHECK(dyads.end_reason[3] == EndReason::leaving);
    for (DyadId d = 0; d < 3; ++d) CHECK(dyads.end[d] == 5);
    CHECK(dyads.end_reason[0] == EndReason::program_end);
    CHECK(dyads.end_reason[1] == EndReason::lack_of_time);
    CHECK(dyads.end_reason[2] == EndReason::natural_end);
    CHECK(program.mentor_load[0] == 0);
    CHECK(program.mentee_load[1] == 0);
    CHECK(program.mentee_load[2] == 0);
    CHECK(program.dissolved[1] == 0);
    CHECK(program.dissolved[2] == 1);
    CHECK(program.informal_mentor_load[3] == 0);
    CHECK(program.informal_mentee_load[1] == 0);

    // One reason for all.
    dyads.add(dyad(0, 3, Formation::assigned), 6);
    dyads.add(dyad(4, 1, Formation::assigned), 6);
    program.mentor_load[0] = 1;
    program.mentee_load[3] = 1;
    program.mentor_load[4] = 1;
    program.mentee_load[1] = 1;
    const std::vector<DyadId> later{4, 5};
    end_dyads(dyads, program, later, 7, EndReason::leaving);
    CHECK(dyads.end_reason[4] == EndReason::leaving);
    CHECK(dyads.end_reason[5] == EndReason::leaving);
    CHECK(program.mentor_load[0] == 0);
    CHECK(program.mentor_load[4] == 0);
    CHECK(program.mentee_load[1] == 0);
    CHECK(program.mentee_load[3] == 0);
    CHECK(program.dissolved[1] == 1);
    CHECK(program.dissolved[3] == 1);
  }
  parallel::set_threads(0);
}
