// sRGB transfer function (IEC 61966-2-1) and linear sRGB to CIELAB (D65 white, 2 deg observer).
#pragma once

#include <array>
#include <cmath>
#include <opencv2/core.hpp>

namespace scarmap {

/// Linear light of an sRGB value `v01` in 0..1 (the IEC 61966-2-1 decoding curve).
double SrgbToLinear(double v01);

/// Linear light (0..1) of each 8-bit sRGB code value: SrgbToLinear(i / 255).
const std::array<float, 256>& SrgbToLinearLut();

namespace detail {
inline float LabF(float t) {
  constexpr float kEps = 216.0f / 24389.0f, kKappa = 24389.0f / 27.0f;
  return t > kEps ? std::cbrt(t) : (kKappa * t + 16.0f) / 116.0f;
}
}  // namespace detail

/// CIELAB (L* 0..100, a*, b*) of linear sRGB r, g, b (0..1, not clamped) under D65, Y_n = 1.
/// Inline: it runs once per pixel of every colour conversion.
inline cv::Vec3f LinearSrgbToLab(float r, float g, float b) {
  constexpr double kXn = 0.95047, kYn = 1.0, kZn = 1.08883;  // D65 reference white
  const float x = static_cast<float>((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / kXn);
  const float y = static_cast<float>((0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / kYn);
  const float z = static_cast<float>((0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / kZn);
  const float fx = detail::LabF(x), fy = detail::LabF(y), fz = detail::LabF(z);
  return {116.0f * fy - 16.0f, 500.0f * (fx - fy), 200.0f * (fy - fz)};
}

}  // namespace scarmap
