#include "scarmap/scar/fut_band_segmenter.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/filters.hpp"
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

double Median(std::vector<double> v) { return MedianInPlace(v); }

double PathLength(const std::vector<cv::Point2d>& pts) {
  double len = 0;
  for (size_t k = 1; k < pts.size(); ++k) len += cv::norm(pts[k] - pts[k - 1]);
  return len;
}

// Best ridge response over scales at each pixel of the detection image.
struct RidgeMaps {
  cv::Mat r;      ///< CV_32F scale-normalised ridge strength (L* units), 0 where none
  cv::Mat scale;  ///< CV_8U index into `sigmas` of the best scale
  /// CV_16S offset of the line centre from the pixel at the best scale, in 1 / kOffsetScale px
  /// (the Taylor step across the line: within +-0.5 px on each axis, so 16 bits resolve it to
  /// 2e-5 px in half the memory of floats)
  cv::Mat ox, oy;
  std::vector<float> sigmas;  ///< the scales, detection px
  static constexpr float kOffsetScale = 65534.0f;
  float Sigma(cv::Point p) const { return sigmas[scale.at<uchar>(p)]; }
  cv::Point2d Centre(cv::Point p) const {
    return {p.x + ox.at<short>(p) / kOffsetScale, p.y + oy.at<short>(p) / kOffsetScale};
  }
};

// Ridge strength of bright (sign +1) or dark (sign -1) lines: max over scales of the
// scale-normalised curvature across the line minus twice the curvature along it (a blob or a
// flat patch scores nothing), kept only at pixels that contain the line's centre: the zero of
// the first derivative across it, from a second-order Taylor step, lies within the pixel
// (Steger 1998; the flank of a wide band or a step edge is not a centre). Large scales are computed
// on a 2x-decimated pyramid (box-averaged, the residual blur compensated) so that a 10 mm band
// costs about what a 1 mm one does. The derivatives are taken a band of rows at a time (the blur of
// a view sees the image around it, the Sobel kernels one row more; a pyramid level's are taken on
// the level's rows a band's upsampling reads), so that no derivative image of the whole image or
// level is held: the same pixels as whole-image filters.
RidgeMaps Ridge(const cv::Mat& img, const std::vector<double>& sigmas, int sign) {
  RidgeMaps m;
  m.r = cv::Mat(img.size(), CV_32F, cv::Scalar(0));
  m.scale = cv::Mat(img.size(), CV_8U, cv::Scalar(0));
  m.ox = cv::Mat(img.size(), CV_16S, cv::Scalar(0));
  m.oy = cv::Mat(img.size(), CV_16S, cv::Scalar(0));
  if (sigmas.size() > 255) throw Error("Ridge: too many scales");
  for (double s : sigmas) m.sigmas.push_back(static_cast<float>(s));
  constexpr int kBand = 128;  // rows of derivatives computed together
  const int bands = (img.rows + kBand - 1) / kBand;
  std::vector<cv::Mat> pyr{img};
  for (size_t si = 0; si < sigmas.size(); ++si) {
    const double s = sigmas[si];
    int level = 0;
    while (s / std::pow(2.0, level + 1) >= 2.0 && std::min(pyr[level].cols, pyr[level].rows) >= 64) {
      ++level;
      if (static_cast<int>(pyr.size()) <= level) {
        cv::Mat half;
        cv::resize(pyr.back(), half, cv::Size((pyr.back().cols + 1) / 2, (pyr.back().rows + 1) / 2), 0,
                   0, cv::INTER_AREA);
        pyr.push_back(half);
      }
    }
    const double f = std::pow(2.0, level);
    const double box_var = (f * f - 1.0) / 12.0;  // variance of the box averaging, px^2
    const double sl = std::sqrt(std::max(0.25, s * s - box_var)) / f;
    // Scale-normalised derivatives (sigma d, sigma^2 d2: the same in level or full-res units).
    // (The 3x3 Sobel kernels sum to 8 x the first and 4 x the second derivative.)
    const double n1 = 0.125 * sl, n2 = 0.25 * sl * sl;
    auto derivatives = [&](const cv::Mat& g, cv::Mat d[5]) {
      cv::Sobel(g, d[0], CV_32F, 1, 0, 3, n1);
      cv::Sobel(g, d[1], CV_32F, 0, 1, 3, n1);
      cv::Sobel(g, d[2], CV_32F, 2, 0, 3, n2);
      cv::Sobel(g, d[3], CV_32F, 0, 2, 3, n2);
      cv::Sobel(g, d[4], CV_32F, 1, 1, 3, n2);
    };
    // Level 0: each band blurred with the row either side its Sobel kernels read (a blur of a
    // float view sees the image around it: the whole-image blur's rows, see GaussianBlurBands),
    // so that no blurred image is held whole. Level > 0: the level blurred, and a band's
    // derivatives those of the level's rows that its upsampling reads.
    cv::Mat g;
    if (level > 0) cv::GaussianBlur(pyr[level], g, cv::Size(0, 0), sl);
    const uchar idx = static_cast<uchar>(si);
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
      for (int band = range.start; band < range.end; ++band) {
        const int y0 = band * kBand, y1 = std::min(img.rows, y0 + kBand);
        cv::Mat d[5];
        if (level == 0) {
          const int a = std::max(0, y0 - 1), b = std::min(img.rows, y1 + 1);
          cv::Mat blurred;
          cv::GaussianBlur(img.rowRange(a, b), blurred, cv::Size(0, 0), sl);
          derivatives(blurred.rowRange(y0 - a, y1 - a), d);
        } else {
          const cv::Range need = LinearRowsNeeded(g.rows, img.size(), y0, y1);
          cv::Mat coarse[5];
          derivatives(g.rowRange(need), coarse);
          for (int k = 0; k < 5; ++k)
            d[k] = ResizeLinearRows(coarse[k], g.rows, need.start, img.size(), y0, y1);
        }
        for (int y = y0; y < y1; ++y) {
          const float* gx = d[0].ptr<float>(y - y0);
          const float* gy = d[1].ptr<float>(y - y0);
          const float* a = d[2].ptr<float>(y - y0);
          const float* b = d[3].ptr<float>(y - y0);
          const float* c = d[4].ptr<float>(y - y0);
          float* o = m.r.ptr<float>(y);
          uchar* os = m.scale.ptr<uchar>(y);
          short* oox = m.ox.ptr<short>(y);
          short* ooy = m.oy.ptr<short>(y);
          const float sf = static_cast<float>(s);
          for (int x = 0; x < img.cols; ++x) {
            const float tr = a[x] + b[x];
            const float det = std::sqrt((a[x] - b[x]) * (a[x] - b[x]) + 4 * c[x] * c[x]);
            const float l1 = 0.5f * (tr + det), l2 = 0.5f * (tr - det);  // l1 >= l2
            const float across = sign > 0 ? -l2 : l1;
            const float along = sign > 0 ? std::abs(l1) : std::abs(l2);
            float r = across - 2.0f * along;
            if (r <= o[x]) continue;
            // Eigenvector of the across eigenvalue.
            const float l = sign > 0 ? l2 : l1;
            float vx = c[x], vy = l - a[x];
            if (std::abs(vx) + std::abs(vy) < 1e-9f) vx = l - b[x], vy = c[x];
            const float nrm = std::sqrt(vx * vx + vy * vy);
            if (nrm < 1e-12f) continue;
            vx /= nrm, vy /= nrm;
            // Taylor step to the centre across the line, in px: -(d/dn) / (d2/dn2), with both
            // derivatives scale-normalised (sigma d, sigma^2 d2).
            const float t = -sf * (gx[x] * vx + gy[x] * vy) / l;
            const float dx = t * vx, dy = t * vy;
            if (std::abs(dx) > 0.5f || std::abs(dy) > 0.5f) continue;
            o[x] = r, os[x] = idx;
            oox[x] = cv::saturate_cast<short>(dx * RidgeMaps::kOffsetScale);
            ooy[x] = cv::saturate_cast<short>(dy * RidgeMaps::kOffsetScale);
          }
        }
      }
    });
  }
  return m;
}

