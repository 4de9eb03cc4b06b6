// Linear FUT (strip) scars: long, gently curved, hairless, usually lighter bands.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct FutOptions {
  double min_width_mm = 0.5;
  double max_width_mm = 10.0;
  double min_length_mm = 15.0;
  double profile_step_mm = 1.0;  ///< width profile sample spacing along the centreline
  void Check() const;
};

struct FutBand {
  std::vector<cv::Point2d> centerline_px;  ///< working px, ordered, smooth
  std::vector<cv::Point2d> contour_px;     ///< working px, half-maximum boundary
  std::vector<double> width_profile_px;    ///< every profile_step_mm along the centreline
  double length_px = 0.0;
  double area_px = 0.0;
  double confidence = 0.0;
  bool touches_border = false;
};

struct FutBands {
  std::vector<FutBand> bands;
  cv::Mat labels;  ///< CV_32S working, 0 = none, i+1 = bands[i]
};

/// Segments FUT bands inside image.scalp_mask.
FutBands SegmentFutBands(const FutOptions& options, const WorkingImage& image,
                         const Follicles& follicles);

}  // namespace scarmap
