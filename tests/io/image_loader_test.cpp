#include "scarmap/io/image_loader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/io/heic.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

using testing::Encode;
using testing::TempDir;
using testing::WriteBytes;

cv::Mat Asym() {
  cv::Mat img(60, 100, CV_8UC3, cv::Scalar(120, 130, 140));
  cv::circle(img, {15, 10}, 6, cv::Scalar(255, 255, 255), cv::FILLED);  // near top-left
  return img;
}

cv::Point Brightest(const cv::Mat& bgr) {
  cv::Mat g;
  cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
  cv::GaussianBlur(g, g, {7, 7}, 0);
  cv::Point p;
  cv::minMaxLoc(g, nullptr, nullptr, nullptr, &p);
  return p;
}

TEST(Sha256Hex, MatchesNistVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(ReadImageHeader, SniffsFormatsAndSizesWithoutDecoding) {
  const cv::Mat img = Asym();
  for (const std::string ext : {".jpg", ".png", ".tiff", ".webp", ".bmp"}) {
    const ImageHeader h = ReadImageHeader(Encode(img, ext));
    EXPECT_EQ(h.width, 100) << ext;
    EXPECT_EQ(h.height, 60) << ext;
  }
  EXPECT_EQ(ReadImageHeader(Encode(img, ".jpg")).format, "jpeg");
  EXPECT_EQ(ReadImageHeader(Encode(img, ".png")).format, "png");
  EXPECT_EQ(ReadImageHeader(Encode(img, ".tiff")).format, "tiff");
  EXPECT_EQ(ReadImageHeader(Encode(img, ".webp")).format, "webp");
  EXPECT_EQ(ReadImageHeader(Encode(img, ".bmp")).format, "bmp");
  EXPECT_EQ(ReadImageHeader("hello world").format, "");
  EXPECT_EQ(ReadImageHeader("").format, "");
}

TEST(ReadImageHeader, ReadsPngPhysAsDpi) {
  // PNG with pHYs of 23622 px/m (600 dpi), inserted before IDAT.
  std::string png = Encode(Asym(), ".png");
  const size_t idat = png.find("IDAT") - 4;
  std::string phys = std::string("\0\0\0\x09pHYs", 8) + std::string("\0\0\x5c\x46\0\0\x5c\x46\x01", 9);
  phys += std::string("\0\0\0\0", 4);  // CRC not checked by the header reader
  png.insert(idat, phys);
  const ImageHeader h = ReadImageHeader(png);
  ASSERT_TRUE(h.dpi.has_value());
  EXPECT_NEAR(*h.dpi, 600.0, 0.5);
}

TEST(ReadImageHeader, ReadsTiffResolutionAsDpi) {
  // libtiff (through OpenCV) writes XResolution as a RATIONAL and ResolutionUnit.
  std::vector<uchar> inch, cm, none;
  cv::imencode(".tiff", Asym(), inch,
               {cv::IMWRITE_TIFF_RESUNIT, 2, cv::IMWRITE_TIFF_XDPI, 600, cv::IMWRITE_TIFF_YDPI, 600});
  cv::imencode(".tiff", Asym(), cm,
               {cv::IMWRITE_TIFF_RESUNIT, 3, cv::IMWRITE_TIFF_XDPI, 236, cv::IMWRITE_TIFF_YDPI, 236});
  cv::imencode(".tiff", Asym(), none,
               {cv::IMWRITE_TIFF_RESUNIT, 1, cv::IMWRITE_TIFF_XDPI, 600, cv::IMWRITE_TIFF_YDPI, 600});
  const ImageHeader h = ReadImageHeader(std::string(inch.begin(), inch.end()));
  EXPECT_EQ(h.format, "tiff");
  EXPECT_EQ(h.width, 100);
  ASSERT_TRUE(h.dpi.has_value());
  EXPECT_NEAR(*h.dpi, 600.0, 1e-6);
  const ImageHeader hc = ReadImageHeader(std::string(cm.begin(), cm.end()));
  ASSERT_TRUE(hc.dpi.has_value());
  EXPECT_NEAR(*hc.dpi, 236 * 2.54, 1e-6);  // dots per cm
  // Unit "none": an aspect ratio, not a resolution.
  EXPECT_FALSE(ReadImageHeader(std::string(none.begin(), none.end())).dpi.has_value());
}

TEST(LoadImage, AppliesEveryExifOrientation) {
  const cv::Mat stored = Asym();  // dot at (15, 10) in a 100x60 image
  // Where the dot must be after each orientation is applied (upright frame).
  const cv::Point expect[9] = {{}, {15, 10}, {84, 10}, {84, 49}, {15, 49},
                               {10, 15}, {49, 15}, {49, 84}, {10, 84}};
  for (int o = 1; o <= 8; ++o) {
    const LoadedImage img = LoadImageFromBytes({}, testing::JpegWithOrientation(stored, o), "t");
    ASSERT_TRUE(img.status.ok()) << img.status.message;
    EXPECT_EQ(img.header.exif_orientation, o);
    const bool swapped = o >= 5;
    EXPECT_EQ(img.bgr.cols, swapped ? 60 : 100) << "orientation " << o;
    const cv::Point p = Brightest(img.bgr);
    EXPECT_NEAR(p.x, expect[o].x, 2) << "orientation " << o;
    EXPECT_NEAR(p.y, expect[o].y, 2) << "orientation " << o;
  }
}

// A 640 x 480 photo-like image: smooth shading, a bright disc near the stored top-left.
cv::Mat Shaded() {
  cv::Mat img(480, 640, CV_8UC3);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x)
      img.at<cv::Vec3b>(y, x) = cv::Vec3b(90 + x / 8, 110 + y / 8, 150);
  cv::circle(img, {96, 64}, 24, cv::Scalar(250, 250, 250), cv::FILLED);
  return img;
}

