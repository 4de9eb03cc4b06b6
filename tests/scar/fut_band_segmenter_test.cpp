#include "scarmap/scar/fut_band_segmenter.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/synth/scalp_synth.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

constexpr double kPpm = 12.0;

// Skin with stubble and, optionally, a light (dl > 0) or dark band of known FWHM (raised-cosine
// edges) along y = 300 + bow ((x - 480) / 480)^2 from x0 to x1 (px). Hairs are rooted outside the
// band, some crossing it.
struct SceneSpec {
  double width_mm = 3.0;
  double dl = 10.0;  ///< band - skin, in 8-bit BGR units / 2.3
  bool band = true;
  int x0 = 0, x1 = 960;
  bool dots_row = false;
  double bow_px = 40.0;
  cv::Scalar skin{140, 160, 200};  ///< BGR
  double noise = 2.0;              ///< sd of the pixel noise, 8-bit units
  double mottle = 0.0;             ///< sd of skin texture 2-3 px across, 8-bit units
  /// A round glare highlight (Gaussian, sd glare_sd_mm, peak glare_peak in 8-bit units) on the
  /// band at x = glare_x.
  double glare_peak = 0.0, glare_sd_mm = 5.0;
  /// A broad light sheen along the band (a shiny scar): Gaussian across it, 8-bit units.
  double sheen = 0.0, sheen_sd_mm = 2.0;
  int glare_x = 300;
  /// A wavy band: its centre swings +-wave_px about the curve, with a wavelength of wave_len px.
  double wave_px = 0.0, wave_len = 240.0;
  /// Long hairs (8-bit BGR 40, 40, 50; 2 px thick, crossing_len px long) lying across the band,
  /// one every crossing_every px along it (0 = none).
  int crossing_every = 0;
  double crossing_len = 60.0;
  /// An elongated glare highlight (Gaussian, half-maximum width streak_width_mm across and
  /// streak_length_mm along x, peak streak_peak in 8-bit units) centred at (480, 300).
  double streak_peak = 0.0, streak_width_mm = 8.0, streak_length_mm = 34.0;
  /// A dark mass (long hair seen from afar: 8-bit 45, 45, 55) below y = dark_below_y (600 = none).
  int dark_below_y = 600;
};

double CentreY(const SceneSpec& s, double x) {
  return 300.0 + s.bow_px * std::pow((x - 480.0) / 480.0, 2) +
         s.wave_px * std::sin(2 * CV_PI * x / s.wave_len);
}

