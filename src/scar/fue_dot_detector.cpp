// PLACEHOLDER until the FUE stage lands (issue 5): replace wholesale.
#include "scarmap/scar/fue_dot_detector.hpp"

namespace scarmap {
void FueDotOptions::Check() const {}
FueDots DetectFueDots(const FueDotOptions&, const WorkingImage& image, const Follicles&,
                      const cv::Mat&) {
  FueDots d;
  d.labels = cv::Mat::zeros(image.bgr.size(), CV_32S);
  return d;
}
}  // namespace scarmap
