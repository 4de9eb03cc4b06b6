#include "scarmap/follicle/follicle_detector.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/filters.hpp"
#include "scarmap/preprocess/stats.hpp"

namespace scarmap {

void FollicleOptions::Check() const {
  if (!(min_hair_width_mm > 0.0 && min_hair_width_mm < max_hair_width_mm))
    throw Error("follicle.min_hair_width_mm must be > 0 and < max_hair_width_mm");
  if (!(max_hair_width_mm <= 1.0)) throw Error("follicle.max_hair_width_mm must be <= 1 mm");
  if (!(noise_sigmas > 0.0)) throw Error("follicle.noise_sigmas must be > 0");
  if (!(min_contrast_L >= 0.0)) throw Error("follicle.min_contrast_L must be >= 0");
  if (!(density_radius_mm > 0.0)) throw Error("follicle.density_radius_mm must be > 0");
  if (!(hairs_per_unit >= 1.0 && hairs_per_unit <= 4.0))
    throw Error("follicle.hairs_per_unit must be in [1, 4]");
}

namespace {

// The free ends of component `label` of `labels` inside `box`: the end pixels (one 8-neighbour)
// of its skeleton (Zhang-Suen thinning), in working px.
std::vector<cv::Point> Tips(const cv::Mat& labels, int label, const cv::Rect& box) {
  // One pixel of background around the component, so that the thinning sees its whole outline.
  const cv::Rect padded(box.x - 1, box.y - 1, box.width + 2, box.height + 2);
  const cv::Rect inside = padded & cv::Rect(0, 0, labels.cols, labels.rows);
  cv::Mat comp = cv::Mat::zeros(padded.size(), CV_8U);
  cv::Mat(labels(inside) == label).copyTo(comp(cv::Rect(inside.tl() - padded.tl(), inside.size())));
  const cv::Mat skeleton = ThinZhangSuen(comp);
  std::vector<cv::Point> tips;
  for (int y = 1; y < skeleton.rows - 1; ++y)
    for (int x = 1; x < skeleton.cols - 1; ++x) {
      if (!skeleton.at<uchar>(y, x)) continue;
      int neighbours = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) neighbours += (dy || dx) && skeleton.at<uchar>(y + dy, x + dx);
      if (neighbours == 1) tips.push_back(cv::Point(x, y) + padded.tl());
    }
  return tips;
}

}  // namespace

