// Synthetic scalp photos with exact ground truth: the project's accuracy instrument.
//
// Renders a phone close-up of a shaved or buzzed scalp, in linear light, then through a phone
// camera pipeline. The detectors are tuned on these photos and checked on real ones, so the
// generator tries to be hard in the ways real photos are:
//
// * Skin of any ITA tone: low-frequency mottling and redness, fine micro-relief, pores.
// * Hair: follicular units of 1-4 hairs diverging from one opening (a slightly darker dot);
//   shafts 0.05-0.12 mm (coarse 0.12-0.2 mm stubble only sometimes) with per-hair opacity and
//   colour, salt-and-pepper greying, the pigmented shaft showing blue-grey under the skin,
//   lengths that vary over the image, curved (sometimes curly) longer strokes, a growth-direction
//   field with whorl-like regions.
// * FUE dots: irregular outlines (radius perturbed by low harmonics), per-dot contrast down to
//   Delta L* 2-4, smooth (pore-free) centres, some pink, some shiny, some sunken (a shading
//   crescent); sparse to dense, clusters merged into "moth-eaten" patches.
// * FUT bands: curved/wavy, varying width, ragged edges, contrast that varies along the band,
//   sometimes a sheen, sometimes trichophytic (hairs growing through), sometimes partly hidden
//   under long hair.
// * Distractors that are never scars: background wall or clothing, an ear, scalp hidden under
//   long unshaved hair (with a part line), moles, freckles, red papules, a skin fold, a cast
//   shadow edge, existing SMP pigment dots, dandruff, glare (on the scalp), a printed ArUco
//   marker card or a ruler; optionally a ColorChecker chart.
// * Camera: exposure (sometimes over or under), white-balance cast, vignetting, defocus, mild
//   motion blur, shot/read noise and blotchy chroma noise (stronger in dark photos), phone
//   sharpening halos, JPEG 60-95. Optionally an illuminant colour cast (linear-light gains) and
//   even lighting, for colour tests.
//
// Truth (REPORT_CONTRACT.md): a scar's edge is where its difference from the skin falls to half
// of its own contrast. Each scar's lightness is blended linearly in L* with a profile alpha, so
// that edge is exactly alpha = 0.5, and the label mask holds the pixels whose centre lies inside
// it. FUE area: the exact area inside the irregular outline (its share of the mask when merged
// in a cluster); FUT: centreline, length, mean width and area of the in-frame, visible part.
// follicle_count: one per hair exit in the frame inside the scalp region (label 0-2). Scalp
// hidden under long hair shows no skin, no scar and no exit that could be measured: it is label
// 3 (not scalp), like the background; a part line through it is visible scalp (label 0).
// Lighting, shading crescents, glare and the camera change pixel values but never the truth:
// it describes the scalp at the nominal scale (no perspective: px/mm is exact everywhere).
//
// Layer rule: uses core and io only, and shares no code with the detectors it tests (its own
// CIELAB conversion included). Deterministic per (options, seed) whatever the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "scarmap/core/truth.hpp"

namespace scarmap {

struct SynthOptions {
  double min_megapixels = 1.0;  ///< image size range (4:3 or 3:4)
  double max_megapixels = 12.0;
  int width = 0;  ///< fixed size when > 0 (overrides the megapixel range)
  int height = 0;
  double min_px_per_mm = 8.0;  ///< scale range
  double max_px_per_mm = 40.0;
  double fut_probability = 0.45;
  double fue_probability = 0.5;
  double marker_probability = 0.3;
  double background_probability = 0.35;
  double glare_probability = 0.3;
  double dandruff_probability = 0.3;
  double long_hair_probability = 0.15;  ///< unshaved hair covering one frame edge
  /// Probability of each of the spot and line distractors (moles, freckles, papules, a skin
  /// fold, a shadow edge, SMP pigment, a ruler), scaled per kind around this value.
  double distractor_probability = 0.25;
  int min_jpeg_quality = 60;
  int max_jpeg_quality = 95;
  bool camera_effects = true;  ///< exposure, cast, vignetting, blur, noise, sharpening
  /// Test aid: flat skin, no hair, distractors or lighting: the scars alone (camera effects as
  /// set by camera_effects).
  bool scars_only = false;
  /// >= 0: the marker card is tilted by exactly this many degrees (< 80) about its horizontal
  /// axis; < 0: a random tilt of 0-20 deg (the default).
  double marker_tilt_deg = -1.0;
  /// A 24-patch ColorChecker (Macbeth) chart in a corner of the frame away from the marker:
  /// X-Rite's published sRGB patch values, patches `colorchecker_patch_mm` wide with
  /// quarter-patch gaps on a black card (label 3; the hair exits it covers are not counted).
  /// Drawn from its own random stream on top of everything but the lighting and camera: the
  /// rest of the photo is the same with or without it.
  double colorchecker_probability = 0.0;
  double colorchecker_patch_mm = 9.0;
  /// Illuminant colour: linear-light gains (R, G, B) applied to the whole scene (skin, cards,
  /// chart) after lighting, before the camera. {1, 1, 1} (the default) is no cast.
  std::array<double, 3> color_cast{1.0, 1.0, 1.0};
  /// Even light: no directional gradient, curvature shading, cast shadow, exposure change,
  /// white-balance cast or vignetting (the random draws still happen, so the rest of the photo
  /// is unchanged; the noise level then follows the nominal exposure). For colour tests.
  bool uniform_lighting = false;
  /// Test aid: an extra optical (defocus) blur, the sigma in mm of a Gaussian applied in linear
  /// light together with the camera's own defocus (sigmas add in quadrature), before motion blur,
  /// noise, sharpening and JPEG. 0 (the default) leaves the photo as it is; the random draws are
  /// the same either way. SynthImage::defocus_sigma_px says what was applied in all.
  double extra_blur_mm = 0.0;
  void Check() const;  ///< throws scarmap::Error naming a bad field
};

struct SynthImage {
  cv::Mat bgr;     ///< CV_8UC3 upright photo (before JPEG)
  cv::Mat labels;  ///< CV_8U: 0 skin, 1 FUT, 2 FUE, 3 not-scalp / marker / under long hair
  Truth truth;
  /// The hair exits counted in truth.follicle_count (px frame), in drawing order.
  std::vector<cv::Point2d> hair_exits_px;
  /// The optical blur rendered: sigma (px of this photo) of the Gaussian defocus in linear light,
  /// the camera's (0 when it drew none) and SynthOptions::extra_blur_mm together; 0 = none.
  /// Motion blur comes on top: the length (px) of its line kernel, 0 = none (truth effect
  /// "motion_blur"). Neither counts the pixels' own footprint (hair edges are box-sampled).
  double defocus_sigma_px = 0.0;
  double motion_blur_px = 0.0;
};

/// Renders one photo. `seed` fixes everything about it.
SynthImage RenderScalp(const SynthOptions& options, std::uint64_t seed);

/// Writes `n` photos into `dir`: `<stem>.jpg`, `<stem>.truth.json`, `<stem>.truth.png`, and
/// `manifest.csv`. Image i uses seed `seed * 1000003 + i`. Throws scarmap::Error on I/O failure.
void WriteSynthSet(const SynthOptions& options, const std::filesystem::path& dir, int n,
                   std::uint64_t seed);

}  // namespace scarmap
