// Image loading: format sniffing, header-only size check, decode, EXIF orientation.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {

/// Size limits, checked on the declared size before decoding and again on the decoded pixels
/// (a header that lies is caught after decoding). Together with the working-scale cap
/// (preprocess/working_image.hpp) they bound one image's time and memory.
struct LoadOptions {
  double max_megapixels = 100.0;  ///< refuse (too_large) above this, before decoding
  int min_side_px = 16;           ///< refuse (too_small) a side shorter than this
  /// Refuse (too_small) a longer side above this many times the shorter: a strip thinner than
  /// 1/20 of its length cannot show a scalp, and costs the filters time out of proportion.
  double max_aspect_ratio = 20.0;
  void Check() const;  ///< throws scarmap::Error naming a bad field
};

/// What the header says, read without decoding pixels.
struct ImageHeader {
  std::string format;          ///< jpeg, png, tiff, webp, bmp, heic, "" when unknown
  int width = 0;               ///< as stored (before EXIF orientation); 0 when unknown
  int height = 0;
  int exif_orientation = 1;    ///< 1..8 (JPEG/TIFF/WebP), 1 when absent
  std::optional<double> dpi;   ///< resolution tag in dots per inch, when meaningful
};

/// Sniffs the format from magic bytes and parses the header. Never throws; an unknown or
/// damaged header gives format "" or width 0.
ImageHeader ReadImageHeader(const std::string& bytes);

struct LoadedImage {
  Status status;           ///< ok, unreadable, unsupported_format, too_large, too_small
  cv::Mat bgr;             ///< CV_8UC3, upright (EXIF orientation applied); empty unless ok
  ImageHeader header;
  std::string sha256;      ///< hex SHA-256 of the file bytes ("" when not read)
};

/// Reads and decodes `path`. Expected failures (missing, broken or looping symbolic link,
/// directory, permission, empty, truncated, not an image, too large or too small, unsupported)
/// are returned as status, never thrown.
LoadedImage LoadImage(const LoadOptions& options, const std::filesystem::path& path);

/// Same, from bytes already in memory (fuzzing, tests). `name` is only used in messages.
LoadedImage LoadImageFromBytes(const LoadOptions& options, const std::string& bytes,
                               const std::string& name);

/// Hex SHA-256 of `bytes` (FIPS 180-4).
std::string Sha256Hex(const std::string& bytes);

}  // namespace scarmap
