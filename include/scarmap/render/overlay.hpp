// Overlay picture a clinician checks at a glance, on a phone as on a desktop: FUT outline (solid)
// and centreline (dashed) in cyan, FUE dots circled in yellow, every scar numbered with its id in
// the JSON, the SMP treatment margin shaded magenta (the scars themselves left as photographed so
// their colour can be judged), and one legend panel with the counts, the treatment area, a
// referral flag and a scale bar in mm, placed in the corner where it hides the fewest marks.
// Every stroke has a dark halo so it reads on very light and very dark skin; sizes follow the
// picture's long side.
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/report/report.hpp"

namespace scarmap {

struct OverlayOptions {
  int max_side_px = 2400;  ///< the overlay is downscaled to at most this long side
  void Check() const;
};

/// Draws `report` over the upright image it was computed on (CV_8UC3), given at `image_scale`
/// of its pixels per pixel of the report's coordinates (1: the original photo; < 1: a reduced
/// copy). Returns a new image of the same size, or shrunk (same aspect ratio, INTER_AREA) so
/// that its long side is max_side_px. Throws scarmap::Error for an empty or non-CV_8UC3 image
/// or a scale that is not positive.
cv::Mat RenderOverlay(const OverlayOptions& options, const cv::Mat& upright_bgr,
                      const Report& report, double image_scale = 1.0);

}  // namespace scarmap