WorkingImage Scene(const SceneSpec& s) {
  const cv::Size size(960, 600);
  cv::Mat f(size, CV_32FC3, s.skin);
  const double half = s.width_mm / 2 * kPpm, e = 0.2 * kPpm;
  if (s.band) {
    for (int y = 0; y < size.height; ++y)
      for (int x = s.x0; x < s.x1; ++x) {
        const double d = std::abs(y - CentreY(s, x)) - half;
        const double p = d <= -e ? 1.0 : d >= e ? 0.0 : 0.5 + 0.5 * std::cos(CV_PI * (d + e) / (2 * e));
        const double sd = s.sheen_sd_mm * kPpm, dy = y - CentreY(s, x);
        const double sheen = s.sheen * std::exp(-0.5 * dy * dy / (sd * sd));
        f.at<cv::Vec3f>(y, x) += cv::Vec3f::all(static_cast<float>(p * s.dl * 2.3 + sheen));
      }
  }
  if (s.dots_row)
    for (int x = 60; x < 900; x += 25) cv::circle(f, {x, 300}, 6, cv::Scalar::all(s.dl * 2.3 + 160), cv::FILLED);
  if (s.glare_peak > 0) {
    const double gy = CentreY(s, s.glare_x), sd = s.glare_sd_mm * kPpm;
    for (int y = 0; y < size.height; ++y)
      for (int x = 0; x < size.width; ++x) {
        const double r2 = (x - s.glare_x) * (x - s.glare_x) + (y - gy) * (y - gy);
        f.at<cv::Vec3f>(y, x) += cv::Vec3f::all(static_cast<float>(s.glare_peak * std::exp(-0.5 * r2 / (sd * sd))));
      }
  }
  if (s.streak_peak > 0) {
    const double sx = s.streak_length_mm * kPpm / 2.355, sy = s.streak_width_mm * kPpm / 2.355;
    for (int y = 0; y < size.height; ++y)
      for (int x = 0; x < size.width; ++x) {
        const double q = std::pow((x - 480.0) / sx, 2) + std::pow((y - 300.0) / sy, 2);
        f.at<cv::Vec3f>(y, x) +=
            cv::Vec3f::all(static_cast<float>(s.streak_peak * std::exp(-0.5 * q)));
      }
  }
  cv::RNG rng(9);
  if (s.mottle > 0) {
    cv::Mat m(size, CV_32F);
    rng.fill(m, cv::RNG::NORMAL, 0, 1);
    cv::GaussianBlur(m, m, cv::Size(0, 0), 1.5);
    cv::Scalar mean, sd;
    cv::meanStdDev(m, mean, sd);
    m *= s.mottle / sd[0];
    cv::Mat m3;
    cv::merge(std::vector<cv::Mat>{m, m, m}, m3);
    f += m3;
  }
  cv::Mat img;
  f.convertTo(img, CV_8UC3);
  for (int i = 0; i < 4000; ++i) {
    // Drawn in named steps: the order of a call's arguments differs between compilers (gcc's
    // order kept: y first), and the scene must be the same under gcc and clang.
    const double py = rng.uniform(0.0, 600.0);
    const double px = rng.uniform(0.0, 960.0);
    const cv::Point2d p(px, py);
    if (s.band && p.x >= s.x0 && p.x < s.x1 && std::abs(p.y - CentreY(s, p.x)) < half + 2) continue;
    const double a = rng.uniform(-0.5, 0.5) + CV_PI / 2;
    cv::line(img, p, p + 14.0 * cv::Point2d(std::cos(a), std::sin(a)), cv::Scalar(40, 40, 50), 2, cv::LINE_AA);
  }
  if (s.band && s.crossing_every > 0)
    for (int x = s.x0 + s.crossing_every / 2; x < s.x1; x += s.crossing_every) {
      const double a = CV_PI / 2 + (x % 2 ? 0.3 : -0.3);  // across the band, a little oblique
      const cv::Point2d c(x, CentreY(s, x)), d(std::cos(a), std::sin(a));
      cv::line(img, c - 0.5 * s.crossing_len * d, c + 0.5 * s.crossing_len * d,
               cv::Scalar(40, 40, 50), 2, cv::LINE_AA);
    }
  if (s.dark_below_y < size.height)
    img.rowRange(s.dark_below_y, size.height).setTo(cv::Scalar(45, 45, 55));
  cv::Mat noise(size, CV_8UC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, s.noise);
  img += noise;
  return testing::MakeWorking(img, kPpm);
}

WorkingImage Scene(double width_mm, double dl, bool band, int x0 = 0, int x1 = 960,
                   bool dots_row = false) {
  SceneSpec s;
  s.width_mm = width_mm, s.dl = dl, s.band = band, s.x0 = x0, s.x1 = x1, s.dots_row = dots_row;
  return Scene(s);
}

