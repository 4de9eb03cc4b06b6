// Scores scarmap reports (and masks) against synthetic ground truth.
//
// FUE: one-to-one matching of centres (closest pairs first) within max(0.5 mm, 0.75 x the true
// diameter); precision, recall, F1 pooled over the set; diameter relative error of matched
// pairs; false-positive dots per scar-free image. FUT: pixel Dice of label 1 (from
// <stem>.mask.png when present, else the report's contour polygons), band detection (a true band
// is found when a predicted centreline runs within max(1 mm, half its width + 0.5 mm) of it for
// most of its points), length / mean width / area relative errors of found bands, and the
// fraction of FUT-free images with no FUT pixel at all. Follicle density relative error;
// calibration relative error on marker images; Bland-Altman bias and 95 % limits of agreement
// for FUT total length (mm) and FUE count. Every figure also per skin band and hair colour.
// A missing or unreadable report, or one with a status other than ok or poor_quality (a
// poor_quality report is a complete analysis), scores as an empty prediction.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/core/truth.hpp"

namespace scarmap {

struct EvalOptions {
  double fue_min_tolerance_mm = 0.5;
  double fue_relative_tolerance = 0.75;  ///< x true diameter
  void Check() const;
};

/// Scores of one image.
struct ImageScore {
  std::string stem, skin_band, hair_color;
  bool report_found = false;  ///< a readable report with status ok or poor_quality
  int fue_tp = 0, fue_fp = 0, fue_fn = 0;
  std::vector<double> fue_diameter_rel;  ///< signed (pred - true) / true, matched pairs
  bool scar_free = false;
  bool has_fut = false;
  double fut_dice = -1.0;    ///< -1 when the image has no true FUT
  long fut_pred_pixels = 0;
  int fut_true = 0, fut_found = 0, fut_pred = 0;
  std::vector<double> fut_length_rel, fut_width_rel, fut_area_rel;
  double fut_length_true_mm = 0.0, fut_length_pred_mm = 0.0;
  int fue_true = 0, fue_pred_count = 0;
  double density_rel = 0.0;  ///< signed (pred - true) / true
  bool has_marker = false;
  double calibration_rel = 0.0;  ///< |pred - true| / true, 1 when the marker was missed
  /// Intersection over union of the predicted scalp region (<stem>.scalp.png) and the truth's
  /// (labels other than 3); -1 when there is no scalp file.
  double scalp_iou = -1.0;
};

/// Aggregates over a set of images.
struct Metrics {
  int images = 0, missing_reports = 0;
  double fue_precision = 0, fue_recall = 0, fue_f1 = 0;
  int fue_tp = 0, fue_fp = 0, fue_fn = 0;
  double fue_diameter_medabs_rel = 0, fue_diameter_bias_rel = 0;
  double fue_fp_per_scar_free_image = 0;
  int scar_free_images = 0;
  double fut_dice_mean = 0;
  int fut_images = 0;
  double fut_band_recall = 0;
  double fut_length_medabs_rel = 0, fut_width_medabs_rel = 0, fut_area_medabs_rel = 0;
  double fut_free_clean_fraction = 1.0;  ///< FUT-free images with no FUT pixel
  int fut_free_images = 0;
  double density_medabs_rel = 0;
  double calibration_medabs_rel = 0;
  int marker_images = 0;
  double scalp_iou_median = 0, scalp_iou_min = 0;  ///< over the images with a scalp file
  int scalp_images = 0;
  double ba_fut_length_bias_mm = 0, ba_fut_length_loa_mm = 0;  ///< bias and 1.96 SD
  double ba_fue_count_bias = 0, ba_fue_count_loa = 0;
};

struct EvalResult {
  Metrics overall;
  std::map<std::string, Metrics> by_skin_band, by_hair_color;
  std::vector<ImageScore> images;
};

/// Scores one image's truth (+ truth label mask, CV_8U) against a report file and optional mask
/// and scalp-mask files (`analyze --masks`: <stem>.mask.png, <stem>.scalp.png); any may be
/// missing.
ImageScore ScoreImage(const EvalOptions& options, const Truth& truth, const cv::Mat& truth_labels,
                      const std::filesystem::path& report_path,
                      const std::filesystem::path& mask_path,
                      const std::filesystem::path& scalp_path = {});

/// Aggregates image scores.
Metrics Aggregate(const std::vector<ImageScore>& images);

/// Scores every `<stem>.truth.json` in `truth_dir` against `<stem>.json` in `pred_dir`.
/// Throws scarmap::Error when truth_dir holds no truth.
EvalResult EvaluateFolders(const EvalOptions& options, const std::filesystem::path& truth_dir,
                           const std::filesystem::path& pred_dir);

/// A readable table of the result (overall, then per group).
std::string FormatEvalTable(const EvalResult& result);

/// The result as JSON text (overall metrics, groups, per-image scores).
std::string EvalResultToJson(const EvalResult& result);

}  // namespace scarmap
