// Test helpers: tiny encoded images and temporary folders.
#pragma once

#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"

namespace scarmap::testing {

using scarmap::WorkingImage;

/// Encodes `img` with cv::imencode for the extension (".jpg", ".png", ...).
std::string Encode(const cv::Mat& img, const std::string& ext);

/// A JPEG with an EXIF APP1 segment carrying `orientation` (1..8) right after SOI.
std::string JpegWithOrientation(const cv::Mat& stored, int orientation);

/// A skin-toned image with a few dark stubble strokes and one bright round dot at `dot`.
cv::Mat SkinWithDot(cv::Size size, cv::Point dot, int radius);

/// A working image of `bgr` at `px_per_mm` (scale known), CIELAB filled, the whole frame scalp.
WorkingImage MakeWorking(const cv::Mat& bgr, double px_per_mm);

/// A fresh, empty temporary folder unique to the running test; removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void WriteBytes(const std::filesystem::path& p, const std::string& bytes);
std::string ReadBytes(const std::filesystem::path& p);

}  // namespace scarmap::testing
