#include "synth_common.hpp"

#include <algorithm>
#include <array>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

namespace scarmap::synth {

namespace {
double Finv(double t) {
  return t > 6.0 / 29.0 ? t * t * t : 3 * (6.0 / 29.0) * (6.0 / 29.0) * (t - 4.0 / 29.0);
}
}  // namespace

cv::Vec3f LabToLinearBgr(double L, double a, double b) {
  const double fy = (L + 16.0) / 116.0, fx = fy + a / 500.0, fz = fy - b / 200.0;
  const double X = 0.95047 * Finv(fx), Y = Finv(fy), Z = 1.08883 * Finv(fz);
  const double r = 3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z;
  const double g = -0.9692660 * X + 1.8760108 * Y + 0.0415560 * Z;
  const double bb = 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z;
  return {static_cast<float>(std::max(0.0, bb)), static_cast<float>(std::max(0.0, g)),
          static_cast<float>(std::max(0.0, r))};
}

double LToY(double L) { return Finv((L + 16.0) / 116.0); }
double YToL(double Y) {
  const double f =
      Y > std::pow(6.0 / 29.0, 3) ? std::cbrt(Y) : Y / (3 * std::pow(6.0 / 29.0, 2)) + 4.0 / 29.0;
  return 116.0 * f - 16.0;
}

cv::Mat Noise2(cv::Size size, double cx, double cy, Rng& rng) {
  cx = std::max(1.0, cx);
  cy = std::max(1.0, cy);
  const int gw = std::max(2, static_cast<int>(size.width / cx) + 3);
  const int gh = std::max(2, static_cast<int>(size.height / cy) + 3);
  cv::Mat g(gh, gw, CV_32F);
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x) g.at<float>(y, x) = static_cast<float>(rng.N());
  cv::Mat up;
  cv::resize(g, up, cv::Size(static_cast<int>(gw * cx), static_cast<int>(gh * cy)), 0, 0,
             cv::INTER_CUBIC);
  return up(cv::Rect(static_cast<int>(cx), static_cast<int>(cy), size.width, size.height)).clone();
}

cv::Mat Noise(cv::Size size, double cell_px, Rng& rng) {
  return Noise2(size, cell_px, cell_px, rng);
}

Wave::Wave(Rng& rng, double min_wl, double max_wl) {
  for (int i = 0; i < 4; ++i) {
    amp[i] = 0.7071;  // unit std for four unit-amplitude sines
    k[i] = 2 * kPi / rng.LogU(min_wl, max_wl);
    ph[i] = rng.U(0, 2 * kPi);
  }
}

void ParallelRows(int rows, const std::function<void(int, int)>& fn) {
  constexpr int kStrip = 16;
  const int strips = (rows + kStrip - 1) / kStrip;
  cv::parallel_for_(cv::Range(0, strips), [&](const cv::Range& r) {
    for (int s = r.start; s < r.end; ++s) fn(s * kStrip, std::min(rows, (s + 1) * kStrip));
  });
}

