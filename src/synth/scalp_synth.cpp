#include "scarmap/synth/scalp_synth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <opencv2/aruco.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/io/output.hpp"
#include "scarmap/io/truth_json.hpp"

namespace scarmap {
namespace {

constexpr double kPi = 3.14159265358979323846;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  double U(double a, double b) { return a + (b - a) * (g_() >> 11) * (1.0 / 9007199254740992.0); }
  double N() {  // Box-Muller, portable
    const double u1 = std::max(1e-300, U(0, 1)), u2 = U(0, 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * kPi * u2);
  }
  bool P(double p) { return U(0, 1) < p; }
  int I(int a, int b) { return std::min(b, a + static_cast<int>(U(0, 1) * (b - a + 1))); }

 private:
  std::mt19937_64 g_;
};

// The generator's own colour maths (independent of preprocess/color.cpp).
double SrgbToLinear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }
double LinearToSrgb(double c) {
  c = std::clamp(c, 0.0, 1.0);
  return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
}
cv::Vec3f LabToLinearRgb(double L, double a, double b) {
  const double fy = (L + 16.0) / 116.0, fx = fy + a / 500.0, fz = fy - b / 200.0;
  auto finv = [](double t) { return t > 6.0 / 29.0 ? t * t * t : 3 * std::pow(6.0 / 29.0, 2) * (t - 4.0 / 29.0); };
  const double X = 0.95047 * finv(fx), Y = finv(fy), Z = 1.08883 * finv(fz);
  const double r = 3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z;
  const double g = -0.9692660 * X + 1.8760108 * Y + 0.0415560 * Z;
  const double bb = 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z;
  return {static_cast<float>(std::max(0.0, bb)), static_cast<float>(std::max(0.0, g)),
          static_cast<float>(std::max(0.0, r))};  // BGR order
}
double LToY(double L) { const double fy = (L + 16) / 116; return fy > 6.0 / 29 ? fy * fy * fy : 3 * std::pow(6.0 / 29, 2) * (fy - 4.0 / 29); }

// Smooth random field (zero mean, unit-ish std) with features of `cell_px`.
cv::Mat Noise(cv::Size size, double cell_px, Rng& rng) {
  const int gw = std::max(2, static_cast<int>(size.width / cell_px) + 3);
  const int gh = std::max(2, static_cast<int>(size.height / cell_px) + 3);
  cv::Mat g(gh, gw, CV_32F);
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x) g.at<float>(y, x) = static_cast<float>(rng.N());
  cv::Mat up;
  cv::resize(g, up, cv::Size(static_cast<int>(gw * cell_px), static_cast<int>(gh * cell_px)), 0, 0,
             cv::INTER_CUBIC);
  return up(cv::Rect(static_cast<int>(cell_px), static_cast<int>(cell_px), size.width, size.height)).clone();
}

// Raised-cosine edge: 1 inside (dist <= -e), 0 outside (dist >= e), 0.5 at dist = 0.
inline float Edge(double dist, double e) {
  if (dist <= -e) return 1.0f;
  if (dist >= e) return 0.0f;
  return static_cast<float>(0.5 + 0.5 * std::cos(kPi * (dist + e) / (2 * e)));
}

struct Band {
  double cx, cy, th, k, amp, lambda, phase, w0, wamp, wl, wph, e, u0, u1, dl, pink;
  bool full;
  double Vc(double u) const { return k * u * u + amp * std::sin(2 * kPi * u / lambda + phase); }
  double Slope(double u) const { return 2 * k * u + amp * 2 * kPi / lambda * std::cos(2 * kPi * u / lambda + phase); }
  double Width(double u) const {
    double w = std::clamp(w0 * (1 + wamp * std::sin(2 * kPi * u / wl + wph)), 0.5, 10.0);
    if (!full) {  // tapered ends over 3 mm
      const double t = std::min(u - u0, u1 - u);
      if (t < 0) return 0;
      w *= std::min(1.0, t / 3.0 + 0.2);
    }
    return w;
  }
};

struct Unit {
  cv::Point2d p;  // mm
  bool removed = false;
};

// ColorChecker Classic patches, row by row from dark skin to black: X-Rite's published sRGB
// (D65) values.
constexpr int kChartSrgb[24][3] = {
    {115, 82, 68},   {194, 150, 130}, {98, 122, 157},  {87, 108, 67},   {133, 128, 177},
    {103, 189, 170}, {214, 126, 44},  {80, 91, 166},   {193, 90, 99},   {94, 60, 108},
    {157, 188, 64},  {224, 163, 46},  {56, 61, 150},   {70, 148, 73},   {175, 54, 60},
    {231, 199, 31},  {187, 86, 149},  {8, 133, 161},   {243, 243, 242}, {200, 200, 200},
    {160, 160, 160}, {122, 122, 121}, {85, 85, 85},    {52, 52, 52}};

