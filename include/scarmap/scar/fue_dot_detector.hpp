// FUE (punch) dot scars: light, round-ish, hairless spots 0.5-1.6 mm among stubble.
//
// Method: hair is removed from the illumination-flattened L* (the hair mask filled from the skin
// around it; then hairs lighter than the skin (grey, white, blond over darker skin), which that
// mask cannot hold, found as thin light lines of a white top-hat (hair_line_*) and filled from
// their nearest pixels; then a grey closing of hair_closing_mm for stubble the mask missed, so a
// gap between dense hairs is skin, not a light spot, and an opening of hair_opening_mm:
// preprocess RemoveHair); the skin ring below leaves out both kinds of hair; bright blobs are found
// as scale-normalised Laplacian-of-Gaussian maxima (Lindeberg 1998) at scales matching the dot
// radii. Each candidate's skin level and texture are the median and MAD of a ring of 1.6-2.6
// radii (hair excluded; a ring cut by the photo's frame needs half of it inside, one cut by the
// scalp's edge nine tenths), its own level the median of its core (half a radius); it is
// segmented at half maximum (the edge where its difference from the skin falls to half of its
// own contrast, REPORT_CONTRACT.md) on a 4x bilinearly upsampled window (widened once when the
// region reaches its edge), which gives a sub-pixel area and equivalent diameter. A candidate is
// kept when its size, roundness and solidity fit an FUE scar and its mean contrast over the
// region stands noise_sigmas clear of both the ring's texture and the image's residual texture
// (and of min_contrast_L; a single dot down to min_faint_contrast_L when it is also paler than
// the skin: b* lower and the hue turned towards red, as melanin loss leaves it); specular glare
// (saturated), white hair (its core neutral grey: chroma under min_chroma_ratio of the skin's),
// dandruff (tiny, very high contrast, irregular) and regions in the exclude mask (FUT band) or
// at the frame edge are rejected. Merged dots
// ("moth-eaten") are split at distance-transform peaks with a waist between them (peaks along a
// ridge of even width, e.g. a streak of light hair, are one spot), each part judged as a dot of
// its own, and reported as a cluster.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct FueDotOptions {
  double min_diameter_mm = 0.5;
  double max_diameter_mm = 1.6;
  double min_contrast_L = 2.0;   ///< mean L* above the skin over the dot, at least
  /// A fainter dot, down to this mean L* above the skin, is kept when it is also paler than the
  /// skin: its core's median b* at least faint_b_drop_ratio x its L* contrast below the ring's,
  /// and its hue angle (a*, b* medians) no yellower than the ring's.
  double min_faint_contrast_L = 1.0;
  double faint_b_drop_ratio = 1.0;
  double noise_sigmas = 3.0;     ///< mean contrast / max(ring spread, image texture), at least
  double min_roundness = 0.45;   ///< minor / major axis of a single dot
  double min_solidity = 0.80;    ///< area / convex hull area of a single dot
  double max_hair_fraction = 0.3;  ///< hair pixels (lying across) allowed inside the dot
  double max_cluster_mm2 = 12.0; ///< a merged cluster larger than this is not FUE
  double min_confidence = 0.0;   ///< confidence 1 - exp(-(SNR - noise_sigmas) / 4), at least
  double hair_closing_mm = 0.35; ///< grey closing disc that removes missed hair (< the gaps)
  double hair_opening_mm = 0.35; ///< grey opening disc that removes white hair (< the dots)
  double min_chroma_ratio = 0.5; ///< core chroma / skin chroma, at least (white hair is grey)
  /// Hair lighter than the skin (grey, white), which the follicle mask misses: a white top-hat
  /// with this disc (wider than a hair, narrower than the smallest dot; 0 = off) ...
  double hair_line_disc_mm = 0.35;
  double hair_line_sigmas = 3.0;  ///< ... beyond this many robust sigmas of the skin texture ...
  double min_hair_line_mm = 0.8;  ///< ... in a line at least this long and 3 x its width
  void Check() const;            ///< throws scarmap::Error naming a bad field
};

struct FueDot {
  cv::Point2d center_px;    ///< working px, sub-pixel (centroid of the half-maximum region)
  double area_px = 0.0;     ///< working px^2 of the half-maximum region (sub-pixel)
  double peak_contrast_L = 0.0;  ///< core (centre median) L* above the local skin level
  double confidence = 0.0;  ///< 0..1
  int cluster = -1;         ///< index into FueDots::clusters, or -1
};

struct FueDotCluster {
  cv::Point2d center_px;
  double area_px = 0.0;
  std::vector<int> dots;  ///< indices into FueDots::dots
};

struct FueDots {
  std::vector<FueDot> dots;
  std::vector<FueDotCluster> clusters;
  cv::Mat labels;  ///< CV_32S working, 0 = none, i+1 = dots[i] (half-maximum region)
};

/// Detects FUE dots inside image.scalp_mask, avoiding `exclude` (CV_8U, 255 = e.g. FUT band;
/// may be empty). Uses image.lightness, image.ab and follicles.hair_mask.
FueDots DetectFueDots(const FueDotOptions& options, const WorkingImage& image,
                      const Follicles& follicles, const cv::Mat& exclude);

}  // namespace scarmap
