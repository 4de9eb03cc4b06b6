// The batch output folder's rules: what a run may write where, and when it must refuse.
//
//  1. No input photo may lie directly inside the output folder: the outputs would be written
//     among the photos (and `<stem>.overlay.jpg` could replace one). A sub-folder of the input
//     folder is fine, even with --recursive: scarmap's own outputs are never taken as inputs.
//  2. A folder that holds an earlier run (a run manifest `.scarmap-run`, scarmap reports, or
//     summary.csv / scars.csv) is refused, unless
//       - resume: the earlier run recorded the same settings (and scarmap version), and no
//         report this batch would write belongs to another photo; its complete reports are
//         kept, the rest is analysed;
//       - force: the earlier run's outputs (per its manifest, or every scarmap report and its
//         mask/overlay) are deleted first; other files are left alone.
//  3. Nothing inside the folder is followed: an output name that is a symbolic link refuses the
//     batch (the folder itself may be a link). Only one scarmap run writes a folder at a time
//     (FolderLock); temporaries left by a killed run are removed.
// A refusal throws scarmap::Error before anything on disk changes.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scarmap/io/output.hpp"
#include "scarmap/pipeline/batch.hpp"
#include "scarmap/report/run_manifest.hpp"

namespace scarmap {

/// Suffixes of the per-photo outputs: `<stem>.json`, `.mask.png`, `.scalp.png`, `.overlay.jpg`,
/// `.thumb.jpg`.
inline constexpr const char* kPerImageOutputs[] = {".json", ".mask.png", ".scalp.png",
                                                   ".overlay.jpg", ".thumb.jpg"};
/// Batch-level outputs besides the run manifest.
inline constexpr const char* kBatchOutputs[] = {"summary.csv", "scars.csv", "index.html"};

/// The settings a run manifest records: those that change a photo's outputs (not --jobs).
std::map<std::string, std::string> RunSettings(const BatchOptions& options);

/// An output folder opened for one batch under the rules above; holds its lock until destroyed.
class RunFolder {
 public:
  /// Applies the rules for `files` (expanded inputs) and prepares the folder: creates it, takes
  /// the lock, removes stale temporaries (and, with force, the earlier run), writes the manifest.
  /// Throws scarmap::Error, with nothing changed, when the batch may not write there.
  RunFolder(const BatchOptions& options, const std::vector<std::filesystem::path>& files);

  const OutputFolder& folder() const { return *folder_; }
  /// Input path -> output stem (OutputFolder::AssignStems).
  const std::map<std::filesystem::path, std::string>& stems() const { return stems_; }
  /// Records in the manifest that the run finished (after summary.csv and scars.csv).
  void MarkComplete();

 private:
  std::unique_ptr<FolderLock> lock_;
  std::optional<OutputFolder> folder_;
  std::map<std::filesystem::path, std::string> stems_;
  RunManifest manifest_;
};

}  // namespace scarmap
