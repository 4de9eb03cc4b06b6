// scarmap: command-line entry point. The only place that prints, exits, or catches everything.
#include <exception>
#include <iostream>
#include <vector>

#include "cli/commands.hpp"
#include "scarmap/core/version.hpp"

int main(int argc, char** argv) {
  using namespace scarmap::cli;
  CLI::App app{
      "scarmap: maps scalp scars (FUT strip and FUE dot) and hair density on scalp photos,\n"
      "measures them in mm and plans scalp micropigmentation (SMP) coverage."};
  app.set_version_flag("--version", std::string("scarmap ") + scarmap::kVersion);
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, CommandRunner>> commands;
  auto add = [&](CommandRunner runner) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(runner));
  };
  add(AddAnalyzeCommand(app));
  add(AddSynthCommand(app));
  add(AddEvalCommand(app));
  add(AddMarkerCommand(app));
  add(AddConfigCommand(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
  } catch (const std::exception& e) {
    std::cerr << "scarmap: error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitUsage;
}