// An ordered chain of ridge centre points (detection px).
struct Chain {
  std::vector<cv::Point2d> pts;
  double sigma = 0.0;  ///< median ridge scale, px
};

// Ridge centre pixels above `lo`, in 8-connected sets that reach `hi` (hysteresis), each
// ordered along its longest path (the tree diameter found by two breadth-first searches: spurs
// and crossings drop out), at their sub-pixel centre positions. Takes the maps over: the ridge
// strength is freed once the centre pixels are marked (1 above `lo`, 2 above `hi`).
std::vector<Chain> CentreChains(RidgeMaps m, const cv::Mat& scalp, double hi, double lo,
                                double min_len_px) {
  const cv::Size size = m.r.size();
  cv::Mat centre = cv::Mat::zeros(size, CV_8U);
  for (int y = 1; y + 1 < size.height; ++y) {
    const float* r = m.r.ptr<float>(y);
    const uchar* s = scalp.empty() ? nullptr : scalp.ptr<uchar>(y);
    uchar* c = centre.ptr<uchar>(y);
    for (int x = 1; x + 1 < size.width; ++x)
      if (r[x] > lo && (!s || s[x])) c[x] = r[x] > hi ? 2 : 1;
  }
  m.r.release();
  cv::Mat comp, stats, cents;
  const int n = cv::connectedComponentsWithStats(centre, comp, stats, cents, 8, CV_32S);
  std::vector<std::vector<cv::Point>> members(n);
  std::vector<char> strong(n, 0);
  for (int y = 0; y < size.height; ++y) {
    const int* l = comp.ptr<int>(y);
    const uchar* r = centre.ptr<uchar>(y);
    for (int x = 0; x < size.width; ++x) {
      if (!l[x]) continue;
      const cv::Rect box(stats.at<int>(l[x], cv::CC_STAT_LEFT), stats.at<int>(l[x], cv::CC_STAT_TOP),
                         stats.at<int>(l[x], cv::CC_STAT_WIDTH), stats.at<int>(l[x], cv::CC_STAT_HEIGHT));
      if (std::max(box.width, box.height) < min_len_px * 0.7) continue;
      members[l[x]].emplace_back(x, y);
      if (r[x] == 2) strong[l[x]] = 1;
    }
  }
  centre.release();
  std::vector<Chain> chains;
  // Breadth-first distances and parents (as image indices) over the component's bounding box.
  cv::Mat dist, parent;
  cv::Point tl;
  auto bfs = [&](cv::Point from, const std::vector<cv::Point>& pts, int label) {
    for (const auto& p : pts) dist.at<int>(p - tl) = -1, parent.at<int>(p - tl) = -1;
    std::vector<cv::Point> q{from};
    dist.at<int>(from - tl) = 0;
    for (size_t h = 0; h < q.size(); ++h) {
      const cv::Point p = q[h];
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const cv::Point nb(p.x + dx, p.y + dy);
          if ((!dx && !dy) || nb.x < 0 || nb.y < 0 || nb.x >= size.width || nb.y >= size.height)
            continue;
          if (comp.at<int>(nb) != label || dist.at<int>(nb - tl) >= 0) continue;
          dist.at<int>(nb - tl) = dist.at<int>(p - tl) + 1;
          parent.at<int>(nb - tl) = p.y * size.width + p.x;
          q.push_back(nb);
        }
    }
    return q.back();
  };
  for (int i = 1; i < n; ++i) {
    if (!strong[i] || members[i].size() < 3) continue;
    tl = cv::Point(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP));
    const cv::Size box(stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    dist.create(box, CV_32S);
    parent.create(box, CV_32S);
    const cv::Point a = bfs(members[i].front(), members[i], i);
    const cv::Point b = bfs(a, members[i], i);
    Chain ch;
    std::vector<double> sig;
    for (int idx = b.y * size.width + b.x; idx >= 0;) {
      const cv::Point p(idx % size.width, idx / size.width);
      ch.pts.push_back(m.Centre(p));
      sig.push_back(m.Sigma(p));
      idx = parent.at<int>(p - tl);
    }
    if (PathLength(ch.pts) < min_len_px) continue;
    ch.sigma = Median(sig);
    chains.push_back(std::move(ch));
  }
  return chains;
}

// End k (0 = front, 1 = back) of a chain: its position and outward unit direction, from the
// last `span` px of the chain.
void ChainEnd(const Chain& c, int k, double span, cv::Point2d* pos, cv::Point2d* dir) {
  const auto& p = c.pts;
  const cv::Point2d e = k == 0 ? p.front() : p.back();
  cv::Point2d inner = e;
  double acc = 0;
  for (size_t j = 1; j < p.size() && acc < span; ++j) {
    const cv::Point2d& q = k == 0 ? p[j] : p[p.size() - 1 - j];
    acc += cv::norm(q - inner);
    inner = q;
  }
  *pos = e;
  const cv::Point2d d = e - inner;
  const double nd = cv::norm(d);
  *dir = nd > 0 ? d * (1.0 / nd) : cv::Point2d(0, 0);
}

