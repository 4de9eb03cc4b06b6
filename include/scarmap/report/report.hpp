// The per-image report as plain structs. The JSON form (report_json.hpp) follows
// shared/REPORT_CONTRACT.md and schemas/scarmap.report.v1.json.
//
// Coordinates: pixels of the upright image (after EXIF orientation), origin top-left, x right,
// y down. Lengths in mm, areas in mm^2, densities per cm^2. Every `_mm` field is std::nullopt
// (JSON null) when no physical scale is known; the pixel fields are always filled.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "scarmap/calibration/color_reference.hpp"
#include "scarmap/core/measures.hpp"
#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/quality.hpp"
#include "scarmap/smp/smp_plan.hpp"

namespace scarmap {

inline constexpr const char* kReportSchema = "scarmap.report/1";

enum class CalibrationSource { kNone, kCli, kDpi, kMarker };
std::string_view ToString(CalibrationSource source);  ///< "none", "cli", "dpi", "marker"
CalibrationSource CalibrationSourceFromString(std::string_view text);  ///< throws Error

struct ImageInfo {
  std::string path;    ///< as given on the command line
  int width = 0;       ///< upright width in px (0 when unreadable)
  int height = 0;
  std::string sha256;  ///< of the input file's bytes ("" when unreadable)
  std::string format;  ///< "jpeg", "png", "tiff", "webp", "bmp", "heic", "" when unknown
};

struct CalibrationInfo {
  std::optional<double> px_per_mm;  ///< original-image px per mm
  CalibrationSource source = CalibrationSource::kNone;
  std::optional<double> uncertainty_rel;  ///< relative 1-sigma uncertainty of px_per_mm
  /// The printed marker found in the photo (original px, clockwise from its top-left corner),
  /// whether or not it gave the scale; empty when none was found.
  std::vector<cv::Point2d> marker_corners_px;
  /// Colour reference used before colour was measured (JSON color_source: none, colorchecker,
  /// marker_white) and the correction applied (JSON color_correction, null with none).
  ColorCorrection color;
};

struct ScalpInfo {
  double area_px = 0.0;
  std::optional<double> area_mm2;
  std::array<double, 3> skin_lab{};  ///< CIELAB D65 median of bare skin (hair, scars excluded)
  double ita_deg = 0.0;
  std::string ita_class;  ///< very_light, light, intermediate, tan, brown, dark
};

struct FollicleInfo {
  int count = 0;                             ///< visible hair exits inside the scalp, one per hair
  std::optional<double> density_per_cm2;     ///< count per cm^2 of scalp area
  double density_per_mpx = 0.0;              ///< count per million scalp pixels (always set)
  int unit_count = 0;                        ///< follicular units (openings) inside the scalp
  std::optional<double> unit_density_per_cm2;  ///< unit_count per cm^2 of scalp area
  double hairs_per_unit = 0.0;               ///< count / unit_count as counted
};

/// A linear FUT (strip) scar.
struct FutScar {
  int id = 0;
  std::vector<cv::Point2d> centerline_px;  ///< ordered end to end
  std::vector<cv::Point2d> contour_px;     ///< outer boundary polygon (half-maximum edge)
  double length_px = 0.0;
  std::optional<double> length_mm;
  double area_px = 0.0;
  std::optional<double> area_mm2;
  WidthStats width_px;
  std::optional<WidthStats> width_mm;
  double width_profile_step_mm = 1.0;     ///< spacing of width_profile samples along centreline
  std::vector<double> width_profile_mm;   ///< width at regular steps (px when no scale)
  Contrast contrast;
  double confidence = 0.0;                ///< 0..1
  bool touches_border = false;            ///< an end leaves the frame: length is a lower bound
};

/// An FUE (punch) dot scar.
struct FueScar {
  int id = 0;
  cv::Point2d center_px;
  double diameter_px = 0.0;  ///< equivalent-circle diameter of the half-maximum area
  std::optional<double> diameter_mm;
  double area_px = 0.0;
  std::optional<double> area_mm2;
  Contrast contrast;
  double confidence = 0.0;
  int cluster_id = -1;  ///< id of the merged "moth-eaten" cluster it was split from, or -1
};

/// Merged FUE dots that were split into individual dots.
struct FueCluster {
  int id = 0;
  cv::Point2d center_px;
  double area_px = 0.0;
  std::optional<double> area_mm2;
  std::vector<int> dot_ids;
};

struct Summary {
  int fut_count = 0;
  std::optional<double> fut_total_length_mm;
  int fue_count = 0;
  std::optional<double> fue_density_per_cm2;  ///< FUE dots per cm^2 of scalp
  std::optional<double> scar_area_mm2;
  double fut_total_length_px = 0.0;
  double scar_area_px = 0.0;
};

/// How the image was processed (for reproducibility; not part of the stable contract).
struct ProcessingInfo {
  double working_px_per_mm = 0.0;  ///< px/mm of the working image (assumed when no scale)
  double working_scale = 1.0;      ///< working px per original px
  int decode_reduction = 1;        ///< the photo was decoded at 1/this of its size (JPEG)
  double seconds = 0.0;
};

struct Report {
  std::string tool_name = "scarmap";
  std::string tool_version;
  ImageInfo image;
  Status status;
  CalibrationInfo calibration;
  ScalpInfo scalp;
  FollicleInfo follicles;
  std::vector<FutScar> fut;   ///< ids shared with fue: ids are unique across both
  std::vector<FueScar> fue;
  std::vector<FueCluster> fue_clusters;
  Summary summary;
  SmpPlan smp_plan;
  std::vector<std::string> warnings;
  std::optional<PhotoQuality> quality;  ///< the quality gate's figures (null when not analysed)
  ProcessingInfo processing;
};

}  // namespace scarmap
