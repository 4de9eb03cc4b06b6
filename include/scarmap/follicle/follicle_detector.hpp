// Hair exits / stubble: the dark dots and short strokes of a shaved scalp.
//
// Method: on illumination-flattened L* (preprocess/color.hpp), a morphological black-hat with a
// disc slightly wider than the thickest hair (max_hair_width_mm) isolates dark structures
// narrower than a hair; pixels whose response exceeds k robust noise sigmas (median absolute
// deviation over the scalp, Donoho's estimator) and an absolute floor in L* units form the hair
// mask (hysteresis at half the threshold).
//
// Counting: the hairs of a follicular unit leave the skin through one opening, so at stubble
// length a unit of 1-4 hairs is one dark dot or a small fan of strokes: the component is the
// unit, not the hair. Each connected component counts as round(area / A1) units, where A1 is the
// median area of the image's own components (single units dominate them): strokes of
// neighbouring units that touch, or cross, count as several. Unit exits are placed at the
// component's darkest pixel (one) or spread along its principal axis (several). Longer stubble
// (1-4 mm) crosses and touches, and its strokes join into networks: there the area says little
// (the median component may be a short unit or a fragment of a hair), so a component of at least
// 8 unit areas counts its hairs by their free tips instead, one per hair (the end points of its
// Zhang-Suen skeleton), divided by the chance that a tip is not hidden on another hair (1 - the
// component's share of its bounding box); its exits are spread over the tips. The hair count
// is units x hairs_per_unit: the hairs of one opening cannot be told apart on a photo of shaved
// stubble, so the number per unit is the anatomical mean (about 2 on the occiput, DOMAIN.md)
// unless the clinic sets its own.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct FollicleOptions {
  double min_hair_width_mm = 0.05;  ///< thinnest hair considered (below: noise)
  double max_hair_width_mm = 0.35;  ///< thickest hair / stubble dot
  double noise_sigmas = 4.0;        ///< detection threshold in robust noise sigmas
  double min_contrast_L = 3.0;      ///< and at least this darker than the skin (L* units)
  double density_radius_mm = 4.0;   ///< disc over which the density map averages
  double hairs_per_unit = 2.0;      ///< mean hairs per follicular unit (1-4 each, ~2 occiput)
  void Check() const;               ///< throws scarmap::Error naming a bad field
};

struct Follicles {
  /// One per follicular unit: the opening its hairs share (working px). SMP dots replicate these.
  std::vector<cv::Point2d> exits_px;
  double hairs_per_unit = 2.0;        ///< hairs counted per exit (FollicleOptions)
  cv::Mat hair_mask;                  ///< CV_8U working, 255 = hair pixel (excluded from skin)
};

/// Detects hair exits inside image.scalp_mask (uses image.lightness; an empty scalp mask = everywhere).
/// Holds at most about three working-size float maps at once (one photo's analysis keeps only
/// the result: exits and the 8-bit hair mask).
Follicles DetectFollicles(const FollicleOptions& options, const WorkingImage& image);

/// The local hair (not unit) density of `follicles` (found by DetectFollicles on `image`), per
/// cm^2 of scalp: CV_32F, working size; each pixel counts the exits (x hairs_per_unit) within a
/// box of side 2 * round(density_radius_mm in px) + 1 centred on it, over the scalp area
/// (image.scalp_mask; empty = everywhere) in that box (at least 0.001 of it). Zero everywhere
/// without exits. Computed on demand (four working-size float maps while it runs): nothing in
/// the pipeline needs it. Throws scarmap::Error for bad options or an image without lab.
cv::Mat FollicleDensityMap(const FollicleOptions& options, const Follicles& follicles,
                           const WorkingImage& image);

}  // namespace scarmap
