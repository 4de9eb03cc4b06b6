#include "scarmap/scarmap.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/report/report_json.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

TEST(Analyze, DefaultsAreThePipelineDefaults) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "a.png",
                      testing::Encode(testing::SkinWithDot({320, 240}, {60, 60}, 6), ".png"));
  const std::string facade = ToJson(Analyze(dir / "a.png"));
  const std::string pipeline = ReportToJson(AnalyzeImage(PipelineOptions{}, dir / "a.png").report);
  EXPECT_EQ(facade, pipeline);
}

TEST(Analyze, OptionsReachThePipeline) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "a.png",
                      testing::Encode(testing::SkinWithDot({320, 240}, {60, 60}, 6), ".png"));
  AnalysisOptions o;
  o.px_per_mm = 12.0;
  o.margin_mm = 8.0;
  o.use_marker = false;
  const Report r = Analyze(dir / "a.png", o);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  PipelineOptions p;
  p.px_per_mm = 12.0;
  p.smp.margin_mm = 8.0;
  p.use_marker = false;
  EXPECT_EQ(ToJson(r), ReportToJson(AnalyzeImage(p, dir / "a.png").report));
  EXPECT_EQ(r.calibration.source, CalibrationSource::kCli);
  EXPECT_EQ(r.tool_version, kVersion);
  EXPECT_EQ(r.image.format, "png");

  o.max_megapixels = 0.05;  // 320 x 240 = 0.077 MP
  EXPECT_EQ(Analyze(dir / "a.png", o).status.code, StatusCode::kTooLarge);
}

TEST(Analyze, MatOverloadTakesGreyBgrAndBgra) {
  const cv::Mat bgr = testing::SkinWithDot({320, 240}, {60, 60}, 6);
  AnalysisOptions o;
  o.px_per_mm = 12.0;
  const Report r = Analyze(bgr, o, "mem.png");
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  EXPECT_EQ(r.image.path, "mem.png");
  EXPECT_EQ(r.image.width, 320);
  EXPECT_EQ(r.image.height, 240);
  cv::Mat bgra, grey;
  cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
  EXPECT_EQ(ToJson(Analyze(bgra, o, "mem.png")), ToJson(r));
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  EXPECT_TRUE(Analyze(grey, o, "grey.png").status.ok());
}

TEST(Analyze, PhotoProblemsAreStatusesBadInputsThrow) {
  testing::TempDir dir;
  const Report missing = Analyze(dir / "missing.jpg");
  EXPECT_EQ(missing.status.code, StatusCode::kUnreadable);
  EXPECT_EQ(missing.image.path, (dir / "missing.jpg").string());
  const auto j = nlohmann::json::parse(ToJson(missing, -1));
  EXPECT_EQ(j["status"]["code"], "unreadable");
  EXPECT_EQ(j["tool"]["version"], kVersion);

  EXPECT_THROW(Analyze(cv::Mat()), Error);
  EXPECT_THROW(Analyze(cv::Mat(10, 10, CV_16UC3, cv::Scalar::all(0))), Error);
  EXPECT_THROW(Analyze(cv::Mat(10, 10, CV_8UC2, cv::Scalar::all(0))), Error);
  AnalysisOptions bad;
  bad.margin_mm = -1.0;
  EXPECT_THROW(bad.Check(), Error);
  EXPECT_THROW(Analyze(dir / "missing.jpg", bad), Error);
  bad = {};
  bad.px_per_mm = 0.0;
  EXPECT_THROW(Analyze(dir / "missing.jpg", bad), Error);
  bad = {};
  bad.marker_dictionary = "DICT_NOPE";
  EXPECT_THROW(bad.Check(), Error);
  EXPECT_NO_THROW(AnalysisOptions{}.Check());
}

}  // namespace
}  // namespace scarmap
