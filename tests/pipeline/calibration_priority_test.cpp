// Calibration priority end to end: --px-per-mm > marker > meaningful DPI > none.
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "scarmap/calibration/marker.hpp"
#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/synth/scalp_synth.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

SynthImage MarkerPhoto(double ppm = 14.0, double fue = 0.0, double tilt_deg = -1.0,
                       std::uint64_t seed = 5) {
  SynthOptions o;
  o.width = 1400;
  o.height = 1050;
  o.min_px_per_mm = o.max_px_per_mm = ppm;
  o.marker_probability = 1.0;
  o.marker_tilt_deg = tilt_deg;
  o.fut_probability = 0.0;
  o.fue_probability = fue;
  o.background_probability = 0.0;
  return RenderScalp(o, seed);
}

bool HasWarning(const Report& r, const std::string& text) {
  for (const auto& w : r.warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

TEST(Calibration, MarkerGivesTheScaleWithinOnePercent) {
  const SynthImage s = MarkerPhoto();
  ASSERT_TRUE(s.truth.marker.present);
  const Report r = AnalyzeImage(PipelineOptions{}, s.bgr, "m.jpg", 600.0).report;
  EXPECT_EQ(r.calibration.source, CalibrationSource::kMarker);  // marker beats DPI
  ASSERT_TRUE(r.calibration.px_per_mm.has_value());
  EXPECT_NEAR(*r.calibration.px_per_mm, 14.0, 0.14);
  ASSERT_TRUE(r.calibration.uncertainty_rel.has_value());
  EXPECT_LT(*r.calibration.uncertainty_rel, 0.05);
}

TEST(Calibration, FlagWinsAndADisagreeingMarkerIsWarned) {
  const SynthImage s = MarkerPhoto();
  PipelineOptions o;
  o.px_per_mm = 16.0;  // 14 % off the marker
  const Report r = AnalyzeImage(o, s.bgr, "m.jpg").report;
  EXPECT_EQ(r.calibration.source, CalibrationSource::kCli);
  EXPECT_DOUBLE_EQ(*r.calibration.px_per_mm, 16.0);
  EXPECT_TRUE(HasWarning(r, "disagree"));
  o.px_per_mm = 14.1;  // within 5 %: no warning
  EXPECT_FALSE(HasWarning(AnalyzeImage(o, s.bgr, "m.jpg").report, "disagree"));
}

TEST(Calibration, MarkerCardIsNotScalp) {
  const SynthImage s = MarkerPhoto();
  const Report with = AnalyzeImage(PipelineOptions{}, s.bgr, "m.jpg").report;
  const double card_mm2 = cv::countNonZero(s.labels == 3) / (14.0 * 14.0);
  ASSERT_GT(card_mm2, 100.0);
  EXPECT_NEAR(*with.scalp.area_mm2, s.truth.scalp_area_mm2, 0.5 * card_mm2);
}

TEST(Calibration, StronglyTiltedMarkerIsWarned) {
  const SynthImage flat = MarkerPhoto(14.0, 0.0, 0.0);
  const SynthImage tilted = MarkerPhoto(14.0, 0.0, 45.0);
  const Report rf = AnalyzeImage(PipelineOptions{}, flat.bgr, "m.jpg").report;
  const Report rt = AnalyzeImage(PipelineOptions{}, tilted.bgr, "m.jpg").report;
  ASSERT_EQ(rt.calibration.source, CalibrationSource::kMarker);
  EXPECT_FALSE(HasWarning(rf, "tilted"));
  EXPECT_TRUE(HasWarning(rt, "tilted by about 4"));  // 45 deg, within the detector's few degrees
  // Still measured along its unforeshortened side.
  EXPECT_NEAR(*rt.calibration.px_per_mm, 14.0, 0.02 * 14.0);
  // The tilt widens the uncertainty (opposite sides differ under perspective only slightly,
  // but more than on the flat card).
  EXPECT_GE(*rt.calibration.uncertainty_rel, *rf.calibration.uncertainty_rel);
}

TEST(Calibration, MarkerFarFromTheScarsIsWarned) {
  // 1400 x 1050 px at 8 px/mm is 175 x 131 mm: the marker card sits near a corner, the FUE dots
  // all over the frame, so their centre is 50-90 mm from the marker.
  const Report far = AnalyzeImage(PipelineOptions{}, MarkerPhoto(8.0, 1.0).bgr, "m.jpg").report;
  ASSERT_EQ(far.calibration.source, CalibrationSource::kMarker);
  ASSERT_FALSE(far.fue.empty());
  EXPECT_TRUE(HasWarning(far, "from the centre of the scars"));
  // At 25 px/mm the frame is 56 x 42 mm: the marker cannot be 40 mm from the scars.
  const Report near = AnalyzeImage(PipelineOptions{}, MarkerPhoto(25.0, 1.0).bgr, "m.jpg").report;
  ASSERT_EQ(near.calibration.source, CalibrationSource::kMarker);
  ASSERT_FALSE(near.fue.empty());
  EXPECT_FALSE(HasWarning(near, "from the centre of the scars"));
  // The bound is an option (mm).
  PipelineOptions o;
  o.marker.far_warn_mm = 5.0;
  EXPECT_TRUE(HasWarning(AnalyzeImage(o, MarkerPhoto(25.0, 1.0).bgr, "m.jpg").report,
                         "more than 5 mm"));
}

TEST(Calibration, TiffResolutionTagFeedsTheDpiScale) {
  SynthOptions so;
  so.width = 800;
  so.height = 600;
  so.min_px_per_mm = so.max_px_per_mm = 600 / 25.4;
  so.marker_probability = 0.0;
  const SynthImage s = RenderScalp(so, 4);
  testing::TempDir dir;
  const auto path = dir / "scan.tif";
  ASSERT_TRUE(cv::imwrite(path.string(), s.bgr,
                          {cv::IMWRITE_TIFF_RESUNIT, 2, cv::IMWRITE_TIFF_XDPI, 600,
                           cv::IMWRITE_TIFF_YDPI, 600}));
  const Report r = AnalyzeImage(PipelineOptions{}, path).report;
  EXPECT_EQ(r.image.format, "tiff");
  EXPECT_EQ(r.calibration.source, CalibrationSource::kDpi);
  ASSERT_TRUE(r.calibration.px_per_mm.has_value());
  EXPECT_NEAR(*r.calibration.px_per_mm, 600 / 25.4, 1e-9);
  EXPECT_TRUE(HasWarning(r, "resolution tag (600 dpi)"));
  // 300 dpi is below the meaningful minimum (400): no scale.
  const auto low = dir / "low.tif";
  ASSERT_TRUE(cv::imwrite(low.string(), s.bgr,
                          {cv::IMWRITE_TIFF_RESUNIT, 2, cv::IMWRITE_TIFF_XDPI, 300,
                           cv::IMWRITE_TIFF_YDPI, 300}));
  EXPECT_EQ(AnalyzeImage(PipelineOptions{}, low).report.calibration.source, CalibrationSource::kNone);
}

TEST(Calibration, NoMarkerNoFlagLowDpiMeansNoScale) {
  SynthOptions o;
  o.width = 600;
  o.height = 450;
  o.marker_probability = 0.0;
  const SynthImage s = RenderScalp(o, 9);
  const Report r = AnalyzeImage(PipelineOptions{}, s.bgr, "x.jpg", 72.0).report;
  EXPECT_EQ(r.calibration.source, CalibrationSource::kNone);
}

}  // namespace
}  // namespace scarmap
