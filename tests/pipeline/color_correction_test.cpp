// Colour normalisation end to end: ColorChecker > marker white > none, applied where colour is
// measured (skin Lab, ITA, contrast), never to detection.
#include <gtest/gtest.h>

#include "scarmap/measure/color_difference.hpp"
#include "scarmap/pipeline/analyze.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

using testing::ColorPhoto;

constexpr auto kCast = testing::kWarmCast;
constexpr double kY = testing::kWarmCastLuminance;

PipelineOptions NoColour() {
  PipelineOptions o;
  o.color.use_colorchecker = false;
  o.color.use_marker_white = false;
  return o;
}

double SkinDeltaE(const Report& r, const std::array<double, 3>& lab) {
  return DeltaE2000({r.scalp.skin_lab[0], r.scalp.skin_lab[1], r.scalp.skin_lab[2]},
                    {lab[0], lab[1], lab[2]});
}

TEST(ColorCorrection, ColorCheckerRemovesTheCastFromTheSkinColour) {
  const SynthImage cast = ColorPhoto(true, false, kCast);
  const SynthImage plain = ColorPhoto(true, false, {1.0, 1.0, 1.0});  // the same photo, no cast
  const Report r = AnalyzeImage(PipelineOptions{}, cast.bgr, "chart.png").report;
  ASSERT_EQ(r.status.code, StatusCode::kOk) << r.status.message;
  ASSERT_EQ(r.calibration.color.source, ColorSource::kColorChecker);
  EXPECT_GT(r.calibration.color.samples, 12);
  const Report r_plain = AnalyzeImage(PipelineOptions{}, plain.bgr, "chart.png").report;
  ASSERT_EQ(r_plain.calibration.color.source, ColorSource::kColorChecker);
  const Report raw = AnalyzeImage(NoColour(), cast.bgr, "chart.png").report;
  const Report truth = AnalyzeImage(NoColour(), plain.bgr, "chart.png").report;
  EXPECT_EQ(raw.calibration.color.source, ColorSource::kNone);
  // The cast matters uncorrected; corrected, the skin no longer depends on the light's colour.
  EXPECT_GT(SkinDeltaE(raw, truth.scalp.skin_lab), 3.0);
  EXPECT_LT(SkinDeltaE(r, r_plain.scalp.skin_lab), 1.5);
  // And it is close to the skin of the cast-free photo: within the 2-3 units by which X-Rite's
  // published sRGB patch values (drawn by the generator) and cv::ccm's measured reference
  // disagree on skin tones.
  EXPECT_LT(SkinDeltaE(r, truth.scalp.skin_lab), 4.0);
  EXPECT_NEAR(r.scalp.skin_lab[2], truth.scalp.skin_lab[2], 3.0);  // b*: the cast's main effect
  EXPECT_NEAR(r.scalp.ita_deg, truth.scalp.ita_deg, 6.0);
  // The chart is not scalp.
  EXPECT_LT(r.scalp.area_px, raw.scalp.area_px - 0.5 * cast.truth.width * cast.truth.height * 0.05);
}

TEST(ColorCorrection, MarkerWhiteRemovesTheCastWithinATolerance) {
  const SynthImage cast = ColorPhoto(false, true, kCast);
  // The same photo under the same amount of light without its colour: white-patch gains keep the
  // white's luminance, so this is what the correction must give.
  const SynthImage neutral = ColorPhoto(false, true, {kY, kY, kY});
  const Report r = AnalyzeImage(PipelineOptions{}, cast.bgr, "m.png").report;
  const Report ref = AnalyzeImage(NoColour(), neutral.bgr, "m.png").report;
  const Report raw = AnalyzeImage(NoColour(), cast.bgr, "m.png").report;
  ASSERT_EQ(r.status.code, StatusCode::kOk) << r.status.message;
  ASSERT_EQ(r.calibration.color.source, ColorSource::kMarkerWhite);
  EXPECT_EQ(r.calibration.source, CalibrationSource::kMarker);
  // Uncorrected, the cast moves the skin by several units; corrected, within 1.5 of the
  // colourless photo.
  EXPECT_GT(SkinDeltaE(raw, ref.scalp.skin_lab), 2.5);
  EXPECT_LT(SkinDeltaE(r, ref.scalp.skin_lab), 1.5);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(r.scalp.skin_lab[k], ref.scalp.skin_lab[k], 1.5) << k;
  // Scar contrast colours are measured on the corrected image too.
  ASSERT_FALSE(r.fue.empty());
  EXPECT_NEAR(r.fue[0].contrast.skin_lab[2], ref.fue[0].contrast.skin_lab[2], 2.0);
  // Detection saw the photo as it is: the same dots with or without the correction.
  ASSERT_EQ(r.fue.size(), raw.fue.size());
  for (size_t i = 0; i < r.fue.size(); ++i) {
    EXPECT_EQ(r.fue[i].center_px, raw.fue[i].center_px);
    EXPECT_EQ(r.fue[i].area_px, raw.fue[i].area_px);
  }
}

TEST(ColorCorrection, NoReferenceLeavesTheColoursUnchanged) {
  const SynthImage s = ColorPhoto(false, false, kCast);
  const Report r = AnalyzeImage(PipelineOptions{}, s.bgr, "x.png").report;
  const Report raw = AnalyzeImage(NoColour(), s.bgr, "x.png").report;
  EXPECT_EQ(r.calibration.color.source, ColorSource::kNone);
  EXPECT_EQ(r.scalp.skin_lab, raw.scalp.skin_lab);
  EXPECT_EQ(r.scalp.ita_deg, raw.scalp.ita_deg);
  ASSERT_EQ(r.fue.size(), raw.fue.size());
  for (size_t i = 0; i < r.fue.size(); ++i)
    EXPECT_EQ(r.fue[i].contrast.delta_E2000, raw.fue[i].contrast.delta_E2000);
}

}  // namespace
}  // namespace scarmap
