// PLACEHOLDER until the FUT stage lands (issue 6): replace wholesale.
#include "scarmap/scar/fut_band_segmenter.hpp"

namespace scarmap {
void FutOptions::Check() const {}
FutBands SegmentFutBands(const FutOptions&, const WorkingImage& image, const Follicles&) {
  FutBands b;
  b.labels = cv::Mat::zeros(image.bgr.size(), CV_32S);
  return b;
}
}  // namespace scarmap
