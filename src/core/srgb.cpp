#include "scarmap/core/srgb.hpp"

#include <algorithm>
#include <cmath>

namespace scarmap {

double SrgbToLinear(double v01) {
  return v01 <= 0.04045 ? v01 / 12.92 : std::pow((v01 + 0.055) / 1.055, 2.4);
}

double LinearToSrgb(double linear) {
  const double c = std::clamp(linear, 0.0, 1.0);
  return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
}

const std::array<float, 256>& SrgbToLinearLut() {
  static const std::array<float, 256> lut = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = static_cast<float>(SrgbToLinear(i / 255.0));
    return t;
  }();
  return lut;
}

}  // namespace scarmap
