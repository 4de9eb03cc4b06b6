// FUT bands and FUE dots: geometry, truth labels and appearance.
//
// Each scar has a profile alpha (1 inside, 0 outside, raised-cosine edge, 0.5 on the outline)
// and changes the skin's lightness linearly in L*: L = L_skin + alpha * delta_L. So the
// half-maximum edge of REPORT_CONTRACT.md is exactly alpha = 0.5, and the label mask holds the
// pixels whose centre is inside it. Tints are luminance-preserving; texture smoothing keeps the
// mean; sheen is confined to the centre and shading crescents are antisymmetric, so neither moves
// the half-maximum area to first order.
#include <algorithm>

#include "synth_scene.hpp"

namespace scarmap::synth {

double Band::Width(double u) const {
  double w = std::clamp(w0 * (1 + wamp * std::sin(2 * kPi * u / wl + wph)), 0.5, 10.0);
  if (!full) {  // tapered ends over 3 mm
    const double t = std::min(u - u0, u1 - u);
    if (t < 0) return 0;
    w *= std::min(1.0, t / 3.0 + 0.2);
  }
  return w;
}

double Band::HalfSide(double u, bool plus) const {
  const double w = Width(u);
  if (w <= 0 || rag <= 0) return w / 2;
  const double n = plus ? wrag(u) : wrag(u + 1000.0);
  return w / 2 * (1 + rag * std::clamp(n, -1.5, 1.5));
}

double Dot::Area() const {
  // Area inside rho = R(theta) in the normalised frame, times a * b.
  constexpr int kN = 720;
  double s = 0;
  for (int i = 0; i < kN; ++i) {
    const double r = Radius(2 * kPi * (i + 0.5) / kN);
    s += r * r;
  }
  return a * b * 0.5 * s * (2 * kPi / kN);
}

namespace {

struct BandPoint {
  double u, sd;  // along the band; signed distance from the centre curve (mm)
  double half, e;
};
BandPoint AtBand(const Band& b, double X, double Y) {
  BandPoint q;
  q.u = (X - b.cx) * std::cos(b.th) + (Y - b.cy) * std::sin(b.th);
  const double v = -(X - b.cx) * std::sin(b.th) + (Y - b.cy) * std::cos(b.th);
  q.sd = (v - b.Vc(q.u)) / std::sqrt(1 + std::pow(b.Slope(q.u), 2));
  q.half = 0;
  q.e = b.e;
  return q;
}

}  // namespace

void PlaceFutBands(Scene& s) {
  Rng& rng = s.rng;
  const int W = s.W, H = s.H;
  s.band_alpha = cv::Mat::zeros(H, W, CV_32F);
  s.band_id = cv::Mat::zeros(H, W, CV_8U);
  if (!rng.P(s.o.fut_probability)) return;
  const int nb = rng.P(0.15) ? 2 : 1;
  for (int i = 0; i < nb; ++i) {
    Band b;
    b.cx = rng.U(0.3, 0.7) * s.Wmm;
    b.cy = (nb == 1 ? rng.U(0.3, 0.7) : (i == 0 ? rng.U(0.2, 0.4) : rng.U(0.6, 0.8))) * s.Hmm;
    b.th = rng.U(-0.25, 0.25);
    const double sag = rng.U(-0.12, 0.12) * s.Wmm;
    b.k = sag / std::pow(s.Wmm / 2, 2);
    b.amp = rng.P(0.5) ? rng.U(0, 1.5) : 0.0;
    b.lambda = rng.U(15, 60);
    b.phase = rng.U(0, 6.28);
    b.w0 = rng.LogU(0.6, 9.0);
    b.wamp = rng.U(0.05, 0.3);
    b.wl = rng.U(10, 50);
    b.wph = rng.U(0, 6.28);
    b.e = std::min(rng.U(0.1, 0.45), 0.45 * b.w0 * (1 - b.wamp));
    b.full = rng.P(0.7);
    const double halfspan = 0.5 * std::hypot(s.Wmm, s.Hmm);
    if (b.full) {
      b.u0 = -2 * halfspan;
      b.u1 = 2 * halfspan;
    } else {
      b.u0 = rng.U(-0.45, -0.15) * s.Wmm;
      b.u1 = rng.U(0.15, 0.45) * s.Wmm;
    }
    const bool darker = s.t.ita_deg < 10 && rng.P(0.3);
    b.dl = darker ? -rng.U(3, 8) : rng.U(2.5, 22);
    b.dl_var = rng.P(0.6) ? rng.U(0.1, 0.4) : 0.0;
    b.wdl = Wave(rng, 6, 40);
    b.rag = rng.P(0.5) ? rng.U(0.03, 0.1) : 0.0;
    b.wrag = Wave(rng, 1.0, 6.0);
    b.pink = rng.P(0.25) ? rng.U(0.03, 0.12) : 0.0;
    b.smooth = rng.U(0.5, 0.95);
    b.sheen = rng.P(0.25) ? rng.U(0.03, 0.10) : 0.0;
    b.wsheen = Wave(rng, 5, 30);
    b.trich = rng.P(0.3) ? rng.U(0.08, 0.3) : 0.0;
    s.bands.push_back(b);
  }
  const double ppm = s.ppm;
  std::vector<double> reach;  // no band pixel lies farther than this from its centre curve
  for (const Band& b : s.bands)
    reach.push_back(0.5 * std::clamp(b.w0 * (1 + b.wamp), 0.5, 10.0) * (1 + 1.5 * b.rag) + b.e +
                    0.05);
  ParallelRows(H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float* ba = s.band_alpha.ptr<float>(y);
      uchar* bi = s.band_id.ptr<uchar>(y);
      uchar* lab = s.labels.ptr<uchar>(y);
      for (int x = 0; x < W; ++x) {
        const double X = (x + 0.5) / ppm, Y = (y + 0.5) / ppm;
        for (size_t i = 0; i < s.bands.size(); ++i) {
          const Band& b = s.bands[i];
          BandPoint q = AtBand(b, X, Y);
          if (q.u < b.u0 - 1 || q.u > b.u1 + 1) continue;
          if (std::abs(q.sd) > reach[i]) continue;
          const double half = b.HalfSide(q.u, q.sd >= 0);
          if (half <= 0) continue;
          const float p = Edge(std::abs(q.sd) - half, std::min(b.e, 0.9 * half));
          if (p > ba[x]) {
            ba[x] = p;
            bi[x] = static_cast<uchar>(i);
          }
          if (std::abs(q.sd) <= half && lab[x] != 3) lab[x] = 1;
        }
      }
    }
  });
}

