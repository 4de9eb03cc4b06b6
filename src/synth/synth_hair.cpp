// Hair: stubble of follicular units, and long unshaved hair at a frame edge.
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "synth_scene.hpp"

namespace scarmap::synth {

// ---- long hair geometry -------------------------------------------------------------------

cv::Point2d LongHair::Uv(const Scene& s, cv::Point2d p) const {
  switch (side) {
    case 0:
      return {p.x, p.y};
    case 1:
      return {p.x, s.Hmm - p.y};
    case 2:
      return {p.y, p.x};
    default:
      return {p.y, s.Wmm - p.x};
  }
}
cv::Point2d LongHair::FromUv(const Scene& s, cv::Point2d q) const {
  switch (side) {
    case 0:
      return {q.x, q.y};
    case 1:
      return {q.x, s.Hmm - q.y};
    case 2:
      return {q.y, q.x};
    default:
      return {s.Wmm - q.y, q.x};
  }
}
namespace {
double PartDistance(const LongHair& g, cv::Point2d q) {  // mm outside the part (< 0 inside)
  return std::abs(q.x - (g.part_u + g.part_slope * q.y)) -
         g.part_half * (1 + 0.1 * std::clamp(g.part_rag(q.y), -1.5, 1.5));
}
}  // namespace

bool LongHair::InPart(const Scene& s, cv::Point2d p) const {
  return part && PartDistance(*this, Uv(s, p)) < 0;
}
double LongHair::Inside(const Scene& s, cv::Point2d p) const {
  const cv::Point2d q = Uv(s, p);
  double d = depth + edge(q.x) - q.y;
  if (part) d = std::min(d, PartDistance(*this, q));
  return d;
}
double LongHair::Lie(cv::Point2d uv) const {
  if (!part) return kPi / 2 + comb;
  return kPi / 2 + (uv.x < part_u + part_slope * uv.y ? 1 : -1) * (0.35 + std::abs(comb));
}

void PlanLongHair(Scene& s) {
  LongHair& g = s.long_hair_geo;
  if (s.o.scars_only || !s.rng.P(s.o.long_hair_probability)) return;
  Rng& rng = s.rng;
  g.present = true;
  g.side = rng.I(0, 3);
  const double extent = g.side < 2 ? s.Hmm : s.Wmm, along = g.side < 2 ? s.Wmm : s.Hmm;
  g.depth = rng.U(0.12, 0.35) * extent;
  g.edge = Wave(rng, 8, 40);
  for (double& a : g.edge.amp) a *= rng.U(0.5, 2.5);  // mm of waviness
  g.comb = rng.U(-0.5, 0.5);
  g.part = rng.P(0.5);
  g.part_u = rng.U(0.25, 0.75) * along;
  g.part_slope = rng.U(-0.3, 0.3);
  g.part_half = rng.U(0.4, 1.3);
  g.part_rag = Wave(rng, 3, 15);
  s.long_hair = cv::Mat::zeros(s.H, s.W, CV_8U);
  ParallelRows(s.H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < s.W; ++x) {
        const cv::Point2d mm((x + 0.5) / s.ppm, (y + 0.5) / s.ppm);
        if (s.labels.at<uchar>(y, x) == 3 || !g.Covers(s, mm)) continue;
        s.labels.at<uchar>(y, x) = 3;
        s.long_hair.at<uchar>(y, x) = 255;
      }
  });
  s.Distractor("long_hair");
  if (g.part) s.Distractor("part_line");
}

// ---- stubble ------------------------------------------------------------------------------

