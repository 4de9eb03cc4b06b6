// Things that are not scars: skin spots, a fold, SMP pigment, dandruff, a marker card, a ruler,
// a ColorChecker chart.
#include <algorithm>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>

#include "synth_scene.hpp"

namespace scarmap::synth {
namespace {

// A point of plain scalp skin with `r` mm of clearance, or false after a few tries.
bool FindClearSkin(Scene& s, double r, cv::Point2d* c, cv::Point2d lo = {0, 0},
                   cv::Point2d hi = {1, 1}) {
  for (int i = 0; i < 30; ++i) {
    *c = {s.rng.U(lo.x, hi.x) * s.Wmm, s.rng.U(lo.y, hi.y) * s.Hmm};
    if (s.ClearSkin(*c, r)) return true;
  }
  return false;
}

// Per-channel factor that turns the bare skin into CIELAB colour (L, a, b).
cv::Vec3f SkinFactor(const Scene& s, double L, double a, double b) {
  const cv::Vec3f c = LabToLinearBgr(L, a, b);
  return {c[0] / std::max(1e-4f, s.skin[0]), c[1] / std::max(1e-4f, s.skin[1]),
          c[2] / std::max(1e-4f, s.skin[2])};
}

Stroke Spot(const Scene& s, cv::Point2d mm, double r_mm, cv::Vec3f color, float opacity,
            Stroke::Mode mode, bool soft) {
  Stroke k;
  k.pts = {s.ToPx(mm)};
  k.radius = {static_cast<float>(std::max(0.5, r_mm * s.ppm))};
  k.color = color;
  k.opacity = opacity;
  k.mode = mode;
  k.soft = soft;
  return k;
}

// A slightly irregular flat spot: a few overlapping discs.
void Blotch(Scene& s, std::vector<Stroke>& out, cv::Point2d c, double r, cv::Vec3f factor,
            float op) {
  const int n = s.rng.I(2, 4);
  for (int i = 0; i < n; ++i) {
    const double ny = s.rng.N(), nx = s.rng.N();
    const cv::Point2d o = c + 0.25 * r * cv::Point2d(nx, ny);
    out.push_back(Spot(s, o, r * s.rng.U(0.55, 0.85), factor, op, Stroke::Mode::kMultiply, false));
  }
  out.push_back(Spot(s, c, r * 0.6, factor, op * 0.5f, Stroke::Mode::kMultiply, true));  // soft rim
}

}  // namespace

void PlanCards(Scene& s) {
  if (s.o.scars_only) return;
  Rng& rng = s.rng;
  const int W = s.W, H = s.H;
  const double ppm = s.ppm;
  // A printed ArUco marker on a white card.
  if (rng.P(s.o.marker_probability) && s.Wmm > 40 && s.Hmm > 40) {
    const int cell = 40, id = rng.I(0, 49);
    cv::Mat marker, card(10 * cell, 10 * cell, CV_8U, cv::Scalar(245));
    cv::aruco::drawMarker(cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50), id, 6 * cell,
                          marker, 1);
    marker.copyTo(card(cv::Rect(2 * cell, 2 * cell, 6 * cell, 6 * cell)));
    const double mm_per_cell = 10.0 / 6.0;
    const double cy = rng.P(0.5) ? rng.U(0.12, 0.25) : rng.U(0.75, 0.88);
    const double cx = rng.P(0.5) ? rng.U(0.1, 0.22) : rng.U(0.78, 0.9);
    const cv::Point2d c(cx * s.Wmm, cy * s.Hmm);
    const double rot = rng.U(-0.6, 0.6), tilt_rad = rng.U(0, 0.35);
    const double tilt =
        std::cos(s.o.marker_tilt_deg >= 0 ? s.o.marker_tilt_deg * kPi / 180 : tilt_rad);
    // card px -> mm (centred) -> tilt -> rotate -> image px.
    auto to_img = [&](double px, double py) {
      const double mx = (px / cell - 5) * mm_per_cell, my = (py / cell - 5) * mm_per_cell * tilt;
      return cv::Point2f(static_cast<float>((c.x + mx * std::cos(rot) - my * std::sin(rot)) * ppm),
                         static_cast<float>((c.y + mx * std::sin(rot) + my * std::cos(rot)) * ppm));
    };
    const std::vector<cv::Point2f> src = {
        {0, 0}, {10.f * cell, 0}, {10.f * cell, 10.f * cell}, {0, 10.f * cell}};
    std::vector<cv::Point2f> dst;
    for (const auto& p : src) dst.push_back(to_img(p.x, p.y));
    const cv::Mat h = cv::getPerspectiveTransform(src, dst);
    cv::Mat card_f;
    card.convertTo(card_f, CV_32F, 1.0 / 255);
    for (int y = 0; y < card_f.rows; ++y)
      for (int x = 0; x < card_f.cols; ++x)
        card_f.at<float>(y, x) = static_cast<float>(SrgbToLinear(card_f.at<float>(y, x)));
    cv::warpPerspective(card_f, s.card, h, {W, H}, cv::INTER_AREA);
    cv::warpPerspective(cv::Mat(card.size(), CV_8U, cv::Scalar(255)), s.card_mask, h, {W, H},
                        cv::INTER_NEAREST);
    s.t.marker.present = true;
    s.t.marker.marker_id = id;
    s.t.marker.corners_px = {
        cv::Point2d(to_img(2 * cell, 2 * cell)), cv::Point2d(to_img(8 * cell, 2 * cell)),
        cv::Point2d(to_img(8 * cell, 8 * cell)), cv::Point2d(to_img(2 * cell, 8 * cell))};
    s.Distractor("marker");
  }
  // A printed millimetre ruler along one frame edge (ticks every mm, longer every 5 and 10).
  if (rng.P(0.5 * s.o.distractor_probability) && std::min(s.Wmm, s.Hmm) > 40) {
    const bool horizontal = rng.P(0.6);
    const double width = rng.U(10, 18), off = rng.U(-4, 3), rot = rng.U(-0.08, 0.08),
                 s0 = rng.U(0, 10);
    const bool far_side = rng.P(0.5);
    const double paper = SrgbToLinear(rng.U(0.8, 0.95)), ink = SrgbToLinear(rng.U(0.05, 0.15));
    if (s.card.empty()) {
      s.card = cv::Mat::zeros(H, W, CV_32F);
      s.card_mask = cv::Mat::zeros(H, W, CV_8U);
    }
    const double ext = horizontal ? s.Hmm : s.Wmm;
    ParallelRows(H, [&](int y0, int y1) {
      for (int y = y0; y < y1; ++y)
        for (int x = 0; x < W; ++x) {
          const double X = (x + 0.5) / ppm, Y = (y + 0.5) / ppm;
          double along = horizontal ? X : Y, across = horizontal ? Y : X;
          if (far_side) across = ext - across;
          across -= off + rot * along;  // 0 at the ruler's outer edge
          if (across < 0 || across > width) continue;
          const double u = along + s0;
          const double dm = std::abs(u - std::round(u));
          const long mmi = std::lround(u);
          const double tick = mmi % 10 == 0 ? 5.0 : mmi % 5 == 0 ? 3.5 : 2.0;
          const double line = 0.07;
          float v = static_cast<float>(paper);
          if (width - across < tick && dm < line) v = static_cast<float>(ink);
          if (width - across < 0.15) v = static_cast<float>(ink);
          s.card.at<float>(y, x) = v;
          s.card_mask.at<uchar>(y, x) = 255;
        }
    });
    s.Distractor("ruler");
  }
  if (!s.card_mask.empty()) s.labels.setTo(3, s.card_mask);
}

