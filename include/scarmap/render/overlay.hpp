// Overlay picture a clinician checks at a glance: FUT centreline + contour, FUE dots circled,
// scar ids as in the JSON, SMP treatment margin shaded, scale bar in mm, legend.
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/report/report.hpp"

namespace scarmap {

struct OverlayOptions {
  int max_side_px = 2400;  ///< the overlay is downscaled to at most this long side
  void Check() const;
};

/// Draws `report` over the upright image it was computed on (CV_8UC3). Returns a new image.
cv::Mat RenderOverlay(const OverlayOptions& options, const cv::Mat& upright_bgr,
                      const Report& report);

}  // namespace scarmap