TEST(LoadImage, ReducedJpegDecodeHasTheReducedSize) {
  const std::string jpg = Encode(Shaded(), ".jpg");
  for (int r : {1, 2, 4, 8}) {
    LoadOptions o;
    o.reduction = r;
    const LoadedImage img = LoadImageFromBytes(o, jpg, "a.jpg");
    ASSERT_TRUE(img.status.ok());
    EXPECT_EQ(img.reduction, r);
    EXPECT_EQ(img.bgr.size(), cv::Size(640 / r, 480 / r));
    EXPECT_EQ(img.bgr.type(), CV_8UC3);
  }
  // A reduction that does not divide both sides is lowered until it does; other formats and
  // unknown sizes always decode in full.
  LoadOptions o;
  o.reduction = 8;
  const LoadedImage odd = LoadImageFromBytes(o, Encode(Shaded()(cv::Rect(0, 0, 636, 478)), ".jpg"), "b");
  EXPECT_EQ(odd.reduction, 2);
  EXPECT_EQ(odd.bgr.size(), cv::Size(318, 239));
  const LoadedImage png = LoadImageFromBytes(o, Encode(Shaded(), ".png"), "c.png");
  EXPECT_EQ(png.reduction, 1);
  EXPECT_EQ(png.bgr.size(), cv::Size(640, 480));
  EXPECT_EQ(UsableReduction(ImageHeader{}, 8), 1);
  o.reduction = 3;
  EXPECT_THROW(o.Check(), Error);
}

TEST(LoadImage, ReducedDecodeIsTheFullDecodeShrunk) {
  // DCT scaling low-passes like an area average, and pixel centres map as
  // x_full = (x + 0.5) * r - 0.5: every EXIF orientation, reduced, matches the full decode.
  const cv::Mat stored = Shaded();
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const std::string jpg = testing::JpegWithOrientation(stored, orientation);
    const LoadedImage full = LoadImageFromBytes({}, jpg, "a.jpg");
    LoadOptions o;
    o.reduction = 4;
    const LoadedImage red = LoadImageFromBytes(o, jpg, "a.jpg");
    ASSERT_TRUE(full.status.ok() && red.status.ok());
    ASSERT_EQ(red.bgr.size(), cv::Size(full.bgr.cols / 4, full.bgr.rows / 4)) << orientation;
    cv::Mat shrunk;
    cv::resize(full.bgr, shrunk, red.bgr.size(), 0, 0, cv::INTER_AREA);
    cv::Mat diff;
    cv::absdiff(shrunk, red.bgr, diff);
    EXPECT_LT(cv::mean(diff)[0], 2.0) << orientation;
    // The disc's centre, by the centroid of its lightness above the background.
    auto centre = [](const cv::Mat& bgr) {
      cv::Mat g;
      cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
      const cv::Moments m = cv::moments(cv::max(g, 200) - 200);
      return cv::Point2d(m.m10 / m.m00, m.m01 / m.m00);
    };
    const cv::Point2d b = centre(red.bgr), f = centre(full.bgr);
    EXPECT_NEAR((b.x + 0.5) * 4 - 0.5, f.x, 0.5) << orientation;
    EXPECT_NEAR((b.y + 0.5) * 4 - 0.5, f.y, 0.5) << orientation;
  }
}