// Draws a 6 x 4 ColorChecker on a black card (quarter-patch gaps, half-patch border) into the
// linear image, in a corner away from the marker, slightly rotated; the card is label 3.
// Returns how many of the counted hair exits (mm) it covers.
int DrawColorChecker(double patch_mm, double ppm, const TruthMarker& marker,
                     const std::vector<cv::Point2d>& exits_mm, Rng& rng, cv::Mat& lin,
                     cv::Mat& labels) {
  const double s = patch_mm, gap = 0.25 * s, border = 0.5 * s;
  const double cw = 6 * s + 5 * gap + 2 * border, ch = 4 * s + 3 * gap + 2 * border;
  const double wmm = lin.cols / ppm, hmm = lin.rows / ppm;
  int corner = rng.I(0, 3);
  if (marker.present) {
    const cv::Point2d m = 0.25 * (marker.corners_px[0] + marker.corners_px[1] +
                                  marker.corners_px[2] + marker.corners_px[3]) / ppm;
    const int marker_corner = (m.x > wmm / 2 ? 1 : 0) + (m.y > hmm / 2 ? 2 : 0);
    if (corner == marker_corner) corner = 3 - marker_corner;
  }
  const double margin = 0.03 * std::min(wmm, hmm) + 0.1 * ch;
  const cv::Point2d c(corner & 1 ? wmm - margin - cw / 2 : margin + cw / 2,
                      corner & 2 ? hmm - margin - ch / 2 : margin + ch / 2);
  const double rot = rng.U(-0.12, 0.12);
  constexpr int kShift = 4;
  // A rectangle (mm, chart frame centred on c) as image points in 1/16 px.
  auto quad = [&](double x0, double y0, double w, double h) {
    std::vector<cv::Point> q;
    for (const cv::Point2d p : {cv::Point2d(x0, y0), cv::Point2d(x0 + w, y0),
                                cv::Point2d(x0 + w, y0 + h), cv::Point2d(x0, y0 + h)}) {
      const cv::Point2d d(p.x - cw / 2, p.y - ch / 2);
      const cv::Point2d img = c + cv::Point2d(d.x * std::cos(rot) - d.y * std::sin(rot),
                                              d.x * std::sin(rot) + d.y * std::cos(rot));
      q.emplace_back(cvRound((img.x * ppm - 0.5) * (1 << kShift)),
                     cvRound((img.y * ppm - 0.5) * (1 << kShift)));
    }
    return q;
  };
  const std::vector<cv::Point> card = quad(0, 0, cw, ch);
  const double black = SrgbToLinear(28 / 255.0);
  cv::fillConvexPoly(lin, card, cv::Scalar::all(black), cv::LINE_AA, kShift);
  cv::Mat card_mask = cv::Mat::zeros(lin.size(), CV_8U);
  cv::fillConvexPoly(card_mask, card, cv::Scalar(255), cv::LINE_8, kShift);
  labels.setTo(3, card_mask);
  for (int i = 0; i < 24; ++i) {
    const int* v = kChartSrgb[i];
    const cv::Scalar col(SrgbToLinear(v[2] / 255.0), SrgbToLinear(v[1] / 255.0),
                         SrgbToLinear(v[0] / 255.0));
    cv::fillConvexPoly(lin, quad(border + (i % 6) * (s + gap), border + (i / 6) * (s + gap), s, s),
                       col, cv::LINE_AA, kShift);
  }
  int covered = 0;
  for (const cv::Point2d& e : exits_mm) {
    const int x = static_cast<int>(e.x * ppm), y = static_cast<int>(e.y * ppm);
    if (x >= 0 && y >= 0 && x < lin.cols && y < lin.rows && card_mask.at<uchar>(y, x)) ++covered;
  }
  return covered;
}

}  // namespace

void SynthOptions::Check() const {
  if (width < 0 || height < 0 || (width > 0) != (height > 0)) throw Error("synth: width and height go together");
  if (width > 0 && (width < 64 || height < 64 || double(width) * height > 50e6)) throw Error("synth: size must be 64x64 .. 50 MP");
  if (width == 0 && !(min_megapixels >= 0.05 && min_megapixels <= max_megapixels && max_megapixels <= 50))
    throw Error("synth: megapixel range must be within 0.05..50");
  if (!(min_px_per_mm >= 2 && min_px_per_mm <= max_px_per_mm && max_px_per_mm <= 400))
    throw Error("synth: px/mm range must be within 2..400");
  if (!(min_jpeg_quality >= 10 && min_jpeg_quality <= max_jpeg_quality && max_jpeg_quality <= 100))
    throw Error("synth: JPEG quality range must be within 10..100");
  if (!(marker_tilt_deg < 80.0)) throw Error("synth: marker_tilt_deg must be < 80");
  if (!(colorchecker_probability >= 0.0 && colorchecker_probability <= 1.0))
    throw Error("synth: colorchecker_probability must be in 0..1");
  if (!(colorchecker_patch_mm >= 2.0 && colorchecker_patch_mm <= 50.0))
    throw Error("synth: colorchecker_patch_mm must be in 2..50");
  for (double g : color_cast)
    if (!(g > 0.05 && g < 5.0)) throw Error("synth: color_cast gains must be in (0.05, 5)");
}

