#include "scarmap/preprocess/quality.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/format.hpp"
#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// ---- blur ---------------------------------------------------------------------------------

// Linear relative luminance Y (0..1) from CIELAB L* (the inverse of L* = 116 f(Y) - 16): the
// optics blur light, so the profiles are measured in it.
cv::Mat LuminanceFromL(const cv::Mat& l) {
  cv::Mat y(l.size(), CV_32F);
  constexpr float kKappa = 903.2963f;  // CIE: L* = kKappa Y below Y = 0.008856
  for (int r = 0; r < l.rows; ++r) {
    const float* a = l.ptr<float>(r);
    float* b = y.ptr<float>(r);
    for (int c = 0; c < l.cols; ++c) {
      const float f = (a[c] + 16.0f) / 116.0f;
      b[c] = a[c] > 8.0f ? f * f * f : std::max(0.0f, a[c]) / kKappa;
    }
  }
  return y;
}

float Bilinear(const cv::Mat& img, float x, float y) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  const float fx = x - x0, fy = y - y0;
  const float* r0 = img.ptr<float>(y0);
  const float* r1 = img.ptr<float>(y0 + 1);
  return (1 - fy) * ((1 - fx) * r0[x0] + fx * r0[x0 + 1]) +
         fy * ((1 - fx) * r1[x0] + fx * r1[x0 + 1]);
}

// A point where a cross-profile is taken: sub-pixel centre, unit normal (across the structure),
// and the response that ranks it.
struct ProfileSite {
  cv::Point2f c, n;
  float strength;  ///< lines: curvature x depth / level^2 (see LineSites); edges: |grad|
};

// The cross-profiles: samples every `step` px from -k step to +k step (half = the reach asked
// for); a site needs `reach` px of image around it.
struct ProfileGeometry {
  ProfileGeometry(double half, double step)
      : k(static_cast<int>(std::ceil(half / step))),
        step(step),
        reach(static_cast<float>((k + 1) * step + 1.0)) {}
  int k;
  double step;
  float reach;
  bool Fits(cv::Point2f c, cv::Size size) const {
    return !(c.x - reach < 0 || c.y - reach < 0 || c.x + reach >= size.width - 1 ||
             c.y + reach >= size.height - 1);
  }
};

// The sites MedianProfile measures: the strongest `top_fraction` of all sites offered, at most
// `max_sites`. Only the strongest max_sites are held while the sites are offered (a min-heap) and
// the rest counted: a photo of long hair has millions of sites, which held 65 MB as a list.
class StrongestSites {
 public:
  StrongestSites(double top_fraction, int max_sites)
      : fraction_(top_fraction), cap_(static_cast<size_t>(std::max(1, max_sites))) {
    heap_.reserve(cap_);
  }
  void Offer(const ProfileSite& s) {
    ++offered_;
    if (heap_.size() < cap_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), Weaker);
    } else if (s.strength > heap_.front().strength) {
      std::pop_heap(heap_.begin(), heap_.end(), Weaker);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), Weaker);
    }
  }
  /// The strongest max(1, top_fraction x offered) of them, at most max_sites; empty when none.
  std::vector<ProfileSite> Take() && {
    const size_t keep = std::min(
        heap_.size(), std::max<size_t>(1, static_cast<size_t>(offered_ * fraction_)));
    std::sort_heap(heap_.begin(), heap_.end(), Weaker);  // strongest first
    heap_.resize(keep);
    return std::move(heap_);
  }

 private:
  static bool Weaker(const ProfileSite& a, const ProfileSite& b) {
    return a.strength > b.strength;  // as a heap order: the weakest on top
  }
  double fraction_;
  size_t cap_;
  size_t offered_ = 0;
  std::vector<ProfileSite> heap_;
};

