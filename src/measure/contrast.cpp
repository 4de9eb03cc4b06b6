#include "scarmap/measure/contrast.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/measure/color_difference.hpp"

namespace scarmap {

void ContrastOptions::Check() const {
  if (!(ring_gap_mm >= 0.0 && ring_gap_mm < 20.0)) throw Error("contrast.ring_gap_mm must be 0..20");
  if (!(ring_width_mm > 0.0 && ring_width_mm < 50.0))
    throw Error("contrast.ring_width_mm must be in (0, 50)");
}

Contrast MeasureContrast(const ContrastOptions& options, const WorkingImage& image,
                         const cv::Mat& labels, int label, const cv::Rect& box,
                         const cv::Mat& hair_mask) {
  options.Check();
  if (labels.type() != CV_32S || labels.size() != image.lightness.size() ||
      image.ab.size() != image.lightness.size())
    throw Error("MeasureContrast: labels must be CV_32S of the working image size, whose "
                "lightness and ab must be filled");
  const double gap = image.MmToPx(options.ring_gap_mm);
  const double outer = gap + image.MmToPx(options.ring_width_mm);
  const int grow = static_cast<int>(std::ceil(outer)) + 1;
  const cv::Rect frame(0, 0, labels.cols, labels.rows);
  const cv::Rect roi =
      cv::Rect(box.x - grow, box.y - grow, box.width + 2 * grow, box.height + 2 * grow) & frame;
  Contrast c;
  if (roi.empty()) return c;
  const cv::Mat lab_roi = labels(roi);
  const cv::Mat scar = lab_roi == label;
  cv::Mat dist;
  cv::distanceTransform(scar == 0, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  const bool have_hair = !hair_mask.empty();
  const bool have_scalp = !image.scalp_mask.empty();

  cv::Vec3d sum(0, 0, 0);
  int n_scar = 0;
  std::vector<float> ring[3];
  for (int y = 0; y < roi.height; ++y) {
    const int* l = lab_roi.ptr<int>(y);
    const float* d = dist.ptr<float>(y);
    const float* px_l = image.lightness.ptr<float>(roi.y + y) + roi.x;
    const cv::Vec2s* px_ab = image.ab.ptr<cv::Vec2s>(roi.y + y) + roi.x;
    const uchar* h = have_hair ? hair_mask.ptr<uchar>(roi.y + y) + roi.x : nullptr;
    const uchar* s = have_scalp ? image.scalp_mask.ptr<uchar>(roi.y + y) + roi.x : nullptr;
    for (int x = 0; x < roi.width; ++x) {
      const bool hair = h && h[x];
      if (l[x] == label) {
        if (!hair) {
          sum += cv::Vec3d(px_l[x], px_ab[x][0] / kAbScale, px_ab[x][1] / kAbScale);
          ++n_scar;
        }
      } else if (l[x] == 0 && !hair && (!s || s[x]) && d[x] > gap && d[x] <= outer) {
        ring[0].push_back(px_l[x]);
        ring[1].push_back(px_ab[x][0] / kAbScale);
        ring[2].push_back(px_ab[x][1] / kAbScale);
      }
    }
  }
  if (n_scar == 0 || ring[0].size() < 5) return c;
  const cv::Vec3d scar_lab = sum / n_scar;
  cv::Vec3d skin_lab;
  for (int k = 0; k < 3; ++k) {
    std::nth_element(ring[k].begin(), ring[k].begin() + ring[k].size() / 2, ring[k].end());
    skin_lab[k] = ring[k][ring[k].size() / 2];
  }
  c.delta_L = scar_lab[0] - skin_lab[0];
  c.delta_E2000 = DeltaE2000(scar_lab, skin_lab);
  c.scar_lab = {scar_lab[0], scar_lab[1], scar_lab[2]};
  c.skin_lab = {skin_lab[0], skin_lab[1], skin_lab[2]};
  return c;
}

}  // namespace scarmap
