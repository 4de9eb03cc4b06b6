#include "scarmap/smp/planner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

// A 10 px/mm working image, all scalp, mid-tone skin.
WorkingImage MakeImage(int w, int h, bool scale_known = true) {
  WorkingImage img;
  img.bgr = cv::Mat(h, w, CV_8UC3, cv::Scalar(150, 170, 200));
  testing::FillLab(&img, {w, h}, cv::Scalar(70, 10, 18));
  img.scalp_mask = cv::Mat(h, w, CV_8U, cv::Scalar(255));
  img.px_per_mm = 10.0;
  img.scale = 0.5;  // original image is twice as large
  img.scale_known = scale_known;
  return img;
}

// Hair exits on a regular grid: `pitch_px` apart -> 1e4 / (pitch_mm^2) per cm^2.
Follicles GridExits(int w, int h, int pitch_px) {
  Follicles f;
  for (int y = pitch_px / 2; y < h; y += pitch_px)
    for (int x = pitch_px / 2; x < w; x += pitch_px) f.exits_px.emplace_back(x, y);
  f.hair_mask = cv::Mat::zeros(h, w, CV_8U);
  return f;
}

// Labels image of w x h with one scar (label 1) filling `band`.
cv::Mat OneBand(int w, int h, cv::Rect band) {
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  cv::rectangle(labels, band, cv::Scalar(1), cv::FILLED);
  return labels;
}

SmpScarInput Band(int id, int label, double width_mm) {
  SmpScarInput s;
  s.id = id;
  s.label = label;
  s.fut = true;
  s.width_mm = width_mm;
  s.contrast.delta_E2000 = 6.0;
  s.contrast.scar_lab = {80, 10, 15};
  s.contrast.skin_lab = {70, 10, 18};
  return s;
}

TEST(PlanSmp, RectangleAreaDensityAndImpressions) {
  const int w = 800, h = 400;
  WorkingImage img = MakeImage(w, h);
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  // 40 mm x 4 mm band.
  cv::rectangle(labels, cv::Rect(200, 180, 400, 40), cv::Scalar(1), cv::FILLED);
  Follicles f = GridExits(w, h, 10);  // 1 mm pitch -> 100 per cm^2
  SmpContext ctx;
  ctx.skin_lab = {70, 10, 18};
  SmpOptions opt;  // 5 mm margin
  const SmpPlan plan = PlanSmp(opt, img, f, labels, {Band(1, 1, 4.0)}, ctx);

  // Rectangle dilated by a disc: w*h + 2m(w+h) + pi m^2 = 160 + 440 + 78.5 mm^2.
  const double expected = 160.0 + 2 * 5.0 * 44.0 + CV_PI * 25.0;
  ASSERT_TRUE(plan.treatment_area_mm2.has_value());
  EXPECT_NEAR(*plan.treatment_area_mm2, expected, 0.02 * expected);
  ASSERT_EQ(plan.scars.size(), 1u);
  EXPECT_NEAR(*plan.scars[0].treatment_area_mm2, expected, 0.02 * expected);
  EXPECT_EQ(plan.scars[0].density_source, "ring");
  EXPECT_NEAR(*plan.scars[0].target_density_per_cm2, 100.0, 8.0);
  ASSERT_TRUE(plan.impressions.has_value());
  const double mid = expected / 100.0 * 100.0;
  EXPECT_LT((*plan.impressions)[0], mid);
  EXPECT_GT((*plan.impressions)[1], mid);
  EXPECT_LE((*plan.impressions)[1] - (*plan.impressions)[0], 0.5 * mid);
  EXPECT_TRUE(plan.planned);
  EXPECT_EQ(plan.sessions[0], 2);
  EXPECT_EQ(plan.sessions[1], 3);
  ASSERT_EQ(plan.regions.size(), 1u);
  EXPECT_EQ(plan.regions[0].scar_ids, std::vector<int>{1});
  // Polygons are in original pixels (working scale 0.5): the band's left end is near x=400.
  double min_x = 1e9;
  for (const auto& p : plan.regions[0].polygon_px) min_x = std::min(min_x, p.x);
  EXPECT_NEAR(min_x, (200 - 50 + 0.5) / 0.5 - 0.5, 4.0);
}

TEST(PlanSmp, OverlappingMarginsMergeIntoOneRegion) {
  const int w = 600, h = 300;
  WorkingImage img = MakeImage(w, h);
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  cv::circle(labels, {200, 150}, 5, cv::Scalar(1), cv::FILLED);
  cv::circle(labels, {260, 150}, 5, cv::Scalar(2), cv::FILLED);  // 6 mm apart: margins overlap
  cv::circle(labels, {500, 150}, 5, cv::Scalar(3), cv::FILLED);  // far away
  SmpScarInput a = Band(1, 1, 1.0), b = Band(2, 2, 1.0), c = Band(3, 3, 1.0);
  a.fut = b.fut = c.fut = false;
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {a, b, c}, {});
  ASSERT_EQ(plan.regions.size(), 2u);
  EXPECT_EQ(plan.regions[0].scar_ids, (std::vector<int>{1, 2}));
  EXPECT_EQ(plan.regions[1].scar_ids, std::vector<int>{3});
}