// Thin lines and small dots (hair shafts and shaved stubs, dark or light) by Steger's detector
// ("An unbiased detector of curvilinear structures", PAMI 1998): where the Hessian of Y smoothed
// by `sigma` has a strong eigenvalue and the extremum across the line (for a dot, whose other
// eigenvalue has the same sign and over a third of the size, the extremum in 2-D) lies within
// half a pixel of the pixel centre. The profile is taken across the line (for a dot, along its
// narrower axis). Saddles and light dots are left out. Each site whose profile fits in the image
// is ranked by its curvature times its contrast against the ends of its profile, relative to
// their level (not noise), over that level (curvature per contrast, ~ 1 / width^2: single shafts
// rather than the wider pairs of a unit's hairs near their opening); the strongest are kept (see
// StrongestSites). `s` is set to Y smoothed, which the profiles are then taken of.
std::vector<ProfileSite> LineSites(const cv::Mat& y, const cv::Mat& mask, double sigma,
                                   const ProfileGeometry& g, double top_fraction, int max_sites,
                                   cv::Mat& s) {
  cv::GaussianBlur(y, s, cv::Size(0, 0), sigma);
  StrongestSites sites(top_fraction, max_sites);
  const float u = static_cast<float>(g.k * g.step);
  // The derivatives a band of rows at a time, of views of `s` (which read the rows around the
  // band, as the whole-image Sobel does): the same values, five band-sized maps instead of five
  // image-sized ones.
  constexpr int kBand = 128;
  cv::Mat dx, dy, dxx, dyy, dxy;
  for (int r0 = 0; r0 < y.rows; r0 += kBand) {
    const cv::Mat band = s.rowRange(r0, std::min(y.rows, r0 + kBand));
    cv::Sobel(band, dx, CV_32F, 1, 0, 3, 0.125);
    cv::Sobel(band, dy, CV_32F, 0, 1, 3, 0.125);
    cv::Sobel(band, dxx, CV_32F, 2, 0, 3, 0.25);
    cv::Sobel(band, dyy, CV_32F, 0, 2, 3, 0.25);
    cv::Sobel(band, dxy, CV_32F, 1, 1, 3, 0.25);
    for (int r = r0; r < r0 + band.rows; ++r) {
      const uchar* m = mask.ptr<uchar>(r);
      const int br = r - r0;
      for (int c = 0; c < y.cols; ++c) {
        if (!m[c]) continue;
        const float a = dxx.at<float>(br, c), b = dxy.at<float>(br, c), d = dyy.at<float>(br, c);
        const float half = 0.5f * (a + d), root = std::sqrt(0.25f * (a - d) * (a - d) + b * b);
        const float l1 = std::abs(half + root) >= std::abs(half - root) ? half + root : half - root;
        const float l2 = a + d - l1;
        if (!(std::abs(l1) > 1e-9f)) continue;
        const bool blob = std::abs(l2) > std::abs(l1) / 3.0f;
        // A saddle is no structure; a light dot is an FUE scar, a flake or a speck of glare (soft
        // or wide: stubs and openings are dark; white hairs are lines).
        if (blob && (l1 * l2 < 0 || l1 < 0)) continue;
        // Eigenvector of l1: (b, l1 - a) or (l1 - d, b), whichever is better conditioned.
        cv::Point2f n = std::abs(l1 - a) + std::abs(b) >= std::abs(l1 - d) + std::abs(b)
                            ? cv::Point2f(b, l1 - a)
                            : cv::Point2f(l1 - d, b);
        const float len = std::hypot(n.x, n.y);
        if (!(len > 0)) continue;
        n *= 1.0f / len;
        const float gx = dx.at<float>(br, c), gy = dy.at<float>(br, c);
        cv::Point2f off;
        if (blob) {  // the extremum of the quadratic model in 2-D
          const float det = a * d - b * b;
          off = {-(d * gx - b * gy) / det, -(a * gy - b * gx) / det};
        } else {  // across the line only
          off = n * (-(n.x * gx + n.y * gy) / l1);
        }
        if (!(std::abs(off.x) <= 0.5f && std::abs(off.y) <= 0.5f)) continue;
        const cv::Point2f at(c + off.x, r + off.y);
        if (!g.Fits(at, s.size())) continue;
        const float e0 = Bilinear(s, at.x - u * n.x, at.y - u * n.y),
                    e1 = Bilinear(s, at.x + u * n.x, at.y + u * n.y);
        const float base = 0.5f * (e0 + e1), depth = std::abs(base - Bilinear(s, at.x, at.y));
        const float score = base > 1e-4f ? std::abs(l1) * depth / (base * base) : 0.0f;
        if (score > 0.0f) sites.Offer({at, n, score});
      }
    }
  }
  return std::move(sites).Take();
}

