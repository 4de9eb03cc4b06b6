#include "scarmap/preprocess/working_image.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {

void WorkingScaleOptions::Check() const {
  if (!(target_px_per_mm > 0.0)) throw Error("working.target_px_per_mm must be > 0");
  if (!(assumed_px_per_mm > 0.0)) throw Error("working.assumed_px_per_mm must be > 0");
  if (!(max_working_megapixels > 0.0)) throw Error("working.max_working_megapixels must be > 0");
}

namespace {

// Working px per original px that the pixel cap allows (it bounds per-image memory).
double CapScale(const WorkingScaleOptions& options, cv::Size original_size) {
  const double pixels = static_cast<double>(original_size.area());
  return std::sqrt(options.max_working_megapixels * 1e6 / pixels);
}

}  // namespace

double WorkingScale(const WorkingScaleOptions& options, cv::Size original_size,
                    double original_px_per_mm) {
  double scale = 1.0;
  if (original_px_per_mm > 0.0) scale = options.target_px_per_mm / original_px_per_mm;
  // With or without a scale, the pixel cap.
  return std::min({1.0, scale, CapScale(options, original_size)});
}

int MaxDecodeReduction(const WorkingScaleOptions& options, cv::Size original_size,
                       double original_px_per_mm) {
  const double scale = WorkingScale(options, original_size, original_px_per_mm);
  int r = 1;
  while (r < 8 && 2 * r * scale <= 1.0) r *= 2;
  return r;
}

WorkingImage MakeWorkingImage(const WorkingScaleOptions& options, const cv::Mat& upright_bgr,
                              double original_px_per_mm, int reduction) {
  if (upright_bgr.empty()) throw Error("MakeWorkingImage: empty image");
  if (upright_bgr.type() != CV_8UC3) throw Error("MakeWorkingImage: expected CV_8UC3");
  if (reduction < 1) throw Error("MakeWorkingImage: reduction must be >= 1");
  const cv::Size original(upright_bgr.cols * reduction, upright_bgr.rows * reduction);
  WorkingImage w;
  w.scale_known = original_px_per_mm > 0.0;
  // Never upsampled: at most the decoded resolution.
  w.scale = std::min(WorkingScale(options, original, original_px_per_mm), 1.0 / reduction);
  w.capped = w.scale_known && CapScale(options, original) <
                                  std::min(1.0, options.target_px_per_mm / original_px_per_mm);
  // No physical scale: assume a typical close-up scale so that mm parameters still map to
  // plausible pixel sizes.
  w.px_per_mm = w.scale_known ? original_px_per_mm * w.scale : options.assumed_px_per_mm;
  if (w.scale < 1.0) {
    const int cols = std::max(1, static_cast<int>(std::lround(original.width * w.scale)));
    const int rows = std::max(1, static_cast<int>(std::lround(original.height * w.scale)));
    if (cols == upright_bgr.cols && rows == upright_bgr.rows)
      w.bgr = upright_bgr.clone();
    else
      cv::resize(upright_bgr, w.bgr, cv::Size(cols, rows), 0, 0, cv::INTER_AREA);
    // Use the exact achieved ratio (rounding of the size changes it slightly).
    w.scale = static_cast<double>(cols) / original.width;
    if (w.scale_known) w.px_per_mm = original_px_per_mm * w.scale;
  } else {
    w.bgr = upright_bgr.clone();
  }
  return w;
}

}  // namespace scarmap