TEST(LoadImage, ConvertsGreyAlphaAnd16BitToBgr8) {
  cv::Mat grey(20, 30, CV_8U, cv::Scalar(100));
  cv::Mat rgba(20, 30, CV_8UC4, cv::Scalar(10, 20, 30, 255));
  cv::Mat deep(20, 30, CV_16UC3, cv::Scalar(65535, 0, 32768));
  for (const cv::Mat& m : {grey, rgba, deep}) {
    const LoadedImage img = LoadImageFromBytes({}, Encode(m, ".png"), "t");
    ASSERT_TRUE(img.status.ok());
    EXPECT_EQ(img.bgr.type(), CV_8UC3);
    EXPECT_EQ(img.bgr.size(), cv::Size(30, 20));
  }
  const LoadedImage deep8 = LoadImageFromBytes({}, Encode(deep, ".png"), "t");
  EXPECT_EQ(deep8.bgr.at<cv::Vec3b>(0, 0)[0], 255);
}

TEST(LoadImage, BadInputsGetPreciseStatuses) {
  TempDir dir;
  const std::string jpg = Encode(Asym(), ".jpg");
  const std::string png = Encode(Asym(), ".png");
  WriteBytes(dir / "empty.jpg", "");
  WriteBytes(dir / "trunc.jpg", jpg.substr(0, jpg.size() / 2));
  WriteBytes(dir / "trunc.png", png.substr(0, png.size() / 2));
  WriteBytes(dir / "text.jpg", "this is not an image\n");
  std::filesystem::create_directory(dir / "folder.jpg");
  struct Case {
    std::string name;
    StatusCode code;
    std::string says;
  } cases[] = {{"missing.jpg", StatusCode::kUnreadable, "not found"},
               {"empty.jpg", StatusCode::kUnreadable, "empty"},
               {"trunc.jpg", StatusCode::kUnreadable, "truncated JPEG"},
               {"trunc.png", StatusCode::kUnreadable, "truncated PNG"},
               {"text.jpg", StatusCode::kUnreadable, "not an image"},
               {"folder.jpg", StatusCode::kUnreadable, "folder"}};
  for (const Case& c : cases) {
    const LoadedImage img = LoadImage({}, dir / c.name);
    EXPECT_EQ(img.status.code, c.code) << c.name;
    EXPECT_NE(img.status.message.find(c.says), std::string::npos) << img.status.message;
    EXPECT_TRUE(img.bgr.empty());
  }
}

TEST(LoadImage, UnreadablePermissionIsReported) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file; permission cannot be denied";
  TempDir dir;
  WriteBytes(dir / "locked.png", Encode(Asym(), ".png"));
  std::filesystem::permissions(dir / "locked.png", std::filesystem::perms::none);
  EXPECT_EQ(LoadImage({}, dir / "locked.png").status.code, StatusCode::kUnreadable);
}

TEST(LoadImage, DecompressionBombIsRefusedBeforeDecoding) {
  // A valid PNG header declaring 100000 x 100000 pixels and almost no data.
  std::string png = Encode(cv::Mat(1, 1, CV_8UC3, cv::Scalar(0)), ".png");
  const std::string big("\x00\x01\x86\xa0", 4);  // 100000
  png.replace(16, 4, big);
  png.replace(20, 4, big);
  const LoadedImage img = LoadImageFromBytes({}, png, "bomb.png");
  EXPECT_EQ(img.status.code, StatusCode::kTooLarge);
  EXPECT_NE(img.status.message.find("100000x100000"), std::string::npos);
  // The limit is configurable.
  LoadOptions small;
  small.max_megapixels = 0.001;  // 1000 px
  EXPECT_EQ(LoadImageFromBytes(small, Encode(Asym(), ".jpg"), "t").status.code,
            StatusCode::kTooLarge);
}

