#include "scarmap/preprocess/quality.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/color.hpp"

namespace scarmap {
namespace {

// A working image at 12 px/mm, whole frame scalp.
WorkingImage Working(const cv::Mat& bgr) {
  WorkingImage w;
  w.bgr = bgr;
  ComputeLab(&w);
  w.scalp_mask = cv::Mat(bgr.size(), CV_8U, cv::Scalar(255));
  w.px_per_mm = 12.0;
  w.scale_known = true;
  return w;
}

// Vertical stripes 40 px wide (step edges) between two skin tones, blurred by `sigma_px`.
cv::Mat Stripes(double sigma_px) {
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(120, 140, 180));
  for (int x = 0; x < img.cols; x += 80)
    img(cv::Rect(x, 0, 40, img.rows)).setTo(cv::Scalar(60, 75, 110));
  if (sigma_px > 0) cv::GaussianBlur(img, img, cv::Size(0, 0), sigma_px);
  return img;
}

const QualityIssue* Find(const PhotoQuality& q, const std::string& check) {
  for (const auto& i : q.issues)
    if (i.check == check) return &i;
  return nullptr;
}

TEST(AssessQuality, StepEdgeBlurIsMeasuredInMm) {
  // At step edges the estimator's model is exact: sigma 3 px at 12 px/mm = 0.25 mm.
  for (double sigma : {2.0, 3.0, 5.0}) {
    const PhotoQuality q = AssessQuality(QualityOptions{}, Working(Stripes(sigma)), {}, {}, 12.0);
    EXPECT_NEAR(q.blur_sigma_px, sigma, 0.12 * sigma) << sigma;
    EXPECT_NEAR(*q.blur_sigma_mm, sigma / 12.0, 0.12 * sigma / 12.0);
  }
  // Contrast-free: the same edges at a third of the contrast read the same.
  cv::Mat faint = Stripes(0.0);
  faint = faint * (1.0 / 3.0) + cv::Scalar(80, 93, 120);
  cv::GaussianBlur(faint, faint, cv::Size(0, 0), 3.0);
  const PhotoQuality qf = AssessQuality(QualityOptions{}, Working(faint), {}, {}, 12.0);
  EXPECT_NEAR(qf.blur_sigma_px, 3.0, 0.5);
  // 5 px = 0.42 mm is poor, 1 px = 0.08 mm passes.
  EXPECT_TRUE(Find(AssessQuality({}, Working(Stripes(5.0)), {}, {}, 12.0), "blur")->poor);
  EXPECT_EQ(Find(AssessQuality({}, Working(Stripes(1.0)), {}, {}, 12.0), "blur"), nullptr);
}

TEST(AssessQuality, ClippingGlareAndCrushedBlacksAreFractions) {
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(120, 140, 180));
  img(cv::Rect(0, 0, 50, 50)).setTo(cv::Scalar(250, 252, 255));    // 25 %: white glare
  img(cv::Rect(50, 50, 50, 20)).setTo(cv::Scalar(150, 200, 255));  // 10 %: red channel clipped
  img(cv::Rect(0, 80, 100, 20)).setTo(cv::Scalar(5, 8, 12));       // 20 %: crushed
  const PhotoQuality q = AssessQuality(QualityOptions{}, Working(img), {}, {}, 12.0);
  EXPECT_NEAR(q.overexposed_fraction, 0.35, 1e-9);
  EXPECT_NEAR(q.glare_fraction, 0.25, 1e-9);
  EXPECT_NEAR(q.underexposed_fraction, 0.20, 1e-9);
  ASSERT_NE(Find(q, "glare"), nullptr);
  EXPECT_TRUE(Find(q, "glare")->poor);
  EXPECT_NEAR(Find(q, "glare")->value, 0.25, 1e-9);
  EXPECT_FALSE(Find(q, "overexposed")->poor);  // 35 % < 40 %
  EXPECT_FALSE(Find(q, "underexposed")->poor);
  EXPECT_TRUE(q.poor());
  EXPECT_NE(q.PoorSummary().find("glare on 25 %"), std::string::npos);
  // Glare on a scar is not photo glare (the planner judges a shiny scar).
  cv::Mat scar = cv::Mat::zeros(img.size(), CV_8U);
  scar(cv::Rect(0, 0, 50, 50)).setTo(255);
  EXPECT_LT(AssessQuality(QualityOptions{}, Working(img), {}, scar, 12.0).glare_fraction, 0.05);
  // The masks are the caller's, read only: the scar's rim is widened in a copy (the pipeline
  // measures the scar area and the skin colour on the same mask afterwards).
  EXPECT_EQ(cv::countNonZero(scar), 50 * 50);
}

TEST(AssessQuality, ScaleAndScalpChecks) {
  cv::Mat img(120, 160, CV_8UC3, cv::Scalar(120, 140, 180));
  WorkingImage w = Working(img);
  EXPECT_TRUE(Find(AssessQuality({}, w, {}, {}, 4.0), "scale")->poor);
  EXPECT_FALSE(Find(AssessQuality({}, w, {}, {}, 7.0), "scale")->poor);
  EXPECT_EQ(Find(AssessQuality({}, w, {}, {}, 12.0), "scale"), nullptr);
  EXPECT_EQ(Find(AssessQuality({}, w, {}, {}, 0.0), "scale"), nullptr);  // unknown: no check
  EXPECT_FALSE(AssessQuality({}, w, {}, {}, 0.0).native_px_per_mm.has_value());
  // 160 x 120 px at 12 px/mm = 1.33 cm^2 of scalp: poor; a tenth of the frame: poor.
  const PhotoQuality q = AssessQuality({}, w, {}, {}, 12.0);
  EXPECT_NEAR(*q.scalp_area_cm2, 160.0 * 120.0 / 144.0 / 100.0, 1e-9);
  EXPECT_TRUE(Find(q, "scalp_area")->poor);
  w.scalp_mask = cv::Mat::zeros(img.size(), CV_8U);
  w.scalp_mask(cv::Rect(0, 0, 40, 48)).setTo(255);
  const PhotoQuality small = AssessQuality({}, w, {}, {}, 12.0);
  EXPECT_NEAR(small.scalp_fraction, 0.1, 1e-9);
  EXPECT_TRUE(Find(small, "scalp_fraction")->poor);
  // Without a scalp mask (no scalp found): the whole frame, no scalp checks.
  w.scalp_mask = cv::Mat();
  const PhotoQuality frame = AssessQuality({}, w, {}, {}, 12.0);
  EXPECT_EQ(Find(frame, "scalp_fraction"), nullptr);
  EXPECT_EQ(Find(frame, "scalp_area"), nullptr);
}

TEST(AssessQuality, RejectsBadInputAndOptions) {
  QualityOptions o;
  o.blur_poor_mm = 0.05;  // poor before warn
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.scalp_fraction_poor = 0.5;  // "below" check: poor must be under warn
  EXPECT_THROW(o.Check(), Error);
  WorkingImage w = Working(cv::Mat(50, 50, CV_8UC3, cv::Scalar::all(128)));
  EXPECT_THROW(AssessQuality({}, w, cv::Mat::zeros(10, 10, CV_8U), {}, 12.0), Error);
  EXPECT_THROW(AssessQuality({}, WorkingImage{}, {}, {}, 12.0), Error);
}

}  // namespace
}  // namespace scarmap
