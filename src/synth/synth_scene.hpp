// The scene being rendered by RenderScalp, shared by its stages (src/synth only).
//
// Stages run in this order, each drawing from the scene's one random stream (so a seed fixes
// everything): skin, not-scalp regions, FUT bands, follicular units, FUE dots, scar appearance,
// skin distractors, hair, long hair, things lying on top (dandruff, cards), lighting, camera.
// The optional ColorChecker chart (after the things on top) has a random stream of its own.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "scarmap/synth/scalp_synth.hpp"
#include "synth_common.hpp"

namespace scarmap::synth {

/// One FUT band in its own frame: u along the nominal axis (mm), v across it.
struct Band {
  double cx = 0, cy = 0, th = 0;                 // centre (mm) and axis angle
  double k = 0, amp = 0, lambda = 1, phase = 0;  // sag and waviness of the centre curve
  double w0 = 1, wamp = 0, wl = 1, wph = 0;      // width and its slow variation
  double e = 0.1;                                // edge half-width (mm)
  double u0 = 0, u1 = 0;                         // extent along u
  bool full = true;                              // runs out of frame at both ends
  double dl = 10, dl_var = 0;                    // contrast (L*) and its relative variation along u
  double rag = 0;  // ragged-edge amplitude (relative to the half width)
  double pink = 0, smooth = 0.7, sheen = 0;
  double trich = 0;  // share of follicular units kept inside (trichophytic)
  Wave wrag, wdl, wsheen;
  double Vc(double u) const { return k * u * u + amp * std::sin(2 * kPi * u / lambda + phase); }
  double Slope(double u) const {
    return 2 * k * u + amp * 2 * kPi / lambda * std::cos(2 * kPi * u / lambda + phase);
  }
  double Width(double u) const;  // nominal half-maximum width at u (0 beyond the ends)
  double HalfSide(double u, bool plus) const;  // half width on one side, ragged edges included
  double Dl(double u) const { return dl * (1 + dl_var * std::clamp(wdl(u), -1.5, 1.5)); }
};

/// One FUE dot: an ellipse whose normalised radius is perturbed by harmonics 2..5.
struct Dot {
  cv::Point2d c;  // mm
  double a = 0.5, b = 0.5, phi = 0, e = 0.1;
  double harm[4] = {0, 0, 0, 0}, hph[4] = {0, 0, 0, 0};
  double dl = 8, smooth = 0.8, pink = 0, shine = 0, dent = 0;
  int cluster = -1;
  double Radius(double theta) const {  // normalised radius of the half-maximum outline
    double r = 1;
    for (int k = 0; k < 4; ++k) r += harm[k] * std::cos((k + 2) * theta + hph[k]);
    return r;
  }
  double Area() const;  // mm^2 inside the outline (exact polar integral)
  double Reach() const { return std::max(a, b) * 1.25 + e; }  // mm beyond which alpha = 0
};

struct Scene;

/// Long unshaved hair covering one frame edge, optionally with a part line through it.
struct LongHair {
  bool present = false;
  int side = 0;      // 0 top, 1 bottom, 2 left, 3 right
  double depth = 0;  // mm from that edge
  Wave edge;         // boundary waviness (mm)
  double comb = 0;   // lie direction relative to "away from the edge" (radians)
  bool part = false;
  double part_u = 0, part_slope = 0, part_half = 0;  // along-edge position, tilt, half width (mm)
  Wave part_rag;
  // Edge frame: u along the edge, v into the frame from it (mm).
  cv::Point2d Uv(const Scene& s, cv::Point2d mm) const;
  cv::Point2d FromUv(const Scene& s, cv::Point2d uv) const;
  double Inside(const Scene& s, cv::Point2d mm) const;  // mm inside the hair mass (< 0 outside)
  bool Covers(const Scene& s, cv::Point2d mm) const { return present && Inside(s, mm) > 0; }
  bool InPart(const Scene& s, cv::Point2d mm) const;
  double Lie(cv::Point2d uv) const;  // direction the hair lies in, (u, v) frame
};

struct Unit {
  cv::Point2d p;  // mm
  bool removed = false;
};

struct Scene {
  Scene(const SynthOptions& options, std::uint64_t seed, Truth& truth);

