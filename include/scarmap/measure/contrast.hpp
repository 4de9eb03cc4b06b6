// Contrast of a scar region against a ring of surrounding skin (REPORT_CONTRACT.md: delta_L is
// scar L* minus the L* of a surrounding ring of skin with hair pixels excluded; CIEDE2000 between
// the two colours).
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/core/measures.hpp"
#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct ContrastOptions {
  double ring_gap_mm = 0.3;    ///< gap between the scar edge and the skin ring
  double ring_width_mm = 1.5;  ///< width of the skin ring
  void Check() const;          ///< throws scarmap::Error naming a bad field
};

/// Scar `label` of `labels` (CV_32S, working scale, 0 = no scar; `box` bounds the label) against
/// a ring of skin around it. Scar colour: mean CIELAB of its pixels that are not hair. Skin
/// colour: per-channel median of ring pixels inside the scalp that are neither hair
/// (`hair_mask`, CV_8U 255) nor any scar. Uses image.lightness, image.ab and image.scalp_mask. When the ring or
/// the scar has no usable pixel, returns a zero contrast. Cost is proportional to the box area.
Contrast MeasureContrast(const ContrastOptions& options, const WorkingImage& image,
                         const cv::Mat& labels, int label, const cv::Rect& box,
                         const cv::Mat& hair_mask);

}  // namespace scarmap
