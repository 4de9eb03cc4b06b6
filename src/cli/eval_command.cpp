// PLACEHOLDER: replaced by the issue that implements `scarmap eval`.
#include <iostream>

#include "cli/commands.hpp"

namespace scarmap::cli {
CommandRunner AddEvalCommand(CLI::App& app) {
  app.add_subcommand("eval", "(not implemented yet)");
  return [] {
    std::cerr << "scarmap eval: not implemented yet\n";
    return kExitUsage;
  };
}
}  // namespace scarmap::cli
