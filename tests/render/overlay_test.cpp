#include "scarmap/render/overlay.hpp"

#include <algorithm>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

const cv::Vec3b kFutColour(255, 200, 0);
const cv::Vec3b kFueColour(0, 230, 255);

// A 1200 x 900 photo at 10 px/mm: one horizontal FUT band (x 200..1000, y 430..470, centreline
// y = 450), one FUE dot of 20 px at (300, 700), and the band's treatment region (x 150..1050,
// y 380..520).
Report TestReport() {
  Report r;
  r.image.width = 1200;
  r.image.height = 900;
  r.calibration.px_per_mm = 10.0;
  FutScar f;
  f.id = 1;
  for (int x = 200; x <= 1000; x += 100) f.centerline_px.emplace_back(x, 450);
  f.contour_px = {{200, 430}, {1000, 430}, {1000, 470}, {200, 470}};
  r.fut.push_back(f);
  FueScar d;
  d.id = 2;
  d.center_px = {300, 700};
  d.diameter_px = 20;
  r.fue.push_back(d);
  SmpRegion reg;
  reg.id = 1;
  reg.scar_ids = {1};
  reg.polygon_px = {{150, 380}, {1050, 380}, {1050, 520}, {150, 520}};
  r.smp_plan.regions.push_back(reg);
  r.smp_plan.treatment_area_mm2 = 1260;
  r.summary.fut_count = 1;
  r.summary.fue_count = 1;
  return r;
}

double Dist(cv::Vec3b a, cv::Vec3b b) { return cv::norm(cv::Vec3d(a) - cv::Vec3d(b)); }

struct Panel {
  cv::Rect box;  // bounding box of the legend's dark panel (its largest connected part)
  int fut = 0, fue = 0, plan = 0, white = 0;
  int longest_white_run = 0;  // the scale bar
  int bar_row = -1, bar_end = -1;  // row and last pixel of that run
  double tick_distance = 0.0;  // between the centres of the scale bar's end ticks
};

bool White(cv::Vec3b v) { return v[0] == 255 && v[1] == 255 && v[2] == 255; }

// Centres of the white runs of row y within [x0, x1).
std::vector<double> RunCentres(const cv::Mat& out, int y, int x0, int x1) {
  std::vector<double> c;
  for (int x = x0; x < x1; ++x) {
    if (!White(out.at<cv::Vec3b>(y, x))) continue;
    const int start = x;
    while (x < x1 && White(out.at<cv::Vec3b>(y, x))) ++x;
    c.push_back(0.5 * (start + x - 1));
  }
  return c;
}

// Finds the legend panel: pixels darkened exactly as the panel darkens the skin.
Panel FindPanel(const cv::Mat& out, cv::Vec3b skin) {
  const cv::Vec3b dark(static_cast<uchar>(0.78 * 20 + 0.22 * skin[0] + 0.5),
                       static_cast<uchar>(0.78 * 20 + 0.22 * skin[1] + 0.5),
                       static_cast<uchar>(0.78 * 20 + 0.22 * skin[2] + 0.5));
  cv::Mat m = cv::Mat::zeros(out.size(), CV_8U);
  for (int y = 0; y < out.rows; ++y)
    for (int x = 0; x < out.cols; ++x) m.at<uchar>(y, x) = Dist(out.at<cv::Vec3b>(y, x), dark) < 4;
  // Anti-aliased halo edges pass through the panel's colour too: keep the largest blob.
  cv::Mat comp, stats, centroids;
  const int n = cv::connectedComponentsWithStats(m, comp, stats, centroids);
  Panel p;
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (best == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(best, cv::CC_STAT_AREA))
      best = i;
  if (best == 0) return p;
  p.box = cv::Rect(stats.at<int>(best, cv::CC_STAT_LEFT), stats.at<int>(best, cv::CC_STAT_TOP),
                   stats.at<int>(best, cv::CC_STAT_WIDTH), stats.at<int>(best, cv::CC_STAT_HEIGHT));
  const int x0 = p.box.x, x1 = p.box.x + p.box.width;
  for (int y = p.box.y; y < p.box.y + p.box.height; ++y) {
    int run = 0;
    for (int x = x0; x < x1; ++x) {
      const cv::Vec3b v = out.at<cv::Vec3b>(y, x);
      p.fut += Dist(v, kFutColour) < 40;
      p.fue += Dist(v, kFueColour) < 40;
      p.plan += Dist(v, cv::Vec3b(255, 0, 200)) < 40;
      p.white += White(v);
      run = White(v) ? run + 1 : 0;
      if (run > p.longest_white_run) {
        p.longest_white_run = run;
        p.bar_row = y;
        p.bar_end = x;
      }
    }
  }
  // Just above the bar only its two end ticks are white.
  const int bar_x0 = std::max(x0, p.bar_end - p.longest_white_run - 2);
  const int bar_x1 = std::min(x1, p.bar_end + 3);
  for (int y = p.bar_row - 1; y > p.box.y && p.bar_row >= 0; --y) {
    const std::vector<double> c = RunCentres(out, y, bar_x0, bar_x1);
    if (c.size() >= 2 && c[1] - c[0] > 0.5 * p.longest_white_run) {
      p.tick_distance = c[1] - c[0];
      break;
    }
  }
  return p;
}

