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
  double delta_L = 0.0;                    ///< rendered L* difference, scar minus skin (mean)
  bool touches_border = false;             ///< an end runs out of frame (or under long hair)
  bool trichophytic = false;  ///< hairs grow through the band at low density (still FUT pixels)
  bool ragged = false;        ///< irregular, slightly ragged edges
  bool shiny = false;         ///< a specular sheen along the band
  bool under_long_hair = false;  ///< part of the band is hidden under long hair (label 3)
};

/// One FUE (punch) dot scar as rendered.
struct TruthFue {
  int id = 0;
  cv::Point2d center_px;
  double diameter_mm = 0.0;  ///< equivalent-circle diameter of the half-maximum area
  double area_mm2 = 0.0;
  double delta_L = 0.0;      ///< rendered L* difference at the centre, scar minus skin
  int cluster_id = -1;       ///< >= 0 when merged with neighbours into a "moth-eaten" cluster
  bool pink = false;         ///< a pink (immature) tint
  bool shiny = false;        ///< a specular highlight in the smooth centre
  bool depressed = false;    ///< slightly sunken: a shading crescent from the light direction
};

/// Where a distractor (not a scar) was drawn: a mole, freckle, papule, SMP patch, glare...
struct TruthMark {
  std::string kind;          ///< the name also listed in Truth::distractors
  cv::Point2d center_px;
  double radius_mm = 0.0;    ///< extent around the centre
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
  /// Kinds of not-scar content present, e.g. "glare", "dandruff", "background", "ear", "mole",
  /// "freckle", "papule", "skin_fold", "shadow_edge", "long_hair", "part_line", "smp_pigment",
  /// "ruler", "marker", "colorchecker". None of them is ever labelled as a scar.
  std::vector<std::string> distractors;
  std::vector<TruthMark> distractor_marks;  ///< positions of the spot-like distractors
  /// Rendering effects present (hair, lighting and camera), e.g. "grey_hairs", "whorl",
  /// "curly_hair", "coarse_stubble", "vignetting", "color_cast", "motion_blur", "defocus",
  /// "sharpening", "overexposed", "underexposed", "high_iso".
  std::vector<std::string> effects;
  double grey_hair_fraction = 0.0;  ///< share of the hairs that are grey or white
};

/// ITA class name for an ITA angle in degrees (DOMAIN.md thresholds).
std::string ItaClass(double ita_deg);

}  // namespace scarmap
