#include "scarmap/calibration/color_reference.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "scarmap/calibration/marker.hpp"
#include "scarmap/core/status.hpp"
#include "scarmap/synth/scalp_synth.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

using testing::ColorPhoto;
constexpr auto kCast = testing::kWarmCast;

TEST(FindColorReference, FindsTheDrawnColorCheckerAndUndoesTheCast) {
  const SynthImage s = ColorPhoto(true, false, kCast);
  const ColorCorrection c = FindColorReference(ColorReferenceOptions{}, s.bgr, nullptr);
  ASSERT_EQ(c.source, ColorSource::kColorChecker);
  EXPECT_EQ(ToString(c.source), "colorchecker");
  EXPECT_GE(c.samples, 18);
  EXPECT_LT(c.residual_delta_e, 4.0);
  // The outline is on the chart (label 3 of the truth mask).
  ASSERT_EQ(c.chart_corners_px.size(), 4u);
  for (const auto& p : c.chart_corners_px) {
    const cv::Point q(cvRound(p.x), cvRound(p.y));
    ASSERT_TRUE(cv::Rect(0, 0, s.bgr.cols, s.bgr.rows).contains(q));
    EXPECT_EQ(s.labels.at<uchar>(q), 3) << p;
  }
  // matrix x cast is close to a multiple of the identity (the cast is removed; the scale is the
  // chart's exposure). The fit linearises with gamma 2.2, not the sRGB curve: allow 12 %.
  const cv::Matx33d undo = c.matrix * cv::Matx33d::diag({kCast[0], kCast[1], kCast[2]});
  const double k = (undo(0, 0) + undo(1, 1) + undo(2, 2)) / 3.0;
  for (int r = 0; r < 3; ++r)
    for (int col = 0; col < 3; ++col)
      EXPECT_NEAR(undo(r, col) / k, r == col ? 1.0 : 0.0, 0.12) << r << "," << col;
}

TEST(FindColorReference, MarkerWhiteGainsNeutraliseTheCast) {
  const SynthImage s = ColorPhoto(false, true, kCast);
  ASSERT_TRUE(s.truth.marker.present);
  const MarkerDetection m = DetectMarker(MarkerOptions{}, s.bgr);
  ASSERT_TRUE(m.found);
  const ColorCorrection c = FindColorReference(ColorReferenceOptions{}, s.bgr, &m);
  ASSERT_EQ(c.source, ColorSource::kMarkerWhite);
  EXPECT_GE(c.samples, 40);
  // gain x cast is the same for the three channels (within 3 %).
  const double g0 = c.white_gains[0] * kCast[0];
  EXPECT_NEAR(c.white_gains[1] * kCast[1] / g0, 1.0, 0.03);
  EXPECT_NEAR(c.white_gains[2] * kCast[2] / g0, 1.0, 0.03);
  EXPECT_DOUBLE_EQ(c.matrix(0, 0), c.white_gains[0]);
  EXPECT_DOUBLE_EQ(c.matrix(0, 1), 0.0);
  EXPECT_EQ(c.input_gamma, 0.0);
  // A neutral card without a cast gets gains of about 1.
  const SynthImage n = ColorPhoto(false, true, {1.0, 1.0, 1.0});
  const MarkerDetection mn = DetectMarker(MarkerOptions{}, n.bgr);
  const ColorCorrection cn = FindColorReference(ColorReferenceOptions{}, n.bgr, &mn);
  ASSERT_EQ(cn.source, ColorSource::kMarkerWhite);
  for (double g : cn.white_gains) EXPECT_NEAR(g, 1.0, 0.03);
}

TEST(FindColorReference, ChartWinsOverTheMarker) {
  const SynthImage s = ColorPhoto(true, true, kCast);
  const MarkerDetection m = DetectMarker(MarkerOptions{}, s.bgr);
  ASSERT_TRUE(m.found);
  EXPECT_EQ(FindColorReference(ColorReferenceOptions{}, s.bgr, &m).source,
            ColorSource::kColorChecker);
  ColorReferenceOptions no_chart;
  no_chart.use_colorchecker = false;
  EXPECT_EQ(FindColorReference(no_chart, s.bgr, &m).source, ColorSource::kMarkerWhite);
}