// Step edges (the fallback where no lines show): local maxima of the gradient of Y smoothed by
// `sigma` along its own direction, whose profile fits in the image; the strongest are kept (see
// StrongestSites).
std::vector<ProfileSite> EdgeSites(const cv::Mat& y, const cv::Mat& mask, double sigma,
                                   const ProfileGeometry& geometry, double top_fraction,
                                   int max_sites) {
  cv::Mat s, dx, dy, g;
  cv::GaussianBlur(y, s, cv::Size(0, 0), sigma);
  cv::Sobel(s, dx, CV_32F, 1, 0, 3, 0.125);
  cv::Sobel(s, dy, CV_32F, 0, 1, 3, 0.125);
  cv::magnitude(dx, dy, g);
  StrongestSites sites(top_fraction, max_sites);
  for (int r = 1; r < y.rows - 1; ++r) {
    const uchar* m = mask.ptr<uchar>(r);
    for (int c = 1; c < y.cols - 1; ++c) {
      const float v = g.at<float>(r, c);
      if (!m[c] || !(v > 1e-6f)) continue;
      const cv::Point2f n(dx.at<float>(r, c) / v, dy.at<float>(r, c) / v);
      const int ox = static_cast<int>(std::lround(n.x)), oy = static_cast<int>(std::lround(n.y));
      if (v < g.at<float>(r + oy, c + ox) || v <= g.at<float>(r - oy, c - ox)) continue;
      const cv::Point2f at(static_cast<float>(c), static_cast<float>(r));
      if (geometry.Fits(at, y.size())) sites.Offer({at, n, v});
    }
  }
  return std::move(sites).Take();
}