namespace {

// A curved hair shaft (or strand) from `p0` (mm) along angle `a`, bending by `kappa` rad/mm.
Stroke Shaft(const Scene& s, cv::Point2d p0, double a, double len, double kappa, double r0_mm,
             double r1_mm) {
  Stroke k;
  const int n = std::clamp(static_cast<int>(std::ceil(len / 0.4)), 1, 12);
  cv::Point2d p = p0;
  const double step = len / n;
  k.pts.push_back(s.ToPx(p));
  k.radius.push_back(static_cast<float>(r0_mm * s.ppm));
  for (int i = 1; i <= n; ++i) {
    a += kappa * step;
    p += step * cv::Point2d(std::cos(a), std::sin(a));
    k.pts.push_back(s.ToPx(p));
    k.radius.push_back(static_cast<float>((r0_mm + (r1_mm - r0_mm) * i / n) * s.ppm));
  }
  return k;
}

// Coarse field sampled at 1 mm.
float At(const cv::Mat& f, cv::Point2d mm) {
  return f.at<float>(std::clamp(static_cast<int>(mm.y), 0, f.rows - 1),
                     std::clamp(static_cast<int>(mm.x), 0, f.cols - 1));
}

}  // namespace

void RenderHair(Scene& s) {
  Rng& rng = s.rng;
  Truth& t = s.t;
  static const char* kHair[] = {"black", "brown", "grey", "blond", "red"};
  // Hair colour: any on light skin; mostly black, brown or grey on brown and dark skin.
  static const double kDarkSkinWeights[5] = {0.45, 0.25, 0.2, 0.05, 0.05};
  int hc = rng.I(0, 4);
  if (s.t.ita_deg < 10) {
    double u = rng.U(0, 1);
    for (hc = 0; hc < 4 && u >= kDarkSkinWeights[hc]; ++hc) u -= kDarkSkinWeights[hc];
  }
  t.hair_color = kHair[hc];
  const cv::Vec3d hair_lab[] = {{14, 1, 2}, {26, 6, 12}, {20, 2, 4}, {62, 4, 24}, {36, 24, 30}};
  // Stubble is darker than the skin it grows from; blond only slightly (weak contrast).
  const double min_dark[] = {15, 12, 12, 5, 9};
  const double hair_L =
      std::max(5.0, std::min(hair_lab[hc][0], s.L_skin - min_dark[hc] * rng.U(1.0, 1.6)));
  const double chroma =
      std::min(1.0, hair_L / hair_lab[hc][0]);  // darker shades of a colour are less saturated
  s.hair_col = LabToLinearBgr(hair_L, chroma * hair_lab[hc][1], chroma * hair_lab[hc][2]);
  // Salt and pepper: grey and white hairs among the pigmented ones.
  t.grey_hair_fraction = hc == 2 ? rng.U(0.5, 0.9) : rng.P(0.3) ? rng.U(0.05, 0.4) : 0.0;
  if (t.grey_hair_fraction > 0) s.Effect("grey_hairs");
  const bool coarse = rng.P(0.2);
  const double width_mean = coarse ? rng.U(0.12, 0.2) : rng.U(0.05, 0.12);
  if (coarse) s.Effect("coarse_stubble");
  const bool shaved = rng.P(0.3);
  const double len_mean = shaved ? rng.U(0.05, 0.25) : rng.LogU(0.3, 4.0);
  t.hair_length_mm = len_mean;
  const bool curly = rng.P(s.L_skin < 45 ? 0.35 : 0.08) && len_mean > 0.8;
  const double kappa_img = curly ? rng.U(0.8, 2.0) : rng.U(0.05, 0.4);
  if (curly) s.Effect("curly_hair");
  // Growth direction: a smooth field, sometimes a whorl; length varies smoothly too.
  const cv::Size grid(static_cast<int>(s.Wmm) + 2, static_cast<int>(s.Hmm) + 2);
  const double dir0 = rng.U(0, 2 * kPi);
  const cv::Mat dir_fine = Noise(grid, rng.U(4, 10), rng);
  const float dir_fine_amp = static_cast<float>(rng.U(0.05, 0.3));
  const cv::Mat dir_broad = Noise(grid, rng.U(15, 40), rng);
  const float dir_broad_amp = static_cast<float>(rng.U(0.2, 0.9));
  const cv::Mat dir_field = dir_broad_amp * dir_broad + dir_fine_amp * dir_fine;
  const cv::Mat len_field = Noise(grid, rng.U(6, 20), rng);
  const double len_var = rng.U(0.1, 0.45);
  const bool whorl = rng.P(0.3);
  const double wcy = rng.U(-0.2, 1.2), wcx = rng.U(-0.2, 1.2);
  const cv::Point2d wc(wcx * s.Wmm, wcy * s.Hmm);
  const double wr = rng.U(15, 45), twist_abs = rng.U(0.2, 0.9),
               twist = twist_abs * (rng.P(0.5) ? 1 : -1);
  if (whorl) s.Effect("whorl");
  auto direction = [&](cv::Point2d p) {
    const double a = dir0 + At(dir_field, p);
    if (!whorl) return a;
    const cv::Point2d d = p - wc;
    const double wgt = std::exp(-d.dot(d) / (wr * wr)), aw = std::atan2(d.y, d.x) + twist;
    const double vx = (1 - wgt) * std::cos(a) + wgt * std::cos(aw),
                 vy = (1 - wgt) * std::sin(a) + wgt * std::sin(aw);
    return std::atan2(vy, vx);
  };
  const double grey_b = rng.U(0, 6), grey_L = rng.U(62, 86);
  const cv::Vec3f grey_col = LabToLinearBgr(grey_L, 0, grey_b);
  // Pigment seen through the skin is blue-grey and blurred (light scattering in the dermis).
  const double depth_vis = std::clamp((s.L_skin - hair_L) / 45.0, 0.0, 1.0);
  cv::Vec3f sub_col = 0.5f * (s.hair_col + s.skin);
  sub_col = cv::Vec3f(sub_col[0] * 1.12f, sub_col[1], sub_col[2] * 0.88f);

  std::vector<Stroke> under, openings, shafts;
  for (const Unit& un : s.units) {
    if (un.removed || !s.InFrame(un.p)) continue;
    if (s.Label(un.p) == 3) continue;
    const float ba = s.BandAlpha(un.p);
    double wscale = 1.0;
    int nmax = 4;
    if (ba > 0.02f) {  // inside a FUT band: only trichophytic closures keep some hair
      const Band& b = s.bands[s.band_id.at<uchar>(s.Px(un.p))];
      if (!(b.trich > 0 && rng.P(b.trich))) continue;
      wscale = 0.8;
      nmax = 2;
    }
    const double u = rng.U(0, 1);
    const int n = std::min(nmax, u < 0.2 ? 1 : u < 0.65 ? 2 : u < 0.93 ? 3 : 4);
    const double base = direction(un.p) + rng.U(-0.25, 0.25);
    const double spread = rng.U(0.15, 0.45);
    const double kappa_unit = kappa_img * (rng.P(0.5) ? 1 : -1);  // hairs of a unit bend alike
    // The follicular opening: one slightly darker dot for the whole unit.
    {
      Stroke k;
      k.pts = {s.ToPx(un.p)};
      k.radius = {static_cast<float>(std::max(0.5, rng.U(0.05, 0.09) * s.ppm))};
      const float d = static_cast<float>(rng.U(0.65, 0.85));
      k.color = {d, d * 0.98f, d * 0.97f};
      k.mode = Stroke::Mode::kMultiply;
      k.soft = true;
      openings.push_back(std::move(k));
    }
    for (int h = 0; h < n; ++h) {
      const double ny = rng.N(), nx = rng.N();
      const cv::Point2d ex = un.p + 0.03 * cv::Point2d(nx, ny);
      const double a = base + spread * (n > 1 ? (h - 0.5 * (n - 1)) / std::max(1, n - 1) : 0.0) +
                       rng.U(-0.12, 0.12);
      const bool grey = rng.P(t.grey_hair_fraction);
      const double w = width_mean * wscale * rng.U(0.8, 1.25) * (grey ? 0.9 : 1.0);
      double len = len_mean * std::exp(len_var * At(len_field, ex)) * rng.LogU(0.6, 1.6);
      len *= rng.U(0.7,
                   0.97);  // hairs leave the skin at an angle: the visible length is foreshortened
      const cv::Vec3f col = grey ? grey_col * static_cast<float>(rng.U(0.85, 1.1))
                                 : s.hair_col * static_cast<float>(std::exp(0.18 * rng.N()));
      const float op = static_cast<float>(grey ? rng.U(0.45, 0.8) : rng.U(0.75, 1.0));
      // Under the skin, opposite to the growth direction (pigmented hair only).
      if (!grey && depth_vis > 0.05) {
        const double r0 = rng.U(0.06, 0.1), sub_len = rng.U(0.4, 1.1);
        Stroke k = Shaft(s, ex, a + kPi, sub_len, 0, r0, 0.05);
        k.color = sub_col;
        k.opacity = static_cast<float>(depth_vis * rng.U(0.25, 0.5));
        k.soft = true;
        k.fade = 1.0f;
        for (float& r : k.radius) r = std::max(r, 0.7f);
        under.push_back(std::move(k));
      }
      // The shaft: a short oblique stub when shaved, else a curved stroke with a blunt cut end.
      const double vis = std::max(len, 0.6 * w);
      Stroke k =
          Shaft(s, ex, a, vis, kappa_unit * rng.U(0.3, 1.5), w / 2, (len > 3 ? 0.35 : 0.45) * w);
      k.color = col;
      k.opacity = op;
      k.core = grey ? 0.5f : 0.3f;  // a cylinder: less pigment on the way through its rim
      shafts.push_back(std::move(k));
      if (s.InFrame(ex) && s.Label(ex) != 3)
        s.exits_px.emplace_back(ex.x * s.ppm - 0.5, ex.y * s.ppm - 0.5);
    }
  }
  DrawStrokes(s.lin, under);
  DrawStrokes(s.lin, openings);
  DrawStrokes(s.lin, shafts);
  t.follicle_count = static_cast<int>(s.exits_px.size());
}

