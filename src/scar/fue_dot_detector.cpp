#include "scarmap/scar/fue_dot_detector.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/filters.hpp"
#include "scarmap/preprocess/stats.hpp"

namespace scarmap {
namespace {

struct Candidate {
  cv::Point p;
  float response;
  double radius_px;
};

// a* (redness) and b* (yellowness) of a pixel of WorkingImage::ab (its chroma: AbChroma).
float Redness(const cv::Vec2s& ab) { return ab[0] / kAbScale; }
float Yellowness(const cv::Vec2s& ab) { return ab[1] / kAbScale; }

// Median of `of` (AbChroma, Redness, Yellowness) over the a*, b* pixels at `at` (the scalp's own
// colour or a spot's).
float MedianAt(const std::vector<const cv::Vec2s*>& at, float (*of)(const cv::Vec2s&)) {
  std::vector<float> c;
  c.reserve(at.size());
  for (const cv::Vec2s* p : at) c.push_back(of(*p));
  return MedianInPlace(c);
}

// The lowest value of `dist` (CV_32F) on the segment between a and b, ends excluded (sampled
// every half pixel, nearest pixel); +infinity when they are neighbours.
float Narrowest(const cv::Mat& dist, cv::Point a, cv::Point b) {
  const int n = static_cast<int>(std::ceil(2.0 * cv::norm(b - a)));
  float low = std::numeric_limits<float>::infinity();
  for (int i = 1; i < n; ++i) {
    const cv::Point2d t = cv::Point2d(a) + cv::Point2d(b - a) * (static_cast<double>(i) / n);
    low = std::min(low, dist.at<float>(cvRound(t.y), cvRound(t.x)));
  }
  return low;
}

// The eigenvalues, larger first, of a region's second-moment matrix [[xx, xy], [xy, yy]] (central
// moments, any normalisation): its spread along its principal axes.
std::array<double, 2> PrincipalMoments(double xx, double yy, double xy) {
  const double common = std::sqrt(std::pow(xx - yy, 2) + 4 * xy * xy);
  return {(xx + yy + common) / 2, (xx + yy - common) / 2};
}

// Minor over major axis of a region (cv::moments of its mask); 0 when it is empty.
double Roundness(const cv::Moments& m) {
  const auto [l1, l2] = PrincipalMoments(m.mu20, m.mu02, m.mu11);
  return l1 > 0 ? std::sqrt(std::max(0.0, l2) / l1) : 0.0;
}

// Hairs lighter than the skin (grey, white or blond stubble over darker skin), which the follicle
// stage's black-hat cannot see and whose crossings and bundles read as light spots: the white
// top-hat of `flat` (0.7 px blur) with a disc of `disc_mm`, wider than a hair and narrower than
// any dot, so neither a dot's plateau nor an edge gives one (Serra 1982), beyond `sigmas` robust
// sigmas (MAD) of the white minus the black top-hat on the skin outside `hair` (skin texture
// spreads that difference evenly both ways, hair one way only), with hysteresis at half of it.
// A light structure is hair only as a line: a component whose long axis (sqrt(12 lambda1) of its
// second moments) is at least `min_length_mm` and three times its width; a light speck or the
// rim of a dot is round. `flat` should have the known (dark) hair filled in already, so the skin
// between two hairs is not a light line. Returns CV_8U, 255 = light hair.
cv::Mat LightHairLines(const cv::Mat& flat, const cv::Mat& hair, const cv::Mat& scalp,
                       double px_per_mm, double disc_mm, double sigmas, double min_length_mm) {
  const int d = static_cast<int>(std::lround(disc_mm * px_per_mm)) | 1;
  cv::Mat out = cv::Mat::zeros(flat.size(), CV_8U);
  if (d < 3) return out;
  const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d});
  cv::Mat s, light, dark;
  cv::GaussianBlur(flat, s, cv::Size(0, 0), 0.7);
  cv::morphologyEx(s, light, cv::MORPH_OPEN, disc);
  cv::subtract(s, light, light);
  cv::morphologyEx(s, dark, cv::MORPH_CLOSE, disc);
  cv::subtract(dark, s, dark);
  s.release();
  double thr = 0;
  {
    cv::Mat quiet;
    if (!hair.empty())
      cv::dilate(hair, quiet, cv::Mat());
    else
      quiet = cv::Mat::zeros(flat.size(), CV_8U);
    quiet = scalp.empty() ? quiet == 0 : (quiet == 0) & scalp;
    cv::Mat both;
    cv::subtract(light, dark, both);
    thr = std::max(sigmas * RobustSigma(both, quiet, 0.05), 1.0);
  }
  dark.release();
  cv::Mat labels;
  const int n = cv::connectedComponents(light > 0.5 * thr, labels, 8, CV_32S);
  // Per component: pixel count, sums of x, y, x^2, y^2, xy, and whether it holds a strong pixel.
  std::vector<std::array<double, 6>> mom(n, std::array<double, 6>{});
  std::vector<char> strong(n, 0);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const float* v = light.ptr<float>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (!l[x]) continue;
      std::array<double, 6>& m = mom[l[x]];
      const double px = x, py = y;
      m[0] += 1;
      m[1] += px;
      m[2] += py;
      m[3] += px * px;
      m[4] += py * py;
      m[5] += px * py;
      if (v[x] > thr) strong[l[x]] = 1;
    }
  }
  light.release();
  const double min_len = min_length_mm * px_per_mm;
  std::vector<uchar> line(n, 0);
  for (int i = 1; i < n; ++i) {
    const std::array<double, 6>& m = mom[i];
    if (!strong[i] || m[0] < 3) continue;
    const double cx = m[1] / m[0], cy = m[2] / m[0];
    const double xx = m[3] / m[0] - cx * cx, yy = m[4] / m[0] - cy * cy, xy = m[5] / m[0] - cx * cy;
    const auto [l1, l2] = PrincipalMoments(xx, yy, xy);
    const double len = std::sqrt(12 * l1), width = std::sqrt(12 * std::max(0.0, l2));
    line[i] = len >= min_len && len >= 3 * width;
  }
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uchar* o = out.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x)
      if (line[l[x]]) o[x] = 255;
  }
  if (!scalp.empty()) out &= scalp;
  return out;
}

