#include "scarmap/preprocess/color.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace scarmap {
namespace {

TEST(BgrToLab, MatchesReferenceValues) {
  const cv::Vec3d white = BgrToLab(cv::Vec3d(255, 255, 255));
  EXPECT_NEAR(white[0], 100.0, 0.01);
  EXPECT_NEAR(white[1], 0.0, 0.02);
  EXPECT_NEAR(white[2], 0.0, 0.02);
  const cv::Vec3d red = BgrToLab(cv::Vec3d(0, 0, 255));
  EXPECT_NEAR(red[0], 53.24, 0.02);
  EXPECT_NEAR(red[1], 80.09, 0.05);
  EXPECT_NEAR(red[2], 67.20, 0.05);
  const cv::Vec3d grey = BgrToLab(cv::Vec3d(128, 128, 128));
  EXPECT_NEAR(grey[0], 53.59, 0.02);
  const cv::Vec3d black = BgrToLab(cv::Vec3d(0, 0, 0));
  EXPECT_NEAR(black[0], 0.0, 1e-6);
}

TEST(BgrToLab, ImageAndPixelVersionsAgree) {
  cv::Mat img(4, 4, CV_8UC3);
  cv::randu(img, 0, 256);
  const cv::Mat lab = BgrToLab(img);
  ASSERT_EQ(lab.type(), CV_32FC3);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      const cv::Vec3b p = img.at<cv::Vec3b>(y, x);
      const cv::Vec3d ref = BgrToLab(cv::Vec3d(p[0], p[1], p[2]));
      for (int k = 0; k < 3; ++k) EXPECT_NEAR(lab.at<cv::Vec3f>(y, x)[k], ref[k], 1e-3);
    }
}

TEST(FlattenLightness, RemovesAGradientButKeepsSmallSpots) {
  cv::Mat lab(300, 400, CV_32FC3);
  for (int y = 0; y < 300; ++y)
    for (int x = 0; x < 400; ++x) lab.at<cv::Vec3f>(y, x) = {50.0f + 0.05f * x, 10, 15};
  cv::circle(lab, {200, 150}, 6, cv::Scalar(80, 10, 15), cv::FILLED);
  const cv::Mat flat = FlattenLightness({}, lab, cv::Mat(), 12.0);
  EXPECT_NEAR(flat.at<float>(150, 20), flat.at<float>(150, 380), 1.5);  // gradient gone
  EXPECT_GT(flat.at<float>(150, 200) - flat.at<float>(150, 240), 15.0);  // spot kept
}

}  // namespace
}  // namespace scarmap
