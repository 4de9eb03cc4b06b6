// JPEGs decoded at a reduced size (PipelineOptions::reduced_decode) give the report a full decode
// gives, in original pixels, within what resampling can change.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/synth/scalp_synth.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

// One synthetic 1600 x 1200 photo with FUT bands and FUE dots, as WriteSynthSet writes it (its
// JFIF header states the scale); returns the path.
std::filesystem::path Photo(const testing::TempDir& dir, double px_per_mm, bool marker,
                            std::uint64_t seed) {
  SynthOptions o;
  o.width = 1600;
  o.height = 1200;
  o.min_px_per_mm = o.max_px_per_mm = px_per_mm;
  o.fut_probability = o.fue_probability = 1.0;
  o.marker_probability = marker ? 1.0 : 0.0;
  o.background_probability = 0.0;
  WriteSynthSet(o, dir.path(), 1, seed);
  return dir / "scalp_0000.jpg";
}

AnalysisResult AnalyzeFile(const std::filesystem::path& p, bool reduced, std::optional<double> ppm,
                   double min_dpi = 400.0) {
  PipelineOptions o;
  o.reduced_decode = reduced;
  o.px_per_mm = ppm;
  o.min_meaningful_dpi = min_dpi;
  o.want_mask = true;
  return AnalyzeImage(o, p);
}

// Distance (original px) from each dot of `a` to the nearest dot of `b`, sorted.
std::vector<double> DotDistances(const Report& a, const Report& b) {
  std::vector<double> d;
  for (const FueScar& s : a.fue) {
    double best = 1e9;
    for (const FueScar& t : b.fue) best = std::min(best, cv::norm(s.center_px - t.center_px));
    d.push_back(best);
  }
  std::sort(d.begin(), d.end());
  return d;
}

double ScarIoU(const cv::Mat& a, const cv::Mat& b) {
  const double both = cv::countNonZero((a > 0) & (b > 0));
  const double any = cv::countNonZero((a > 0) | (b > 0));
  return any > 0 ? both / any : 1.0;
}

TEST(ReducedDecode, SameReportAsTheFullDecodeWithinResampling) {
  testing::TempDir dir;
  const auto path = Photo(dir, 30.0, false, 11);
  const AnalysisResult full = AnalyzeFile(path, false, 30.0), red = AnalyzeFile(path, true, 30.0);
  const Report &f = full.report, &r = red.report;
  ASSERT_TRUE(f.status.ok() && r.status.ok()) << r.status.message;
  EXPECT_EQ(f.processing.decode_reduction, 1);
  EXPECT_EQ(r.processing.decode_reduction, 2);  // 30 px/mm: half size still has 15 >= 12
  // Same frame, same working image size and scale: only its pixels differ a little.
  EXPECT_EQ(r.image.width, 1600);
  EXPECT_EQ(r.image.height, 1200);
  EXPECT_EQ(r.processing.working_scale, f.processing.working_scale);
  EXPECT_EQ(red.work_mask.size(), full.work_mask.size());
  EXPECT_EQ(FullSizeMask(red).size(), cv::Size(1600, 1200));
  EXPECT_NEAR(*r.scalp.area_mm2, *f.scalp.area_mm2, 0.01 * *f.scalp.area_mm2);
  ASSERT_GT(f.fue.size(), 20u);
  EXPECT_NEAR(static_cast<double>(r.fue.size()), static_cast<double>(f.fue.size()),
              0.05 * f.fue.size() + 1);
  const std::vector<double> d = DotDistances(f, r);
  EXPECT_LT(d[d.size() / 2], 0.1 * 30.0);          // median within 0.1 mm
  EXPECT_LT(d[d.size() * 9 / 10], 0.3 * 30.0);     // 90 % within 0.3 mm
  ASSERT_EQ(r.fut.size(), f.fut.size());
  for (size_t i = 0; i < f.fut.size(); ++i)
    EXPECT_NEAR(*r.fut[i].length_mm, *f.fut[i].length_mm, 0.03 * *f.fut[i].length_mm);
  EXPECT_GT(ScarIoU(FullSizeMask(red), FullSizeMask(full)), 0.9);
}