namespace {

// Fraction of a unit pixel (1-D box) covered by a band of half-width r at distance d >= 0.
inline float BoxCover(float d, float r) {
  return std::clamp(std::min(d + 0.5f, r) - std::max(d - 0.5f, -r), 0.0f, 1.0f);
}

struct Seg {
  cv::Point2f a, b;
  float ra, rb, t0, t1;  // radii at the ends; position along the stroke (0..1)
  float ymin, ymax;      // rows reached, margin included
};

void DrawOne(cv::Mat& lin, const Stroke& s, const std::vector<Seg>& segs, float margin, int y0,
             int y1, const cv::Mat& skip, std::vector<float>& cover) {
  const int W = lin.cols;
  for (int y = y0; y < y1; ++y) {
    // Columns reached by the segments near this row.
    float xa = 1e9f, xb = -1e9f;
    for (const Seg& g : segs) {
      if (y < g.ymin || y > g.ymax) continue;
      const float m = std::max(g.ra, g.rb) + margin;
      const float dy = g.b.y - g.a.y;
      float ta = 0, tb = 1;
      if (std::abs(dy) > 1e-6f) {
        ta = std::clamp((y - m - g.a.y) / dy, 0.0f, 1.0f);
        tb = std::clamp((y + m - g.a.y) / dy, 0.0f, 1.0f);
      }
      const float xa_ = g.a.x + std::min(ta, tb) * (g.b.x - g.a.x),
                  xb_ = g.a.x + std::max(ta, tb) * (g.b.x - g.a.x);
      xa = std::min(xa, std::min(xa_, xb_) - m);
      xb = std::max(xb, std::max(xa_, xb_) + m);
    }
    const int ia = std::max(0, static_cast<int>(std::floor(xa))),
              ib = std::min(W - 1, static_cast<int>(std::ceil(xb)));
    if (ia > ib) continue;
    cover.assign(ib - ia + 1, 0.0f);
    for (const Seg& g : segs) {
      if (y < g.ymin || y > g.ymax) continue;
      const cv::Point2f ab = g.b - g.a;
      const float len2 = ab.dot(ab);
      for (int x = ia; x <= ib; ++x) {
        const cv::Point2f ap(x - g.a.x, y - g.a.y);
        const float t = len2 > 0 ? std::clamp(ap.dot(ab) / len2, 0.0f, 1.0f) : 0.0f;
        const float dx = ap.x - t * ab.x, dyy = ap.y - t * ab.y;
        const float d = std::sqrt(dx * dx + dyy * dyy);
        const float r = g.ra + t * (g.rb - g.ra);
        float c;
        if (s.soft) {
          if (d > 3 * r) continue;
          c = std::exp(-0.5f * d * d / (r * r));
        } else {
          if (d > r + 0.5f) continue;
          c = BoxCover(d, r);
        }
        c *= 1.0f - s.fade * (g.t0 + t * (g.t1 - g.t0));
        if (s.core > 0) c *= 1.0f - s.core * std::min(1.0f, d * d / (r * r));
        float& cv_ = cover[x - ia];
        cv_ = std::max(cv_, c);
      }
    }
    cv::Vec3f* p = lin.ptr<cv::Vec3f>(y);
    const uchar* sk = skip.empty() ? nullptr : skip.ptr<uchar>(y);
    for (int x = ia; x <= ib; ++x) {
      const float a = cover[x - ia] * s.opacity;
      if (a <= 0 || (sk && sk[x])) continue;
      switch (s.mode) {
        case Stroke::Mode::kOver:
          p[x] += (s.color - p[x]) * a;
          break;
        case Stroke::Mode::kMultiply:
          for (int k = 0; k < 3; ++k) p[x][k] *= 1.0f + (s.color[k] - 1.0f) * a;
          break;
        case Stroke::Mode::kAdd:
          p[x] += s.color * a;
          break;
      }
    }
  }
}

}  // namespace

void DrawStrokes(cv::Mat& lin, const std::vector<Stroke>& strokes, const cv::Mat& skip) {
  CV_Assert(lin.type() == CV_32FC3);
  constexpr int kStrip = 32;
  const int H = lin.rows, strips = (H + kStrip - 1) / kStrip;
  std::vector<std::vector<int>> by_strip(strips);
  std::vector<std::vector<Seg>> segs(strokes.size());
  std::vector<float> margins(strokes.size());
  std::vector<std::array<int, 2>> rows(strokes.size(), {0, 0});
  for (size_t i = 0; i < strokes.size(); ++i) {
    const Stroke& s = strokes[i];
    if (s.pts.empty() || s.opacity <= 0) continue;
    float rmax = 0;
    for (float r : s.radius) rmax = std::max(rmax, r);
    const float margin = s.soft ? 2.0f * rmax + 1.0f : 1.0f;
    margins[i] = margin;
    const size_t n = s.pts.size();
    float ylo = 1e9f, yhi = -1e9f;
    for (size_t j = 0; j + 1 < std::max<size_t>(n, 2); ++j) {
      const size_t k = std::min(j + 1, n - 1);
      Seg g{s.pts[j],
            s.pts[k],
            s.radius[j],
            s.radius[k],
            n > 1 ? float(j) / (n - 1) : 0.f,
            n > 1 ? float(k) / (n - 1) : 0.f,
            0,
            0};
      const float m = std::max(g.ra, g.rb) + margin;
      g.ymin = std::floor(std::min(g.a.y, g.b.y) - m);
      g.ymax = std::ceil(std::max(g.a.y, g.b.y) + m);
      ylo = std::min(ylo, g.ymin);
      yhi = std::max(yhi, g.ymax);
      segs[i].push_back(g);
    }
    const int s0 = std::max(0, static_cast<int>(ylo) / kStrip),
              s1 = std::min(strips - 1, static_cast<int>(yhi) / kStrip);
    if (yhi < 0 || ylo >= H) continue;
    rows[i] = {static_cast<int>(ylo), static_cast<int>(yhi) + 1};
    for (int k = s0; k <= s1; ++k) by_strip[k].push_back(static_cast<int>(i));
  }
  cv::parallel_for_(cv::Range(0, strips), [&](const cv::Range& r) {
    std::vector<float> cover;
    for (int k = r.start; k < r.end; ++k) {
      const int y0 = k * kStrip, y1 = std::min(H, y0 + kStrip);
      for (int i : by_strip[k])
        DrawOne(lin, strokes[i], segs[i], margins[i], std::max(y0, rows[i][0]),
                std::min(y1, rows[i][1]), skip, cover);
    }
  });
}

}  // namespace scarmap::synth