// Arc length of the scene's centreline from x0 to x1, px.
double TrueLength(const SceneSpec& s) {
  double len = 0;
  for (int x = s.x0; x < s.x1; ++x)
    len += std::hypot(1.0, CentreY(s, x + 1.0) - CentreY(s, x));
  return len;
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

TEST(SegmentFutBands, MeasuresLengthAndHalfMaximumWidth) {
  for (double width_mm : {1.0, 3.0, 6.0}) {
    const WorkingImage w = Scene(width_mm, 10.0, true, 120, 840);
    const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
    ASSERT_EQ(b.bands.size(), 1u) << width_mm;
    // True length of y = 300 + 40 ((x-480)/480)^2 from x = 120 to 840.
    double len = 0;
    for (int x = 120; x < 840; ++x)
      len += std::hypot(1.0, 80.0 * (x + 0.5 - 480.0) / (480.0 * 480.0));
    EXPECT_NEAR(b.bands[0].length_px, len, 0.04 * len) << width_mm;
    EXPECT_NEAR(Mean(b.bands[0].width_profile_px) / kPpm, width_mm, 0.1 * width_mm + 0.05) << width_mm;
    EXPECT_FALSE(b.bands[0].touches_border);
  }
}

TEST(SegmentFutBands, BandRunningOutOfFrameTouchesTheBorder) {
  const WorkingImage w = Scene(3.0, 10.0, true);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_TRUE(b.bands[0].touches_border);
}

TEST(SegmentFutBands, HairySkinAndARowOfDotsAreNotBands) {
  const WorkingImage plain = Scene(3.0, 10.0, false);
  EXPECT_TRUE(SegmentFutBands({}, plain, DetectFollicles({}, plain)).bands.empty());
  const WorkingImage dots = Scene(3.0, 10.0, false, 0, 960, true);
  EXPECT_TRUE(SegmentFutBands({}, dots, DetectFollicles({}, dots)).bands.empty());
}

// A faint band is a strip scar only when it runs long; a short one needs a clear contrast.
TEST(SegmentFutBands, ShortFaintStreaksAreNotBandsLongOrClearOnesAre) {
  const WorkingImage short_faint = Scene(2.0, 3.0, true, 330, 630);  // 25 mm at 3 L*
  EXPECT_TRUE(SegmentFutBands({}, short_faint, DetectFollicles({}, short_faint)).bands.empty());
  FutOptions no_rule;
  no_rule.min_contrast_length = 0.0;
  EXPECT_EQ(SegmentFutBands(no_rule, short_faint, DetectFollicles({}, short_faint)).bands.size(), 1u)
      << "the streak must otherwise pass as a band, or this test shows nothing";
  const WorkingImage long_faint = Scene(2.0, 3.0, true, 60, 900);  // 70 mm at 3 L*
  EXPECT_EQ(SegmentFutBands({}, long_faint, DetectFollicles({}, long_faint)).bands.size(), 1u);
  const WorkingImage short_clear = Scene(2.0, 10.0, true, 330, 630);  // 25 mm at 10 L*
  EXPECT_EQ(SegmentFutBands({}, short_clear, DetectFollicles({}, short_clear)).bands.size(), 1u);
  const WorkingImage faintest = Scene(2.0, 2.0, true);  // +2 L* across the 80 mm frame
  EXPECT_EQ(SegmentFutBands({}, faintest, DetectFollicles({}, faintest)).bands.size(), 1u);
}

TEST(SegmentFutBands, LabelsCoverTheBand) {
  const WorkingImage w = Scene(4.0, 10.0, true, 120, 840);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_EQ(b.labels.at<int>(300 + 10, 480), 1);  // centre of the band (y = 300 at x = 480)
  EXPECT_EQ(b.labels.at<int>(100, 480), 0);
  EXPECT_NEAR(b.bands[0].area_px, 4.0 * kPpm * b.bands[0].length_px, 0.15 * 4.0 * kPpm * b.bands[0].length_px);
}

// A wide band of which only a stub is in view (3.9 x its width) is still a strip.
TEST(SegmentFutBands, FindsAShortWideStub) {
  SceneSpec s;
  s.width_mm = 4.4, s.x0 = 378, s.x1 = 582;  // 17 mm long
  const WorkingImage w = Scene(s);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_NEAR(b.bands[0].length_px, TrueLength(s), 0.1 * TrueLength(s));
  EXPECT_NEAR(Mean(b.bands[0].width_profile_px) / kPpm, s.width_mm, 0.1 * s.width_mm);
  FutOptions strict;
  strict.min_length_widths = 5.0;
  EXPECT_TRUE(SegmentFutBands(strict, w, DetectFollicles({}, w)).bands.empty())
      << "the stub must be shorter than 5 widths, or this test shows nothing";
}

// A shiny hairline on a tight arc: the sheen around it makes the ridge's best scale coarse, and a
// coarse ridge runs off the centre of a curved line; the line itself is followed and measured.
TEST(SegmentFutBands, FollowsAThinShinyTightlyCurvedBand) {
  SceneSpec s;
  s.width_mm = 0.6, s.bow_px = 480.0, s.x0 = 240, s.x1 = 720, s.sheen = 6.0;
  const WorkingImage w = Scene(s);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_NEAR(b.bands[0].length_px, TrueLength(s), 0.1 * TrueLength(s));
  // The line's half maximum, not the sheen's (4.7 mm across); the sheen under it widens it.
  EXPECT_LT(Mean(b.bands[0].width_profile_px) / kPpm, 1.5 * s.width_mm);
}

// On dark skin a scar may be darker than the skin: a faint dark band is found, bare skin is clean.
TEST(SegmentFutBands, FindsAFaintDarkBandOnDarkSkin) {
  SceneSpec s;
  s.skin = cv::Scalar(60, 80, 110), s.dl = -4.0, s.width_mm = 1.5, s.mottle = 2.0;
  const WorkingImage w = Scene(s);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_LT(b.bands[0].contrast_L, 0.0);
  EXPECT_NEAR(b.bands[0].length_px, TrueLength(s), 0.1 * TrueLength(s));
  SceneSpec plain = s;
  plain.band = false;
  const WorkingImage p = Scene(plain);
  EXPECT_TRUE(SegmentFutBands({}, p, DetectFollicles({}, p)).bands.empty());
}

// A glare highlight over part of a band: the band is still found through it.
TEST(SegmentFutBands, FindsABandPartlyUnderGlare) {
  SceneSpec s;
  s.glare_peak = 70.0, s.glare_x = 360;
  const WorkingImage w = Scene(s);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_GE(b.bands.size(), 1u);
  double len = 0;
  for (const FutBand& band : b.bands) len += band.length_px;
  EXPECT_GT(len, 0.7 * TrueLength(s));
}

SynthImage GeneratedPhoto(std::uint64_t set_seed, int index) {
  SynthOptions so;  // as the accuracy ratchet's and its validation sets' (scarmap synth)
  so.min_megapixels = 0.8, so.max_megapixels = 2.0, so.min_px_per_mm = 8.0, so.max_px_per_mm = 30.0;
  return RenderScalp(so, set_seed * 1000003ull + index);
}

int FutCount(const SynthImage& photo, double max_broken_fraction) {
  PipelineOptions o;
  o.px_per_mm = photo.truth.px_per_mm;
  o.fut.max_broken_fraction = max_broken_fraction;
  return AnalyzeImage(o, photo.bgr, "photo.png").report.summary.fut_count;
}

// Generated photos, through the whole pipeline, in which the ridge detector chains a line of
// separate light structures: FUE dots in a dense field (a FUT-free photo: photo 30 of the
// accuracy ratchet's set), light hairs over brown skin beside a true band (photo 21 of seed 4242).
TEST(SegmentFutBands, AChainThroughFueDotsOrLightHairsIsNotABand) {
  const SynthImage dots = GeneratedPhoto(20261124, 30);
  ASSERT_TRUE(dots.truth.fut.empty());
  ASSERT_GT(dots.truth.fue.size(), 100u);
  EXPECT_EQ(FutCount(dots, FutOptions{}.max_broken_fraction), 0);
  EXPECT_GT(FutCount(dots, 1.0), 0)
      << "the chain must otherwise pass as a band, or this test shows nothing";
  const SynthImage hairs = GeneratedPhoto(4242, 21);
  ASSERT_EQ(hairs.truth.fut.size(), 1u);
  EXPECT_EQ(FutCount(hairs, FutOptions{}.max_broken_fraction), 1);
  EXPECT_GT(FutCount(hairs, 1.0), 1)
      << "the chains must otherwise pass as bands, or this test shows nothing";
}

// A wavy band (its centre swinging +-1.5 mm over 20 mm) is continuous along its centreline.
TEST(SegmentFutBands, FindsAWavyBand) {
  SceneSpec s;
  s.width_mm = 1.5, s.dl = 6.0, s.x0 = 120, s.x1 = 840;
  s.bow_px = 0.0, s.wave_px = 18.0, s.wave_len = 240.0;
  const WorkingImage w = Scene(s);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_NEAR(b.bands[0].length_px, TrueLength(s), 0.1 * TrueLength(s));
}

// The scene's band is found as one band, its length within 5 % of the truth.
void ExpectOneBandEndToEnd(const SceneSpec& s) {
  const WorkingImage w = Scene(s);
  const FutBands b = SegmentFutBands({}, w, DetectFollicles({}, w));
  ASSERT_EQ(b.bands.size(), 1u);
  EXPECT_NEAR(b.bands[0].length_px, TrueLength(s), 0.05 * TrueLength(s));
}

// A thin band whose centre waves +-1 mm over 20 mm: the ridge breaks up on the bends, and the
// band is traced on along them to its ends.
TEST(SegmentFutBands, TracesAThinWavyBandToItsEnds) {
  SceneSpec s;
  s.width_mm = 0.8, s.dl = 6.0, s.x0 = 120, s.x1 = 840;
  s.bow_px = 0.0, s.wave_px = 12.0, s.wave_len = 240.0;
  ExpectOneBandEndToEnd(s);
}

// Long hairs lying across a band and a glare highlight on it that washes it out over about 10 mm:
// the band is traced across them (the glare as missing data), end to end.
TEST(SegmentFutBands, TracesABandAcrossHairsAndGlareToItsEnds) {
  SceneSpec s;
  s.width_mm = 2.0, s.dl = 8.0, s.x0 = 120, s.x1 = 840;
  s.crossing_every = 80, s.glare_peak = 100.0, s.glare_sd_mm = 3.0, s.glare_x = 620;
  ExpectOneBandEndToEnd(s);
}

// A streak of glare on hairy skin (8 mm across at half maximum, 34 mm along, bell-shaped both
// ways) is no band.
TEST(SegmentFutBands, AShortSoftGlareStreakIsNotABand) {
  SceneSpec s;
  s.band = false, s.streak_peak = 30.0, s.streak_length_mm = 34.0;
  const WorkingImage w = Scene(s);
  const Follicles f = DetectFollicles({}, w);
  EXPECT_TRUE(SegmentFutBands({}, w, f).bands.empty());
  FutOptions no_rule;
  no_rule.min_soft_length_widths = 0.0;
  EXPECT_EQ(SegmentFutBands(no_rule, w, f).bands.size(), 1u)
      << "the streak must otherwise pass as a band, or this test shows nothing";
}

// A band 12 mm above a dark mass (long hair): the flattening's background estimate, dragged down
// by the mass, lifts the flattened skin between them several L* above the skin on the band's other
// side, which the step (shadow edge) test read on flattened L* alone takes for a step; L* itself,
// hair left out, shows none.
TEST(SegmentFutBands, FindsABandAboveADarkMass) {
  SceneSpec s;
  s.width_mm = 3.0, s.dl = 6.0, s.x0 = 120, s.x1 = 840, s.bow_px = 0.0;
  s.dark_below_y = 300 + 18 + 140;
  ExpectOneBandEndToEnd(s);
}

}  // namespace
}  // namespace scarmap
