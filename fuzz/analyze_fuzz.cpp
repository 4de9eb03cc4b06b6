// Fuzz target: arbitrary bytes -> LoadImageFromBytes -> AnalyzeImage -> report JSON -> parsed back.
// Built as a libFuzzer binary (scarmap_fuzz, clang, -DSCARMAP_FUZZ=ON) and, with replay_main.cpp,
// as a plain replay program (scarmap_fuzz_replay) that every build runs over fuzz/corpus and
// fuzz/regressions in ctest.
//
// What counts as a finding: a crash, a sanitizer report, an exception escaping the library (the
// pipeline promises a Status for every per-image problem), a report that does not round-trip,
// or (libFuzzer -timeout / -rss_limit_mb) an input that takes too long or too much memory.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/report/report_json.hpp"

namespace {

void Fail(const char* what) {
  std::fprintf(stderr, "scarmap_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scarmap;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  PipelineOptions o;
  // Same pipeline as `scarmap analyze` with default settings, except a lower pixel limit so that
  // one input costs at most a few seconds and a few hundred MB (the production default of 100 MP
  // is bounded the same way, only larger: see README "Bounds on time and memory").
  o.load.max_megapixels = 4.0;
  o.min_meaningful_dpi = 1.0;  // let a fuzzed resolution tag set the scale
  const LoadedImage img = LoadImageFromBytes(o.load, bytes, "fuzz");
  Report report;
  if (img.status.ok()) {
    if (img.bgr.empty() || img.bgr.type() != CV_8UC3) Fail("ok status without a CV_8UC3 image");
    report = AnalyzeImage(o, img.bgr, "fuzz", img.header.dpi).report;
  } else {
    if (!img.bgr.empty()) Fail("failed status with an image");
    report.image.path = "fuzz";
    report.status = img.status;
  }
  if (report.status.code == StatusCode::kInternalError) {
    std::fprintf(stderr, "internal_error: %s\n", report.status.message.c_str());
    Fail("the pipeline reported an internal error");
  }
  const std::string json = ReportToJson(report);
  const Report back = ReportFromJson(json);
  if (back.status.code != report.status.code || back.fue.size() != report.fue.size() ||
      back.fut.size() != report.fut.size())
    Fail("report JSON does not round-trip");
  return 0;
}
