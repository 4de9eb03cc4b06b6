// PLACEHOLDER until the measure stage lands (issue 5): replace wholesale.
#include "scarmap/measure/contrast.hpp"

namespace scarmap {
void ContrastOptions::Check() const {}
Contrast MeasureContrast(const ContrastOptions&, const WorkingImage&, const cv::Mat&,
                         const cv::Mat&) {
  return {};
}
}  // namespace scarmap
