#include "scarmap/scar/fut_band_segmenter.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/stats.hpp"

namespace scarmap {
namespace {

// Bilinear sample with border clamp.
float Sample(const cv::Mat& img, double x, double y) {
  x = std::clamp(x, 0.0, img.cols - 1.001);
  y = std::clamp(y, 0.0, img.rows - 1.001);
  const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
  const float fx = static_cast<float>(x - x0), fy = static_cast<float>(y - y0);
  const float* r0 = img.ptr<float>(y0);
  const float* r1 = img.ptr<float>(y0 + 1);
  return (r0[x0] * (1 - fx) + r0[x0 + 1] * fx) * (1 - fy) + (r1[x0] * (1 - fx) + r1[x0 + 1] * fx) * fy;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Ridge strength of bright (sign +1) or dark (sign -1) lines: max over scales of the
// scale-normalised |lambda2| where lambda2 is the principal curvature across the line and the
// one along it is small.
cv::Mat Ridge(const cv::Mat& img, const std::vector<double>& sigmas, int sign, cv::Mat* best_sigma) {
  cv::Mat best(img.size(), CV_32F, cv::Scalar(0));
  *best_sigma = cv::Mat(img.size(), CV_32F, cv::Scalar(0));
  for (double s : sigmas) {
    cv::Mat g, dxx, dyy, dxy;
    cv::GaussianBlur(img, g, cv::Size(0, 0), s);
    cv::Sobel(g, dxx, CV_32F, 2, 0, 3, 0.25);
    cv::Sobel(g, dyy, CV_32F, 0, 2, 3, 0.25);
    cv::Sobel(g, dxy, CV_32F, 1, 1, 3, 0.25);
    const float norm = static_cast<float>(s * s);
    for (int y = 0; y < img.rows; ++y) {
      const float* a = dxx.ptr<float>(y);
      const float* b = dyy.ptr<float>(y);
      const float* c = dxy.ptr<float>(y);
      float* o = best.ptr<float>(y);
      float* os = best_sigma->ptr<float>(y);
      for (int x = 0; x < img.cols; ++x) {
        const float tr = a[x] + b[x], det = std::sqrt((a[x] - b[x]) * (a[x] - b[x]) + 4 * c[x] * c[x]);
        const float l1 = 0.5f * (tr + det), l2 = 0.5f * (tr - det);  // l1 >= l2
        // Bright ridge: strongly negative curvature across (l2), small along (l1).
        const float across = sign > 0 ? -l2 : l1;
        const float along = sign > 0 ? std::abs(l1) : std::abs(l2);
        const float r = norm * std::max(0.0f, across - 2.0f * along);
        if (r > o[x]) o[x] = r, os[x] = static_cast<float>(s);
      }
    }
  }
  return best;
}

struct Piece {
  std::vector<cv::Point> pts;
};

}  // namespace

void FutOptions::Check() const {
  if (!(min_width_mm > 0.0 && min_width_mm < max_width_mm && max_width_mm <= 30.0))
    throw Error("fut.min_width_mm / max_width_mm must satisfy 0 < min < max <= 30");
  if (!(min_length_mm > 0.0)) throw Error("fut.min_length_mm must be > 0");
  if (!(profile_step_mm > 0.0)) throw Error("fut.profile_step_mm must be > 0");
  if (!(min_contrast_L > 0.0)) throw Error("fut.min_contrast_L must be > 0");
  if (!(noise_sigmas > 0.0)) throw Error("fut.noise_sigmas must be > 0");
}

FutBands SegmentFutBands(const FutOptions& o, const WorkingImage& image, const Follicles& fol) {
  o.Check();
  if (image.lab.empty()) throw Error("SegmentFutBands: image.lab is empty");
  FutBands out;
  const cv::Size size = image.lab.size();
  out.labels = cv::Mat::zeros(size, CV_32S);
  const cv::Mat& scalp = image.scalp_mask;
  const double ppm = image.px_per_mm;

  FlattenOptions fo;
  fo.sigma_mm = 25.0;
  const cv::Mat flat = FlattenLightness(fo, image.lab, scalp, ppm);
  // Hair out: hair pixels (dilated by a pixel for their soft edges) filled from the skin around.
  cv::Mat hair;
  if (!fol.hair_mask.empty()) cv::dilate(fol.hair_mask, hair, cv::Mat());
  cv::Mat clean = FillMasked(flat, hair, std::max(1.0, image.MmToPx(0.4)));
  cv::GaussianBlur(clean, clean, cv::Size(0, 0), 0.7);

  // Ridge scales: sigma ~ half-width / sqrt(3) for a bar profile.
  std::vector<double> sigmas;
  for (double hw = o.min_width_mm / 2; hw <= o.max_width_mm / 2 * 1.01; hw *= 1.7)
    sigmas.push_back(std::max(0.8, image.MmToPx(hw) / std::sqrt(3.0)));

  const cv::Rect frame(0, 0, size.width, size.height);
  for (int sign : {+1, -1}) {
    if (sign < 0 && !o.detect_dark) continue;
    cv::Mat sig;
    const cv::Mat r = Ridge(clean, sigmas, sign, &sig);
    // The scale-normalised response of a bar of contrast h is about h / 2 (L* units): an
    // absolute threshold in L* (noise after hair filling is well below it), hysteresis at half.
    const double hi = 0.5 * std::max(o.min_contrast_L, 1.0);
    cv::Mat strong = r > hi, weak = r > 0.5 * hi;
    if (!scalp.empty()) strong &= scalp, weak &= scalp;
    cv::Mat comp, stats, cents;
    const int n = cv::connectedComponentsWithStats(weak, comp, stats, cents, 8, CV_32S);
    std::vector<int> has_strong(n, 0);
    for (int y = 0; y < size.height; ++y)
      for (int x = 0; x < size.width; ++x)
        if (strong.at<uchar>(y, x)) has_strong[comp.at<int>(y, x)] = 1;

    for (int i = 1; i < n; ++i) {
      if (!has_strong[i]) continue;
      const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                         stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
      if (std::hypot(box.width, box.height) < image.MmToPx(o.min_length_mm)) continue;
      std::vector<cv::Point2d> pts;
      for (int y = box.y; y < box.y + box.height; ++y)
        for (int x = box.x; x < box.x + box.width; ++x)
          if (comp.at<int>(y, x) == i) pts.emplace_back(x, y);
      // Principal axis.
      cv::Point2d mean(0, 0);
      for (const auto& p : pts) mean += p;
      mean *= 1.0 / pts.size();
      double sxx = 0, syy = 0, sxy = 0;
      for (const auto& p : pts) {
        const cv::Point2d d = p - mean;
        sxx += d.x * d.x, syy += d.y * d.y, sxy += d.x * d.y;
      }
      const double th = 0.5 * std::atan2(2 * sxy, sxx - syy);
      const cv::Point2d ax(std::cos(th), std::sin(th)), nx(-std::sin(th), std::cos(th));
      double umin = 1e18, umax = -1e18;
      for (const auto& p : pts) {
        const double u = (p - mean).dot(ax);
        umin = std::min(umin, u), umax = std::max(umax, u);
      }
      const double len_est = umax - umin;
      const double spread = std::sqrt(std::max(1e-9, (sxx + syy) / pts.size() - std::pow(len_est, 2) / 12.0));
      if (len_est < image.MmToPx(o.min_length_mm)) continue;
      if (len_est < 4.0 * spread) continue;  // not elongated
      // Polynomial centreline v(u), degree 3, least squares on u normalised to [-1, 1].
      const int deg = len_est > image.MmToPx(40) ? 4 : 3;
      cv::Mat A(static_cast<int>(pts.size()), deg + 1, CV_64F), bvec(static_cast<int>(pts.size()), 1, CV_64F);
      const double uc = 0.5 * (umin + umax), us_scale = std::max(1.0, 0.5 * len_est);
      for (size_t k = 0; k < pts.size(); ++k) {
        const cv::Point2d d = pts[k] - mean;
        const double u = (d.dot(ax) - uc) / us_scale;
        double pw = 1;
        for (int j = 0; j <= deg; ++j) A.at<double>(static_cast<int>(k), j) = pw, pw *= u;
        bvec.at<double>(static_cast<int>(k)) = d.dot(nx);
      }
      cv::Mat coef;
      cv::solve(A, bvec, coef, cv::DECOMP_SVD);
      auto vfit = [&](double u) {
        const double t = (u - uc) / us_scale;
        double v = 0, pw = 1;
        for (int j = 0; j <= deg; ++j) v += coef.at<double>(j) * pw, pw *= t;
        return v;
      };
      // Stations along the curve every profile step.
      const double step = image.MmToPx(o.profile_step_mm);
      const double max_half = image.MmToPx(o.max_width_mm / 2) + 2;
      const double outer = image.MmToPx(2.5);
      std::vector<cv::Point2d> centre, left, right;
      std::vector<double> widths, contrasts;
      int hair_in = 0, band_px = 0;
      for (double u = umin; u <= umax + 1e-9; u += step / 2) {
        const cv::Point2d c = mean + u * ax + vfit(u) * nx;
        const double dv = (vfit(u + 0.5) - vfit(u - 0.5));
        cv::Point2d tdir = ax + dv * nx;
        tdir *= 1.0 / cv::norm(tdir);
        const cv::Point2d ndir(-tdir.y, tdir.x);
        // Profile across: find the band's extent at half maximum.
        const int nsamp = static_cast<int>(2 * (max_half + outer)) + 1;
        std::vector<float> prof(nsamp);
        for (int k = 0; k < nsamp; ++k) {
          const double t = k - (max_half + outer);
          prof[k] = Sample(clean, c.x + t * ndir.x, c.y + t * ndir.y);
        }
        const int mid = nsamp / 2;
        // Peak near the centre (within 1 mm or the ridge scale).
        const int win = std::max(2, static_cast<int>(sig.at<float>(cv::Point(std::clamp(cvRound(c.x), 0, size.width - 1), std::clamp(cvRound(c.y), 0, size.height - 1))) * 1.2));
        int pk = mid;
        for (int k = mid - win; k <= mid + win; ++k)
          if (k >= 0 && k < nsamp && sign * prof[k] > sign * prof[pk]) pk = k;
        const float peak = prof[pk];
        // Walk outwards to the half level, using a skin level estimated from the flanks.
        auto edge = [&](int dir, float level, double* pos) {
          for (int k = pk; k >= 1 && k < nsamp - 1; k += dir) {
            const int kn = k + dir;
            if (sign * (prof[kn] - level) <= 0) {
              const double f = (prof[k] - level) / (prof[k] - prof[kn] + 1e-9);
              *pos = k + dir * f - (max_half + outer);
              return true;
            }
          }
          return false;
        };
        // First pass with a provisional skin level (flank minimum / maximum), then refine with the
        // median of the flanks just beyond the found edges.
        std::vector<double> flank;
        for (int k = 0; k < nsamp; ++k)
          if (std::abs(k - mid) > max_half) flank.push_back(prof[k]);
        float skin = static_cast<float>(Median(flank));
        double el = 0, er = 0;
        bool ok = false;
        for (int it = 0; it < 2; ++it) {
          const float level = skin + 0.5f * (peak - skin);
          if (sign * (peak - skin) <= 0) break;
          ok = edge(-1, level, &el) && edge(+1, level, &er);
          if (!ok) break;
          std::vector<double> fl;
          const double w = er - el;
          for (int k = 0; k < nsamp; ++k) {
            const double t = k - (max_half + outer);
            if ((t < el - 0.6 * w - 2 && t > el - 0.6 * w - 2 - outer) || (t > er + 0.6 * w + 2 && t < er + 0.6 * w + 2 + outer))
              fl.push_back(prof[k]);
          }
          if (fl.size() < 4) break;
          skin = static_cast<float>(Median(fl));
        }
        if (!ok) continue;
        const double w = er - el;
        if (w < image.MmToPx(o.min_width_mm) * 0.6 || w > image.MmToPx(o.max_width_mm) * 1.3) continue;
        const cv::Point2d cl = c + el * ndir, cr = c + er * ndir;
        centre.push_back(0.5 * (cl + cr));
        left.push_back(cl);
        right.push_back(cr);
        widths.push_back(w);
        contrasts.push_back(peak - skin);
      }
      if (centre.size() < 4) continue;
      // Consistency: the band must hold along most of its length (not a row of dots).
      const double stations = (umax - umin) / (step / 2) + 1;
      if (centre.size() < 0.7 * stations) continue;
      double contrast = Median(contrasts);
      // The band ends where its contrast falls to half of its own (half maximum along the band,
      // as across it): drop end stations below that.
      {
        size_t a = 0, z = contrasts.size();
        while (a < z && std::abs(contrasts[a]) < 0.5 * std::abs(contrast)) ++a;
        while (z > a && std::abs(contrasts[z - 1]) < 0.5 * std::abs(contrast)) --z;
        auto cut = [&](auto& v) { v = std::vector<typename std::decay_t<decltype(v)>::value_type>(v.begin() + a, v.begin() + z); };
        cut(centre), cut(left), cut(right), cut(widths), cut(contrasts);
        if (centre.size() < 4) continue;
        contrast = Median(contrasts);
      }
      // Dark thin lines have many look-alikes (wrinkles, folds, shadows, aligned hair): a band
      // darker than the skin must show twice the contrast of a light one.
      if (std::abs(contrast) < (sign > 0 ? 1.0 : 2.0) * o.min_contrast_L) continue;
      // A band is long for its width, with a contrast that holds along it; a glint or a lighter
      // patch of skin is a blob whose contrast peaks in its middle.
      const double med_width = Median(widths);
      double path_len = 0;
      for (size_t k = 1; k < centre.size(); ++k) path_len += cv::norm(centre[k] - centre[k - 1]);
      if (path_len < 5.0 * med_width) continue;
      {
        std::vector<double> lo_hi = contrasts;
        std::sort(lo_hi.begin(), lo_hi.end());
        const double q1 = lo_hi[lo_hi.size() / 4], q3 = lo_hi[3 * lo_hi.size() / 4];
        if (std::abs(q3 - q1) > 0.8 * std::abs(contrast)) continue;
      }
      // Smooth the edges and centre a little (3-station moving average).
      auto smooth = [](std::vector<cv::Point2d>& v) {
        std::vector<cv::Point2d> s = v;
        for (size_t k = 1; k + 1 < v.size(); ++k) s[k] = (v[k - 1] + v[k] + v[k + 1]) * (1.0 / 3);
        v = s;
      };
      smooth(left), smooth(right);
      // The centreline: a polynomial refitted (least squares, Huber-like reweighting once)
      // through the half-maximum midpoints; station-to-station jitter of the edge estimates
      // would otherwise add spurious length, and a blunt band end would bend it.
      {
        const int nc = static_cast<int>(centre.size());
        std::vector<double> us(nc), vs(nc), wts(nc, 1.0);
        for (int k = 0; k < nc; ++k) {
          us[k] = (centre[k] - mean).dot(ax);
          vs[k] = (centre[k] - mean).dot(nx);
        }
        cv::Mat c2;
        for (int pass = 0; pass < 2; ++pass) {
          cv::Mat A2(nc, deg + 1, CV_64F), b2(nc, 1, CV_64F);
          for (int k = 0; k < nc; ++k) {
            const double t = (us[k] - uc) / us_scale;
            double pw = 1;
            for (int j = 0; j <= deg; ++j) A2.at<double>(k, j) = pw * wts[k], pw *= t;
            b2.at<double>(k) = vs[k] * wts[k];
          }
          cv::solve(A2, b2, c2, cv::DECOMP_SVD);
          for (int k = 0; k < nc; ++k) {
            const double t = (us[k] - uc) / us_scale;
            double v = 0, pw = 1;
            for (int j = 0; j <= deg; ++j) v += c2.at<double>(j) * pw, pw *= t;
            const double res = std::abs(v - vs[k]);
            wts[k] = res < 2.0 ? 1.0 : 2.0 / res;
          }
        }
        for (int k = 0; k < nc; ++k) {
          const double t = (us[k] - uc) / us_scale;
          double v = 0, pw = 1;
          for (int j = 0; j <= deg; ++j) v += c2.at<double>(j) * pw, pw *= t;
          centre[k] = mean + us[k] * ax + v * nx;
        }
      }
      std::vector<cv::Point> poly;
      for (const auto& p : left) poly.emplace_back(cvRound(p.x * 16), cvRound(p.y * 16));
      for (auto it = right.rbegin(); it != right.rend(); ++it) poly.emplace_back(cvRound(it->x * 16), cvRound(it->y * 16));
      cv::Mat m = cv::Mat::zeros(size, CV_8U);
      cv::fillPoly(m, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_8, 4);
      if (!scalp.empty()) m &= scalp;
      m &= (out.labels == 0);
      const int area = cv::countNonZero(m);
      if (area == 0) continue;
      band_px = area;
      if (!fol.hair_mask.empty()) {
        hair_in = cv::countNonZero(fol.hair_mask & m);
        if (hair_in > o.max_hair_fraction * band_px) continue;
        // Hairless compared with the skin beside it (a strip scar has no follicles; a lighter
        // patch of mottled skin has as many as its surroundings).
        cv::Mat ring;
        const int rd = 2 * static_cast<int>(image.MmToPx(3.0)) + 1;
        cv::dilate(m, ring, cv::getStructuringElement(cv::MORPH_ELLIPSE, {rd, rd}));
        ring &= ~m;
        if (!scalp.empty()) {
          // A light hairless strip along the edge of the scalp is the border with the
          // background, not a scar: most of a band's surroundings are scalp.
          const double ring_all = std::max(1, cv::countNonZero(ring));
          ring &= scalp;
          if (cv::countNonZero(ring) < 0.8 * ring_all) continue;
        }
        const double ring_px = std::max(1, cv::countNonZero(ring));
        const double ring_hair = cv::countNonZero(fol.hair_mask & ring) / ring_px;
        const double in_hair = static_cast<double>(hair_in) / band_px;
        if (ring_hair > 0.02 && in_hair > 0.75 * ring_hair) continue;
      }
      // Gently curved: the chord spans most of the path.
      double path = 0;
      for (size_t k = 1; k < centre.size(); ++k) path += cv::norm(centre[k] - centre[k - 1]);
      if (cv::norm(centre.back() - centre.front()) < 0.8 * path) continue;

      FutBand b;
      // Centreline: the station midpoints (every half step), length along them.
      b.centerline_px = centre;
      for (size_t k = 1; k < centre.size(); ++k) b.length_px += cv::norm(centre[k] - centre[k - 1]);
      for (size_t k = 0; k < widths.size(); k += 2) b.width_profile_px.push_back(widths[k]);
      for (const auto& p : left) b.contour_px.push_back(p);
      for (auto it = right.rbegin(); it != right.rend(); ++it) b.contour_px.push_back(*it);
      b.area_px = area;
      b.contrast_L = contrast;
      const double margin = image.MmToPx(1.0);
      auto near_edge = [&](const cv::Point2d& p) {
        return p.x < margin || p.y < margin || p.x > size.width - 1 - margin || p.y > size.height - 1 - margin;
      };
      b.touches_border = near_edge(centre.front()) || near_edge(centre.back());
      b.confidence = std::clamp(std::abs(contrast) / 6.0, 0.1, 1.0) *
                     std::clamp(centre.size() / stations, 0.0, 1.0);
      out.bands.push_back(std::move(b));
      out.labels.setTo(static_cast<int>(out.bands.size()), m);
    }
  }
  return out;
}

}  // namespace scarmap
