// Synthetic scalp photos with exact ground truth: the project's accuracy instrument.
//
// Renders a close-up of a shaved or buzzed scalp in linear light: skin of any ITA tone with
// multi-octave mottling, redness and pores; follicular units of 1-3 hairs (stubble dots to
// strokes of a few mm) on a smooth growth-direction field; FUT bands (curved/wavy, varying width,
// soft raised-cosine edges, lighter or darker, hairs from the sides crossing them), FUE dots
// (round to oval, soft, hairless centre, some merged into clusters); distractors (background
// wall or clothing, specular glare, dandruff flakes, a printed ArUco marker card, optionally a
// ColorChecker chart); directional lighting and curvature shading, an optional illuminant colour
// cast, defocus, signal-dependent sensor noise, JPEG at quality 70-95.
// Truth edges are the half-maximum of each rendered profile (REPORT_CONTRACT.md).
//
// Layer rule: uses core and io only, and shares no code with the detectors it tests (its own
// CIELAB conversion included). Deterministic per (options, seed).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "scarmap/core/truth.hpp"

namespace scarmap {

struct SynthOptions {
  double min_megapixels = 1.0;   ///< image size range (4:3 or 3:4)
  double max_megapixels = 12.0;
  int width = 0;                 ///< fixed size when > 0 (overrides the megapixel range)
  int height = 0;
  double min_px_per_mm = 8.0;    ///< scale range
  double max_px_per_mm = 40.0;
  double fut_probability = 0.45;
  double fue_probability = 0.5;
  double marker_probability = 0.3;
  double background_probability = 0.35;
  double glare_probability = 0.3;
  double dandruff_probability = 0.4;
  int min_jpeg_quality = 70;
  int max_jpeg_quality = 95;
  /// >= 0: the marker card is tilted by exactly this many degrees (< 80) about its horizontal
  /// axis; < 0: a random tilt of 0-20 deg (the default).
  double marker_tilt_deg = -1.0;
  /// A 24-patch ColorChecker (Macbeth) chart in a corner of the frame: X-Rite's published sRGB
  /// patch values, patches `colorchecker_patch_mm` wide with quarter-patch gaps on a black card.
  /// Drawn from its own random stream: the rest of the photo is the same with or without it.
  double colorchecker_probability = 0.0;
  double colorchecker_patch_mm = 9.0;
  /// Illuminant colour: linear-light gains (R, G, B) applied to the whole scene (skin, marker,
  /// chart) after lighting. {1, 1, 1} (the default) is no cast.
  std::array<double, 3> color_cast{1.0, 1.0, 1.0};
  /// Even light: no directional gradient, curvature shading or exposure change (the random
  /// draws still happen, so the rest of the photo is unchanged). For colour tests.
  bool uniform_lighting = false;
  void Check() const;  ///< throws scarmap::Error naming a bad field
};

struct SynthImage {
  cv::Mat bgr;     ///< CV_8UC3 upright photo (before JPEG)
  cv::Mat labels;  ///< CV_8U: 0 skin, 1 FUT, 2 FUE, 3 not-scalp / marker
  Truth truth;
};

/// Renders one photo. `seed` fixes everything about it.
SynthImage RenderScalp(const SynthOptions& options, std::uint64_t seed);

/// Writes `n` photos into `dir`: `<stem>.jpg`, `<stem>.truth.json`, `<stem>.truth.png`, and
/// `manifest.csv`. Image i uses seed `seed * 1000003 + i`. Throws scarmap::Error on I/O failure.
void WriteSynthSet(const SynthOptions& options, const std::filesystem::path& dir, int n,
                   std::uint64_t seed);

}  // namespace scarmap