// A waist narrower than this share of the smaller of two peaks' inscribed radii parts them. Not
// lower: the half-maximum region of overlapping dots keeps only a shallow waist.
constexpr double kWaist = 0.95;

}  // namespace

void FueDotOptions::Check() const {
  if (!(min_diameter_mm > 0.0 && min_diameter_mm < max_diameter_mm))
    throw Error("fue.min_diameter_mm must be > 0 and < max_diameter_mm");
  if (!(max_diameter_mm <= 5.0)) throw Error("fue.max_diameter_mm must be <= 5 mm");
  if (!(min_contrast_L > 0.0)) throw Error("fue.min_contrast_L must be > 0");
  if (!(min_roundness > 0.0 && min_roundness <= 1.0)) throw Error("fue.min_roundness must be (0,1]");
  if (!(min_solidity > 0.0 && min_solidity <= 1.0)) throw Error("fue.min_solidity must be (0,1]");
  if (!(min_chroma_ratio >= 0.0 && min_chroma_ratio < 1.0))
    throw Error("fue.min_chroma_ratio must be in [0, 1)");
  if (!(min_faint_contrast_L > 0.0 && min_faint_contrast_L <= min_contrast_L))
    throw Error("fue.min_faint_contrast_L must be > 0 and <= min_contrast_L");
  if (!(faint_b_drop_ratio >= 0.0)) throw Error("fue.faint_b_drop_ratio must be >= 0");
  if (!(noise_sigmas > 0.0)) throw Error("fue.noise_sigmas must be > 0");
  if (!(hair_line_disc_mm >= 0.0 && hair_line_disc_mm < min_diameter_mm))
    throw Error("fue.hair_line_disc_mm must be >= 0 and < min_diameter_mm");
  if (!(hair_line_sigmas > 0.0)) throw Error("fue.hair_line_sigmas must be > 0");
  if (!(min_hair_line_mm > 0.0)) throw Error("fue.min_hair_line_mm must be > 0");
}

