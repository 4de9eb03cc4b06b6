#include "scarmap/preprocess/filters.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// Blobs of every size, touching the borders, with holes and thin bridges: 0/255.
cv::Mat RandomMask(cv::Size size, int seed) {
  cv::RNG rng(seed);
  cv::Mat m = cv::Mat::zeros(size, CV_8U);
  for (int i = 0; i < 40; ++i) {
    const cv::Point c(rng.uniform(-10, size.width + 10), rng.uniform(-10, size.height + 10));
    const cv::Size axes(rng.uniform(1, size.width / 3 + 2), rng.uniform(1, size.height / 3 + 2));
    cv::ellipse(m, c, axes, rng.uniform(0, 180), 0, 360, cv::Scalar(rng.uniform(0, 3) ? 255 : 0),
                cv::FILLED);
  }
  for (int i = 0; i < 200; ++i)
    m.at<uchar>(rng.uniform(0, size.height), rng.uniform(0, size.width)) ^= 255;  // salt and holes
  return m;
}

int Differ(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return -1;
  return cv::countNonZero(a.reshape(1) != b.reshape(1));
}

TEST(BinaryMorphology, EqualsOpenCvForEllipseRectAndCrossKernels) {
  const cv::Size sizes[] = {{157, 103}, {64, 200}, {9, 7}};
  for (const cv::Size size : sizes)
    for (int seed = 1; seed <= 3; ++seed) {
      const cv::Mat m = RandomMask(size, seed);
      for (int shape : {cv::MORPH_ELLIPSE, cv::MORPH_RECT, cv::MORPH_CROSS})
        for (int d : {1, 3, 7, 25, 61}) {
          const cv::Mat k = cv::getStructuringElement(shape, {d, d});
          cv::Mat er, di, op;
          cv::erode(m, er, k);
          cv::dilate(m, di, k);
          cv::morphologyEx(m, op, cv::MORPH_OPEN, k);
          SCOPED_TRACE(testing::Message()
                       << size << " seed " << seed << " shape " << shape << " d " << d);
          EXPECT_EQ(Differ(BinaryErode(m, k), er), 0);
          EXPECT_EQ(Differ(BinaryDilate(m, k), di), 0);
          EXPECT_EQ(Differ(BinaryOpen(m, k), op), 0);
        }
    }
}

TEST(BinaryMorphology, WideAndOddShapedKernelsToo) {
  const cv::Mat m = RandomMask({120, 90}, 7);
  // Not square, even-sized, and rows that are not centred runs (the OpenCV fallback).
  cv::Mat ring = cv::getStructuringElement(cv::MORPH_ELLIPSE, {9, 9});
  ring.at<uchar>(4, 4) = 0;
  for (const cv::Mat& k : {cv::getStructuringElement(cv::MORPH_ELLIPSE, {31, 5}),
                           cv::getStructuringElement(cv::MORPH_ELLIPSE, {8, 8}), ring}) {
    cv::Mat er, di;
    cv::erode(m, er, k);
    cv::dilate(m, di, k);
    EXPECT_EQ(Differ(BinaryErode(m, k), er), 0);
    EXPECT_EQ(Differ(BinaryDilate(m, k), di), 0);
  }
}