// Joins chains whose ends face each other across a gap of up to `max_gap` px (a band broken by
// a patch of lower contrast, a crossing hair or an FUE dot): candidate end pairs (found on a
// grid) in order of increasing cost, each end joined at most once, no cycles.
std::vector<Chain> JoinChains(const std::vector<Chain>& chains, double max_gap, double span) {
  const int n = static_cast<int>(chains.size());
  struct End { cv::Point2d pos, dir; };
  std::vector<End> ends(2 * n);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < 2; ++k) ChainEnd(chains[i], k, span, &ends[2 * i + k].pos, &ends[2 * i + k].dir);
  const double cell = std::max(1.0, max_gap);
  std::unordered_map<long long, std::vector<int>> grid;
  auto key = [&](int gx, int gy) { return (static_cast<long long>(gx) << 32) ^ static_cast<unsigned>(gy); };
  for (int e = 0; e < 2 * n; ++e)
    grid[key(static_cast<int>(std::floor(ends[e].pos.x / cell)), static_cast<int>(std::floor(ends[e].pos.y / cell)))]
        .push_back(e);
  const double cos_max = std::cos(35.0 * CV_PI / 180.0);
  struct Cand { double cost; int a, b; };
  std::vector<Cand> cands;
  for (int a = 0; a < 2 * n; ++a) {
    const int gx = static_cast<int>(std::floor(ends[a].pos.x / cell));
    const int gy = static_cast<int>(std::floor(ends[a].pos.y / cell));
    for (int oy = -1; oy <= 1; ++oy)
      for (int ox = -1; ox <= 1; ++ox) {
        auto it = grid.find(key(gx + ox, gy + oy));
        if (it == grid.end()) continue;
        for (int b : it->second) {
          if (b <= a || b / 2 == a / 2) continue;
          const double sr = chains[a / 2].sigma / std::max(1e-6, chains[b / 2].sigma);
          if (sr > 2.5 || sr < 0.4) continue;
          const cv::Point2d gap = ends[b].pos - ends[a].pos;
          const double d = cv::norm(gap);
          if (d > max_gap) continue;
          if (ends[a].dir.dot(-ends[b].dir) < cos_max) continue;  // not facing each other
          double lateral = 0;
          if (d > 2.0) {
            const cv::Point2d u = gap * (1.0 / d);
            if (u.dot(ends[a].dir) < cos_max || (-u).dot(ends[b].dir) < cos_max) continue;
            lateral = std::abs(u.cross(ends[a].dir)) * d;
          }
          cands.push_back({d + 2.0 * lateral, a, b});
        }
      }
  }
  std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) { return x.cost < y.cost; });
  std::vector<int> link(2 * n, -1);  // end -> end it is joined to
  std::vector<int> root(n);
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](int x) {
    while (root[x] != x) x = root[x] = root[root[x]];
    return x;
  };
  for (const Cand& c : cands) {
    if (link[c.a] >= 0 || link[c.b] >= 0) continue;
    const int ra = find(c.a / 2), rb = find(c.b / 2);
    if (ra == rb) continue;
    link[c.a] = c.b, link[c.b] = c.a;
    root[ra] = rb;
  }
  // Walk each joined sequence from a chain end that is not linked.
  std::vector<Chain> out;
  std::vector<char> used(n, 0);
  for (int start = 0; start < 2 * n; ++start) {
    if (used[start / 2] || link[start] >= 0) continue;
    Chain joined;
    double wsum = 0, lsum = 0;
    int e = start;  // entry end of the current chain
    while (true) {
      const int ci = e / 2;
      used[ci] = 1;
      const Chain& c = chains[ci];
      if (e % 2 == 0) joined.pts.insert(joined.pts.end(), c.pts.begin(), c.pts.end());
      else joined.pts.insert(joined.pts.end(), c.pts.rbegin(), c.pts.rend());
      const double l = PathLength(c.pts);
      wsum += c.sigma * l, lsum += l;
      const int exit = e ^ 1;
      if (link[exit] < 0) break;
      e = link[exit];
    }
    joined.sigma = wsum / std::max(1e-9, lsum);
    out.push_back(std::move(joined));
  }
  return out;
}

// Moving average of `pts` over +-`radius` of arc length, resampled every `step` along it.
std::vector<cv::Point2d> SmoothResample(const std::vector<cv::Point2d>& pts, double radius, double step) {
  std::vector<double> s(pts.size(), 0.0);
  for (size_t k = 1; k < pts.size(); ++k) s[k] = s[k - 1] + cv::norm(pts[k] - pts[k - 1]);
  const double total = s.empty() ? 0 : s.back();
  std::vector<cv::Point2d> out;
  if (pts.size() < 2 || total <= 0) return pts;
  size_t lo = 0, hi = 0;
  const int nst = std::max(1, static_cast<int>(std::floor(total / step)));
  for (int i = 0; i <= nst; ++i) {
    const double t = std::min(total, i * total / nst);
    // A window clipped symmetrically at the ends, so the ends are not pulled inwards.
    const double r = std::min({radius, t, total - t});
    while (lo < pts.size() && s[lo] < t - r - 1e-9) ++lo;
    while (hi + 1 < pts.size() && s[hi + 1] <= t + r + 1e-9) ++hi;
    cv::Point2d acc(0, 0);
    int cnt = 0;
    for (size_t k = lo; k <= hi && k < pts.size(); ++k) acc += pts[k], ++cnt;
    if (r < 1e-9 || cnt == 0) {
      // Interpolate the point at arc length t.
      size_t k = 0;
      while (k + 1 < s.size() && s[k + 1] < t) ++k;
      const double seg = k + 1 < s.size() ? s[k + 1] - s[k] : 0.0;
      const double f = seg > 0 ? (t - s[k]) / seg : 0.0;
      out.push_back(k + 1 < pts.size() ? pts[k] + f * (pts[k + 1] - pts[k]) : pts[k]);
    } else {
      out.push_back(acc * (1.0 / cnt));
    }
  }
  return out;
}

// One profile across the band at a station.
struct Station {
  cv::Point2d left, right;   ///< half-maximum edges (working px)
  double contrast = 0.0;     ///< peak minus skin level, L*
  double skin_l = 0.0, skin_r = 0.0;  ///< skin level on each side
  double flank_sd = 0.0;     ///< robust spread of the skin on the flanks (texture, noise), L*
  /// Mean over both edges of the distance between the crossings of a quarter and of three
  /// quarters of the contrast, px: how soft the edges are.
  double rise = 0.0;
  /// Where the skin was read: the flanks span t0..t1 along `normal` from `centre` (working px).
  cv::Point2d centre, normal;
  double flank_l0 = 0.0, flank_l1 = 0.0, flank_r0 = 0.0, flank_r1 = 0.0;
  double skin = 0.0;         ///< skin level beside the band (both flanks), L*
  bool flank_off_scalp = false;
};

struct ProfileParams {
  int sign;
  double max_half;  ///< half of the widest band, px
  double outer;     ///< width of each flank read for the skin level, px
  double gap;       ///< at most this between an edge and its flank (soft edges), px
  double min_w, max_w, peak_win;
};

