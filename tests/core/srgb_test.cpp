#include "scarmap/core/srgb.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace scarmap {
namespace {

TEST(CbrtPositive, WithinTwoUlpOfTheLibraryCubeRoot) {
  // Every argument LabF takes it for: (216 / 24389, ~1.2], densely, plus larger values.
  double worst = 0.0;
  for (float x = 216.0f / 24389.0f; x < 64.0f; x *= 1.0000731f) {
    const double ref = std::cbrt(static_cast<double>(x));
    worst = std::max(worst, std::abs(detail::CbrtPositive(x) - ref) / ref);
  }
  EXPECT_LT(worst, std::ldexp(1.0, -22));  // 2 ulp of a float at the bottom of its binade
}

TEST(LinearSrgbToLab, ReferenceWhiteGreyAndPrimaries) {
  const cv::Vec3f white = LinearSrgbToLab(1.0f, 1.0f, 1.0f);
  EXPECT_NEAR(white[0], 100.0, 1e-3);
  EXPECT_NEAR(white[1], 0.0, 1e-2);
  EXPECT_NEAR(white[2], 0.0, 1e-2);
  // 18 % grey: L* 49.5; black: 0; below the linear-segment threshold L* = 903.3 Y.
  EXPECT_NEAR(LinearSrgbToLab(0.18f, 0.18f, 0.18f)[0], 49.496, 1e-2);
  EXPECT_NEAR(LinearSrgbToLab(0.0f, 0.0f, 0.0f)[0], 0.0, 1e-4);
  EXPECT_NEAR(LinearSrgbToLab(0.001f, 0.001f, 0.001f)[0], 0.9033, 1e-3);
  // sRGB red (255, 0, 0): L* 53.24, a* 80.09, b* 67.20 (CIE 15 with D65).
  const cv::Vec3f red = LinearSrgbToLab(1.0f, 0.0f, 0.0f);
  EXPECT_NEAR(red[0], 53.24, 0.02);
  EXPECT_NEAR(red[1], 80.09, 0.05);
  EXPECT_NEAR(red[2], 67.20, 0.05);
}

}  // namespace
}  // namespace scarmap