TEST(BinaryMorphology, DiscsAsWideAsTheScalpStageUsesThem) {
  // The scalp stage opens with a 12 mm disc (145 px at 12 px/mm): kernels about as large as the
  // mask, and larger than it, on masks wider than tall and taller than wide.
  for (const cv::Size size : {cv::Size(420, 230), cv::Size(120, 400)})
    for (int d : {99, 145, 301}) {
      // On, with off blobs of every size and a few holes in the left half: a disc fits in places.
      cv::Mat m(size, CV_8U, cv::Scalar(255));
      cv::RNG rng(d);
      // Draws in named steps: the order in which a compiler evaluates function arguments is
      // unspecified, and gcc and clang differ (clang drew a scene a 145 px disc fits nowhere).
      for (int i = 0; i < 8; ++i) {
        const int angle = rng.uniform(0, 180);
        const int ax = rng.uniform(2, size.width / 3), ay = rng.uniform(2, size.height / 3);
        const int cx = rng.uniform(0, size.width / 2), cy = rng.uniform(0, size.height);
        cv::ellipse(m, {cx, cy}, {ax, ay}, angle, 0, 360, cv::Scalar(0), cv::FILLED);
      }
      for (int i = 0; i < 6; ++i) {
        const int x = rng.uniform(0, size.width / 2), y = rng.uniform(0, size.height);
        m.at<uchar>(y, x) = 0;
      }
      const cv::Mat k = cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d});
      cv::Mat er, di, op;
      cv::erode(m, er, k);
      cv::dilate(m, di, k);
      cv::morphologyEx(m, op, cv::MORPH_OPEN, k);
      SCOPED_TRACE(testing::Message() << size << " d " << d);
      EXPECT_EQ(Differ(BinaryErode(m, k), er), 0);
      EXPECT_EQ(Differ(BinaryDilate(m, k), di), 0);
      EXPECT_EQ(Differ(BinaryOpen(m, k), op), 0);
      EXPECT_GT(cv::countNonZero(op), 0);  // not a trivial result
      EXPECT_LT(cv::countNonZero(op), cv::countNonZero(m));
    }
}

TEST(BinaryMorphology, CentredRunsThatWidenAwayFromTheAnchorRow) {
  // Rows that are centred runs but not the narrowing kind of a disc (an hourglass, rows of
  // different widths above and below the anchor, an empty row inside): every row is checked.
  const cv::Mat m = RandomMask({140, 110}, 11);
  cv::Mat hourglass = cv::Mat::zeros(9, 9, CV_8U), lopsided = cv::Mat::zeros(7, 7, CV_8U);
  for (int y = 0; y < 9; ++y) {
    const int hw = std::abs(y - 4);
    hourglass(cv::Rect(4 - hw, y, 2 * hw + 1, 1)).setTo(1);
  }
  for (int y = 0; y < 7; ++y) {
    const int hw = y < 3 ? 3 : (y == 5 ? -1 : 1);
    if (hw >= 0) lopsided(cv::Rect(3 - hw, y, 2 * hw + 1, 1)).setTo(1);
  }
  for (const cv::Mat& k : {hourglass, lopsided}) {
    cv::Mat er, di;
    cv::erode(m, er, k);
    cv::dilate(m, di, k);
    EXPECT_EQ(Differ(BinaryErode(m, k), er), 0);
    EXPECT_EQ(Differ(BinaryDilate(m, k), di), 0);
  }
}

