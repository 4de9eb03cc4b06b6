// Photo quality gate: is this photo good enough to measure scars and plan SMP from?
//
// Measured on the working image (preprocess/working_image.hpp), inside the scalp region (the
// whole frame when no scalp was found), every figure physical or a fraction:
//  - blur: the optical blur, as the sigma (mm) of a Gaussian point spread, from the cross-profiles
//    of the photo's finest isolated structures: hair shafts and shaved stubs (dark or light),
//    found by Steger's line detector ("An unbiased detector of curvilinear structures", PAMI
//    1998; light dots, FUE scars, are left out, and so is everything within 0.4 mm of a scar
//    found: the skin between dense dots makes dark lines) and ranked by curvature x contrast.
//    Each profile is normalised to its centre and kept when nothing beyond three half-widths
//    exceeds a third of it (no resolved neighbour); the narrower half of them (a unit's 2-4 hairs
//    merge under blur into wider lines) gives a median profile, in linear light (relative luminance
//    Y from L*: the optics blur light, L* is a cube root of it), fitted by a Gaussian sharpened by
//    an unknown unsharp mask (amount 0-1.5, sigma 0.7-1.8 px of the photo: a phone's sharpening
//    narrows the core and rings around it, which would read a blurred photo as sharp). What is not
//    optics is taken out in quadrature: the working and the photo's pixel footprints (boxes) and
//    the finest structure of a sharp scalp (blur_intrinsic_mm). The detection scale follows the
//    blur found (passes at 0.7 sigma, or coarser where a narrow core rides on a pedestal: the noise
//    added after the optics makes the finest structures of a blurred photo). Without lines the
//    derivative of the strongest step edges' profiles is fitted instead. In mm, so the same
//    whatever the px/mm; a ratio of profiles, so the same whatever the exposure, skin tone or hair
//    colour. Limits (figures in the README, "Photo quality"; bench/blur_calibration.sh measures
//    them): it reads the finest structure present, so where blur merges a unit's hairs or the
//    stubble is faint it reads wider ones and overstates the blur; where heavy blur fades the hair
//    into the noise it reads the noise and understates it;
//  - over-exposure: fraction of pixels with a channel clipped (>= 250 of 255);
//  - under-exposure: fraction of bare-skin pixels (hair excluded) crushed to near black (every
//    channel <= 24 of 255, about L* 7; the darkest skin under normal light is above L* 15);
//  - glare: fraction of bare-skin, non-scar pixels that are near-white (every channel >= 235):
//    specular reflections of the flash on an oily or sweaty scalp;
//  - hair cover: fraction of the scalp under hair, on a copy of L* at most 6 px/mm: pixels at
//    least 6 L* (and 12 %) below the morphological closing of L* with a 1.5 mm disc, an upper
//    envelope through the skin showing between hairs (a wide black-hat; bright scars, flakes or
//    glare do not respond to a closing). Hair too long to see the skin and the scars between it.
//    The follicle stage's hair mask is not used for this: it is sized and thresholded for stubble
//    and keeps only the darkest cores of hair lying in mats. Limit: where no skin shows at all the
//    envelope follows the hair and the fraction falls again;
//  - scalp in frame: scalp fraction of the frame and its area (cm^2, needs the scale);
//  - native scale (px/mm of the original photo, when known): FUE dots of 0.8 mm need at least
//    about 5 px across.
// Each check has a warning and a poor threshold; a poor one makes the photo untrustworthy
// (status poor_quality: the report is still filled, the SMP plan refers instead of planning).
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