void RenderSkinDistractors(Scene& s) {
  if (s.o.scars_only) return;
  Rng& rng = s.rng;
  const double dp = s.o.distractor_probability;
  std::vector<Stroke> st;
  const cv::Vec3f white = cv::Vec3f::all(Luma(s.skin));
  // Moles (nevi): brown, 1-6 mm, some raised (a soft highlight).
  if (rng.P(1.2 * dp)) {
    const int n = rng.I(1, 4);
    for (int i = 0; i < n; ++i) {
      const double r = rng.LogU(0.6, 3.0);
      cv::Point2d c;
      if (!FindClearSkin(s, r + 0.5, &c)) continue;
      const double db = rng.U(0, 8), da = rng.U(2, 8), dL = rng.U(10, 35);
      const cv::Vec3f f =
          SkinFactor(s, std::max(12.0, s.L_skin - dL), s.a_skin + da, s.b_skin + db);
      Blotch(s, st, c, r, f, static_cast<float>(rng.U(0.8, 1.0)));
      if (rng.P(0.5))
        st.push_back(
            Spot(s, c + 0.3 * r * cv::Point2d(std::cos(s.light_angle), std::sin(s.light_angle)),
                 0.35 * r, white * 0.25f, static_cast<float>(rng.U(0.3, 0.8)), Stroke::Mode::kAdd,
                 true));
      s.Mark("mole", c, r);
    }
  }
  // Freckles: a cluster of small, faint, light-brown spots (more on light skin).
  if (rng.P((s.L_skin > 60 ? 1.2 : 0.4) * dp)) {
    cv::Point2d c0;
    if (FindClearSkin(s, 1.0, &c0)) {
      const int n = rng.I(8, 40);
      const double spread = rng.U(5, 15);
      for (int i = 0; i < n; ++i) {
        const double ny = rng.N(), nx = rng.N();
        const cv::Point2d c = c0 + spread * cv::Point2d(nx, ny);
        const double r = rng.U(0.4, 1.5);
        if (!s.InFrame(c) || !s.ClearSkin(c, r + 0.3)) continue;
        const double db = rng.U(2, 7), da = rng.U(0, 3), dL = rng.U(3, 9);
        const cv::Vec3f f = SkinFactor(s, s.L_skin - dL, s.a_skin + da, s.b_skin + db);
        Blotch(s, st, c, r, f, static_cast<float>(rng.U(0.6, 1.0)));
        s.Mark("freckle", c, r);
      }
    }
  }
  // Red papules / razor bumps: small, red, raised (a glint), sometimes a pustule's pale head.
  if (rng.P(dp)) {
    const int n = rng.I(3, 20);
    cv::Point2d c0;
    const bool clustered = rng.P(0.6) && FindClearSkin(s, 1.0, &c0);
    for (int i = 0; i < n; ++i) {
      const double r = rng.U(0.3, 1.0);
      cv::Point2d c;
      if (clustered) {
        const double ny = rng.N(), nx = rng.N(), dist = rng.U(3, 12);
        c = c0 + dist * cv::Point2d(nx, ny);
      } else {
        const double cy = rng.U(0, s.Hmm), cx = rng.U(0, s.Wmm);
        c = {cx, cy};
      }
      if (!s.InFrame(c) || !s.ClearSkin(c, r + 0.4)) continue;
      const double db = rng.U(0, 4), da = rng.U(5, 14), dL = rng.U(3, 10);
      const cv::Vec3f f = SkinFactor(s, s.L_skin - dL, s.a_skin + da, s.b_skin + db);
      st.push_back(
          Spot(s, c, r, f, static_cast<float>(rng.U(0.6, 1.0)), Stroke::Mode::kMultiply, true));
      st.push_back(Spot(s, c, 0.7 * r, f, 0.5f, Stroke::Mode::kMultiply, false));
      if (rng.P(0.2))
        st.push_back(Spot(s, c, 0.3 * r, SkinFactor(s, s.L_skin + 8, 2, s.b_skin + 15), 0.8f,
                          Stroke::Mode::kMultiply, true));
      st.push_back(Spot(
          s, c + 0.35 * r * cv::Point2d(std::cos(s.light_angle), std::sin(s.light_angle)), 0.25 * r,
          white * 0.2f, static_cast<float>(rng.U(0.1, 0.5)), Stroke::Mode::kAdd, true));
      s.Mark("papule", c, r);
    }
  }
  // A skin fold or wrinkle: a thin dark curved line with a lit lip beside it.
  if (rng.P(0.8 * dp)) {
    cv::Point2d c;
    if (FindClearSkin(s, 0.5, &c, {0.15, 0.15}, {0.85, 0.85})) {
      const double len = rng.U(0.3, 0.8) * std::max(s.Wmm, s.Hmm), tilt = rng.U(-0.4, 0.4),
                   a0 = tilt + (rng.P(0.7) ? 0 : kPi / 2);
      const double kappa = rng.U(-0.5, 0.5) / len, w = rng.U(0.06, 0.15);
      Stroke line, lip;
      const int n = 40;
      for (int i = 0; i <= n; ++i) {
        const double u = (i - n / 2.0) / n * len, a = a0 + kappa * u;
        const cv::Point2d p = c + cv::Point2d(u * std::cos(a0), u * std::sin(a0)) +
                              0.5 * kappa * u * u * cv::Point2d(-std::sin(a0), std::cos(a0));
        const double taper = 1 - std::pow(2.0 * (i - n / 2.0) / n, 4);
        line.pts.push_back(s.ToPx(p));
        line.radius.push_back(static_cast<float>(std::max(0.6, w * taper * s.ppm)));
        lip.pts.push_back(s.ToPx(p + 0.5 * cv::Point2d(-std::sin(a), std::cos(a))));
        lip.radius.push_back(static_cast<float>(std::max(0.8, 0.35 * taper * s.ppm)));
      }
      const float d = static_cast<float>(rng.U(0.55, 0.8));
      line.color = {d, d, d * 1.02f};
      line.mode = Stroke::Mode::kMultiply;
      line.soft = true;
      lip.color = white * 0.12f;
      lip.mode = Stroke::Mode::kAdd;
      lip.soft = true;
      st.push_back(std::move(lip));
      st.push_back(std::move(line));
      s.Mark("skin_fold", c, len / 2);
    }
  }
  // Existing SMP: dense, tiny, soft blue-black pigment dots (not hair exits).
  if (rng.P(0.6 * dp)) {
    cv::Point2d c;
    if (FindClearSkin(s, 0.5, &c)) {
      const bool whole = rng.P(0.3);
      const double rx = whole ? 1e9 : rng.U(10, 40), ry = whole ? 1e9 : rx * rng.U(0.5, 1.0);
      const double dens = rng.U(40, 100), pitch = 1.0 / std::sqrt(dens / 100.0);
      const double pig_b = rng.U(-5, 0), pig_a = rng.U(-1, 2), pig_L = rng.U(18, 32);
      const cv::Vec3f pig = LabToLinearBgr(pig_L, pig_a, pig_b);
      for (double y = pitch / 2; y < s.Hmm; y += pitch)
        for (double x = pitch / 2; x < s.Wmm; x += pitch) {
          const double jy = rng.U(-0.4, 0.4), jx = rng.U(-0.4, 0.4);
          const cv::Point2d p(x + jx * pitch, y + jy * pitch);
          const double q = std::pow((p.x - c.x) / rx, 2) + std::pow((p.y - c.y) / ry, 2);
          if (q > 1 || !s.InFrame(p) || s.Label(p) == 3) continue;
          const double r = rng.U(0.1, 0.2);
          const float op = static_cast<float>(rng.U(0.5, 0.85));
          st.push_back(Spot(s, p, 1.2 * r, pig, 0.4f * op, Stroke::Mode::kOver,
                            true));  // pigment spread in the dermis
          st.push_back(Spot(s, p, r, pig, op, Stroke::Mode::kOver, false));
        }
      s.Mark("smp_pigment", c, whole ? std::max(s.Wmm, s.Hmm) : rx);
    }
  }
  DrawStrokes(s.lin, st, s.labels == 3);
}