SynthImage RenderScalp(const SynthOptions& o, std::uint64_t seed) {
  o.Check();
  Rng rng(seed * 0x9E3779B97F4A7C15ull + 12345);
  SynthImage out;
  Truth& t = out.truth;
  t.seed = seed;

  int W = o.width, H = o.height;
  if (W == 0) {
    const double mp = rng.U(o.min_megapixels, o.max_megapixels);
    W = static_cast<int>(std::sqrt(mp * 1e6 * 4.0 / 3.0));
    H = static_cast<int>(W * 3.0 / 4.0);
    if (rng.P(0.3)) std::swap(W, H);
  }
  // A multiple of 0.1 px/mm, so the JPEG's JFIF density (dots per cm) states it exactly.
  const double ppm = std::round(rng.U(o.min_px_per_mm, o.max_px_per_mm) * 10.0) / 10.0;
  t.width = W;
  t.height = H;
  t.px_per_mm = ppm;
  const double Wmm = W / ppm, Hmm = H / ppm;

  // Skin tone over the whole ITA range: a band at random, then an angle inside it.
  static const double kBands[6][2] = {{55, 65}, {41, 55}, {28, 41}, {10, 28}, {-30, 10}, {-50, -30}};
  const int band = rng.I(0, 5);
  const double ita0 = rng.U(kBands[band][0], kBands[band][1]);
  const double b_skin = rng.U(11, 21);
  double L_skin = std::clamp(50 + b_skin * std::tan(ita0 * kPi / 180), 22.0, 84.0);
  const double a_skin = rng.U(6, 14);
  t.skin_lab = {L_skin, a_skin, b_skin};
  t.ita_deg = std::atan2(L_skin - 50, b_skin) * 180 / kPi;
  t.skin_band = ItaClass(t.ita_deg);
  const cv::Vec3f skin = LabToLinearRgb(L_skin, a_skin, b_skin);

  cv::Mat lin(H, W, CV_32FC3, cv::Scalar(skin[0], skin[1], skin[2]));
  cv::Mat labels = cv::Mat::zeros(H, W, CV_8U);

  // Mottling and redness (multi-octave smooth noise).
  {
    cv::Mat m = 0.05f * Noise({W, H}, 8 * ppm, rng) + 0.03f * Noise({W, H}, 2.5 * ppm, rng) +
                0.015f * Noise({W, H}, 0.6 * ppm, rng);
    cv::Mat red = cv::max(Noise({W, H}, 6 * ppm, rng) - 0.8f, 0.0f) * rng.U(0.02, 0.08);
    for (int y = 0; y < H; ++y) {
      cv::Vec3f* p = lin.ptr<cv::Vec3f>(y);
      const float* mm = m.ptr<float>(y);
      const float* rr = red.ptr<float>(y);
      for (int x = 0; x < W; ++x) {
        const float f = 1.0f + mm[x];
        p[x] = cv::Vec3f(p[x][0] * f * (1 - rr[x]), p[x][1] * f * (1 - rr[x]), p[x][2] * f * (1 + rr[x]));
      }
    }
  }

  // Not-scalp: background wall or clothing beyond a smooth head outline on one side.
  if (rng.P(o.background_probability)) {
    const int side = rng.I(0, 3);
    const double depth = rng.U(0.08, 0.3), amp = rng.U(0.0, 0.08), wl = rng.U(0.5, 1.5), ph = rng.U(0, 6.28);
    const bool clothing = (side == 3) && rng.P(0.6);
    const cv::Vec3f col = clothing ? cv::Vec3f(rng.U(0.01, 0.06), rng.U(0.01, 0.06), rng.U(0.01, 0.06))
                                   : LabToLinearRgb(rng.U(55, 92), rng.U(-6, 6), rng.U(-15, 15));
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const double u = (side < 2 ? double(x) / W : double(y) / H);
        double v = side == 0 ? double(y) / H : side == 1 ? 1 - double(y) / H : side == 2 ? double(x) / W : 1 - double(x) / W;
        if (side == 3) v = 1 - double(y) / H;
        const double edge = depth + amp * std::sin(2 * kPi * u / wl + ph) + 0.15 * (u - 0.5) * (u - 0.5);
        if (v < edge) {
          labels.at<uchar>(y, x) = 3;
          lin.at<cv::Vec3f>(y, x) = col * (0.9f + 0.2f * static_cast<float>(u));
        }
      }
    t.distractors.push_back(clothing ? "clothing" : "background");
  }

  // An ear (or the neck's side) at a frame edge: skin-coloured, hairless, not scalp. Drawn from
  // its own random stream so the other features of a seed do not change with it.
  {
    Rng ear(seed * 0x2545F4914F6CDD1Dull + 77);
    if (ear.P(0.2) && labels.at<uchar>(H / 2, 0) != 3 && labels.at<uchar>(H / 2, W - 1) != 3) {
      const bool left = ear.P(0.5);
      const cv::Point2d c((left ? -ear.U(0, 12) : Wmm + ear.U(0, 12)), Hmm * ear.U(0.35, 0.65));
      const double ax = ear.U(18, 30), ay = ear.U(30, 48);
      const cv::Vec3f ear_col = LabToLinearRgb(std::max(15.0, L_skin - ear.U(0, 6)), a_skin + ear.U(2, 7), b_skin);
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const double dx = (x / ppm - c.x) / ax, dy = (y / ppm - c.y) / ay;
          const double rr = std::sqrt(dx * dx + dy * dy);
          if (rr > 1.0) continue;
          labels.at<uchar>(y, x) = 3;
          // Folds of the ear and a shadow towards its rim.
          const float shade = static_cast<float>(1.0 - 0.35 * std::pow(rr, 6) - 0.08 * std::sin(rr * 14));
          lin.at<cv::Vec3f>(y, x) = ear_col * shade;
        }
      t.distractors.push_back("ear");
    }
  }

  // FUT bands.
  cv::Mat band_alpha = cv::Mat::zeros(H, W, CV_32F);
  std::vector<Band> bands;
  if (rng.P(o.fut_probability)) {
    const int nb = rng.P(0.15) ? 2 : 1;
    for (int i = 0; i < nb; ++i) {
      Band b{};
      b.cx = rng.U(0.3, 0.7) * Wmm;
      b.cy = (nb == 1 ? rng.U(0.3, 0.7) : (i == 0 ? rng.U(0.2, 0.4) : rng.U(0.6, 0.8))) * Hmm;
      b.th = rng.U(-0.25, 0.25);
      const double sag = rng.U(-0.12, 0.12) * Wmm;
      b.k = sag / std::pow(Wmm / 2, 2);
      b.amp = rng.P(0.5) ? rng.U(0, 1.5) : 0.0;
      b.lambda = rng.U(15, 60);
      b.phase = rng.U(0, 6.28);
      b.w0 = std::exp(rng.U(std::log(0.6), std::log(9.0)));
      b.wamp = rng.U(0.05, 0.3);
      b.wl = rng.U(10, 50);
      b.wph = rng.U(0, 6.28);
      b.e = std::min(rng.U(0.1, 0.45), 0.45 * b.w0 * (1 - b.wamp));
      b.full = rng.P(0.7);
      const double halfspan = 0.5 * std::hypot(Wmm, Hmm);
      if (b.full) {
        b.u0 = -2 * halfspan;
        b.u1 = 2 * halfspan;
      } else {
        b.u0 = rng.U(-0.45, -0.15) * Wmm;
        b.u1 = rng.U(0.15, 0.45) * Wmm;
      }
      const bool darker = t.ita_deg < 10 && rng.P(0.3);
      b.dl = darker ? -rng.U(3, 8) : rng.U(2, 25);
      b.pink = rng.P(0.3) ? rng.U(0.0, 0.05) : 0.0;
      bands.push_back(b);
    }
    for (int y = 0; y < H; ++y) {
      float* ba = band_alpha.ptr<float>(y);
      for (int x = 0; x < W; ++x) {
        const double X = x / ppm - 0, Y = y / ppm;
        for (const Band& b : bands) {
          const double u = (X - b.cx) * std::cos(b.th) + (Y - b.cy) * std::sin(b.th);
          const double v = -(X - b.cx) * std::sin(b.th) + (Y - b.cy) * std::cos(b.th);
          if (u < b.u0 - 1 || u > b.u1 + 1) continue;
          const double half = b.Width(u) / 2;
          if (half <= 0) continue;
          const double d = std::abs(v - b.Vc(u)) / std::sqrt(1 + std::pow(b.Slope(u), 2));
          const float p = Edge(d - half, std::min(b.e, 0.9 * half));
          ba[x] = std::max(ba[x], p);
          if (d <= half && labels.at<uchar>(y, x) != 3) labels.at<uchar>(y, x) = 1;
        }
      }
    }
  }

  // Follicular units on a jittered grid (about 1 mm apart), shared with FUE placement.
  const double units_cm2 = rng.U(40, 120);
  const double pitch = 1.0 / std::sqrt(units_cm2 / 100.0);
  std::vector<Unit> units;
  for (double y = pitch / 2; y < Hmm; y += pitch)
    for (double x = pitch / 2; x < Wmm; x += pitch)
      units.push_back({{x + rng.U(-0.42, 0.42) * pitch, y + rng.U(-0.42, 0.42) * pitch}});
  auto label_at = [&](cv::Point2d mm) {
    const int x = std::clamp(static_cast<int>(mm.x * ppm), 0, W - 1);
    const int y = std::clamp(static_cast<int>(mm.y * ppm), 0, H - 1);
    return labels.at<uchar>(y, x);
  };
  auto band_at = [&](cv::Point2d mm) {
    const int x = std::clamp(static_cast<int>(mm.x * ppm), 0, W - 1);
    const int y = std::clamp(static_cast<int>(mm.y * ppm), 0, H - 1);
    return band_alpha.at<float>(y, x);
  };

  // FUE dots at extracted units.
  struct DotGeo { cv::Point2d c; double a, b, phi, e, dl; int cluster; };
  std::vector<DotGeo> dots;
  if (rng.P(o.fue_probability)) {
    const double dens = std::exp(rng.U(std::log(1.5), std::log(40.0)));
    const int target = std::clamp(static_cast<int>(dens * Wmm * Hmm / 100.0), 4, 300);
    const double dl_img = rng.U(3, 20);
    const bool moth = rng.P(0.3);
    std::vector<size_t> order(units.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.I(0, static_cast<int>(i) - 1)]);
    int clusters = 0;
    auto fits = [&](cv::Point2d c, double r, int skip) {
      if (c.x < 1.5 * r || c.y < 1.5 * r || c.x > Wmm - 1.5 * r || c.y > Hmm - 1.5 * r) return false;
      for (int k = 0; k < 12; ++k) {
        const cv::Point2d q = c + (r + 1.0) * cv::Point2d(std::cos(k * kPi / 6), std::sin(k * kPi / 6));
        if (label_at(q) == 3 || label_at(q) == 1 || band_at(q) > 0.0f) return false;
      }
      for (size_t j = 0; j < dots.size(); ++j) {
        if (static_cast<int>(j) == skip) continue;
        if (cv::norm(dots[j].c - c) < std::sqrt(dots[j].a * dots[j].b) + r + 0.3) return false;
      }
      return true;
    };
    for (size_t oi = 0; oi < order.size() && static_cast<int>(dots.size()) < target; ++oi) {
      DotGeo d;
      const double deq = rng.U(0.6, 1.5), q = rng.U(1.0, 1.35);
      d.a = deq / 2 * std::sqrt(q);
      d.b = deq / 2 / std::sqrt(q);
      d.phi = rng.U(0, kPi);
      d.e = std::min(rng.U(0.06, 0.2), 0.4 * d.b);
      d.dl = dl_img * rng.U(0.7, 1.3);
      d.cluster = -1;
      const double r = deq / 2;
      if (moth && !dots.empty() && rng.P(0.25)) {
        const int j = rng.I(0, static_cast<int>(dots.size()) - 1);
        const double ang = rng.U(0, 2 * kPi);
        const double dist = (std::sqrt(dots[j].a * dots[j].b) + r) * rng.U(0.8, 0.95);
        d.c = dots[j].c + dist * cv::Point2d(std::cos(ang), std::sin(ang));
        if (!fits(d.c, r, j)) continue;
        if (dots[j].cluster < 0) dots[j].cluster = clusters++;
        d.cluster = dots[j].cluster;
      } else {
        d.c = units[order[oi]].p;
        if (!fits(d.c, r, -1)) continue;
      }
      dots.push_back(d);
    }
  }
  // Render dots: alpha and labels (overlaps go to the dot whose boundary is nearer).
  cv::Mat dot_alpha = cv::Mat::zeros(H, W, CV_32F);
  cv::Mat dot_id(H, W, CV_32S, cv::Scalar(-1));
  cv::Mat dot_rho(H, W, CV_32F, cv::Scalar(1e9));
  cv::Mat dot_dl = cv::Mat::zeros(H, W, CV_32F);
  for (size_t i = 0; i < dots.size(); ++i) {
    const DotGeo& d = dots[i];
    const double R = (d.a + d.e + 0.2) * ppm;
    const int x0 = std::max(0, static_cast<int>(d.c.x * ppm - R)), x1 = std::min(W - 1, static_cast<int>(d.c.x * ppm + R));
    const int y0 = std::max(0, static_cast<int>(d.c.y * ppm - R)), y1 = std::min(H - 1, static_cast<int>(d.c.y * ppm + R));
    const double req = std::sqrt(d.a * d.b);
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double dx = (x + 0.5) / ppm - d.c.x, dy = (y + 0.5) / ppm - d.c.y;
        const double u = dx * std::cos(d.phi) + dy * std::sin(d.phi), v = -dx * std::sin(d.phi) + dy * std::cos(d.phi);
        const double rho = std::sqrt(u * u / (d.a * d.a) + v * v / (d.b * d.b));
        const float p = Edge((rho - 1) * req, d.e);
        float& al = dot_alpha.at<float>(y, x);
        if (p > al) { al = p; dot_dl.at<float>(y, x) = static_cast<float>(d.dl); }
        if (rho <= 1 && rho < dot_rho.at<float>(y, x) && labels.at<uchar>(y, x) == 0) {
          dot_rho.at<float>(y, x) = static_cast<float>(rho);
          dot_id.at<int>(y, x) = static_cast<int>(i);
        }
      }
    for (Unit& un : units)
      if (cv::norm(un.p - d.c) < 1.3 * d.a + 0.1) un.removed = true;
  }
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      if (dot_id.at<int>(y, x) >= 0) labels.at<uchar>(y, x) = 2;

  // Apply scar appearance: lighter (or darker), less textured, sometimes pink; FUE whitish.
  for (int y = 0; y < H; ++y) {
    cv::Vec3f* p = lin.ptr<cv::Vec3f>(y);
    const float* ba = band_alpha.ptr<float>(y);
    const float* da = dot_alpha.ptr<float>(y);
    const float* ddl = dot_dl.ptr<float>(y);
    for (int x = 0; x < W; ++x) {
      if (labels.at<uchar>(y, x) == 3) continue;
      if (ba[x] > 0 && !bands.empty()) {
        const Band& b = bands[0];
        const double f = LToY(std::clamp(L_skin + b.dl, 5.0, 98.0)) / LToY(L_skin);
        const cv::Vec3f smooth = skin * static_cast<float>(f);
        const float w = ba[x];
        cv::Vec3f v = p[x] * (1 - 0.6f * w) + smooth * (0.6f * w);
        v *= static_cast<float>(1 + w * (f - 1) * 0.4);
        v[2] *= 1 + w * static_cast<float>(b.pink);
        p[x] = v;
      }
      if (da[x] > 0) {
        const double f = LToY(std::clamp(L_skin + ddl[x], 5.0, 98.0)) / LToY(L_skin);
        const float w = da[x];
        cv::Vec3f v = p[x] * static_cast<float>(1 + w * (f - 1));
        const float grey = (v[0] + v[1] + v[2]) / 3;
        p[x] = v * (1 - 0.3f * w) + cv::Vec3f(grey, grey, grey) * (0.3f * w);
      }
    }
  }

  // Hair.
  static const char* kHair[] = {"black", "brown", "grey", "blond", "red"};
  const int hc = rng.I(0, 4);
  t.hair_color = kHair[hc];
  const cv::Vec3f hair_lab[] = {{14, 1, 2}, {26, 6, 12}, {58, 0, 3}, {62, 4, 24}, {36, 24, 30}};
  // Stubble is darker than the skin it grows from; grey and blond only slightly (weak contrast).
  const double min_dark[] = {15, 12, 5, 5, 9};
  const double hair_L = std::max(5.0, std::min<double>(hair_lab[hc][0], L_skin - min_dark[hc] * rng.U(1.0, 1.6)));
  const cv::Vec3f hcol = LabToLinearRgb(hair_L, hair_lab[hc][1], hair_lab[hc][2]);
  const double len_mean = rng.P(0.3) ? 0.0 : rng.U(0.2, 3.0);
  t.hair_length_mm = len_mean;
  const double width_mean = rng.U(0.06, 0.3);
  const double dir0 = rng.U(0, 2 * kPi), dir_amp = rng.U(0.2, 0.8), dir_wl = rng.U(20, 60);
  cv::Mat hair_alpha = cv::Mat::zeros(H, W, CV_32F);
  int hairs = 0;
  std::vector<cv::Point2d> exits;  // mm, the hairs counted
  const int sh = 4, sc = 1 << sh;
  for (const Unit& un : units) {
    if (un.removed) continue;
    const uchar lab = label_at(un.p);
    if (lab == 3 || band_at(un.p) > 0.02f) continue;
    const double u = rng.U(0, 1);
    const int n = u < 0.3 ? 1 : u < 0.75 ? 2 : 3;
    const double dir = dir0 + dir_amp * std::sin(un.p.x / dir_wl) * std::cos(un.p.y / dir_wl);
    for (int k = 0; k < n; ++k) {
      const cv::Point2d ex = un.p + 0.09 * cv::Point2d(rng.N(), rng.N());
      const double a = dir + rng.U(-0.35, 0.35);
      const double len = len_mean * rng.U(0.6, 1.4);
      const double wpx = width_mean * rng.U(0.8, 1.2) * ppm;
      const float op = static_cast<float>(rng.U(0.8, 1.0) * std::min(1.0, wpx));
      const int thick = std::max(1, static_cast<int>(std::lround(wpx)));
      const cv::Point p0(cvRound(ex.x * ppm * sc), cvRound(ex.y * ppm * sc));
      if (len * ppm < 0.6) {
        cv::circle(hair_alpha, p0, std::max(sc / 2, cvRound(wpx * sc / 2)), cv::Scalar(op), cv::FILLED, cv::LINE_AA, sh);
      } else {
        // A shaft tapers and thins towards its tip; the exit is the darkest part.
        const cv::Point2d dirv(std::cos(a), std::sin(a));
        const cv::Point2d e1 = ex + 0.6 * len * dirv, e2 = ex + len * dirv;
        auto P = [&](cv::Point2d q) { return cv::Point(cvRound(q.x * ppm * sc), cvRound(q.y * ppm * sc)); };
        cv::line(hair_alpha, P(e1), P(e2), cv::Scalar(0.65 * op), std::max(1, thick * 2 / 3), cv::LINE_AA, sh);
        cv::line(hair_alpha, p0, P(e1), cv::Scalar(op), thick, cv::LINE_AA, sh);
        cv::circle(hair_alpha, p0, std::max(sc / 2, cvRound(wpx * sc * 0.6)), cv::Scalar(op), cv::FILLED, cv::LINE_AA, sh);
      }
      if (ex.x >= 0 && ex.y >= 0 && ex.x < Wmm && ex.y < Hmm && label_at(ex) != 3) {
        ++hairs;
        exits.push_back(ex);
      }
    }
  }
  // Pores: tiny, slightly darker spots.
  const int pores = static_cast<int>(Wmm * Hmm * rng.U(0.3, 1.5));
  cv::Mat pore = cv::Mat::zeros(H, W, CV_32F);
  for (int i = 0; i < pores; ++i)
    cv::circle(pore, cv::Point(cvRound(rng.U(0, W) * sc), cvRound(rng.U(0, H) * sc)),
               std::max(sc / 2, cvRound(rng.U(0.03, 0.07) * ppm * sc)), cv::Scalar(rng.U(0.03, 0.08)), cv::FILLED, cv::LINE_AA, sh);
  for (int y = 0; y < H; ++y) {
    cv::Vec3f* p = lin.ptr<cv::Vec3f>(y);
    const float* ha = hair_alpha.ptr<float>(y);
    const float* po = pore.ptr<float>(y);
    for (int x = 0; x < W; ++x) {
      if (labels.at<uchar>(y, x) == 3) continue;
      p[x] *= 1 - po[x];
      const float a = std::min(1.0f, ha[x]);
      p[x] = p[x] * (1 - a) + hcol * a;
    }
  }
  t.follicle_count = hairs;

  // Dandruff flakes (bright, irregular, small) and glare: not scars.
  if (rng.P(o.dandruff_probability)) {
    const int n = rng.I(5, 40);
    for (int i = 0; i < n; ++i) {
      const cv::Point2d c(rng.U(0, Wmm), rng.U(0, Hmm));
      if (label_at(c) != 0) continue;
      std::vector<cv::Point> poly;
      const double r = rng.U(0.08, 0.35);
      for (int k = 0; k < 6; ++k) {
        const double ang = k * kPi / 3 + rng.U(-0.4, 0.4), rr = r * rng.U(0.4, 1.0);
        poly.emplace_back(cvRound((c.x + rr * std::cos(ang)) * ppm * sc), cvRound((c.y + rr * std::sin(ang)) * ppm * sc));
      }
      const float v = static_cast<float>(rng.U(0.6, 0.85));
      cv::fillConvexPoly(lin, poly, cv::Scalar(v, v, v), cv::LINE_AA, sh);
    }
    t.distractors.push_back("dandruff");
  }
  if (rng.P(o.glare_probability)) {
    const cv::Point2d c(rng.U(0.1, 0.9) * W, rng.U(0.1, 0.9) * H);
    const double r = rng.U(2, 8) * ppm, amp = rng.U(0.2, 0.8);
    for (int y = std::max(0, int(c.y - 3 * r)); y < std::min(H, int(c.y + 3 * r)); ++y)
      for (int x = std::max(0, int(c.x - 3 * r)); x < std::min(W, int(c.x + 3 * r)); ++x) {
        const double g = amp * std::exp(-((x - c.x) * (x - c.x) + (y - c.y) * (y - c.y)) / (2 * r * r));
        lin.at<cv::Vec3f>(y, x) += cv::Vec3f::all(static_cast<float>(g));
      }
    t.distractors.push_back("glare");
  }

  // A printed ArUco marker on a white card.
  if (rng.P(o.marker_probability) && Wmm > 40 && Hmm > 40) {
    const int cell = 40, id = rng.I(0, 49);
    cv::Mat marker, card(10 * cell, 10 * cell, CV_8U, cv::Scalar(245));
    cv::aruco::drawMarker(cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50), id, 6 * cell, marker, 1);
    marker.copyTo(card(cv::Rect(2 * cell, 2 * cell, 6 * cell, 6 * cell)));
    const double mm_per_cell = 10.0 / 6.0;
    const cv::Point2d c((rng.P(0.5) ? rng.U(0.1, 0.22) : rng.U(0.78, 0.9)) * Wmm,
                        (rng.P(0.5) ? rng.U(0.12, 0.25) : rng.U(0.75, 0.88)) * Hmm);
    const double rot = rng.U(-0.6, 0.6), tilt_rad = rng.U(0, 0.35);
    const double tilt = std::cos(o.marker_tilt_deg >= 0 ? o.marker_tilt_deg * kPi / 180 : tilt_rad);
    // card px -> mm (centred) -> tilt -> rotate -> image px.
    auto to_img = [&](double px, double py) {
      const double mx = (px / cell - 5) * mm_per_cell, my = (py / cell - 5) * mm_per_cell * tilt;
      return cv::Point2f(static_cast<float>((c.x + mx * std::cos(rot) - my * std::sin(rot)) * ppm),
                         static_cast<float>((c.y + mx * std::sin(rot) + my * std::cos(rot)) * ppm));
    };
    const std::vector<cv::Point2f> src = {{0, 0}, {10.f * cell, 0}, {10.f * cell, 10.f * cell}, {0, 10.f * cell}};
    std::vector<cv::Point2f> dst;
    for (const auto& s : src) dst.push_back(to_img(s.x, s.y));
    const cv::Mat h = cv::getPerspectiveTransform(src, dst);
    cv::Mat warped, mask;
    cv::Mat card_f;
    card.convertTo(card_f, CV_32F, 1.0 / 255);
    for (int y = 0; y < card_f.rows; ++y)
      for (int x = 0; x < card_f.cols; ++x) card_f.at<float>(y, x) = static_cast<float>(SrgbToLinear(card_f.at<float>(y, x)));
    cv::warpPerspective(card_f, warped, h, {W, H}, cv::INTER_AREA);
    cv::warpPerspective(cv::Mat(card.size(), CV_8U, cv::Scalar(255)), mask, h, {W, H}, cv::INTER_NEAREST);
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        if (mask.at<uchar>(y, x)) {
          lin.at<cv::Vec3f>(y, x) = cv::Vec3f::all(warped.at<float>(y, x) * 0.95f);
          labels.at<uchar>(y, x) = 3;
        }
    t.marker.present = true;
    t.marker.marker_id = id;
    t.marker.corners_px = {cv::Point2d(to_img(2 * cell, 2 * cell)), cv::Point2d(to_img(8 * cell, 2 * cell)),
                           cv::Point2d(to_img(8 * cell, 8 * cell)), cv::Point2d(to_img(2 * cell, 8 * cell))};
    t.distractors.push_back("marker");
  }

  // A ColorChecker chart in a corner away from the marker, on its own random stream.
  {
    Rng cc(seed * 0x9FB21C651E98DF25ull + 99);
    if (cc.P(o.colorchecker_probability)) {
      const int removed = DrawColorChecker(o.colorchecker_patch_mm, ppm, t.marker, exits, cc, lin, labels);
      hairs -= removed;
      t.follicle_count -= removed;
      t.distractors.push_back("colorchecker");
    }
  }

  // Lighting: directional gradient and curvature shading.
  {
    double g0 = rng.U(0.75, 1.1), gx = rng.U(-0.3, 0.3), gy = rng.U(-0.3, 0.3), curv = rng.U(0, 0.35);
    const double cxn = rng.U(0.3, 0.7), cyn = rng.U(0.3, 0.7);
    if (o.uniform_lighting) g0 = 1.0, gx = gy = curv = 0.0;
    for (int y = 0; y < H; ++y) {
      cv::Vec3f* p = lin.ptr<cv::Vec3f>(y);
      for (int x = 0; x < W; ++x) {
        const double xn = double(x) / W - cxn, yn = double(y) / H - cyn;
        p[x] *= static_cast<float>(g0 * (1 + gx * xn + gy * yn) * (1 - curv * (xn * xn + yn * yn)));
      }
    }
  }
  if (o.color_cast != std::array<double, 3>{1.0, 1.0, 1.0}) {
    const cv::Scalar gains(o.color_cast[2], o.color_cast[1], o.color_cast[0]);  // BGR
    cv::multiply(lin, gains, lin);
    t.distractors.push_back("color_cast");
  }
  const double blur = rng.U(0, 1.2);
  if (blur > 0.3) cv::GaussianBlur(lin, lin, cv::Size(0, 0), blur);

  // Sensor noise (shot + read) in linear light, then sRGB.
  const double shot = rng.U(0.004, 0.015), read = rng.U(0.001, 0.004);
  out.bgr.create(H, W, CV_8UC3);
  std::array<uchar, 4097> enc{};
  for (int i = 0; i <= 4096; ++i) enc[i] = static_cast<uchar>(std::lround(255 * LinearToSrgb(i / 4096.0)));
  for (int y = 0; y < H; ++y) {
    const cv::Vec3f* p = lin.ptr<cv::Vec3f>(y);
    cv::Vec3b* q = out.bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < W; ++x)
      for (int k = 0; k < 3; ++k) {
        const double v = p[x][k] + rng.N() * std::sqrt(shot * shot * std::max(0.0f, p[x][k]) + read * read);
        q[x][k] = enc[std::clamp(static_cast<int>(v * 4096), 0, 4096)];
      }
  }
  t.jpeg_quality = rng.I(o.min_jpeg_quality, o.max_jpeg_quality);

  // Truth geometry.
  const double px2 = ppm * ppm;
  const int scalp_px = cv::countNonZero(labels != 3);
  t.scalp_area_mm2 = scalp_px / px2;
  t.follicle_density_per_cm2 = hairs / (t.scalp_area_mm2 / 100.0);
  int next_id = 1;
  for (const Band& b : bands) {
    TruthFut f;
    f.id = next_id++;
    double len = 0, wsum = 0;
    int wn = 0;
    cv::Point2d prev(-1, -1);
    bool out_of_frame = false;
    const double ua = std::max(b.u0, -2.0 * std::hypot(Wmm, Hmm)), ub = std::min(b.u1, 2.0 * std::hypot(Wmm, Hmm));
    for (double u = ua; u <= ub; u += 0.25) {
      const double v = b.Vc(u);
      const cv::Point2d mm(b.cx + u * std::cos(b.th) - v * std::sin(b.th), b.cy + u * std::sin(b.th) + v * std::cos(b.th));
      const bool inside = mm.x >= 0 && mm.y >= 0 && mm.x < Wmm && mm.y < Hmm && label_at(mm) != 3;
      if (!inside) {
        if (b.Width(u) > 0) out_of_frame = out_of_frame || !f.centerline_px.empty() || prev.x < 0;
        prev = {-1, -1};
        continue;
      }
      const cv::Point2d px(mm.x * ppm - 0.5, mm.y * ppm - 0.5);
      if (prev.x >= 0) len += cv::norm(mm - prev);
      prev = mm;
      if (f.centerline_px.empty() || cv::norm(px - f.centerline_px.back()) >= 0.5 * ppm) f.centerline_px.push_back(px);
      wsum += b.Width(u);
      ++wn;
    }
    if (f.centerline_px.empty()) { --next_id; continue; }
    f.length_mm = len;
    f.mean_width_mm = wn ? wsum / wn : 0;
    f.delta_L = b.dl;
    f.touches_border = b.full || out_of_frame;
    t.fut.push_back(f);
  }
  if (!t.fut.empty()) {
    // Split label-1 area between bands by nearest centreline.
    std::vector<double> area(t.fut.size(), 0.0);
    for (int y = 0; y < H; y += 1)
      for (int x = 0; x < W; ++x) {
        if (labels.at<uchar>(y, x) != 1) continue;
        size_t best = 0;
        if (t.fut.size() > 1) {
          double bd = 1e18;
          for (size_t i = 0; i < t.fut.size(); ++i)
            for (const auto& q : t.fut[i].centerline_px) {
              const double dd = std::hypot(q.x - x, q.y - y);
              if (dd < bd) bd = dd, best = i;
            }
        }
        area[best] += 1;
      }
    for (size_t i = 0; i < t.fut.size(); ++i) t.fut[i].area_mm2 = area[i] / px2;
  }
  std::vector<int> dot_area(dots.size(), 0);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      if (labels.at<uchar>(y, x) == 2) dot_area[dot_id.at<int>(y, x)]++;
  for (size_t i = 0; i < dots.size(); ++i) {
    if (dot_area[i] == 0) continue;
    TruthFue d;
    d.id = next_id++;
    d.center_px = {dots[i].c.x * ppm - 0.5, dots[i].c.y * ppm - 0.5};
    // Isolated dots: exact ellipse area; merged ones: their share of the label mask.
    const bool merged = dots[i].cluster >= 0;
    d.area_mm2 = merged ? dot_area[i] / px2 : kPi * dots[i].a * dots[i].b;
    d.diameter_mm = 2 * std::sqrt(d.area_mm2 / kPi);
    d.delta_L = dots[i].dl;
    d.cluster_id = dots[i].cluster;
    t.fue.push_back(d);
  }
  out.labels = labels;
  return out;
}