// The half-maximum edges of the band across `c` (normal `ndir`) on `clean`: the peak within
// `peak_win` of the station, the skin level from the flanks just beyond the edges (refined
// once), the edges where the profile crosses skin + half the contrast (linear sub-pixel).
bool MeasureStation(const cv::Mat& clean, const cv::Mat& scalp, const ProfileParams& p,
                    cv::Point2d c, cv::Point2d ndir, Station* st) {
  const int sign = p.sign;
  const double off = p.max_half + p.gap + 2 + p.outer + 1;
  const int nsamp = static_cast<int>(2 * off) + 1;
  std::vector<float> prof(nsamp);
  for (int k = 0; k < nsamp; ++k) prof[k] = Sample(clean, c.x + (k - off) * ndir.x, c.y + (k - off) * ndir.y);
  const int mid = nsamp / 2;
  const int win = std::max(2, static_cast<int>(p.peak_win));
  int pk = mid;
  for (int k = mid - win; k <= mid + win; ++k)
    if (k >= 0 && k < nsamp && sign * prof[k] > sign * prof[pk]) pk = k;
  const float peak = prof[pk];
  auto edge = [&](int dir, float level, double* pos) {
    for (int k = pk; k >= 1 && k < nsamp - 1; k += dir) {
      const int kn = k + dir;
      if (sign * (prof[kn] - level) <= 0) {
        const double f = (prof[k] - level) / (prof[k] - prof[kn] + 1e-9);
        *pos = k + dir * f - off;
        return true;
      }
    }
    return false;
  };
  std::vector<double> flank;
  for (int k = 0; k < nsamp; ++k)
    if (std::abs(k - mid) > p.max_half) flank.push_back(prof[k]);
  float skin = static_cast<float>(Median(flank));
  double el = 0, er = 0;
  double sl = skin, sr = skin, sd = 0;
  for (int it = 0; it < 2; ++it) {
    const float level = skin + 0.5f * (peak - skin);
    if (sign * (peak - skin) <= 0) return false;
    if (!edge(-1, level, &el) || !edge(+1, level, &er)) return false;
    std::vector<double> fl, fr;
    const double w = er - el;
    const double g = std::min(0.6 * w, p.gap) + 2;
    for (int k = 0; k < nsamp; ++k) {
      const double t = k - off;
      if (t < el - g && t > el - g - p.outer) fl.push_back(prof[k]);
      if (t > er + g && t < er + g + p.outer) fr.push_back(prof[k]);
    }
    if (fl.size() < 2 || fr.size() < 2) return false;
    sl = Median(fl), sr = Median(fr);
    std::vector<double> both = fl, dev;
    both.insert(both.end(), fr.begin(), fr.end());
    skin = static_cast<float>(Median(both));
    for (double v : fl) dev.push_back(std::abs(v - sl));
    for (double v : fr) dev.push_back(std::abs(v - sr));
    sd = 1.4826 * Median(dev);
  }
  const double w = er - el;
  if (w < p.min_w || w > p.max_w) return false;
  {
    double l25 = el, l75 = el, r25 = er, r75 = er;
    const float pk_skin = peak - skin;
    edge(-1, skin + 0.25f * pk_skin, &l25), edge(-1, skin + 0.75f * pk_skin, &l75);
    edge(+1, skin + 0.25f * pk_skin, &r25), edge(+1, skin + 0.75f * pk_skin, &r75);
    st->rise = 0.5 * ((l75 - l25) + (r25 - r75));
  }
  st->skin = skin;
  st->left = c + el * ndir;
  st->right = c + er * ndir;
  st->contrast = peak - skin;
  st->skin_l = sl, st->skin_r = sr;
  st->flank_sd = sd;
  st->flank_off_scalp = false;
  const double g = std::min(0.6 * w, p.gap) + 2;
  st->centre = c, st->normal = ndir;
  st->flank_l0 = el - g - p.outer, st->flank_l1 = el - g;
  st->flank_r0 = er + g, st->flank_r1 = er + g + p.outer;
  if (!scalp.empty()) {
    for (double t : {el - g - 0.5 * p.outer, er + g + 0.5 * p.outer}) {
      const int x = cvRound(c.x + t * ndir.x), y = cvRound(c.y + t * ndir.y);
      if (x < 0 || y < 0 || x >= scalp.cols || y >= scalp.rows || !scalp.at<uchar>(y, x))
        st->flank_off_scalp = true;
    }
  }
  return true;
}

// The difference between the skin levels on the two sides of station `s`, read on `lightness`
// (L*, not flattened: the flattening's large-scale background estimate bends beside long hair, so
// that the flattened skin on that side reads several L* lighter) along the station's flanks with
// hair pixels and their neighbours, and pixels off `scalp` (CV_8U, may be empty), left out. NaN
// where a flank has fewer than 3 skin pixels.
double RawStep(const cv::Mat& lightness, const cv::Mat& hair, const cv::Mat& scalp,
               const Station& s) {
  auto level = [&](double t0, double t1) {
    std::vector<double> v;
    for (double t = t0; t <= t1; t += 1.0) {
      const cv::Point2d q = s.centre + t * s.normal;
      const int x = cvRound(q.x), y = cvRound(q.y);
      if (x < 1 || y < 1 || x >= lightness.cols - 1 || y >= lightness.rows - 1) continue;
      bool on_hair = false;
      for (int dy = -1; dy <= 1 && !hair.empty(); ++dy)
        for (int dx = -1; dx <= 1; ++dx) on_hair |= hair.at<uchar>(y + dy, x + dx) != 0;
      if (!on_hair && (scalp.empty() || scalp.at<uchar>(y, x)))
        v.push_back(Sample(lightness, q.x, q.y));
    }
    return v.size() >= 3 ? Median(v) : NAN;
  };
  return std::abs(level(s.flank_l0, s.flank_l1) - level(s.flank_r0, s.flank_r1));
}

// The pixels of `size` inside `poly` (working px), clipped to `clip` (CV_8U, may be empty):
// rasterised at 4 x 4 sub-pixels, a pixel is in when at least half of it is covered, so the mask
// neither grows by the boundary pixels nor shrinks; `area` gets the covered area in px (sub-pixel).
cv::Mat FillPolygon(const std::vector<cv::Point2d>& poly, cv::Size size, const cv::Mat& clip, double* area) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8U);
  *area = 0.0;
  if (poly.size() < 3) return mask;
  std::vector<cv::Point2f> pf(poly.begin(), poly.end());
  const cv::Rect roi = (cv::boundingRect(pf) + cv::Size(3, 3) - cv::Point(1, 1)) & cv::Rect(cv::Point(0, 0), size);
  if (roi.empty()) return mask;
  constexpr int kSub = 4, kShift = 4;
  std::vector<cv::Point> q;
  for (const auto& p : poly)
    q.emplace_back(cvRound(((p.x - roi.x + 0.5) * kSub - 0.5) * (1 << kShift)),
                   cvRound(((p.y - roi.y + 0.5) * kSub - 0.5) * (1 << kShift)));
  cv::Mat fine = cv::Mat::zeros(roi.height * kSub, roi.width * kSub, CV_8U);
  cv::fillPoly(fine, std::vector<std::vector<cv::Point>>{q}, cv::Scalar(255), cv::LINE_8, kShift);
  cv::Mat cover;
  cv::resize(fine, cover, roi.size(), 0, 0, cv::INTER_AREA);
  if (!clip.empty()) cover.setTo(0, clip(roi) == 0);
  *area = cv::sum(cover)[0] / 255.0;
  mask(roi).setTo(255, cover >= 128);
  return mask;
}

// Share of the length of `centre` (working px) along which `clean` reads less than half of the
// band's contrast above (sign +1) or below (-1) the skin level of the nearest measured station:
// where the band is broken. Read every `spacing` px; `st`/`ok` are the stations at `centre`.
double BrokenFraction(const cv::Mat& clean, const std::vector<cv::Point2d>& centre,
                      const std::vector<Station>& st, const std::vector<char>& ok, int sign,
                      double contrast, double spacing) {
  double total = 0, broken = 0, skin = 0;
  for (size_t k = 0; k < centre.size(); ++k)
    if (ok[k]) {
      skin = st[k].skin;
      break;
    }
  for (size_t k = 1; k < centre.size(); ++k) {
    if (ok[k]) skin = st[k].skin;
    const cv::Point2d a = centre[k - 1], b = centre[k];
    const double len = cv::norm(b - a);
    const int n = std::max(1, static_cast<int>(std::ceil(len / spacing)));
    for (int j = 0; j < n; ++j) {
      const cv::Point2d q = a + (b - a) * ((j + 0.5) / n);
      total += len / n;
      if (sign * (Sample(clean, q.x, q.y) - skin) < 0.5 * std::abs(contrast)) broken += len / n;
    }
  }
  return total > 0 ? broken / total : 1.0;
}