  const SynthOptions& o;
  Rng rng;
  std::uint64_t seed;
  Truth& t;
  int W = 0, H = 0;
  double ppm = 10, Wmm = 0, Hmm = 0;
  double L_skin = 60, a_skin = 10, b_skin = 15;
  cv::Vec3f skin;          // linear BGR of the bare skin
  double light_angle = 0;  // where the main light comes from (image plane, radians)
  cv::Mat lin;             // CV_32FC3 linear BGR scene
  cv::Mat labels;          // CV_8U truth labels
  cv::Mat tex;         // CV_32F fine multiplicative skin texture (pores, relief); scars smooth it
  cv::Mat long_hair;   // CV_8U 255 = scalp under long hair (empty when none)
  cv::Mat band_alpha;  // CV_32F FUT profile (max over bands)
  cv::Mat band_id;     // CV_8U which band gives band_alpha
  std::vector<Band> bands;
  std::vector<Dot> dots;
  cv::Mat dot_alpha, dot_id;  // CV_32F profile, CV_32S owner (-1 none); empty without dots
  std::vector<Unit> units;
  std::vector<cv::Point2d> exits_px;  // counted hair exits
  LongHair long_hair_geo;
  cv::Mat card,
      card_mask;       // warped marker card / ruler (CV_32F linear grey, CV_8U); empty when none
  cv::Vec3f hair_col;  // linear BGR of the pigmented hairs (set by RenderHair)
  // ColorChecker chart footprint (CV_8U 255; empty when none). Kept out of `labels` until
  // LabelColorChecker, so the stages in between draw the same numbers with or without it.
  cv::Mat chart_mask;
  double defocus_px = 0, motion_px = 0;  // optical blur applied by RenderCamera (SynthImage)

  cv::Point Px(cv::Point2d mm) const {
    return {std::clamp(static_cast<int>(mm.x * ppm), 0, W - 1),
            std::clamp(static_cast<int>(mm.y * ppm), 0, H - 1)};
  }
  cv::Point2f ToPx(cv::Point2d mm) const {
    return {static_cast<float>(mm.x * ppm - 0.5), static_cast<float>(mm.y * ppm - 0.5)};
  }
  uchar Label(cv::Point2d mm) const { return labels.at<uchar>(Px(mm)); }
  float BandAlpha(cv::Point2d mm) const {
    return band_alpha.empty() ? 0.f : band_alpha.at<float>(Px(mm));
  }
  bool InFrame(cv::Point2d mm) const { return mm.x >= 0 && mm.y >= 0 && mm.x < Wmm && mm.y < Hmm; }
  /// True when every pixel within r mm of c is plain scalp skin (label 0, no band nearby).
  bool ClearSkin(cv::Point2d c, double r) const;
  void Distractor(const std::string& kind);
  void Effect(const std::string& name);
  void Mark(const std::string& kind, cv::Point2d mm, double radius_mm);
};

void RenderSkin(Scene& s);
void RenderNotScalp(Scene& s);  // background / clothing, ear
void PlanLongHair(Scene& s);    // where long hair hides the scalp (label 3), part line
void PlanCards(Scene& s);       // marker card and ruler footprints (label 3)
void PlaceFutBands(Scene& s);
void PlaceUnits(Scene& s);
void PlaceFueDots(Scene& s);
void ApplyScars(Scene& s);
void RenderSkinDistractors(Scene& s);  // moles, freckles, papules, fold, SMP pigment
void RenderHair(Scene& s);
void RenderLongHair(Scene& s);   // long unshaved hair at a frame edge, part line
void RenderOnTop(Scene& s);      // dandruff, then the marker card and ruler
void RenderColorChecker(Scene& s);  // optional chart, own random stream (sets chart_mask)
void LabelColorChecker(Scene& s);   // chart: label 3, the hair exits it covers uncounted
void RenderLighting(Scene& s);   // gradient, curvature, shadow edge, glare
cv::Mat RenderCamera(Scene& s);  // exposure .. sharpening; returns CV_8UC3 sRGB
void FillTruth(Scene& s);

}  // namespace scarmap::synth
