#include "scarmap/io/heic.hpp"

#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/io/image_loader.hpp"

#ifdef SCARMAP_HAVE_HEIF
#include <libheif/heif.h>
#endif

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

TEST(Heic, MirrorOrientationsAreApplied) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC decoder";
  cv::Mat bgr;
  // 2: mirrored left-right (imir); 4: mirrored top-bottom.
  ASSERT_TRUE(DecodeHeic(EncodeHeic(Asymmetric(), 90, 2), 100.0, &bgr).ok());
  ASSERT_EQ(bgr.size(), cv::Size(160, 96));
  EXPECT_NEAR(BrightestPoint(bgr).x, 160 - 1 - 30, 3);
  EXPECT_NEAR(BrightestPoint(bgr).y, 20, 3);
  ASSERT_TRUE(DecodeHeic(EncodeHeic(Asymmetric(), 90, 4), 100.0, &bgr).ok());
  ASSERT_EQ(bgr.size(), cv::Size(160, 96));
  EXPECT_NEAR(BrightestPoint(bgr).x, 30, 3);
  EXPECT_NEAR(BrightestPoint(bgr).y, 96 - 1 - 20, 3);
}

#ifdef SCARMAP_HAVE_HEIF
TEST(Heic, MultiImageFileUsesThePrimaryImage) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC decoder";
  // First a thumbnail-like image, then the photo, which is the primary one.
  cv::Mat photo(120, 64, CV_8UC3, cv::Scalar(60, 90, 200));
  cv::circle(photo, {40, 90}, 7, cv::Scalar(250, 250, 250), cv::FILLED);
  const std::string bytes = EncodeHeicImages({Asymmetric(), photo}, 1, 90, 1);

  // The file holds two top-level images and names the second as primary (read by libheif).
  heif_context* ctx = heif_context_alloc();
  ASSERT_EQ(heif_context_read_from_memory_without_copy(ctx, bytes.data(), bytes.size(), nullptr)
                .code,
            heif_error_Ok);
  ASSERT_EQ(heif_context_get_number_of_top_level_images(ctx), 2);
  std::vector<heif_item_id> ids(2);
  heif_context_get_list_of_top_level_image_IDs(ctx, ids.data(), 2);
  heif_item_id primary = 0;
  heif_context_get_primary_image_ID(ctx, &primary);
  EXPECT_EQ(primary, ids[1]);
  heif_context_free(ctx);

  int w = 0, h = 0;
  ASSERT_TRUE(ReadHeicSize(bytes, &w, &h).ok());
  EXPECT_EQ(cv::Size(w, h), cv::Size(64, 120));
  cv::Mat bgr;
  ASSERT_TRUE(DecodeHeic(bytes, 100.0, &bgr).ok());
  ASSERT_EQ(bgr.size(), cv::Size(64, 120));
  EXPECT_NEAR(BrightestPoint(bgr).x, 40, 3);
  EXPECT_NEAR(BrightestPoint(bgr).y, 90, 3);
  EXPECT_NEAR(bgr.at<cv::Vec3b>(20, 20)[2], 200, 8);
  // The loader goes the same way (format sniffing, size check, decode).
  const LoadedImage img = LoadImageFromBytes(LoadOptions{}, bytes, "burst.heic");
  ASSERT_TRUE(img.status.ok()) << img.status.message;
  EXPECT_EQ(img.header.format, "heic");
  EXPECT_EQ(img.bgr.size(), cv::Size(64, 120));
  EXPECT_THROW(EncodeHeicImages({photo}, 1, 90, 1), Error);
}
#endif

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
