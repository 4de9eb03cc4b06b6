// index.html of a batch: one self-contained page (inline CSS and JS, no network access) that a
// clinic opens in any browser: a sortable table with a thumbnail, the key figures and links to
// the overlay and report of every analysed photo, then the photos that could not be analysed
// with their reason. Links and thumbnails are relative file names inside the output folder.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "scarmap/report/report.hpp"

namespace scarmap {

/// One photo of the batch. File names are plain names inside the output folder ("" = none).
struct BatchPageItem {
  std::string stem;
  const Report* report = nullptr;  ///< must outlive the call; never null
  std::string report_file;         ///< e.g. "scan.json"
  std::string overlay_file;        ///< e.g. "scan.overlay.jpg"
  std::string mask_file;           ///< e.g. "scan.mask.png"
  std::string thumbnail_file;      ///< e.g. "scan.thumb.jpg"
};

struct BatchPageOptions {
  std::string title = "scarmap batch";
  int thumbnail_side_px = 240;  ///< long side of the thumbnails MakeThumbnail writes
  void Check() const;           ///< throws scarmap::Error naming a bad field
};

/// The page's HTML (UTF-8). Photos whose report has figures (status ok or poor_quality) get a
/// table row, in `items` order; every other photo is listed under "Not analysed" with its status
/// and message. Every text that comes from a file name, path or message is HTML-escaped and
/// every link is percent-encoded, so no input name can inject markup. Deterministic: the same
/// items give the same bytes. Throws scarmap::Error when an item has no report.
std::string BatchIndexHtml(const BatchPageOptions& options,
                           const std::vector<BatchPageItem>& items);

/// `image` (CV_8UC3) shrunk so that its long side is at most `long_side_px` (never enlarged).
/// Throws scarmap::Error when it is empty or `long_side_px` < 16.
cv::Mat MakeThumbnail(const cv::Mat& image, int long_side_px);

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

/// Percent-encodes a relative file name for an href/src (RFC 3986 unreserved bytes kept).
std::string UrlEncodeFileName(std::string_view name);

}  // namespace scarmap
