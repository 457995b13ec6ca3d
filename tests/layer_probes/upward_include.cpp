// Compiled against the world layer only: including an engine header must fail (the test expects
// this target not to build). See the layer list in CMakeLists.txt.
#include "mentorsim/engine/runner.hpp"

int probe() { return 0; }
