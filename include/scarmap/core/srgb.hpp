// sRGB transfer function (IEC 61966-2-1).
#pragma once

#include <array>

namespace scarmap {

/// Linear light (0..1) of each 8-bit sRGB code value, decoded with the IEC 61966-2-1 curve.
const std::array<float, 256>& SrgbToLinearLut();

}  // namespace scarmap
