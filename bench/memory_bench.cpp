// Peak memory of each analysis stage on one photo: which stage sets the per-image peak RSS.
// A plain program (not a google-benchmark): bench/memory.sh runs it.
// Usage: memory_bench PHOTO PX_PER_MM
// Linux only: the kernel's peak-RSS counter is reset (/proc/self/clear_refs) before each stage
// and read (/proc/self/status VmHWM) after it.
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include <opencv2/imgproc.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/io/image_loader.hpp"
#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/scalp.hpp"
#include "scarmap/scar/fue_dot_detector.hpp"
#include "scarmap/scar/fut_band_segmenter.hpp"

namespace {

double StatusMb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::string(key).size())) / 1024.0;
  return -1.0;
}

void Stage(const char* name, const std::function<void()>& run) {
  std::ofstream("/proc/self/clear_refs") << "5";  // peak := current
  const double before = StatusMb("VmRSS:");
  run();
  std::printf("%-26s peak %7.0f MB  (+%5.0f MB over the %5.0f MB held before)\n", name,
              StatusMb("VmHWM:"), StatusMb("VmHWM:") - before, before);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace scarmap;
  if (argc != 3) {
    std::fprintf(stderr, "usage: memory_bench PHOTO PX_PER_MM\n");
    return 2;
  }
  const double ppm = std::stod(argv[2]);
  PipelineOptions o;
  LoadedImage img;
  WorkingImage w;
  Follicles fol;
  FutBands fut;
  Stage("load + decode", [&] { img = LoadImage(o.load, argv[1]); });
  if (!img.status.ok()) {
    std::fprintf(stderr, "%s\n", img.status.message.c_str());
    return 1;
  }
  std::printf("photo %dx%d (%.1f MP), %.1f px/mm\n", img.bgr.cols, img.bgr.rows,
              img.bgr.total() / 1e6, ppm);
  Stage("working image", [&] { w = MakeWorkingImage(o.working, img.bgr, ppm); });
  std::printf("working %dx%d (%.1f MP), %.2f px/mm\n", w.bgr.cols, w.bgr.rows, w.bgr.total() / 1e6,
              w.px_per_mm);
  Stage("CIELAB", [&] { ComputeLab(&w); });
  Stage("scalp", [&] { w.scalp_mask = FindScalp(o.scalp, w).mask; });
  Stage("follicles", [&] { fol = DetectFollicles(o.follicle, w); });
  Stage("FUT bands", [&] { fut = SegmentFutBands(o.fut, w, fol); });
  Stage("FUE dots", [&] {
    const cv::Mat fut_mask =
        fut.labels.empty() ? cv::Mat::zeros(w.bgr.size(), CV_8U) : cv::Mat(fut.labels > 0);
    DetectFueDots(o.fue, w, fol, fut_mask);
  });
  w = {};
  fol = {};
  fut = {};
  o.px_per_mm = ppm;
  Stage("whole AnalyzeImage", [&] { AnalyzeImage(o, img.bgr, argv[1]); });
  img = {};
  Stage("whole, from the file", [&] { AnalyzeImage(o, std::string(argv[1])); });
  return 0;
}
