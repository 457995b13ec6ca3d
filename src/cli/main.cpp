#include "commands.hpp"

int main(int argc, char** argv) { return mentorsim::cli::main(argc, argv); }
