// HEIC / HEIF (iPhone photos) through libheif. The primary image is decoded with its
// transformations (irot rotation, imir mirror, clap crop) applied, so the result is upright like
// any EXIF-oriented JPEG. Multi-image files (bursts, depth maps, thumbnails) use the primary.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {

/// True when this build has libheif with an HEVC decoder.
bool HeicDecodeSupported();

/// Primary image size after transformations, from the file's boxes only (no pixel decoding).
/// Returns unreadable when the container is damaged; unsupported_format without libheif.
Status ReadHeicSize(const std::string& bytes, int* width, int* height);

/// Decodes the primary image to CV_8UC3 BGR, upright. Refuses (too_large) before decoding when
/// the primary image exceeds `max_megapixels`. Never throws.
Status DecodeHeic(const std::string& bytes, double max_megapixels, cv::Mat* bgr);

/// Encodes `bgr` (CV_8UC3) as HEIC with an EXIF-style `orientation` (1..8) stored as irot/imir
/// boxes; for tests and fixtures. Throws scarmap::Error when no HEVC encoder is available.
std::string EncodeHeic(const cv::Mat& bgr, int quality, int orientation);

/// Several images (CV_8UC3 each) in one HEIC file, all with the same `orientation`; the one at
/// index `primary` is the file's primary image (pitm), like an iPhone burst or a photo stored
/// after its thumbnail. For tests and fixtures; throws scarmap::Error like EncodeHeic.
std::string EncodeHeicImages(const std::vector<cv::Mat>& images, int primary, int quality,
                             int orientation);

}  // namespace scarmap