// The lower-quartile cross-profile of `sites` (LineSites' or EdgeSites' strongest), sampled
// every `g.step` px from -k step to +k step, symmetrised, normalised to 1 at the centre and 0 at
// the ends: for lines the profile itself (flipped for light lines), for edges its derivative (the
// line spread function). Profiles whose two ends differ (a line beside an edge; an edge without
// plateaus) are left out. Empty when fewer than `min_sites` remain.
std::vector<double> MedianProfile(const cv::Mat& y, const std::vector<ProfileSite>& sites,
                                  bool edges, const ProfileGeometry& g, int min_sites) {
  const int k = g.k;
  const int n = 2 * k + 1;
  const double step = g.step;
  if (sites.empty()) return {};
  std::vector<std::vector<float>> at(n), rows;
  std::vector<double> widths;
  std::vector<float> p(n + 2);
  int used = 0;
  for (const ProfileSite& s : sites) {
    // Edges need one sample more each side for the central difference.
    for (int i = 0; i < n + 2; ++i) {
      const float u = static_cast<float>((i - k - 1) * step);
      p[i] = Bilinear(y, s.c.x + u * s.n.x, s.c.y + u * s.n.y);
    }
    std::vector<float> q(n);
    if (edges) {
      for (int i = 0; i < n; ++i) q[i] = (p[i + 2] - p[i]) / static_cast<float>(2 * step);
      const float rise = p[n + 1] - p[0];
      float lo = p[0], hi = p[0];
      for (float v : p) lo = std::min(lo, v), hi = std::max(hi, v);
      if (!(std::abs(rise) >= 0.7f * (hi - lo)) || !(hi > lo)) continue;  // no plateaus
    } else {
      for (int i = 0; i < n; ++i) q[i] = p[i + 1];
    }
    // Linear baseline through the two ends (two samples each), then the centre's depth.
    const float bl = 0.5f * (q[0] + q[1]), br = 0.5f * (q[n - 1] + q[n - 2]);
    const float depth = 0.5f * (bl + br) - q[k];
    if (!(std::abs(depth) > 1e-6f) || std::abs(bl - br) > 0.5f * std::abs(depth)) continue;
    std::vector<float>& z = p;  // the normalised profile, reusing the samples' buffer
    for (int i = 0; i < n; ++i) z[i] = (bl + (br - bl) * i / (n - 1) - q[i]) / depth;
    // Isolated structures only: beyond three half-widths (at half maximum) of the centre, nothing
    // over a third of it (a neighbouring hair, the other side of a pair, a ring of more than
    // sharpening).
    int h = 1;
    while (k + h < n - 1 && k - h > 0 && (z[k + h] > 0.5f || z[k - h] > 0.5f)) ++h;
    bool isolated = true;
    for (int i = 0; i < n && isolated; ++i)
      isolated = std::abs(i - k) < 3 * h || std::abs(z[i]) <= 1.0f / 3.0f;
    if (!isolated) continue;
    // Its half-width at half maximum, interpolated, both sides averaged.
    double hw = 0.0;
    for (int side : {-1, 1}) {
      int j = 1;
      while (j < k && z[k + side * j] > 0.5f) ++j;
      const float a = z[k + side * (j - 1)], b = z[k + side * j];
      hw += (j - 1 + (a > b ? (a - 0.5f) / (a - b) : 0.0f)) * step;
    }
    rows.emplace_back(z.begin(), z.begin() + n);
    widths.push_back(0.5 * hw);
    ++used;
  }
  if (used < min_sites) return {};
  // The narrower half of the profiles (half-width at half maximum), then their median at each
  // offset: single shafts rather than the units of 2-4 hairs that blur merges into wider lines,
  // soft follicular openings or pigment seen under the skin.
  {
    std::vector<double> sorted = widths;
    const size_t cut = std::min(sorted.size() - 1, static_cast<size_t>(sorted.size() / 2));
    std::nth_element(sorted.begin(), sorted.begin() + cut, sorted.end());
    for (size_t r = 0; r < rows.size(); ++r)
      if (widths[r] <= sorted[cut])
        for (int i = 0; i < n; ++i) at[i].push_back(rows[r][i]);
  }
  std::vector<double> m(n);
  for (int i = 0; i < n; ++i) {
    std::nth_element(at[i].begin(), at[i].begin() + at[i].size() / 2, at[i].end());
    m[i] = at[i][at[i].size() / 2];
  }
  for (int i = 0; i < k; ++i) m[i] = m[n - 1 - i] = 0.5 * (m[i] + m[n - 1 - i]);
  return m;
}

