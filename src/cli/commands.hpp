#pragma once
// The mentorsim command line: parse with CLI11, call the library, report. Every error a user can
// cause ends here as one line per problem on stderr and an exit code (docs/cli.md):
//   0 ok, 2 bad input, 3 I/O error, 4 internal error.

#include <string>
#include <vector>

namespace mentorsim::cli {

int main(int argc, char** argv);

}  // namespace mentorsim::cli
