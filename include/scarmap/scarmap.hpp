// scarmap: the library's small, stable entry point (the umbrella header).
//
//   #include <scarmap/scarmap.hpp>
//   scarmap::AnalysisOptions options;
//   options.px_per_mm = 12.5;                              // or leave it to a marker / DPI
//   scarmap::Report report = scarmap::Analyze("patient_0412.jpg", options);
//   if (report.status.ok()) std::cout << report.summary.fue_count << " FUE dots\n";
//   std::string json = scarmap::ToJson(report);            // the scarmap.report/1 document
//
// One photo in, one report out: exactly what `scarmap analyze` writes for that photo with the
// same options. CMake: find_package(scarmap) + target_link_libraries(app scarmap::core).
//
// Units and frames (shared/REPORT_CONTRACT.md, schemas/scarmap.report.v1.json): coordinates
// (`*_px`) are pixels of the upright image (EXIF/HEIF orientation applied), origin at the
// top-left corner, x right, y down. Lengths in mm, areas in mm^2, densities per cm^2. Without a
// physical scale (calibration.source "none") every `_mm` field is std::nullopt (JSON null) and
// the pixel fields are still filled.
//
// Failure behaviour: a photo that cannot be analysed (missing, unreadable, unsupported format,
// too large, no scalp, ...) is a report whose `status.code` says why; Analyze never throws for
// it. Invalid options and broken preconditions (an empty or non-8-bit cv::Mat) throw
// scarmap::Error. Nothing is printed and nothing is written to disk.
//
// Thread safety: Analyze keeps no state between calls; calls on different threads are
// independent.
//
// Stability: this header, Report (scarmap/report/report.hpp) and the report JSON follow
// semantic versioning from scarmap 1.0 (fields are only ever added before 1.0 too). The other
// headers under scarmap/ (one folder per pipeline stage) are installed for advanced use and may
// change between minor versions.
#pragma once

#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <string>

#include "scarmap/core/status.hpp"
#include "scarmap/core/version.hpp"
#include "scarmap/report/report.hpp"

namespace scarmap {

/// The settings of one analysis: the `scarmap analyze` options that concern a single photo,
/// with the same defaults.
struct AnalysisOptions {
  /// Known scale in pixels (of the original, upright photo) per mm (report calibration.source
  /// "cli"). Wins over a marker and over the file's resolution tag. Unset: marker, then DPI.
  std::optional<double> px_per_mm;
  bool use_marker = true;                         ///< look for a printed ArUco marker
  double marker_mm = 10.0;                        ///< printed side of the marker, mm
  std::string marker_dictionary = "DICT_4X4_50";  ///< cv::aruco predefined dictionary name
  /// A file's resolution tag is used as the scale only at or above this many dots per inch
  /// (phone photos carry meaningless 72/300 dpi tags). Only the path overload reads tags.
  double min_dpi = 400.0;
  /// Photos whose declared size is above this many megapixels are refused (status too_large)
  /// before decoding. Only the path overload decodes.
  double max_megapixels = 100.0;
  double margin_mm = 5.0;  ///< SMP feathering margin around each scar, mm

  void Check() const;  ///< throws scarmap::Error naming the bad field
};

/// Analyses the photo at `image` (JPEG, PNG, TIFF, WebP, BMP, HEIC/HEIF; EXIF orientation
/// applied). `report.image.path` is `image` as given. Throws scarmap::Error only for invalid
/// options; every problem with the photo is the report's status.
Report Analyze(const std::filesystem::path& image, const AnalysisOptions& options = {});

/// Analyses a decoded, upright photo: CV_8UC3 BGR (as cv::imread gives), CV_8UC1 grey or
/// CV_8UC4 BGRA. `name` fills report.image.path (image.sha256 and image.format stay empty; no
/// resolution tag, so the scale comes from `px_per_mm` or a marker). Throws scarmap::Error for
/// invalid options or an empty / non-8-bit / other-channel-count image.
Report Analyze(const cv::Mat& image, const AnalysisOptions& options = {},
               const std::string& name = "");

/// The report as a scarmap.report/1 JSON document (pretty-printed with `indent` spaces,
/// compact when `indent` < 0), byte for byte what `scarmap analyze` writes.
std::string ToJson(const Report& report, int indent = 2);

}  // namespace scarmap
