// Colour conversion and illumination flattening.
#pragma once

#include <opencv2/core.hpp>

#include "scarmap/calibration/color_reference.hpp"
#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

/// sRGB (8-bit BGR) -> CIELAB (D65, 2 deg observer) in float: the sRGB transfer curve is
/// linearised first; L* in 0..100, a*, b* unscaled. Returns CV_32FC3.
cv::Mat BgrToLab(const cv::Mat& bgr);

/// Fills image->lightness and image->ab (see WorkingImage) from image->bgr, through `correction`
/// (calibration/color_reference.hpp): each pixel is decoded with the correction's input curve,
/// mapped by its matrix to linear sRGB (negative values clamped to 0) and converted to CIELAB.
/// With source kNone, L* is BgrToLab(bgr)'s and a*, b* are BgrToLab's to within 1 / 512. The
/// planes are new buffers: copies of `image` made before keep their own colour.
/// Throws scarmap::Error when image->bgr is empty or not CV_8UC3.
void ComputeLab(WorkingImage* image, const ColorCorrection& correction = {});

/// One sRGB colour (0..255 each, B,G,R order) to CIELAB.
cv::Vec3d BgrToLab(const cv::Vec3d& bgr);

struct FlattenOptions {
  double sigma_mm = 8.0;  ///< scale of the illumination estimate (much larger than any dot)
  void Check() const;
};

/// Removes slow illumination changes from L* (`lightness`, CV_32F, e.g.
/// WorkingImage::lightness): returns L* with the local background level (robust large-scale
/// estimate inside `mask`) moved to its median. CV_32F.
cv::Mat FlattenLightness(const FlattenOptions& options, const cv::Mat& lightness,
                         const cv::Mat& mask, double px_per_mm);

}  // namespace scarmap

namespace scarmap {

/// Hair-free lightness for the scar detectors: the pixels of `hair_mask` (CV_8U, 255 = hair;
/// grown by a pixel for their soft edges) filled from the skin around them (FillMasked, 0.4 mm),
/// a light 0.7 px blur, then a grey closing with a disc of `closing_mm` that removes what the hair
/// mask missed (faint or clustered stubble: any dark structure narrower than the disc) and a grey
/// opening with a disc of `opening_mm` that removes hairs lighter than the skin (white and grey
/// stubble: any light structure narrower than the disc), neither moving the edges of anything
/// wider (Serra 1982). `img` is CV_32F (e.g. flattened L*) at `px_per_mm`; a disc below 3 px is
/// skipped. Returns a new CV_32F image.
cv::Mat RemoveHair(const cv::Mat& img, const cv::Mat& hair_mask, double px_per_mm,
                   double closing_mm = 0.5, double opening_mm = 0.0);

/// Replaces the pixels of `img` (CV_32F) under `mask` (CV_8U, 255 = replace, e.g. hair) by a
/// normalised convolution (Knutsson & Westin 1993) of the unmasked pixels with a Gaussian of
/// `sigma_px`, so hair does not bias the skin lightness around it. Pixels with almost no skin
/// within reach (normalised weight below 0.05: inside a dense tuft) take a fill 4 x wider,
/// computed at half resolution (GaussianBlurCoarse; within 0.01 L* of the full-resolution one on
/// noisy skin, at a fraction of its cost). Returns a new image.
cv::Mat FillMasked(const cv::Mat& img, const cv::Mat& mask, double sigma_px);

}  // namespace scarmap