void RenderLongHair(Scene& s) {
  const LongHair& g = s.long_hair_geo;
  if (!g.present) return;
  Rng& rng = s.rng;
  const double ppm = s.ppm;
  // The hair mass: streaks along the lie of the hair, clumps, in its own shadow; a soft edge
  // whose half-maximum is the label boundary.
  const double extent = 2 * (s.Wmm + s.Hmm);
  std::vector<float> across(static_cast<size_t>(extent / 0.08) + 4);
  for (float& v : across) v = static_cast<float>(rng.N());
  const cv::Mat broad = Noise({s.W, s.H}, 4 * ppm, rng);
  const cv::Mat along_n = Noise({s.W, s.H}, 8 * ppm, rng);
  const cv::Mat sheen_n =
      Noise({s.W, s.H}, 10 * ppm, rng);  // broad specular bands of the hair's sheen
  const float sheen_amp = static_cast<float>(rng.U(0.02, 0.08));
  const cv::Vec3f mass = s.hair_col * static_cast<float>(rng.U(0.45, 0.75)) +
                         cv::Vec3f::all(static_cast<float>(s.t.grey_hair_fraction * 0.12));
  ParallelRows(s.H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
      const uchar* m = s.long_hair.ptr<uchar>(y);
      const uchar* lab = s.labels.ptr<uchar>(y);
      for (int x = 0; x < s.W; ++x) {
        if (!m[x] && lab[x] == 3) continue;  // background, cards
        const cv::Point2d mm((x + 0.5) / ppm, (y + 0.5) / ppm);
        const double in = g.Inside(s, mm);
        if (in < -0.4) continue;
        const float a = m[x] ? std::max(0.5f, Edge(-in, 0.4)) : std::min(0.49f, Edge(-in, 0.4));
        const cv::Point2d uv = g.Uv(s, mm);
        const double lie = g.Lie(uv);
        const double c = (-std::sin(lie) * uv.x + std::cos(lie) * uv.y) / 0.08 + extent / 0.16;
        const size_t i = std::min(across.size() - 2, static_cast<size_t>(std::max(0.0, c)));
        const float fr = static_cast<float>(c - std::floor(c));
        const float streak = across[i] * (1 - fr) + across[i + 1] * fr;
        const float f =
            std::max(0.15f, 1.0f + 0.3f * streak * (0.6f + 0.4f * along_n.at<float>(y, x)) +
                                0.3f * broad.at<float>(y, x));
        const float shine = sheen_amp * std::max(0.0f, sheen_n.at<float>(y, x) - 0.2f) *
                            std::max(0.0f, 1.0f + streak);
        p[x] += (mass * f + cv::Vec3f::all(shine) - p[x]) * a;
      }
    }
  });
  // Strands over the mass; near the boundary they lie out over the skin a little.
  const double along = g.side < 2 ? s.Wmm : s.Hmm;
  const double area = along * g.depth;
  const double strand_len = rng.U(15, 40), spacing = rng.U(0.05, 0.12);
  const int n = std::min(300000, static_cast<int>(area / (strand_len * spacing)));
  std::vector<Stroke> strands;
  const cv::Vec3f lite = s.hair_col * 1.8f + cv::Vec3f::all(0.02f);
  auto add_strand = [&](cv::Point2d uv, double overhang, bool from_part) {
    Stroke k;
    double a = g.Lie(uv) + rng.U(-0.12, 0.12);
    const double kappa = rng.U(-0.02, 0.02), w = rng.U(0.05, 0.1);
    cv::Point2d q = uv;
    double outside = 0;
    for (int i = 0; i < 40 && outside <= overhang; ++i) {
      const cv::Point2d mm = g.FromUv(s, q);
      if (g.InPart(s, mm) && (i > 3 || !from_part) && i > 0) break;
      k.pts.push_back(s.ToPx(mm));
      k.radius.push_back(static_cast<float>(w / 2 * ppm));
      if (!g.Covers(s, mm) && !g.InPart(s, mm)) outside += strand_len / 40;
      a += kappa * strand_len / 40;
      q += strand_len / 40 * cv::Point2d(std::cos(a), std::sin(a));
    }
    if (k.pts.size() < 2) return;
    k.color = rng.P(0.15) ? lite : s.hair_col * static_cast<float>(rng.U(0.6, 1.3));
    k.opacity = static_cast<float>(rng.U(0.6, 0.95));
    k.fade = static_cast<float>(rng.U(0.0, 0.5));
    strands.push_back(std::move(k));
  };
  for (int i = 0; i < n; ++i) {
    const double v = rng.U(-2, g.depth), u = rng.U(0, along);
    const cv::Point2d uv(u, v);
    if (!g.Covers(s, g.FromUv(s, uv))) continue;
    add_strand(uv, rng.P(0.3) ? rng.U(0, 6) : 0.0, false);
  }
  // Roots along the part's edges: visible exits, each hair combed away from the part.
  if (g.part) {
    const int roots = static_cast<int>(g.depth / 0.35);
    for (int i = 0; i < roots; ++i)
      for (int sgn : {-1, 1}) {
        const double v = rng.U(0, g.depth);
        const double u = g.part_u + g.part_slope * v + sgn * g.part_half * rng.U(0.4, 0.9);
        const cv::Point2d mm = g.FromUv(s, {u, v});
        if (!s.InFrame(mm) || !g.InPart(s, mm) || s.Label(mm) != 0) continue;
        add_strand({u, v}, 0.0, true);
        s.exits_px.emplace_back(mm.x * ppm - 0.5, mm.y * ppm - 0.5);
      }
    s.t.follicle_count = static_cast<int>(s.exits_px.size());
  }
  DrawStrokes(s.lin, strands);
}

}  // namespace scarmap::synth