// Fits the sampled profile `m` (`step` px apart, centred, already smoothed by a Gaussian of `p`
// px) with a Gaussian line spread function of sigma `s` sharpened by an unsharp mask of amount
// `a` and sigma `u`:
//   A ((1 + a) G(x; s) - a G(x; sqrt(s^2 + u^2))) + B,
// by least squares in A and B over a grid of (s, a, u), with `u` between `u_min` and `u_max` px
// (a phone sharpens at its sensor's scale, a pixel or two) and `a` up to 1.5. An unsharp mask
// narrows the profile's core and rings around it: a fit without it reads a sharpened blurred
// photo as sharp. Only the core and its first ring are fitted (out to 2.5 half-widths of the
// profile at half maximum): further out are the neighbouring hairs. Returns s (px).
double FitSharpenedGaussian(const std::vector<double>& m, double step, double p, double u_min,
                            double u_max) {
  const int n = static_cast<int>(m.size()), k = n / 2;
  int hw = 1;
  while (k + hw < n - 1 && m[k + hw] > 0.5) ++hw;
  const int reach = std::min(k, std::max(static_cast<int>(std::ceil(2.0 / step)), 5 * hw / 2 + 1));
  double my = 0, myy = 0;
  const int nw = 2 * reach + 1;
  for (int i = k - reach; i <= k + reach; ++i) my += m[i], myy += m[i] * m[i];
  auto gauss = [](double x, double s) { return std::exp(-0.5 * x * x / (s * s)) / s; };
  double best = 1e300, best_s = 0.0;
  const double u_step = u_max > u_min ? std::pow(u_max / u_min, 1.0 / 4.0) : 2.0;
  // The model f = (1 + a) g1 - a g2 is linear in a, so its sums over the samples follow from
  // five sums of g1 = G(x; s1) and g2 = G(x; s2) per (s, u): the grid of a costs no exponentials.
  struct Sums {
    double g = 0, gg = 0, gy = 0;
  };
  auto sums = [&](double sigma, std::vector<double>& g) {
    Sums r;
    for (int i = k - reach, j = 0; i <= k + reach; ++i, ++j) {
      g[j] = gauss((i - k) * step, sigma);
      r.g += g[j], r.gg += g[j] * g[j], r.gy += g[j] * m[i];
    }
    return r;
  };
  std::vector<double> g1(nw), g2(nw);
  for (double s = 0.2; s < 20.0; s *= 1.015) {
    const double s1 = std::sqrt(s * s + p * p);
    const Sums a1 = sums(s1, g1);
    for (double u = u_min; u <= u_max * 1.0001; u *= u_step) {
      const Sums a2 = sums(std::sqrt(s * s + u * u + p * p), g2);
      double g12 = 0;
      for (int j = 0; j < nw; ++j) g12 += g1[j] * g2[j];
      for (double a = 0.0; a <= 1.51; a += 0.1) {
        if (a == 0.0 && u != u_min) continue;  // without sharpening u plays no part
        const double b1 = 1 + a;
        const double mf = b1 * a1.g - a * a2.g;
        const double mff = b1 * b1 * a1.gg - 2 * a * b1 * g12 + a * a * a2.gg;
        const double mfy = b1 * a1.gy - a * a2.gy;
        // Least squares of m = A f + B.
        const double det = nw * mff - mf * mf;
        if (!(det > 1e-12)) continue;
        const double A = (nw * mfy - mf * my) / det, B = (my - A * mf) / nw;
        if (!(A > 0)) continue;
        const double sse = myy - A * mfy - B * my;
        if (sse < best) best = sse, best_s = s;
      }
    }
  }
  return best_s;
}

// Optical blur (Gaussian sigma, working px) from the cross-profiles of the finest thin lines and
// dots (hair shafts and stubs), else of the strongest step edges, in linear light, corrected for
// sharpening and, in quadrature, for the widths that are not optics: the pixels' own footprints
// (the working pixel and the photo's, `scale` working px per photo px) and, for lines, the finest
// structure of a sharp scalp (`intrinsic_mm`). Returns 0 when neither gives enough profiles.
double OpticalBlurSigmaPx(const cv::Mat& l, const cv::Mat& mask, double px_per_mm, double scale,
                          double intrinsic_mm) {
  const cv::Mat y = LuminanceFromL(l);
  constexpr double kDetectSigma = 1.0, kCoarseSigma = 3.0, kStep = 0.5, kTop = 0.25;
  constexpr int kMaxSites = 4000, kMinSites = 30;
  const ProfileGeometry geometry(std::max(6.0, 0.8 * px_per_mm), kStep);
  // Box footprints: the working pixel, and the photo's pixel when the photo was reduced.
  double intrinsic = (scale < 1.0 ? 1.0 + scale * scale : 1.0) / 12.0;
  // A phone's unsharp mask: sigma 0.7-1.8 px of the photo, in working px.
  const double u_min = std::max(0.25, 0.7 * scale), u_max = std::max(0.5, 1.8 * scale);
  // Lines at the finest detection scale first, then at 0.7 of the sigma found (up to 3 px), or
  // twice as coarse where the profile is a narrow core on a pedestal: in a blurred photo the
  // noise added after the optics makes the strongest fine structures.
  double detect = kDetectSigma, s = 0.0;
  bool lines = false;
  for (int pass = 0; pass < 3; ++pass) {
    cv::Mat smooth;
    const std::vector<ProfileSite> sites =
        LineSites(y, mask, detect, geometry, kTop, kMaxSites, smooth);
    const std::vector<double> m = MedianProfile(smooth, sites, false, geometry, kMinSites);
    if (m.empty()) break;
    lines = true;
    s = FitSharpenedGaussian(m, kStep, detect, u_min, u_max);
    // A narrow core riding on a pedestal (the profile still above 0.12 at two half-widths, where a
    // Gaussian is at 0.06) is noise on a wider, blurred structure: detect coarser.
    const int k = static_cast<int>(m.size()) / 2;
    int hw = 1;
    while (k + hw < static_cast<int>(m.size()) - 1 && m[k + hw] > 0.5) ++hw;
    const bool pedestal = k + 2 * hw < static_cast<int>(m.size()) && m[k + 2 * hw] > 0.12;
    double next = std::clamp(0.7 * s, kDetectSigma, kCoarseSigma);
    if (pedestal) next = std::min(kCoarseSigma, std::max(next, 2.0 * detect));
    if (std::abs(next - detect) < 0.25) break;
    detect = next;
  }
  if (lines) {
    const double w = intrinsic_mm * px_per_mm;
    intrinsic += w * w;
  } else {
    const std::vector<double> m = MedianProfile(
        y, EdgeSites(y, mask, kDetectSigma, geometry, kTop, kMaxSites), true, geometry, kMinSites);
    if (m.empty()) return 0.0;
    s = FitSharpenedGaussian(m, kStep, 0.0, u_min, u_max);
  }
  return std::sqrt(std::max(0.0, s * s - intrinsic));
}