void PlaceUnits(Scene& s) {
  Rng& rng = s.rng;
  const double units_cm2 = rng.U(45, 110);
  const double pitch = 1.0 / std::sqrt(units_cm2 / 100.0);
  // Density varies over the scalp (thinner patches): a smooth keep-probability field.
  const int gw = static_cast<int>(s.Wmm / 15) + 3, gh = static_cast<int>(s.Hmm / 15) + 3;
  std::vector<double> field(gw * gh);
  const double thin = rng.P(0.4) ? rng.U(0.1, 0.4) : 0.0;
  for (double& f : field) f = 1 - thin * rng.U(0, 1);
  for (double y = pitch / 2; y < s.Hmm; y += pitch)
    for (double x = pitch / 2; x < s.Wmm; x += pitch) {
      const double jy = rng.U(-0.42, 0.42), jx = rng.U(-0.42, 0.42);
      const cv::Point2d p(x + jx * pitch, y + jy * pitch);
      const double keep = field[std::min(gh - 1, static_cast<int>(p.y / 15 + 1)) * gw +
                                std::min(gw - 1, static_cast<int>(p.x / 15 + 1))];
      if (rng.U(0, 1) < keep) s.units.push_back({p});
    }
}

void PlaceFueDots(Scene& s) {
  Rng& rng = s.rng;
  if (!rng.P(s.o.fue_probability)) return;
  const double dens = rng.LogU(1.5, 45.0);
  const int target = std::clamp(static_cast<int>(dens * s.Wmm * s.Hmm / 100.0), 4, 400);
  // Hypopigmented dots stand out more on darker skin (more melanin lost): Delta L* 2.5-12 on
  // very light skin, 6-22 on dark skin.
  const double light = std::clamp((s.L_skin - 35.0) / 40.0, 0.0, 1.0);
  const double dl_img = rng.LogU(6.0 - 3.5 * light, 22.0 - 10.0 * light);
  const double faint = rng.P(0.35) ? rng.U(0.2, 0.6) : 0.0;  // share of dots with Delta L* 2-4
  const double deq_img = rng.U(0.75, 1.2);
  const bool moth = rng.P(0.3);
  const double pink = rng.P(0.25) ? rng.U(0.03, 0.10) : 0.0;
  const double shiny = rng.P(0.25) ? 0.5 : 0.0;
  const double dented = rng.P(0.3) ? 0.6 : 0.0;
  const double irregular = rng.U(0.02, 0.08);
  std::vector<size_t> order(s.units.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.I(0, static_cast<int>(i) - 1)]);
  int clusters = 0;
  auto fits = [&](cv::Point2d c, double r, int skip) {
    if (c.x < 1.5 * r || c.y < 1.5 * r || c.x > s.Wmm - 1.5 * r || c.y > s.Hmm - 1.5 * r)
      return false;
    for (int k = 0; k < 12; ++k) {
      const cv::Point2d q =
          c + (r + 1.0) * cv::Point2d(std::cos(k * kPi / 6), std::sin(k * kPi / 6));
      if (s.Label(q) == 3 || s.Label(q) == 1 || s.BandAlpha(q) > 0.0f) return false;
    }
    for (size_t j = 0; j < s.dots.size(); ++j) {
      if (static_cast<int>(j) == skip) continue;
      if (cv::norm(s.dots[j].c - c) < s.dots[j].Reach() + r + 0.3) return false;
    }
    return true;
  };
  for (size_t oi = 0; oi < order.size() && static_cast<int>(s.dots.size()) < target; ++oi) {
    Dot d;
    const double deq = std::clamp(deq_img * rng.U(0.75, 1.25), 0.6, 1.5), q = rng.U(1.0, 1.35);
    d.a = deq / 2 * std::sqrt(q);
    d.b = deq / 2 / std::sqrt(q);
    d.phi = rng.U(0, kPi);
    for (int k = 0; k < 4; ++k) {
      d.harm[k] = irregular * rng.U(0.3, 1.0) / (1 + 0.5 * k);
      d.hph[k] = rng.U(0, 2 * kPi);
    }
    d.e = std::min(rng.U(0.05, 0.2), 0.35 * d.b);
    d.dl = rng.P(faint) ? rng.U(2.0, 4.0) : std::max(2.0, dl_img * rng.U(0.6, 1.4));
    d.smooth = rng.U(0.6, 1.0);
    d.pink = pink > 0 && rng.P(0.7) ? pink * rng.U(0.6, 1.4) : 0.0;
    d.shine = rng.P(shiny) ? rng.U(0.02, 0.06) : 0.0;
    d.dent = rng.P(dented) ? rng.U(0.15, 0.35) : 0.0;  // share of the dot's contrast
    const double r = deq / 2;
    if (moth && !s.dots.empty() && rng.P(0.25)) {
      const int j = rng.I(0, static_cast<int>(s.dots.size()) - 1);
      const double ang = rng.U(0, 2 * kPi);
      const double dist = (std::sqrt(s.dots[j].a * s.dots[j].b) + r) * rng.U(0.8, 0.95);
      d.c = s.dots[j].c + dist * cv::Point2d(std::cos(ang), std::sin(ang));
      if (!fits(d.c, r, j)) continue;
      if (s.dots[j].cluster < 0) s.dots[j].cluster = clusters++;
      d.cluster = s.dots[j].cluster;
    } else {
      d.c = s.units[order[oi]].p;
      if (!fits(d.c, r, -1)) continue;
    }
    s.dots.push_back(d);
  }
  if (s.dots.empty()) return;
  // Profiles and owners (overlaps go to the dot of larger alpha), then labels.
  const int W = s.W, H = s.H;
  const double ppm = s.ppm;
  s.dot_alpha = cv::Mat::zeros(H, W, CV_32F);
  s.dot_id = cv::Mat(H, W, CV_32S, cv::Scalar(-1));
  for (size_t i = 0; i < s.dots.size(); ++i) {
    const Dot& d = s.dots[i];
    const double R = d.Reach() * ppm + 1;
    const int x0 = std::max(0, static_cast<int>(d.c.x * ppm - R)),
              x1 = std::min(W - 1, static_cast<int>(d.c.x * ppm + R));
    const int y0 = std::max(0, static_cast<int>(d.c.y * ppm - R)),
              y1 = std::min(H - 1, static_cast<int>(d.c.y * ppm + R));
    const double req = std::sqrt(d.a * d.b), cp = std::cos(d.phi), sp = std::sin(d.phi);
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double dx = (x + 0.5) / ppm - d.c.x, dy = (y + 0.5) / ppm - d.c.y;
        const double u = (dx * cp + dy * sp) / d.a, v = (-dx * sp + dy * cp) / d.b;
        const double rho = std::sqrt(u * u + v * v);
        const double sd = (rho - d.Radius(std::atan2(v, u))) * req;
        const float p = Edge(sd, d.e);
        float& al = s.dot_alpha.at<float>(y, x);
        if (p > al) {
          al = p;
          s.dot_id.at<int>(y, x) = static_cast<int>(i);
        }
      }
    for (Unit& un : s.units)
      if (std::abs(un.p.x - d.c.x) < 2 && std::abs(un.p.y - d.c.y) < 2 &&
          cv::norm(un.p - d.c) < 1.3 * d.a + 0.1)
        un.removed = true;
  }
  for (int y = 0; y < H; ++y) {
    const float* al = s.dot_alpha.ptr<float>(y);
    uchar* lab = s.labels.ptr<uchar>(y);
    for (int x = 0; x < W; ++x)
      if (al[x] >= 0.5f && lab[x] == 0) lab[x] = 2;
  }
}

