// `scarmap synth`: synthetic scalp photos with exact ground truth.
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "scarmap/core/status.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace scarmap::cli {
namespace {

// "LO:HI" or "X" -> range.
bool ParseRange(const std::string& s, double* lo, double* hi) {
  std::istringstream in(s);
  char sep = 0;
  if (!(in >> *lo)) return false;
  if (in >> sep) {
    if (sep != ':' || !(in >> *hi)) return false;
  } else {
    *hi = *lo;
  }
  return *lo <= *hi;
}

}  // namespace

CommandRunner AddSynthCommand(CLI::App& app) {
  struct Args {
    std::string out, size, mp = "1:12", ppm = "8:40";
    int n = 10;
    std::uint64_t seed = 1;
    SynthOptions o;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "synth", "Render synthetic scalp photos with exact ground truth (for scarmap eval)");
  cmd->add_option("--out", a->out, "Output folder")->required();
  cmd->add_option("--n", a->n, "Number of photos")->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", a->seed, "Seed: the same seed gives the same photos");
  cmd->add_option("--size", a->size, "Fixed size WxH in pixels (default: a megapixel range)");
  cmd->add_option("--megapixels", a->mp, "Size range LO:HI in megapixels (default 1:12)");
  cmd->add_option("--px-per-mm", a->ppm, "Scale range LO:HI (default 8:40)");
  cmd->add_option("--fut-prob", a->o.fut_probability, "Probability of FUT bands")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--fue-prob", a->o.fue_probability, "Probability of FUE dots")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--marker-prob", a->o.marker_probability, "Probability of a marker")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--background-prob", a->o.background_probability, "Probability of a not-scalp region")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--long-hair-prob", a->o.long_hair_probability, "Probability of long hair covering a frame edge")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--distractor-prob", a->o.distractor_probability, "Probability of each spot or line distractor (moles, papules, folds, SMP pigment...)")->check(CLI::Range(0.0, 1.0));
  return [a]() -> int {
    try {
      if (!a->size.empty()) {
        const auto x = a->size.find('x');
        if (x == std::string::npos) throw scarmap::Error("--size must be WxH");
        a->o.width = std::stoi(a->size.substr(0, x));
        a->o.height = std::stoi(a->size.substr(x + 1));
      }
      if (!ParseRange(a->mp, &a->o.min_megapixels, &a->o.max_megapixels))
        throw scarmap::Error("--megapixels must be LO:HI");
      if (!ParseRange(a->ppm, &a->o.min_px_per_mm, &a->o.max_px_per_mm))
        throw scarmap::Error("--px-per-mm must be LO:HI");
      a->o.Check();
    } catch (const std::exception& e) {
      std::cerr << "scarmap synth: " << e.what() << "\n";
      return kExitUsage;
    }
    WriteSynthSet(a->o, a->out, a->n, a->seed);
    std::cerr << "scarmap: wrote " << a->n << " synthetic photos with truth to " << a->out << "\n";
    return kExitOk;
  };
}

}  // namespace scarmap::cli
