// Linear FUT (strip) scars: long, gently curved, hairless, usually lighter bands.
//
// Method: on illumination-flattened L* (a 25 mm background scale, wider than any band), hair is
// removed (detected hair filled from the skin around it, then a grey closing with a 0.5 mm disc
// for what the hair mask missed). At a coarser detection scale (about detect_px_per_mm), a
// multi-scale Hessian ridge measure (Frangi et al. 1998, "Multiscale vessel enhancement
// filtering"; scale-normalised after Lindeberg 1998; large scales on a decimated pyramid) at
// half-widths of min/2 .. max/2 finds bright (and, optionally, dark) line centres (local maxima
// across the ridge where the first derivative across it is small, after Steger 1998,
// "An unbiased detector of curvilinear structures"). Centre pixels above an absolute L*
// threshold (hysteresis) are ordered into chains (longest path of each connected set); chains
// whose ends face each other across a gap of up to max_gap_mm (a crossing hair, a dot, a patch
// of lower contrast) are joined. Along each chain, smoothed and resampled, a profile
// perpendicular to it is read every half profile step at working resolution and the edges
// placed where the difference from the surrounding skin falls to half of the band's own
// contrast at that station (half maximum, linear sub-pixel interpolation); the band is followed
// past the chain's ends while its contrast holds and ends where it falls to half. The edges give
// the width profile, the contour and the mask; the centreline is the smoothed midpoints.
// Rejected: bands whose contrast is not consistent along their length (a row of FUE dots), bands
// broken along their centreline (more than max_broken_fraction of it reads below half of the
// band's contrast: a chain through a row of FUE dots or of light hairs), a
// step between the two sides (a shadow edge), a contrast within the skin's own texture beside it
// (aligned gaps in dense stubble), a width that swells and pinches (a row of dots), a flank off
// the scalp along most of the band (the border with the background), hair pieces inside at more
// than max_hair_fraction of the density beside it (a lighter patch of skin, a part line), too
// short, too faint for its length (min_contrast_length: short faint streaks are aligned gaps or
// rows of touching dots), too curved; a chain so rejected is tried again as its stretches
// between gaps of 2 mm or more where the band could not be followed (glare, a crossing
// structure joined onto it); a band found twice (bright and dark pass, or along both edges of a
// wide band) is kept once.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "scarmap/follicle/follicle_detector.hpp"
#include "scarmap/preprocess/working_image.hpp"

namespace scarmap {

struct FutOptions {
  double min_width_mm = 0.5;
  double max_width_mm = 10.0;
  double min_length_mm = 10.0;
  /// Length / median width, at least: a strip, not a patch. 3 lets through a wide band's stub
  /// (a 4.4 mm band of which 17 mm are in frame); patches and blobs are shorter.
  double min_length_widths = 3.0;
  /// A band whose edges are soft (median rise from 1/4 to 3/4 of its contrast above
  /// soft_edge_rise x its width: a bell-shaped profile, like glare) must be at least
  /// min_soft_length_widths long: a glare streak is a soft patch a few widths long.
  double soft_edge_rise = 0.25;
  double min_soft_length_widths = 5.0;
  double profile_step_mm = 1.0;   ///< width profile sample spacing along the centreline
  double min_contrast_L = 1.5;    ///< band vs skin, L* units (median over stations)
  /// |contrast| x length, L* x mm, at least: a 2 L* band must run 60 mm, a 6 L* band 20 mm.
  double min_contrast_length = 120.0;
  double max_hair_fraction = 0.9; ///< density of hair pieces inside the band / beside it, at most
  double min_texture_ratio = 3.0; ///< contrast / robust spread of the skin beside the band
  double max_width_roughness = 0.1; ///< median width change between stations, x width + 0.1 mm
  /// Share of the centreline's length along which the band reads below half of its contrast, at
  /// most (1 = off): a strip scar is continuous (bands measured: at most 0.17), a chain through a
  /// row of FUE dots or light hairs is broken between them (at least 0.46).
  double max_broken_fraction = 0.3;
  double max_gap_mm = 4.0;        ///< ridge pieces in line across a gap this short are one band
  /// A band is traced on from each end of its ridge for up to this far (its contrast decides
  /// where it ends), stepping over stretches of up to max_gap_mm where it cannot be measured.
  double max_trace_mm = 40.0;
  double min_trace_radius_mm = 5.0;  ///< the trace turns no tighter than this (a +-1.5 mm wave)
  double max_trace_turn_deg = 45.0;  ///< nor further than this from the ridge's chord
  /// Glare on the band (its centre lighter than the skin beside the band by more than
  /// min_glare_L, and by more than twice the band's contrast) is missing data: the trace steps
  /// over up to max_glare_gap_mm of it.
  double min_glare_L = 10.0;
  double max_glare_gap_mm = 20.0;
  double detect_px_per_mm = 6.0;  ///< detection resolution (measurement is at working scale)
  bool detect_dark = true;        ///< also look for bands darker than the skin (dark skin)
  void Check() const;             ///< throws scarmap::Error naming a bad field
};

struct FutBand {
  std::vector<cv::Point2d> centerline_px;  ///< working px, ordered, smooth
  std::vector<cv::Point2d> contour_px;     ///< working px, half-maximum boundary
  std::vector<double> width_profile_px;    ///< every profile_step_mm along the centreline
  double length_px = 0.0;
  double area_px = 0.0;
  double contrast_L = 0.0;                 ///< median band - skin L* over stations
  double confidence = 0.0;
  bool touches_border = false;
};

struct FutBands {
  std::vector<FutBand> bands;
  cv::Mat labels;  ///< CV_32S working, 0 = none, i+1 = bands[i]
};

/// Segments FUT bands inside image.scalp_mask (uses image.lightness and follicles.hair_mask).
FutBands SegmentFutBands(const FutOptions& options, const WorkingImage& image,
                         const Follicles& follicles);

}  // namespace scarmap