void ApplyScars(Scene& s) {
  if (s.bands.empty() && s.dots.empty()) return;
  const double ppm = s.ppm, Ls = s.L_skin, Ys = LToY(Ls);
  const float skin_y = Luma(s.skin);
  const cv::Point2d light(std::cos(s.light_angle), std::sin(s.light_angle));
  auto factor = [&](double dl, double w) {
    return static_cast<float>(LToY(std::clamp(Ls + w * dl, 3.0, 99.0)) / Ys);
  };
  // Smooth away fine texture, shift L*, whiten (Y-preserving desaturation), tint pink
  // (Y-preserving).
  auto apply = [&](cv::Vec3f& p, const cv::Vec3f& tex, float w, float smooth, double dl,
                   float desat, float pink) {
    for (int k = 0; k < 3; ++k) p[k] *= 1.0f + smooth * w * (1.0f / std::max(0.5f, tex[k]) - 1.0f);
    p *= factor(dl, w);
    const float Y = Luma(p);
    p += (cv::Vec3f(Y, Y, Y) - p) * (desat * w);
    if (pink > 0) {
      const float pr = pink * w, rest = 0.7152f * p[1] + 0.0722f * p[0];
      const float q = rest > 0 ? 0.2126f * p[2] * pr / rest : 0.0f;
      p[2] *= 1 + pr;
      p[1] *= 1 - q;
      p[0] *= 1 - q;
    }
  };
  ParallelRows(s.H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
      const cv::Vec3f* tx = s.tex.ptr<cv::Vec3f>(y);
      const float* ba = s.band_alpha.ptr<float>(y);
      const uchar* bi = s.band_id.ptr<uchar>(y);
      const uchar* lab = s.labels.ptr<uchar>(y);
      const float* da = s.dot_alpha.empty() ? nullptr : s.dot_alpha.ptr<float>(y);
      const int* di = s.dot_id.empty() ? nullptr : s.dot_id.ptr<int>(y);
      for (int x = 0; x < s.W; ++x) {
        if (lab[x] == 3) continue;
        const double X = (x + 0.5) / ppm, Y = (y + 0.5) / ppm;
        if (ba[x] > 0) {
          const Band& b = s.bands[bi[x]];
          const BandPoint q = AtBand(b, X, Y);
          const float w = ba[x];
          apply(p[x], tx[x], w, static_cast<float>(b.smooth), b.Dl(q.u), 0.25f,
                static_cast<float>(b.pink));
          if (b.sheen > 0) {
            const double half = std::max(0.2, b.HalfSide(q.u, q.sd >= 0));
            const double along = std::max(0.0, 0.5 + 0.5 * b.wsheen(q.u));
            const double g = b.sheen * along * std::exp(-std::pow(q.sd / (0.35 * half), 2)) * w;
            p[x] += cv::Vec3f::all(static_cast<float>(g * skin_y));
          }
        }
        if (da && da[x] > 0) {
          const Dot& d = s.dots[di[x]];
          const float w = da[x];
          apply(p[x], tx[x], w, static_cast<float>(d.smooth), d.dl, 0.3f,
                static_cast<float>(d.pink));
          const cv::Point2d r(X - d.c.x, Y - d.c.y);
          const double req = std::sqrt(d.a * d.b);
          if (d.dent > 0) {
            // Sunken: the wall on the light's side is in shadow, the far wall lit. The shading is
            // a share of the dot's own contrast, so the half-maximum edge moves in on one side
            // and out on the other by the same amount.
            const double cp = std::cos(d.phi), sp = std::sin(d.phi);
            const double u = (r.x * cp + r.y * sp) / d.a, v = (-r.x * sp + r.y * cp) / d.b;
            const double sd = (std::sqrt(u * u + v * v) - d.Radius(std::atan2(v, u))) * req;
            if (std::abs(sd) < d.e) {
              const double g = std::sin(kPi * (sd + d.e) / (2 * d.e));
              const double n = cv::norm(r);
              const double c = n > 0 ? (r.x * light.x + r.y * light.y) / n : 0.0;
              const double L = Ls + w * d.dl;
              p[x] *= static_cast<float>(
                  LToY(std::clamp(L - d.dent * std::abs(d.dl) * g * c, 3.0, 99.0)) / LToY(L));
            }
          }
          if (d.shine > 0) {
            const cv::Point2d hc = 0.2 * req * light;  // a small glint in the smooth centre
            const double g =
                d.shine * std::exp(-(std::pow(r.x - hc.x, 2) + std::pow(r.y - hc.y, 2)) /
                                   (2 * std::pow(0.15 * req, 2)));
            p[x] += cv::Vec3f::all(static_cast<float>(g * w * w * skin_y));
          }
        }
      }
    }
  });
}

}  // namespace scarmap::synth