TEST(BinaryMorphology, AnyNonZeroIsOnAndTheResultIs0Or255) {
  cv::Mat m = cv::Mat::zeros(20, 20, CV_8U);
  m(cv::Rect(2, 2, 10, 10)).setTo(1);
  const cv::Mat out = BinaryOpen(m, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  EXPECT_EQ(out.at<uchar>(6, 6), 255);
  EXPECT_EQ(out.at<uchar>(15, 15), 0);
  EXPECT_THROW(BinaryOpen(cv::Mat(), cv::Mat::ones(3, 3, CV_8U)), Error);
  EXPECT_THROW(BinaryOpen(m, cv::Mat()), Error);
  EXPECT_THROW(BinaryErode(cv::Mat::zeros(4, 4, CV_32F), cv::Mat::ones(3, 3, CV_8U)), Error);
}

TEST(GaussianBlurBands, BitIdenticalToGaussianBlur) {
  const int threads = cv::getNumThreads();
  cv::setNumThreads(4);  // several bands whatever the machine
  cv::RNG rng(3);
  for (int type : {CV_32FC1, CV_32FC3, CV_8UC1}) {
    cv::Mat img(301, 257, type);
    rng.fill(img, cv::RNG::UNIFORM, 0, 255);
    for (double sigma : {0.8, 3.6, 12.0, 40.0}) {
      cv::Mat ref;
      cv::GaussianBlur(img, ref, cv::Size(0, 0), sigma);
      EXPECT_EQ(Differ(GaussianBlurBands(img, sigma), ref), 0)
          << "type " << type << " sigma " << sigma;
    }
  }
  cv::Mat small(5, 6, CV_32F, cv::Scalar(2));
  cv::Mat ref;
  cv::GaussianBlur(small, ref, cv::Size(0, 0), 2.0);
  EXPECT_EQ(Differ(GaussianBlurBands(small, 2.0), ref), 0);
  cv::setNumThreads(threads);
}

// Band by band, the same pixels as the whole image: bands of 1 row, of sizes that do and do not
// divide the height, and one band larger than the image; sigmas narrower and wider than a band.
TEST(NormalisedLogBands, BitIdenticalToTheWholeImage) {
  cv::RNG rng(5);
  cv::Mat img(203, 131, CV_32F);
  rng.fill(img, cv::RNG::UNIFORM, 0, 100);
  cv::GaussianBlur(img, img, cv::Size(0, 0), 1.0);  // some structure, not only pixel noise
  for (double sigma : {0.7, 2.1, 6.8, 20.0}) {
    cv::Mat g, ref;
    cv::GaussianBlur(img, g, cv::Size(0, 0), sigma);
    cv::Laplacian(g, ref, CV_32F, 3);
    ref *= -sigma * sigma;
    for (int band_rows : {1, 7, 29, 64, 203, 500}) {
      cv::Mat got(img.size(), CV_32F, cv::Scalar(-1e30));
      int next = 0;
      NormalisedLogBands(img, sigma, band_rows, [&](int y0, const cv::Mat& band) {
        EXPECT_EQ(y0, next);  // in order, each row once
        ASSERT_EQ(band.cols, img.cols);
        ASSERT_LE(band.rows, band_rows);
        band.copyTo(got.rowRange(y0, y0 + band.rows));
        next = y0 + band.rows;
      });
      EXPECT_EQ(next, img.rows);
      EXPECT_EQ(Differ(got, ref), 0) << "sigma " << sigma << " bands of " << band_rows;
    }
  }
  double lo = 0, hi = 0;
  cv::Mat g, ref;
  cv::GaussianBlur(img, g, cv::Size(0, 0), 2.1);
  cv::Laplacian(g, ref, CV_32F, 3);
  cv::minMaxLoc(ref, &lo, &hi);
  EXPECT_GT(hi - lo, 1.0);  // the comparison above was not of flat images
  auto none = [](int, const cv::Mat&) {};
  EXPECT_THROW(NormalisedLogBands(cv::Mat::zeros(4, 4, CV_8U), 1.0, 4, none), Error);
  EXPECT_THROW(NormalisedLogBands(img, 1.0, 0, none), Error);
}

// The part of the upsampled window that holds the seed, found on the rectangle that can hold it:
// the same pixels and box as upsampling the whole window, on smooth fields with spots and
// plateaus, levels from low (one part across the window) to high (a spot's top), seeds anywhere
// (on the edges too).
TEST(UpsampledComponent, SameAsTheWholeWindowUpsampled) {
  cv::RNG rng(11);
  int found = 0, small = 0, below = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const cv::Size size(rng.uniform(1, 70), rng.uniform(1, 70));
    cv::Mat v(size, CV_32F);
    rng.fill(v, cv::RNG::NORMAL, 60, 8);
    cv::GaussianBlur(v, v, cv::Size(0, 0), rng.uniform(0.5, 4.0));
    for (int k = 0; k < 3; ++k)  // light spots
      cv::circle(v, {rng.uniform(0, size.width), rng.uniform(0, size.height)},
                 rng.uniform(1, 8), cv::Scalar(rng.uniform(62.0, 75.0)), cv::FILLED);
    if (trial % 5 == 0) v.setTo(70.0f, v > 64.0f);  // flat tops: values exactly at the level
    const int f = 1 << rng.uniform(0, 4);  // 1, 2, 4, 8
    const cv::Point seed(rng.uniform(0, size.width), rng.uniform(0, size.height));
    const float level = trial % 5 == 0 ? 70.0f : static_cast<float>(rng.uniform(55.0, 72.0));
    cv::Mat up;
    cv::resize(v, up, cv::Size(), f, f, cv::INTER_LINEAR);
    const cv::Mat above = up >= level;
    const cv::Point su(seed.x * f + f / 2, seed.y * f + f / 2);
    cv::Mat region;
    cv::Rect box;
    const bool got = UpsampledComponent(v, level, seed, f, &region, &box);
    SCOPED_TRACE(testing::Message() << "trial " << trial << " size " << size << " f " << f);
    if (!above.at<uchar>(su)) {
      EXPECT_FALSE(got);
      ++below;
      continue;
    }
    ASSERT_TRUE(got);
    cv::Mat filled = cv::Mat::zeros(above.rows + 2, above.cols + 2, CV_8U);
    cv::Rect ref_box;
    cv::floodFill(above, filled, su, 0, &ref_box, 0, 0, 8 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
    EXPECT_EQ(Differ(region, filled(cv::Rect(1, 1, above.cols, above.rows))), 0);
    EXPECT_EQ(box, ref_box);
    ++found;
    // A part that covers less than half the window: the rectangle upsampled was a part of it.
    if (cv::countNonZero(region) * 2 < region.total()) ++small;
  }
  EXPECT_GT(found, 50);
  EXPECT_GT(small, 20);
  EXPECT_GT(below, 20);
  cv::Mat region;
  cv::Rect box;
  const cv::Mat v(8, 8, CV_32F, cv::Scalar(1));
  EXPECT_THROW(UpsampledComponent(v, 0.5f, {0, 0}, 3, &region, &box), Error);
  EXPECT_THROW(UpsampledComponent(v, 0.5f, {8, 0}, 4, &region, &box), Error);
  EXPECT_THROW(UpsampledComponent(cv::Mat(8, 8, CV_8U), 0.5f, {0, 0}, 4, &region, &box), Error);
}

TEST(ThinZhangSuen, EqualsOpenCvContribThinning) {
  // Blobs with holes and salt, touching the borders; crossing and fanning strokes 1-4 px wide
  // (hairs); a single pixel; an empty mask; values other than 0 and 255.
  std::vector<cv::Mat> masks = {RandomMask({157, 103}, 1), RandomMask({64, 200}, 2),
                                RandomMask({9, 7}, 3), cv::Mat::zeros(40, 50, CV_8U)};
  cv::RNG rng(4);
  cv::Mat strokes = cv::Mat::zeros(180, 240, CV_8U);
  for (int i = 0; i < 60; ++i) {
    const cv::Point a(rng.uniform(0, 240), rng.uniform(0, 180));
    cv::line(strokes, a, a + cv::Point(rng.uniform(-30, 31), rng.uniform(-30, 31)), cv::Scalar(255),
             rng.uniform(1, 5));
  }
  masks.push_back(strokes);
  cv::Mat dot = cv::Mat::zeros(5, 5, CV_8U);
  dot.at<uchar>(2, 2) = 255;
  masks.push_back(dot);
  cv::Mat grey = RandomMask({80, 60}, 5);
  grey.setTo(130, RandomMask({80, 60}, 6) & grey);           // on (>= 128), as ximgproc reads it
  grey.setTo(100, RandomMask({80, 60}, 7) & (grey == 255));  // off
  masks.push_back(grey);
  for (const cv::Mat& m : masks) {
    cv::Mat ref;
    cv::ximgproc::thinning(m, ref, cv::ximgproc::THINNING_ZHANGSUEN);
    const cv::Mat out = ThinZhangSuen(m);
    EXPECT_EQ(Differ(out, ref), 0) << m.size();
    EXPECT_LE(cv::countNonZero(out), cv::countNonZero(m >= 128));
  }
  EXPECT_EQ(cv::countNonZero(ThinZhangSuen(dot)), 1);
  EXPECT_THROW(ThinZhangSuen(cv::Mat::zeros(4, 4, CV_32F)), Error);
}

TEST(WithinDistance, EqualsTheThresholdedDistanceTransform) {
  // Blobs, salt and holes touching the borders; a single dot; distances at and between the
  // lengths of integer offsets (1, sqrt 2, 5, ...) and wider than the image.
  std::vector<cv::Mat> masks = {RandomMask({157, 103}, 1), RandomMask({64, 200}, 2),
                                RandomMask({9, 7}, 3), cv::Mat::zeros(40, 50, CV_8U)};
  masks.back().at<uchar>(17, 23) = 255;
  // Sparse, as the SMP plan's scar masks are (the runs are found skipping empty bytes): dots and
  // short runs at both edges and across an 8-byte boundary, rows far apart.
  cv::Mat sparse = cv::Mat::zeros(61, 203, CV_8U);
  sparse(cv::Rect(0, 3, 2, 1)).setTo(255);
  sparse(cv::Rect(199, 3, 4, 2)).setTo(255);
  sparse(cv::Rect(6, 30, 5, 1)).setTo(255);
  sparse.at<uchar>(59, 100) = 255;
  masks.insert(masks.begin(), sparse);  // (the last mask stays the single dot)
  for (const cv::Mat& m : masks)
    for (double d : {0.0, 0.5, 1.0, 1.4142, 1.4143, 2.0, 2.2361, 5.0, 7.3, 12.5, 25.0, 60.37, 250.0,
                     4.9999999999}) {
      cv::Mat dist;
      cv::distanceTransform(m == 0, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
      const cv::Mat ref = dist <= d;
      SCOPED_TRACE(testing::Message() << m.size() << " d " << d);
      EXPECT_EQ(Differ(WithinDistance(m, d), ref), 0);
    }
  // One distance for many masks in a row, as the SMP plan asks (the disc is kept, not measured
  // again), and the last few distances in turn.
  for (int k = 0; k < 3; ++k)
    for (const cv::Mat& m : masks)
      for (double d : {60.37, 7.3, 60.37}) {
        cv::Mat dist;
        cv::distanceTransform(m == 0, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
        EXPECT_EQ(Differ(WithinDistance(m, d), dist <= d), 0) << m.size() << " d " << d;
      }
  // A dot of 5 px: its margin is a digital disc of radius 5 around it.
  const cv::Mat dot = masks.back();
  EXPECT_EQ(cv::countNonZero(WithinDistance(dot, 5.0)), 81);  // offsets with dx^2 + dy^2 <= 25
  EXPECT_EQ(cv::countNonZero(WithinDistance(cv::Mat::zeros(5, 5, CV_8U), 3.0)), 0);
  EXPECT_THROW(WithinDistance(dot, -1.0), Error);
  EXPECT_THROW(WithinDistance(cv::Mat::zeros(4, 4, CV_32F), 1.0), Error);
}

TEST(GaussianBlurCoarse, CloseToGaussianBlurForWideSigmas) {
  // Odd and even sizes, 1 and 3 channels: a lightness-like field (a ramp, blobs, pixel noise).
  cv::RNG rng(9);
  for (const cv::Size size : {cv::Size(400, 300), cv::Size(333, 251)})
    for (int type : {CV_32FC1, CV_32FC3}) {
      cv::Mat img(size, type, cv::Scalar::all(50));
      for (int i = 0; i < 30; ++i)
        cv::circle(img, {rng.uniform(0, size.width), rng.uniform(0, size.height)},
                   rng.uniform(3, 40), cv::Scalar::all(rng.uniform(30.0, 80.0)), cv::FILLED);
      cv::Mat noise(size, type);
      rng.fill(noise, cv::RNG::NORMAL, 0, 5);
      img += noise;
      for (double sigma : {6.0, 12.0, 18.0}) {
        cv::Mat ref;
        cv::GaussianBlur(img, ref, cv::Size(0, 0), sigma);
        const cv::Mat out = GaussianBlurCoarse(img, sigma);
        ASSERT_EQ(out.size(), img.size());
        ASSERT_EQ(out.type(), img.type());
        SCOPED_TRACE(testing::Message() << size << " type " << type << " sigma " << sigma);
        // L*: 0.5 % of the blobs' steps of 30 L* and more, at the border too (it is reflected).
        EXPECT_LT(cv::norm(out, ref, cv::NORM_INF), 0.15);
        EXPECT_GT(cv::norm(out, ref, cv::NORM_INF), 0.0);  // it is an approximation
      }
    }
  // Narrower sigmas are the exact blur.
  cv::Mat img(50, 60, CV_32F);
  rng.fill(img, cv::RNG::UNIFORM, 0, 100);
  cv::Mat ref;
  cv::GaussianBlur(img, ref, cv::Size(0, 0), 3.0);
  EXPECT_EQ(Differ(GaussianBlurCoarse(img, 3.0), ref), 0);
  EXPECT_THROW(GaussianBlurCoarse(cv::Mat::zeros(8, 8, CV_8U), 12.0), Error);
}

TEST(GaussianBlurCoarse, ALocalVarianceStaysNonNegative) {
  // The scalp stage's texture: blur(L^2) - blur(L)^2 is a variance with any positive normalised
  // average, so it does not go negative where the skin is smooth.
  cv::Mat l(200, 240, CV_32F, cv::Scalar(60));
  cv::RNG rng(4);
  cv::Mat noise(l.size(), CV_32F);
  rng.fill(noise, cv::RNG::NORMAL, 0, 0.5);
  l(cv::Rect(0, 0, 120, 200)) += noise(cv::Rect(0, 0, 120, 200));
  const cv::Mat m1 = GaussianBlurCoarse(l, 12.0), m2 = GaussianBlurCoarse(l.mul(l), 12.0);
  const cv::Mat var = m2 - m1.mul(m1);
  double lo = 0, hi = 0;
  cv::minMaxLoc(var, &lo, &hi);
  EXPECT_GT(lo, -0.05);                                // float rounding of 3600 - 3600 only
  EXPECT_GT(var.at<float>(100, 20), 0.15);             // the noisy half: about 0.25
  EXPECT_LT(std::abs(var.at<float>(100, 220)), 0.05);  // the smooth half
}

TEST(ResizeLinearRows, BandsEqualTheWholeResize) {
  // Upsampling as the FUT ridge pyramid does (odd sizes: not exactly 2x), exactly 2x, 8x, a
  // downsampling and the same size; bands of uneven heights that tile the result, one row, none.
  cv::RNG rng(5);
  struct Case {
    cv::Size src, dst;
    int type;
  };
  const Case cases[] = {{{1155, 866}, {2309, 1732}, CV_32FC1}, {{60, 40}, {120, 80}, CV_32FC1},
                        {{17, 13}, {131, 101}, CV_32FC1},      {{90, 70}, {41, 33}, CV_32FC1},
                        {{33, 29}, {33, 29}, CV_32FC3},        {{40, 1}, {77, 9}, CV_32FC1}};
  for (const Case& c : cases) {
    cv::Mat src(c.src, c.type);
    rng.fill(src, cv::RNG::UNIFORM, -50, 150);
    cv::Mat ref;
    cv::resize(src, ref, c.dst, 0, 0, cv::INTER_LINEAR);
    cv::Mat tiled(c.dst, c.type);
    for (int y0 = 0; y0 < c.dst.height;) {
      const int y1 = std::min(c.dst.height, y0 + rng.uniform(1, 70));
      ResizeLinearRows(src, c.dst, y0, y1).copyTo(tiled.rowRange(y0, y1));
      y0 = y1;
    }
    EXPECT_EQ(Differ(tiled, ref), 0) << c.src << " -> " << c.dst;
    // From only the source rows each band needs (a copy of them, with a row more on either
    // side where there is one), as a caller computing the source band by band gives them.
    cv::Mat from_rows(c.dst, c.type);
    for (int y0 = 0; y0 < c.dst.height;) {
      const int y1 = std::min(c.dst.height, y0 + rng.uniform(1, 70));
      const cv::Range need = LinearRowsNeeded(c.src.height, c.dst, y0, y1);
      const int a = std::max(0, need.start - 1), b = std::min(c.src.height, need.end + 1);
      const cv::Mat rows = src.rowRange(a, b).clone();
      ResizeLinearRows(rows, c.src.height, a, c.dst, y0, y1).copyTo(from_rows.rowRange(y0, y1));
      if (need.size() > 0 && need.start > 0)  // a row short: refused, not read out of bounds
        EXPECT_THROW(ResizeLinearRows(src.rowRange(need.start + 1, c.src.height).clone(),
                                      c.src.height, need.start + 1, c.dst, y0, y1),
                     Error);
      y0 = y1;
    }
    EXPECT_EQ(Differ(from_rows, ref), 0) << c.src << " -> " << c.dst;
    EXPECT_EQ(ResizeLinearRows(src, c.dst, 3, 3).rows, 0);
  }
  const cv::Mat f(4, 4, CV_32F, cv::Scalar(1));
  EXPECT_THROW(ResizeLinearRows(cv::Mat(4, 4, CV_8U, cv::Scalar(1)), {8, 8}, 0, 8), Error);
  EXPECT_THROW(ResizeLinearRows(f, {8, 8}, 0, 9), Error);
  EXPECT_THROW(ResizeLinearRows(f, {8, 8}, 5, 4), Error);
  EXPECT_THROW(ResizeLinearRows(f, {0, 8}, 0, 1), Error);
}

TEST(CoarseBlurRows, RowsEqualTheWholeCoarseBlur) {
  // Odd and even sides, margins wider than the image, a narrow sigma (the full blur kept);
  // rows asked for in uneven bands, from two threads at once.
  cv::RNG rng(6);
  const cv::Size sizes[] = {{257, 301}, {300, 200}, {41, 23}, {12, 9}};
  for (const cv::Size size : sizes) {
    cv::Mat img(size, CV_32F);
    rng.fill(img, cv::RNG::UNIFORM, 0, 100);
    for (double sigma : {2.5, 6.0, 9.3, 25.0}) {
      const cv::Mat ref = GaussianBlurCoarse(img, sigma);
      const CoarseBlurRows blur(
          size, [&](int y, float* out) { img.row(y).copyTo(cv::Mat(1, size.width, CV_32F, out)); },
          sigma);
      EXPECT_EQ(blur.size(), size);
      cv::Mat tiled(size, CV_32F, cv::Scalar(-1));
      std::vector<std::pair<int, int>> bands;
      for (int y0 = 0; y0 < size.height;) {
        const int y1 = std::min(size.height, y0 + rng.uniform(1, 50));
        bands.emplace_back(y0, y1);
        y0 = y1;
      }
      cv::parallel_for_(cv::Range(0, static_cast<int>(bands.size())), [&](const cv::Range& r) {
        for (int i = r.start; i < r.end; ++i)
          blur.Rows(bands[i].first, bands[i].second)
              .copyTo(tiled.rowRange(bands[i].first, bands[i].second));
      });
      EXPECT_EQ(Differ(tiled, ref), 0) << size << " sigma " << sigma;
    }
  }
  const auto none = [](int, float*) {};
  EXPECT_THROW(CoarseBlurRows({0, 4}, none, 8.0), Error);
  EXPECT_THROW(CoarseBlurRows({4, 4}, none, 0.0), Error);
  EXPECT_THROW(CoarseBlurRows({4, 4}, none, 8.0).Rows(2, 5), Error);
}

}  // namespace
}  // namespace scarmap
