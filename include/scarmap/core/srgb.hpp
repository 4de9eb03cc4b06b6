// sRGB transfer function (IEC 61966-2-1) and linear sRGB to CIELAB (D65 white, 2 deg observer).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <opencv2/core.hpp>

namespace scarmap {

/// Linear light of an sRGB value `v01` in 0..1 (the IEC 61966-2-1 decoding curve).
double SrgbToLinear(double v01);

/// The sRGB value (0..1) of linear light `linear`, clamped to 0..1 first (the encoding curve).
double LinearToSrgb(double linear);

/// Linear light (0..1) of each 8-bit sRGB code value: SrgbToLinear(i / 255).
const std::array<float, 256>& SrgbToLinearLut();

namespace detail {
/// Cube root of a positive normal float, within 2 ulp of std::cbrt at a fraction of its cost:
/// an exponent-thirds first guess (about 3 % off), then two Halley steps (cubic convergence).
inline float CbrtPositive(float x) {
  std::uint32_t i;
  std::memcpy(&i, &x, sizeof i);
  i = i / 3u + 709921077u;  // (127 - 127 / 3) << 23, less a bias that centres the error
  float y;
  std::memcpy(&y, &i, sizeof y);
  for (int k = 0; k < 2; ++k) {
    const float y3 = y * y * y;
    y *= (y3 + 2.0f * x) / (2.0f * y3 + x);
  }
  return y;
}

inline float LabF(float t) {
  constexpr float kEps = 216.0f / 24389.0f, kKappa = 24389.0f / 27.0f;
  return t > kEps ? CbrtPositive(t) : (kKappa * t + 16.0f) / 116.0f;
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
