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
  const double mean = cv::mean(FollicleDensityMap({}, f, w))[0];
  const double hairs = f.exits_px.size() * f.hairs_per_unit;
  EXPECT_DOUBLE_EQ(f.hairs_per_unit, FollicleOptions{}.hairs_per_unit);
  EXPECT_NEAR(mean, hairs / area_cm2, 0.15 * hairs / area_cm2);
}

// Longer stubble crosses and touches: its strokes join into networks whose area says little
// about how many units made them (a unit's area is set by the short stubble elsewhere in the
// photo). Left half: single dots; right half: units of two 2 mm hairs fanning from one opening,
// close enough that most of them touch. Each hair ends in one free tip: the units are counted.
TEST(DetectFollicles, CountsCrossingLongerStubbleByItsTips) {
  cv::Mat img(480, 640, CV_8UC3, cv::Scalar(150, 170, 205));
  cv::RNG rng(7);
  int units = 0;
  for (int y = 10; y < 470; y += 14)
    for (int x = 10; x < 630; x += 14) {
      const float jx = rng.uniform(-3.f, 3.f), jy = rng.uniform(-3.f, 3.f);  // in this order
      const cv::Point2f p(x + jx, y + jy);
      if (x < 300) {
        cv::circle(img, p, 1, cv::Scalar(40, 40, 50), cv::FILLED, cv::LINE_AA);
      } else if (x >= 340) {
        const double a = rng.uniform(0.0, 2.0 * CV_PI);
        for (const double da : {-0.3, 0.3}) {
          const cv::Point2f tip = p + 24.0f * cv::Point2f(std::cos(a + da), std::sin(a + da));
          cv::line(img, p, tip, cv::Scalar(40, 40, 50), 2, cv::LINE_AA);
        }
      } else {
        continue;
      }
      ++units;
    }
  cv::Mat noise(img.size(), CV_8UC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  img += noise;
  const Follicles f = DetectFollicles({}, testing::MakeWorking(img, 12.0));
  int left = 0;
  for (const cv::Point2d& e : f.exits_px) left += e.x < 320;
  const int right = static_cast<int>(f.exits_px.size()) - left;
  EXPECT_NEAR(left, units / 2, 0.05 * units / 2);
  EXPECT_NEAR(right, units / 2, 0.35 * units / 2);  // tips ending on another hair are hidden
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
  const double density_one = cv::mean(FollicleDensityMap(one, a, w))[0];
  const double density_three = cv::mean(FollicleDensityMap(three, b, w))[0];
  EXPECT_NEAR(density_three, 3.0 * density_one, 1e-3 * density_three);
  FollicleOptions bad;
  bad.hairs_per_unit = 0.5;
  EXPECT_THROW(bad.Check(), Error);
}

// The on-demand density map, from exits placed by hand: an exit counts hairs_per_unit hairs over
// the scalp part of the box around each pixel, and nothing beyond the box.
TEST(FollicleDensityMap, CountsExitsOverTheScalpInTheirBox) {
  WorkingImage w =
      testing::MakeWorking(cv::Mat(200, 300, CV_8UC3, cv::Scalar(150, 170, 205)), 10.0);
  w.scalp_mask = cv::Mat::zeros(w.lightness.size(), CV_8U);
  w.scalp_mask(cv::Rect(0, 0, 150, 200)).setTo(255);  // the left half is scalp
  FollicleOptions o;
  o.density_radius_mm = 2.0;  // a box of 41 x 41 px
  Follicles f;
  f.hairs_per_unit = 3.0;
  f.exits_px = {{140.0, 100.0}, {140.4, 99.6}};  // both on pixel (140, 100)
  const cv::Mat d = FollicleDensityMap(o, f, w);
  ASSERT_EQ(d.size(), w.lightness.size());
  ASSERT_EQ(d.type(), CV_32F);
  const double px_per_cm2 = 10.0 * 10.0 * 100.0, whole = 6.0 / (41.0 * 41.0) * px_per_cm2;
  // A box wholly on the scalp: 2 exits x 3 hairs over 41^2 px (the exit on its edge or not).
  EXPECT_NEAR(d.at<float>(100, 125), whole, 1e-3 * whole);
  EXPECT_NEAR(d.at<float>(80, 125), whole, 1e-3 * whole);
  // Boxes across the scalp's edge (x 150): only their scalp columns count.
  EXPECT_NEAR(d.at<float>(100, 140), whole * 41.0 / 30.0, 1e-3 * whole);
  EXPECT_NEAR(d.at<float>(100, 160), whole * 41.0 / 10.0, 1e-3 * whole);
  // Boxes that miss the exits.
  EXPECT_NEAR(d.at<float>(100, 161), 0.0, 1e-3 * whole);
  EXPECT_NEAR(d.at<float>(59, 140), 0.0, 1e-3 * whole);
  // Without exits, zero everywhere.
  double lo = 0, hi = 0;
  cv::minMaxLoc(FollicleDensityMap(o, Follicles{}, w), &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 0.0);
  w.lightness = cv::Mat();
  EXPECT_THROW(FollicleDensityMap(o, f, w), Error);
}

}  // namespace
}  // namespace scarmap
