// `scarmap analyze`: photos in, one JSON report per photo out.
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "scarmap/pipeline/batch.hpp"

namespace scarmap::cli {
namespace {

// SIGINT / SIGTERM: the first one asks the batch to stop after the photos in progress; the
// handler then resets itself (SA_RESETHAND), so a second one ends the process at once (atomic
// writes still leave no partial report).
std::atomic<bool> g_stop{false};
volatile sig_atomic_t g_signal = 0;

extern "C" void OnStopSignal(int sig) {
  g_signal = sig;
  g_stop.store(true);
  static const char kMsg[] =
      "\nscarmap: stopping after the photos in progress (press Ctrl-C again to quit at once)\n";
  const ssize_t ignored = ::write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
  (void)ignored;
}

void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

struct AnalyzeArgs {
  std::vector<std::string> inputs;
  std::string out;
  double px_per_mm = 0.0;
  bool masks = false;
  bool overlays = false;
  int jobs = 0;
  bool recursive = false;
  bool resume = false;
  bool force = false;
  double max_megapixels = 100.0;
  double margin_mm = 5.0;
  double min_dpi = 400.0;
  double marker_mm = 10.0;
  std::string marker_dict = "DICT_4X4_50";
  bool no_marker = false;
  bool fast_decode = false;
  bool quiet = false;
  bool verbose = false;
};

std::string Fixed(const char* fmt, double v) {
  char b[64];
  std::snprintf(b, sizeof(b), fmt, v);
  return b;
}

// "45s", "12m05s", "3h07m".
std::string Duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char b[64];
  if (s < 60)
    std::snprintf(b, sizeof(b), "%lds", s);
  else if (s < 3600)
    std::snprintf(b, sizeof(b), "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(b, sizeof(b), "%ldh%02ldm", s / 3600, s / 60 % 60);
  return b;
}

}  // namespace

CommandRunner AddAnalyzeCommand(CLI::App& app) {
  auto a = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Analyse scalp photos: find FUT strip scars and FUE dot scars, measure them, count hair "
      "follicles, and write one JSON report per photo (plus summary.csv and scars.csv).");
  cmd->add_option("INPUT", a->inputs, "Photos (JPEG, PNG, TIFF, WebP, BMP, HEIC) and/or folders")
      ->required();
  cmd->add_option("-o,--out", a->out, "Output folder for the reports (created if missing)")
      ->required();
  cmd->add_option("--px-per-mm", a->px_per_mm,
                  "Known scale in pixels per millimetre (overrides a marker or the file's DPI)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--masks", a->masks,
                "Also write <name>.mask.png (0 none, 1 FUT, 2 FUE) and <name>.scalp.png (the scalp "
                "region, 255)");
  cmd->add_flag("--overlays", a->overlays,
                "Also write <name>.overlay.jpg: the photo with every scar outlined and numbered");
  cmd->add_option("-j,--jobs", a->jobs, "Photos analysed at once (default: all CPU cores)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("-r,--recursive", a->recursive, "Also look inside sub-folders");
  auto* resume = cmd->add_flag(
      "--resume", a->resume,
      "Complete an earlier run in the output folder (same settings): photos whose report is "
      "complete are skipped");
  cmd->add_flag("--force", a->force,
                "Replace an earlier run in the output folder (its reports, masks, overlays and "
                "tables are deleted first); without --resume or --force such a folder is refused")
      ->excludes(resume);
  AddConfigOption(cmd,
                  "JSON file of settings: keys are these long option names, values of their type "
                  "(`scarmap config --dump` prints the defaults); the command line wins");
  cmd->add_option("--max-megapixels", a->max_megapixels,
                  "Refuse photos larger than this many megapixels (default 100)")
      ->check(CLI::Range(0.01, 1000.0));
  cmd->add_option("--margin-mm", a->margin_mm,
                  "SMP feathering margin around each scar, in mm (default 5)")
      ->check(CLI::Range(0.0, 30.0));
  cmd->add_option("--min-dpi", a->min_dpi,
                  "Use the file's resolution tag as the scale only at or above this many dots per "
                  "inch (default 400; phone photos carry meaningless 72/300 dpi tags)")
      ->check(CLI::Range(1.0, 100000.0));
  cmd->add_option("--marker-mm", a->marker_mm, "Printed side of the ArUco marker, in mm (default 10)")
      ->check(CLI::Range(1.0, 200.0));
  cmd->add_option("--marker-dict", a->marker_dict, "ArUco dictionary of the marker (default DICT_4X4_50)");
  cmd->add_flag("--no-marker", a->no_marker, "Do not look for a calibration marker");
  cmd->add_flag("--fast-decode", a->fast_decode,
                "Decode JPEGs at 1/2, 1/4 or 1/8 size when the working scale still has its "
                "resolution: faster, less memory, results differ slightly from a full decode");
  auto* q = cmd->add_flag("-q,--quiet", a->quiet, "No progress output");
  cmd->add_flag("-v,--verbose", a->verbose, "One line per photo with its result")->excludes(q);

  return [a]() -> int {
    BatchOptions bo;
    bo.out_dir = a->out;
    bo.jobs = a->jobs > 0 ? a->jobs : std::max(1u, std::thread::hardware_concurrency());
    bo.recursive = a->recursive;
    bo.masks = a->masks;
    bo.overlays = a->overlays;
    bo.resume = a->resume;
    bo.force = a->force;
    bo.stop = &g_stop;
    bo.pipeline.load.max_megapixels = a->max_megapixels;
    bo.pipeline.smp.margin_mm = a->margin_mm;
    bo.pipeline.min_meaningful_dpi = a->min_dpi;
    bo.pipeline.marker.side_mm = a->marker_mm;
    bo.pipeline.marker.dictionary = a->marker_dict;
    bo.pipeline.use_marker = !a->no_marker;
    bo.pipeline.reduced_decode = a->fast_decode;
    if (a->px_per_mm > 0) bo.pipeline.px_per_mm = a->px_per_mm;
    try {
      bo.Check();
    } catch (const std::exception& e) {
      std::cerr << "scarmap analyze: invalid setting: " << e.what() << "\n";
      return kExitUsage;
    }
    std::vector<std::filesystem::path> inputs(a->inputs.begin(), a->inputs.end());
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const auto start = std::chrono::steady_clock::now();
    auto progress = [&](const BatchProgress& p) {
      if (a->quiet) return;
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (tty && !a->verbose) {
        // Speed and ETA only once they mean something (a broken file takes milliseconds).
        std::string speed = "", eta = "ETA --";
        if (p.done > 0 && secs >= 1.0) {
          const double rate = p.done / secs;
          speed = rate >= 1.0 ? Fixed("%.1f photos/s  ", rate) : Fixed("%.1f s/photo  ", 1 / rate);
          eta = p.done == p.total ? "done in " + Duration(secs)
                                  : "ETA " + Duration((p.total - p.done) / rate);
        }
        const int width = 30;
        const int filled = p.total ? width * p.done / p.total : width;
        // \x1b[K clears what a longer previous line left behind.
        std::fprintf(stderr, "\r[%s%s] %d/%d  %s%s  failed %d\x1b[K",
                     std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                     p.done, p.total, speed.c_str(), eta.c_str(), p.failed);
        if (p.done == p.total) std::fprintf(stderr, "\n");
      } else if (p.done == 0) {
        std::fprintf(stderr, "scarmap: %d photos, %d at a time\n", p.total, bo.jobs);
      } else {
        std::fprintf(stderr, "scarmap: %d/%d done (%d failed): %s\n", p.done, p.total, p.failed,
                     p.current.c_str());
      }
      std::fflush(stderr);
    };
    BatchResult res;
    InstallStopHandlers();
    try {
      res = RunBatch(bo, inputs, progress);
    } catch (const std::exception& e) {
      std::cerr << "scarmap analyze: " << e.what() << "\n";
      return kExitUsage;
    }
    if (res.items.empty()) {
      std::cerr << "scarmap analyze: no images found in the inputs\n";
      return kExitUsage;
    }
    if (res.interrupted) {
      std::cerr << "scarmap: interrupted: " << res.items.size() << " of " << res.total
                << " photos done, their reports complete in " << a->out
                << "; run the same command with --resume to finish\n";
      return 128 + static_cast<int>(g_signal);
    }
    if (!a->quiet) {
      for (const auto& it : res.items)
        if (it.status != StatusCode::kOk)
          std::cerr << "  " << it.input.string() << ": " << ToString(it.status) << " ("
                    << it.message << ")\n";
      std::cerr << "scarmap: " << res.items.size() - res.failed << " of " << res.items.size()
                << " photos analysed; reports in " << a->out << ", overview in "
                << (std::filesystem::path(a->out) / "index.html").string() << "\n";
    }
    return res.failed > 0 ? kExitSomeFailed : kExitOk;
  };
}

}  // namespace scarmap::cli
