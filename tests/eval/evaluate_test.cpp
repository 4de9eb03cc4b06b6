#include "scarmap/eval/evaluate.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/io/truth_json.hpp"
#include "scarmap/report/report_json.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

// A truth with one FUT band (a 4 mm x 60 mm horizontal bar) and three FUE dots, 10 px/mm.
struct Case {
  Truth truth;
  cv::Mat labels;
};

Case MakeCase() {
  Case c;
  Truth& t = c.truth;
  t.image = "s.jpg";
  t.width = 800;
  t.height = 600;
  t.px_per_mm = 10.0;
  t.skin_band = "light";
  t.hair_color = "black";
  t.follicle_count = 1000;
  t.scalp_area_mm2 = 4800;
  t.follicle_density_per_cm2 = 1000 / 48.0;
  c.labels = cv::Mat::zeros(600, 800, CV_8U);
  cv::rectangle(c.labels, cv::Rect(100, 280, 600, 40), cv::Scalar(1), cv::FILLED);
  TruthFut f;
  f.id = 1;
  f.centerline_px = {{100, 299.5}, {699, 299.5}};
  f.length_mm = 60.0;
  f.mean_width_mm = 4.0;
  f.area_mm2 = 240.0;
  t.fut.push_back(f);
  const cv::Point2d centres[] = {{150, 100}, {400, 120}, {600, 480}};
  for (int i = 0; i < 3; ++i) {
    TruthFue d;
    d.id = 2 + i;
    d.center_px = centres[i];
    d.diameter_mm = 1.0;
    d.area_mm2 = CV_PI * 0.25;
    t.fue.push_back(d);
    cv::circle(c.labels, cv::Point(centres[i]), 5, cv::Scalar(2), cv::FILLED);
  }
  return c;
}

// The report a perfect analyser would write for the truth.
Report PerfectReport(const Truth& t) {
  Report r;
  r.status = Status::Ok();
  r.calibration.px_per_mm = t.px_per_mm;
  r.calibration.source = CalibrationSource::kCli;
  r.scalp.area_mm2 = t.scalp_area_mm2;
  r.follicles.count = t.follicle_count;
  r.follicles.density_per_cm2 = t.follicle_density_per_cm2;
  for (const auto& tf : t.fut) {
    FutScar f;
    f.id = tf.id;
    f.centerline_px = tf.centerline_px;
    f.contour_px = {{99.5, 279.5}, {699.5, 279.5}, {699.5, 319.5}, {99.5, 319.5}};
    f.length_mm = tf.length_mm;
    f.width_mm = WidthStats{tf.mean_width_mm, tf.mean_width_mm, tf.mean_width_mm, tf.mean_width_mm};
    f.area_mm2 = tf.area_mm2;
    r.fut.push_back(f);
  }
  for (const auto& td : t.fue) {
    FueScar d;
    d.id = td.id;
    d.center_px = td.center_px;
    d.diameter_mm = td.diameter_mm;
    r.fue.push_back(d);
  }
  return r;
}

ImageScore Score(const Case& c, const Report* r, const cv::Mat* mask = nullptr) {
  testing::TempDir local;
  const auto rp = local / "s.json", mp = local / "s.mask.png";
  if (r) testing::WriteBytes(rp, ReportToJson(*r));
  if (mask) cv::imwrite(mp.string(), *mask);
  return ScoreImage({}, c.truth, c.labels, rp, mp);
}

TEST(ScoreImage, PerfectReportScoresPerfectly) {
  const Case c = MakeCase();
  const Report r = PerfectReport(c.truth);
  const ImageScore s = Score(c, &r);
  EXPECT_EQ(s.fue_tp, 3);
  EXPECT_EQ(s.fue_fp, 0);
  EXPECT_EQ(s.fue_fn, 0);
  EXPECT_NEAR(s.fut_dice, 1.0, 1e-9);
  EXPECT_EQ(s.fut_found, 1);
  EXPECT_NEAR(s.fut_length_rel[0], 0.0, 1e-12);
  EXPECT_NEAR(s.density_rel, 0.0, 1e-12);
  const Metrics m = Aggregate({s});
  EXPECT_DOUBLE_EQ(m.fue_f1, 1.0);
  EXPECT_DOUBLE_EQ(m.fut_dice_mean, 1.0);
  EXPECT_DOUBLE_EQ(m.fut_band_recall, 1.0);
  EXPECT_DOUBLE_EQ(m.fue_diameter_medabs_rel, 0.0);
}

TEST(ScoreImage, PerfectMaskScoresDiceOne) {
  const Case c = MakeCase();
  Report r = PerfectReport(c.truth);
  r.fut[0].contour_px.clear();  // the mask must be used, not the contour
  cv::Mat mask = c.labels.clone();
  EXPECT_NEAR(Score(c, &r, &mask).fut_dice, 1.0, 1e-9);
}

