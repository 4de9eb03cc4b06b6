// Plain measurement value types shared by the measure, smp and report stages.
#pragma once

#include <array>

namespace scarmap {

/// CIELAB contrast of a scar against a ring of surrounding skin (hair excluded).
struct Contrast {
  double delta_L = 0.0;      ///< scar L* minus skin L*: positive = scar lighter
  double delta_E2000 = 0.0;  ///< CIEDE2000 between scar and skin mean colours
  std::array<double, 3> scar_lab{};
  std::array<double, 3> skin_lab{};
};

/// Summary of a width profile (same unit as the profile).
struct WidthStats {
  double mean = 0.0;
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
};

}  // namespace scarmap
