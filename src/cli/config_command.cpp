// `scarmap config --dump`: the settings a --config file can pin, with their defaults.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"

namespace scarmap::cli {

CommandRunner AddConfigCommand(CLI::App& app) {
  auto dump = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "config", "Settings files for scarmap analyze --config (a clinic pins its settings)");
  cmd->add_flag("--dump", *dump,
                "Print every setting of scarmap analyze with its default as a JSON object "
                "(null = not set); edit it and pass it back with --config")
      ->required();
  return [&app, dump]() -> int {
    if (*dump) std::cout << ConfigDefaults(*app.get_subcommand("analyze")).dump(2) << "\n";
    return kExitOk;
  };
}

}  // namespace scarmap::cli
