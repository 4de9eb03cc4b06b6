// PLACEHOLDER until the scalp stage lands (issue 5): replace wholesale.
#include "scarmap/preprocess/scalp.hpp"

namespace scarmap {
void ScalpOptions::Check() const {}
ScalpRegion FindScalp(const ScalpOptions&, const WorkingImage& image) {
  ScalpRegion r;
  r.mask = cv::Mat(image.bgr.size(), CV_8U, cv::Scalar(255));
  r.area_px = static_cast<double>(r.mask.total());
  r.found = true;
  return r;
}
}  // namespace scarmap
