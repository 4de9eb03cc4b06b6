#include "scarmap/preprocess/filters.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

constexpr int kFar = 32766;  // run length that reaches the image border: longer than any kernel

// Half widths of the kernel's rows when each row is one run centred on the anchor column
// (-1 for an empty row); false for any other kernel.
bool CentredRuns(const cv::Mat& kernel, std::vector<int>* half) {
  const int c = kernel.cols / 2;
  if (kernel.cols >= kFar) return false;
  for (int i = 0; i < kernel.rows; ++i) {
    const uchar* k = kernel.ptr<uchar>(i);
    int first = -1, last = -1;
    for (int x = 0; x < kernel.cols; ++x)
      if (k[x]) {
        if (first < 0) first = x;
        last = x;
      }
    if (first < 0) {
      half->push_back(-1);
      continue;
    }
    if (c - first != last - c) return false;
    for (int x = first; x <= last; ++x)
      if (!k[x]) return false;
    half->push_back(c - first);
  }
  return true;
}

// For a kernel whose rows are symmetric about the anchor row and no wider away from it (a disc,
// an ellipse, a rectangle, a cross), the rows a pixel of reach R (below) fails are those within
// K(R) of the anchor row: K(R) = the largest |dy| whose half width exceeds R, -1 when none does.
// Returns false for any other kernel; otherwise kill[R + 1] = K(R) for R = -1 .. half[anchor]
// (a larger reach fails no row).
bool KillReach(const std::vector<int>& half, std::vector<short>* kill) {
  const int ay = static_cast<int>(half.size()) / 2;
  for (int d = 1; d <= ay; ++d)
    if (half[ay - d] != half[ay + d] || half[ay + d] > half[ay + d - 1]) return false;
  if (half[ay] < 0) return false;
  kill->assign(half[ay] + 2, -1);
  for (int r = -1; r <= half[ay]; ++r)
    for (int d = ay; d >= 0; --d)
      if (half[ay + d] > r) {
        (*kill)[r + 1] = static_cast<short>(d);
        break;
      }
  return true;
}

