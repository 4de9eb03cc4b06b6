#include "scarmap/io/heic.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace scarmap {
namespace {

// 160x96 image, mid skin tone, with a bright dot near the top-left corner.
cv::Mat Asymmetric() {
  cv::Mat img(96, 160, CV_8UC3, cv::Scalar(150, 170, 205));
  cv::circle(img, {30, 20}, 8, cv::Scalar(250, 250, 250), cv::FILLED);
  return img;
}

cv::Point BrightestPoint(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::GaussianBlur(gray, gray, cv::Size(9, 9), 0);
  cv::Point p;
  cv::minMaxLoc(gray, nullptr, nullptr, nullptr, &p);
  return p;
}

TEST(Heic, RoundTripDecodesThePrimaryImage) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC decoder";
  const std::string bytes = EncodeHeic(Asymmetric(), 90, 1);
  int w = 0, h = 0;
  ASSERT_TRUE(ReadHeicSize(bytes, &w, &h).ok());
  EXPECT_EQ(w, 160);
  EXPECT_EQ(h, 96);
  cv::Mat bgr;
  const Status s = DecodeHeic(bytes, 100.0, &bgr);
  ASSERT_TRUE(s.ok()) << s.message;
  ASSERT_EQ(bgr.size(), cv::Size(160, 96));
  const cv::Point p = BrightestPoint(bgr);
  EXPECT_NEAR(p.x, 30, 3);
  EXPECT_NEAR(p.y, 20, 3);
  // Colour survives (HEVC 4:2:0 at q90): within a few levels of the skin tone.
  const cv::Vec3b skin = bgr.at<cv::Vec3b>(80, 120);
  EXPECT_NEAR(skin[0], 150, 8);
  EXPECT_NEAR(skin[2], 205, 8);
}

TEST(Heic, OrientationIsAppliedLikeAnIphonePortrait) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC decoder";
  // Orientation 6: the stored image must be rotated 90 degrees clockwise for display.
  const std::string bytes = EncodeHeic(Asymmetric(), 90, 6);
  cv::Mat bgr;
  ASSERT_TRUE(DecodeHeic(bytes, 100.0, &bgr).ok());
  ASSERT_EQ(bgr.size(), cv::Size(96, 160));
  // (x, y) -> (H - 1 - y, x) under a clockwise quarter turn.
  const cv::Point p = BrightestPoint(bgr);
  EXPECT_NEAR(p.x, 96 - 1 - 20, 3);
  EXPECT_NEAR(p.y, 30, 3);
}

TEST(Heic, PixelLimitRefusesBeforeDecoding) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC decoder";
  const std::string bytes = EncodeHeic(Asymmetric(), 50, 1);
  cv::Mat bgr;
  const Status s = DecodeHeic(bytes, 0.01, &bgr);  // 10,000 px limit < 15,360 px
  EXPECT_EQ(s.code, StatusCode::kTooLarge);
  EXPECT_TRUE(bgr.empty());
}

TEST(Heic, TruncatedOrGarbageIsUnreadable) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC decoder";
  const std::string bytes = EncodeHeic(Asymmetric(), 50, 1);
  cv::Mat bgr;
  EXPECT_EQ(DecodeHeic(bytes.substr(0, bytes.size() / 3), 100.0, &bgr).code,
            StatusCode::kUnreadable);
  EXPECT_EQ(DecodeHeic(std::string(64, 'x'), 100.0, &bgr).code, StatusCode::kUnreadable);
  EXPECT_EQ(DecodeHeic(std::string(), 100.0, &bgr).code, StatusCode::kUnreadable);
}

}  // namespace
}  // namespace scarmap
