// Contrast of a scar region against a ring of surrounding skin.
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"
#include "scarmap/core/measures.hpp"

namespace scarmap {

struct ContrastOptions {
  double ring_gap_mm = 0.3;    ///< gap between the scar edge and the skin ring
  double ring_width_mm = 1.5;  ///< width of the skin ring
  void Check() const;
};

/// Mean scar colour (inside `scar_mask`) vs median skin colour in a ring around it, both in
/// CIELAB; pixels in `exclude` (hair, other scars; CV_8U 255) and outside the scalp are not
/// used. Masks are working scale CV_8U.
Contrast MeasureContrast(const ContrastOptions& options, const WorkingImage& image,
                         const cv::Mat& scar_mask, const cv::Mat& exclude);

}  // namespace scarmap