// Erosion of on(p) = (mask(p) != 0) != invert, outside the image on. Where each kernel row is a
// centred run of half width w, it fits at (x, y') when the horizontal run of "on" through x in row
// y' reaches w pixels to both sides: reach(y', x) = min(left, right run length) - 1 >= w.
// Returns 255 where eroded, or, when `invert`, where not eroded (the dilation of the mask).
// A kernel of KillReach's kind costs O(1) per pixel: a pixel (x, y) is eroded away exactly when
// some row y' of the image has |y - y'| <= K(reach(y', x)), which two sweeps down and up each
// column find (the furthest row that a row above reaches down to, and below up to). Any other
// kernel of centred runs costs O(kernel height): every kernel row is checked.
cv::Mat ErodeByRuns(const cv::Mat& mask, bool invert, const std::vector<int>& half) {
  const int w = mask.cols, h = mask.rows, ay = static_cast<int>(half.size()) / 2;
  std::vector<short> kill;
  const bool sweep = KillReach(half, &kill);
  const int max_reach = static_cast<int>(kill.size()) - 2;
  // Per pixel: the reach, or with `sweep` its K.
  cv::Mat reach(h, w, CV_16S);
  cv::parallel_for_(cv::Range(0, h), [&](const cv::Range& rows) {
    std::vector<short> left(w);
    for (int y = rows.start; y < rows.end; ++y) {
      const uchar* m = mask.ptr<uchar>(y);
      short* r = reach.ptr<short>(y);
      int run = kFar;  // the image border counts as on
      for (int x = 0; x < w; ++x) {
        run = ((m[x] != 0) != invert) ? std::min(run + 1, kFar) : 0;
        left[x] = static_cast<short>(run);
      }
      run = kFar;
      for (int x = w - 1; x >= 0; --x) {
        run = ((m[x] != 0) != invert) ? std::min(run + 1, kFar) : 0;
        const int rx = std::min<int>(run, left[x]) - 1;
        r[x] = sweep ? kill[std::min(rx, max_reach) + 1] : static_cast<short>(rx);
      }
    }
  });
  cv::Mat out(h, w, CV_8U);
  const uchar on = invert ? 0 : 255, off = invert ? 255 : 0;
  if (sweep) {
    constexpr int kStripe = 256;  // columns swept together (one row of them is contiguous)
    cv::parallel_for_(cv::Range(0, (w + kStripe - 1) / kStripe), [&](const cv::Range& stripes) {
      std::vector<int> a(kStripe);
      for (int s = stripes.start; s < stripes.end; ++s) {
        const int x0 = s * kStripe, n = std::min(kStripe, w - x0);
        // Down: a = the lowest row that a row at or above y reaches; y is hit when a >= y.
        std::fill(a.begin(), a.end(), -1);
        for (int y = 0; y < h; ++y) {
          const short* k = reach.ptr<short>(y) + x0;
          uchar* o = out.ptr<uchar>(y) + x0;
          for (int i = 0; i < n; ++i) {
            a[i] = std::max(a[i], y + k[i]);
            o[i] = static_cast<uchar>(a[i] >= y);
          }
        }
        // Up: a = the highest row that a row at or below y reaches; y is hit when a <= y.
        std::fill(a.begin(), a.end(), h);
        for (int y = h - 1; y >= 0; --y) {
          const short* k = reach.ptr<short>(y) + x0;
          uchar* o = out.ptr<uchar>(y) + x0;
          for (int i = 0; i < n; ++i) {
            a[i] = std::min(a[i], y - k[i]);
            o[i] = (o[i] || a[i] <= y) ? off : on;
          }
        }
      }
    });
    return out;
  }
  cv::parallel_for_(cv::Range(0, h), [&](const cv::Range& rows) {
    std::vector<uchar> fits(w);
    for (int y = rows.start; y < rows.end; ++y) {
      std::fill(fits.begin(), fits.end(), 1);
      for (int i = 0; i < static_cast<int>(half.size()); ++i) {
        const int yy = y + i - ay;
        if (half[i] < 0 || yy < 0 || yy >= h) continue;  // outside the image: on
        const short* r = reach.ptr<short>(yy);
        const short need = static_cast<short>(half[i]);
        for (int x = 0; x < w; ++x) fits[x] &= static_cast<uchar>(r[x] >= need);
      }
      uchar* o = out.ptr<uchar>(y);
      for (int x = 0; x < w; ++x) o[x] = fits[x] ? on : off;
    }
  });
  return out;
}

void CheckBinary(const cv::Mat& mask, const cv::Mat& kernel) {
  if (mask.empty() || mask.type() != CV_8UC1)
    throw Error("binary morphology: expected a CV_8UC1 mask");
  if (kernel.empty() || kernel.type() != CV_8UC1)
    throw Error("binary morphology: expected a non-empty CV_8UC1 kernel");
}

cv::Mat Binary(const cv::Mat& mask, const cv::Mat& kernel, bool dilate) {
  CheckBinary(mask, kernel);
  std::vector<int> half;
  if (kernel.rows % 2 == 1 && kernel.cols % 2 == 1 && CentredRuns(kernel, &half))
    return ErodeByRuns(mask, dilate, half);
  cv::Mat bin = mask != 0, out;
  if (dilate)
    cv::dilate(bin, out, kernel);
  else
    cv::erode(bin, out, kernel);
  return out;
}

}  // namespace

cv::Mat GaussianBlurBands(const cv::Mat& src, double sigma) {
  // Only the float filter is computed row by row the same way in a view (8-bit uses another,
  // fixed-point path whose bands do not match the whole image).
  const int bands =
      src.depth() == CV_32F ? std::min(cv::getNumThreads(), std::max(1, src.rows / 64)) : 1;
  cv::Mat dst(src.size(), src.type());
  if (bands <= 1) {
    cv::GaussianBlur(src, dst, cv::Size(0, 0), sigma);
    return dst;
  }
  cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& r) {
    for (int b = r.start; b < r.end; ++b) {
      const int y0 = src.rows * b / bands, y1 = src.rows * (b + 1) / bands;
      const cv::Rect band(0, y0, src.cols, y1 - y0);
      cv::Mat out = dst(band);
      cv::GaussianBlur(src(band), out, cv::Size(0, 0), sigma);
    }
  });
  return dst;
}

