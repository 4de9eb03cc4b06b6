#include "scarmap/pipeline/batch.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>

#include "scarmap/io/output.hpp"
#include "scarmap/render/batch_index.hpp"
#include "scarmap/pipeline/run_folder.hpp"
#include "scarmap/report/csv.hpp"
#include "scarmap/report/report_json.hpp"

namespace scarmap {
namespace fs = std::filesystem;
namespace {

bool IsImageName(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> kExt = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp",
                                             ".bmp", ".heic", ".heif"};
  return kExt.count(ext) > 0;
}

// scarmap's own outputs and truth images are never inputs when a folder is expanded.
bool IsOwnOutput(const fs::path& p) {
  const std::string n = p.filename().string();
  auto ends_with = [&n](const std::string& s) {
    return n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(".truth.png")) return true;
  for (const char* suffix : kPerImageOutputs)  // .json is never an image name anyway
    if (ends_with(suffix)) return true;
  return false;
}

// The tables and the page need no outlines: dropping them keeps a large batch's memory small.
void DropOutlines(Report& r) {
  // Freed, not only emptied (`v = {}` keeps a vector's capacity: the batch then held every
  // photo's outlines to its end).
  auto drop = [](auto& v) { std::decay_t<decltype(v)>().swap(v); };
  for (auto& f : r.fut) {
    drop(f.contour_px);
    drop(f.width_profile_mm);
  }
  for (auto& s : r.smp_plan.scars) drop(s.treatment_polygon_px);
  for (auto& g : r.smp_plan.regions) drop(g.polygon_px);
}

// Sets OpenCV's thread count for `workers` concurrent analyses; restores it when destroyed.
class CvThreads {
 public:
  explicit CvThreads(int workers) : saved_(cv::getNumThreads()) {
    if (workers > 1) {
      const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      cv::setNumThreads(std::max(1, cores / workers));
    }
  }
  ~CvThreads() { cv::setNumThreads(saved_); }
  CvThreads(const CvThreads&) = delete;
  CvThreads& operator=(const CvThreads&) = delete;

 private:
  int saved_;
};

// Output files of one image written (or, when resumed, found) in this run.
struct ItemFiles {
  bool mask = false;
  bool overlay = false;
  bool thumbnail = false;
};

}  // namespace

void BatchOptions::Check() const {
  pipeline.Check();
  overlay.Check();
  page.Check();
  if (jobs < 1 || jobs > 256) throw Error("jobs must be 1..256");
  if (resume && force) throw Error("resume and force exclude each other");
  if (out_dir.empty()) throw Error("an output folder is required");
}

std::vector<fs::path> ExpandInputs(const std::vector<fs::path>& inputs, bool recursive) {
  std::vector<fs::path> out;
  for (const fs::path& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec) && !IsImageName(in)) {
      if (recursive) {
        // No follow_directory_symlink: a symlink loop cannot trap the walk.
        fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec))
          if (IsImageName(it->path()) && !IsOwnOutput(it->path())) out.push_back(it->path());
      } else {
        fs::directory_iterator it(in, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec))
          if (IsImageName(it->path()) && !IsOwnOutput(it->path())) out.push_back(it->path());
      }
    } else {
      out.push_back(in);  // a file, a missing path, or a folder named like an image
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  // One photo named twice ("in" and "in/sub/../a.jpg"): one report, under the first spelling.
  std::set<fs::path> seen;
  std::erase_if(out, [&](const fs::path& p) {
    std::error_code ec;
    return !seen.insert(fs::absolute(p, ec).lexically_normal()).second;
  });
  return out;
}

