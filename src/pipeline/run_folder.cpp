#include "scarmap/pipeline/run_folder.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "scarmap/core/version.hpp"
#include "scarmap/report/report_json.hpp"

namespace scarmap {
namespace fs = std::filesystem;
namespace {

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsLinkOrExists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

// What an earlier run left in `root`.
struct EarlierRun {
  std::optional<RunManifest> manifest;  // when `.scarmap-run` parses
  bool damaged_manifest = false;
  std::vector<fs::path> reports;  // scarmap report files (*.json), read when there is no manifest
  bool tables = false;            // summary.csv or scars.csv
  bool any() const { return manifest || damaged_manifest || !reports.empty() || tables; }
};

EarlierRun FindEarlierRun(const fs::path& root) {
  EarlierRun e;
  const fs::path mpath = root / kRunManifestName;
  if (IsLinkOrExists(mpath)) {
    try {
      e.manifest = RunManifestFromJson(ReadText(mpath));
    } catch (const Error&) {
      e.damaged_manifest = true;
    }
  }
  for (const char* name : kBatchOutputs) e.tables = e.tables || IsLinkOrExists(root / name);
  if (!e.manifest) {
    std::error_code ec;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.extension() != ".json" || !it->is_regular_file()) continue;
      try {
        ReadReportFile(p);
        e.reports.push_back(p);
      } catch (const Error&) {
        // not a scarmap report: not ours, left alone
      }
    }
  }
  return e;
}

// Deletes the earlier run's outputs (links themselves, never their targets).
void RemoveEarlierRun(const fs::path& root, const EarlierRun& e) {
  std::vector<fs::path> doomed;
  auto per_image = [&](const fs::path& stem_path) {
    for (const char* suffix : kPerImageOutputs) doomed.push_back(stem_path.string() + suffix);
  };
  if (e.manifest)
    for (const auto& [input, stem] : e.manifest->stems) per_image(root / stem);
  for (const fs::path& r : e.reports) per_image(r.parent_path() / r.stem());
  for (const char* name : kBatchOutputs) doomed.push_back(root / name);
  doomed.push_back(root / kRunManifestName);
  for (const fs::path& p : doomed) {
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(p, ec))) continue;
    fs::remove(p, ec);
    if (ec) throw Error("--force: cannot remove " + p.string() + ": " + ec.message());
  }
}

std::string Differences(const std::map<std::string, std::string>& was,
                        const std::map<std::string, std::string>& now) {
  std::string out;
  for (const auto& [k, v] : now) {
    const auto it = was.find(k);
    const std::string old = it == was.end() ? "(unset)" : it->second;
    if (old != v) out += (out.empty() ? "" : ", ") + k + " " + old + " -> " + v;
  }
  for (const auto& [k, v] : was)
    if (!now.count(k)) out += (out.empty() ? "" : ", ") + k + " " + v + " -> (unset)";
  return out;
}

// Rule 1: no input photo directly inside the output folder.
void CheckNoInputsInside(const fs::path& root, const std::vector<fs::path>& files) {
  for (const fs::path& f : files) {
    std::error_code ec;
    const fs::path parent = fs::canonical(fs::absolute(f, ec).parent_path(), ec);
    if (!ec && parent == root)
      throw Error("the output folder " + root.string() + " holds input photos (" +
                  f.filename().string() +
                  "): the outputs would be written among them; choose another output folder, "
                  "e.g. a sub-folder such as " +
                  (root / "reports").string());
  }
}

}  // namespace

std::map<std::string, std::string> RunSettings(const BatchOptions& o) {
  const PipelineOptions& p = o.pipeline;
  return {
      {"version", kVersion},
      {"px-per-mm", p.px_per_mm ? Num(*p.px_per_mm) : "none"},
      {"max-megapixels", Num(p.load.max_megapixels)},
      {"min-side-px", std::to_string(p.load.min_side_px)},
      {"max-aspect-ratio", Num(p.load.max_aspect_ratio)},
      {"min-dpi", Num(p.min_meaningful_dpi)},
      {"marker", p.use_marker ? p.marker.dictionary + " " + Num(p.marker.side_mm) + " mm" : "off"},
      {"margin-mm", Num(p.smp.margin_mm)},
      {"working-px-per-mm", Num(p.working.target_px_per_mm)},
      {"masks", o.masks ? "true" : "false"},
      {"overlays", o.overlays ? "true" : "false"},
  };
}

