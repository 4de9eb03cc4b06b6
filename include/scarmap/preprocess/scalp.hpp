// Scalp region: scalp skin (with stubble and scars) vs background, clothing, and other
// not-scalp areas.
//
// Method: the reference skin colour is the median CIELAB of the central part of the frame
// (intake photos are centred on the scalp). A pixel's neighbourhood (Gaussian, 1 mm, computed
// at half resolution: GaussianBlurCoarse) is skin-like when its chroma (a*, b*) is close to the
// reference and its lightness within a broad range; it is textured when the local standard
// deviation of L* (stubble, pores) is a sizeable fraction of the central region's. Background =
// not skin-like, or smooth (no stubble, no pores: a wall the colour of skin is still smooth), or
// hairless (stubble density below 1 % over 3 mm: an ear or the neck; glare that washes stubble out
// inside the scalp is a hole, filled). A brighter pixel is skin-like when its chroma lies near the
// segment from white to the reference, keeping at least 40 % of the reference's chroma (specular
// glare adds white light; a white ruler or card has almost no chroma). An opening with a disc wider
// than any scar (12 mm) keeps only large regions as background, so scars, bands, dots and glints
// stay inside the scalp; holes are filled.
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct ScalpOptions {
  double min_scalp_area_mm2 = 100.0;   ///< below this: no scalp
  double min_background_mm = 12.0;     ///< narrower not-skin regions stay scalp (scars)
  double chroma_tolerance = 10.0;      ///< CIELAB a*b* distance from the skin reference
  void Check() const;                  ///< throws scarmap::Error naming a bad field
};

struct ScalpRegion {
  cv::Mat mask;           ///< CV_8U working scale, 255 = scalp
  double area_px = 0.0;   ///< working px
  bool found = false;
  cv::Vec3d reference_lab;  ///< skin reference colour used
};

/// Segments the scalp on `image.lightness` and `image.ab` (must be filled).
ScalpRegion FindScalp(const ScalpOptions& options, const WorkingImage& image);

}  // namespace scarmap
