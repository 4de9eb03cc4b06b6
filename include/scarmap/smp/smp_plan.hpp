// The SMP (scalp micropigmentation) coverage plan as plain values. Written into the report as
// "smp_plan" (see schemas/scarmap.report.v1.json). Coordinates: pixels of the upright original
// image. A plan is an estimate with a range, never a promise of results.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace scarmap {

/// Plan for one scar.
struct SmpScarPlan {
  int scar_id = 0;
  std::optional<double> treatment_area_mm2;      ///< scar + feathering margin (own, not unioned)
  double treatment_area_px = 0.0;
  std::vector<cv::Point2d> treatment_polygon_px; ///< outline of scar + margin
  std::optional<double> target_density_per_cm2;  ///< hair exits per cm^2 in a ring around it
  std::string density_source;                    ///< "ring" or "image" (fallback)
  std::optional<std::array<double, 2>> impressions;  ///< [low, high]
  double visibility = 0.0;  ///< 0..1 from CIEDE2000 contrast and size; higher = more visible
};

/// One connected area to treat (overlapping scar margins merged), e.g. a whole FUE donor field.
struct SmpRegion {
  int id = 0;
  std::vector<int> scar_ids;
  std::optional<double> area_mm2;
  double area_px = 0.0;
  std::vector<cv::Point2d> polygon_px;
  std::optional<double> target_density_per_cm2;
  std::optional<std::array<double, 2>> impressions;  ///< [low, high]
};

struct SmpPlan {
  bool planned = false;  ///< true when a plan with figures was made (not referred, scale known)
  double margin_mm = 5.0;
  std::optional<double> treatment_area_mm2;      ///< union of all scars + margins, in the scalp
  double treatment_area_px = 0.0;
  std::optional<double> target_density_per_cm2;  ///< area-weighted over regions
  std::optional<std::array<double, 2>> impressions;  ///< [low, high], summed over regions
  std::array<int, 2> sessions{0, 0};                 ///< [low, high]
  std::vector<std::string> session_reasons;
  std::string shade_hint;
  std::vector<std::string> referral_reasons;  ///< non-empty = refer back, do not plan
  std::vector<std::string> notes;             ///< caveats a clinician should read
  std::vector<SmpScarPlan> scars;
  std::vector<SmpRegion> regions;
  std::vector<int> most_visible;  ///< scar ids, most visible first (at most 5)
};

}  // namespace scarmap