// Fraction of `scalp` under hair, hair lying in mats included, on a copy of L* at most 6 px/mm:
// pixels at least `min_dark_L` L* (and 12 % of the local level) below the morphological closing
// of L* with a `disc_mm` disc. The closing is an upper envelope through the skin showing between
// hairs (a wide black-hat; bright features such as scars, flakes or glare are left as they are by
// a closing). The follicle stage's own mask is sized and thresholded for stubble: where strands
// lie in mats its threshold (a multiple of the noise, which the mats dominate) rises and it keeps
// only their darkest cores.
double HairCover(const cv::Mat& l, const cv::Mat& scalp, double px_per_mm, double disc_mm,
                 double min_dark_L) {
  constexpr double kCoarsePxPerMm = 6.0;
  const double f = std::min(1.0, kCoarsePxPerMm / px_per_mm);
  cv::Mat lc = l, sc = scalp;
  if (f < 1.0) {
    const cv::Size coarse(std::max(1, static_cast<int>(std::lround(l.cols * f))),
                          std::max(1, static_cast<int>(std::lround(l.rows * f))));
    cv::resize(l, lc, coarse, 0, 0, cv::INTER_AREA);
    cv::resize(scalp, sc, coarse, 0, 0, cv::INTER_AREA);
    sc = sc >= 128;
  }
  const int d = std::max(3, static_cast<int>(std::lround(disc_mm * px_per_mm * f)) | 1);
  cv::Mat closed;
  cv::morphologyEx(lc, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}));
  int n = 0, dark = 0;
  for (int y = 0; y < lc.rows; ++y) {
    const float* c = closed.ptr<float>(y);
    const float* v = lc.ptr<float>(y);
    const uchar* m = sc.ptr<uchar>(y);
    for (int x = 0; x < lc.cols; ++x)
      if (m[x]) {
        ++n;
        dark += c[x] - v[x] >= std::max(static_cast<float>(min_dark_L), 0.12f * c[x]);
      }
  }
  return n ? static_cast<double>(dark) / n : 0.0;
}

// Adds an issue when `value` is beyond `warn` (above when `high_is_bad`, else below).
void Check(std::vector<QualityIssue>& issues, const char* name, double value, double warn,
           double poor, bool high_is_bad, const std::string& message) {
  const bool w = high_is_bad ? value > warn : value < warn;
  const bool p = high_is_bad ? value > poor : value < poor;
  if (!w && !p) return;
  issues.push_back({name, p, value, p ? poor : warn, message});
}

}  // namespace

