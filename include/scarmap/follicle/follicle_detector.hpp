// Hair exits / stubble: the dark dots and short strokes of a shaved scalp.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct FollicleOptions {
  double min_hair_width_mm = 0.05;
  double max_hair_width_mm = 0.35;
  void Check() const;
};

struct Follicles {
  std::vector<cv::Point2d> exits_px;  ///< one per visible hair, working px
  cv::Mat hair_mask;                  ///< CV_8U working, 255 = hair pixel (excluded from skin)
  cv::Mat density_per_cm2;            ///< CV_32F working, local hair density map
};

/// Detects hair exits inside image.scalp_mask.
Follicles DetectFollicles(const FollicleOptions& options, const WorkingImage& image);

}  // namespace scarmap