void RenderOnTop(Scene& s) {
  if (s.o.scars_only) return;
  Rng& rng = s.rng;
  // Dandruff flakes: bright, irregular, small, lying on the skin and hair.
  if (rng.P(s.o.dandruff_probability)) {
    const int n = rng.I(5, 40);
    const int sh = 4, sc = 1 << sh;
    for (int i = 0; i < n; ++i) {
      const double r = rng.U(0.08, 0.4);
      const double cy = rng.U(0, s.Hmm), cx = rng.U(0, s.Wmm);
      const cv::Point2d c(cx, cy);
      if (!s.ClearSkin(c, r)) continue;
      std::vector<cv::Point> poly;
      for (int k = 0; k < 6; ++k) {
        const double ang = k * kPi / 3 + rng.U(-0.4, 0.4), rr = r * rng.U(0.4, 1.0);
        poly.emplace_back(cvRound((c.x + rr * std::cos(ang)) * s.ppm * sc),
                          cvRound((c.y + rr * std::sin(ang)) * s.ppm * sc));
      }
      const float v = static_cast<float>(rng.U(0.5, 0.85));
      cv::fillConvexPoly(s.lin, poly, cv::Scalar(v * 0.97, v, v), cv::LINE_AA, sh);
      s.Mark("dandruff", c, r);
    }
  }
  if (!s.card.empty()) {
    ParallelRows(s.H, [&](int y0, int y1) {
      for (int y = y0; y < y1; ++y) {
        const uchar* m = s.card_mask.ptr<uchar>(y);
        cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
        for (int x = 0; x < s.W; ++x)
          if (m[x]) p[x] = cv::Vec3f::all(s.card.at<float>(y, x) * 0.95f);
      }
    });
  }
}