void QualityOptions::Check() const {
  auto pair = [](double warn, double poor, bool high_is_bad, const char* what) {
    if (!(warn >= 0.0 && poor >= 0.0) || (high_is_bad ? poor < warn : poor > warn))
      throw Error(std::string("quality.") + what +
                  ": thresholds must be >= 0 and poor beyond warn");
  };
  pair(blur_warn_mm, blur_poor_mm, true, "blur");
  pair(overexposed_warn, overexposed_poor, true, "overexposed");
  pair(underexposed_warn, underexposed_poor, true, "underexposed");
  pair(glare_warn, glare_poor, true, "glare");
  pair(hair_cover_warn, hair_cover_poor, true, "hair_cover");
  pair(scalp_fraction_warn, scalp_fraction_poor, false, "scalp_fraction");
  pair(scalp_area_warn_cm2, scalp_area_poor_cm2, false, "scalp_area");
  pair(scale_warn_px_per_mm, scale_poor_px_per_mm, false, "scale");
  if (!(hair_disc_mm > 0.2 && hair_disc_mm < 20.0))
    throw Error("quality.hair_disc_mm must be in (0.2, 20)");
  if (!(hair_min_dark_L > 0.0)) throw Error("quality.hair_min_dark_L must be > 0");
  if (!(blur_intrinsic_mm >= 0.0 && blur_intrinsic_mm <= 0.5))
    throw Error("quality.blur_intrinsic_mm must be in 0..0.5");
}

bool PhotoQuality::poor() const {
  return std::any_of(issues.begin(), issues.end(), [](const QualityIssue& i) { return i.poor; });
}

std::string PhotoQuality::PoorSummary() const {
  std::string s;
  for (const QualityIssue& i : issues)
    if (i.poor) s += (s.empty() ? "" : "; ") + i.message;
  return s;
}

