#include "scarmap/preprocess/color.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/srgb.hpp"
#include "scarmap/core/status.hpp"

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

// The working image's planes: L* as BgrToLab gives it, a* and b* in fixed point to within
// half their step; through a colour correction, what its matrix and curve give per pixel.
TEST(ComputeLab, FixedPointPlanesMatchTheFloatConversion) {
  WorkingImage w;
  w.bgr = cv::Mat(16, 16, CV_8UC3);
  cv::randu(w.bgr, 0, 256);
  w.bgr.at<cv::Vec3b>(0, 0) = {0, 0, 255};  // pure red: a* 80
  w.bgr.at<cv::Vec3b>(0, 1) = {255, 0, 0};  // pure blue: b* -108
  ComputeLab(&w);
  ASSERT_EQ(w.lightness.type(), CV_32F);
  ASSERT_EQ(w.ab.type(), CV_16SC2);
  const cv::Mat ref = BgrToLab(w.bgr);
  ColorCorrection c;
  c.source = ColorSource::kColorChecker;
  c.matrix = cv::Matx33d(1.1, -0.05, 0.0, 0.02, 0.95, 0.01, -0.03, 0.0, 1.2);
  c.input_gamma = 2.2;
  WorkingImage corrected = w;
  ComputeLab(&corrected, c);
  EXPECT_NE(corrected.lightness.data, w.lightness.data);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) {
      const cv::Vec3f want = ref.at<cv::Vec3f>(y, x), got = w.LabAt(y, x);
      EXPECT_EQ(got[0], want[0]);
      for (int k = 1; k < 3; ++k) EXPECT_NEAR(got[k], want[k], 0.5 / kAbScale + 1e-6);
      EXPECT_NEAR(w.ChromaAt(y, x), std::hypot(want[1], want[2]), 1.0 / kAbScale);
      const cv::Vec3b p = w.bgr.at<cv::Vec3b>(y, x);
      const cv::Vec3d lin = CorrectToLinear(c, cv::Vec3d(p[2], p[1], p[0]));
      const cv::Vec3f lab = LinearSrgbToLab(static_cast<float>(std::max(lin[0], 0.0)),
                                            static_cast<float>(std::max(lin[1], 0.0)),
                                            static_cast<float>(std::max(lin[2], 0.0)));
      const cv::Vec3f cor = corrected.LabAt(y, x);
      EXPECT_NEAR(cor[0], lab[0], 1e-3);
      for (int k = 1; k < 3; ++k) EXPECT_NEAR(cor[k], lab[k], 0.5 / kAbScale + 1e-3);
    }
  w.bgr = cv::Mat(4, 4, CV_8U);
  EXPECT_THROW(ComputeLab(&w), Error);
}

TEST(FlattenLightness, RemovesAGradientButKeepsSmallSpots) {
  cv::Mat l(300, 400, CV_32F);
  for (int y = 0; y < 300; ++y)
    for (int x = 0; x < 400; ++x) l.at<float>(y, x) = 50.0f + 0.05f * x;
  cv::circle(l, {200, 150}, 6, cv::Scalar(80), cv::FILLED);
  const cv::Mat flat = FlattenLightness({}, l, cv::Mat(), 12.0);
  EXPECT_NEAR(flat.at<float>(150, 20), flat.at<float>(150, 380), 1.5);  // gradient gone
  EXPECT_GT(flat.at<float>(150, 200) - flat.at<float>(150, 240), 15.0);  // spot kept
}