cv::Point2d Normal(const std::vector<cv::Point2d>& pts, size_t k, int reach) {
  const size_t a = k >= static_cast<size_t>(reach) ? k - reach : 0;
  const size_t b = std::min(pts.size() - 1, k + reach);
  cv::Point2d t = pts[b] - pts[a];
  const double n = cv::norm(t);
  if (n < 1e-9) return {0, 1};
  t *= 1.0 / n;
  return {-t.y, t.x};
}

}  // namespace

void FutOptions::Check() const {
  if (!(min_width_mm > 0.0 && min_width_mm < max_width_mm && max_width_mm <= 30.0))
    throw Error("fut.min_width_mm / max_width_mm must satisfy 0 < min < max <= 30");
  if (!(min_length_mm > 0.0)) throw Error("fut.min_length_mm must be > 0");
  if (!(min_length_widths > 0.0)) throw Error("fut.min_length_widths must be > 0");
  if (!(soft_edge_rise > 0.0)) throw Error("fut.soft_edge_rise must be > 0");
  if (!(min_soft_length_widths >= 0.0)) throw Error("fut.min_soft_length_widths must be >= 0");
  if (!(profile_step_mm > 0.0)) throw Error("fut.profile_step_mm must be > 0");
  if (!(min_contrast_L > 0.0)) throw Error("fut.min_contrast_L must be > 0");
  if (!(max_gap_mm >= 0.0)) throw Error("fut.max_gap_mm must be >= 0");
  if (!(max_trace_mm >= 0.0)) throw Error("fut.max_trace_mm must be >= 0");
  if (!(min_glare_L > 0.0)) throw Error("fut.min_glare_L must be > 0");
  if (!(max_glare_gap_mm >= 0.0)) throw Error("fut.max_glare_gap_mm must be >= 0");
  if (!(min_trace_radius_mm > 0.0)) throw Error("fut.min_trace_radius_mm must be > 0");
  if (!(max_trace_turn_deg > 0.0 && max_trace_turn_deg <= 90.0))
    throw Error("fut.max_trace_turn_deg must be in (0, 90]");
  if (!(max_hair_fraction >= 0.0 && max_hair_fraction <= 1.0))
    throw Error("fut.max_hair_fraction must be in [0, 1]");
  if (!(detect_px_per_mm > 0.0)) throw Error("fut.detect_px_per_mm must be > 0");
  if (!(min_texture_ratio >= 0.0)) throw Error("fut.min_texture_ratio must be >= 0");
  if (!(max_width_roughness > 0.0)) throw Error("fut.max_width_roughness must be > 0");
  if (!(min_contrast_length >= 0.0)) throw Error("fut.min_contrast_length must be >= 0");
  if (!(max_broken_fraction > 0.0 && max_broken_fraction <= 1.0))
    throw Error("fut.max_broken_fraction must be in (0, 1]");
}

