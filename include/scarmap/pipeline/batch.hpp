// Batch runner: analyses many images in parallel, writes one report per image (atomically),
// optional masks and overlays, a thumbnail per photo, summary.csv / scars.csv and index.html.
// Never stops at a bad file.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/render/batch_index.hpp"
#include "scarmap/render/overlay.hpp"

namespace scarmap {

struct BatchOptions {
  PipelineOptions pipeline;
  OverlayOptions overlay;
  BatchPageOptions page;  ///< index.html and the <stem>.thumb.jpg thumbnails it shows
  std::filesystem::path out_dir;
  int jobs = 1;            ///< worker threads; never more than this many images in memory
  bool recursive = false;  ///< descend into sub-folders of folder inputs
  bool masks = false;      ///< write <stem>.mask.png
  bool overlays = false;   ///< write <stem>.overlay.jpg
  bool resume = false;     ///< skip images whose complete report is already in out_dir
  bool force = false;      ///< replace an earlier, different run in out_dir (run_folder.hpp)
  /// Checked before each image starts: once true, no new image starts, the images in progress
  /// finish and are written, and RunBatch returns with `interrupted` set (no summary tables).
  const std::atomic<bool>* stop = nullptr;
  void Check() const;
};

/// Progress: once when the batch starts (done = 0), then after each finished image. Called from
/// worker threads, serialised by the runner.
struct BatchProgress {
  int done = 0;
  int total = 0;
  int failed = 0;
  int skipped = 0;
  std::string current;  ///< input path just finished
};
using ProgressCallback = std::function<void(const BatchProgress&)>;

struct BatchItem {
  std::filesystem::path input;
  std::string stem;
  StatusCode status = StatusCode::kOk;
  std::string message;
  bool skipped = false;  ///< resumed: a complete report already existed
};

struct BatchResult {
  std::vector<BatchItem> items;  ///< in input order (sorted); only the finished ones
  int failed = 0;                ///< items whose status is not ok
  int total = 0;                 ///< images in the batch (finished or not)
  bool interrupted = false;      ///< stopped by BatchOptions::stop before every image was done
};

/// Image files named by `inputs`: files as given; folders expanded to the image files inside
/// (by extension, case-insensitive), recursively when asked, symlink loops not followed. Sorted,
/// duplicates removed (also one path spelled twice, e.g. with "..": the first spelling stays).
/// Paths that do not exist are kept (they get an "unreadable" report).
std::vector<std::filesystem::path> ExpandInputs(const std::vector<std::filesystem::path>& inputs,
                                                bool recursive);

/// Runs the batch: per photo <stem>.json (always, written last), <stem>.thumb.jpg (when the photo
/// was decoded), <stem>.mask.png and <stem>.overlay.jpg when asked; then summary.csv, scars.csv
/// and index.html for the whole batch. Throws scarmap::Error only when the output folder itself
/// is unusable or
/// refused by the rules of pipeline/run_folder.hpp (then before anything is written).
BatchResult RunBatch(const BatchOptions& options, const std::vector<std::filesystem::path>& inputs,
                     const ProgressCallback& progress = {});

}  // namespace scarmap
