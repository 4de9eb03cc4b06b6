// FUE (punch) dot scars: light, round-ish, hairless spots 0.5-1.6 mm among stubble.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct FueDotOptions {
  double min_diameter_mm = 0.5;
  double max_diameter_mm = 1.6;
  void Check() const;
};

struct FueDot {
  cv::Point2d center_px;   ///< working px, sub-pixel
  double area_px = 0.0;    ///< working px^2 of the half-maximum region
  double confidence = 0.0; ///< 0..1
  int cluster = -1;        ///< index into FueDots::clusters, or -1
};

struct FueDotCluster {
  cv::Point2d center_px;
  double area_px = 0.0;
  std::vector<int> dots;  ///< indices into FueDots::dots
};

struct FueDots {
  std::vector<FueDot> dots;
  std::vector<FueDotCluster> clusters;
  cv::Mat labels;  ///< CV_32S working, 0 = none, i+1 = dots[i] (half-maximum region)
};

/// Detects FUE dots inside image.scalp_mask, avoiding `exclude` (CV_8U, 255 = e.g. FUT band;
/// may be empty).
FueDots DetectFueDots(const FueDotOptions& options, const WorkingImage& image,
                      const Follicles& follicles, const cv::Mat& exclude);

}  // namespace scarmap