BatchResult RunBatch(const BatchOptions& options, const std::vector<fs::path>& inputs,
                     const ProgressCallback& progress) {
  options.Check();
  const std::vector<fs::path> files = ExpandInputs(inputs, options.recursive);
  if (files.empty()) return {};  // nothing to do: the output folder is not even created
  RunFolder run(options, files);
  const OutputFolder& folder = run.folder();
  const auto& stems = run.stems();

  BatchResult result;
  result.items.resize(files.size());
  std::vector<std::pair<std::string, Report>> reports(files.size());
  std::vector<ItemFiles> written(files.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  BatchProgress prog;
  prog.total = static_cast<int>(files.size());

  auto worker = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      if (options.stop && options.stop->load()) break;
      BatchItem item;
      item.input = files[i];
      item.stem = stems.at(files[i]);
      Report report;
      try {
        const fs::path json_path = folder.PathFor(item.stem, ".json");
        bool done = false;
        if (options.resume && fs::exists(json_path)) {
          try {
            report = ReadReportFile(json_path);  // complete: atomic writes never leave partials
            done = report.image.path == AsReportText(files[i].string());
          } catch (const Error&) {
            done = false;
          }
        }
        ItemFiles& out = written[i];
        if (done) {
          item.skipped = true;
          out.mask = fs::exists(folder.PathFor(item.stem, ".mask.png"));
          out.overlay = fs::exists(folder.PathFor(item.stem, ".overlay.jpg"));
          out.thumbnail = fs::exists(folder.PathFor(item.stem, ".thumb.jpg"));
        } else {
          PipelineOptions po = options.pipeline;
          po.want_mask = options.masks;
          po.keep_image = true;  // for the overlay and the page's thumbnail, no larger
          po.keep_image_max_side = options.overlays ? options.overlay.max_side_px
                                                    : options.page.thumbnail_side_px;
          AnalysisResult res = AnalyzeImage(po, files[i]);
          if (options.masks && !res.work_mask.empty()) {
            WriteImageAtomic(folder.PathFor(item.stem, ".mask.png"), FullSizeMask(res));
            if (!res.work_scalp.empty())
              WriteImageAtomic(folder.PathFor(item.stem, ".scalp.png"), FullSizeScalp(res));
            out.mask = true;
          }
          if (!res.upright.empty()) {
            cv::Mat overlay;
            if (options.overlays) {
              overlay = RenderOverlay(options.overlay, res.upright, res.report, res.upright_scale);
              WriteImageAtomic(folder.PathFor(item.stem, ".overlay.jpg"), overlay,
                               {cv::IMWRITE_JPEG_QUALITY, 88});
              out.overlay = true;
            }
            // The thumbnail shows the marked-up photo when there is one.
            WriteImageAtomic(folder.PathFor(item.stem, ".thumb.jpg"),
                             MakeThumbnail(overlay.empty() ? res.upright : overlay,
                                           options.page.thumbnail_side_px),
                             {cv::IMWRITE_JPEG_QUALITY, 80});
            out.thumbnail = true;
          }
          // The report goes last: its presence means every output of the image is complete.
          WriteFileAtomic(json_path, ReportToJson(res.report));
          report = std::move(res.report);
        }
      } catch (const std::exception& e) {
        report.image.path = files[i].string();
        report.status = {StatusCode::kInternalError, std::string("writing outputs failed: ") + e.what()};
      }
      item.status = report.status.code;
      item.message = report.status.message;
      DropOutlines(report);
      std::lock_guard<std::mutex> lock(mu);
      reports[i] = {item.stem, std::move(report)};
      prog.done++;
      if (item.status != StatusCode::kOk) prog.failed++;
      if (item.skipped) prog.skipped++;
      prog.current = files[i].string();
      result.items[i] = std::move(item);
      if (progress) progress(prog);
    }
  };
  if (progress && !files.empty()) progress(prog);  // 0 done: the batch has started
  const int n = std::max(1, std::min<int>(options.jobs, static_cast<int>(files.size())));
  {
    // Several photos at once already keep the cores busy: OpenCV's own pool then gets the cores
    // the workers leave (none when there are as many workers as cores) instead of adding threads
    // that compete with them. OpenCV's thread count is process-wide; restored afterwards.
    const CvThreads threads(n);
    std::vector<std::thread> pool;
    for (int t = 1; t < n; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }

  result.total = static_cast<int>(files.size());
  if (options.stop && options.stop->load() && prog.done < prog.total) {
    // Interrupted: keep the finished items; the tables would describe a partial batch.
    result.interrupted = true;
    std::erase_if(result.items, [](const BatchItem& it) { return it.input.empty(); });
  }
  for (const auto& it : result.items)
    if (it.status != StatusCode::kOk) result.failed++;
  if (result.interrupted) return result;
  WriteFileAtomic(folder.root() / "summary.csv", SummaryCsv(reports));
  WriteFileAtomic(folder.root() / "scars.csv", ScarsCsv(reports));
  std::vector<BatchPageItem> page(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& stem = reports[i].first;
    BatchPageItem& p = page[i];
    p.stem = stem;
    p.report = &reports[i].second;
    if (fs::exists(folder.PathFor(stem, ".json"))) p.report_file = stem + ".json";
    if (written[i].overlay) p.overlay_file = stem + ".overlay.jpg";
    if (written[i].mask) p.mask_file = stem + ".mask.png";
    if (written[i].thumbnail) p.thumbnail_file = stem + ".thumb.jpg";
  }
  WriteFileAtomic(folder.root() / "index.html", BatchIndexHtml(options.page, page));
  run.MarkComplete();
  return result;
}

}  // namespace scarmap