TEST(ReducedDecode, ExifRotatedPhotosMapBackToTheUprightPixels) {
  testing::TempDir dir;
  const cv::Mat upright = cv::imread(Photo(dir, 30.0, false, 12).string(), cv::IMREAD_COLOR);
  testing::WriteBytes(dir / "upright.jpg", testing::JpegWithOrientation(upright, 1));
  const Report ref = AnalyzeFile(dir / "upright.jpg", true, 30.0).report;
  ASSERT_TRUE(ref.status.ok());
  ASSERT_GT(ref.fue.size(), 20u);
  // Stored turned so that orientation 6 (turn 90 deg clockwise) or 3 (180 deg) makes it upright.
  cv::Mat ccw, half;
  cv::rotate(upright, ccw, cv::ROTATE_90_COUNTERCLOCKWISE);
  cv::rotate(upright, half, cv::ROTATE_180);
  testing::WriteBytes(dir / "o6.jpg", testing::JpegWithOrientation(ccw, 6));
  testing::WriteBytes(dir / "o3.jpg", testing::JpegWithOrientation(half, 3));
  for (const char* name : {"o6.jpg", "o3.jpg"}) {
    const Report r = AnalyzeFile(dir / name, true, 30.0).report;
    ASSERT_TRUE(r.status.ok()) << name;
    EXPECT_EQ(r.processing.decode_reduction, 2) << name;
    EXPECT_EQ(r.image.width, 1600) << name;
    EXPECT_EQ(r.image.height, 1200) << name;
    const std::vector<double> d = DotDistances(ref, r);
    EXPECT_LT(d[d.size() / 2], 0.1 * 30.0) << name;
    EXPECT_LT(d[d.size() * 9 / 10], 0.3 * 30.0) << name;
  }
}

TEST(ReducedDecode, AMarkerFoundOnTheReducedPhotoGivesTheScale) {
  testing::TempDir dir;
  // 28 px/mm: the frame (57 x 43 mm) is big enough for the generator's marker card.
  const auto path = Photo(dir, 28.0, true, 13);
  // The file's resolution tag (28 px/mm) allows half size; the marker then confirms it.
  const Report full = AnalyzeFile(path, false, std::nullopt, 1.0).report;
  const Report red = AnalyzeFile(path, true, std::nullopt, 1.0).report;
  ASSERT_TRUE(full.status.ok() && red.status.ok());
  ASSERT_EQ(full.calibration.source, CalibrationSource::kMarker);
  EXPECT_EQ(red.calibration.source, CalibrationSource::kMarker);
  EXPECT_EQ(red.processing.decode_reduction, 2);
  EXPECT_NEAR(*red.calibration.px_per_mm, *full.calibration.px_per_mm,
              0.003 * *full.calibration.px_per_mm);
  EXPECT_NEAR(*red.calibration.px_per_mm, 28.0, 0.3);
  // The marker's white card (colour reference) is found on the reduced photo too.
  ASSERT_EQ(full.calibration.color.source, ColorSource::kMarkerWhite);
  EXPECT_EQ(red.calibration.color.source, ColorSource::kMarkerWhite);
  for (int k = 0; k < 3; ++k)
    EXPECT_NEAR(red.calibration.color.white_gains[k], full.calibration.color.white_gains[k], 0.02);
}

TEST(ReducedDecode, DecodedAgainInFullWhenTheMarkerNeedsIt) {
  testing::TempDir dir;
  const auto path = Photo(dir, 14.0, true, 13);  // a marker the detector finds in full
  // The resolution tag claims 40 px/mm (quarter size would do); the marker says 14 px/mm,
  // which needs every pixel.
  std::string bytes = testing::ReadBytes(path);
  ASSERT_EQ(bytes.compare(6, 4, "JFIF"), 0);
  bytes[13] = 2;  // dots per cm
  bytes[14] = bytes[16] = static_cast<char>(400 >> 8);
  bytes[15] = bytes[17] = static_cast<char>(400 & 0xFF);
  testing::WriteBytes(path, bytes);
  const Report r = AnalyzeFile(path, true, std::nullopt, 1.0).report;
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.calibration.source, CalibrationSource::kMarker);
  EXPECT_NEAR(*r.calibration.px_per_mm, 14.0, 0.2);
  EXPECT_EQ(r.processing.decode_reduction, 1);
  EXPECT_NEAR(r.processing.working_px_per_mm, 12.0, 0.05);
}

}  // namespace
}  // namespace scarmap