TEST(LoadImage, TinyAndThinImagesAreTooSmall) {
  struct Case {
    cv::Size size;
    StatusCode code;
    std::string says;
  } cases[] = {{{1, 1}, StatusCode::kTooSmall, "shorter than 16 px"},
               {{100000, 2}, StatusCode::kTooSmall, "shorter than 16 px"},
               {{2, 100000}, StatusCode::kTooSmall, "shorter than 16 px"},
               {{2100, 100}, StatusCode::kTooSmall, "too thin"},
               {{16, 16}, StatusCode::kOk, ""},
               {{2000, 100}, StatusCode::kOk, ""}};
  for (const Case& c : cases) {
    const cv::Mat img(c.size, CV_8UC3, cv::Scalar(120, 140, 170));
    const LoadedImage got = LoadImageFromBytes({}, Encode(img, ".png"), "t.png");
    EXPECT_EQ(got.status.code, c.code) << c.size;
    EXPECT_NE(got.status.message.find(c.says), std::string::npos) << got.status.message;
    EXPECT_EQ(got.bgr.empty(), c.code != StatusCode::kOk);
  }
}

TEST(ReadImageHeader, RepeatedTiffSizeTagsCountTheLargest) {
  // A TIFF whose IFD names the width twice: a decoder may use either, so the size check before
  // decoding must see the larger one (the decoded size is checked again after decoding).
  std::string t = std::string("II*\0\x08\0\0\0", 8) + std::string("\x03\0", 2);
  auto entry = [](uint16_t tag, uint32_t value) {
    std::string e(12, '\0');
    e[0] = static_cast<char>(tag & 0xFF);
    e[1] = static_cast<char>(tag >> 8);
    e[2] = 4;  // LONG
    e[4] = 1;  // count 1
    for (int k = 0; k < 4; ++k) e[8 + k] = static_cast<char>((value >> (8 * k)) & 0xFF);
    return e;
  };
  t += entry(256, 70000) + entry(256, 4) + entry(257, 20000) + std::string(4, '\0');
  const ImageHeader h = ReadImageHeader(t);
  EXPECT_EQ(h.format, "tiff");
  EXPECT_EQ(h.width, 70000);
  EXPECT_EQ(LoadImageFromBytes({}, t, "t.tif").status.code, StatusCode::kTooLarge);
}

TEST(LoadImage, LinksThatLeadNowhereAreNamed) {
  TempDir dir;
  std::filesystem::create_symlink("loop.jpg", dir / "loop.jpg");
  std::filesystem::create_symlink("missing.jpg", dir / "dangling.jpg");
  const LoadedImage loop = LoadImage({}, dir / "loop.jpg");
  EXPECT_EQ(loop.status.code, StatusCode::kUnreadable);
  EXPECT_NE(loop.status.message.find("symbolic link loop"), std::string::npos)
      << loop.status.message;
  const LoadedImage dangling = LoadImage({}, dir / "dangling.jpg");
  EXPECT_EQ(dangling.status.code, StatusCode::kUnreadable);
  EXPECT_NE(dangling.status.message.find("broken symbolic link"), std::string::npos)
      << dangling.status.message;
}

TEST(LoadImage, FifoIsNotReadFrom) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "pipe.jpg").c_str(), 0644), 0);
  const LoadedImage got = LoadImage({}, dir / "pipe.jpg");  // would block forever if opened
  EXPECT_EQ(got.status.code, StatusCode::kUnreadable);
  EXPECT_NE(got.status.message.find("not a regular file"), std::string::npos);
}

TEST(LoadImage, HeicIsDecodedOrClearlyUnsupported) {
  if (!HeicDecodeSupported()) GTEST_SKIP() << "libheif without HEVC";
  const LoadedImage img = LoadImageFromBytes({}, EncodeHeic(Asym(), 80, 1), "x.heic");
  ASSERT_TRUE(img.status.ok()) << img.status.message;
  EXPECT_EQ(img.header.format, "heic");
  EXPECT_EQ(img.bgr.size(), cv::Size(100, 60));
}

TEST(LoadImage, Sha256IsOfTheFileBytes) {
  TempDir dir;
  const std::string png = Encode(Asym(), ".png");
  WriteBytes(dir / "a.png", png);
  EXPECT_EQ(LoadImage({}, dir / "a.png").sha256, Sha256Hex(png));
}

}  // namespace
}  // namespace scarmap