TEST(ScoreImage, ScalpRegionIsScoredByItsOverlap) {
  const Case c = MakeCase();
  Case framed = c;  // the truth's scalp: everything but a 200 px strip on the left (label 3)
  framed.labels(cv::Rect(0, 0, 200, 600)).setTo(3);
  const Report r = PerfectReport(c.truth);
  testing::TempDir local;
  const auto rp = local / "s.json", mp = local / "s.mask.png", sp = local / "s.scalp.png";
  testing::WriteBytes(rp, ReportToJson(r));
  cv::Mat scalp(600, 800, CV_8U, cv::Scalar(255));
  scalp(cv::Rect(0, 0, 200, 600)).setTo(0);
  cv::imwrite(sp.string(), scalp);
  EXPECT_NEAR(ScoreImage({}, framed.truth, framed.labels, rp, mp, sp).scalp_iou, 1.0, 1e-12);
  scalp(cv::Rect(0, 0, 400, 600)).setTo(0);  // half the truth's scalp missed
  cv::imwrite(sp.string(), scalp);
  const ImageScore half = ScoreImage({}, framed.truth, framed.labels, rp, mp, sp);
  EXPECT_NEAR(half.scalp_iou, 400.0 / 600.0, 1e-12);
  // No scalp file: not scored, and left out of the aggregate.
  const ImageScore none = ScoreImage({}, framed.truth, framed.labels, rp, mp, local / "x.png");
  EXPECT_EQ(none.scalp_iou, -1.0);
  const Metrics m = Aggregate({half, none});
  EXPECT_EQ(m.scalp_images, 1);
  EXPECT_NEAR(m.scalp_iou_median, 400.0 / 600.0, 1e-12);
  EXPECT_NEAR(m.scalp_iou_min, 400.0 / 600.0, 1e-12);
}

TEST(ScoreImage, MissingOrEmptyReportScoresZero) {
  const Case c = MakeCase();
  const ImageScore missing = Score(c, nullptr);
  EXPECT_FALSE(missing.report_found);
  EXPECT_EQ(missing.fue_tp, 0);
  EXPECT_EQ(missing.fue_fn, 3);
  EXPECT_EQ(missing.fut_dice, 0.0);
  const Metrics m = Aggregate({missing});
  EXPECT_EQ(m.fue_recall, 0.0);
  EXPECT_EQ(m.fut_band_recall, 0.0);
  EXPECT_EQ(m.missing_reports, 1);
  Report empty;
  empty.status = Status::Ok();
  EXPECT_EQ(Score(c, &empty).fue_tp, 0);
}

TEST(ScoreImage, KnownPerturbationsGiveExpectedErrors) {
  const Case c = MakeCase();
  Report r = PerfectReport(c.truth);
  for (auto& d : r.fue) d.diameter_mm = *d.diameter_mm * 1.1;
  r.fue[2].center_px.x += 20;  // 2 mm: beyond max(0.5 mm, 0.75 mm) -> one FP and one FN
  r.fut[0].length_mm = 63.0;   // +5 %
  r.follicles.density_per_cm2 = *r.follicles.density_per_cm2 * 0.8;
  const ImageScore s = Score(c, &r);
  EXPECT_EQ(s.fue_tp, 2);
  EXPECT_EQ(s.fue_fp, 1);
  EXPECT_EQ(s.fue_fn, 1);
  const Metrics m = Aggregate({s});
  EXPECT_NEAR(m.fue_diameter_medabs_rel, 0.10, 1e-9);
  EXPECT_NEAR(m.fue_precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.fut_length_medabs_rel, 0.05, 1e-9);
  EXPECT_NEAR(m.density_medabs_rel, 0.20, 1e-9);
}

TEST(Aggregate, BlandAltmanOfKnownDifferences) {
  std::vector<ImageScore> v(4);
  const double diffs[] = {1, 3, 5, 7};
  for (int i = 0; i < 4; ++i) {
    v[i].has_fut = true;
    v[i].fut_true = 1;
    v[i].fut_length_true_mm = 50;
    v[i].fut_length_pred_mm = 50 + diffs[i];
    v[i].fue_true = 10;
    v[i].fue_pred_count = 10 + static_cast<int>(diffs[i]);
  }
  const Metrics m = Aggregate(v);
  const double sd = std::sqrt((9 + 1 + 1 + 9) / 3.0);
  EXPECT_NEAR(m.ba_fut_length_bias_mm, 4.0, 1e-12);
  EXPECT_NEAR(m.ba_fut_length_loa_mm, 1.96 * sd, 1e-9);
  EXPECT_NEAR(m.ba_fue_count_bias, 4.0, 1e-12);
}

TEST(EvaluateFolders, ScoresEveryTruthAndGroups) {
  testing::TempDir dir;
  const Case c = MakeCase();
  Truth t = c.truth;
  for (int i = 0; i < 2; ++i) {
    t.image = "s" + std::to_string(i) + ".jpg";
    t.skin_band = i == 0 ? "light" : "dark";
    WriteTruthJson(t, dir / ("s" + std::to_string(i) + ".truth.json"));
    cv::imwrite((dir / ("s" + std::to_string(i) + ".truth.png")).string(), c.labels);
  }
  std::filesystem::create_directories(dir / "pred");
  testing::WriteBytes(dir / "pred" / "s0.json", ReportToJson(PerfectReport(t)));
  const EvalResult r = EvaluateFolders({}, dir.path(), dir / "pred");
  EXPECT_EQ(r.overall.images, 2);
  EXPECT_EQ(r.overall.missing_reports, 1);
  EXPECT_DOUBLE_EQ(r.by_skin_band.at("light").fue_f1, 1.0);
  EXPECT_DOUBLE_EQ(r.by_skin_band.at("dark").fue_recall, 0.0);
  EXPECT_NE(FormatEvalTable(r).find("skin:dark"), std::string::npos);
  EXPECT_NE(EvalResultToJson(r).find("\"fue_f1\""), std::string::npos);
}

}  // namespace
}  // namespace scarmap
