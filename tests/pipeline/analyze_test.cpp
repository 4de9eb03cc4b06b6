#include "scarmap/pipeline/analyze.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "testing/images.hpp"

namespace scarmap {
namespace {

TEST(AnalyzeImage, WithScaleFillsMmFields) {
  PipelineOptions o;
  o.px_per_mm = 12.0;
  o.want_mask = true;
  const cv::Mat img = testing::SkinWithDot({480, 360}, {100, 80}, 6);
  const AnalysisResult res = AnalyzeImage(o, img, "skin.png");
  ASSERT_TRUE(res.report.status.ok()) << res.report.status.message;
  EXPECT_EQ(res.report.calibration.source, CalibrationSource::kCli);
  ASSERT_TRUE(res.report.scalp.area_mm2.has_value());
  EXPECT_NEAR(*res.report.scalp.area_mm2, 480.0 * 360.0 / 144.0, 0.05 * 1200.0);
  EXPECT_TRUE(res.report.follicles.density_per_cm2.has_value());
  EXPECT_EQ(FullSizeMask(res).size(), img.size());
  EXPECT_EQ(FullSizeMask(res).type(), CV_8U);
}

TEST(AnalyzeImage, SummaryScarAreaIsTheScarsOwn) {
  // The summary's scar area is the scars' mask (the dots' regions), not widened by what the
  // stages after detection (the quality gate) do with the scar mask.
  PipelineOptions o;
  o.want_mask = true;
  o.min_meaningful_dpi = 1;
  const AnalysisResult res =
      AnalyzeImage(o, std::filesystem::path(SCARMAP_SOURCE_DIR) / "samples/fue_intermediate_skin.jpg");
  ASSERT_TRUE(res.report.status.ok()) << res.report.status.message;
  ASSERT_GT(res.report.fue.size(), 50u);
  const double s = res.report.processing.working_scale;  // working px per photo px
  EXPECT_NEAR(res.report.summary.scar_area_px * s * s, cv::countNonZero(res.work_mask), 1e-6);
  // Within 2 % of the scars' areas (a dot's area is its sub-pixel segmented area; the mask, its
  // pixels): the 2 px rim the quality gate once added in place made it 64 % more.
  double scars = 0.0;
  for (const FueScar& d : res.report.fue) scars += d.area_px;
  for (const FutScar& b : res.report.fut) scars += b.area_px;
  EXPECT_NEAR(res.report.summary.scar_area_px, scars, 0.02 * scars);
}

TEST(AnalyzeImage, WithoutScaleEveryMmFieldIsNullAndSaysSo) {
  PipelineOptions o;
  const AnalysisResult res =
      AnalyzeImage(o, testing::SkinWithDot({480, 360}, {100, 80}, 6), "skin.png");
  ASSERT_TRUE(res.report.status.ok());
  EXPECT_EQ(res.report.calibration.source, CalibrationSource::kNone);
  EXPECT_FALSE(res.report.calibration.px_per_mm.has_value());
  EXPECT_FALSE(res.report.scalp.area_mm2.has_value());
  EXPECT_FALSE(res.report.follicles.density_per_cm2.has_value());
  EXPECT_FALSE(res.report.summary.fut_total_length_mm.has_value());
  EXPECT_FALSE(res.report.smp_plan.treatment_area_mm2.has_value());
  for (const auto& d : res.report.fue) EXPECT_FALSE(d.diameter_mm.has_value());
  ASSERT_FALSE(res.report.warnings.empty());
  EXPECT_NE(res.report.warnings[0].find("no physical scale"), std::string::npos);
  EXPECT_GT(res.report.scalp.area_px, 0.0);
}

TEST(AnalyzeImage, LowDpiIsIgnoredHighDpiIsUsed) {
  PipelineOptions o;
  const cv::Mat img = testing::SkinWithDot({300, 200}, {50, 50}, 5);
  EXPECT_EQ(AnalyzeImage(o, img, "a", 72.0).report.calibration.source, CalibrationSource::kNone);
  const Report r = AnalyzeImage(o, img, "a", 600.0).report;
  EXPECT_EQ(r.calibration.source, CalibrationSource::kDpi);
  EXPECT_NEAR(*r.calibration.px_per_mm, 600.0 / 25.4, 1e-9);
}

// A scale that makes the frame smaller than a scar (a garbage resolution tag: fuzz/regressions/
// bmp_resolution_4e6_px_per_mm.bmp asked for a 5.6 GB structuring element) is too_small, with
// the scale and its source in the message; a mask of the photo's size is still written.
TEST(AnalyzeImage, AScaleThatLeavesNoFieldIsTooSmall) {
  PipelineOptions o;
  o.min_meaningful_dpi = 1.0;
  o.want_mask = true;
  const cv::Mat img = testing::SkinWithDot({300, 200}, {50, 50}, 5);  // 200 px = 4 mm at 50/mm
  const AnalysisResult res = AnalyzeImage(o, img, "a", 1.1e8);
  EXPECT_EQ(res.report.status.code, StatusCode::kTooSmall);
  EXPECT_NE(res.report.status.message.find("dpi"), std::string::npos) << res.report.status.message;
  EXPECT_EQ(FullSizeMask(res).size(), img.size());
  o.px_per_mm = 50.0;
  EXPECT_EQ(AnalyzeImage(o, img, "a").report.status.code, StatusCode::kTooSmall);
  o.px_per_mm = 30.0;  // 6.7 mm across
  EXPECT_NE(AnalyzeImage(o, img, "a").report.status.code, StatusCode::kTooSmall);
}

TEST(AnalyzeImage, LargePhotoIsAnalysedAtWorkingScaleAndMappedBack) {
  PipelineOptions o;
  o.px_per_mm = 36.0;  // 3x the working resolution
  o.want_mask = true;
  const cv::Mat img = testing::SkinWithDot({1800, 1200}, {300, 240}, 18);
  const AnalysisResult res = AnalyzeImage(o, img, "big.png");
  ASSERT_TRUE(res.report.status.ok());
  EXPECT_NEAR(res.report.processing.working_scale, 1.0 / 3.0, 1e-3);
  EXPECT_NEAR(res.report.processing.working_px_per_mm, 12.0, 0.05);
  EXPECT_EQ(res.work_mask.size(), cv::Size(600, 400));
  EXPECT_EQ(FullSizeMask(res).size(), img.size());
  EXPECT_NEAR(res.report.scalp.area_px, 1800.0 * 1200.0, 0.01 * 1800.0 * 1200.0);
}

TEST(AnalyzeImage, UnreadableFileIsAStatusNotAnException) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "x.jpg", "nope");
  const AnalysisResult res = AnalyzeImage(PipelineOptions{}, dir / "x.jpg");
  EXPECT_EQ(res.report.status.code, StatusCode::kUnreadable);
  EXPECT_EQ(res.report.image.path, (dir / "x.jpg").string());
  EXPECT_FALSE(res.report.image.sha256.empty());
}

TEST(PipelineOptions, CheckNamesTheBadField) {
  PipelineOptions o;
  o.px_per_mm = -1.0;
  try {
    o.Check();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("px_per_mm"), std::string::npos);
  }
}

}  // namespace
}  // namespace scarmap
