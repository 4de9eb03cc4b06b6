// Lighting of the scene and the phone camera that photographs it.
#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "synth_scene.hpp"

namespace scarmap::synth {

namespace {

// The illuminant's colour (SynthOptions::color_cast), linear light.
void ApplyColorCast(Scene& s) {
  const auto& g = s.o.color_cast;
  if (g == std::array<double, 3>{1.0, 1.0, 1.0}) return;
  cv::multiply(s.lin, cv::Scalar(g[2], g[1], g[0]), s.lin);  // BGR
  s.Effect("color_cast");
}

}  // namespace

void RenderLighting(Scene& s) {
  if (s.o.scars_only) {
    ApplyColorCast(s);
    return;
  }
  Rng& rng = s.rng;
  const int W = s.W, H = s.H;
  const bool even = s.o.uniform_lighting;  // the draws still happen
  // Directional gradient (towards the light) and the head's curvature.
  double g0 = rng.U(0.8, 1.1), gamp = rng.U(0, 0.3), curv = rng.U(0, 0.35);
  if (even) g0 = 1, gamp = curv = 0;
  const double gx = gamp * std::cos(s.light_angle), gy = gamp * std::sin(s.light_angle);
  const double cxn = rng.U(0.3, 0.7), cyn = rng.U(0.3, 0.7);
  // A cast shadow (a hand, the phone, the clinician): a soft illumination step across the frame.
  const bool shadow = rng.P(0.6 * s.o.distractor_probability) && !even;
  const double sh_a = rng.U(0, 2 * kPi), sh_off = rng.U(-0.3, 0.3) * std::min(s.Wmm, s.Hmm);
  const double sh_depth = rng.U(0.2, 0.5), sh_soft = rng.U(1, 8), sh_bend = rng.U(-0.01, 0.01);
  if (shadow) s.Distractor("shadow_edge");
  const cv::Point2d mid(s.Wmm / 2, s.Hmm / 2), nrm(std::cos(sh_a), std::sin(sh_a));
  ParallelRows(H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
      for (int x = 0; x < W; ++x) {
        const double xn = double(x) / W - cxn, yn = double(y) / H - cyn;
        double f = g0 * (1 + gx * xn + gy * yn) * (1 - curv * (xn * xn + yn * yn));
        if (shadow) {
          const cv::Point2d q((x + 0.5) / s.ppm - mid.x, (y + 0.5) / s.ppm - mid.y);
          const double along = -q.x * nrm.y + q.y * nrm.x;
          const double d = q.x * nrm.x + q.y * nrm.y - sh_off - sh_bend * along * along;
          f *= 1 - sh_depth / (1 + std::exp(-d / (0.35 * sh_soft)));
        }
        p[x] *= static_cast<float>(f);
      }
    }
  });
  // Glare: specular highlights on the scalp (never on the background, cards, chart or long
  // hair). The chart is not in `labels` yet: where glare goes is drawn as without it.
  const uchar* chart = s.chart_mask.empty() ? nullptr : s.chart_mask.ptr<uchar>();
  if (rng.P(s.o.glare_probability)) {
    const int n = rng.P(0.3) ? rng.I(2, 3) : 1;
    for (int i = 0; i < n; ++i) {
      cv::Point2d c;
      int tries = 0;
      do c = {rng.U(0.1, 0.9) * s.Wmm, rng.U(0.1, 0.9) * s.Hmm};
      while (s.Label(c) == 3 && ++tries < 20);
      if (s.Label(c) == 3) continue;
      const double r = rng.U(2, 8), amp = rng.U(0.15, 0.8), elong = rng.U(1, 3),
                   ang = rng.U(0, kPi);
      const double ca = std::cos(ang), sa = std::sin(ang);
      const int x0 = std::max(0, static_cast<int>((c.x - 3 * r * elong) * s.ppm)),
                x1 = std::min(W, static_cast<int>((c.x + 3 * r * elong) * s.ppm));
      const int y0 = std::max(0, static_cast<int>((c.y - 3 * r * elong) * s.ppm)),
                y1 = std::min(H, static_cast<int>((c.y + 3 * r * elong) * s.ppm));
      ParallelRows(y1 - y0, [&](int a, int b) {
        for (int y = y0 + a; y < y0 + b; ++y)
          for (int x = x0; x < x1; ++x) {
            if (s.labels.at<uchar>(y, x) == 3 || (chart && chart[y * W + x])) continue;
            const double dx = (x + 0.5) / s.ppm - c.x, dy = (y + 0.5) / s.ppm - c.y;
            const double u = (dx * ca + dy * sa) / elong, v = -dx * sa + dy * ca;
            const double g = amp * std::exp(-(u * u + v * v) / (2 * r * r));
            s.lin.at<cv::Vec3f>(y, x) += cv::Vec3f::all(static_cast<float>(g));
          }
      });
      s.Mark("glare", c, r * elong);
    }
  }
  ApplyColorCast(s);
}