Follicles DetectFollicles(const FollicleOptions& o, const WorkingImage& image) {
  o.Check();
  if (image.lightness.empty()) throw Error("DetectFollicles: image.lightness is empty");
  const cv::Mat& mask = image.scalp_mask;
  const cv::Size size = image.lightness.size();

  // Black-hat with a disc just wider than the thickest hair. Each full-size map is released as
  // soon as the next one exists (the peak is two float maps and the morphology's own).
  const int d = std::max(3, static_cast<int>(std::ceil(image.MmToPx(o.max_hair_width_mm) * 1.6)) | 1);
  const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d});
  cv::Mat resp;
  {
    cv::Mat smooth;
    {
      const cv::Mat flat = FlattenLightness({}, image.lightness, mask, image.px_per_mm);
      const double s0 = std::max(0.5, image.MmToPx(o.min_hair_width_mm) * 0.5);
      cv::GaussianBlur(flat, smooth, cv::Size(0, 0), s0);
    }
    cv::morphologyEx(smooth, resp, cv::MORPH_BLACKHAT, disc);
  }

  const double sigma = RobustSigma(resp, mask, 0.2);
  const double hi = std::max(o.noise_sigmas * sigma, o.min_contrast_L);
  cv::Mat labels, stats, cents;
  int n = 0;
  std::vector<uchar> keep;
  {
    cv::Mat strong = resp > hi, weak = resp > 0.5 * hi;
    if (!mask.empty()) {
      strong &= mask;
      weak &= mask;
    }
    // Hysteresis: weak components that contain a strong pixel.
    n = cv::connectedComponentsWithStats(weak, labels, stats, cents, 8, CV_32S);
    keep.assign(n, 0);
    for (int y = 0; y < labels.rows; ++y) {
      const int* l = labels.ptr<int>(y);
      const uchar* s = strong.ptr<uchar>(y);
      for (int x = 0; x < labels.cols; ++x)
        if (s[x]) keep[l[x]] = 1;
    }
    keep[0] = 0;
  }

  Follicles f;
  f.hairs_per_unit = o.hairs_per_unit;
  f.hair_mask = cv::Mat::zeros(size, CV_8U);
  std::vector<double> areas;
  for (int i = 1; i < n; ++i)
    if (keep[i]) areas.push_back(stats.at<int>(i, cv::CC_STAT_AREA));
  if (areas.empty()) return f;
  std::vector<double> sorted = areas;
  std::sort(sorted.begin(), sorted.end());
  // Single units dominate the components: their median area is the area of one unit. A
  // component counts as several units only when clearly larger (round half up from 1.5 x).
  const double a1 = std::max(2.0, sorted[sorted.size() / 2]);
  // From this many unit areas on, a component is a network of longer hairs (see the header).
  constexpr double kNetworkUnits = 8.0;

  // Darkest pixel per component.
  std::vector<cv::Point> darkest(n, cv::Point(-1, -1));
  std::vector<float> best(n, -1.0f);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const float* r = resp.ptr<float>(y);
    uchar* hm = f.hair_mask.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (!keep[l[x]]) continue;
      hm[x] = 255;
      if (r[x] > best[l[x]]) best[l[x]] = r[x], darkest[l[x]] = {x, y};
    }
  }
  resp.release();
  for (int i = 1; i < n; ++i) {
    if (!keep[i]) continue;
    const double area = stats.at<int>(i, cv::CC_STAT_AREA);
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                       stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    if (area >= kNetworkUnits * a1) {
      // A network of longer hairs that cross and touch: its hairs are counted by their free
      // tips, one per hair, and the units' exits spread over the tips.
      const std::vector<cv::Point> tips = Tips(labels, i, box);
      // A tip that ends on another hair is hidden in it: the chance of that is the hair cover
      // around (the component's share of its bounding box).
      const double visible = 1.0 - std::min(0.9, area / box.area());
      const int units = std::max(
          1, static_cast<int>(std::lround(tips.size() / visible / o.hairs_per_unit)));
      if (tips.empty()) {
        f.exits_px.emplace_back(darkest[i].x, darkest[i].y);
        continue;
      }
      for (int k = 0; k < units; ++k) {
        const cv::Point& t = tips[static_cast<size_t>(k) * tips.size() / units];
        f.exits_px.emplace_back(t.x, t.y);
      }
      continue;
    }
    const int units = std::max(1, static_cast<int>(std::lround(area / a1)));
    if (units == 1) {
      f.exits_px.emplace_back(darkest[i].x, darkest[i].y);
      continue;
    }
    // Several units: spread along the component's principal axis.
    const cv::Moments m = cv::moments(labels(box) == i, true);
    const double cx = box.x + m.m10 / m.m00, cy = box.y + m.m01 / m.m00;
    const double th = 0.5 * std::atan2(2 * m.mu11, m.mu20 - m.mu02);
    const double len = std::sqrt(std::max(1.0, 12.0 * std::max(m.mu20, m.mu02) / m.m00));
    for (int k = 0; k < units; ++k) {
      const double t = (k / (units - 1.0) - 0.5) * len * 0.8;
      f.exits_px.emplace_back(cx + t * std::cos(th), cy + t * std::sin(th));
    }
  }

  return f;
}

cv::Mat FollicleDensityMap(const FollicleOptions& o, const Follicles& f,
                           const WorkingImage& image) {
  o.Check();
  if (image.lightness.empty()) throw Error("FollicleDensityMap: image.lightness is empty");
  const cv::Mat& mask = image.scalp_mask;
  const cv::Size size = image.lightness.size();
  // Hairs per cm^2 within a disc (a box of the same width).
  cv::Mat dots = cv::Mat::zeros(size, CV_32F);
  for (const auto& p : f.exits_px) {
    const int x = std::clamp(static_cast<int>(std::lround(p.x)), 0, dots.cols - 1);
    const int y = std::clamp(static_cast<int>(std::lround(p.y)), 0, dots.rows - 1);
    dots.at<float>(y, x) += 1.0f;
  }
  const int k = 2 * static_cast<int>(std::lround(image.MmToPx(o.density_radius_mm))) + 1;
  cv::Mat cnt, area;
  cv::blur(dots, cnt, cv::Size(k, k));
  dots.release();
  {
    cv::Mat m32;
    if (mask.empty()) m32 = cv::Mat::ones(size, CV_32F);
    else mask.convertTo(m32, CV_32F, 1.0 / 255.0);
    cv::blur(m32, area, cv::Size(k, k));
  }
  // count per px / (scalp px per px) -> per px of scalp -> per cm^2 (f.hairs_per_unit hairs per
  // exit).
  const double px_per_cm2 = image.px_per_mm * image.px_per_mm * 100.0;
  return cnt / cv::max(area, 1e-3f) * (px_per_cm2 * f.hairs_per_unit);
}

}  // namespace scarmap