RunFolder::RunFolder(const BatchOptions& options, const std::vector<fs::path>& files) {
  std::error_code ec;
  const bool existed = fs::exists(options.out_dir, ec);
  if (existed) {
    if (!fs::is_directory(options.out_dir, ec))
      throw Error("output path exists and is not a folder: " + options.out_dir.string());
    lock_ = std::make_unique<FolderLock>(options.out_dir);
  }
  const fs::path root = existed ? fs::canonical(options.out_dir, ec) : fs::path();
  if (existed) CheckNoInputsInside(root, files);

  stems_ = OutputFolder::AssignStems(files);
  const auto& stems = stems_;
  manifest_.tool_version = kVersion;
  manifest_.settings = RunSettings(options);
  for (const auto& [input, stem] : stems) manifest_.stems[input.string()] = stem;

  if (existed) {
    const EarlierRun earlier = FindEarlierRun(root);
    if (earlier.any() && options.force) {
      RemoveEarlierRun(root, earlier);
    } else if (earlier.any() && options.resume) {
      if (!earlier.manifest)
        throw Error(root.string() + " holds scarmap outputs without a readable run manifest (" +
                    kRunManifestName +
                    "), so --resume cannot tell whether they match these "
                    "settings; use --force to replace them, or another output folder");
      const std::string diff = Differences(earlier.manifest->settings, manifest_.settings);
      if (!diff.empty())
        throw Error(root.string() + " holds a run with different settings (" + diff +
                    "); --resume would mix them: use the same settings, --force to replace "
                    "that run, or another output folder");
      for (const auto& [input, stem] : stems) {
        const fs::path json = root / (stem + ".json");
        if (!fs::is_regular_file(json, ec)) continue;
        std::string other;
        try {
          other = ReadReportFile(json).image.path;
        } catch (const Error&) {
          continue;  // damaged: analysed again
        }
        if (other != AsReportText(input.string()))
          throw Error(json.string() + " is the report of " + other + ", not of " + input.string() +
                      "; --resume would overwrite it: use --force to replace "
                      "the earlier run, or another output folder");
      }
      for (const auto& [input, stem] : earlier.manifest->stems)
        manifest_.stems.emplace(input, stem);  // its reports stay part of this folder's run
    } else if (earlier.any()) {
      const size_t n = earlier.manifest ? earlier.manifest->stems.size() : earlier.reports.size();
      throw Error(root.string() + " already holds the outputs of an earlier scarmap run (" +
                  std::to_string(n) +
                  " photos): add --resume to complete that run, --force to "
                  "replace it, or choose another output folder");
    }
    // Rule 3: nothing this batch writes may be a link.
    std::vector<fs::path> targets = {root / kRunManifestName};
    for (const char* name : kBatchOutputs) targets.push_back(root / name);
    for (const auto& [input, stem] : stems)
      for (const char* suffix : kPerImageOutputs) targets.push_back(root / (stem + suffix));
    for (const fs::path& t : targets)
      if (fs::is_symlink(fs::symlink_status(t, ec)))
        throw Error(t.string() +
                    " is a symbolic link; scarmap never writes through links in "
                    "its output folder: remove it, or choose another output folder");
  }

  folder_.emplace(options.out_dir);
  if (!lock_) lock_ = std::make_unique<FolderLock>(folder_->root());
  RemoveStaleTemporaries(folder_->root());
  WriteFileAtomic(folder_->root() / kRunManifestName, RunManifestToJson(manifest_));
}

void RunFolder::MarkComplete() {
  manifest_.complete = true;
  WriteFileAtomic(folder_->root() / kRunManifestName, RunManifestToJson(manifest_));
}

}  // namespace scarmap
