#include "scarmap/preprocess/stats.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace scarmap {

double RobustSigma(const cv::Mat& img, const cv::Mat& mask, double floor, int step) {
  std::vector<float> v;
  v.reserve(img.total() / (step * step) + 1);
  for (int y = 0; y < img.rows; y += step) {
    const float* r = img.ptr<float>(y);
    const uchar* m = mask.empty() ? nullptr : mask.ptr<uchar>(y);
    for (int x = 0; x < img.cols; x += step)
      if (!m || m[x]) v.push_back(r[x]);
  }
  if (v.size() < 10) return 1.0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  const float med = v[v.size() / 2];
  for (float& x : v) x = std::abs(x - med);
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return std::max(floor, 1.4826 * v[v.size() / 2]);
}

}  // namespace scarmap
