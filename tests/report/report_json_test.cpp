#include "scarmap/report/report_json.hpp"

#include <cmath>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/images.hpp"

namespace scarmap {
namespace {

Report FullReport() {
  Report r;
  r.tool_version = "9.9.9";
  r.image = {"in/a b.jpg", 4000, 3000, std::string(64, 'a'), "jpeg"};
  r.calibration.px_per_mm = 12.5;
  r.calibration.source = CalibrationSource::kMarker;
  r.calibration.uncertainty_rel = 0.004;
  r.calibration.marker_corners_px = {{500.5, 40.25}, {620, 44}, {616, 164}, {496, 160}};
  r.calibration.color.source = ColorSource::kColorChecker;
  r.calibration.color.matrix = {1.1, -0.05, 0.0, 0.02, 0.98, 0.01, 0.0, 0.03, 1.3};
  r.calibration.color.input_gamma = 2.2;
  r.calibration.color.samples = 22;
  r.calibration.color.residual_delta_e = 1.25;
  r.calibration.color.chart_corners_px = {{10, 10}, {100, 10}, {100, 70}, {10, 70}};
  r.scalp.area_mm2 = 5000;
  r.scalp.area_px = 781250;
  r.scalp.skin_lab = {65, 10, 18};
  r.scalp.ita_deg = 39.8;
  r.scalp.ita_class = "intermediate";
  r.follicles = {6000, 120.0, 7680.0};
  FutScar f;
  f.id = 1;
  f.centerline_px = {{10, 20}, {30.5, 21.25}};
  f.contour_px = {{10, 18}, {30, 18}, {30, 24}, {10, 24}};
  f.length_px = 20.5;
  f.length_mm = 1.64;
  f.area_px = 120;
  f.area_mm2 = 0.77;
  f.width_px = {6, 6, 5, 7};
  f.width_mm = WidthStats{0.48, 0.48, 0.4, 0.56};
  f.width_profile_mm = {0.4, 0.5, 0.56};
  f.contrast = {8.5, 6.1, {73.5, 9, 15}, {65, 10, 18}};
  f.confidence = 0.9;
  f.touches_border = true;
  r.fut.push_back(f);
  FueScar d;
  d.id = 2;
  d.center_px = {100.25, 200.75};
  d.diameter_px = 12.5;
  d.diameter_mm = 1.0;
  d.area_px = 122.7;
  d.area_mm2 = 0.785;
  d.contrast = {10, 7, {75, 9, 16}, {65, 10, 18}};
  d.confidence = 0.8;
  d.cluster_id = 1;
  r.fue.push_back(d);
  r.fue_clusters.push_back({1, {100, 200}, 300, 1.9, {2}});
  r.summary = {1, 1.64, 1, 0.02, 1.55, 20.5, 242.7};
  r.smp_plan.planned = true;
  r.smp_plan.treatment_area_mm2 = 300;
  r.smp_plan.impressions = std::array<double, 2>{300, 420};
  r.smp_plan.sessions = {2, 3};
  r.smp_plan.most_visible = {2, 1};
  SmpScarPlan sp;
  sp.scar_id = 1;
  sp.treatment_area_mm2 = 200;
  sp.treatment_polygon_px = {{0, 0}, {5, 0}, {5, 5}};
  sp.impressions = std::array<double, 2>{200, 260};
  sp.density_source = "ring";
  r.smp_plan.scars.push_back(sp);
  SmpRegion reg;
  reg.id = 1;
  reg.scar_ids = {1, 2};
  reg.area_mm2 = 300;
  reg.polygon_px = {{0, 0}, {5, 0}, {5, 5}};
  r.smp_plan.regions.push_back(reg);
  r.warnings = {"FUT scar 1 runs out of the frame"};
  PhotoQuality q;
  q.blur_sigma_px = 0.75;
  q.blur_sigma_mm = 0.0625;
  q.overexposed_fraction = 0.01;
  q.glare_fraction = 0.0625;
  q.hair_cover_fraction = 0.25;
  q.scalp_fraction = 0.875;
  q.scalp_area_cm2 = 50.0;
  q.native_px_per_mm = 12.5;
  q.issues.push_back({"glare", true, 0.0625, 0.05, "specular glare on 6 % of the bare scalp"});
  r.quality = q;
  return r;
}

TEST(ReportJson, RoundTripsEveryField) {
  const Report a = FullReport();
  const std::string text = ReportToJson(a);
  const Report b = ReportFromJson(text);
  EXPECT_EQ(ReportToJson(b), text);
  ASSERT_EQ(b.fut.size(), 1u);
  ASSERT_EQ(b.fue.size(), 1u);
  EXPECT_DOUBLE_EQ(b.fue[0].center_px.y, 200.75);
  EXPECT_EQ(b.calibration.source, CalibrationSource::kMarker);
  EXPECT_EQ(b.fue[0].cluster_id, 1);
  EXPECT_TRUE(b.fut[0].touches_border);
  EXPECT_EQ(b.calibration.color.source, ColorSource::kColorChecker);
  EXPECT_DOUBLE_EQ(b.calibration.color.matrix(2, 2), 1.3);
  ASSERT_EQ(b.calibration.marker_corners_px.size(), 4u);
  EXPECT_DOUBLE_EQ(b.calibration.marker_corners_px[0].y, 40.25);
  ASSERT_TRUE(b.quality.has_value());
  ASSERT_EQ(b.quality->issues.size(), 1u);
  EXPECT_TRUE(b.quality->issues[0].poor);
  EXPECT_TRUE(b.quality->poor());
}

TEST(ReportJson, UsesTheContractNames) {
  const nlohmann::json j = nlohmann::json::parse(ReportToJson(FullReport()));
  EXPECT_EQ(j["schema"], "scarmap.report/1");
  EXPECT_EQ(j["tool"]["name"], "scarmap");
  EXPECT_EQ(j["status"]["code"], "ok");
  EXPECT_EQ(j["calibration"]["source"], "marker");
  EXPECT_EQ(j["scars"][0]["type"], "fut_linear");
  EXPECT_EQ(j["scars"][1]["type"], "fue_dot");
  EXPECT_EQ(j["scars"][0]["width_mm"]["median"], 0.48);
  EXPECT_EQ(j["scars"][1]["center_px"][0], 100.25);
  EXPECT_EQ(j["scars"][1]["contrast"]["delta_E2000"], 7.0);
  EXPECT_EQ(j["summary"]["fue_count"], 1);
  EXPECT_TRUE(j["follicles"].contains("density_per_cm2"));
  EXPECT_EQ(j["calibration"]["color_source"], "colorchecker");
  EXPECT_EQ(j["calibration"]["color_correction"]["matrix"][0][1], -0.05);
  EXPECT_TRUE(j["calibration"]["color_correction"]["white_gains"].is_null());
  EXPECT_EQ(j["quality"]["issues"][0]["severity"], "poor");
  EXPECT_EQ(j["quality"]["poor"], true);
}

TEST(ReportJson, MissingScaleWritesNullsAndNonFiniteIsNull) {
  Report r = FullReport();
  r.calibration = {};
  r.scalp.area_mm2.reset();
  r.fut[0].length_mm.reset();
  r.fut[0].width_mm.reset();
  r.fue[0].diameter_mm.reset();
  r.summary.fut_total_length_mm.reset();
  r.fue[0].confidence = NAN;
  const nlohmann::json j = nlohmann::json::parse(ReportToJson(r));
  EXPECT_TRUE(j["calibration"]["px_per_mm"].is_null());
  EXPECT_EQ(j["calibration"]["source"], "none");
  EXPECT_TRUE(j["scalp"]["area_mm2"].is_null());
  EXPECT_TRUE(j["scars"][0]["length_mm"].is_null());
  EXPECT_TRUE(j["scars"][0]["width_mm"].is_null());
  EXPECT_TRUE(j["scars"][1]["diameter_mm"].is_null());
  EXPECT_TRUE(j["scars"][1]["confidence"].is_null());
  EXPECT_FALSE(j["scars"][1]["diameter_px"].is_null());
}

TEST(ReportJson, RejectsWhatIsNotAReport) {
  EXPECT_THROW(ReportFromJson("{"), Error);
  EXPECT_THROW(ReportFromJson("[]"), Error);
  EXPECT_THROW(ReportFromJson(R"({"schema": "other/1"})"), Error);
  EXPECT_THROW(ReportFromJson(R"({"schema": "scarmap.report/1", "tool": {}, "image": {},
      "status": {"code": "bogus"}})"), Error);
}

TEST(ReportJson, ValidatesAgainstTheJsonSchema) {
  testing::TempDir dir;
  Report error_report;
  error_report.image.path = "x.jpg";
  error_report.status = {StatusCode::kUnreadable, "empty file"};
  testing::WriteBytes(dir / "full.json", ReportToJson(FullReport()));
  testing::WriteBytes(dir / "error.json", ReportToJson(error_report));
  Report none = FullReport();
  none.calibration = {};
  none.fut[0].length_mm.reset();
  none.fut[0].width_mm.reset();
  testing::WriteBytes(dir / "noscale.json", ReportToJson(none));
  Report white = FullReport();
  white.calibration.color = {};
  white.calibration.color.source = ColorSource::kMarkerWhite;
  white.calibration.color.white_gains = {0.9, 1.0, 1.3};
  white.calibration.color.matrix = cv::Matx33d::diag({0.9, 1.0, 1.3});
  white.calibration.color.samples = 400;
  white.quality.reset();
  testing::WriteBytes(dir / "white.json", ReportToJson(white));
  EXPECT_EQ(ReportToJson(ReportFromJson(ReportToJson(white))), ReportToJson(white));
  nlohmann::json broken = nlohmann::json::parse(ReportToJson(FullReport()));
  broken.erase("status");
  testing::WriteBytes(dir / "bad1.json", broken.dump());
  broken = nlohmann::json::parse(ReportToJson(FullReport()));
  broken["scars"][0]["type"] = "keloid";
  testing::WriteBytes(dir / "bad2.json", broken.dump());
  broken = nlohmann::json::parse(ReportToJson(FullReport()));
  broken["calibration"]["color_source"] = "grey_world";
  testing::WriteBytes(dir / "bad3.json", broken.dump());
  broken = nlohmann::json::parse(ReportToJson(FullReport()));
  broken["quality"]["issues"][0]["severity"] = "awful";
  testing::WriteBytes(dir / "bad4.json", broken.dump());

  const std::string py = "/usr/bin/python3 " SCARMAP_SOURCE_DIR "/tests/report/validate_schema.py " SCARMAP_SOURCE_DIR "/schemas/scarmap.report.v1.json ";
  const std::string d = dir.path().string();
  EXPECT_EQ(std::system((py + "--documented " + d + "/full.json " + d + "/error.json " + d +
                         "/noscale.json " + d + "/white.json")
                            .c_str()),
            0);
  EXPECT_EQ(std::system((py + "--expect-invalid " + d + "/bad1.json " + d + "/bad2.json " + d +
                         "/bad3.json " + d + "/bad4.json")
                            .c_str()),
            0);
}

}  // namespace
}  // namespace scarmap
