#include "commands.hpp"
#include "mentorsim/core/process_memory.hpp"

int main(int argc, char** argv) {
  // Heap settings for speed (huge pages, large blocks kept when freed); may re-execute the program
  // once. See mentorsim/core/process_memory.hpp.
  mentorsim::configure_process_memory(argv);
  return mentorsim::cli::main(argc, argv);
}
