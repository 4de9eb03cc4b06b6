// Speed of the analysis stages on a 12 MP photo, reported beside the JPEG decode of the same
// photo (the reference measured in the same run): the ratio is the figure that matters.
#include <benchmark/benchmark.h>

#include <opencv2/imgcodecs.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/scalp.hpp"
#include "scarmap/scar/fue_dot_detector.hpp"
#include "scarmap/scar/fut_band_segmenter.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace {

struct Fixture {
  std::vector<uchar> jpeg;
  cv::Mat bgr;
  double ppm = 0;
  Fixture() {
    scarmap::SynthOptions o;
    o.width = 4000;
    o.height = 3000;
    o.min_px_per_mm = o.max_px_per_mm = 25.0;
    o.fut_probability = o.fue_probability = 1.0;
    const scarmap::SynthImage s = scarmap::RenderScalp(o, 42);
    cv::imencode(".jpg", s.bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
    bgr = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    ppm = s.truth.px_per_mm;
  }
};
const Fixture& F() {
  static const Fixture f;
  return f;
}

scarmap::WorkingImage Prepared() {
  scarmap::WorkingImage w = scarmap::MakeWorkingImage({}, F().bgr, F().ppm);
  w.lab = scarmap::BgrToLab(w.bgr);
  w.scalp_mask = scarmap::FindScalp({}, w).mask;
  return w;
}

void BM_JpegDecode12MP(benchmark::State& st) {
  F();  // build the fixture outside the timed loop
  for (auto _ : st) benchmark::DoNotOptimize(cv::imdecode(F().jpeg, cv::IMREAD_COLOR));
}
void BM_FollicleAndFue12MP(benchmark::State& st) {
  F();
  for (auto _ : st) {
    scarmap::WorkingImage w = scarmap::MakeWorkingImage({}, F().bgr, F().ppm);
    w.lab = scarmap::BgrToLab(w.bgr);
    w.scalp_mask = scarmap::FindScalp({}, w).mask;
    const scarmap::Follicles f = scarmap::DetectFollicles({}, w);
    benchmark::DoNotOptimize(scarmap::DetectFueDots({}, w, f, cv::Mat()));
  }
}
void BM_Fut12MP(benchmark::State& st) {
  const scarmap::WorkingImage w = Prepared();
  const scarmap::Follicles f = scarmap::DetectFollicles({}, w);
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::SegmentFutBands({}, w, f));
}
void BM_WholeAnalysis12MP(benchmark::State& st) {
  F();
  scarmap::PipelineOptions o;
  o.px_per_mm = F().ppm;
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::AnalyzeImage(o, F().bgr, "bench"));
}

}  // namespace

BENCHMARK(BM_JpegDecode12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FollicleAndFue12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fut12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WholeAnalysis12MP)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
