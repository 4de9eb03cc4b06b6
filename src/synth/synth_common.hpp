// Internals of the synthetic scalp generator (src/synth only; not installed).
//
// The generator's own random numbers, colour maths, smooth fields and a stroke rasteriser. It
// shares nothing with the detectors (layer rule): every colour formula here is written anew.
//
// Frames: "mm" coordinates have the pixel (x, y) centre at ((x + 0.5) / ppm, (y + 0.5) / ppm);
// "px" coordinates (truth, strokes) have the pixel centre at integer (x, y): px = mm * ppm - 0.5.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <opencv2/core.hpp>
#include <random>
#include <vector>

#include "scarmap/core/srgb.hpp"

namespace scarmap::synth {

constexpr double kPi = 3.14159265358979323846;

/// Sequential random stream (portable: no std distributions, whose output differs by library).
/// The order of the draws is part of the output, so never put two draws (or a call that draws:
/// Noise, Wave, ...) in one expression where C++ leaves their order unspecified (function or
/// constructor arguments, operands of + or *): gcc and clang order them differently. Draw into
/// named locals instead. Sites that draw y before x (or b* before L*) keep the order gcc-12 gave
/// them before this rule, so the sets generated (and the accuracy bounds measured on them) stay.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  double U(double a, double b) { return a + (b - a) * (g_() >> 11) * (1.0 / 9007199254740992.0); }
  double N() {  // Box-Muller
    const double u1 = std::max(1e-300, U(0, 1)), u2 = U(0, 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * kPi * u2);
  }
  bool P(double p) { return U(0, 1) < p; }
  int I(int a, int b) { return std::min(b, a + static_cast<int>(U(0, 1) * (b - a + 1))); }
  /// Log-uniform in [a, b] (a, b > 0).
  double LogU(double a, double b) { return std::exp(U(std::log(a), std::log(b))); }
  std::uint64_t Bits() { return g_(); }

 private:
  std::mt19937_64 g_;
};

/// SplitMix64 finaliser: a counter-based hash, so per-pixel noise needs no shared state and
/// parallel rendering stays deterministic.
inline std::uint64_t Mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/// About standard normal (Irwin-Hall sum of four 16-bit uniforms) from one hash of `key`.
inline float HashGauss(std::uint64_t key) {
  const std::uint64_t h = Mix64(key);
  const float s =
      static_cast<float>((h & 0xFFFF) + ((h >> 16) & 0xFFFF) + ((h >> 32) & 0xFFFF) + (h >> 48));
  return (s * (1.0f / 65535.0f) - 2.0f) * 1.7320508f;
}

// Colour maths (sRGB primaries, D65 white), linear BGR float images.
using scarmap::LinearToSrgb;  // core/srgb.hpp
using scarmap::SrgbToLinear;
cv::Vec3f LabToLinearBgr(double L, double a, double b);
double LToY(double L);  ///< CIE relative luminance of lightness L*
double YToL(double Y);
inline float Luma(const cv::Vec3f& p) { return 0.0722f * p[0] + 0.7152f * p[1] + 0.2126f * p[2]; }

/// Smooth random field (zero mean, unit-ish std) with features of `cell_px` (>= 1) pixels.
cv::Mat Noise(cv::Size size, double cell_px, Rng& rng);
/// The same with anisotropic cells (cell_x_px wide, cell_y_px tall).
cv::Mat Noise2(cv::Size size, double cell_x_px, double cell_y_px, Rng& rng);

/// A smooth random 1-D function (sum of sines, unit std) with wavelengths in [min_wl, max_wl].
struct Wave {
  double amp[4] = {0, 0, 0, 0}, k[4] = {0, 0, 0, 0}, ph[4] = {0, 0, 0, 0};
  Wave() = default;
  Wave(Rng& rng, double min_wl, double max_wl);
  double operator()(double u) const {
    return amp[0] * std::sin(k[0] * u + ph[0]) + amp[1] * std::sin(k[1] * u + ph[1]) +
           amp[2] * std::sin(k[2] * u + ph[2]) + amp[3] * std::sin(k[3] * u + ph[3]);
  }
};

/// Raised-cosine edge of half-width e: 1 inside (d <= -e), 0 outside (d >= e), 0.5 at d = 0.
inline float Edge(double d, double e) {
  if (d <= -e) return 1.0f;
  if (d >= e) return 0.0f;
  return static_cast<float>(0.5 + 0.5 * std::cos(kPi * (d + e) / (2 * e)));
}

/// Runs fn(y0, y1) over horizontal strips of [0, rows) in parallel. fn must write only its rows
/// and use no shared random stream, so the result does not depend on the thread count.
void ParallelRows(int rows, const std::function<void(int, int)>& fn);

/// A thick polyline drawn with exact 1-D box-filter coverage (hair shafts, strands, spots).
struct Stroke {
  enum class Mode : std::uint8_t { kOver, kMultiply, kAdd };
  std::vector<cv::Point2f> pts;  ///< px frame; one point = a disc
  std::vector<float> radius;     ///< half-width in px at each point (linear in between)
  cv::Vec3f color;               ///< kOver: linear BGR; kMultiply: factor per channel; kAdd: added
  float opacity = 1.0f;
  Mode mode = Mode::kOver;
  bool soft = false;  ///< Gaussian cross-section (subsurface, pigment) instead of a box
  float fade = 0.0f;  ///< opacity falls linearly by this fraction from first to last point
  float core = 0.0f;  ///< opacity falls by this fraction from the axis to the rim (a shaft)
};

/// Composites `strokes` in order onto `lin` (CV_32FC3); overlapping segments of one stroke do
/// not double. Pixels where `skip` (CV_8U, optional) is non-zero are left alone. Parallel by
/// strips, deterministic.
void DrawStrokes(cv::Mat& lin, const std::vector<Stroke>& strokes, const cv::Mat& skip = cv::Mat());

}  // namespace scarmap::synth
