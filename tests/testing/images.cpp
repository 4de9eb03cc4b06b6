#include "testing/images.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/preprocess/color.hpp"

namespace scarmap::testing {

SynthImage ColorPhoto(bool chart, bool marker, std::array<double, 3> cast, std::uint64_t seed) {
  SynthOptions o;
  o.width = 1200;
  o.height = 900;
  o.min_px_per_mm = o.max_px_per_mm = 8.0;
  o.fut_probability = 0.0;
  o.fue_probability = 1.0;
  o.background_probability = 0.0;
  o.glare_probability = 0.0;
  o.marker_probability = marker ? 1.0 : 0.0;
  o.colorchecker_probability = chart ? 1.0 : 0.0;
  o.color_cast = cast;
  o.uniform_lighting = true;
  return RenderScalp(o, seed);
}

std::string Encode(const cv::Mat& img, const std::string& ext) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return std::string(buf.begin(), buf.end());
}

std::string JpegWithOrientation(const cv::Mat& stored, int orientation) {
  const std::string jpg = Encode(stored, ".jpg");
  // TIFF little-endian header + IFD0 with one entry: Orientation (274), SHORT, 1 value.
  std::string tiff = std::string("II*\0", 4) + std::string("\x08\0\0\0", 4);
  tiff += std::string("\x01\0", 2);                       // 1 entry
  tiff += std::string("\x12\x01\x03\0\x01\0\0\0", 8);     // tag 274, type 3, count 1
  tiff += static_cast<char>(orientation);
  tiff += std::string("\0\0\0", 3);
  tiff += std::string("\0\0\0\0", 4);                     // next IFD: none
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t len = payload.size() + 2;
  std::string app1 = "\xFF\xE1";
  app1 += static_cast<char>((len >> 8) & 0xFF);
  app1 += static_cast<char>(len & 0xFF);
  app1 += payload;
  return jpg.substr(0, 2) + app1 + jpg.substr(2);
}

cv::Mat SkinWithDot(cv::Size size, cv::Point dot, int radius) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(150, 170, 205));
  cv::RNG rng(5);
  for (int i = 0; i < size.area() / 400; ++i) {
    const cv::Point p(rng.uniform(0, size.width), rng.uniform(0, size.height));
    cv::line(img, p, p + cv::Point(rng.uniform(-3, 4), rng.uniform(2, 5)), cv::Scalar(40, 40, 50), 1,
             cv::LINE_AA);
  }
  cv::circle(img, dot, radius, cv::Scalar(235, 240, 250), cv::FILLED, cv::LINE_AA);
  return img;
}

WorkingImage MakeWorking(const cv::Mat& bgr, double px_per_mm) {
  WorkingImage w;
  w.bgr = bgr;
  ComputeLab(&w);
  w.px_per_mm = px_per_mm;
  w.scale_known = true;
  w.scalp_mask = cv::Mat(bgr.size(), CV_8U, cv::Scalar(255));
  return w;
}

void FillLab(WorkingImage* w, cv::Size size, cv::Scalar lab) {
  w->lightness.create(size, CV_32F);
  w->ab.create(size, CV_16SC2);
  PaintLab(w, lab, cv::Mat());
}

void PaintLab(WorkingImage* w, cv::Scalar lab, const cv::Mat& mask) {
  w->lightness.setTo(lab[0], mask);
  w->ab.setTo(cv::Scalar(lab[1] * scarmap::kAbScale, lab[2] * scarmap::kAbScale), mask);
}

TempDir::TempDir() {
  static std::atomic<int> n{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "scarmap";
  path_ = std::filesystem::temp_directory_path() /
          ("scarmap_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + "_" + name);
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteBytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

std::string ReadBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace scarmap::testing
