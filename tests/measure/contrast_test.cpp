#include "scarmap/measure/contrast.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/measure/color_difference.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

TEST(MeasureContrast, LightScarAgainstSkinWithHairExcluded) {
  WorkingImage w;
  w.px_per_mm = 10;
  testing::FillLab(&w, {200, 200}, cv::Scalar(60, 12, 18));
  w.scalp_mask = cv::Mat(200, 200, CV_8U, cv::Scalar(255));
  cv::Mat labels = cv::Mat::zeros(200, 200, CV_32S);
  cv::circle(labels, {100, 100}, 8, cv::Scalar(3), cv::FILLED);
  testing::PaintLab(&w, cv::Scalar(70, 9, 14), labels == 3);
  // Dark hair strokes in the ring and across the scar must not count.
  cv::Mat hair = cv::Mat::zeros(200, 200, CV_8U);
  cv::line(hair, {80, 100}, {120, 100}, cv::Scalar(255), 2);
  testing::PaintLab(&w, cv::Scalar(20, 2, 5), hair);
  // Another scar nearby must not count as skin.
  cv::circle(labels, {100, 125}, 5, cv::Scalar(4), cv::FILLED);
  testing::PaintLab(&w, cv::Scalar(90, 0, 0), labels == 4);
  const Contrast c = MeasureContrast({}, w, labels, 3, cv::Rect(92, 92, 17, 17), hair);
  EXPECT_NEAR(c.delta_L, 10.0, 1e-3);
  EXPECT_NEAR(c.delta_E2000, DeltaE2000({70, 9, 14}, {60, 12, 18}), 1e-3);
  EXPECT_NEAR(c.skin_lab[0], 60.0, 1e-4);
}

TEST(MeasureContrast, NoRingGivesZero) {
  WorkingImage w;
  w.px_per_mm = 10;
  testing::FillLab(&w, {20, 20}, cv::Scalar(60, 12, 18));
  cv::Mat labels(20, 20, CV_32S, cv::Scalar(1));  // the scar fills the frame
  const Contrast c = MeasureContrast({}, w, labels, 1, cv::Rect(0, 0, 20, 20), cv::Mat());
  EXPECT_EQ(c.delta_E2000, 0.0);
}

}  // namespace
}  // namespace scarmap
