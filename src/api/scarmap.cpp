#include "scarmap/scarmap.hpp"

#include <opencv2/imgproc.hpp>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/report/report_json.hpp"

namespace scarmap {
namespace {

PipelineOptions ToPipeline(const AnalysisOptions& o) {
  PipelineOptions p;
  p.px_per_mm = o.px_per_mm;
  p.use_marker = o.use_marker;
  p.marker.side_mm = o.marker_mm;
  p.marker.dictionary = o.marker_dictionary;
  p.min_meaningful_dpi = o.min_dpi;
  p.load.max_megapixels = o.max_megapixels;
  p.smp.margin_mm = o.margin_mm;
  p.Check();  // the stages name the bad field
  return p;
}

}  // namespace

void AnalysisOptions::Check() const { ToPipeline(*this); }

Report Analyze(const std::filesystem::path& image, const AnalysisOptions& options) {
  return AnalyzeImage(ToPipeline(options), image).report;
}

Report Analyze(const cv::Mat& image, const AnalysisOptions& options, const std::string& name) {
  const PipelineOptions p = ToPipeline(options);
  if (image.empty()) throw Error("Analyze: the image is empty");
  if (image.depth() != CV_8U) throw Error("Analyze: the image must be 8-bit (CV_8U)");
  cv::Mat bgr;
  switch (image.channels()) {
    case 3:
      bgr = image;
      break;
    case 1:
      cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
      break;
    case 4:
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      break;
    default:
      throw Error("Analyze: the image must have 1, 3 or 4 channels");
  }
  return AnalyzeImage(p, bgr, name).report;
}

std::string ToJson(const Report& report, int indent) { return ReportToJson(report, indent); }

}  // namespace scarmap
