// The normalised working image: every detector runs at a fixed px/mm so that parameters in mm
// translate to the same pixel sizes whatever the camera, and a 48 MP photo costs about what a
// 2 MP one does. The working image never exceeds a pixel cap either, so its memory is bounded
// whatever the photo's size and scale (a wide field at a low px/mm is then analysed below the
// target px/mm, and WorkingImage::capped says so).
#pragma once

#include <cmath>
#include <opencv2/core.hpp>

namespace scarmap {

struct WorkingScaleOptions {
  double target_px_per_mm = 12.0;        ///< working resolution when the scale is known
  double assumed_px_per_mm = 12.0;       ///< assumed working px/mm when no scale is known
  /// Cap on the working image, with or without a known scale: it bounds per-image memory (the
  /// stages hold about 80 bytes per working pixel at their peak). 4 MP at 12 px/mm is a
  /// 192 x 144 mm field; only wider fields are analysed below target_px_per_mm.
  double max_working_megapixels = 4.0;
  void Check() const;                    ///< throws scarmap::Error naming a bad field
};

/// a* and b* of WorkingImage::ab are held in fixed point, in units of 1 / kAbScale: the colour of
/// a 4 MP working image is 24 MB instead of the 48 of three float channels, to within 0.002 (a
/// thousandth of the smallest colour difference anyone sees), for |a*|, |b*| up to 127.99, which
/// holds every sRGB colour (larger values, reachable only through a colour correction, saturate).
inline constexpr float kAbScale = 256.0f;

/// CIELAB chroma C*ab = hypot(a*, b*) of one pixel of WorkingImage::ab.
inline float AbChroma(const cv::Vec2s& ab) {
  return std::hypot(static_cast<float>(ab[0]), static_cast<float>(ab[1])) / kAbScale;
}

/// Working-scale image and the mapping back to the original (upright) image.
/// Pixel centres map as x_orig = (x_work + 0.5) / scale - 0.5.
struct WorkingImage {
  cv::Mat bgr;        ///< CV_8UC3 at working scale
  cv::Mat lightness;  ///< CV_32F CIELAB (D65) L*, 0..100 (filled by ComputeLab)
  cv::Mat ab;         ///< CV_16SC2 CIELAB a*, b* times kAbScale (filled by ComputeLab)
  cv::Mat scalp_mask;        ///< CV_8U, 255 = scalp skin (filled by the scalp stage)
  double scale = 1.0;        ///< working px per original px (<= 1: never upsampled)
  double px_per_mm = 12.0;   ///< working px per mm (assumed when !scale_known)
  bool scale_known = false;
  bool capped = false;  ///< scale known, but reduced below the target by the pixel cap

  /// L*, a*, b* of pixel (x, y); lightness and ab must be filled.
  cv::Vec3f LabAt(int y, int x) const {
    const cv::Vec2s& v = ab.at<cv::Vec2s>(y, x);
    return {lightness.at<float>(y, x), v[0] / kAbScale, v[1] / kAbScale};
  }
  /// CIELAB chroma C*ab = hypot(a*, b*) of pixel (x, y); ab must be filled.
  float ChromaAt(int y, int x) const { return AbChroma(ab.at<cv::Vec2s>(y, x)); }

  cv::Point2d ToOriginal(cv::Point2d p) const {
    return {(p.x + 0.5) / scale - 0.5, (p.y + 0.5) / scale - 0.5};
  }
  double LengthToOriginal(double len_px) const { return len_px / scale; }
  double AreaToOriginal(double area_px) const { return area_px / (scale * scale); }
  double MmToPx(double mm) const { return mm * px_per_mm; }
  double PxToMm(double px) const { return px / px_per_mm; }
};

/// Working px per original px (<= 1) for an upright photo of `original_size` at
/// `original_px_per_mm` (<= 0: unknown): target_px_per_mm when the scale is known, at most
/// max_working_megapixels in any case, before the working size is rounded to whole pixels.
double WorkingScale(const WorkingScaleOptions& options, cv::Size original_size,
                    double original_px_per_mm);

/// The largest decode reduction r in {1, 2, 4, 8} with r x WorkingScale(...) <= 1: a photo
/// decoded at 1/r of its size still has at least the working resolution (see LoadOptions).
int MaxDecodeReduction(const WorkingScaleOptions& options, cv::Size original_size,
                       double original_px_per_mm);

/// Resizes `upright_bgr` (CV_8UC3) to the working scale. `upright_bgr` is the photo decoded at
/// 1/`reduction` of its original size (each side exactly divided; 1 = original pixels); the
/// working image and its `scale` are those of the original: the same size whatever the
/// reduction, never larger than `upright_bgr`. `original_px_per_mm` <= 0 means unknown. Throws
/// scarmap::Error on an empty image or a reduction below 1.
WorkingImage MakeWorkingImage(const WorkingScaleOptions& options, const cv::Mat& upright_bgr,
                              double original_px_per_mm, int reduction = 1);

}  // namespace scarmap