// The straightforward whole-image versions (full-size maps, whole-image wide fill): the fast
// ones must give the same pixels.
cv::Mat FlattenReference(const cv::Mat& lab, const cv::Mat& mask, double sigma_px) {
  cv::Mat l;
  cv::extractChannel(lab, l, 0);
  const int cell = std::max(4, static_cast<int>(sigma_px / 2.0));
  const int gw = (l.cols + cell - 1) / cell, gh = (l.rows + cell - 1) / cell;
  cv::Mat grid(gh, gw, CV_32F, cv::Scalar(0)), weight(gh, gw, CV_32F, cv::Scalar(0));
  std::vector<float> all;
  for (int gy = 0; gy < gh; ++gy)
    for (int gx = 0; gx < gw; ++gx) {
      std::vector<float> vals;
      for (int y = gy * cell; y < std::min(l.rows, (gy + 1) * cell); y += 2)
        for (int x = gx * cell; x < std::min(l.cols, (gx + 1) * cell); x += 2)
          if (mask.empty() || mask.at<uchar>(y, x)) vals.push_back(l.at<float>(y, x));
      if (vals.size() < 8) continue;
      std::nth_element(vals.begin(), vals.begin() + vals.size() / 2, vals.end());
      grid.at<float>(gy, gx) = vals[vals.size() / 2];
      weight.at<float>(gy, gx) = 1.0f;
      all.push_back(vals[vals.size() / 2]);
    }
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  cv::Mat num, den, bg;
  cv::GaussianBlur(grid.mul(weight), num, cv::Size(0, 0), 0.8, 0.8, cv::BORDER_REPLICATE);
  cv::GaussianBlur(weight, den, cv::Size(0, 0), 0.8, 0.8, cv::BORDER_REPLICATE);
  cv::Mat mapx(l.size(), CV_32F), mapy(l.size(), CV_32F);
  for (int y = 0; y < l.rows; ++y)
    for (int x = 0; x < l.cols; ++x) {
      mapx.at<float>(y, x) = (x + 0.5f) / cell - 0.5f;
      mapy.at<float>(y, x) = (y + 0.5f) / cell - 0.5f;
    }
  cv::remap(num / cv::max(den, 1e-3f), bg, mapx, mapy, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return l - bg + all[all.size() / 2];
}

cv::Mat FillReference(const cv::Mat& img, const cv::Mat& mask, double sigma_px,
                      cv::Mat* sparse = nullptr) {
  cv::Mat keep, num, den;
  cv::Mat(mask == 0).convertTo(keep, CV_32F, 1.0 / 255.0);
  cv::GaussianBlur(img.mul(keep), num, cv::Size(0, 0), sigma_px);
  cv::GaussianBlur(keep, den, cv::Size(0, 0), sigma_px);
  cv::Mat out = img.clone();
  cv::Mat(num / cv::max(den, 1e-3f)).copyTo(out, mask);
  const cv::Mat far = (den < 0.05f) & mask;
  cv::GaussianBlur(img.mul(keep), num, cv::Size(0, 0), 4 * sigma_px);
  cv::GaussianBlur(keep, den, cv::Size(0, 0), 4 * sigma_px);
  cv::Mat(num / cv::max(den, 1e-4f)).copyTo(out, far);
  if (sparse) *sparse = far;
  return out;
}

// FillMasked against FillReference: the pixels with skin near are the same bit for bit; the
// wide fill (computed at half resolution) is within `tol` of the full-resolution one.
void ExpectFill(const cv::Mat& img, const cv::Mat& mask, double sigma_px, float tol) {
  cv::Mat sparse;
  const cv::Mat ref = FillReference(img, mask, sigma_px, &sparse);
  const cv::Mat out = FillMasked(img, mask, sigma_px);
  EXPECT_EQ(cv::countNonZero((out != ref) & (sparse == 0)), 0) << "sigma " << sigma_px;
  double worst = 0;
  cv::minMaxLoc(cv::abs(out - ref), nullptr, &worst, nullptr, nullptr, sparse);
  EXPECT_LE(worst, tol) << "sigma " << sigma_px << ", " << cv::countNonZero(sparse) << " far pixels";
}

// Skin lightness with a ramp, noise, dark "hair" strokes and one dense tuft.
void Scene(cv::Mat* lab, cv::Mat* hair) {
  cv::RNG rng(5);
  *lab = cv::Mat(333, 467, CV_32FC3);
  for (int y = 0; y < lab->rows; ++y)
    for (int x = 0; x < lab->cols; ++x)
      lab->at<cv::Vec3f>(y, x) = {40.0f + 0.04f * x + static_cast<float>(rng.gaussian(2.0)), 12,
                                  17};
  *hair = cv::Mat::zeros(lab->size(), CV_8U);
  for (int i = 0; i < 300; ++i) {
    const cv::Point a(rng.uniform(0, lab->cols), rng.uniform(0, lab->rows));
    cv::line(*hair, a, a + cv::Point(rng.uniform(-6, 7), rng.uniform(-6, 7)), cv::Scalar(255), 2);
  }
  cv::circle(*hair, {300, 200}, 25, cv::Scalar(255), cv::FILLED);  // no skin near its centre
  cv::Mat l, dark(lab->size(), CV_32F);
  cv::extractChannel(*lab, l, 0);
  rng.fill(dark, cv::RNG::UNIFORM, 8.0, 30.0);  // far below the skin: every rounding shows
  dark.copyTo(l, *hair);
  cv::insertChannel(l, *lab, 0);
}

TEST(FlattenLightness, SamePixelsAsTheWholeImageRemap) {
  cv::Mat lab, hair, l;
  Scene(&lab, &hair);
  cv::extractChannel(lab, l, 0);
  cv::Mat scalp = cv::Mat::zeros(lab.size(), CV_8U);
  scalp(cv::Rect(10, 0, 420, 333)).setTo(255);
  for (const cv::Mat& mask : {cv::Mat(), scalp})
    for (double sigma_mm : {2.0, 8.0, 25.0}) {
      FlattenOptions o;
      o.sigma_mm = sigma_mm;
      const cv::Mat ref = FlattenReference(lab, mask, sigma_mm * 12.0);
      EXPECT_EQ(cv::countNonZero(FlattenLightness(o, l, mask, 12.0) != ref), 0) << sigma_mm;
    }
}

TEST(FillMasked, SamePixelsAsTheWholeImageFill) {
  cv::Mat lab, hair, l;
  Scene(&lab, &hair);
  cv::extractChannel(lab, l, 0);
  for (double sigma : {1.0, 3.6}) {
    ExpectFill(l, hair, sigma, 0.02f);
    const cv::Mat out = FillMasked(l, hair, sigma);
    if (sigma > 3.0) EXPECT_GT(out.at<float>(200, 300), 30.0f);  // the tuft's centre: skin
  }
}

TEST(FillMasked, TuftsFarApartAndAtTheBorders) {
  // The wide fill is computed around each tuft without skin nearby, the pixels those of the
  // whole-image fill: tufts in the corners, on an edge, two in one row of tiles, one in the middle.
  cv::Mat lab, hair, l;
  Scene(&lab, &hair);
  for (const cv::Point c : {cv::Point(0, 0), cv::Point(466, 332), cv::Point(466, 5),
                            cv::Point(120, 330), cv::Point(60, 150), cv::Point(180, 150)})
    cv::circle(hair, c, 22, cv::Scalar(255), cv::FILLED);
  cv::extractChannel(lab, l, 0);
  const double sigma = 3.6;
  ExpectFill(l, hair, sigma, 0.02f);
  const cv::Mat out = FillMasked(l, hair, sigma);
  for (const cv::Point c : {cv::Point(1, 1), cv::Point(465, 331), cv::Point(60, 150)})
    EXPECT_GT(out.at<float>(c), 30.0f) << c;  // skin, from far away
}

TEST(FillMasked, BandsOfRowsGiveTheWholeImageFill) {
  // FillMasked works a band of 128 rows at a time: tufts across the bands' edges, a band without
  // any hair, and fills wider than a band (sigma 9: the wide fill reaches 144 rows) are the
  // whole-image fill's pixels.
  cv::RNG rng(11);
  cv::Mat l(700, 300, CV_32F), hair = cv::Mat::zeros(700, 300, CV_8U);
  rng.fill(l, cv::RNG::NORMAL, 45.0, 2.0);
  for (int i = 0; i < 120; ++i) {
    const cv::Point a(rng.uniform(0, 300), rng.uniform(0, 380));  // rows 384-511: no hair
    cv::line(hair, a, a + cv::Point(rng.uniform(-6, 7), rng.uniform(-6, 7)), cv::Scalar(255), 2);
  }
  for (const cv::Point c : {cv::Point(40, 128), cv::Point(150, 255), cv::Point(260, 520),
                            cv::Point(100, 699)})
    cv::circle(hair, c, 24, cv::Scalar(255), cv::FILLED);
  cv::Mat dark(l.size(), CV_32F);
  rng.fill(dark, cv::RNG::UNIFORM, 8.0, 30.0);
  dark.copyTo(l, hair);
  for (double sigma : {1.0, 3.6, 9.0}) {
    ExpectFill(l, hair, sigma, 0.02f);
    const cv::Mat out = FillMasked(l, hair, sigma);
    if (sigma > 3.0) EXPECT_GT(out.at<float>(128, 40), 30.0f) << sigma;  // a tuft's centre: skin
  }
  EXPECT_THROW(FillMasked(l, hair(cv::Rect(0, 0, 10, 10)), 1.0), Error);
}

}  // namespace
}  // namespace scarmap
