// Analyse one image: load -> calibrate (scale, colour reference) -> working scale -> CIELAB ->
// scalp -> follicles -> FUT bands -> FUE dots -> quality gate -> contrast -> SMP plan -> report.
// Geometry is reported in pixels of the upright original image; `_mm` fields only when a
// physical scale is known.
//
// Colour correction (a ColorChecker or the marker's white, calibration.color_source) is applied
// where colour is measured: skin Lab and ITA, scar contrast, the a* redness and the stubble shade
// the planner reads. Detection (scalp, follicles, scars) and the quality gate see the photo as it
// is: they work on flattened L* and on colour differences relative to the photo's own skin, which
// a global white balance barely moves; a misread chart can then only change colour figures,
// never geometry; and clipping and glare are properties of the sensor values.
//
// A photo that fails the quality gate (preprocess/quality.hpp) is still analysed and reported in
// full, with status poor_quality, the failed checks in warnings and `quality`, and the SMP plan
// referred instead of planned.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "scarmap/calibration/color_reference.hpp"
#include "scarmap/calibration/marker.hpp"
#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/io/image_loader.hpp"
#include "scarmap/measure/contrast.hpp"
#include "scarmap/preprocess/quality.hpp"
#include "scarmap/preprocess/scalp.hpp"
#include "scarmap/preprocess/working_image.hpp"
#include "scarmap/report/report.hpp"
#include "scarmap/scar/fue_dot_detector.hpp"
#include "scarmap/scar/fut_band_segmenter.hpp"
#include "scarmap/smp/planner.hpp"

namespace scarmap {

struct PipelineOptions {
  LoadOptions load;
  WorkingScaleOptions working;
  MarkerOptions marker;
  bool use_marker = true;              ///< look for a printed ArUco marker
  ColorReferenceOptions color;         ///< ColorChecker / marker-white colour correction
  QualityOptions quality;              ///< photo quality gate
  ScalpOptions scalp;
  FollicleOptions follicle;
  FutOptions fut;
  FueDotOptions fue;
  ContrastOptions contrast;
  SmpOptions smp;
  std::optional<double> px_per_mm;     ///< operator's scale (source "cli"), wins over all
  /// A file's DPI is used only at or above this (phone photos carry 72/96/300-dpi defaults
  /// that say nothing about the subject; 600 dpi = 23.6 px/mm is a close-up or scan).
  double min_meaningful_dpi = 400.0;
  /// Shorter side of the photo at its scale, in mm, at least (else too_small: nothing to measure,
  /// and a wrong scale, e.g. a garbage resolution tag, would size every mm kernel beyond it).
  double min_field_mm = 5.0;
  double marker_disagree_rel = 0.05;   ///< warn when flag and marker differ by more
  double far_from_centre_rel = 0.8;    ///< scar points beyond this fraction of the half-diagonal warn
  bool want_mask = false;              ///< fill AnalysisResult::work_mask
  bool keep_image = false;             ///< fill AnalysisResult::upright (for overlays)
  /// With keep_image: > 0 keeps the photo shrunk (INTER_AREA) to at most this long side (what an
  /// overlay or thumbnail needs; a reduced decode still gives at least that); 0 keeps it at
  /// full size (and then decodes it at full size).
  int keep_image_max_side = 0;
  /// Decode a JPEG at 1/2, 1/4 or 1/8 of its size (LoadOptions::reduction) when that still gives
  /// the working resolution: from --px-per-mm or the resolution tag when known, else the
  /// no-scale working size; decoded again finer when a marker then shows the photo needs it.
  /// Coordinates are mapped back to the original pixels exactly. Faster and lighter, but the
  /// working image's pixels (and so the results) differ slightly from a full decode's; off by
  /// default (`scarmap analyze --fast-decode`).
  bool reduced_decode = false;
  void Check() const;                  ///< throws scarmap::Error naming a bad field
};

struct AnalysisResult {
  Report report;
  /// CV_8U at the working scale: 0 none, 1 FUT, 2 FUE (when want_mask); FullSizeMask() gives it
  /// at the upright original size.
  cv::Mat work_mask;
  /// CV_8U at the working scale, 255 = the scalp region the densities and the plan refer to
  /// (scalp.area_mm2; all 0 without a scalp), when want_mask; FullSizeScalp() gives it at the
  /// upright original size.
  cv::Mat work_scalp;
  /// CV_8UC3 upright image (when keep_image), possibly decoded reduced or shrunk (see
  /// keep_image_max_side): `upright_scale` of its pixels per pixel of the original.
  cv::Mat upright;
  double upright_scale = 1.0;
};

/// `result.work_mask` at the upright original size (report.image.width x height, nearest
/// neighbour), CV_8U 0/1/2; empty when the result has no mask.
cv::Mat FullSizeMask(const AnalysisResult& result);

/// `result.work_scalp` at the upright original size (as FullSizeMask), CV_8U 0/255; empty when
/// the result has no mask.
cv::Mat FullSizeScalp(const AnalysisResult& result);

/// Analyses the image at `path`. Never throws for per-image problems: they are report statuses
/// (unreadable, too_large, no_scalp, poor_quality, internal_error, ...).
AnalysisResult AnalyzeImage(const PipelineOptions& options, const std::filesystem::path& path);

/// Analyses an already decoded, upright CV_8UC3 image. `name` fills image.path; `dpi` as read
/// from the file, if any.
AnalysisResult AnalyzeImage(const PipelineOptions& options, const cv::Mat& upright_bgr,
                            const std::string& name, std::optional<double> dpi = std::nullopt);

}  // namespace scarmap
