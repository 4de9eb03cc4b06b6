#include "scarmap/preprocess/working_image.hpp"

#include <gtest/gtest.h>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

cv::Mat Grey(int w, int h) { return cv::Mat(h, w, CV_8UC3, cv::Scalar(100, 120, 140)); }

TEST(MakeWorkingImage, KnownScaleGoesToTheTargetAndNeverUp) {
  const WorkingScaleOptions o;  // 12 px/mm
  const WorkingImage down = MakeWorkingImage(o, Grey(2400, 1800), 24.0);
  EXPECT_EQ(down.bgr.size(), cv::Size(1200, 900));
  EXPECT_NEAR(down.px_per_mm, 12.0, 1e-9);
  EXPECT_FALSE(down.capped);
  const WorkingImage same = MakeWorkingImage(o, Grey(400, 300), 6.0);
  EXPECT_EQ(same.bgr.size(), cv::Size(400, 300));
  EXPECT_NEAR(same.px_per_mm, 6.0, 1e-9);
}

TEST(MakeWorkingImage, PixelCapBoundsAWideFieldAtLowResolution) {
  WorkingScaleOptions o;
  o.max_working_megapixels = 1.0;
  // 3000 x 2000 at 10 px/mm: the target keeps every pixel (6 MP); the cap allows 1 MP.
  const WorkingImage w = MakeWorkingImage(o, Grey(3000, 2000), 10.0);
  EXPECT_TRUE(w.capped);
  EXPECT_LE(w.bgr.total(), 1.0e6 * 1.01);
  EXPECT_NEAR(w.px_per_mm, 10.0 * w.scale, 1e-9);
  EXPECT_NEAR(w.scale, w.bgr.cols / 3000.0, 1e-12);
  EXPECT_LT(w.px_per_mm, 10.0);
}

TEST(MakeWorkingImage, UnknownScaleIsCappedByPixelCount) {
  const WorkingScaleOptions o;  // 4 MP
  const WorkingImage w = MakeWorkingImage(o, Grey(4000, 3000), 0.0);
  EXPECT_FALSE(w.scale_known);
  EXPECT_LE(w.bgr.total(), 4.0e6 * 1.01);
  EXPECT_GE(w.bgr.total(), 4.0e6 * 0.99);
}

TEST(MakeWorkingImage, RejectsEmptyAndBadOptions) {
  EXPECT_THROW(MakeWorkingImage({}, cv::Mat(), 12.0), Error);
  WorkingScaleOptions o;
  o.max_working_megapixels = 0.0;
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace scarmap
