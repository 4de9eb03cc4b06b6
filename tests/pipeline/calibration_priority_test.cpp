// Calibration priority end to end: --px-per-mm > marker > meaningful DPI > none.
#include <gtest/gtest.h>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace scarmap {
namespace {

SynthImage MarkerPhoto() {
  SynthOptions o;
  o.width = 1400;
  o.height = 1050;
  o.min_px_per_mm = o.max_px_per_mm = 14.0;
  o.marker_probability = 1.0;
  o.fut_probability = o.fue_probability = 0.0;
  o.background_probability = 0.0;
  return RenderScalp(o, 5);
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
