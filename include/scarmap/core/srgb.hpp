// sRGB transfer function (IEC 61966-2-1).
#pragma once

#include <array>

namespace scarmap {

/// Linear light of an sRGB value `v01` in 0..1 (the IEC 61966-2-1 decoding curve).
double SrgbToLinear(double v01);

/// Linear light (0..1) of each 8-bit sRGB code value: SrgbToLinear(i / 255).
const std::array<float, 256>& SrgbToLinearLut();

}  // namespace scarmap
