// SMP coverage planning: turns measured scars and the surrounding follicle density into the
// area to treat, the pigment impressions needed, a session range, a shade hint, and referral
// flags. Follows the practice summarised in shared/DOMAIN.md: treatment area = scar + a
// feathering margin (3-10 mm); impressions = treated area x the follicle density of the
// surrounding donor skin; 2-3 sessions, more for wide, shiny or high-contrast scars; refer
// instead of planning when a scar looks immature (red/pink), raised/shiny, or the photo cannot be
// trusted. Every figure is a range: scar tissue retains pigment unpredictably.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/core/measures.hpp"
#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/preprocess/working_image.hpp"
#include "scarmap/smp/smp_plan.hpp"

namespace scarmap {

struct SmpOptions {
  double margin_mm = 5.0;          ///< feathering margin around every scar (clinics: 3-10 mm)
  double ring_width_mm = 5.0;      ///< ring beyond the margin where the target density is counted
  double min_ring_area_mm2 = 20.0; ///< smaller usable ring: fall back to the image's density
  double min_relative_range = 0.10;  ///< impressions range is at least +-10 %
  double immature_delta_a = 6.0;   ///< scar a* - skin a* above this looks red/pink (immature)
  double min_referral_area_mm2 = 2.0;  ///< scars smaller than this do not trigger a referral
  double shiny_fraction = 0.05;    ///< fraction of near-saturated scar pixels: raised/shiny
  double sheen_fraction = 0.01;    ///< above this (and below shiny_fraction) adds a session
  double max_scale_uncertainty_rel = 0.05;   ///< less certain scale (1 sigma): photo untrusted
  double min_target_density_per_cm2 = 20.0;  ///< sparser stubble around a scar gets a note
  double wide_fut_mm = 5.0;        ///< FUT mean width above this adds a session
  double high_contrast_de = 10.0;  ///< CIEDE2000 above this adds a session
  int max_most_visible = 5;        ///< how many scar ids `most_visible` lists
  void Check() const;              ///< throws scarmap::Error naming a bad field
};

/// One scar to plan for. `label` is its value in the labels image passed to PlanSmp.
struct SmpScarInput {
  int id = 0;          ///< report id
  int label = 0;       ///< > 0, value in `labels`
  bool fut = false;    ///< FUT band (else FUE dot)
  Contrast contrast;   ///< measured against the skin around it
  std::optional<double> width_mm;  ///< FUT mean width or FUE diameter, when the scale is known
  bool touches_border = false;     ///< runs out of the frame: its area is a lower bound
};

/// Everything about the image the plan needs besides the scars.
struct SmpContext {
  std::optional<double> calibration_uncertainty_rel;  ///< widens the impressions range
  std::array<double, 3> skin_lab{};                   ///< CIELAB of bare skin
  double ita_deg = 0.0;
  std::string ita_class;
  /// Reasons the photo cannot be trusted for planning (e.g. from a photo-quality check); each
  /// becomes a referral reason as it is.
  std::vector<std::string> quality_referrals;
};

/// Plans SMP coverage. `labels` is CV_32S at working scale (0 = no scar, else a scar's label);
/// `image.scalp_mask` bounds every area; follicular-unit exits come from `follicles`
/// (target densities are units per cm^2: one SMP dot per opening). Polygons are returned
/// in original-image pixels. Without a known scale the plan is not made (planned = false, mm
/// fields null) but visibility ranking and referral checks still run. Refers instead of planning
/// (referral_reasons, impressions and sessions cleared) for an immature (red/pink) or shiny scar,
/// a scale less certain than `max_scale_uncertainty_rel`, or any `context.quality_referrals`.
/// Whenever the plan is not made, sessions are [0, 0] with no reasons. Throws scarmap::Error when
/// `labels` does not match the working image.
SmpPlan PlanSmp(const SmpOptions& options, const WorkingImage& image, const Follicles& follicles,
                const cv::Mat& labels, const std::vector<SmpScarInput>& scars,
                const SmpContext& context);

/// Visibility of a scar in 0..1: rises with its CIEDE2000 contrast (about 0.5 at Delta E 3, the
/// level most observers see clearly) and with its size (about 0.5 at 3 mm equivalent size).
double ScarVisibility(double delta_e2000, double size_mm);

}  // namespace scarmap
