// Physical scale from a printed ArUco marker of known size in the photo, and printable marker
// sheets. Detection uses OpenCV's aruco module (Garrido-Jurado et al., "Automatic generation and
// detection of highly reliable fiducial markers under occlusion", Pattern Recognition 2014) on a
// downscaled copy, then refines the four corners to sub-pixel accuracy on the full-resolution
// image: cv::cornerSubPix, then a line fitted to each outer edge of the marker in linear light
// (sub-pixel 50 % crossings of perpendicular profiles) and the corners re-placed where the lines
// meet, so that a blurred, gamma-encoded photo does not read the marker small.
//
// Coordinates: pixels of the upright image, origin top-left, x right, y down.
#pragma once

#include <array>
#include <string>

#include <opencv2/core.hpp>

namespace scarmap {

struct MarkerOptions {
  std::string dictionary = "DICT_4X4_50";  ///< any cv::aruco predefined dictionary name
  double side_mm = 10.0;                   ///< printed side of the black square
  double max_detect_megapixels = 3.0;      ///< detection runs on a copy at most this large
  /// Marker plane tilt above which a warning is due. At 25 deg the foreshortened direction is
  /// 10 % short (cos 25 deg = 0.906): the scale still holds along the unforeshortened side, but
  /// the marker no longer lies flat on the scalp where the scars are.
  double tilt_warn_deg = 25.0;
  /// Distance (mm) from the marker centre to the centroid of the scars above which a warning is
  /// due (only when the scale comes from the marker). The scalp curves away from the camera: on
  /// a head of about 90 mm radius photographed from about 25 cm, a point 40 mm along the scalp
  /// from the marker is about 9 mm deeper (R (1 - cos(d / R))), a scale change of about 3.5 %.
  double far_warn_mm = 40.0;
  void Check() const;                      ///< throws scarmap::Error naming a bad field
};

/// A found marker and the scale it gives.
struct MarkerDetection {
  bool found = false;
  int marker_id = -1;
  int markers_found = 0;                   ///< how many markers of the dictionary were seen
  std::array<cv::Point2d, 4> corners_px{}; ///< sub-pixel, clockwise from the marker's top-left
  cv::Point2d center_px;
  /// px per mm: the largest stretch of the marker-to-image mapping at its centre (the direction
  /// its tilt does not foreshorten), from the homography of the four corners.
  double px_per_mm = 0.0;
  double uncertainty_rel = 0.0;  ///< relative 1-sigma: corner precision + perspective spread
  double tilt_deg = 0.0;         ///< tilt of the marker plane against the image plane
  double side_spread_rel = 0.0;  ///< (max - min) / mean of the four side lengths
};

/// Finds the best marker (largest) of `options.dictionary` in an 8-bit BGR or grey image.
/// Returns found = false when there is none. Throws scarmap::Error on an empty image.
MarkerDetection DetectMarker(const MarkerOptions& options, const cv::Mat& image);

/// `d`, found on a photo decoded at 1/`factor` of its size, in pixels of the full-size photo:
/// corners and centre map as x_full = (x + 0.5) * factor - 0.5, px_per_mm is multiplied by
/// `factor`; tilt, uncertainty and side spread (ratios) are kept. Throws scarmap::Error when
/// `factor` is not positive.
MarkerDetection ToFullSize(MarkerDetection d, double factor);

/// The cv::aruco predefined dictionary id for a name such as "DICT_4X4_50"; throws Error.
int ArucoDictionaryId(const std::string& name);

struct MarkerSheetOptions {
  std::string dictionary = "DICT_4X4_50";
  int marker_id = 0;
  double side_mm = 10.0;      ///< printed side of the marker's black square
  double dpi = 600.0;         ///< raster output resolution
  int copies = 6;             ///< stickers on the sheet
  double ruler_mm = 50.0;     ///< length of the print-scale check line
  void Check() const;
};

/// A printable sticker sheet as an 8-bit grey image at `dpi`: marker copies with a white quiet
/// zone, and a ruler line with mm ticks to check that the printer kept the scale.
cv::Mat RenderMarkerSheetPng(const MarkerSheetOptions& options);

/// The same sheet as SVG with physical units (mm), exact at any printer resolution.
std::string RenderMarkerSheetSvg(const MarkerSheetOptions& options);

}  // namespace scarmap
