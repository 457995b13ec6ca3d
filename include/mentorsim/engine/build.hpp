#pragma once
// This build of mentorsim: version, git commit, compiler, C++ flags and build type (the generated
// build_info.hpp, regenerated at every build). Only src/engine/build.cpp includes the generated
// header, so a new commit recompiles one file.

namespace mentorsim::build {

const char* version();
const char* git_commit();
const char* compiler();
const char* cxx_flags();
const char* build_type();

}  // namespace mentorsim::build
