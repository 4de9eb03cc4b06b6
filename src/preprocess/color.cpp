// PLACEHOLDER until the colour stage lands (issue 5): replace wholesale.
#include "scarmap/preprocess/color.hpp"

#include <opencv2/imgproc.hpp>

namespace scarmap {
void FlattenOptions::Check() const {}
cv::Mat BgrToLab(const cv::Mat& bgr) {
  cv::Mat f, lab;
  bgr.convertTo(f, CV_32F, 1.0 / 255.0);
  cv::cvtColor(f, lab, cv::COLOR_BGR2Lab);
  return lab;
}
cv::Vec3d BgrToLab(const cv::Vec3d& bgr) {
  cv::Mat m(1, 1, CV_8UC3, cv::Scalar(bgr[0], bgr[1], bgr[2]));
  cv::Vec3f v = BgrToLab(m).at<cv::Vec3f>(0, 0);
  return {v[0], v[1], v[2]};
}
cv::Mat FlattenLightness(const FlattenOptions&, const cv::Mat& lab, const cv::Mat&, double) {
  cv::Mat ch[3];
  cv::split(lab, ch);
  return ch[0];
}
}  // namespace scarmap
