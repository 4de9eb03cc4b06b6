// The photo quality gate end to end: a clean generated photo passes; each defect, applied to the
// same photo, gives its warning with a number, status poor_quality, a fully filled report and a
// referred SMP plan.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>

#include "scarmap/core/format.hpp"
#include "scarmap/core/srgb.hpp"
#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace scarmap {
namespace {

constexpr double kPpm = 12.0;

SynthOptions CleanOptions() {
  SynthOptions o;
  o.width = 1200;
  o.height = 900;
  o.min_px_per_mm = o.max_px_per_mm = kPpm;
  o.fut_probability = 0.0;
  o.fue_probability = 1.0;
  o.marker_probability = 0.0;
  o.background_probability = 0.0;
  o.glare_probability = 0.0;
  o.camera_effects = false;  // clean: no random exposure, cast, vignetting, defocus, sharpening
  return o;
}

// A light, hair-bearing photo: the defects below are sized for it.
constexpr std::uint64_t kCleanSeed = 12;

cv::Mat Clean() { return RenderScalp(CleanOptions(), kCleanSeed).bgr; }

// The same photo out of focus: a Gaussian defocus of `sigma_mm`, in linear light as optics blur.
cv::Mat Defocused(double sigma_mm) {
  SynthOptions o = CleanOptions();
  o.extra_blur_mm = sigma_mm;
  return RenderScalp(o, kCleanSeed).bgr;
}

Report Analyze(const cv::Mat& bgr, double ppm = kPpm) {
  PipelineOptions o;
  o.px_per_mm = ppm;
  return AnalyzeImage(o, bgr, "q.png").report;
}

const QualityIssue* Issue(const Report& r, const std::string& check) {
  if (!r.quality) return nullptr;
  for (const QualityIssue& i : r.quality->issues)
    if (i.check == check) return &i;
  return nullptr;
}

bool Warned(const Report& r, const std::string& text) {
  for (const auto& w : r.warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

// Poor photo: status, the failed check with its number, a full report, a referred plan.
void ExpectPoor(const Report& r, const std::string& check, const std::string& warning) {
  EXPECT_EQ(r.status.code, StatusCode::kPoorQuality) << r.status.message;
  const QualityIssue* i = Issue(r, check);
  ASSERT_NE(i, nullptr) << check;
  EXPECT_TRUE(i->poor);
  EXPECT_TRUE(Warned(r, warning)) << warning;
  EXPECT_NE(r.status.message.find(warning), std::string::npos) << r.status.message;
  EXPECT_TRUE(r.quality->poor());
  // Still filled: scale, scalp, skin colour.
  EXPECT_TRUE(r.calibration.px_per_mm.has_value());
  EXPECT_GT(r.scalp.area_px, 0.0);
  EXPECT_GT(r.scalp.skin_lab[0], 0.0);
  // Referred, not planned.
  EXPECT_FALSE(r.smp_plan.planned);
  bool referred = false;
  for (const auto& s : r.smp_plan.referral_reasons)
    referred = referred || s.find("photo quality") != std::string::npos;
  EXPECT_TRUE(referred);
}

TEST(QualityGate, CleanPhotoPassesAndIsPlanned) {
  const Report r = Analyze(Clean());
  EXPECT_EQ(r.status.code, StatusCode::kOk) << r.status.message;
  ASSERT_TRUE(r.quality.has_value());
  EXPECT_FALSE(r.quality->poor());
  EXPECT_TRUE(r.quality->issues.empty()) << r.quality->issues.front().message;
  EXPECT_LT(*r.quality->blur_sigma_mm, 0.08);
  EXPECT_GT(r.quality->scalp_fraction, 0.9);
  EXPECT_GT(r.fue.size(), 3u);
  EXPECT_TRUE(r.smp_plan.planned);
}

TEST(QualityGate, BlurredPhotoIsPoor) {
  const Report r = Analyze(Defocused(0.5));
  ExpectPoor(r, "blur", "blurred");
  EXPECT_GT(*r.quality->blur_sigma_mm, 0.25);
}

TEST(QualityGate, MildBlurOnlyWarns) {
  const Report r = Analyze(Defocused(0.16));  // between the thresholds, 0.13 and 0.20 mm
  const QualityIssue* i = Issue(r, "blur");
  ASSERT_NE(i, nullptr);
  EXPECT_FALSE(i->poor) << i->value << " mm";
  EXPECT_TRUE(Warned(r, "blurred"));
  EXPECT_TRUE(Warned(r, Fmt("%.2f", i->value) + " mm"));  // with the measured number
  EXPECT_EQ(r.status.code, StatusCode::kOk);
  EXPECT_TRUE(r.smp_plan.planned);
}

TEST(QualityGate, OverExposedPhotoIsPoor) {
  // Three times the light (linear), clipped by the sensor.
  cv::Mat lut(1, 256, CV_8U);
  for (int i = 0; i < 256; ++i) {
    const double lin = 3.0 * SrgbToLinear(i / 255.0);
    lut.at<uchar>(i) = cv::saturate_cast<uchar>(255.0 * LinearToSrgb(lin));  // clipped at 1
  }
  cv::Mat img;
  cv::LUT(Clean(), lut, img);
  const Report r = Analyze(img);
  ExpectPoor(r, "overexposed", "over-exposed");
  EXPECT_GT(r.quality->overexposed_fraction, 0.5);
}

TEST(QualityGate, UnderExposedPhotoIsPoor) {
  const Report r = Analyze(Clean() / 8);  // an eighth of the light, and no more to measure
  ExpectPoor(r, "underexposed", "under-exposed");
  EXPECT_GT(r.quality->underexposed_fraction, 0.5);
}

TEST(QualityGate, PhotoTooDarkToFindTheScalpIsPoorNotNoScalp) {
  const Report r = Analyze(Clean() / 40);
  // Judged on the whole frame: the fixable cause is reported rather than no_scalp.
  EXPECT_EQ(r.status.code, StatusCode::kPoorQuality) << r.status.message;
  EXPECT_NE(r.status.message.find("no scalp skin found"), std::string::npos) << r.status.message;
  EXPECT_NE(r.status.message.find("under-exposed"), std::string::npos);
  ASSERT_NE(Issue(r, "underexposed"), nullptr);
  EXPECT_EQ(Issue(r, "scalp_fraction"), nullptr);  // no scalp checks without a scalp
  EXPECT_TRUE(Warned(r, "under-exposed"));
  // A frame without scalp that is well exposed stays no_scalp.
  const Report wall = Analyze(cv::Mat(600, 800, CV_8UC3, cv::Scalar(180, 190, 200)));
  EXPECT_EQ(wall.status.code, StatusCode::kNoScalp) << wall.status.message;
}

TEST(QualityGate, BigGlarePatchIsPoor) {
  cv::Mat img = Clean();
  cv::Mat glare = cv::Mat::zeros(img.size(), CV_8U);
  cv::ellipse(glare, {600, 450}, {330, 250}, 20, 0, 360, cv::Scalar(255), cv::FILLED);
  cv::GaussianBlur(glare, glare, cv::Size(0, 0), 0.5 * kPpm);
  cv::Mat glare3;
  cv::cvtColor(glare, glare3, cv::COLOR_GRAY2BGR);
  cv::add(img, glare3, img);  // saturating: white where the reflection is strong
  const Report r = Analyze(img);
  ExpectPoor(r, "glare", "glare");
  EXPECT_GT(r.quality->glare_fraction, 0.2);
}

TEST(QualityGate, LongHairCoveringTheScalpIsPoor) {
  cv::Mat img = Clean();
  cv::RNG rng(5);
  // 2500 dark strands of 15-30 mm lying over the scalp (skin still shows between them).
  for (int i = 0; i < 2500; ++i) {
    const cv::Point2d a(rng.uniform(-100.0, 1300.0), rng.uniform(-100.0, 1000.0));
    const double len = rng.uniform(15.0, 30.0) * kPpm;
    const double ang = 0.6 + rng.gaussian(0.25);
    const cv::Point2d b = a + len * cv::Point2d(std::cos(ang), std::sin(ang));
    const int v = rng.uniform(25, 55);
    cv::line(img, a, b, cv::Scalar(v * 0.8, v * 0.9, v), 2, cv::LINE_AA);
  }
  const Report r = Analyze(img);
  ExpectPoor(r, "hair_cover", "hair covers");
  EXPECT_GT(r.quality->hair_cover_fraction, 0.72);
}

TEST(QualityGate, SmallScalpInABigBackgroundIsPoor) {
  // A plain wall with the scalp as a small ellipse in the middle.
  const cv::Mat scalp = Clean();
  cv::Mat img(1800, 2400, CV_8UC3, cv::Scalar(188, 196, 200));
  cv::Mat noise(img.size(), CV_8UC3);
  cv::RNG(9).fill(noise, cv::RNG::NORMAL, 0, 2);
  img += noise;
  cv::Mat mask = cv::Mat::zeros(img.size(), CV_8U);
  cv::ellipse(mask, {1200, 900}, {500, 380}, 0, 0, 360, cv::Scalar(255), cv::FILLED);
  scalp.copyTo(img(cv::Rect(600, 450, 1200, 900)), mask(cv::Rect(600, 450, 1200, 900)));
  const Report r = Analyze(img);
  ExpectPoor(r, "scalp_fraction", "scalp fills only");
  EXPECT_LT(r.quality->scalp_fraction, 0.15);
  EXPECT_GT(r.quality->scalp_fraction, 0.05);
}

TEST(QualityGate, FourPixelsPerMmIsTooCoarse) {
  SynthOptions o = CleanOptions();
  o.min_px_per_mm = o.max_px_per_mm = 4.0;
  o.width = 800;
  o.height = 600;
  const Report r = Analyze(RenderScalp(o, 24).bgr, 4.0);
  ExpectPoor(r, "scale", "too coarse for FUE dots");
  EXPECT_DOUBLE_EQ(*r.quality->native_px_per_mm, 4.0);
}

}  // namespace
}  // namespace scarmap
