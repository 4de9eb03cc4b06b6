// Test helpers: tiny encoded images and temporary folders.
#pragma once

#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "scarmap/preprocess/working_image.hpp"
#include "scarmap/synth/scalp_synth.hpp"

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

/// Sets w's CIELAB planes (lightness, ab) to one colour `lab` (L*, a*, b*) over `size`.
void FillLab(WorkingImage* w, cv::Size size, cv::Scalar lab);

/// Paints `lab` (L*, a*, b*) into w's CIELAB planes where `mask` (CV_8U) is set.
void PaintLab(WorkingImage* w, cv::Scalar lab, const cv::Mat& mask);

/// A warm illuminant as linear-light gains (R, G, B) that keeps a white card unclipped, and its
/// luminance (Rec. 709 weights): a neutral grey of that luminance is the same light without the
/// colour.
inline constexpr std::array<double, 3> kWarmCast{1.0, 0.85, 0.62};
inline constexpr double kWarmCastLuminance = 0.2126 * 1.0 + 0.7152 * 0.85 + 0.0722 * 0.62;

/// A generated 1200 x 900 photo at 8 px/mm in even light with FUE dots, no background or glare,
/// optionally a ColorChecker chart and a marker card, under the linear-light colour `cast`
/// (R, G, B gains).
SynthImage ColorPhoto(bool chart, bool marker, std::array<double, 3> cast, std::uint64_t seed = 3);

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
