#include "scarmap/calibration/color_reference.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "scarmap/calibration/marker.hpp"
#include "scarmap/core/status.hpp"
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

TEST(FindColorReference, RejectsBadInputAndOptions) {
  EXPECT_THROW(FindColorReference(ColorReferenceOptions{}, cv::Mat(), nullptr), Error);
  EXPECT_THROW(FindColorReference(ColorReferenceOptions{}, cv::Mat(8, 8, CV_8U), nullptr), Error);
  ColorReferenceOptions o;
  o.white_outer_rel = 1.0;
  EXPECT_THROW(o.Check(), Error);
  EXPECT_EQ(ColorSourceFromString("marker_white"), ColorSource::kMarkerWhite);
  EXPECT_THROW(ColorSourceFromString("grey_world"), Error);
}

}  // namespace
}  // namespace scarmap
