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
  /// Decode a JPEG at 1/reduction of its size (1, 2, 4 or 8: libjpeg's DCT scaling, which skips
  /// most of the work of a full decode and never holds the full-size pixels). Only a reduction
  /// that divides both sides is used (else the largest power of two that does), so that pixel
  /// centres map exactly: x_full = (x + 0.5) * reduction - 0.5. Other formats decode full size.
  int reduction = 1;
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
  int reduction = 1;       ///< full-size pixels per pixel of `bgr` along each side (see LoadOptions)
  ImageHeader header;
  std::string sha256;      ///< hex SHA-256 of the file bytes ("" when not read)
};

/// The reduction (1, 2, 4 or 8, at most `max_reduction`) that LoadOptions::reduction =
/// `max_reduction` gives for a photo with this header: 1 for anything but a JPEG of known size.
int UsableReduction(const ImageHeader& header, int max_reduction);

/// Reads the whole file at `path` into `bytes`. Expected failures (missing, broken or looping
/// symbolic link, a folder, not a regular file, larger than 1 GiB, permission denied, read
/// error) are returned as status (unreadable, too_large), never thrown.
Status ReadImageFile(const std::filesystem::path& path, std::string* bytes);

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
