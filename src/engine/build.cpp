#include "mentorsim/engine/build.hpp"

#include "mentorsim/core/build_info.hpp"

namespace mentorsim::build {

const char* version() { return MENTORSIM_VERSION; }
const char* git_commit() { return MENTORSIM_GIT_COMMIT; }
const char* compiler() { return MENTORSIM_COMPILER; }
const char* cxx_flags() { return MENTORSIM_CXX_FLAGS; }
const char* build_type() { return MENTORSIM_BUILD_TYPE; }

}  // namespace mentorsim::build
