// Robust image statistics shared by the detectors.
#pragma once

#include <algorithm>
#include <vector>

#include <opencv2/core.hpp>

namespace scarmap {

/// Robust standard deviation of a CV_32F image inside `mask` (CV_8U, empty = everywhere):
/// 1.4826 x the median absolute deviation of every `step`-th pixel in x and y, at least `floor`.
/// Returns 1 when fewer than 10 pixels are sampled.
double RobustSigma(const cv::Mat& img, const cv::Mat& mask, double floor, int step = 3);

/// Median of `v` (the upper one of an even count), reordering `v`; 0 when `v` is empty.
template <class T>
T MedianInPlace(std::vector<T>& v) {
  if (v.empty()) return T(0);
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace scarmap
