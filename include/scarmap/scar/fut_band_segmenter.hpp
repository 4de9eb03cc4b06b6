// Linear FUT (strip) scars: long, gently curved, hairless, usually lighter bands.
//
// Method: on illumination-flattened L* (a 25 mm background scale, wider than any band) with
// hair removed by a grey closing, a multi-scale Hessian ridge measure (Frangi et al. 1998,
// "Multiscale vessel enhancement filtering"; scale-normalised after Lindeberg) at half-widths
// of 0.25-5 mm finds bright (and, optionally, dark) elongated structures. Ridge pixels above a
// robust-noise threshold (hysteresis) form components; nearby collinear pieces cut by crossing
// hairs are joined; components shorter than min_length_mm or not elongated are dropped. Each
// band's centreline is a polynomial fitted along its principal axis; every profile_step_mm a
// profile perpendicular to it is read and the edges placed where the difference from the
// surrounding skin falls to half of the band's own contrast at that station (half maximum,
// linear sub-pixel interpolation). Edges give the width profile, the contour and the mask; the
// centreline is re-centred between them. Bands whose contrast is not consistent along their
// length (a row of FUE dots, a hair part line) or that are not hairless are rejected.
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
  double profile_step_mm = 1.0;   ///< width profile sample spacing along the centreline
  double min_contrast_L = 1.5;    ///< band vs skin, L* units (median over stations)
  double noise_sigmas = 4.0;      ///< ridge threshold in robust noise sigmas
  double max_hair_fraction = 0.3; ///< hair pixels allowed inside the band
  bool detect_dark = true;        ///< also look for bands darker than the skin (dark skin)
  void Check() const;             ///< throws scarmap::Error naming a bad field
};

struct FutBand {
  std::vector<cv::Point2d> centerline_px;  ///< working px, ordered, smooth
  std::vector<cv::Point2d> contour_px;     ///< working px, half-maximum boundary
  std::vector<double> width_profile_px;    ///< every profile_step_mm along the centreline
  double length_px = 0.0;
  double area_px = 0.0;
  double contrast_L = 0.0;                 ///< median band - skin L* over stations
  double confidence = 0.0;
  bool touches_border = false;
};

struct FutBands {
  std::vector<FutBand> bands;
  cv::Mat labels;  ///< CV_32S working, 0 = none, i+1 = bands[i]
};

/// Segments FUT bands inside image.scalp_mask (uses image.lab and follicles.hair_mask).
FutBands SegmentFutBands(const FutOptions& options, const WorkingImage& image,
                         const Follicles& follicles);

}  // namespace scarmap
