// Colour difference and skin-tone metrics.
#pragma once

#include <opencv2/core.hpp>

namespace scarmap {

/// CIEDE2000 colour difference (kL = kC = kH = 1), after Sharma, Wu & Dalal (2005),
/// "The CIEDE2000 color-difference formula: implementation notes, supplementary test data,
/// and mathematical observations". Inputs are CIELAB (L*, a*, b*).
double DeltaE2000(const cv::Vec3d& lab1, const cv::Vec3d& lab2);

/// Individual Typology Angle in degrees: atan2(L* - 50, b*) * 180 / pi.
double ItaDeg(const cv::Vec3d& lab);

}  // namespace scarmap