void NormalisedLogBands(const cv::Mat& src, double sigma, int band_rows,
                        const std::function<void(int first_row, const cv::Mat& band)>& use) {
  if (src.empty() || src.type() != CV_32FC1) throw Error("NormalisedLogBands: expected CV_32FC1");
  if (band_rows < 1) throw Error("NormalisedLogBands: band_rows must be >= 1");
  cv::Mat g, lap;
  for (int y0 = 0; y0 < src.rows; y0 += band_rows) {
    const int y1 = std::min(src.rows, y0 + band_rows);
    // The blur of the band and of the row beyond it each side (a view: its own neighbours); the
    // Laplacian of those rows, whose first and last rows are dropped (where they are the image's
    // own border rows, the reflected border is the whole image's).
    const int top = std::max(0, y0 - 1), bottom = std::min(src.rows, y1 + 1);
    cv::GaussianBlur(src.rowRange(top, bottom), g, cv::Size(0, 0), sigma);
    cv::Laplacian(g, lap, CV_32F, 3);
    cv::Mat band = lap.rowRange(y0 - top, y0 - top + (y1 - y0));
    band *= -sigma * sigma;
    use(y0, band);
  }
}

bool UpsampledComponent(const cv::Mat& v, float level, cv::Point seed, int f, cv::Mat* region_up,
                        cv::Rect* box_up) {
  if (v.empty() || v.type() != CV_32FC1) throw Error("UpsampledComponent: expected CV_32FC1");
  // A power of two: the interpolation's positions are exact, the same wherever the rectangle
  // starts.
  if (f < 1 || f > 16 || (f & (f - 1)) != 0)
    throw Error("UpsampledComponent: the factor must be 1, 2, 4, 8 or 16");
  if (!cv::Rect(0, 0, v.cols, v.rows).contains(seed))
    throw Error("UpsampledComponent: the seed must be a pixel of the image");
  // Up to the rounding of the interpolation (a few units in the last place of the values), kept
  // clear of by a margin relative to them.
  double lo = 0, hi = 0;
  cv::minMaxLoc(v, &lo, &hi);
  const float slack = static_cast<float>(1e-4 * std::max({1.0, std::abs(lo), std::abs(hi)}));
  cv::Mat near;
  cv::dilate(v >= level - slack, near, cv::Mat());
  if (!near.at<uchar>(seed)) return false;
  cv::Mat part = cv::Mat::zeros(v.rows + 2, v.cols + 2, CV_8U);
  cv::Rect box;
  cv::floodFill(near, part, seed, 0, &box, 0, 0, 8 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
  const cv::Rect sub = cv::Rect(box.x - 2, box.y - 2, box.width + 4, box.height + 4) &
                       cv::Rect(0, 0, v.cols, v.rows);
  cv::Mat up;
  cv::resize(v(sub), up, cv::Size(), f, f, cv::INTER_LINEAR);
  const cv::Mat above = up >= level;
  const cv::Point su((seed.x - sub.x) * f + f / 2, (seed.y - sub.y) * f + f / 2);
  if (!above.at<uchar>(su)) return false;
  cv::Mat filled = cv::Mat::zeros(above.rows + 2, above.cols + 2, CV_8U);
  cv::floodFill(above, filled, su, 0, box_up, 0, 0, 8 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
  *region_up = cv::Mat::zeros(v.rows * f, v.cols * f, CV_8U);
  filled(cv::Rect(1, 1, above.cols, above.rows))
      .copyTo((*region_up)(cv::Rect(sub.x * f, sub.y * f, above.cols, above.rows)));
  *box_up += cv::Point(sub.x * f, sub.y * f);
  return true;
}

namespace {

// GaussianBlurCoarse's geometry, shared with CoarseBlurRows. The border reflected at full
// resolution, 3 sigma wide (an even width; the padded size is made even too, so that each
// half-resolution pixel averages exactly 2 x 2 pixels and the centres map back as bilinear
// upsampling expects).
int CoarseMargin(double sigma) { return 2 * static_cast<int>(std::ceil(1.5 * sigma)); }

// The Gaussian's sigma at half resolution: the 2 x 2 average (variance 1/4 px^2 per axis) and the
// bilinear interpolation back (1/6 of the squared step of 2 px on average) blur too, and it
// makes up the rest of sigma^2.
double HalfResolutionSigma(double sigma) {
  constexpr double kResampleVar = 0.25 + 4.0 / 6.0;
  return 0.5 * std::sqrt(sigma * sigma - kResampleVar);
}

// The half-resolution pixels around the image (of `size`, padded by `margin`) that are upsampled
// back: two beyond it each side, cropped after the upsampling.
cv::Rect CoarseAround(cv::Size size, int margin) {
  const int h0 = margin / 2 - 1;
  return cv::Rect(h0, h0, (size.width + 1) / 2 + 2, (size.height + 1) / 2 + 2);
}

}  // namespace

cv::Mat GaussianBlurCoarse(const cv::Mat& src, double sigma) {
  if (src.empty() || src.depth() != CV_32F) throw Error("GaussianBlurCoarse: expected CV_32F");
  if (!(sigma >= kCoarseMinSigma)) return GaussianBlurBands(src, sigma);
  // The border reflected at full resolution, as cv::GaussianBlur reflects it (CoarseMargin).
  const int m = CoarseMargin(sigma);
  cv::Mat padded;
  cv::copyMakeBorder(src, padded, m, m + src.rows % 2, m, m + src.cols % 2, cv::BORDER_REFLECT_101);
  cv::Mat half;
  cv::resize(padded, half, cv::Size(padded.cols / 2, padded.rows / 2), 0, 0, cv::INTER_AREA);
  padded.release();
  half = GaussianBlurBands(half, HalfResolutionSigma(sigma));
  // Back up only where the image is: the half-resolution pixels around it, upsampled, cropped.
  const cv::Rect around = CoarseAround(src.size(), m);
  cv::Mat up;
  cv::resize(half(around), up, cv::Size(2 * around.width, 2 * around.height), 0, 0,
             cv::INTER_LINEAR);
  return up(cv::Rect(2, 2, src.cols, src.rows));
}

cv::Mat WithinDistance(const cv::Mat& mask, double distance_px) {
  if (mask.empty() || mask.type() != CV_8UC1)
    throw Error("WithinDistance: expected a CV_8UC1 mask");
  if (!(distance_px >= 0.0) || !std::isfinite(distance_px))
    throw Error("WithinDistance: the distance must be finite and >= 0");
  const int w = mask.cols, h = mask.rows;
  // The disc as the distance transform measures it: the distances from one pixel (a corner of a
  // quadrant), compared with the distance as cv::compare does; half[dy] = the widest dx within it.
  // (One row more than the distance: compared in float, a distance just below an integer may
  // reach it.)
  const int reach =
      static_cast<int>(std::min<double>(std::floor(distance_px) + 1.0, std::max(w, h)));
  // The same few distances come again and again (a margin for every scar of a photo): the last
  // discs are kept, per thread.
  thread_local std::vector<std::pair<std::pair<double, int>, std::vector<int>>> discs;
  auto known = std::find_if(discs.begin(), discs.end(), [&](const auto& e) {
    return e.first == std::pair(distance_px, reach);
  });
  if (known == discs.end()) {
    cv::Mat quadrant(reach + 1, reach + 1, CV_8U, cv::Scalar(255)), dist;
    quadrant.at<uchar>(0, 0) = 0;
    cv::distanceTransform(quadrant, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    const cv::Mat in = dist <= distance_px;
    std::vector<int> widths(reach + 1, -1);
    for (int dy = 0; dy <= reach; ++dy)
      for (int dx = 0; dx <= reach && in.at<uchar>(dy, dx); ++dx) widths[dy] = dx;
    if (discs.size() >= 4) discs.erase(discs.begin());
    known = discs.insert(discs.end(), {{distance_px, reach}, std::move(widths)});
  }
  const std::vector<int>& half = known->second;
  // The runs of the mask, row by row; an output row is the union of every run within reach rows,
  // each widened by the half width at its row distance (counted on a difference array).
  std::vector<std::vector<std::pair<int, int>>> runs(h);
  for (int y = 0; y < h; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < w;) {
      std::uint64_t eight = 0;  // masks are mostly empty: skip eight zero bytes at a time
      if (x + 8 <= w) std::memcpy(&eight, m + x, sizeof eight);
      if (x + 8 <= w && eight == 0) {
        x += 8;
        continue;
      }
      if (!m[x]) {
        ++x;
        continue;
      }
      const int a = x;
      while (x + 1 < w && m[x + 1]) ++x;
      runs[y].emplace_back(a, x);
      ++x;
    }
  }
  // The rows that hold runs, in order: an output row visits only those within reach (a small
  // scar's few rows, not the 2 x reach + 1 rows around it).
  std::vector<int> run_rows;
  for (int y = 0; y < h; ++y)
    if (!runs[y].empty()) run_rows.push_back(y);
  cv::Mat out = cv::Mat::zeros(h, w, CV_8U);
  std::vector<std::pair<int, int>> spans;
  std::vector<int> cover(w + 1);
  size_t first = 0;  // the first of run_rows within reach of the output row
  for (int y = 0; y < h; ++y) {
    const int y0 = std::max(0, y - reach), y1 = std::min(h - 1, y + reach);
    while (first < run_rows.size() && run_rows[first] < y0) ++first;
    if (first == run_rows.size() || run_rows[first] > y1) continue;  // no run within reach
    // The runs within reach, widened, merged into the output row's spans.
    spans.clear();
    for (size_t k = first; k < run_rows.size() && run_rows[k] <= y1; ++k) {
      const int ys = run_rows[k];
      const int hw = half[std::abs(y - ys)];
      if (hw < 0) continue;
      for (const auto& [a, b] : runs[ys])
        spans.emplace_back(std::max(0, a - hw), std::min(w - 1, b + hw));
    }
    uchar* o = out.ptr<uchar>(y);
    if (spans.size() * 16 > static_cast<size_t>(w)) {
      // Many spans (a whole frame of scars): counted on a difference array instead of sorted.
      std::fill(cover.begin(), cover.end(), 0);
      for (const auto& [from, to] : spans) ++cover[from], --cover[to + 1];
      for (int x = 0, c = 0; x < w; ++x) {
        c += cover[x];
        o[x] = c > 0 ? 255 : 0;
      }
      continue;
    }
    std::sort(spans.begin(), spans.end());
    for (size_t k = 0; k < spans.size();) {
      const int from = spans[k].first;
      int to = spans[k].second;
      for (++k; k < spans.size() && spans[k].first <= to + 1; ++k)
        to = std::max(to, spans[k].second);
      std::memset(o + from, 255, static_cast<size_t>(to - from + 1));
    }
  }
  return out;
}

namespace {

// Zhang-Suen's deletion rule for each neighbourhood code (bit k - 2 = neighbour p_k, clockwise
// from p2 above: p2 N, p3 NE, p4 E, p5 SE, p6 S, p7 SW, p8 W, p9 NW), for the first and second
// sub-iteration: one 0 -> 1 transition around the pixel, 2-6 neighbours on, and p2 p4 p6 = 0 and
// p4 p6 p8 = 0 (first) or p2 p4 p8 = 0 and p2 p6 p8 = 0 (second).
std::array<std::array<bool, 256>, 2> ZhangSuenTable() {
  std::array<std::array<bool, 256>, 2> t{};
  for (int code = 0; code < 256; ++code) {
    auto p = [code](int k) { return (code >> (k - 2)) & 1; };
    int transitions = 0, on = 0;
    for (int k = 2; k <= 9; ++k) {
      on += p(k);
      transitions += p(k) == 0 && p(k == 9 ? 2 : k + 1) == 1;
    }
    const bool shape = transitions == 1 && on >= 2 && on <= 6;
    t[0][code] = shape && p(2) * p(4) * p(6) == 0 && p(4) * p(6) * p(8) == 0;
    t[1][code] = shape && p(2) * p(4) * p(8) == 0 && p(2) * p(6) * p(8) == 0;
  }
  return t;
}

}  // namespace

cv::Mat ThinZhangSuen(const cv::Mat& mask) {
  if (mask.type() != CV_8UC1) throw Error("ThinZhangSuen: expected a CV_8UC1 mask");
  static const std::array<std::array<bool, 256>, 2> kDelete = ZhangSuenTable();
  cv::Mat img = (mask >= 128) / 255;  // 0/1
  std::vector<cv::Point> on;          // the pixels that may still be thinned (never the outermost)
  for (int y = 1; y < img.rows - 1; ++y) {
    const uchar* r = img.ptr<uchar>(y);
    for (int x = 1; x < img.cols - 1; ++x)
      if (r[x]) on.emplace_back(x, y);
  }
  auto code = [&img](const cv::Point& q) {
    const uchar* up = img.ptr<uchar>(q.y - 1) + q.x;
    const uchar* mid = img.ptr<uchar>(q.y) + q.x;
    const uchar* down = img.ptr<uchar>(q.y + 1) + q.x;
    return up[0] | up[1] << 1 | mid[1] << 2 | down[1] << 3 | down[0] << 4 | down[-1] << 5 |
           mid[-1] << 6 | up[-1] << 7;
  };
  std::vector<size_t> doomed;
  for (bool changed = true; changed;) {
    changed = false;
    for (int pass = 0; pass < 2; ++pass) {
      // Judged on the image as the pass found it, then deleted together.
      doomed.clear();
      for (size_t i = 0; i < on.size(); ++i)
        if (kDelete[pass][code(on[i])]) doomed.push_back(i);
      for (size_t i : doomed) img.at<uchar>(on[i]) = 0;
      if (doomed.empty()) continue;
      changed = true;
      // Keep the list to the pixels still on.
      size_t kept = 0;
      for (const cv::Point& q : on)
        if (img.at<uchar>(q)) on[kept++] = q;
      on.resize(kept);
    }
  }
  return img * 255;
}

cv::Mat BinaryErode(const cv::Mat& mask, const cv::Mat& kernel) {
  return Binary(mask, kernel, false);
}

cv::Mat BinaryDilate(const cv::Mat& mask, const cv::Mat& kernel) {
  return Binary(mask, kernel, true);
}

cv::Mat BinaryOpen(const cv::Mat& mask, const cv::Mat& kernel) {
  return BinaryDilate(BinaryErode(mask, kernel), kernel);
}

namespace {

// Source row of output row `dy` and its blend weight, as cv::resize (INTER_LINEAR) computes them.
int LinearSourceRow(int src_rows, int dst_rows, int dy, float* f) {
  const double scale_y = 1.0 / (static_cast<double>(dst_rows) / src_rows);
  const float fy = static_cast<float>((dy + 0.5) * scale_y - 0.5);
  const int sy = cvFloor(fy);
  *f = fy - sy;
  return sy;
}

}  // namespace

cv::Range LinearRowsNeeded(int src_rows, cv::Size dst_size, int y0, int y1) {
  if (src_rows <= 0 || dst_size.width <= 0 || dst_size.height <= 0 || y0 < 0 || y1 < y0 ||
      y1 > dst_size.height)
    throw Error("LinearRowsNeeded: bad size or rows");
  if (y1 == y0) return cv::Range(0, 0);
  float f;
  const int a = std::clamp(LinearSourceRow(src_rows, dst_size.height, y0, &f), 0, src_rows - 1);
  const int b =
      std::clamp(LinearSourceRow(src_rows, dst_size.height, y1 - 1, &f) + 1, 0, src_rows - 1);
  return cv::Range(a, b + 1);
}

cv::Mat ResizeLinearRows(const cv::Mat& rows, int src_rows, int first_row, cv::Size dst_size,
                         int y0, int y1) {
  if (rows.empty() || rows.depth() != CV_32F) throw Error("ResizeLinearRows: expected CV_32F");
  if (dst_size.width <= 0 || dst_size.height <= 0 || y0 < 0 || y1 < y0 || y1 > dst_size.height)
    throw Error("ResizeLinearRows: bad size or rows");
  cv::Mat out(y1 - y0, dst_size.width, rows.type());
  if (y1 == y0) return out;
  const cv::Range need = LinearRowsNeeded(src_rows, dst_size, y0, y1);
  if (need.start < first_row || need.end > first_row + rows.rows)
    throw Error("ResizeLinearRows: the source rows given do not cover the rows needed");
  const int a = need.start;
  cv::Mat across;
  cv::resize(rows.rowRange(a - first_row, need.end - first_row), across,
             cv::Size(dst_size.width, need.size()), 0, 0, cv::INTER_LINEAR);
  const int n = dst_size.width * rows.channels();
  float f;
  for (int dy = y0; dy < y1; ++dy) {
    const int sy = LinearSourceRow(src_rows, dst_size.height, dy, &f);
    const float b0 = 1.f - f, b1 = f;
    const float* s0 = across.ptr<float>(std::clamp(sy, 0, src_rows - 1) - a);
    const float* s1 = across.ptr<float>(std::clamp(sy + 1, 0, src_rows - 1) - a);
    float* o = out.ptr<float>(dy - y0);
    for (int x = 0; x < n; ++x) o[x] = s0[x] * b0 + s1[x] * b1;
  }
  return out;
}

cv::Mat ResizeLinearRows(const cv::Mat& src, cv::Size dst_size, int y0, int y1) {
  if (src.empty() || src.depth() != CV_32F) throw Error("ResizeLinearRows: expected CV_32F");
  return ResizeLinearRows(src, src.rows, 0, dst_size, y0, y1);
}

CoarseBlurRows::CoarseBlurRows(cv::Size size, const std::function<void(int, float*)>& row,
                               double sigma)
    : size_(size) {
  if (size.width <= 0 || size.height <= 0) throw Error("CoarseBlurRows: empty size");
  if (!(sigma > 0.0)) throw Error("CoarseBlurRows: sigma must be > 0");
  if (!(sigma >= kCoarseMinSigma)) {
    cv::Mat src(size, CV_32F);
    for (int y = 0; y < size.height; ++y) row(y, src.ptr<float>(y));
    full_ = GaussianBlurBands(src, sigma);
    return;
  }
  // GaussianBlurCoarse's padded image, built and averaged 2 x 2 a band of rows at a time: the
  // area average of an exact halving reads each output row's two rows only.
  const int m = CoarseMargin(sigma);
  const int pw = size.width + 2 * m + size.width % 2, ph = size.height + 2 * m + size.height % 2;
  half_.create(ph / 2, pw / 2, CV_32F);
  constexpr int kBand = 64;  // padded rows per band (even)
  cv::parallel_for_(cv::Range(0, (ph + kBand - 1) / kBand), [&](const cv::Range& r) {
    cv::Mat line(1, size.width, CV_32F), band;
    for (int b = r.start; b < r.end; ++b) {
      const int p0 = b * kBand, n = std::min(kBand, ph - p0);
      band.create(n, pw, CV_32F);
      for (int i = 0; i < n; ++i) {
        row(cv::borderInterpolate(p0 + i - m, size.height, cv::BORDER_REFLECT_101),
            line.ptr<float>());
        cv::Mat out = band.row(i);
        cv::copyMakeBorder(line, out, 0, 0, m, m + size.width % 2, cv::BORDER_REFLECT_101);
      }
      cv::Mat dst = half_.rowRange(p0 / 2, p0 / 2 + n / 2);
      cv::resize(band, dst, dst.size(), 0, 0, cv::INTER_AREA);
    }
  });
  half_ = GaussianBlurBands(half_, HalfResolutionSigma(sigma));
  around_ = CoarseAround(size, m);
}

cv::Mat CoarseBlurRows::Rows(int y0, int y1) const {
  if (y0 < 0 || y1 < y0 || y1 > size_.height) throw Error("CoarseBlurRows: bad rows");
  if (!full_.empty()) return full_.rowRange(y0, y1);
  const cv::Size up(2 * around_.width, 2 * around_.height);
  return ResizeLinearRows(half_(around_), up, y0 + 2, y1 + 2).colRange(2, 2 + size_.width);
}

}  // namespace scarmap
