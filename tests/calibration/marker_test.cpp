#include "scarmap/calibration/marker.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// A skin-like noisy scene with printed 10 mm DICT_4X4_50 markers on white cards, each placed by
// mapping the marker's corners (mm, marker frame) through its `to_px` (3x3 homography mm -> px).
// `code_blur_px` blurs the encoded image (not what optics do: see BlurInLinearLight).
cv::Mat Scene(cv::Size size, const std::vector<std::pair<cv::Matx33d, int>>& markers,
              double code_blur_px = 0.7) {
  cv::Mat scene(size, CV_8UC3, cv::Scalar(150, 170, 205));
  cv::Mat noise(size, CV_8UC3);
  cv::RNG rng(11);
  rng.fill(noise, cv::RNG::NORMAL, 0, 5);
  scene += noise;
  for (const auto& [to_px, marker_id] : markers) {
    // Card: 6 cells of marker + 2 cells quiet zone each side = 10 cells; 1 cell = 10/6 mm.
    const int cell_px = 60;
    cv::Mat marker;
    cv::aruco::drawMarker(cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50), marker_id,
                          6 * cell_px, marker, 1);
    cv::Mat card(10 * cell_px, 10 * cell_px, CV_8U, cv::Scalar(245));
    marker.copyTo(card(cv::Rect(2 * cell_px, 2 * cell_px, 6 * cell_px, 6 * cell_px)));
    // card px -> marker mm: (px - 2 cells) * (10 mm / 6 cells).
    const double mm_per_card_px = 10.0 / (6.0 * cell_px);
    const cv::Matx33d card_to_mm(mm_per_card_px, 0, -2 * cell_px * mm_per_card_px, 0,
                                 mm_per_card_px, -2 * cell_px * mm_per_card_px, 0, 0, 1);
    const cv::Matx33d h = to_px * card_to_mm;
    cv::Mat warped, mask;
    cv::Mat card_bgr;
    cv::cvtColor(card, card_bgr, cv::COLOR_GRAY2BGR);
    cv::warpPerspective(card_bgr, warped, cv::Mat(h), size, cv::INTER_AREA);
    cv::warpPerspective(cv::Mat(card.size(), CV_8U, cv::Scalar(255)), mask, cv::Mat(h), size,
                        cv::INTER_NEAREST);
    warped.copyTo(scene, mask);
  }
  if (code_blur_px > 0) cv::GaussianBlur(scene, scene, cv::Size(0, 0), code_blur_px);
  return scene;
}

cv::Mat Scene(cv::Size size, const cv::Matx33d& to_px, int marker_id = 3) {
  return Scene(size, {{to_px, marker_id}});
}

// Similarity mm -> px: scale, rotation (deg), translation.
cv::Matx33d Similarity(double px_per_mm, double deg, cv::Point2d t) {
  const double c = std::cos(deg * CV_PI / 180.0) * px_per_mm;
  const double s = std::sin(deg * CV_PI / 180.0) * px_per_mm;
  return {c, -s, t.x, s, c, t.y, 0, 0, 1};
}

TEST(DetectMarker, RotatedFrontalMarkerGivesScaleWithinOnePercent) {
  const double ppm = 14.0;
  const cv::Mat scene = Scene({900, 700}, Similarity(ppm, 30.0, {400, 300}));
  const MarkerDetection det = DetectMarker(MarkerOptions{}, scene);
  ASSERT_TRUE(det.found);
  EXPECT_EQ(det.marker_id, 3);
  EXPECT_EQ(det.markers_found, 1);
  EXPECT_NEAR(det.px_per_mm, ppm, 0.01 * ppm);
  EXPECT_LT(det.tilt_deg, 8.0);
  EXPECT_LT(det.uncertainty_rel, 0.01);
  // Centre of the marker: (5, 5) mm through the similarity.
  const cv::Vec3d c = Similarity(ppm, 30.0, {400, 300}) * cv::Vec3d(5, 5, 1);
  EXPECT_NEAR(det.center_px.x, c[0], 1.0);
  EXPECT_NEAR(det.center_px.y, c[1], 1.0);
}

// What a camera does: optics blur light (linear units), then the image is gamma-encoded (sRGB).
cv::Mat BlurInLinearLight(const cv::Mat& srgb, double sigma_px) {
  cv::Mat f;
  srgb.convertTo(f, CV_32F, 1.0 / 255);
  auto to_lin = [](float c) { return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); };
  auto to_srgb = [](float l) {
    l = std::clamp(l, 0.f, 1.f);
    return l <= 0.0031308f ? 12.92f * l : 1.055f * std::pow(l, 1 / 2.4f) - 0.055f;
  };
  f.forEach<cv::Vec3f>([&](cv::Vec3f& p, const int*) {
    for (int c = 0; c < 3; ++c) p[c] = to_lin(p[c]);
  });
  cv::GaussianBlur(f, f, cv::Size(0, 0), sigma_px);
  f.forEach<cv::Vec3f>([&](cv::Vec3f& p, const int*) {
    for (int c = 0; c < 3; ++c) p[c] = to_srgb(p[c]);
  });
  cv::Mat out;
  f.convertTo(out, CV_8U, 255.0);
  return out;
}