TEST(PlanSmp, RedScarIsReferredNotPlanned) {
  const int w = 400, h = 300;
  WorkingImage img = MakeImage(w, h);
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  cv::rectangle(labels, cv::Rect(50, 140, 300, 30), cv::Scalar(1), cv::FILLED);
  SmpScarInput s = Band(1, 1, 3.0);
  s.contrast.scar_lab = {65, 22, 15};  // a* 12 above the skin
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {s}, {});
  EXPECT_FALSE(plan.planned);
  ASSERT_FALSE(plan.referral_reasons.empty());
  EXPECT_NE(plan.referral_reasons[0].find("red/pink"), std::string::npos);
  EXPECT_FALSE(plan.impressions.has_value());
}

TEST(PlanSmp, ShinyScarIsReferred) {
  const int w = 400, h = 300;
  WorkingImage img = MakeImage(w, h);
  cv::rectangle(img.bgr, cv::Rect(100, 140, 100, 30), cv::Scalar(255, 255, 255), cv::FILLED);
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  cv::rectangle(labels, cv::Rect(50, 140, 300, 30), cv::Scalar(1), cv::FILLED);
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {Band(1, 1, 3.0)}, {});
  EXPECT_FALSE(plan.planned);
  ASSERT_EQ(plan.referral_reasons.size(), 1u);
  EXPECT_NE(plan.referral_reasons[0].find("shine"), std::string::npos);
}

TEST(PlanSmp, NoScaleGivesNoFiguresButRanksVisibility) {
  const int w = 400, h = 300;
  WorkingImage img = MakeImage(w, h, /*scale_known=*/false);
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  cv::circle(labels, {100, 150}, 6, cv::Scalar(1), cv::FILLED);
  cv::circle(labels, {300, 150}, 6, cv::Scalar(2), cv::FILLED);
  SmpScarInput faint = Band(1, 1, 1.0), strong = Band(2, 2, 1.0);
  faint.fut = strong.fut = false;
  faint.contrast.delta_E2000 = 1.0;
  strong.contrast.delta_E2000 = 12.0;
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {faint, strong}, {});
  EXPECT_FALSE(plan.planned);
  EXPECT_FALSE(plan.treatment_area_mm2.has_value());
  EXPECT_FALSE(plan.impressions.has_value());
  EXPECT_GT(plan.treatment_area_px, 0.0);
  ASSERT_EQ(plan.most_visible.size(), 2u);
  EXPECT_EQ(plan.most_visible[0], 2);
  // Not planned: no sessions either (the schema's [0, 0]).
  EXPECT_EQ(plan.sessions, (std::array<int, 2>{0, 0}));
  EXPECT_TRUE(plan.session_reasons.empty());
}

// Dense stubble next to the scar, sparse elsewhere: the target is the ring's density, and the
// image's density only when the ring is too small to count.
TEST(PlanSmp, TargetDensityComesFromTheRingAroundTheScar) {
  const int w = 800, h = 400;
  WorkingImage img = MakeImage(w, h);
  const cv::Mat labels = OneBand(w, h, cv::Rect(300, 180, 200, 40));
  Follicles f;
  f.hair_mask = cv::Mat::zeros(h, w, CV_8U);
  const cv::Rect near(300 - 110, 180 - 110, 200 + 220, 40 + 220);  // margin 50 + ring 50 + slack
  for (int y = 2; y < h; y += 5)
    for (int x = 2; x < w; x += 5)
      if (near.contains({x, y}) || (x % 20 == 2 && y % 20 == 2)) f.exits_px.emplace_back(x, y);
  const SmpPlan plan = PlanSmp({}, img, f, labels, {Band(1, 1, 4.0)}, {});
  ASSERT_EQ(plan.scars.size(), 1u);
  EXPECT_EQ(plan.scars[0].density_source, "ring");
  EXPECT_NEAR(*plan.scars[0].target_density_per_cm2, 400.0, 30.0);  // 0.5 mm pitch
  SmpOptions no_ring;
  no_ring.min_ring_area_mm2 = 1e9;
  const SmpPlan fallback = PlanSmp(no_ring, img, f, labels, {Band(1, 1, 4.0)}, {});
  EXPECT_EQ(fallback.scars[0].density_source, "image");
  EXPECT_LT(*fallback.scars[0].target_density_per_cm2, 200.0);
  EXPECT_GT(*fallback.scars[0].target_density_per_cm2, 25.0);
  EXPECT_LT((*fallback.impressions)[1], (*plan.impressions)[0]);
}