TEST(FindColorReference, NoReferenceMeansNoCorrection) {
  const SynthImage s = ColorPhoto(false, false, kCast);
  const MarkerDetection none;  // not found
  const ColorCorrection c = FindColorReference(ColorReferenceOptions{}, s.bgr, &none);
  EXPECT_EQ(c.source, ColorSource::kNone);
  EXPECT_EQ(ToString(c.source), "none");
  EXPECT_EQ(c.matrix, cv::Matx33d::eye());
  // Without correction a colour decodes by the plain sRGB curve.
  const cv::Vec3d lin = CorrectToLinear(c, {255, 128, 0});
  EXPECT_NEAR(lin[0], 1.0, 1e-12);
  EXPECT_NEAR(lin[1], 0.2158605, 1e-6);
  EXPECT_NEAR(lin[2], 0.0, 1e-12);
}

// A chart photo at 8 px/mm (the low end of intake photos).
SynthImage ChartPhoto(std::array<double, 3> cast, double patch_mm, std::uint64_t seed) {
  SynthOptions o;
  o.width = 1600;
  o.height = 1200;
  o.min_px_per_mm = o.max_px_per_mm = 8.0;
  o.colorchecker_probability = 1.0;
  o.colorchecker_patch_mm = patch_mm;
  o.color_cast = cast;
  return RenderScalp(o, seed);
}

TEST(FindColorReference, PrescreenKeepsEveryChartTheSearchFinds) {
  // Neutral, warm, tungsten without white balance, cool and green casts; 4 mm patches (at
  // 8 px/mm about the smallest the search still finds: the fewest colourful pixels).
  const std::array<double, 3> casts[] = {
      {1.0, 1.0, 1.0}, kCast, {1.0, 0.6, 0.25}, {0.6, 0.8, 1.0}, {0.8, 1.0, 0.7}};
  ColorReferenceOptions always;
  always.prescreen_min_fraction = 0.0;
  int found = 0, k = 0;
  for (const auto& cast : casts)
    for (double patch : {4.0}) {
      const SynthImage s = ChartPhoto(cast, patch, 40 + k++);
      const bool chart = FindColorReference(always, s.bgr, nullptr).source ==
                         ColorSource::kColorChecker;
      SCOPED_TRACE(::testing::Message() << "cast " << cast[0] << "/" << cast[1] << "/" << cast[2]
                                      << ", " << patch << " mm patches");
      // With the prescreen passed, the default search is this one.
      EXPECT_TRUE(MayHoldColorChecker(ColorReferenceOptions{}, s.bgr));
      found += chart;
    }
  EXPECT_GE(found, 4);  // the cases are not all beyond the search
}

TEST(FindColorReference, PrescreenSkipsTheSearchOnPhotosWithoutChart) {
  // Scalp photos of every skin tone and lighting of the generator, with background, marker,
  // distractors and casts, but no chart: nothing there is colourful at a non-skin hue.
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SynthOptions o;
    o.width = 1200;
    o.height = 900;
    o.colorchecker_probability = 0.0;
    const SynthImage s = RenderScalp(o, seed);
    EXPECT_FALSE(MayHoldColorChecker(ColorReferenceOptions{}, s.bgr)) << "seed " << seed;
  }
  // A blue drape in the frame is colourful enough: the search runs.
  SynthImage s = ColorPhoto(false, false, {1.0, 1.0, 1.0});
  s.bgr(cv::Rect(0, 0, 60, 40)).setTo(cv::Scalar(160, 60, 30));
  EXPECT_TRUE(MayHoldColorChecker(ColorReferenceOptions{}, s.bgr));
  ColorReferenceOptions off;
  off.prescreen_min_fraction = 0.0;
  s.bgr.setTo(cv::Scalar(60, 90, 140));
  EXPECT_FALSE(MayHoldColorChecker(ColorReferenceOptions{}, s.bgr));
  EXPECT_TRUE(MayHoldColorChecker(off, s.bgr));
}

TEST(FindColorReference, RejectsBadInputAndOptions) {
  EXPECT_THROW(FindColorReference(ColorReferenceOptions{}, cv::Mat(), nullptr), Error);
  EXPECT_THROW(FindColorReference(ColorReferenceOptions{}, cv::Mat(8, 8, CV_8U), nullptr), Error);
  ColorReferenceOptions o;
  o.white_outer_rel = 1.0;
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.prescreen_min_fraction = -1e-3;
  EXPECT_THROW(o.Check(), Error);
  EXPECT_THROW(MayHoldColorChecker(ColorReferenceOptions{}, cv::Mat(8, 8, CV_8U)), Error);
  EXPECT_EQ(ColorSourceFromString("marker_white"), ColorSource::kMarkerWhite);
  EXPECT_THROW(ColorSourceFromString("grey_world"), Error);
}

}  // namespace
}  // namespace scarmap
