#include "scarmap/synth/scalp_synth.hpp"

#include <cmath>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/io/truth_json.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

SynthOptions Small() {
  SynthOptions o;
  o.width = 480;
  o.height = 360;
  o.min_px_per_mm = 8;
  o.max_px_per_mm = 16;
  return o;
}

TEST(RenderScalp, IsDeterministicPerSeed) {
  const SynthImage a = RenderScalp(Small(), 7), b = RenderScalp(Small(), 7), c = RenderScalp(Small(), 8);
  EXPECT_EQ(cv::norm(a.bgr, b.bgr, cv::NORM_L1), 0.0);
  EXPECT_EQ(cv::norm(a.labels, b.labels, cv::NORM_L1), 0.0);
  EXPECT_GT(cv::norm(a.bgr, c.bgr, cv::NORM_L1), 0.0);
}

TEST(RenderScalp, TruthIsConsistentWithTheMask) {
  SynthOptions o = Small();
  o.fut_probability = 1.0;
  o.fue_probability = 1.0;
  int checked_fut = 0, checked_fue = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    const Truth& t = s.truth;
    const double px2 = t.px_per_mm * t.px_per_mm;
    ASSERT_EQ(s.labels.size(), cv::Size(t.width, t.height));
    // Areas.
    double fut_area = 0;
    for (const auto& f : t.fut) fut_area += f.area_mm2;
    EXPECT_NEAR(fut_area, cv::countNonZero(s.labels == 1) / px2, 1e-6);
    checked_fut += !t.fut.empty();
    double fue_area = 0;
    for (const auto& d : t.fue) {
      fue_area += d.area_mm2;
      EXPECT_GE(d.diameter_mm, 0.55);
      EXPECT_LE(d.diameter_mm, 1.55);
      EXPECT_EQ(s.labels.at<uchar>(cv::Point(cvRound(d.center_px.x), cvRound(d.center_px.y))), 2)
          << "seed " << seed;
    }
    if (!t.fue.empty()) {
      ++checked_fue;
      EXPECT_NEAR(fue_area, cv::countNonZero(s.labels == 2) / px2, 0.06 * fue_area + 2.0 / px2 * t.fue.size());
    }
    // Scalp and density.
    EXPECT_NEAR(t.scalp_area_mm2, cv::countNonZero(s.labels != 3) / px2, 1e-6);
    EXPECT_NEAR(t.follicle_density_per_cm2, t.follicle_count / (t.scalp_area_mm2 / 100.0), 1e-6);
    EXPECT_GE(t.px_per_mm, 8.0);
    EXPECT_LE(t.px_per_mm, 16.0);
    for (const auto& f : t.fut) {
      EXPECT_GE(f.mean_width_mm, 0.4);
      EXPECT_LE(f.mean_width_mm, 10.0);
      EXPECT_GT(f.length_mm, 0.0);
    }
  }
  EXPECT_GT(checked_fut, 10);
  EXPECT_GT(checked_fue, 10);
}

TEST(RenderScalp, SkinToneCoversTheItaRangeAndMatchesTheBareSkin) {
  std::set<std::string> bands;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SynthOptions o = Small();
    o.fut_probability = o.fue_probability = o.background_probability = 0;
    const SynthImage s = RenderScalp(o, seed);
    bands.insert(s.truth.skin_band);
    EXPECT_EQ(ItaClass(s.truth.ita_deg), s.truth.skin_band);
  }
  EXPECT_GE(bands.size(), 5u);
}

TEST(RenderScalp, MarkerCornersAreInsideTheFrameAndLabelled) {
  SynthOptions o = Small();
  o.width = 1200;
  o.height = 900;
  o.marker_probability = 1.0;
  const SynthImage s = RenderScalp(o, 3);
  ASSERT_TRUE(s.truth.marker.present);
  for (const auto& c : s.truth.marker.corners_px) {
    EXPECT_GE(c.x, 0);
    EXPECT_LT(c.x, 1200);
    EXPECT_EQ(s.labels.at<uchar>(cv::Point(cvRound(c.x), cvRound(c.y))), 3);
  }
  const double side = cv::norm(s.truth.marker.corners_px[1] - s.truth.marker.corners_px[0]);
  EXPECT_NEAR(side / s.truth.px_per_mm, 10.0, 0.3);
}

TEST(WriteSynthSet, WritesPhotosTruthAndManifest) {
  testing::TempDir dir;
  WriteSynthSet(Small(), dir.path(), 3, 5);
  for (int i = 0; i < 3; ++i) {
    const std::string stem = "scalp_000" + std::to_string(i);
    EXPECT_FALSE(cv::imread((dir / (stem + ".jpg")).string()).empty());
    const cv::Mat labels = cv::imread((dir / (stem + ".truth.png")).string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(labels.type(), CV_8U);
    const Truth t = ReadTruthJson(dir / (stem + ".truth.json"));
    EXPECT_EQ(t.image, stem + ".jpg");
    // The JFIF header states the scale in dots per cm.
    const std::string jpg = testing::ReadBytes(dir / (stem + ".jpg"));
    EXPECT_EQ(static_cast<uchar>(jpg[13]), 2);
    EXPECT_EQ((static_cast<uchar>(jpg[14]) << 8) | static_cast<uchar>(jpg[15]),
              static_cast<int>(std::lround(t.px_per_mm * 10)));
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "manifest.csv"));
  EXPECT_THROW(WriteSynthSet(Small(), dir.path(), 0, 1), Error);
}

TEST(TruthJson, RoundTrips) {
  testing::TempDir dir;
  SynthOptions o = Small();
  o.fut_probability = o.fue_probability = 1.0;
  Truth t = RenderScalp(o, 11).truth;
  t.image = "x.jpg";
  WriteTruthJson(t, dir / "x.truth.json");
  const Truth u = ReadTruthJson(dir / "x.truth.json");
  EXPECT_EQ(u.fue.size(), t.fue.size());
  EXPECT_EQ(u.fut.size(), t.fut.size());
  EXPECT_DOUBLE_EQ(u.px_per_mm, t.px_per_mm);
  EXPECT_EQ(u.hair_color, t.hair_color);
  EXPECT_THROW(ReadTruthJson(dir / "missing.json"), Error);
}

}  // namespace
}  // namespace scarmap
