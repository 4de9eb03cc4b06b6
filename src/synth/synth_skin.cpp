// Skin and the not-scalp regions (background wall or clothing, an ear).
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "synth_scene.hpp"

namespace scarmap::synth {

Scene::Scene(const SynthOptions& options, std::uint64_t seed_, Truth& truth)
    : o(options), rng(seed_ * 0x9E3779B97F4A7C15ull + 12345), seed(seed_), t(truth) {}

bool Scene::ClearSkin(cv::Point2d c, double r) const {
  const int x0 = std::max(0, static_cast<int>((c.x - r) * ppm)),
            x1 = std::min(W - 1, static_cast<int>((c.x + r) * ppm));
  const int y0 = std::max(0, static_cast<int>((c.y - r) * ppm)),
            y1 = std::min(H - 1, static_cast<int>((c.y + r) * ppm));
  if (x0 > x1 || y0 > y1) return false;
  const int step = std::max(1, static_cast<int>(ppm * 0.25));
  for (int y = y0; y <= y1; y += step)
    for (int x = x0; x <= x1; x += step) {
      if (labels.at<uchar>(y, x) != 0) return false;
      if (!band_alpha.empty() && band_alpha.at<float>(y, x) > 0) return false;
      if (!dot_alpha.empty() && dot_alpha.at<float>(y, x) > 0) return false;
    }
  return true;
}

void Scene::Distractor(const std::string& kind) {
  if (std::find(t.distractors.begin(), t.distractors.end(), kind) == t.distractors.end())
    t.distractors.push_back(kind);
}
void Scene::Effect(const std::string& name) {
  if (std::find(t.effects.begin(), t.effects.end(), name) == t.effects.end())
    t.effects.push_back(name);
}
void Scene::Mark(const std::string& kind, cv::Point2d mm, double radius_mm) {
  Distractor(kind);
  t.distractor_marks.push_back({kind, {mm.x * ppm - 0.5, mm.y * ppm - 0.5}, radius_mm});
}

void RenderSkin(Scene& s) {
  Rng& rng = s.rng;
  const int W = s.W, H = s.H;
  // Skin tone over the whole ITA range: a band at random, then an angle inside it.
  static const double kBands[6][2] = {{55, 65}, {41, 55},  {28, 41},
                                      {10, 28}, {-30, 10}, {-50, -30}};
  const int band = rng.I(0, 5);
  const double ita0 = rng.U(kBands[band][0], kBands[band][1]);
  s.b_skin = rng.U(11, 21);
  s.L_skin = std::clamp(50 + s.b_skin * std::tan(ita0 * kPi / 180), 22.0, 84.0);
  s.a_skin = rng.U(6, 14);
  s.t.skin_lab = {s.L_skin, s.a_skin, s.b_skin};
  s.t.ita_deg = std::atan2(s.L_skin - 50, s.b_skin) * 180 / kPi;
  s.t.skin_band = ItaClass(s.t.ita_deg);
  s.skin = LabToLinearBgr(s.L_skin, s.a_skin, s.b_skin);
  s.light_angle = rng.U(0, 2 * kPi);

  s.lin.create(H, W, CV_32FC3);
  s.lin.setTo(cv::Scalar(s.skin[0], s.skin[1], s.skin[2]));
  s.labels = cv::Mat::zeros(H, W, CV_8U);
  s.tex.create(H, W, CV_32FC3);
  s.tex.setTo(cv::Scalar::all(1));
  if (s.o.scars_only) return;

  const double ppm = s.ppm;
  // Pigment (melanin: darker and browner, stronger in blue) at two scales, blood (redness).
  const double dark = std::clamp((60.0 - s.L_skin) / 40.0, 0.0, 1.0);  // darker skin mottles more
  const cv::Mat mel_fine = Noise({W, H}, 2.5 * ppm, rng), mel_broad = Noise({W, H}, 9 * ppm, rng);
  const cv::Mat mel = (0.04f + 0.03f * static_cast<float>(dark)) * mel_broad + 0.025f * mel_fine;
  const double red_amp = rng.U(0.03, 0.10);
  const cv::Mat red = cv::max(Noise({W, H}, 6 * ppm, rng) - 0.6f, 0.0f) * red_amp;
  // Fine texture: small mottling and the micro-relief network of skin lines.
  const cv::Mat fine = Noise({W, H}, 0.6 * ppm, rng);
  const cv::Mat relief = Noise({W, H}, 0.35 * ppm, rng);
  const float fine_amp = static_cast<float>(rng.U(0.01, 0.03)),
              relief_amp = static_cast<float>(rng.U(0.02, 0.07));
  ParallelRows(H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
      cv::Vec3f* q = s.tex.ptr<cv::Vec3f>(y);
      const float *m = mel.ptr<float>(y), *rr = red.ptr<float>(y), *f = fine.ptr<float>(y),
                  *rl = relief.ptr<float>(y);
      for (int x = 0; x < W; ++x) {
        const float g = -m[x];
        p[x] = cv::Vec3f(p[x][0] * (1 + 1.3f * g) * (1 - rr[x]),
                         p[x][1] * (1 + g) * (1 - 0.8f * rr[x]),
                         p[x][2] * (1 + 0.75f * g) * (1 + 0.6f * rr[x]));
        const float ridge =
            std::max(0.0f, 1.0f - std::abs(rl[x]) * 6.0f);  // thin lines where the field crosses 0
        const float v = 1.0f + fine_amp * f[x] - relief_amp * ridge;
        q[x] = cv::Vec3f(v, v, v);
      }
    }
  });
  // Pores: tiny soft darker spots (skipped inside scars later, which smooth the texture away).
  const int pores = static_cast<int>(s.Wmm * s.Hmm * rng.U(0.3, 1.2));
  std::vector<Stroke> st;
  st.reserve(pores);
  for (int i = 0; i < pores; ++i) {
    Stroke k;
    const double py = rng.U(0, H), px = rng.U(0, W);
    k.pts = {cv::Point2f(static_cast<float>(px), static_cast<float>(py))};
    k.radius = {static_cast<float>(std::max(0.35, rng.U(0.02, 0.05) * ppm))};
    const float d = static_cast<float>(rng.U(0.88, 0.96));
    k.color = {d, d * 0.99f, d * 1.01f};
    k.mode = Stroke::Mode::kMultiply;
    k.soft = true;
    st.push_back(std::move(k));
  }
  DrawStrokes(s.tex, st);
  cv::multiply(s.lin, s.tex, s.lin);
}

