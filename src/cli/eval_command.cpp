// `scarmap eval`: score reports against synthetic ground truth.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "scarmap/eval/evaluate.hpp"
#include "scarmap/io/output.hpp"

namespace scarmap::cli {

CommandRunner AddEvalCommand(CLI::App& app) {
  struct Args { std::string truth, pred, json; };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("eval", "Score reports against ground truth from scarmap synth");
  cmd->add_option("--truth", a->truth, "Folder with <stem>.truth.json and <stem>.truth.png")->required();
  cmd->add_option("--pred", a->pred, "Folder with the <stem>.json reports (and .mask.png)")->required();
  cmd->add_option("--json", a->json, "Also write the scores as JSON to this file");
  return [a]() -> int {
    EvalResult r;
    try {
      r = EvaluateFolders({}, a->truth, a->pred);
    } catch (const std::exception& e) {
      std::cerr << "scarmap eval: " << e.what() << "\n";
      return kExitUsage;
    }
    std::cout << FormatEvalTable(r);
    if (!a->json.empty()) WriteFileAtomic(a->json, EvalResultToJson(r));
    return kExitOk;
  };
}

}  // namespace scarmap::cli