PhotoQuality AssessQuality(const QualityOptions& o, const WorkingImage& image,
                           const cv::Mat& hair_mask, const cv::Mat& scar_mask,
                           double native_px_per_mm) {
  o.Check();
  if (image.bgr.empty() || image.lightness.size() != image.bgr.size())
    throw Error("AssessQuality: the working image needs bgr and lightness");
  const cv::Size size = image.bgr.size();
  for (const cv::Mat* m : {&image.scalp_mask, &hair_mask, &scar_mask})
    if (!m->empty() && (m->size() != size || m->type() != CV_8U))
      throw Error("AssessQuality: masks must be CV_8U of the working image size");
  // Read only: the caller's mask, or the whole frame. (The maps below live in scopes that end
  // before the blur measure, which needs the most memory.)
  cv::Mat scalp = image.scalp_mask;
  if (scalp.empty() || cv::countNonZero(scalp) == 0) scalp = cv::Mat(size, CV_8U, cv::Scalar(255));

  PhotoQuality q;
  const double scalp_px = cv::countNonZero(scalp);
  {
    const cv::Mat no = cv::Mat::zeros(size, CV_8U);
    const cv::Mat hair = hair_mask.empty() ? no : hair_mask;
    // Glare on a scar is the planner's business (shiny scar), and a scar's bright rim is no glare.
    // (Dilated into a map of its own: the caller's mask is read only.)
    cv::Mat scars = no;
    if (!scar_mask.empty())
      cv::dilate(scar_mask, scars, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
    const cv::Mat skin = scalp & ~hair;
    const double skin_px = std::max(1.0, static_cast<double>(cv::countNonZero(skin)));
    cv::Mat lo, hi;
    {
      std::vector<cv::Mat> ch;
      cv::split(image.bgr, ch);
      lo = cv::min(cv::min(ch[0], ch[1]), ch[2]);
      hi = cv::max(cv::max(ch[0], ch[1]), ch[2]);
    }
    q.overexposed_fraction = cv::countNonZero((hi >= 250) & scalp) / scalp_px;
    q.underexposed_fraction = cv::countNonZero((hi <= 24) & skin) / skin_px;
    const cv::Mat glare_base = skin & ~scars;
    q.glare_fraction = cv::countNonZero((lo >= 235) & glare_base) /
                       std::max(1.0, static_cast<double>(cv::countNonZero(glare_base)));
  }
  q.hair_cover_fraction = HairCover(image.lightness, scalp, image.px_per_mm, o.hair_disc_mm, o.hair_min_dark_L);
  q.scalp_fraction = image.scalp_mask.empty()
                         ? 0.0
                         : cv::countNonZero(image.scalp_mask) / static_cast<double>(size.area());
  {
    cv::Mat inner;
    cv::erode(scalp, inner, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
    scalp.release();
    // Not on or between scars: the skin between dense FUE dots makes dark lines as wide as the
    // gaps, and scar edges are soft by nature.
    if (!scar_mask.empty()) {
      const int d = 2 * static_cast<int>(std::lround(0.4 * image.px_per_mm)) + 1;
      cv::Mat near_scar;
      cv::dilate(scar_mask, near_scar, cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}));
      inner &= ~near_scar;
    }
    q.blur_sigma_px =
        OpticalBlurSigmaPx(image.lightness, inner, image.px_per_mm, image.scale, o.blur_intrinsic_mm);
  }
  if (image.scale_known) {
    q.blur_sigma_mm = q.blur_sigma_px / image.px_per_mm;
    if (!image.scalp_mask.empty())
      q.scalp_area_cm2 =
          cv::countNonZero(image.scalp_mask) / (image.px_per_mm * image.px_per_mm) / 100.0;
  }
  if (native_px_per_mm > 0.0) q.native_px_per_mm = native_px_per_mm;

  auto pct = [](double f) { return Fmt("%.0f", 100.0 * f) + " %"; };
  std::vector<QualityIssue>& is = q.issues;
  if (q.blur_sigma_mm)
    Check(is, "blur", *q.blur_sigma_mm, o.blur_warn_mm, o.blur_poor_mm, true,
          "the photo is blurred: edges are spread over " + Fmt("%.2f", *q.blur_sigma_mm) +
              " mm (Gaussian sigma; sharp is below " + Fmt("%.2f", o.blur_warn_mm) +
              " mm): retake it in focus");
  Check(is, "overexposed", q.overexposed_fraction, o.overexposed_warn, o.overexposed_poor, true,
        "over-exposed: " + pct(q.overexposed_fraction) +
            " of the scalp is clipped white in a colour channel: colour and contrast are wrong "
            "there");
  Check(is, "underexposed", q.underexposed_fraction, o.underexposed_warn, o.underexposed_poor, true,
        "under-exposed: " + pct(q.underexposed_fraction) +
            " of the bare skin is crushed to black: add light");
  Check(is, "glare", q.glare_fraction, o.glare_warn, o.glare_poor, true,
        "specular glare on " + pct(q.glare_fraction) +
            " of the bare scalp: scars under it cannot be seen; avoid the direct flash");
  Check(is, "hair_cover", q.hair_cover_fraction, o.hair_cover_warn, o.hair_cover_poor, true,
        "hair covers " + pct(q.hair_cover_fraction) +
            " of the scalp: too long or too dense to see the skin and the scars; shave or buzz "
            "first");
  if (!image.scalp_mask.empty())
    Check(is, "scalp_fraction", q.scalp_fraction, o.scalp_fraction_warn, o.scalp_fraction_poor,
          false,
          "the scalp fills only " + pct(q.scalp_fraction) +
              " of the frame: move closer to the scalp");
  if (q.scalp_area_cm2)
    Check(is, "scalp_area", *q.scalp_area_cm2, o.scalp_area_warn_cm2, o.scalp_area_poor_cm2, false,
          "only " + Fmt("%.1f", *q.scalp_area_cm2) +
              " cm^2 of scalp is in view: densities and the plan cover only that");
  if (q.native_px_per_mm)
    Check(is, "scale", *q.native_px_per_mm, o.scale_warn_px_per_mm, o.scale_poor_px_per_mm, false,
          "the photo has only " + Fmt("%.1f", *q.native_px_per_mm) +
              " px/mm: too coarse for FUE dots (0.6-1.5 mm; at least " +
              Fmt("%.0f", o.scale_poor_px_per_mm) + " px/mm needed, " +
              Fmt("%.0f", o.scale_warn_px_per_mm) + " advised)");
  return q;
}

}  // namespace scarmap