/// Thresholds: a value beyond `*_warn` warns, beyond `*_poor` makes the photo poor. The blur
/// thresholds follow from the optics (a Gaussian point spread of sigma s, FWHM 2.355 s):
///  - warn at 0.13 mm: the FWHM reaches 0.3 mm, the widest stubble (0.1-0.3 mm), so every stubble
///    dot is smeared to the blur's size, and a 0.1 mm shaft keeps under a third of its contrast
///    (erf(0.05 / (sqrt(2) 0.13)) = 0.30): follicle counts and shade suffer;
///  - poor at 0.20 mm: the smallest FUE dot (0.6 mm) keeps only 2/3 of its contrast at its centre
///    (1 - exp(-0.3^2 / (2 0.2^2)) = 0.68: a Delta L* 3 dot falls to the FUE detector's 2 L*) and
///    its 10-90 % edge (0.42 mm) is wider than its radius: its half-maximum size follows the blur,
///    not the dot (+4 % at 0.20 mm, +18 % at 0.25, +34 % at 0.30).
/// The other thresholds were calibrated so that the ratchet photos, the 60 evaluation photos and
/// samples/ (usable photos) are not poor, and clearly bad photos are (README, "Photo quality", has
/// the worst usable values; the hair-cover margin is thin: the densest 3 mm generated stubble
/// reads 0.70).
struct QualityOptions {
  double blur_warn_mm = 0.13;      ///< optical sigma: stubble (0.1-0.3 mm) smears
  double blur_poor_mm = 0.20;      ///< FUE dots (0.6-1.5 mm) lose their edges
  double overexposed_warn = 0.10;  ///< clipped fraction of the scalp
  double overexposed_poor = 0.40;
  double underexposed_warn = 0.10;  ///< crushed fraction of bare skin
  double underexposed_poor = 0.30;
  double glare_warn = 0.05;  ///< near-white fraction of bare skin
  double glare_poor = 0.20;
  double hair_cover_warn = 0.60;  ///< hair fraction of the scalp (dense 3 mm stubble: 0.7)
  double hair_cover_poor = 0.70;
  double scalp_fraction_warn = 0.30;  ///< scalp fraction of the frame
  double scalp_fraction_poor = 0.15;
  double scalp_area_warn_cm2 = 4.0;  ///< visible scalp area
  double scalp_area_poor_cm2 = 2.0;
  double scale_warn_px_per_mm = 8.0;  ///< native scale: below, FUE dots are under 6.4 px
  double scale_poor_px_per_mm = 6.0;  ///< below, a 0.8 mm dot is under 5 px
  double hair_disc_mm = 1.5;          ///< hair: dark structures narrower than this disc
  double hair_min_dark_L = 6.0;       ///< hair: at least this (and 12 %) below the envelope
  /// blur: the finest structure of a sharp scalp photo, as a Gaussian sigma (mm): shafts of
  /// 0.05-0.12 mm over their soft follicular openings, pixels aside. Taken out of the line
  /// profiles in quadrature; set to the median that sharp generated photos read without it.
  double blur_intrinsic_mm = 0.07;
  void Check() const;  ///< throws scarmap::Error naming a bad field
};

/// One check that did not pass.
struct QualityIssue {
  std::string check;    ///< blur, overexposed, underexposed, glare, hair_cover, scalp_fraction,
                        ///< scalp_area, scale
  bool poor = false;    ///< beyond the poor threshold (else a warning)
  double value = 0.0;   ///< the measured value, in the check's unit
  double limit = 0.0;   ///< the threshold it crossed
  std::string message;  ///< for the report's warnings
};

/// What was measured (fractions are 0..1).
struct PhotoQuality {
  double blur_sigma_px = 0.0;           ///< optical blur sigma, working px (0: nothing to measure)
  std::optional<double> blur_sigma_mm;  ///< null without a scale
  double overexposed_fraction = 0.0;
  double underexposed_fraction = 0.0;
  double glare_fraction = 0.0;
  double hair_cover_fraction = 0.0;
  double scalp_fraction = 0.0;             ///< of the frame
  std::optional<double> scalp_area_cm2;    ///< null without a scale
  std::optional<double> native_px_per_mm;  ///< null without a scale
  std::vector<QualityIssue> issues;        ///< warnings and poor checks, in the order above
  bool poor() const;                       ///< any issue is poor
  std::string PoorSummary() const;         ///< "; "-joined messages of the poor issues
};

/// Assesses `image` (bgr, lightness, scalp_mask; an empty or all-zero mask means the whole frame, and
/// an empty one skips the scalp fraction and area checks). `hair_mask` (the follicle stage's,
/// excluded from bare skin) and `scar_mask` (CV_8U working size, 255 = hair / scar; kept out of
/// the glare and blur measures) may be empty.
/// `native_px_per_mm` <= 0 means unknown. Throws scarmap::Error when the image is empty or a
/// mask does not match it.
PhotoQuality AssessQuality(const QualityOptions& options, const WorkingImage& image,
                           const cv::Mat& hair_mask, const cv::Mat& scar_mask,
                           double native_px_per_mm);

}  // namespace scarmap
