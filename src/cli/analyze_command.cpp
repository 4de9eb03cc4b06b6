// PLACEHOLDER: replaced by the issue that implements `scarmap analyze`.
#include <iostream>

#include "cli/commands.hpp"

namespace scarmap::cli {
CommandRunner AddAnalyzeCommand(CLI::App& app) {
  app.add_subcommand("analyze", "(not implemented yet)");
  return [] {
    std::cerr << "scarmap analyze: not implemented yet\n";
    return kExitUsage;
  };
}
}  // namespace scarmap::cli
