#include "scarmap/follicle/follicle_detector.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

// Skin with `n` single hairs (short dark strokes 0.1 mm wide) at random, non-touching positions,
// plus sensor noise and a lighting gradient. 12 px/mm.
WorkingImage Stubble(int n, cv::Scalar skin, cv::Scalar hair, int* drawn) {
  cv::Mat img(480, 640, CV_8UC3, skin);
  for (int x = 0; x < img.cols; ++x) img.col(x) += cv::Scalar::all(x * 30.0 / img.cols);
  cv::RNG rng(42);
  std::vector<cv::Point2f> placed;
  *drawn = 0;
  for (int tries = 0; *drawn < n && tries < 20 * n; ++tries) {
    const cv::Point2f p(rng.uniform(10.f, 630.f), rng.uniform(10.f, 470.f));
    bool ok = true;
    for (const auto& q : placed) ok = ok && cv::norm(p - q) > 9.0;
    if (!ok) continue;
    placed.push_back(p);
    const double a = rng.uniform(0.0, CV_PI);
    const double len = rng.uniform(0.0, 5.0);
    cv::line(img, p, p + cv::Point2f(len * std::cos(a), len * std::sin(a)), hair, 2, cv::LINE_AA);
    ++*drawn;
  }
  cv::Mat noise(img.size(), CV_8UC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  img += noise;
  return testing::MakeWorking(img, 12.0);
}

TEST(DetectFollicles, CountsDarkStubbleOnLightSkin) {
  int drawn = 0;
  const WorkingImage w = Stubble(600, {150, 170, 205}, {40, 40, 50}, &drawn);
  const Follicles f = DetectFollicles({}, w);
  EXPECT_NEAR(static_cast<double>(f.exits_px.size()), drawn, 0.08 * drawn);
  EXPECT_GT(cv::countNonZero(f.hair_mask), drawn);
}

TEST(DetectFollicles, FindsLowContrastGreyHair) {
  int drawn = 0;
  const WorkingImage w = Stubble(500, {150, 170, 205}, {120, 130, 150}, &drawn);
  const Follicles f = DetectFollicles({}, w);
  EXPECT_NEAR(static_cast<double>(f.exits_px.size()), drawn, 0.15 * drawn);
}

TEST(DetectFollicles, BareSkinHasNoHair) {
  int drawn = 0;
  const WorkingImage w = Stubble(0, {150, 170, 205}, {40, 40, 50}, &drawn);
  const Follicles f = DetectFollicles({}, w);
  EXPECT_LE(f.exits_px.size(), 3u);
}

TEST(DetectFollicles, DensityMapMatchesTheCount) {
  int drawn = 0;
  const WorkingImage w = Stubble(600, {150, 170, 205}, {40, 40, 50}, &drawn);
  const Follicles f = DetectFollicles({}, w);
  const double area_cm2 = 640.0 * 480.0 / (12.0 * 12.0) / 100.0;
  const double mean = cv::mean(f.density_per_cm2)[0];
  const double hairs = f.exits_px.size() * f.hairs_per_unit;
  EXPECT_DOUBLE_EQ(f.hairs_per_unit, FollicleOptions{}.hairs_per_unit);
  EXPECT_NEAR(mean, hairs / area_cm2, 0.15 * hairs / area_cm2);
}

// The exits are follicular units; hairs_per_unit scales the hair density, never the units.
TEST(DetectFollicles, HairsPerUnitScalesHairsNotUnits) {
  int drawn = 0;
  const WorkingImage w = Stubble(600, {150, 170, 205}, {40, 40, 50}, &drawn);
  FollicleOptions one, three;
  one.hairs_per_unit = 1.0;
  three.hairs_per_unit = 3.0;
  const Follicles a = DetectFollicles(one, w), b = DetectFollicles(three, w);
  ASSERT_EQ(a.exits_px.size(), b.exits_px.size());
  EXPECT_DOUBLE_EQ(b.hairs_per_unit, 3.0);
  EXPECT_NEAR(cv::mean(b.density_per_cm2)[0], 3.0 * cv::mean(a.density_per_cm2)[0],
              1e-3 * cv::mean(b.density_per_cm2)[0]);
  FollicleOptions bad;
  bad.hairs_per_unit = 0.5;
  EXPECT_THROW(bad.Check(), Error);
}

}  // namespace
}  // namespace scarmap
