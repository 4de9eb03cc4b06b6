// PLACEHOLDER until the measure stage lands (issue 5): replace wholesale.
#include "scarmap/measure/color_difference.hpp"

#include <cmath>

namespace scarmap {
double DeltaE2000(const cv::Vec3d& a, const cv::Vec3d& b) { return cv::norm(a - b); }
double ItaDeg(const cv::Vec3d& lab) { return std::atan2(lab[0] - 50.0, lab[2]) * 180.0 / CV_PI; }
}  // namespace scarmap