void WriteSynthSet(const SynthOptions& options, const std::filesystem::path& dir, int n,
                   std::uint64_t seed) {
  options.Check();
  if (n < 1 || n > 100000) throw Error("synth: n must be 1..100000");
  std::filesystem::create_directories(dir);
  std::ostringstream manifest;
  manifest << "stem,image,width,height,px_per_mm,skin_band,ita_deg,hair_color,fut_count,fue_count,"
              "follicle_density_per_cm2,marker,jpeg_quality,seed\r\n";
  for (int i = 0; i < n; ++i) {
    const std::uint64_t s = seed * 1000003ull + static_cast<std::uint64_t>(i);
    SynthImage img = RenderScalp(options, s);
    char stem[32];
    std::snprintf(stem, sizeof(stem), "scalp_%04d", i);
    img.truth.image = std::string(stem) + ".jpg";
    std::vector<uchar> jpg;
    cv::imencode(".jpg", img.bgr, jpg, {cv::IMWRITE_JPEG_QUALITY, img.truth.jpeg_quality});
    // State the scale in the JFIF header (units 2 = dots per cm), like a calibrated camera or
    // dermatoscope would: `scarmap analyze --min-dpi 1` then uses it.
    if (jpg.size() > 18 && jpg[2] == 0xFF && jpg[3] == 0xE0 && std::memcmp(&jpg[6], "JFIF", 4) == 0) {
      const int dpcm = static_cast<int>(std::lround(img.truth.px_per_mm * 10.0));
      jpg[13] = 2;
      jpg[14] = jpg[16] = static_cast<uchar>(dpcm >> 8);
      jpg[15] = jpg[17] = static_cast<uchar>(dpcm & 0xFF);
    }
    WriteFileAtomic(dir / img.truth.image, std::string_view(reinterpret_cast<const char*>(jpg.data()), jpg.size()));
    WriteImageAtomic(dir / (std::string(stem) + ".truth.png"), img.labels);
    WriteTruthJson(img.truth, dir / (std::string(stem) + ".truth.json"));
    const Truth& t = img.truth;
    manifest << stem << ',' << t.image << ',' << t.width << ',' << t.height << ',' << t.px_per_mm << ','
             << t.skin_band << ',' << t.ita_deg << ',' << t.hair_color << ',' << t.fut.size() << ','
             << t.fue.size() << ',' << t.follicle_density_per_cm2 << ',' << (t.marker.present ? 1 : 0)
             << ',' << t.jpeg_quality << ',' << s << "\r\n";
  }
  WriteFileAtomic(dir / "manifest.csv", manifest.str());
}

}  // namespace scarmap
