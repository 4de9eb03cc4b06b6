// Ground truth of one synthetic scalp photo: exact geometry written by synth/, read by eval/.
// Coordinates: pixels of the upright image, origin top-left, x right, y down.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace scarmap {

/// One linear (strip) scar as rendered.
struct TruthFut {
  int id = 0;
  std::vector<cv::Point2d> centerline_px;  ///< ordered, end to end, clipped to the frame
  double length_mm = 0.0;                  ///< length of the in-frame centreline
  double mean_width_mm = 0.0;              ///< mean half-maximum width along the in-frame part
  double area_mm2 = 0.0;                   ///< in-frame area (pixels with label 1 / px_per_mm^2)
  double delta_L = 0.0;                    ///< rendered L* difference, scar minus skin
  bool touches_border = false;             ///< an end runs out of frame
};

/// One FUE (punch) dot scar as rendered.
struct TruthFue {
  int id = 0;
  cv::Point2d center_px;
  double diameter_mm = 0.0;  ///< equivalent-circle diameter of the half-maximum area
  double area_mm2 = 0.0;
  double delta_L = 0.0;
  int cluster_id = -1;       ///< >= 0 when merged with neighbours into a "moth-eaten" cluster
};

/// A printed calibration marker in the frame.
struct TruthMarker {
  bool present = false;
  std::string dictionary = "DICT_4X4_50";
  int marker_id = 0;
  double side_mm = 10.0;
  std::array<cv::Point2d, 4> corners_px{};  ///< clockwise from top-left of the marker
};

/// Everything known about one generated image.
struct Truth {
  std::string image;  ///< file name of the photo (relative to the truth file's folder)
  int width = 0;
  int height = 0;
  std::uint64_t seed = 0;
  int jpeg_quality = 0;
  double px_per_mm = 0.0;
  std::array<double, 3> skin_lab{};  ///< CIELAB (D65) of the bare skin
  double ita_deg = 0.0;
  std::string skin_band;   ///< ITA class: very_light, light, intermediate, tan, brown, dark
  std::string hair_color;  ///< black, brown, grey, blond, red
  double hair_length_mm = 0.0;
  int follicle_count = 0;              ///< visible hair exits inside the scalp region
  double follicle_density_per_cm2 = 0.0;
  double scalp_area_mm2 = 0.0;         ///< label 0, 1 or 2 in the truth mask
  std::vector<TruthFut> fut;
  std::vector<TruthFue> fue;
  TruthMarker marker;
  std::vector<std::string> distractors;  ///< e.g. "glare", "dandruff", "background", "ear"
};

/// ITA class name for an ITA angle in degrees (DOMAIN.md thresholds).
std::string ItaClass(double ita_deg);

}  // namespace scarmap