class OverlayOnSkin : public ::testing::TestWithParam<cv::Vec3b> {};

TEST_P(OverlayOnSkin, MarksScarsShadesTheMarginAndHasALegendWithAScaleBar) {
  const cv::Vec3b skin = GetParam();
  const cv::Mat photo(900, 1200, CV_8UC3, cv::Scalar(skin[0], skin[1], skin[2]));
  const Report r = TestReport();
  const cv::Mat out = RenderOverlay({}, photo, r);
  ASSERT_EQ(out.size(), photo.size());  // below max_side_px: the upright photo's size
  ASSERT_EQ(out.type(), CV_8UC3);

  // The FUT centreline is drawn in dashes of the FUT colour along y = 450.
  int on_line = 0, n = 0;
  for (int x = 250; x <= 950; ++x, ++n) on_line += Dist(out.at<cv::Vec3b>(450, x), kFutColour) < 40;
  EXPECT_GT(on_line, 0.4 * n);
  EXPECT_LT(on_line, 0.9 * n);  // dashed, not solid
  // The outline is solid along the band's top and bottom edges.
  for (int x = 300; x <= 900; x += 50) {
    EXPECT_LT(Dist(out.at<cv::Vec3b>(430, x), kFutColour), 40) << x;
    EXPECT_LT(Dist(out.at<cv::Vec3b>(470, x), kFutColour), 40) << x;
  }
  // The FUE dot is circled just outside its edge.
  EXPECT_LT(Dist(out.at<cv::Vec3b>(700, 300 + 14), kFueColour), 40);
  EXPECT_LT(Dist(out.at<cv::Vec3b>(700 - 14, 300), kFueColour), 40);
  // The margin is shaded magenta; the scar itself and the skin outside the region are not.
  const cv::Vec3b shaded(static_cast<uchar>(0.3 * 255 + 0.7 * skin[0] + 0.5),
                         static_cast<uchar>(0.7 * skin[1] + 0.5),
                         static_cast<uchar>(0.3 * 200 + 0.7 * skin[2] + 0.5));
  EXPECT_LT(Dist(out.at<cv::Vec3b>(405, 600), shaded), 3);
  EXPECT_LT(Dist(out.at<cv::Vec3b>(500, 600), shaded), 3);
  EXPECT_EQ(out.at<cv::Vec3b>(440, 600), skin);  // inside the band, between outline and centreline
  EXPECT_EQ(out.at<cv::Vec3b>(600, 900), skin);

  // The legend: a dark panel in the top-left corner (the one free of marks) with a swatch of
  // every colour, white text, and a 20 mm scale bar: 200 px from tick to tick.
  const Panel p = FindPanel(out, skin);
  EXPECT_LT(p.box.x, 20);
  EXPECT_LT(p.box.y, 20);
  EXPECT_GT(p.box.width, 250);
  EXPECT_GT(p.box.height, 120);
  EXPECT_LT(p.box.y + p.box.height, 380);  // it does not cover the treatment region
  EXPECT_GT(p.fut, 20);
  EXPECT_GT(p.fue, 20);
  EXPECT_GT(p.plan, 200);
  EXPECT_GT(p.white, 500);
  EXPECT_NEAR(p.tick_distance, 199.0, 0.5);  // ticks centred on the bar's first and last pixel
  EXPECT_GE(p.longest_white_run, 200);
}