FutBands SegmentFutBands(const FutOptions& o, const WorkingImage& image, const Follicles& fol) {
  o.Check();
  if (image.lightness.empty()) throw Error("SegmentFutBands: image.lightness is empty");
  FutBands out;
  const cv::Size size = image.lightness.size();
  const cv::Mat& scalp = image.scalp_mask;
  const double ppm = image.px_per_mm;

  FlattenOptions fo;
  fo.sigma_mm = 25.0;
  cv::Mat flat = FlattenLightness(fo, image.lightness, scalp, ppm);
  // Hair out (detected hair filled, then a closing for what the mask missed).
  const cv::Mat closed = RemoveHair(flat, fol.hair_mask, ppm);
  flat.release();

  // Detection at a coarser scale (bands are at least 0.5 mm wide).
  const int dec = std::max(1, static_cast<int>(std::floor(ppm / o.detect_px_per_mm + 0.25)));
  const double dppm = ppm / dec;
  auto down = [&](const cv::Mat& m, int interp) {
    if (dec == 1) return m;
    cv::Mat r;
    cv::resize(m, r, cv::Size((m.cols + dec - 1) / dec, (m.rows + dec - 1) / dec), 0, 0, interp);
    return r;
  };
  cv::Mat dscalp = scalp.empty() ? cv::Mat() : down(scalp, cv::INTER_NEAREST);
  if (!dscalp.empty()) cv::erode(dscalp, dscalp, cv::Mat());
  auto to_work = [&](cv::Point2d p) { return cv::Point2d((p.x + 0.5) * dec - 0.5, (p.y + 0.5) * dec - 0.5); };

  // Ridge scales: sigma ~ half-width / sqrt(3) for a bar profile.
  std::vector<double> sigmas;
  for (double hw = o.min_width_mm / 2; hw <= o.max_width_mm / 2 * 1.01; hw *= 1.6)
    sigmas.push_back(std::max(0.8, hw * dppm / std::sqrt(3.0)));

  struct Candidate {
    FutBand band;
    cv::Mat mask;
    double score;
  };
  std::vector<Candidate> accepted_all;
  const double step = image.MmToPx(o.profile_step_mm) / 2;  // stations every half profile step
  for (int sign : {+1, -1}) {
    if (sign < 0 && !o.detect_dark) continue;
    // Both on the closed image: hair is out, and a dark band is wider than the closing disc.
    const cv::Mat& clean = closed;
    const cv::Mat det = down(clean, cv::INTER_AREA);
    RidgeMaps rm = Ridge(det, sigmas, sign);
    // The scale-normalised response of a bar of contrast h is about h / 2 (L* units): an
    // absolute threshold in L*, hysteresis at half of it.
    const double hi = 0.5 * std::max(o.min_contrast_L, 1.0) * (sign > 0 ? 1.0 : 2.0);
    std::vector<Chain> chains = CentreChains(std::move(rm), dscalp, hi, 0.5 * hi, 1.0 * dppm);
    chains = JoinChains(chains, o.max_gap_mm * dppm, 2.0 * dppm);

    const ProfileParams pp{sign, image.MmToPx(o.max_width_mm / 2) + 2, image.MmToPx(2.5), image.MmToPx(1.5),
                           std::max(1.5, image.MmToPx(o.min_width_mm) * 0.25), image.MmToPx(o.max_width_mm) * 1.3, 0};
    for (const Chain& ch : chains) {
      if (PathLength(ch.pts) * dec < image.MmToPx(o.min_length_mm) * 0.6) continue;
      std::vector<cv::Point2d> wpts;
      wpts.reserve(ch.pts.size());
      for (const auto& p : ch.pts) wpts.push_back(to_work(p));
      // A ridge bends at the end of a wide band (the Hessian sees its rounded end): the last
      // 1.5 ridge scales of the chain are dropped, and the band is followed on straight from
      // there while its contrast holds (below).
      {
        const double cut = std::min(1.5 * ch.sigma * dec, 0.25 * PathLength(wpts));
        auto trim = [&](std::vector<cv::Point2d>& v) {
          double acc = 0;
          size_t k = v.size() - 1;
          while (k > 1 && acc < cut) acc += cv::norm(v[k] - v[k - 1]), --k;
          v.resize(k + 1);
        };
        trim(wpts);
        std::reverse(wpts.begin(), wpts.end());
        trim(wpts);
      }
      std::vector<cv::Point2d> path = SmoothResample(wpts, image.MmToPx(1.5), step);
      if (path.size() < 4) continue;
      ProfileParams p = pp;
      p.peak_win = std::max(2.0, ch.sigma * dec * 1.2);
      const int reach = std::max(1, static_cast<int>(std::lround(image.MmToPx(1.0) / step)));

      // A station is usable when measured and its midpoint lies near the line followed (an
      // oblique profile across a band's end or a crossing structure is not). While the ridge is
      // followed (the chain's stations and its extension past the ends), the line may lie off it
      // by up to half the peak search window: at a coarse ridge scale the centre of a thin, curved
      // band is biased towards its concave side. The final stations, re-centred on the measured
      // midpoints, are held to the strict test.
      double follow_tol_px = 0.0;
      auto measure = [&](cv::Point2d c, cv::Point2d n, Station* s) {
        if (!scalp.empty() && !scalp.at<uchar>(std::clamp(cvRound(c.y), 0, size.height - 1),
                                                std::clamp(cvRound(c.x), 0, size.width - 1)))
          return false;
        if (!MeasureStation(clean, scalp, p, c, n, s)) return false;
        const double w = cv::norm(s->right - s->left);
        return cv::norm(0.5 * (s->left + s->right) - c) <= std::max({2.0, 0.5 * w, follow_tol_px});
      };
      std::vector<Station> st(path.size());
      std::vector<char> ok(path.size());
      follow_tol_px = 0.5 * p.peak_win;
      for (size_t k = 0; k < path.size(); ++k) ok[k] = measure(path[k], Normal(path, k, reach), &st[k]);
      std::vector<double> cs;
      for (size_t k = 0; k < st.size(); ++k)
        if (ok[k]) cs.push_back(st[k].contrast);
      if (cs.size() < 4) continue;
      const double c0 = Median(cs);
      // Follows the band from the chain's stations (`path`, `st`, `ok`: copies) and appends what
      // passes every test to `found`: the whole, else its stretches between gaps.
      size_t straight_span = 0;
      auto follow = [&](bool track, std::vector<cv::Point2d> path, std::vector<Station> st,
                        std::vector<char> ok, std::vector<Candidate>* found) {
        follow_tol_px = 0.5 * p.peak_win;
        // The band ends where its contrast falls to half of its own (half maximum along the band,
        // as across it). The ridge fades before the band does (it breaks up where a thin band
        // waves, a hair crosses it or glare lies on it): from each end of the chain the band is
        // traced on in fine steps, each station re-centred on the measured midpoint and the
        // direction taken from the last 1.5 mm traced, so a curve or a wave is followed. Stations
        // where the band cannot be measured (glare, a crossing structure) are missing data: they
        // are stepped over straight on for up to max_gap_mm, and the trace ends at the last
        // measured station when the band is not found again.
        const double fine = std::max(1.0, step / 2);
        const double ext_mm = track ? o.max_trace_mm : 6.0;
        const int max_miss =
            track ? std::max(1, static_cast<int>(std::ceil(image.MmToPx(o.max_gap_mm) / fine))) : 0;
        const double dir_span = image.MmToPx(1.5);
        std::vector<double> ws;
        for (size_t k = 0; k < st.size(); ++k)
          if (ok[k]) ws.push_back(cv::norm(st[k].right - st[k].left));
        const double w0 = Median(ws);
        std::vector<double> skins;
        for (size_t k = 0; k < st.size(); ++k)
          if (ok[k]) skins.push_back(st[k].skin);
        const double skin0 = Median(skins);
        // Glare: the station's centre far lighter than the band's skin (and than a light band).
        const double glare_dl = std::max(2.0 * std::abs(c0), o.min_glare_L);
        const int max_glare = static_cast<int>(std::ceil(image.MmToPx(o.max_glare_gap_mm) / fine));
        // A station whose skin glare lifts reads the band too wide: missing data on the trace.
        auto in_glare = [&](const Station& s) { return track && s.skin - skin0 > 0.5 * glare_dl; };
        // A strip scar bends gently and keeps its width and contrast: a trace that turns sharply,
        // swells or shrinks, or doubles its contrast has run onto something else (the edge of a
        // glare patch, a part line): such stations are not the band.
        const double max_turn = fine / image.MmToPx(o.min_trace_radius_mm);  // rad per step
        const double cos_dev = std::cos(o.max_trace_turn_deg * CV_PI / 180.0);
        for (int end = 0; end < 2; ++end) {
          const size_t n = path.size();
          const cv::Point2d e = end == 0 ? path.front() : path.back();
          const cv::Point2d in = end == 0 ? path[std::min<size_t>(2 * reach, n - 1)]
                                          : path[n - 1 - std::min<size_t>(2 * reach, n - 1)];
          cv::Point2d dir = e - in;
          const double nd = cv::norm(dir);
          if (nd < 1e-9) continue;
          dir *= 1.0 / nd;
          // The band's overall direction, outwards at this end: the chain's chord.
          cv::Point2d dir0 = (end == 0 ? -1.0 : 1.0) * (path.back() - path.front());
          dir0 *= 1.0 / std::max(1e-9, cv::norm(dir0));
          std::vector<cv::Point2d> tq{e}, good{e};
          std::vector<Station> ts{Station{}};
          std::vector<char> tok{0};
          size_t kept = 1;
          int miss = 0, glare = 0;
          cv::Point2d pos = e;
          for (int it = 1; it <= static_cast<int>(image.MmToPx(ext_mm) / fine); ++it) {
            const cv::Point2d q = pos + fine * dir;
            if (q.x < 0 || q.y < 0 || q.x > size.width - 1 || q.y > size.height - 1) break;
            Station s;
            bool found = measure(q, cv::Point2d(-dir.y, dir.x), &s) &&
                         std::abs(s.contrast) >= 0.5 * std::abs(c0);
            if (found && track) {
              const double w = cv::norm(s.right - s.left);
              found = std::abs(s.contrast) <= 2.0 * std::abs(c0) && w >= 0.5 * w0 &&
                      w <= 2.0 * w0 && !in_glare(s);
            }
            pos = q;
            if (!found && track && Sample(clean, q.x, q.y) - skin0 > glare_dl) {
              // Glare: missing data, stepped over straight on (a longer stretch than other gaps).
              if (++glare > max_glare) break;
              tq.push_back(q), ts.push_back(Station{}), tok.push_back(0);
              continue;
            }
            if (!found) {
              if (++miss > max_miss) break;
              tq.push_back(q), ts.push_back(Station{}), tok.push_back(0);
              continue;
            }
            miss = 0, glare = 0;
            if (track) {
              pos = 0.5 * (s.left + s.right);
              good.push_back(pos);
              size_t b = good.size() - 1;
              double acc = 0;
              while (b > 0 && acc < dir_span) acc += cv::norm(good[b] - good[b - 1]), --b;
              const cv::Point2d d = pos - good[b];
              if (acc > 0.5 * dir_span && cv::norm(d) > 1e-9) {
                // Turn towards the traced line by at most max_turn per step.
                const double turn = std::atan2(dir.cross(d), dir.dot(d));
                const double a = std::clamp(turn, -max_turn, max_turn);
                const cv::Point2d nd2(dir.x * std::cos(a) - dir.y * std::sin(a),
                                      dir.x * std::sin(a) + dir.y * std::cos(a));
                if (nd2.dot(dir0) < cos_dev) break;
                dir = nd2;
              }
            }
            tq.push_back(q), ts.push_back(s), tok.push_back(1);
            kept = tq.size();
          }
          for (size_t k = 1; k < kept; ++k) {
            if (end == 0)
              path.insert(path.begin(), tq[k]), st.insert(st.begin(), ts[k]),
                  ok.insert(ok.begin(), tok[k]);
            else
              path.push_back(tq[k]), st.push_back(ts[k]), ok.push_back(tok[k]);
          }
        }
        auto usable = [&](size_t k) {
          return ok[k] && std::abs(st[k].contrast) >= 0.5 * std::abs(c0);
        };
        size_t ua = 0, uz = st.size();
        while (ua < uz && !usable(ua)) ++ua;
        while (uz > ua && !usable(uz - 1)) --uz;
        // The span followed, in stations: a trace that reaches no further than the straight
        // extension did measures the same band again, at some cost (the final profiles, the
        // polygon, the hair ring), and is not needed.
        if (!track) {
          straight_span = uz - ua;
        } else if (uz - ua <= straight_span + static_cast<size_t>(image.MmToPx(1.0) / step)) {
          return;
        }
        // Stations the band could not be followed through (a glare patch, a crossing structure)
        // may join a band to something else: when the whole is rejected, each stretch between
        // gaps of at least 2 mm is tried on its own.
        std::vector<std::pair<size_t, size_t>> segments{{ua, uz}};
        {
          const size_t min_gap = static_cast<size_t>(std::ceil(image.MmToPx(2.0) / step));
          size_t run = ua, gap = 0;
          std::vector<std::pair<size_t, size_t>> runs;
          for (size_t k = ua; k <= uz; ++k) {
            if (k < uz && usable(k)) {
              gap = 0;
              continue;
            }
            if (k < uz && ++gap < min_gap) continue;
            const size_t run_end = k < uz ? k + 1 - gap : uz;
            if (run_end > run) runs.emplace_back(run, run_end);
            while (k + 1 < uz && !usable(k + 1)) ++k;
            run = k + 1, gap = 0;
          }
          if (runs.size() > 1) segments.insert(segments.end(), runs.begin(), runs.end());
        }
        for (size_t si = 0; si < segments.size(); ++si) {
          const size_t a = segments[si].first, z = segments[si].second;
          if (z - a < 4) continue;
          // Centreline: the half-maximum midpoints, smoothed and resampled every half step
          // (station-to-station jitter of the edge estimates would otherwise add spurious length).
          std::vector<cv::Point2d> mids;
          for (size_t k = a; k < z; ++k)
            if (ok[k]) mids.push_back(0.5 * (st[k].left + st[k].right));
          follow_tol_px = 0.0;
          std::vector<cv::Point2d> centre = SmoothResample(mids, image.MmToPx(2.0), step);
          if (centre.size() < 4) continue;
          // The final profiles, perpendicular to the centreline at regular steps; the centreline
          // ends at its last measurable station at either end.
          std::vector<Station> fin(centre.size());
          std::vector<char> fok(centre.size());
          for (size_t k = 0; k < centre.size(); ++k)
            fok[k] = measure(centre[k], Normal(centre, k, reach), &fin[k]) && !in_glare(fin[k]);
          {
            size_t fa = 0, fz = centre.size();
            while (fa < fz && !fok[fa]) ++fa;
            while (fz > fa && !fok[fz - 1]) --fz;
            centre = std::vector<cv::Point2d>(centre.begin() + fa, centre.begin() + fz);
            fin = std::vector<Station>(fin.begin() + fa, fin.begin() + fz);
            fok = std::vector<char>(fok.begin() + fa, fok.begin() + fz);
          }
          std::vector<cv::Point2d> left, right;
          std::vector<double> contrasts, widths, steps, profile, texture, rises, raw_steps;
          int measured = 0, border = 0;
          for (size_t k = 0; k < centre.size(); ++k) {
            const Station& s = fin[k];
            const double w = fok[k] ? cv::norm(s.right - s.left) : NAN;
            if (k % 2 == 0) profile.push_back(w);
            if (!fok[k]) continue;
            ++measured;
            border += s.flank_off_scalp;
            left.push_back(s.left);
            right.push_back(s.right);
            contrasts.push_back(s.contrast);
            widths.push_back(w);
            steps.push_back(std::abs(s.skin_l - s.skin_r));
            const double raw = RawStep(image.lightness, fol.hair_mask, scalp, s);
            if (!std::isnan(raw)) raw_steps.push_back(raw);
            texture.push_back(s.flank_sd);
            rises.push_back(s.rise);
          }
          const double stations = static_cast<double>(centre.size());
          // Consistency: the band holds along most of its length (not a row of dots).
          if (measured < 4 || measured < 0.7 * stations) continue;
          // A light strip along the edge of the scalp is the border with the background.
          if (border > 0.3 * measured) continue;
          const double contrast = Median(contrasts);
          // Dark thin lines have many look-alikes (wrinkles, folds, shadows, aligned hair): a band
          // darker than the skin must show twice the contrast of a light one.
          if (std::abs(contrast) < (sign > 0 ? 1.0 : 2.0) * o.min_contrast_L) continue;
          {
            std::vector<double> sorted = contrasts;
            std::sort(sorted.begin(), sorted.end());
            const double q1 = sorted[sorted.size() / 4], q3 = sorted[3 * sorted.size() / 4];
            if (std::abs(q3 - q1) > 0.8 * std::abs(contrast)) continue;
          }
          // Continuous: along its centreline a band reads at least half of its contrast almost all
          // the way (a crossing hair is filled in, a glare patch only lightens it), while a chain
          // through a row of FUE dots or gaps between light hairs drops to the skin between them.
          const double spacing = std::max(1.0, image.MmToPx(0.1));
          if (BrokenFraction(clean, centre, fin, fok, sign, contrast, spacing) >
              o.max_broken_fraction)
            continue;
          // Clearly above the texture of the skin beside it (gaps in dense stubble line up into
          // light streaks as long as a band but barely lighter than their surroundings' spread;
          // rows of stubble and unremoved long hair into dark ones: a dark band needs 1.5 x the
          // ratio, which a -3 L* band on dark skin, 5 x its flanks' spread, still passes).
          if (std::abs(contrast) < (sign > 0 ? 1.0 : 1.5) * o.min_texture_ratio * Median(texture))
            continue;
          // A shadow or a step in the skin: the two sides of a band are at the same level.
          // Read on the flattened L* and on L* itself with hair and off-scalp pixels left out: each
          // has its own artefacts (the flattening bends beside long hair; light hair the hair mask
          // missed lies in the raw flanks), a shadow edge shows in both.
          {
            double step_seen = Median(steps);
            if (raw_steps.size() * 2 >= static_cast<size_t>(measured))
              step_seen = std::min(step_seen, Median(raw_steps));
            if (step_seen > 0.6 * std::abs(contrast)) continue;
          }
          const double len = PathLength(centre);
          const double med_width = Median(widths);
          // Smooth edges: a band's width changes slowly along it, a row of dots or blotches (whose
          // gaps a closing may bridge) swells and pinches from station to station.
          {
            std::vector<double> dw;
            for (size_t k = 1; k < widths.size(); ++k)
              dw.push_back(std::abs(widths[k] - widths[k - 1]));
            if (Median(dw) > o.max_width_roughness * med_width + image.MmToPx(0.1)) continue;
          }
          if (len < image.MmToPx(o.min_length_mm) || len < o.min_length_widths * med_width)
            continue;
          // A glare highlight is a soft light patch: its profile across is bell-shaped (the rise
          // from a quarter to three quarters of its contrast about 0.38 of its half-maximum width;
          // a scar's edges, even soft ones, rise in at most 0.3 of its width), and a streak of it
          // only a few times longer than it is wide (glare streaks measured: 3.1-3.4 widths; bands
          // with soft edges: 8 widths and more).
          if (Median(rises) > o.soft_edge_rise * med_width &&
              len < o.min_soft_length_widths * med_width)
            continue;
          // Evidence grows with length: a short faint streak is what aligned gaps between stubble
          // and rows of touching dots make; a strip scar is long, or clearly lighter, or both.
          if (std::abs(contrast) * image.PxToMm(len) < o.min_contrast_length) continue;
          // Gently curved: the chord spans most of the path.
          if (cv::norm(centre.back() - centre.front()) < 0.6 * len) continue;
          auto smooth3 = [](std::vector<cv::Point2d>& v) {
            std::vector<cv::Point2d> s = v;
            for (size_t k = 1; k + 1 < v.size(); ++k)
              s[k] = (v[k - 1] + v[k] + v[k + 1]) * (1.0 / 3);
            v = s;
          };
          smooth3(left), smooth3(right);
          std::vector<cv::Point2d> contour = left;
          contour.insert(contour.end(), right.rbegin(), right.rend());
          double area = 0.0;
          cv::Mat m = FillPolygon(contour, size, scalp, &area);
          if (area == 0) continue;
          // Hairless: a strip scar has (almost) no hair of its own, while the skin beside it has
          // its usual density. Hairs from the sides may lie across the band, so hair pixels are not
          // counted: hair pieces are, each where most of it lies (its centroid). A lighter patch of
          // skin has as many as its surroundings.
          if (!fol.hair_mask.empty()) {
            const int rd = 2 * static_cast<int>(image.MmToPx(3.0)) + 1;
            const cv::Rect roi = cv::boundingRect(m) + cv::Size(rd, rd) - cv::Point(rd / 2, rd / 2);
            const cv::Rect r = roi & cv::Rect(0, 0, size.width, size.height);
            cv::Mat ring =
                BinaryDilate(m(r), cv::getStructuringElement(cv::MORPH_ELLIPSE, {rd, rd}));
            ring &= ~m(r);
            if (!scalp.empty()) ring &= scalp(r);
            const double band_px = cv::countNonZero(m(r)), ring_px = cv::countNonZero(ring);
            cv::Mat comp, stats, cents;
            const int nc =
                cv::connectedComponentsWithStats(fol.hair_mask(r), comp, stats, cents, 8, CV_32S);
            int in = 0, around = 0;
            for (int i = 1; i < nc; ++i) {
              const int x = std::clamp(cvRound(cents.at<double>(i, 0)), 0, r.width - 1);
              const int y = std::clamp(cvRound(cents.at<double>(i, 1)), 0, r.height - 1);
              in += m(r).at<uchar>(y, x) != 0;
              around += ring.at<uchar>(y, x) != 0;
            }
            const double d_in = in / std::max(1.0, band_px),
                         d_ring = around / std::max(1.0, ring_px);
            const double min_ring = 10.0 / (100.0 * ppm * ppm);  // 10 hair pieces per cm^2
            if (ring_px > 0 && d_ring > min_ring && d_in > o.max_hair_fraction * d_ring) continue;
          }
          FutBand b;
          b.centerline_px = centre;
          b.length_px = len;
          b.width_profile_px = profile;
          b.contour_px = contour;  // left edge, then the right one back
          b.area_px = area;
          b.contrast_L = contrast;
          const double margin = image.MmToPx(1.0);
          auto near_edge = [&](const cv::Point2d& q) {
            return q.x < margin || q.y < margin || q.x > size.width - 1 - margin ||
                   q.y > size.height - 1 - margin;
          };
          b.touches_border = near_edge(centre.front()) || near_edge(centre.back());
          b.confidence = std::clamp(std::abs(contrast) / 6.0, 0.1, 1.0) *
                         std::clamp(measured / stations, 0.0, 1.0);
          found->push_back({std::move(b), m, std::abs(contrast) * len});
          if (si == 0) break;  // the whole was accepted
        }
      };
      // The tests decide on the band as the ridge shows it, followed straight on past its ends for
      // a few mm; an accepted band is then traced to its ends (below) and measured there, when
      // the traced band passes the same tests. (Decided on the traced band, the part line of long
      // hair and faint skin folds, traced on along the gaps between hairs, gain the length that
      // lets them pass the length and contrast-length tests.)
      std::vector<Candidate> straight, traced;
      follow(false, path, st, ok, &straight);
      if (straight.empty()) continue;
      follow(true, path, st, ok, &traced);
      double len_straight = 0, len_traced = 0;
      for (const Candidate& c : straight) len_straight += c.band.length_px;
      for (const Candidate& c : traced) len_traced += c.band.length_px;
      for (Candidate& c : len_traced > len_straight ? traced : straight)
        accepted_all.push_back(std::move(c));
    }
  }
  // The same band can be found twice (a bright and a dark pass, or a chain along each edge of
  // a wide band): strongest first, a band mostly inside those already kept is dropped.
  std::sort(accepted_all.begin(), accepted_all.end(),
            [](const Candidate& x, const Candidate& y) { return x.score > y.score; });
  out.labels = cv::Mat::zeros(size, CV_32S);
  for (Candidate& c : accepted_all) {
    const cv::Mat taken = out.labels > 0;
    const double own = std::max(1, cv::countNonZero(c.mask));
    const int overlap = cv::countNonZero(c.mask & taken);
    if (overlap > 0.3 * own) continue;
    c.mask &= ~taken;
    c.band.area_px *= (own - overlap) / own;
    out.bands.push_back(std::move(c.band));
    out.labels.setTo(static_cast<int>(out.bands.size()), c.mask);
  }
  return out;
}

}  // namespace scarmap