cv::Mat RenderCamera(Scene& s) {
  Rng& rng = s.rng;
  const int W = s.W, H = s.H;
  const bool on = s.o.camera_effects;
  // Exposure, white balance, vignetting (all multiplicative, linear light).
  double exposure = 1.0;
  cv::Vec3f wb(1, 1, 1);
  double vig = 0;
  if (on) {
    // Even light (uniform_lighting): the draws happen, their effects do not.
    const bool even = s.o.uniform_lighting;
    const double r = rng.U(0, 1);
    exposure = r < 0.12 ? rng.U(0.45, 0.75) : r < 0.24 ? rng.U(1.25, 1.7) : rng.U(0.85, 1.15);
    if (even)
      exposure = 1.0;
    else if (r < 0.12)
      s.Effect("underexposed");
    else if (r < 0.24)
      s.Effect("overexposed");
    if (rng.P(0.6)) {  // warm (tungsten) or cool (shade) light left partly uncorrected
      const double warm = rng.U(-1, 1), strength = rng.U(0.3, 1.0), tint = rng.U(-1, 1);
      const double temp = warm * strength;
      if (!even) {
        wb = {static_cast<float>(1 - 0.16 * temp), static_cast<float>(1 + 0.03 * tint),
              static_cast<float>(1 + 0.14 * temp)};
        if (std::abs(temp) > 0.3) s.Effect("color_cast");
      }
    }
    vig = rng.P(0.7) ? rng.U(0.05, 0.4) : 0.0;
    if (even) vig = 0.0;
    if (vig > 0.15) s.Effect("vignetting");
  }
  const double rmax2 = 0.25 * (double(W) * W + double(H) * H);
  ParallelRows(H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
      for (int x = 0; x < W; ++x) {
        const double dx = x - W / 2.0, dy = y - H / 2.0, q = (dx * dx + dy * dy) / rmax2;
        const float f = static_cast<float>(exposure * (1 - vig * q * (1.2 - 0.2 * q)));
        p[x] = cv::Vec3f(p[x][0] * wb[0] * f, p[x][1] * wb[1] * f, p[x][2] * wb[2] * f);
      }
    }
  });
  // Optics: defocus, sometimes a little motion blur.
  if (on) {
    const double blur = rng.U(0, 1.3);
    if (blur > 0.35) s.defocus_px = blur;
    if (blur > 0.9) s.Effect("defocus");
  }
  // The test aid's extra defocus joins the camera's (Gaussians compose in quadrature).
  if (s.o.extra_blur_mm > 0) s.defocus_px = std::hypot(s.defocus_px, s.o.extra_blur_mm * s.ppm);
  if (s.defocus_px > 0) cv::GaussianBlur(s.lin, s.lin, cv::Size(0, 0), s.defocus_px);
  if (on) {
    if (rng.P(0.12)) {
      const double len = rng.U(2, 6), ang = rng.U(0, kPi);
      const int k = 2 * static_cast<int>(std::ceil(len / 2)) + 1;
      cv::Mat ker = cv::Mat::zeros(4 * k, 4 * k, CV_32F);
      const cv::Point2d c(2 * k, 2 * k), d(2 * len * std::cos(ang), 2 * len * std::sin(ang));
      cv::line(ker, c - d, c + d, cv::Scalar(1), 2, cv::LINE_AA);
      cv::resize(ker, ker, {k, k}, 0, 0, cv::INTER_AREA);
      ker /= cv::sum(ker)[0];
      cv::filter2D(s.lin, s.lin, -1, ker);
      s.motion_px = len;
      s.Effect("motion_blur");
    }
  }
  // Sensor: shot and read noise grow with the gain a dim or underexposed photo needs; phones
  // leave blotchy low-frequency chroma noise after their denoising.
  const double iso = on ? std::clamp(rng.U(0.7, 2.0) / exposure, 0.5, 5.0) : 0.0;
  if (iso > 2.2) s.Effect("high_iso");
  const double shot = 0.006 * std::sqrt(iso), read = 0.0012 * iso;
  cv::Mat chroma[3];
  const double cell = rng.U(2.5, 6);
  for (auto& c : chroma) c = on ? Noise({W, H}, cell, rng) * (0.006 * iso) : cv::Mat();
  const std::uint64_t key = Mix64(s.seed ^ 0xC0FFEEull);
  std::array<uchar, 4097> enc{};
  for (int i = 0; i <= 4096; ++i)
    enc[i] = static_cast<uchar>(std::lround(255 * LinearToSrgb(i / 4096.0)));
  cv::Mat out(H, W, CV_8UC3);
  ParallelRows(H, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const cv::Vec3f* p = s.lin.ptr<cv::Vec3f>(y);
      cv::Vec3b* q = out.ptr<cv::Vec3b>(y);
      for (int x = 0; x < W; ++x) {
        const std::uint64_t k = key + (static_cast<std::uint64_t>(y) * W + x) * 4;
        const float lum = on ? HashGauss(k) : 0.0f;
        for (int c = 0; c < 3; ++c) {
          double v = p[x][c];
          if (on) {
            const double sd = std::sqrt(shot * shot * std::max(0.0, v) + read * read);
            v += sd * (0.8 * lum + 0.6 * HashGauss(k + 1 + c)) +
                 chroma[c].at<float>(y, x) * std::max(0.02, v) * 4;
          }
          q[x][c] = enc[std::clamp(static_cast<int>(v * 4096), 0, 4096)];
        }
      }
    }
  });
  // Phone sharpening: an unsharp mask in the encoded image (halos around hairs and edges).
  if (on && rng.P(0.75)) {
    const double amount = rng.U(0.3, 1.2), sigma = rng.U(0.7, 1.8);
    cv::Mat blur;
    cv::GaussianBlur(out, blur, cv::Size(0, 0), sigma);
    cv::addWeighted(out, 1 + amount, blur, -amount, 0, out);
    s.Effect("sharpening");
  }
  return out;
}

}  // namespace scarmap::synth
