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

WorkingImage MakeWorkingImage(const WorkingScaleOptions& options, const cv::Mat& upright_bgr,
                              double original_px_per_mm) {
  if (upright_bgr.empty()) throw Error("MakeWorkingImage: empty image");
  if (upright_bgr.type() != CV_8UC3) throw Error("MakeWorkingImage: expected CV_8UC3");
  WorkingImage w;
  w.scale_known = original_px_per_mm > 0.0;
  const double pixels = static_cast<double>(upright_bgr.total());
  if (w.scale_known) {
    w.scale = std::min(1.0, options.target_px_per_mm / original_px_per_mm);
    const double cap = std::sqrt(options.max_working_megapixels * 1e6 / pixels);
    if (cap < w.scale) {
      w.scale = cap;
      w.capped = true;
    }
    w.px_per_mm = original_px_per_mm * w.scale;
  } else {
    // No physical scale: cap the working size by pixel count and assume a typical close-up
    // scale so that mm parameters still map to plausible pixel sizes.
    w.scale = std::min(1.0, std::sqrt(options.max_working_megapixels * 1e6 / pixels));
    w.px_per_mm = options.assumed_px_per_mm;
  }
  if (w.scale < 1.0) {
    const int cols = std::max(1, static_cast<int>(std::lround(upright_bgr.cols * w.scale)));
    const int rows = std::max(1, static_cast<int>(std::lround(upright_bgr.rows * w.scale)));
    cv::resize(upright_bgr, w.bgr, cv::Size(cols, rows), 0, 0, cv::INTER_AREA);
    // Use the exact achieved ratio (rounding of the size changes it slightly).
    w.scale = static_cast<double>(cols) / upright_bgr.cols;
    if (w.scale_known) w.px_per_mm = original_px_per_mm * w.scale;
  } else {
    w.bgr = upright_bgr.clone();
  }
  return w;
}

}  // namespace scarmap
