#include "scarmap/scar/fue_dot_detector.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/stats.hpp"

namespace scarmap {
namespace {

struct Candidate {
  cv::Point p;
  float response;
  double radius_px;
};

}  // namespace

void FueDotOptions::Check() const {
  if (!(min_diameter_mm > 0.0 && min_diameter_mm < max_diameter_mm))
    throw Error("fue.min_diameter_mm must be > 0 and < max_diameter_mm");
  if (!(max_diameter_mm <= 5.0)) throw Error("fue.max_diameter_mm must be <= 5 mm");
  if (!(min_contrast_L > 0.0)) throw Error("fue.min_contrast_L must be > 0");
  if (!(min_roundness > 0.0 && min_roundness <= 1.0)) throw Error("fue.min_roundness must be (0,1]");
  if (!(min_solidity > 0.0 && min_solidity <= 1.0)) throw Error("fue.min_solidity must be (0,1]");
}

FueDots DetectFueDots(const FueDotOptions& o, const WorkingImage& image, const Follicles& fol,
                      const cv::Mat& exclude) {
  o.Check();
  if (image.lab.empty()) throw Error("DetectFueDots: image.lab is empty");
  FueDots out;
  out.labels = cv::Mat::zeros(image.lab.size(), CV_32S);
  const cv::Mat& scalp = image.scalp_mask;
  const cv::Size size = image.lab.size();

  // Hair-free, flattened lightness.
  const cv::Mat flat = FlattenLightness({}, image.lab, scalp, image.px_per_mm);
  cv::Mat hair_grown;
  if (!fol.hair_mask.empty()) cv::dilate(fol.hair_mask, hair_grown, cv::Mat());
  const cv::Mat clean = FillMasked(flat, hair_grown, std::max(1.0, image.MmToPx(0.3)));

  // Scale-normalised LoG over dot radii (sigma = r / sqrt(2)).
  const double rmin = image.MmToPx(o.min_diameter_mm / 2.0);
  const double rmax = image.MmToPx(o.max_diameter_mm / 2.0);
  cv::Mat best(size, CV_32F, cv::Scalar(0)), best_r(size, CV_32F, cv::Scalar(0));
  const int nscales = 5;
  for (int k = 0; k < nscales; ++k) {
    const double r = rmin * std::pow(rmax / rmin, k / (nscales - 1.0));
    const double s = std::max(0.7, r / std::sqrt(2.0));
    cv::Mat g, lap;
    cv::GaussianBlur(clean, g, cv::Size(0, 0), s);
    cv::Laplacian(g, lap, CV_32F, 3);
    lap *= -s * s;  // bright blob -> positive
    cv::Mat better = lap > best;
    lap.copyTo(best, better);
    best_r.setTo(r, better);
  }
  const double noise = RobustSigma(best, scalp, 0.1);
  const double contrast_noise = RobustSigma(clean - [&] {
    cv::Mat g;
    cv::GaussianBlur(clean, g, cv::Size(0, 0), std::max(1.0, rmax));
    return g;
  }(), scalp, 0.1);

  // Local maxima above threshold.
  cv::Mat dil;
  cv::dilate(best, dil, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  std::vector<Candidate> cands;
  const float thr = static_cast<float>(std::max(3.0 * noise, 0.5 * o.min_contrast_L));
  for (int y = 1; y < size.height - 1; ++y) {
    const float* b = best.ptr<float>(y);
    const float* d = dil.ptr<float>(y);
    const uchar* m = scalp.empty() ? nullptr : scalp.ptr<uchar>(y);
    const uchar* e = exclude.empty() ? nullptr : exclude.ptr<uchar>(y);
    for (int x = 1; x < size.width - 1; ++x) {
      if (b[x] < thr || b[x] < d[x]) continue;
      if ((m && !m[x]) || (e && e[x])) continue;
      cands.push_back({{x, y}, b[x], best_r.at<float>(y, x)});
    }
  }
  std::sort(cands.begin(), cands.end(),
            [](const Candidate& a, const Candidate& b) { return a.response > b.response; });

  const double px2 = image.px_per_mm * image.px_per_mm;
  const double amin = CV_PI * std::pow(o.min_diameter_mm / 2.0, 2) * px2;
  const double amax = CV_PI * std::pow(o.max_diameter_mm / 2.0, 2) * px2;
  const cv::Rect frame(0, 0, size.width, size.height);
  cv::Mat taken = cv::Mat::zeros(size, CV_8U);
  const cv::Mat hair = fol.hair_mask;
  cv::Mat smooth;
  cv::GaussianBlur(clean, smooth, cv::Size(0, 0), 0.8);

  for (const Candidate& c : cands) {
    if (taken.at<uchar>(c.p)) continue;
    // Window large enough for a cluster of a few dots plus the skin ring.
    const int half = static_cast<int>(std::ceil(std::max(3.0 * rmax, 4.0 * c.radius_px))) + 2;
    const cv::Rect win = cv::Rect(c.p.x - half, c.p.y - half, 2 * half + 1, 2 * half + 1) & frame;
    const cv::Mat v = smooth(win);
    // Skin level: median in a ring 1.6-2.6 radii around the candidate, hair excluded.
    std::vector<float> ring;
    const double r_in = 1.6 * c.radius_px, r_out = 2.6 * c.radius_px + 1.0;
    int ring_all = 0, ring_off = 0;
    for (int y = 0; y < win.height; ++y)
      for (int x = 0; x < win.width; ++x) {
        const double dd = std::hypot(win.x + x - c.p.x, win.y + y - c.p.y);
        if (dd < r_in || dd > r_out) continue;
        ++ring_all;
        if (!scalp.empty() && !scalp.at<uchar>(win.y + y, win.x + x)) {
          ++ring_off;
          continue;
        }
        if (!hair.empty() && hair.at<uchar>(win.y + y, win.x + x)) continue;
        ring.push_back(v.at<float>(y, x));
      }
    // At the edge of the scalp (ear, neck, background) the skin level is unknown.
    if (ring.size() < 8 || ring_off > 0.1 * ring_all) continue;
    std::nth_element(ring.begin(), ring.begin() + ring.size() / 2, ring.end());
    const float skin = ring[ring.size() / 2];
    const float peak = smooth.at<float>(c.p);
    const double contrast = peak - skin;
    if (contrast < o.min_contrast_L || contrast < o.noise_sigmas * contrast_noise) continue;
    const float half_level = skin + 0.5f * static_cast<float>(contrast);

    // Half-maximum region on a 4x upsampled window: sub-pixel area.
    cv::Mat up;
    const int f = 4;
    cv::resize(v, up, cv::Size(), f, f, cv::INTER_LINEAR);
    cv::Mat above = up >= half_level;
    cv::Mat comp;
    cv::connectedComponents(above, comp, 8, CV_32S);
    const cv::Point cu((c.p.x - win.x) * f + f / 2, (c.p.y - win.y) * f + f / 2);
    const int id = comp.at<int>(std::min(cu.y, comp.rows - 1), std::min(cu.x, comp.cols - 1));
    if (id == 0) continue;
    cv::Mat region_up = comp == id;
    // A region touching the window edge is not a compact spot (a band, an edge, glare field).
    if (cv::countNonZero(region_up.row(0)) || cv::countNonZero(region_up.row(region_up.rows - 1)) ||
        cv::countNonZero(region_up.col(0)) || cv::countNonZero(region_up.col(region_up.cols - 1)))
      continue;
    const double area_up = cv::countNonZero(region_up);
    const double area = area_up / (f * f);
    if (area < amin * 0.8 || area / px2 > o.max_cluster_mm2) continue;
    cv::Mat region;
    cv::resize(region_up, region, win.size(), 0, 0, cv::INTER_AREA);
    region = region >= 128;
    if (cv::countNonZero(region & taken(win))) continue;
    // Exclusions: FUT band, outside scalp, frame edge, glare.
    if (!exclude.empty() && cv::countNonZero(region & exclude(win))) continue;
    if (!scalp.empty() && cv::countNonZero(region & ~scalp(win))) continue;
    if (win.x == 0 || win.y == 0 || win.br().x == size.width || win.br().y == size.height) {
      const cv::Rect bb = cv::boundingRect(region);
      if (bb.x + win.x <= 0 || bb.y + win.y <= 0 || bb.br().x + win.x >= size.width ||
          bb.br().y + win.y >= size.height)
        continue;
    }
    cv::Mat bgr_win = image.bgr(win);
    cv::Mat sat;
    cv::inRange(bgr_win, cv::Scalar(250, 250, 250), cv::Scalar(255, 255, 255), sat);
    const double area_px_int = std::max(1, cv::countNonZero(region));
    if (cv::countNonZero(sat & region) > 0.2 * area_px_int) continue;
    if (!hair.empty() && cv::countNonZero(hair(win) & region) > o.max_hair_fraction * area_px_int)
      continue;

    // Shape on the upsampled region.
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(region_up, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    if (contours.empty()) continue;
    const auto& ct = *std::max_element(contours.begin(), contours.end(), [](auto& a, auto& b) {
      return a.size() < b.size();
    });
    std::vector<cv::Point> hull;
    cv::convexHull(ct, hull);
    const double solidity = area_up / std::max(1.0, cv::contourArea(hull));
    const cv::Moments m = cv::moments(region_up, true);
    const double common = std::sqrt(std::pow(m.mu20 - m.mu02, 2) + 4 * m.mu11 * m.mu11);
    const double l1 = (m.mu20 + m.mu02 + common) / 2, l2 = (m.mu20 + m.mu02 - common) / 2;
    const double roundness = l1 > 0 ? std::sqrt(std::max(0.0, l2) / l1) : 0.0;
    const cv::Point2d centroid(win.x + (m.m10 / m.m00 + 0.5) / f - 0.5,
                               win.y + (m.m01 / m.m00 + 0.5) / f - 0.5);

    // Dandruff: a tiny, very high-contrast, irregular fleck.
    if (contrast > 30.0 && area < amin * 1.5 && solidity < 0.85) continue;

    cv::Mat dist;
    cv::distanceTransform(region, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    cv::Mat dmax;
    const int sep = std::max(3, static_cast<int>(rmin * 1.5) | 1);
    cv::dilate(dist, dmax, cv::getStructuringElement(cv::MORPH_ELLIPSE, {sep, sep}));
    std::vector<cv::Point> peaks;
    for (int y = 0; y < dist.rows; ++y)
      for (int x = 0; x < dist.cols; ++x)
        if (dist.at<float>(y, x) >= rmin * 0.6 && dist.at<float>(y, x) >= dmax.at<float>(y, x))
          peaks.emplace_back(x, y);
    // Merge plateau duplicates.
    std::vector<cv::Point> seeds;
    for (const auto& p : peaks) {
      bool near = false;
      for (const auto& q : seeds) near = near || cv::norm(p - q) < rmin * 1.5;
      if (!near) seeds.push_back(p);
    }
    // Two or more distance-transform peaks with a waist between them: merged dots.
    const bool merged = seeds.size() >= 2 && (solidity < 0.95 || roundness < 0.6);
    const bool single = !merged && area <= amax * 1.15 && solidity >= o.min_solidity &&
                        roundness >= o.min_roundness;
    const double snr = contrast / std::max(0.1, contrast_noise);
    const double conf_c = 1.0 - std::exp(-(snr - o.noise_sigmas) / 4.0);
    // Barely above the noise threshold: gaps between dense stubble look like this.
    if (conf_c < o.min_confidence) {
      taken(win) |= region;  // nor does a weaker candidate inside the same spot qualify
      continue;
    }
    if (single) {
      if (area > amax * 1.15) continue;
      FueDot d;
      d.center_px = centroid;
      d.area_px = area;
      d.peak_contrast_L = contrast;
      d.confidence = std::clamp(conf_c * std::min(1.0, roundness / 0.7), 0.05, 1.0);
      out.dots.push_back(d);
      const int label = static_cast<int>(out.dots.size());
      out.labels(win).setTo(label, region);
      taken(win) |= region;
      continue;
    }
    // A merged cluster: split at distance-transform peaks at least one minimum radius apart.
    if (!merged) continue;  // one irregular or oversized spot: not an FUE scar
    if (seeds.size() < 2) continue;
    FueDotCluster cl;
    cl.center_px = centroid;
    cl.area_px = area;
    const int cluster_index = static_cast<int>(out.clusters.size());
    // Assign each region pixel to its nearest seed.
    std::vector<cv::Mat> parts(seeds.size());
    for (auto& pm : parts) pm = cv::Mat::zeros(region.size(), CV_8U);
    for (int y = 0; y < region.rows; ++y)
      for (int x = 0; x < region.cols; ++x) {
        if (!region.at<uchar>(y, x)) continue;
        size_t bi = 0;
        double bd = 1e18;
        for (size_t i = 0; i < seeds.size(); ++i) {
          const double dd = std::hypot(x - seeds[i].x, y - seeds[i].y);
          if (dd < bd) bd = dd, bi = i;
        }
        parts[bi].at<uchar>(y, x) = 255;
      }
    for (size_t i = 0; i < seeds.size(); ++i) {
      const double a = cv::countNonZero(parts[i]);
      if (a < amin * 0.5) continue;
      const cv::Moments pm = cv::moments(parts[i], true);
      FueDot d;
      d.center_px = {win.x + pm.m10 / pm.m00, win.y + pm.m01 / pm.m00};
      d.area_px = a;
      d.peak_contrast_L = contrast;
      d.confidence = std::clamp(0.8 * conf_c, 0.05, 1.0);
      d.cluster = cluster_index;
      out.dots.push_back(d);
      cl.dots.push_back(static_cast<int>(out.dots.size()) - 1);
      out.labels(win).setTo(static_cast<int>(out.dots.size()), parts[i]);
    }
    taken(win) |= region;
    if (!cl.dots.empty()) out.clusters.push_back(cl);
  }
  return out;
}

}  // namespace scarmap
