// PLACEHOLDER: replaced by the issue that implements `scarmap synth`.
#include <iostream>

#include "cli/commands.hpp"

namespace scarmap::cli {
CommandRunner AddSynthCommand(CLI::App& app) {
  app.add_subcommand("synth", "(not implemented yet)");
  return [] {
    std::cerr << "scarmap synth: not implemented yet\n";
    return kExitUsage;
  };
}
}  // namespace scarmap::cli
