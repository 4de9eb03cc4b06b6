#include "scarmap/core/srgb.hpp"

#include <cmath>

namespace scarmap {

const std::array<float, 256>& SrgbToLinearLut() {
  static const std::array<float, 256> lut = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i) {
      const double c = i / 255.0;
      t[i] = static_cast<float>(c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4));
    }
    return t;
  }();
  return lut;
}

}  // namespace scarmap
