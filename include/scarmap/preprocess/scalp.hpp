// Scalp region: scalp skin (with stubble and scars) vs background, clothing, ears, markers.
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct ScalpOptions {
  double min_scalp_area_mm2 = 100.0;  ///< below this: no scalp
  void Check() const;
};

struct ScalpRegion {
  cv::Mat mask;           ///< CV_8U working scale, 255 = scalp
  double area_px = 0.0;   ///< working px
  bool found = false;
};

/// Segments the scalp on `image.bgr` / `image.lab` (lab must be filled).
ScalpRegion FindScalp(const ScalpOptions& options, const WorkingImage& image);

}  // namespace scarmap