void RenderNotScalp(Scene& s) {
  if (s.o.scars_only) return;
  Rng& rng = s.rng;
  const int W = s.W, H = s.H;
  // Background wall or clothing beyond a smooth head outline on one side.
  if (rng.P(s.o.background_probability)) {
    const int side = rng.I(0, 3);
    const double depth = rng.U(0.08, 0.3), amp = rng.U(0.0, 0.08), wl = rng.U(0.5, 1.5),
                 ph = rng.U(0, 6.28);
    const bool clothing = (side == 3) && rng.P(0.6);
    cv::Vec3f col;
    if (clothing) {
      const double r = rng.U(0.01, 0.08), g = rng.U(0.01, 0.08), b = rng.U(0.01, 0.08);
      col = cv::Vec3f(static_cast<float>(b), static_cast<float>(g), static_cast<float>(r));
    } else {
      const double lab_b = rng.U(-15, 15), lab_a = rng.U(-6, 6), lab_L = rng.U(55, 92);
      col = LabToLinearBgr(lab_L, lab_a, lab_b);
    }
    const double weave = rng.U(0.3, 0.8) * s.ppm;  // fabric period in px
    const cv::Mat grain = Noise({W, H}, std::max(1.0, 0.5 * s.ppm), rng);
    ParallelRows(H, [&](int y0, int y1) {
      for (int y = y0; y < y1; ++y)
        for (int x = 0; x < W; ++x) {
          const double u = (side < 2 ? double(x) / W : double(y) / H);
          double v = side == 0 ? double(y) / H : side == 1 ? 1 - double(y) / H : double(x) / W;
          if (side == 3) v = 1 - double(y) / H;
          const double edge =
              depth + amp * std::sin(2 * kPi * u / wl + ph) + 0.15 * (u - 0.5) * (u - 0.5);
          if (v >= edge) continue;
          s.labels.at<uchar>(y, x) = 3;
          float f = 0.9f + 0.2f * static_cast<float>(u) + 0.03f * grain.at<float>(y, x);
          if (clothing)
            f *= static_cast<float>(1 + 0.15 * std::sin(2 * kPi * x / weave) *
                                            std::sin(2 * kPi * y / weave));
          s.lin.at<cv::Vec3f>(y, x) = col * f;
        }
    });
    s.Distractor(clothing ? "clothing" : "background");
  }
  // An ear (or the neck's side) at a frame edge: skin-coloured, hairless, not scalp.
  if (rng.P(0.2) && s.labels.at<uchar>(H / 2, 0) != 3 && s.labels.at<uchar>(H / 2, W - 1) != 3) {
    const bool left = rng.P(0.5);
    const double cy = s.Hmm * rng.U(0.35, 0.65);
    const cv::Point2d c(left ? -rng.U(0, 12) : s.Wmm + rng.U(0, 12), cy);
    const double ax = rng.U(18, 30), ay = rng.U(30, 48);
    const double redder = rng.U(2, 7), darker = rng.U(0, 6);
    const cv::Vec3f ear_col =
        LabToLinearBgr(std::max(15.0, s.L_skin - darker), s.a_skin + redder, s.b_skin);
    const double ppm = s.ppm;
    ParallelRows(H, [&](int y0, int y1) {
      for (int y = y0; y < y1; ++y)
        for (int x = 0; x < W; ++x) {
          const double dx = (x / ppm - c.x) / ax, dy = (y / ppm - c.y) / ay;
          const double rr = std::sqrt(dx * dx + dy * dy);
          if (rr > 1.0) continue;
          s.labels.at<uchar>(y, x) = 3;
          // Folds of the ear and a shadow towards its rim.
          const float shade =
              static_cast<float>(1.0 - 0.35 * std::pow(rr, 6) - 0.08 * std::sin(rr * 14));
          s.lin.at<cv::Vec3f>(y, x) = ear_col * shade;
        }
    });
    s.Distractor("ear");
  }
}

}  // namespace scarmap::synth