FueDots DetectFueDots(const FueDotOptions& o, const WorkingImage& image, const Follicles& fol,
                      const cv::Mat& exclude) {
  o.Check();
  if (image.lightness.empty() || image.ab.size() != image.lightness.size())
    throw Error("DetectFueDots: image.lightness and image.ab must be filled");
  FueDots out;
  const cv::Mat& scalp = image.scalp_mask;
  const cv::Size size = image.lightness.size();

  // Hair-free, flattened lightness.
  const cv::Mat flat = FlattenLightness({}, image.lightness, scalp, image.px_per_mm);
  // Hair out: the follicle stage's (dark) hair filled from the skin around it (0.4 mm, as
  // RemoveHair fills); then the light hair lines, found with that hair filled, filled from their
  // nearest pixels only (1.5 px: a light hair lying over a dot takes the dot's level, not the
  // skin's, so the dot is not cut); then RemoveHair's grey closing for stubble the mask missed (a
  // gap between dense stubble is then skin, not a light spot) and opening for light hair too
  // short to be a line.
  const cv::Mat hair = fol.hair_mask.empty() ? cv::Mat::zeros(size, CV_8U) : fol.hair_mask;
  cv::Mat clean, white;
  {
    cv::Mat known;
    cv::dilate(hair, known, cv::Mat());
    const cv::Mat filled = FillMasked(flat, known, std::max(1.0, 0.4 * image.px_per_mm));
    white = LightHairLines(filled, known, scalp, image.px_per_mm, o.hair_line_disc_mm,
                           o.hair_line_sigmas, o.min_hair_line_mm);
    cv::dilate(white, known, cv::Mat());
    clean = RemoveHair(FillMasked(filled, known, 1.5), cv::Mat(), image.px_per_mm,
                       o.hair_closing_mm, o.hair_opening_mm);
  }

  const double rmin = image.MmToPx(o.min_diameter_mm / 2.0);
  const double rmax = image.MmToPx(o.max_diameter_mm / 2.0);
  double contrast_noise = 0;
  {
    // The residual texture around a wide blur, which only a robust spread reads: the blur at
    // half resolution (GaussianBlurCoarse) from kCoarseMinSigma px. (Before the LoG: its
    // response map and this blur are not held at the same time.)
    cv::Mat g = GaussianBlurCoarse(clean, std::max(1.0, rmax));
    cv::subtract(clean, g, g);
    contrast_noise = RobustSigma(g, scalp, 0.1);
  }
  // Scale-normalised LoG over dot radii (sigma = r / sqrt(2)): the strongest response and the
  // index of its scale (8-bit), computed in bands of rows (two small buffers, not two maps).
  constexpr int kScales = 5, kBandRows = 256;
  std::array<float, kScales> radius;  // as a float map held them
  cv::Mat best(size, CV_32F, cv::Scalar(0)), best_k(size, CV_8U, cv::Scalar(0));
  for (int k = 0; k < kScales; ++k) {
    const double r = rmin * std::pow(rmax / rmin, k / (kScales - 1.0));
    radius[k] = static_cast<float>(r);
    NormalisedLogBands(clean, std::max(0.7, r / std::sqrt(2.0)), kBandRows,
                       [&](int y0, const cv::Mat& lap) {  // bright blob -> positive
                         for (int i = 0; i < lap.rows; ++i) {
                           const float* l = lap.ptr<float>(i);
                           float* b = best.ptr<float>(y0 + i);
                           uchar* bk = best_k.ptr<uchar>(y0 + i);
                           for (int x = 0; x < size.width; ++x)
                             if (l[x] > b[x]) b[x] = l[x], bk[x] = static_cast<uchar>(k);
                         }
                       });
  }
  const double noise = RobustSigma(best, scalp, 0.1);

  // Local maxima above threshold.
  std::vector<Candidate> cands;
  {
    // The 5 x 5 maximum a band of rows at a time, each band dilated with the 2 rows either side
    // it reads (a maximum: the same values as the whole image's dilation).
    const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5});
    constexpr int kMaxRows = 128;
    cv::Mat dil;
    int dil_a = 0, dil_y1 = 0;  // `dil` holds image rows [dil_a, ...), valid below dil_y1
    const float thr = static_cast<float>(std::max(3.0 * noise, 0.5 * o.min_contrast_L));
    for (int y = 1; y < size.height - 1; ++y) {
      if (y >= dil_y1) {
        dil_y1 = std::min(size.height, y + kMaxRows);
        dil_a = std::max(0, y - 2);
        cv::dilate(best.rowRange(dil_a, std::min(size.height, dil_y1 + 2)), dil, disc);
      }
      const float* b = best.ptr<float>(y);
      const float* d = dil.ptr<float>(y - dil_a);
      const uchar* m = scalp.empty() ? nullptr : scalp.ptr<uchar>(y);
      const uchar* e = exclude.empty() ? nullptr : exclude.ptr<uchar>(y);
      for (int x = 1; x < size.width - 1; ++x) {
        if (b[x] < thr || b[x] < d[x]) continue;
        if ((m && !m[x]) || (e && e[x])) continue;
        cands.push_back({{x, y}, b[x], radius[best_k.at<uchar>(y, x)]});
      }
    }
  }
  best.release();
  best_k.release();
  std::sort(cands.begin(), cands.end(),
            [](const Candidate& a, const Candidate& b) { return a.response > b.response; });

  const double px2 = image.px_per_mm * image.px_per_mm;
  const double amin = CV_PI * std::pow(o.min_diameter_mm / 2.0, 2) * px2;
  const double amax = CV_PI * std::pow(o.max_diameter_mm / 2.0, 2) * px2;
  const cv::Rect frame(0, 0, size.width, size.height);
  cv::Mat taken = cv::Mat::zeros(size, CV_8U);
  // The skin ring leaves out hair, dark and light, and the pixel around it (its blurred edge would
  // darken the skin level, and a gap between hairs would look lighter than the skin).
  cv::Mat hair_halo;
  cv::dilate(hair | white, hair_halo, cv::Mat());
  white.release();
  cv::Mat smooth;
  cv::GaussianBlur(clean, smooth, cv::Size(0, 0), 0.8);
  clean.release();
  out.labels = cv::Mat::zeros(size, CV_32S);
  // The ring's offsets for each candidate radius (there are nscales of them).
  std::map<double, std::vector<cv::Point>> rings;
  auto ring_offsets = [&](double radius) -> const std::vector<cv::Point>& {
    std::vector<cv::Point>& offsets = rings[radius];
    const double r_in = 1.6 * radius, r_out = 2.6 * radius + 1.0;
    const int R = static_cast<int>(std::ceil(r_out));
    if (offsets.empty())
      for (int dy = -R; dy <= R; ++dy)
        for (int dx = -R; dx <= R; ++dx) {
          const double dd = std::hypot(dx, dy);
          if (dd >= r_in && dd <= r_out) offsets.emplace_back(dx, dy);
        }
    return offsets;
  };

  for (const Candidate& c : cands) {
    if (taken.at<uchar>(c.p)) continue;
    // Skin level and spread: median and MAD in a ring 1.6-2.6 radii around the candidate, hair
    // excluded. The dot's own level: the median of its core (half a radius), not the noisy
    // brightest pixel, so the half-maximum edge is not pulled inwards by noise.
    std::vector<const cv::Vec2s*> ring_lab;  // their chroma is needed only for a clear spot
    std::vector<float> ring;
    auto ring_stats = [&](float* skin) {
      const std::vector<cv::Point>& offsets = ring_offsets(c.radius_px);
      const int ring_all = static_cast<int>(offsets.size());
      ring.reserve(ring_all);
      ring_lab.reserve(ring_all);
      int ring_off = 0, ring_out = 0;
      for (const cv::Point& d : offsets) {
        const int x = c.p.x + d.x, y = c.p.y + d.y;
        // Beyond the photo's frame the skin goes on, unseen: half the ring is enough there.
        if (x < 0 || y < 0 || x >= size.width || y >= size.height) {
          if (++ring_out > 0.5 * ring_all) return false;
          continue;
        }
        if (!scalp.empty() && !scalp.at<uchar>(y, x)) {
          if (++ring_off > 0.1 * ring_all) return false;  // as below, known already
          continue;
        }
        if (!hair_halo.empty() && hair_halo.at<uchar>(y, x)) continue;
        ring.push_back(smooth.at<float>(y, x));
        ring_lab.push_back(&image.ab.at<cv::Vec2s>(y, x));
      }
      // At the edge of the scalp (ear, neck, background) the skin level is unknown.
      if (ring.size() < 8 || ring_off > 0.1 * ring_all) return false;
      *skin = MedianInPlace(ring);
      return true;
    };
    float skin = 0;
    if (!ring_stats(&skin)) continue;
    float core;
    std::vector<const cv::Vec2s*> core_lab;
    {
      std::vector<float> vals;
      const int R = std::max(1, static_cast<int>(std::lround(0.5 * c.radius_px)));
      for (int dy = -R; dy <= R; ++dy)
        for (int dx = -R; dx <= R; ++dx)
          if (dx * dx + dy * dy <= R * R) {
            const int x = std::clamp(c.p.x + dx, 0, size.width - 1), y = std::clamp(c.p.y + dy, 0, size.height - 1);
            vals.push_back(smooth.at<float>(y, x));
            core_lab.push_back(&image.ab.at<cv::Vec2s>(y, x));
          }
      core = MedianInPlace(vals);
    }
    const double contrast = core - skin;
    if (contrast < 0.75 * o.min_contrast_L || contrast < o.noise_sigmas * contrast_noise) continue;
    // White hair (grey stubble, a light fleck) is neutral grey; a scar keeps the skin's hue.
    if (MedianAt(core_lab, AbChroma) < o.min_chroma_ratio * MedianAt(ring_lab, AbChroma)) continue;
    // The skin's spread (MAD of the ring), which only a clear spot needs.
    for (float& q : ring) q = std::abs(q - skin);
    const float ring_sd = 1.4826f * MedianInPlace(ring);
    const float half_level = skin + 0.5f * static_cast<float>(contrast);

    // The half-maximum region, in a window large enough for a cluster of a few dots; a region
    // that reaches the window's edge gets one wider window before it is given up as not a
    // compact spot (a band, an edge, a light field).
    cv::Rect win;
    cv::Mat v, region_up;
    cv::Rect box_up;  // of region_up
    const int f = 4;
    bool compact = false;
    for (int attempt = 0; attempt < 2 && !compact; ++attempt) {
      const int half = (attempt + 1) * (static_cast<int>(std::ceil(std::max(3.0 * rmax, 4.0 * c.radius_px))) + 2);
      win = cv::Rect(c.p.x - half, c.p.y - half, 2 * half + 1, 2 * half + 1) & frame;
      v = smooth(win);
      // Half-maximum region on a 4x upsampled window: sub-pixel area. The 8-connected part that
      // holds the candidate.
      if (!UpsampledComponent(v, half_level, c.p - win.tl(), f, &region_up, &box_up)) break;
      // The frame's own edge is handled below; only the window's inner edges count here.
      compact = !((win.y > 0 && box_up.y == 0) ||
                  (win.br().y < size.height && box_up.br().y == region_up.rows) ||
                  (win.x > 0 && box_up.x == 0) ||
                  (win.br().x < size.width && box_up.br().x == region_up.cols));
    }
    if (!compact) continue;
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
    // Hair lying across the dot: hair pixels below the dot's half-maximum level (a dot's own
    // shading or a sharpening halo can make a dark-looking centre inside a light rim, which is
    // still the dot).
    if (!hair.empty()) {
      cv::Mat dark_hair = hair(win) & region;
      dark_hair &= flat(win) < half_level;
      if (cv::countNonZero(dark_hair) > o.max_hair_fraction * area_px_int) continue;
    }

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
    // Up to the region's far corner: the same coordinates, the same (integer) raw moments.
    const cv::Moments m =
        cv::moments(region_up(cv::Rect(0, 0, box_up.br().x, box_up.br().y)), true);
    const double roundness = Roundness(m);
    const cv::Point2d centroid(win.x + (m.m10 / m.m00 + 0.5) / f - 0.5,
                               win.y + (m.m01 / m.m00 + 0.5) / f - 0.5);

    // Dandruff: a tiny, very high-contrast, irregular fleck.
    if (contrast > 30.0 && area < amin * 1.5 && solidity < 0.85) continue;

    cv::Mat dist;
    cv::distanceTransform(region, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    cv::Mat dmax;
    const int sep = std::max(3, static_cast<int>(rmin * 1.5) | 1);
    cv::dilate(dist, dmax, cv::getStructuringElement(cv::MORPH_ELLIPSE, {sep, sep}));
    // Peaks at least 0.8 of the smallest dot's radius from the region's edge (0.2 mm at the
    // default 0.5 mm; a narrower ridge is a streak, not a dot), widest first.
    std::vector<cv::Point> peaks;
    for (int y = 0; y < dist.rows; ++y)
      for (int x = 0; x < dist.cols; ++x)
        if (dist.at<float>(y, x) >= rmin * 0.8 && dist.at<float>(y, x) >= dmax.at<float>(y, x))
          peaks.emplace_back(x, y);
    std::stable_sort(peaks.begin(), peaks.end(), [&](const cv::Point& a, const cv::Point& b) {
      return dist.at<float>(a) > dist.at<float>(b);
    });
    // Two peaks are two dots only where the region narrows between them (overlapping discs whose
    // centres lie 0.8-0.95 of their radii's sum apart have a waist 0.3-0.6 radii wide, which
    // blur and the half-maximum cut fill in part). Peaks on a plateau or along a ridge of even
    // width (a streak of light hair, a band) are one spot, which the single-dot tests judge.
    std::vector<cv::Point> seeds;
    for (const auto& p : peaks) {
      bool one_spot = false;
      for (size_t i = 0; i < seeds.size() && !one_spot; ++i)
        one_spot = cv::norm(p - seeds[i]) < rmin * 1.5 ||
                   Narrowest(dist, p, seeds[i]) >
                       kWaist * std::min(dist.at<float>(p), dist.at<float>(seeds[i]));
      if (!one_spot) seeds.push_back(p);
    }
    // Two or more distance-transform peaks with a waist between them: merged dots.
    const bool merged = seeds.size() >= 2 && (solidity < 0.95 || roundness < 0.6);
    const bool single = !merged && area <= amax * 1.15 && solidity >= o.min_solidity &&
                        roundness >= o.min_roundness;
    // The gate: the dot's mean contrast over its half-maximum region must stand clear of the
    // skin texture beside it (ring spread) and of the image's residual texture (global), and of
    // the absolute floor. A light gap between stubble or a patch of mottling fails one of them.
    double mean_contrast = 0;
    {
      const cv::Scalar mv = cv::mean(v, region);
      mean_contrast = mv[0] - skin;
    }
    // Below the floor, a single dot is a scar only when it is paler too: hypopigmentation
    // (melanin lost) lowers b* as it raises L* and leaves the blood's red, so the hue turns from
    // yellow towards red. A light patch of the skin's own texture, a gap between hairs or uneven
    // light keeps the skin's yellowness; white hair over the skin lowers a* and b* alike, keeping
    // its hue. A faint light field that would split into several dots is mottling.
    bool clear = mean_contrast >= o.min_contrast_L;
    if (!clear && single && mean_contrast >= o.min_faint_contrast_L) {
      const float a_core = MedianAt(core_lab, Redness), b_core = MedianAt(core_lab, Yellowness);
      const float a_ring = MedianAt(ring_lab, Redness), b_ring = MedianAt(ring_lab, Yellowness);
      clear = b_ring - b_core >= o.faint_b_drop_ratio * mean_contrast &&
              std::atan2(b_core, a_core) <= std::atan2(b_ring, a_ring);
    }
    const double snr = mean_contrast / std::max({0.1, static_cast<double>(ring_sd), contrast_noise});
    const double conf_c = 1.0 - std::exp(-(snr - o.noise_sigmas) / 4.0);
    if (!clear || conf_c < o.min_confidence) {
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
      // Each part is a dot of its own: round-ish, and as clear of the skin texture as a single
      // dot must be (a streak of light gaps between aligned stubble splits into slivers).
      {
        const double part_round = Roundness(pm);
        const double part_contrast = cv::mean(v, parts[i])[0] - skin;
        const double part_snr = part_contrast / std::max({0.1, static_cast<double>(ring_sd), contrast_noise});
        if (part_round < o.min_roundness || part_snr < o.noise_sigmas || part_contrast < o.min_contrast_L) continue;
      }
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
