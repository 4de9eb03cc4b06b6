// Speed of the analysis stages on a 12 MP photo (and of loading a 48 MP one), reported beside the
// JPEG decode of the same photo, the reference measured in the same run: the ratio of CPU times
// is the figure that matters (bench/stages.sh prints it). The fixtures are built outside the
// timed loops; each benchmark times one stage on the inputs the pipeline would give it.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/io/image_loader.hpp"
#include "scarmap/measure/contrast.hpp"
#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/scalp.hpp"
#include "scarmap/render/overlay.hpp"
#include "scarmap/scar/fue_dot_detector.hpp"
#include "scarmap/scar/fut_band_segmenter.hpp"
#include "scarmap/smp/planner.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace {

// A synthetic photo of `width` x `height` at 25 px/mm with FUT bands and FUE dots, as JPEG.
struct Photo {
  std::string jpeg;
  cv::Mat bgr;
  double ppm = 0;
  Photo(int width, int height) {
    scarmap::SynthOptions o;
    o.width = width;
    o.height = height;
    o.min_px_per_mm = o.max_px_per_mm = 25.0;
    o.fut_probability = o.fue_probability = 1.0;
    const scarmap::SynthImage s = scarmap::RenderScalp(o, 42);
    std::vector<uchar> buf;
    cv::imencode(".jpg", s.bgr, buf, {cv::IMWRITE_JPEG_QUALITY, 90});
    jpeg.assign(buf.begin(), buf.end());
    bgr = cv::imdecode(buf, cv::IMREAD_COLOR);
    ppm = s.truth.px_per_mm;
  }
  cv::Mat Bytes() const {
    return cv::Mat(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data()));
  }
};
const Photo& P12() {
  static const Photo p(4000, 3000);
  return p;
}
const Photo& P48() {
  static const Photo p(8000, 6000);
  return p;
}

// Everything the stages after the detectors take as input, computed once.
struct Stages {
  scarmap::WorkingImage w;
  scarmap::Follicles fol;
  cv::Mat labels;  // CV_32S: FUT bands 1..n, then FUE dots (as the pipeline numbers them)
  std::vector<cv::Rect> boxes;
  std::vector<scarmap::SmpScarInput> plan_in;
  cv::Mat work_mask;               // CV_8U working scale: 0 none, 1 FUT, 2 FUE
  scarmap::AnalysisResult result;  // of the whole pipeline, for the output stages
  Stages() {
    const Photo& p = P12();
    w = scarmap::MakeWorkingImage({}, p.bgr, p.ppm);
    scarmap::ComputeLab(&w);
    w.scalp_mask = scarmap::FindScalp({}, w).mask;
    fol = scarmap::DetectFollicles({}, w);
    const scarmap::FutBands fut = scarmap::SegmentFutBands({}, w, fol);
    const cv::Mat fut_mask = fut.labels.empty() ? cv::Mat() : cv::Mat(fut.labels > 0);
    const scarmap::FueDots fue = scarmap::DetectFueDots({}, w, fol, fut_mask);
    labels = cv::Mat::zeros(w.bgr.size(), CV_32S);
    int id = 0;
    auto add = [&](const cv::Mat& own, bool is_fut) {
      labels.setTo(++id, own);
      boxes.push_back(cv::boundingRect(own));
      plan_in.push_back({id, id, is_fut, {}, std::nullopt});
    };
    for (size_t i = 0; i < fut.bands.size(); ++i) add(fut.labels == static_cast<int>(i + 1), true);
    for (size_t i = 0; i < fue.dots.size(); ++i) add(fue.labels == static_cast<int>(i + 1), false);
    work_mask = cv::Mat::zeros(w.bgr.size(), CV_8U);
    if (!fut.labels.empty()) work_mask.setTo(1, fut.labels > 0);
    work_mask.setTo(2, fue.labels > 0);
    scarmap::PipelineOptions o;
    o.px_per_mm = p.ppm;
    o.want_mask = o.keep_image = true;
    result = scarmap::AnalyzeImage(o, p.bgr, "bench");
  }
};
const Stages& S() {
  static const Stages s;
  return s;
}

scarmap::WorkingImage WorkingWithLab() {
  scarmap::WorkingImage w = scarmap::MakeWorkingImage({}, P12().bgr, P12().ppm);
  scarmap::ComputeLab(&w);
  return w;
}

// The reference: cv::imdecode of the 12 MP JPEG.
void BM_JpegDecode12MP(benchmark::State& st) {
  P12();
  for (auto _ : st) benchmark::DoNotOptimize(cv::imdecode(P12().Bytes(), cv::IMREAD_COLOR));
}