TEST(PlanSmp, UntrustworthyPhotoIsReferred) {
  const int w = 400, h = 300;
  WorkingImage img = MakeImage(w, h);
  const cv::Mat labels = OneBand(w, h, cv::Rect(50, 140, 300, 30));
  SmpContext uncertain;
  uncertain.calibration_uncertainty_rel = 0.08;
  SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {Band(1, 1, 3.0)}, uncertain);
  EXPECT_FALSE(plan.planned);
  ASSERT_EQ(plan.referral_reasons.size(), 1u);
  EXPECT_NE(plan.referral_reasons[0].find("scale is uncertain (+-8 % in length, +-16 % in area)"),
            std::string::npos);
  EXPECT_FALSE(plan.impressions.has_value());
  EXPECT_EQ(plan.sessions, (std::array<int, 2>{0, 0}));
  SmpContext blurred;
  blurred.quality_referrals = {"the photo is too blurred to measure"};
  plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {Band(1, 1, 3.0)}, blurred);
  EXPECT_FALSE(plan.planned);
  EXPECT_EQ(plan.referral_reasons, blurred.quality_referrals);
  SmpContext fine;
  fine.calibration_uncertainty_rel = 0.01;
  EXPECT_TRUE(PlanSmp({}, img, GridExits(w, h, 10), labels, {Band(1, 1, 3.0)}, fine).planned);
}

TEST(PlanSmp, SomeSheenAddsASessionWithItsReason) {
  const int w = 400, h = 300;
  WorkingImage img = MakeImage(w, h);
  const cv::Mat labels = OneBand(w, h, cv::Rect(50, 140, 300, 30));
  cv::rectangle(img.bgr, cv::Rect(100, 140, 9, 30), cv::Scalar(255, 255, 255), cv::FILLED);  // 3 %
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {Band(1, 1, 3.0)}, {});
  EXPECT_TRUE(plan.planned);
  EXPECT_TRUE(plan.referral_reasons.empty());
  EXPECT_EQ(plan.sessions, (std::array<int, 2>{2, 4}));
  ASSERT_EQ(plan.session_reasons.size(), 2u);
  EXPECT_NE(plan.session_reasons[1].find("sheen on scar 1 (3 %"), std::string::npos);
}

TEST(PlanSmp, NotesSayWhenFiguresAreLowerBoundsOrTheStubbleIsSparse) {
  const int w = 400, h = 300;
  WorkingImage img = MakeImage(w, h);
  const cv::Mat labels = OneBand(w, h, cv::Rect(0, 140, 300, 30));
  SmpScarInput cut = Band(1, 1, 3.0);
  cut.touches_border = true;
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 40), labels, {cut}, {});  // 6 per cm^2
  std::string notes;
  for (const auto& n : plan.notes) notes += n + "\n";
  EXPECT_NE(notes.find("scar 1 runs out of the photo"), std::string::npos) << notes;
  EXPECT_NE(notes.find("few hair exits visible around scar 1"), std::string::npos) << notes;
  EXPECT_NE(notes.find("estimates only"), std::string::npos) << notes;
}

TEST(PlanSmp, WideHighContrastScarNeedsMoreSessions) {
  const int w = 600, h = 400;
  WorkingImage img = MakeImage(w, h);
  cv::Mat labels = cv::Mat::zeros(h, w, CV_32S);
  cv::rectangle(labels, cv::Rect(100, 160, 400, 80), cv::Scalar(1), cv::FILLED);
  SmpScarInput s = Band(1, 1, 8.0);
  s.contrast.delta_E2000 = 14.0;
  const SmpPlan plan = PlanSmp({}, img, GridExits(w, h, 10), labels, {s}, {});
  EXPECT_EQ(plan.sessions[0], 3);
  EXPECT_EQ(plan.sessions[1], 5);
  EXPECT_EQ(plan.session_reasons.size(), 3u);
}

TEST(ScarVisibility, RisesWithContrastAndSize) {
  EXPECT_NEAR(ScarVisibility(3.0, 1e9), 0.5, 1e-9);
  EXPECT_NEAR(ScarVisibility(1e9, 3.0), 0.5, 1e-9);
  EXPECT_LT(ScarVisibility(1.0, 2.0), ScarVisibility(5.0, 2.0));
  EXPECT_LT(ScarVisibility(5.0, 1.0), ScarVisibility(5.0, 4.0));
  EXPECT_EQ(ScarVisibility(0.0, 5.0), 0.0);
}

TEST(SmpOptions, CheckRejectsBadValues) {
  SmpOptions o;
  o.margin_mm = -1;
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.ring_width_mm = 0;
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.sheen_fraction = 0.2;  // above shiny_fraction
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.max_scale_uncertainty_rel = 0;
  EXPECT_THROW(o.Check(), Error);
  EXPECT_NO_THROW(SmpOptions{}.Check());
}

}  // namespace
}  // namespace scarmap