namespace {
// ColorChecker Classic patches, row by row from dark skin to black: X-Rite's published sRGB
// (D65) values.
constexpr int kChartSrgb[24][3] = {
    {115, 82, 68},   {194, 150, 130}, {98, 122, 157},  {87, 108, 67},   {133, 128, 177},
    {103, 189, 170}, {214, 126, 44},  {80, 91, 166},   {193, 90, 99},   {94, 60, 108},
    {157, 188, 64},  {224, 163, 46},  {56, 61, 150},   {70, 148, 73},   {175, 54, 60},
    {231, 199, 31},  {187, 86, 149},  {8, 133, 161},   {243, 243, 242}, {200, 200, 200},
    {160, 160, 160}, {122, 122, 121}, {85, 85, 85},    {52, 52, 52}};
}  // namespace

void RenderColorChecker(Scene& s) {
  // Its own stream: the scene's draws do not depend on whether a chart is drawn.
  Rng rng(s.seed * 0x9FB21C651E98DF25ull + 99);
  if (!rng.P(s.o.colorchecker_probability)) return;
  // A 6 x 4 chart on a black card (quarter-patch gaps, half-patch border), slightly rotated, in
  // a corner away from the marker.
  const double p = s.o.colorchecker_patch_mm, gap = 0.25 * p, border = 0.5 * p;
  const double cw = 6 * p + 5 * gap + 2 * border, ch = 4 * p + 3 * gap + 2 * border;
  int corner = rng.I(0, 3);
  if (s.t.marker.present) {
    const auto& m = s.t.marker.corners_px;
    const cv::Point2d c = 0.25 * (m[0] + m[1] + m[2] + m[3]) / s.ppm;
    const int marker_corner = (c.x > s.Wmm / 2 ? 1 : 0) + (c.y > s.Hmm / 2 ? 2 : 0);
    if (corner == marker_corner) corner = 3 - marker_corner;
  }
  const double margin = 0.03 * std::min(s.Wmm, s.Hmm) + 0.1 * ch;
  const cv::Point2d c(corner & 1 ? s.Wmm - margin - cw / 2 : margin + cw / 2,
                      corner & 2 ? s.Hmm - margin - ch / 2 : margin + ch / 2);
  const double rot = rng.U(-0.12, 0.12);
  constexpr int kShift = 4;
  // A rectangle (mm, chart frame) as image points in 1/16 px.
  auto quad = [&](double x0, double y0, double w, double h) {
    std::vector<cv::Point> q;
    for (const cv::Point2d k : {cv::Point2d(x0, y0), cv::Point2d(x0 + w, y0),
                                cv::Point2d(x0 + w, y0 + h), cv::Point2d(x0, y0 + h)}) {
      const cv::Point2d d(k.x - cw / 2, k.y - ch / 2);
      const cv::Point2d mm = c + cv::Point2d(d.x * std::cos(rot) - d.y * std::sin(rot),
                                             d.x * std::sin(rot) + d.y * std::cos(rot));
      q.emplace_back(cvRound((mm.x * s.ppm - 0.5) * (1 << kShift)),
                     cvRound((mm.y * s.ppm - 0.5) * (1 << kShift)));
    }
    return q;
  };
  const std::vector<cv::Point> card = quad(0, 0, cw, ch);
  cv::fillConvexPoly(s.lin, card, cv::Scalar::all(SrgbToLinear(28 / 255.0)), cv::LINE_AA, kShift);
  s.chart_mask = cv::Mat::zeros(s.H, s.W, CV_8U);
  cv::fillConvexPoly(s.chart_mask, card, cv::Scalar(255), cv::LINE_8, kShift);
  for (int i = 0; i < 24; ++i) {
    const int* v = kChartSrgb[i];
    const cv::Scalar col(SrgbToLinear(v[2] / 255.0), SrgbToLinear(v[1] / 255.0),
                         SrgbToLinear(v[0] / 255.0));
    cv::fillConvexPoly(s.lin,
                       quad(border + (i % 6) * (p + gap), border + (i / 6) * (p + gap), p, p), col,
                       cv::LINE_AA, kShift);
  }
  s.Distractor("colorchecker");
}

void LabelColorChecker(Scene& s) {
  if (s.chart_mask.empty()) return;
  s.labels.setTo(3, s.chart_mask);
  std::erase_if(s.exits_px, [&](const cv::Point2d& e) {  // px frame -> the pixel Label() reads
    return s.chart_mask.at<uchar>(s.Px({(e.x + 0.5) / s.ppm, (e.y + 0.5) / s.ppm})) != 0;
  });
}

}  // namespace scarmap::synth