// A blurred photo of a marker: located in code values, the edges of a blurred black square
// move about a blur sigma into the black and the marker reads small (1-2 % at 10 px/mm).
TEST(DetectMarker, BlurredMarkerIsNotReadSmall) {
  for (const double ppm : {8.0, 11.0, 20.0}) {
    for (const double sigma : {0.8, 1.5, 2.2}) {
      const cv::Mat scene =
          BlurInLinearLight(Scene({900, 700}, {{Similarity(ppm, 17.0, {380, 260}), 3}}, 0.0), sigma);
      const MarkerDetection det = DetectMarker(MarkerOptions{}, scene);
      ASSERT_TRUE(det.found) << ppm << " px/mm, blur " << sigma;
      EXPECT_NEAR(det.px_per_mm, ppm, 0.003 * ppm) << ppm << " px/mm, blur " << sigma;
      // The stated 1-sigma uncertainty covers the error it makes.
      EXPECT_LT(std::abs(det.px_per_mm / ppm - 1), 3 * det.uncertainty_rel + 0.001)
          << ppm << " px/mm, blur " << sigma;
    }
  }
}

TEST(DetectMarker, TiltedMarkerIsMeasuredAlongItsUnforeshortenedSide) {
  const double ppm = 16.0;
  // Foreshortened by cos(45 deg) along y.
  const double f = std::cos(45.0 * CV_PI / 180.0);
  const cv::Matx33d tilt(1, 0, 0, 0, f, 0, 0, 0, 1);
  const cv::Mat scene = Scene({900, 700}, Similarity(ppm, 10.0, {350, 300}) * tilt);
  const MarkerDetection det = DetectMarker(MarkerOptions{}, scene);
  ASSERT_TRUE(det.found);
  EXPECT_NEAR(det.px_per_mm, ppm, 0.015 * ppm);
  EXPECT_NEAR(det.tilt_deg, 45.0, 4.0);
  EXPECT_GT(det.side_spread_rel, 0.2);
}

TEST(DetectMarker, LargePhotoIsDetectedOnADownscaledCopyAndRefined) {
  const double ppm = 9.0;
  const cv::Mat scene = Scene({4000, 3000}, Similarity(ppm, -12.0, {2500, 1800}));
  MarkerOptions o;
  o.max_detect_megapixels = 2.0;
  const MarkerDetection det = DetectMarker(o, scene);
  ASSERT_TRUE(det.found);
  EXPECT_NEAR(det.px_per_mm, ppm, 0.01 * ppm);
}

TEST(DetectMarker, OfTwoMarkersTheLargestIsUsed) {
  const cv::Mat scene = Scene({1000, 700}, {{Similarity(9.0, 5.0, {150, 150}), 7},
                                            {Similarity(15.0, -20.0, {600, 300}), 12}});
  const MarkerDetection det = DetectMarker(MarkerOptions{}, scene);
  ASSERT_TRUE(det.found);
  EXPECT_EQ(det.markers_found, 2);
  EXPECT_EQ(det.marker_id, 12);
  EXPECT_NEAR(det.px_per_mm, 15.0, 0.15);
}

TEST(DetectMarker, NoMarkerIsNotFound) {
  cv::Mat scene(600, 800, CV_8UC3, cv::Scalar(150, 170, 205));
  cv::rectangle(scene, cv::Rect(100, 100, 120, 120), cv::Scalar(20, 20, 20), cv::FILLED);
  const MarkerDetection det = DetectMarker(MarkerOptions{}, scene);
  EXPECT_FALSE(det.found);
  EXPECT_EQ(det.markers_found, 0);
  EXPECT_THROW(DetectMarker(MarkerOptions{}, cv::Mat()), Error);
}

TEST(DetectMarker, MarkerSideOptionScalesTheResult) {
  const cv::Mat scene = Scene({900, 700}, Similarity(12.0, 0.0, {300, 300}));
  MarkerOptions o;
  o.side_mm = 20.0;  // the user says the marker is twice as large: half the px per mm
  const MarkerDetection det = DetectMarker(o, scene);
  ASSERT_TRUE(det.found);
  EXPECT_NEAR(det.px_per_mm, 6.0, 0.06);
}

TEST(MarkerSheet, PngMarkerIsDetectedAtThePrintScale) {
  MarkerSheetOptions o;
  o.dpi = 300;
  o.copies = 1;
  const cv::Mat sheet = RenderMarkerSheetPng(o);
  const MarkerDetection det = DetectMarker(MarkerOptions{}, sheet);
  ASSERT_TRUE(det.found);
  EXPECT_EQ(det.marker_id, 0);
  EXPECT_NEAR(det.px_per_mm, 300.0 / 25.4, 0.01 * 300.0 / 25.4);
}

TEST(MarkerSheet, SvgHasPhysicalUnitsAndTheRuler) {
  MarkerSheetOptions o;
  o.side_mm = 12.5;
  const std::string svg = RenderMarkerSheetSvg(o);
  EXPECT_NE(svg.find("mm\" height="), std::string::npos);
  EXPECT_NE(svg.find("must measure 50 mm"), std::string::npos);
  EXPECT_NE(svg.find("12.5 mm"), std::string::npos);
}

TEST(MarkerSheet, RejectsBadOptions) {
  MarkerSheetOptions o;
  o.side_mm = 1.0;
  EXPECT_THROW(RenderMarkerSheetPng(o), Error);
  o = {};
  o.dictionary = "DICT_NOPE";
  EXPECT_THROW(RenderMarkerSheetSvg(o), Error);
  o = {};
  o.marker_id = 50;  // DICT_4X4_50 has ids 0..49
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace scarmap