INSTANTIATE_TEST_SUITE_P(LightAndDarkSkin, OverlayOnSkin,
                         ::testing::Values(cv::Vec3b(170, 190, 225), cv::Vec3b(40, 55, 85)),
                         [](const auto& info) { return info.index == 0 ? "Light" : "Dark"; });

TEST(RenderOverlay, LargePhotosShrinkToTheMaximumSideWithTheMarksScaled) {
  Report r = TestReport();
  for (auto& p : r.fut[0].centerline_px) p *= 10.0 / 3.0;  // same scene on a 4000 x 3000 photo
  for (auto& p : r.fut[0].contour_px) p *= 10.0 / 3.0;
  r.fue.clear();
  r.smp_plan.regions.clear();
  r.calibration.px_per_mm = 100.0 / 3.0;
  const cv::Mat photo(3000, 4000, CV_8UC3, cv::Scalar(170, 190, 225));
  const cv::Mat out = RenderOverlay({}, photo, r);
  ASSERT_EQ(out.size(), cv::Size(2400, 1800));
  int on = 0;
  for (int x = 1600; x < 1800; ++x) on += Dist(out.at<cv::Vec3b>(900, x), kFutColour) < 40;
  EXPECT_GT(on, 100);  // centreline at y = 1500 * 0.6 = 900
  OverlayOptions small;
  small.max_side_px = 1000;
  EXPECT_EQ(RenderOverlay(small, photo, r).size(), cv::Size(1000, 750));
}

// The legend would go top left (the corner free of marks), but the marker the scale came from
// is there: the legend takes another corner, and the marker is outlined.
TEST(RenderOverlay, LegendKeepsClearOfTheCalibrationMarker) {
  Report r = TestReport();
  r.calibration.marker_corners_px = {{60, 40}, {160, 40}, {160, 140}, {60, 140}};
  const cv::Vec3b skin(170, 190, 225);
  const cv::Mat photo(900, 1200, CV_8UC3, cv::Scalar(skin[0], skin[1], skin[2]));
  const cv::Mat out = RenderOverlay({}, photo, r);
  const Panel p = FindPanel(out, skin);
  ASSERT_GT(p.box.area(), 250 * 120);
  EXPECT_TRUE((p.box & cv::Rect(60, 40, 101, 101)).empty()) << p.box;
  int outline = 0;  // the outline's top side: a white line over a dark halo
  for (int y = 37; y <= 43; ++y) outline = std::max(outline, int(out.at<cv::Vec3b>(y, 110)[1]));
  EXPECT_GE(outline, 230);
  EXPECT_EQ(out.at<cv::Vec3b>(90, 110), skin);                       // not filled
  // Without the marker the same report puts the legend top left, over where it was.
  EXPECT_LT(FindPanel(RenderOverlay({}, photo, TestReport()), skin).box.x, 20);
}

TEST(RenderOverlay, WithoutAScaleSaysSoInsteadOfABar) {
  Report r = TestReport();
  r.calibration.px_per_mm.reset();
  const cv::Vec3b skin(170, 190, 225);
  const cv::Mat photo(900, 1200, CV_8UC3, cv::Scalar(skin[0], skin[1], skin[2]));
  const Panel p = FindPanel(RenderOverlay({}, photo, r), skin);
  EXPECT_GT(p.white, 500);              // the text is there
  EXPECT_LT(p.longest_white_run, 100);  // but no bar
}

TEST(RenderOverlay, RejectsWhatIsNotAColourPhoto) {
  EXPECT_THROW(RenderOverlay({}, cv::Mat(), TestReport()), Error);
  EXPECT_THROW(RenderOverlay({}, cv::Mat(10, 10, CV_8U), TestReport()), Error);
  OverlayOptions bad;
  bad.max_side_px = 10;
  EXPECT_THROW(RenderOverlay(bad, cv::Mat(300, 300, CV_8UC3), TestReport()), Error);
}

}  // namespace
}  // namespace scarmap
