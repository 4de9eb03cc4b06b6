// Colour reference in the photo, so that skin colour and scar contrast do not depend on the
// light or the camera's white balance. In order of preference:
//
// 1. A 24-patch ColorChecker (Macbeth) chart: found with OpenCV contrib mcc
//    (cv::mcc::CCheckerDetector, Marrero Fernandez et al., "Fast and robust multiple ColorChecker
//    detection using deep convolutional neural networks", Image and Vision Computing 2019, here
//    without the network) on a downscaled copy; a 3x3 colour correction matrix is fitted with
//    cv::ccm::ColorCorrectionModel against the chart's reference colours (CIEDE2000 loss, patch
//    values linearised with gamma 2.2, clipped patches left out).
// 2. The white quiet zone around a printed ArUco marker: white-patch (von Kries) gains in linear
//    sRGB that make those pixels neutral while keeping their luminance.
// 3. None: the photo's colours are taken as they are.
//
// The correction maps the photo's linear RGB to linear sRGB: rgb_out = matrix * f(rgb_in), where
// f is the sRGB decoding curve (marker white) or the power law v^input_gamma (ColorChecker, as
// fitted), rgb column vectors (R, G, B) in 0..1. Coordinates: pixels of the upright image, origin
// top-left, x right, y down.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <string_view>
#include <vector>

#include "scarmap/calibration/marker.hpp"

namespace scarmap {

struct ColorReferenceOptions {
  bool use_colorchecker = true;        ///< look for a ColorChecker chart
  bool use_marker_white = true;        ///< else white-balance on the marker's quiet zone
  double max_detect_megapixels = 2.0;  ///< chart detection runs on a copy at most this large
  /// A chart fit whose mean CIEDE2000 over the patches it used (cv::ccm loss) is above this is
  /// rejected (a misread chart); a good fit under a strong cast is about 1-3.
  double max_chart_residual_de = 6.0;
  int min_chart_patches = 12;  ///< unclipped patches needed to fit the matrix
  /// The chart search (about 0.2 s of CPU on a 2 MP copy) runs only when the photo holds enough
  /// colourful pixels of a hue that skin, hair and scars never have: CIELAB chroma of at least
  /// `prescreen_min_chroma` at a hue angle h_ab between 100 and 340 degrees (green, cyan, blue,
  /// purple, magenta; skin lies at about 20-80), as a fraction of a <= 0.25 MP copy of the
  /// photo. A chart carries ten such patches; the smallest chart the search still found in
  /// generated photos under strong casts (1 / 0.6 / 0.25 linear gains) had 7e-4 of the frame of
  /// them, chart-free scalp photos at most 2e-6. A fraction of 0 runs the search always.
  double prescreen_min_chroma = 25.0;
  double prescreen_min_fraction = 5e-5;
  /// Quiet-zone ring sampled around the marker, as multiples of the marker's half-side about its
  /// centre: 1.08-1.30 lies inside a one-cell quiet zone of any 4x4 to 6x6 marker (scarmap's
  /// sticker sheet and the synthetic card have 1.8 and 1.67).
  double white_inner_rel = 1.08;
  double white_outer_rel = 1.30;
  int min_white_pixels = 40;    ///< usable (bright, unclipped) ring pixels needed
  double max_white_gain = 3.0;  ///< larger (or smaller than 1/this) gains: not white
  void Check() const;           ///< throws scarmap::Error naming a bad field
};

enum class ColorSource { kNone, kColorChecker, kMarkerWhite };
/// "none", "colorchecker", "marker_white" (the report's calibration.color_source).
std::string_view ToString(ColorSource source);
ColorSource ColorSourceFromString(std::string_view text);  ///< throws scarmap::Error

/// The colour correction found in a photo (identity with source kNone).
struct ColorCorrection {
  ColorSource source = ColorSource::kNone;
  /// Linear RGB -> linear sRGB, column vectors (R, G, B); rows are the output R, G, B.
  cv::Matx33d matrix = cv::Matx33d::eye();
  /// Input decoding: 0 = the sRGB curve (IEC 61966-2-1), else v^input_gamma.
  double input_gamma = 0.0;
  std::array<double, 3> white_gains{1.0, 1.0, 1.0};  ///< marker_white: diagonal of `matrix`
  int samples = 0;                                   ///< chart patches used / white pixels used
  double residual_delta_e = 0.0;  ///< colorchecker: mean CIEDE2000 of the patches after fitting
  std::vector<cv::Point2d> chart_corners_px;  ///< colorchecker: the chart's outline
};

/// Finds the best colour reference in an upright 8-bit BGR photo: a ColorChecker chart, else the
/// white around `marker` (when not null and found), else none. Never fails for a photo without
/// a reference (source kNone); throws scarmap::Error on an empty or non-CV_8UC3 image.
ColorCorrection FindColorReference(const ColorReferenceOptions& options, const cv::Mat& bgr,
                                   const MarkerDetection* marker);

/// True when `bgr` (8-bit BGR) holds enough off-skin colourful pixels for a ColorChecker chart to
/// be worth looking for (the prescreen of ColorReferenceOptions); throws scarmap::Error on an
/// empty or non-CV_8UC3 image.
bool MayHoldColorChecker(const ColorReferenceOptions& options, const cv::Mat& bgr);

/// Applies `correction` to one 8-bit-scale sRGB colour (R, G, B in 0..255) and returns linear
/// sRGB (R, G, B, 0..1, not clamped).
cv::Vec3d CorrectToLinear(const ColorCorrection& correction, const cv::Vec3d& rgb255);

}  // namespace scarmap
