// PLACEHOLDER until the follicle stage lands (issue 5): replace wholesale.
#include "scarmap/follicle/follicle_detector.hpp"

namespace scarmap {
void FollicleOptions::Check() const {}
Follicles DetectFollicles(const FollicleOptions&, const WorkingImage& image) {
  Follicles f;
  f.hair_mask = cv::Mat::zeros(image.bgr.size(), CV_8U);
  f.density_per_cm2 = cv::Mat::zeros(image.bgr.size(), CV_32F);
  return f;
}
}  // namespace scarmap