// Loading as the pipeline does (header, SHA-256, decode, orientation), then the working image.
void LoadAndWorking(benchmark::State& st, const Photo& p) {
  for (auto _ : st) {
    const scarmap::LoadedImage img = scarmap::LoadImageFromBytes({}, p.jpeg, "bench.jpg");
    benchmark::DoNotOptimize(scarmap::MakeWorkingImage({}, img.bgr, p.ppm));
  }
}
void BM_LoadAndWorking12MP(benchmark::State& st) { LoadAndWorking(st, P12()); }
void BM_JpegDecode48MP(benchmark::State& st) {
  P48();
  for (auto _ : st) benchmark::DoNotOptimize(cv::imdecode(P48().Bytes(), cv::IMREAD_COLOR));
}
void BM_LoadAndWorking48MP(benchmark::State& st) { LoadAndWorking(st, P48()); }

void BM_MakeWorkingImage12MP(benchmark::State& st) {
  P12();
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::MakeWorkingImage({}, P12().bgr, P12().ppm));
}
void BM_ComputeLab12MP(benchmark::State& st) {
  scarmap::WorkingImage w = scarmap::MakeWorkingImage({}, P12().bgr, P12().ppm);
  for (auto _ : st) {
    scarmap::ComputeLab(&w);
    benchmark::DoNotOptimize(w.ab.data);
  }
}
void BM_FindScalp12MP(benchmark::State& st) {
  const scarmap::WorkingImage w = WorkingWithLab();
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::FindScalp({}, w));
}
void BM_FlattenLightness12MP(benchmark::State& st) {
  const scarmap::WorkingImage& w = S().w;
  for (auto _ : st)
    benchmark::DoNotOptimize(scarmap::FlattenLightness({}, w.lightness, w.scalp_mask, w.px_per_mm));
}
void BM_FillMasked12MP(benchmark::State& st) {
  const scarmap::WorkingImage& w = S().w;
  const cv::Mat flat = scarmap::FlattenLightness({}, w.lightness, w.scalp_mask, w.px_per_mm);
  cv::Mat hair;
  cv::dilate(S().fol.hair_mask, hair, cv::Mat());  // as the FUE detector calls it
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::FillMasked(flat, hair, w.MmToPx(0.3)));
}
void BM_ContrastAllScars12MP(benchmark::State& st) {
  const Stages& s = S();
  for (auto _ : st)
    for (size_t i = 0; i < s.boxes.size(); ++i)
      benchmark::DoNotOptimize(scarmap::MeasureContrast({}, s.w, s.labels, static_cast<int>(i + 1),
                                                        s.boxes[i], s.fol.hair_mask));
  st.counters["scars"] = static_cast<double>(s.boxes.size());
}
void BM_PlanSmp12MP(benchmark::State& st) {
  const Stages& s = S();
  for (auto _ : st)
    benchmark::DoNotOptimize(scarmap::PlanSmp({}, s.w, s.fol, s.labels, s.plan_in, {}));
}
void BM_MaskToPng12MP(benchmark::State& st) {
  const Stages& s = S();
  for (auto _ : st) {
    std::vector<uchar> png;
    cv::Mat full;
    cv::resize(s.work_mask, full, P12().bgr.size(), 0, 0, cv::INTER_NEAREST);
    cv::imencode(".png", full, png);
    benchmark::DoNotOptimize(png);
  }
}
void BM_OverlayToJpeg12MP(benchmark::State& st) {
  const scarmap::AnalysisResult& r = S().result;
  for (auto _ : st) {
    std::vector<uchar> jpg;
    cv::imencode(".jpg", scarmap::RenderOverlay({}, r.upright, r.report), jpg,
                 {cv::IMWRITE_JPEG_QUALITY, 88});
    benchmark::DoNotOptimize(jpg);
  }
}

// The detectors (another stage's work, kept here for the whole picture).
void BM_FollicleAndFue12MP(benchmark::State& st) {
  const scarmap::WorkingImage& w = S().w;
  for (auto _ : st) {
    const scarmap::Follicles f = scarmap::DetectFollicles({}, w);
    benchmark::DoNotOptimize(scarmap::DetectFueDots({}, w, f, cv::Mat()));
  }
}
void BM_Fut12MP(benchmark::State& st) {
  const Stages& s = S();
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::SegmentFutBands({}, s.w, s.fol));
}
void BM_WholeAnalysis12MP(benchmark::State& st) {
  P12();
  scarmap::PipelineOptions o;
  o.px_per_mm = P12().ppm;
  for (auto _ : st) benchmark::DoNotOptimize(scarmap::AnalyzeImage(o, P12().bgr, "bench"));
}

}  // namespace

BENCHMARK(BM_JpegDecode12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadAndWorking12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MakeWorkingImage12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeLab12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FindScalp12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlattenLightness12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FillMasked12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ContrastAllScars12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanSmp12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MaskToPng12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OverlayToJpeg12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JpegDecode48MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadAndWorking48MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FollicleAndFue12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fut12MP)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WholeAnalysis12MP)->Unit(benchmark::kMillisecond);
// SCARMAP_BENCH_THREADS=N runs OpenCV (and the stages' parallel loops) on N threads: the CPU
// time measured is the benchmark thread's, so with N = 1 it is all the work a stage does.
int main(int argc, char** argv) {
  if (const char* t = std::getenv("SCARMAP_BENCH_THREADS")) cv::setNumThreads(std::atoi(t));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
