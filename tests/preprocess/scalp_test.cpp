#include "scarmap/preprocess/scalp.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

constexpr double kPpm = 10.0;  // px per mm

// Shaved scalp (stubble units 1 mm apart, noise) over the whole frame, with a white ruler with
// tick marks over x >= 700 and a bright glare patch of white light on the skin in the middle.
// 900 x 600 px = 90 x 60 mm.
cv::Mat Scene(cv::Scalar skin = {150, 170, 205}) {  // BGR, light skin by default
  cv::Mat img(600, 900, CV_8UC3, skin);
  cv::RNG rng(7);
  for (int y = 5; y < img.rows; y += 10)
    for (int x = 5; x < img.cols; x += 10) {
      const cv::Point p(x + rng.uniform(-3, 4), y + rng.uniform(-3, 4));
      const double a = rng.uniform(0.0, CV_PI);
      const cv::Point q = p + cv::Point(static_cast<int>(4 * std::cos(a)), static_cast<int>(4 * std::sin(a)));
      cv::line(img, p, q, cv::Scalar(50, 50, 60), 1, cv::LINE_AA);
    }
  // Glare: white light added to the skin (hue kept, chroma shrinking towards white).
  cv::Mat glare(img.size(), CV_32F, cv::Scalar(0));
  cv::circle(glare, {450, 300}, 60, cv::Scalar(1), cv::FILLED);
  cv::GaussianBlur(glare, glare, cv::Size(0, 0), 15);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) {
      cv::Vec3b& px = img.at<cv::Vec3b>(y, x);
      const float g = 0.7f * glare.at<float>(y, x);
      for (int c = 0; c < 3; ++c) px[c] = cv::saturate_cast<uchar>(px[c] + g * (255 - px[c]));
    }
  // A white ruler with a tick every mm.
  img(cv::Rect(700, 0, 200, 600)).setTo(cv::Scalar(235, 240, 242));
  for (int y = 0; y < 600; y += 10)
    cv::line(img, {700, y}, {700 + (y % 50 == 0 ? 60 : 30), y}, cv::Scalar(30, 30, 30), 1);
  cv::Mat noise(img.size(), CV_8UC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  img += noise;
  return img;
}

double Fraction(const cv::Mat& mask, const cv::Rect& r) {
  return cv::countNonZero(mask(r)) / static_cast<double>(r.area());
}

TEST(FindScalp, ExcludesARulerKeepsGlareOnSkin) {
  WorkingImage w = testing::MakeWorking(Scene(), kPpm);
  w.scalp_mask = cv::Mat();
  const ScalpRegion s = FindScalp({}, w);
  ASSERT_TRUE(s.found);
  EXPECT_LT(Fraction(s.mask, {720, 0, 180, 600}), 0.05) << "ruler taken as scalp";
  EXPECT_GT(Fraction(s.mask, {20, 20, 640, 560}), 0.97) << "stubble or glare lost";
  EXPECT_GT(Fraction(s.mask, {420, 270, 60, 60}), 0.99) << "glare centre lost";
}

// Long stubble (3 mm strokes, dense) still leaves skin between its units: it stays scalp.
TEST(FindScalp, KeepsDenseLongStubble) {
  cv::Mat img(500, 700, CV_8UC3, cv::Scalar(150, 170, 205));
  cv::RNG rng(3);
  for (int y = 4; y < img.rows; y += 9)
    for (int x = 4; x < img.cols; x += 9) {
      const cv::Point p(x + rng.uniform(-2, 3), y + rng.uniform(-2, 3));
      for (int h = 0; h < 3; ++h) {
        const double a = 0.6 + rng.uniform(-0.3, 0.3);
        cv::line(img, p, p + cv::Point(static_cast<int>(30 * std::cos(a)), static_cast<int>(30 * std::sin(a))),
                 cv::Scalar(40, 40, 50), 1, cv::LINE_AA);
      }
    }
  WorkingImage w = testing::MakeWorking(img, kPpm);
  w.scalp_mask = cv::Mat();
  const ScalpRegion s = FindScalp({}, w);
  ASSERT_TRUE(s.found);
  EXPECT_GT(Fraction(s.mask, {0, 0, img.cols, img.rows}), 0.97);
}

TEST(FindScalp, RejectsBadOptions) {
  ScalpOptions o;
  o.chroma_tolerance = 0.0;
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace scarmap
