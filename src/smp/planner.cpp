#include "scarmap/smp/planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/format.hpp"
#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/filters.hpp"

namespace scarmap {
namespace {

constexpr double kMm2PerCm2 = 100.0;

// Outer outline of a binary mask (largest external contour), in original-image pixels.
std::vector<cv::Point2d> Outline(const cv::Mat& mask, cv::Point offset, const WorkingImage& image) {
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  if (contours.empty()) return {};
  const auto largest = std::max_element(contours.begin(), contours.end(), [](auto& a, auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
  std::vector<cv::Point> simple;
  cv::approxPolyDP(*largest, simple, 0.75, true);
  std::vector<cv::Point2d> out;
  out.reserve(simple.size());
  for (const cv::Point& p : simple) out.push_back(image.ToOriginal(cv::Point2d(p + offset)));
  return out;
}

// The hair exits at their nearest working pixel (rounded once: every scar's ring counts them).
std::vector<cv::Point> ExitPixels(const std::vector<cv::Point2d>& exits) {
  std::vector<cv::Point> px;
  px.reserve(exits.size());
  for (const cv::Point2d& p : exits)
    px.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
  return px;
}

// Hair exits (ExitPixels) inside `ring` (CV_8U, local to `roi`).
int CountExits(const std::vector<cv::Point>& exits, const cv::Mat& ring, const cv::Rect& roi) {
  int n = 0;
  for (const cv::Point& p : exits) {
    const int x = p.x - roi.x, y = p.y - roi.y;
    if (x >= 0 && y >= 0 && x < ring.cols && y < ring.rows && ring.at<uchar>(y, x)) ++n;
  }
  return n;
}

struct AreaDensity {
  double treat_px = 0.0;
  double ring_px = 0.0;
  int ring_exits = 0;
  cv::Mat treat;  // CV_8U local mask of scar + margin within the scalp
};

// Treated area (scar + margin, inside the scalp) and the density ring beyond it, for the scar
// pixels `scar` (CV_8U local to `roi`); `any_scar` excludes all scars from the ring.
AreaDensity MeasureAround(const cv::Mat& scar, const cv::Rect& roi, const WorkingImage& image,
                          const cv::Mat& any_scar, const std::vector<cv::Point>& exits,
                          double margin_px, double ring_px) {
  const cv::Mat near = WithinDistance(scar, margin_px);
  const cv::Mat scalp = image.scalp_mask(roi);
  AreaDensity r;
  r.treat = near & scalp;
  cv::Mat ring = WithinDistance(scar, margin_px + ring_px) & ~near & scalp & (any_scar(roi) == 0);
  r.treat_px = cv::countNonZero(r.treat);
  r.ring_px = cv::countNonZero(ring);
  r.ring_exits = CountExits(exits, ring, roi);
  return r;
}

std::array<double, 2> ImpressionRange(double area_cm2, double density, int ring_exits,
                                      double min_rel, std::optional<double> cal_rel) {
  // Poisson uncertainty of the counted density plus twice the scale uncertainty (areas scale
  // with its square), never below the floor.
  double var = ring_exits > 0 ? 1.0 / ring_exits : 0.0;
  if (cal_rel) var += 4.0 * (*cal_rel) * (*cal_rel);
  const double rel = std::max(min_rel, std::sqrt(var));
  const double mid = area_cm2 * density;
  return {std::floor(mid * (1.0 - rel)), std::ceil(mid * (1.0 + rel))};
}

}  // namespace

void SmpOptions::Check() const {
  if (!(margin_mm >= 0.0 && margin_mm <= 30.0)) throw Error("smp.margin_mm must be in 0..30 mm");
  if (!(ring_width_mm > 0.0)) throw Error("smp.ring_width_mm must be > 0");
  if (!(min_ring_area_mm2 >= 0.0)) throw Error("smp.min_ring_area_mm2 must be >= 0");
  if (!(min_relative_range >= 0.0 && min_relative_range < 1.0))
    throw Error("smp.min_relative_range must be in [0, 1)");
  if (!(shiny_fraction > 0.0 && shiny_fraction <= 1.0))
    throw Error("smp.shiny_fraction must be in (0, 1]");
  if (!(sheen_fraction > 0.0 && sheen_fraction <= shiny_fraction))
    throw Error("smp.sheen_fraction must be in (0, shiny_fraction]");
  if (!(max_scale_uncertainty_rel > 0.0)) throw Error("smp.max_scale_uncertainty_rel must be > 0");
  if (!(min_target_density_per_cm2 >= 0.0))
    throw Error("smp.min_target_density_per_cm2 must be >= 0");
  if (max_most_visible < 0) throw Error("smp.max_most_visible must be >= 0");
}

double ScarVisibility(double delta_e2000, double size_mm) {
  const double contrast = 1.0 - std::exp(-std::max(0.0, delta_e2000) * std::log(2.0) / 3.0);
  const double size = size_mm > 0.0 ? 1.0 - std::exp(-size_mm * std::log(2.0) / 3.0) : 1.0;
  return contrast * size;
}

SmpPlan PlanSmp(const SmpOptions& options, const WorkingImage& image, const Follicles& follicles,
                const cv::Mat& labels, const std::vector<SmpScarInput>& scars,
                const SmpContext& context) {
  options.Check();
  if (labels.type() != CV_32S || labels.size() != image.bgr.size())
    throw Error("PlanSmp: labels must be CV_32S of the working image size");
  if (image.scalp_mask.size() != image.bgr.size())
    throw Error("PlanSmp: the working image has no scalp mask");

  SmpPlan plan;
  plan.margin_mm = options.margin_mm;
  plan.referral_reasons = context.quality_referrals;
  if (context.calibration_uncertainty_rel &&
      *context.calibration_uncertainty_rel > options.max_scale_uncertainty_rel) {
    const double rel = 100.0 * *context.calibration_uncertainty_rel;
    plan.referral_reasons.push_back(
        "the photo's scale is uncertain (+-" + Fmt("%.0f", rel) + " % in length, +-" +
        Fmt("%.0f", 2.0 * rel) +
        " % in area): retake the photo with the marker flat on the scalp, fully in view and in "
        "focus before planning");
  }
  const double margin_px = image.MmToPx(options.margin_mm);
  const double ring_px = image.MmToPx(options.ring_width_mm);
  const double px_per_mm2 = image.px_per_mm * image.px_per_mm;
  const double orig_px_per_work_px2 = 1.0 / (image.scale * image.scale);
  const cv::Mat any_scar = labels > 0;
  const cv::Rect frame(0, 0, labels.cols, labels.rows);

  // Image-wide density: the fallback when a scar's ring is too small to count.
  const cv::Mat bare = image.scalp_mask & (any_scar == 0);
  const double bare_px = cv::countNonZero(bare);
  const std::vector<cv::Point> exit_px = ExitPixels(follicles.exits_px);
  const int bare_exits = CountExits(exit_px, bare, frame);
  std::optional<double> image_density;
  if (bare_px > 0.0) image_density = bare_exits / (bare_px / px_per_mm2 / kMm2PerCm2);

  // Bounding box of every label in one pass.
  std::map<int, cv::Rect> boxes;
  for (int y = 0; y < labels.rows; ++y) {
    const int* row = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (row[x] <= 0) continue;
      auto [it, inserted] = boxes.try_emplace(row[x], x, y, 1, 1);
      if (!inserted) it->second |= cv::Rect(x, y, 1, 1);
    }
  }

  const int grow = static_cast<int>(std::ceil(margin_px + ring_px)) + 2;
  for (const SmpScarInput& s : scars) {
    SmpScarPlan sp;
    sp.scar_id = s.id;
    double size_mm = s.width_mm.value_or(0.0);
    const auto box = boxes.find(s.label);
    if (box != boxes.end()) {
      const cv::Rect roi =
          cv::Rect(box->second.x - grow, box->second.y - grow, box->second.width + 2 * grow,
                   box->second.height + 2 * grow) &
          frame;
      // The scar's pixels lie in its box: compared there, not over the whole margin + ring.
      cv::Mat scar = cv::Mat::zeros(roi.size(), CV_8U);
      scar(box->second - roi.tl()).setTo(255, labels(box->second) == s.label);
      const AreaDensity ad = MeasureAround(scar, roi, image, any_scar, exit_px, margin_px, ring_px);
      sp.treatment_area_px = ad.treat_px * orig_px_per_work_px2;
      sp.treatment_polygon_px = Outline(ad.treat, roi.tl(), image);
      if (s.fut && image.scale_known) {
        // A band's visibility is driven by its width, not its length.
        size_mm = s.width_mm.value_or(0.0);
      } else if (image.scale_known && size_mm <= 0.0) {
        size_mm = 2.0 * std::sqrt(cv::countNonZero(scar) / px_per_mm2 / CV_PI);
      }
      if (image.scale_known) {
        const double area_mm2 = ad.treat_px / px_per_mm2;
        sp.treatment_area_mm2 = area_mm2;
        const double ring_mm2 = ad.ring_px / px_per_mm2;
        if (ring_mm2 >= options.min_ring_area_mm2) {
          sp.target_density_per_cm2 = ad.ring_exits / (ring_mm2 / kMm2PerCm2);
          sp.density_source = "ring";
        } else if (image_density) {
          sp.target_density_per_cm2 = image_density;
          sp.density_source = "image";
        }
        if (sp.target_density_per_cm2 &&
            *sp.target_density_per_cm2 < options.min_target_density_per_cm2) {
          plan.notes.push_back("few hair exits visible around scar " + std::to_string(s.id) + " (" +
                               Fmt("%.0f", *sp.target_density_per_cm2) +
                               " per cm^2): confirm the target density in person");
        }
        if (sp.target_density_per_cm2) {
          sp.impressions = ImpressionRange(area_mm2 / kMm2PerCm2, *sp.target_density_per_cm2,
                                           sp.density_source == "ring" ? ad.ring_exits
                                                                       : bare_exits,
                                           options.min_relative_range,
                                           context.calibration_uncertainty_rel);
        }
      }
    }
    if (s.touches_border)
      plan.notes.push_back("scar " + std::to_string(s.id) +
                           " runs out of the photo: its treatment area and impressions are lower "
                           "bounds; photograph the whole scar");
    sp.visibility = ScarVisibility(s.contrast.delta_E2000, image.scale_known ? size_mm : 0.0);
    plan.scars.push_back(std::move(sp));
  }

  // Regions: connected areas of the union of all scars + margins.
  {
    cv::Mat treat_any = WithinDistance(any_scar, margin_px) & image.scalp_mask;
    if (scars.empty()) treat_any.setTo(0);
    cv::Mat comp, comp_stats, comp_centres;
    const int n =
        cv::connectedComponentsWithStats(treat_any, comp, comp_stats, comp_centres, 8, CV_32S);
    plan.treatment_area_px = cv::countNonZero(treat_any) * orig_px_per_work_px2;
    std::map<int, int> label_to_id;
    for (const SmpScarInput& s : scars) label_to_id[s.label] = s.id;
    double weighted_density = 0.0;
    double weighted_area = 0.0;
    std::array<double, 2> total_impressions{0.0, 0.0};
    bool all_have_impressions = n > 1;
    for (int c = 1; c < n; ++c) {
      // Everything about a region (its scars, its density ring beyond the margin) lies within
      // its bounding box grown by margin + ring: work there, not on the whole frame.
      const cv::Rect roi = cv::Rect(comp_stats.at<int>(c, cv::CC_STAT_LEFT) - grow,
                                    comp_stats.at<int>(c, cv::CC_STAT_TOP) - grow,
                                    comp_stats.at<int>(c, cv::CC_STAT_WIDTH) + 2 * grow,
                                    comp_stats.at<int>(c, cv::CC_STAT_HEIGHT) + 2 * grow) &
                           frame;
      const cv::Mat region = comp(roi) == c;
      SmpRegion r;
      r.id = c;
      const double area_px = cv::countNonZero(region);
      r.area_px = area_px * orig_px_per_work_px2;
      r.polygon_px = Outline(region, roi.tl(), image);
      std::vector<int> ids;
      for (int y = 0; y < roi.height; ++y) {
        const int* lrow = labels.ptr<int>(roi.y + y) + roi.x;
        const int* crow = comp.ptr<int>(roi.y + y) + roi.x;
        for (int x = 0; x < roi.width; ++x) {
          if (lrow[x] > 0 && crow[x] == c) {
            const auto it = label_to_id.find(lrow[x]);
            if (it != label_to_id.end()) ids.push_back(it->second);
          }
        }
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      r.scar_ids = ids;
      if (image.scale_known) {
        r.area_mm2 = area_px / px_per_mm2;
        const cv::Mat region_scars = region & any_scar(roi);
        const AreaDensity ad =
            MeasureAround(region_scars, roi, image, any_scar, exit_px, margin_px, ring_px);
        const double ring_mm2 = ad.ring_px / px_per_mm2;
        int exits = ad.ring_exits;
        if (ring_mm2 >= options.min_ring_area_mm2) {
          r.target_density_per_cm2 = ad.ring_exits / (ring_mm2 / kMm2PerCm2);
        } else if (image_density) {
          r.target_density_per_cm2 = image_density;
          exits = bare_exits;
        }
        if (r.target_density_per_cm2) {
          r.impressions = ImpressionRange(*r.area_mm2 / kMm2PerCm2, *r.target_density_per_cm2,
                                          exits, options.min_relative_range,
                                          context.calibration_uncertainty_rel);
          weighted_density += *r.target_density_per_cm2 * *r.area_mm2;
          weighted_area += *r.area_mm2;
          total_impressions[0] += (*r.impressions)[0];
          total_impressions[1] += (*r.impressions)[1];
        } else {
          all_have_impressions = false;
        }
      } else {
        all_have_impressions = false;
      }
      plan.regions.push_back(std::move(r));
    }
    if (image.scale_known) plan.treatment_area_mm2 = plan.treatment_area_px / (
        image.px_per_mm * image.px_per_mm * orig_px_per_work_px2);
    if (weighted_area > 0.0) plan.target_density_per_cm2 = weighted_density / weighted_area;
    if (all_have_impressions) plan.impressions = total_impressions;
  }

  // Referral checks: immature (red/pink) and raised/shiny scars; a milder sheen adds a session.
  double max_sheen = 0.0;
  int sheen_id = 0;
  for (const SmpScarInput& s : scars) {
    const auto box = boxes.find(s.label);
    if (box == boxes.end()) continue;
    const cv::Rect roi = box->second;
    const cv::Mat scar = labels(roi) == s.label;
    const double scar_px = cv::countNonZero(scar);
    const double scar_mm2 = scar_px / px_per_mm2;
    if (image.scale_known && scar_mm2 < options.min_referral_area_mm2) continue;
    const double delta_a = s.contrast.scar_lab[1] - s.contrast.skin_lab[1];
    if (delta_a > options.immature_delta_a) {
      plan.referral_reasons.push_back(
          "scar " + std::to_string(s.id) + " looks red/pink (a* " + Fmt("%+.1f", delta_a) +
          " above the skin around it): possibly immature; assess healing before SMP");
    }
    cv::Mat channels[3];
    cv::split(image.bgr(roi), channels);
    cv::Mat low = cv::min(cv::min(channels[0], channels[1]), channels[2]);
    const double shiny = cv::countNonZero((low >= 245) & scar) / std::max(1.0, scar_px);
    if (shiny > options.shiny_fraction) {
      plan.referral_reasons.push_back(
          "scar " + std::to_string(s.id) + " shows specular shine on " +
          Fmt("%.0f", 100.0 * shiny) +
          " % of its area: possibly raised or shiny tissue that holds pigment poorly; examine in "
          "person");
    } else if (shiny > options.sheen_fraction && shiny > max_sheen) {
      max_sheen = shiny;
      sheen_id = s.id;
    }
  }

  // Sessions: 2-3 by default; wide, high-contrast scars need more.
  plan.sessions = {2, 3};
  int factors = 0;
  double max_fut_width = 0.0;
  double max_de = 0.0;
  for (const SmpScarInput& s : scars) {
    if (s.fut && s.width_mm) max_fut_width = std::max(max_fut_width, *s.width_mm);
    max_de = std::max(max_de, s.contrast.delta_E2000);
  }
  plan.session_reasons.push_back("2-3 sessions is the usual course for scar camouflage");
  if (max_fut_width > options.wide_fut_mm) {
    ++factors;
    plan.session_reasons.push_back("wide strip scar (" + Fmt("%.1f", max_fut_width) +
                                   " mm): pigment retention in wide scars varies");
  }
  if (max_de > options.high_contrast_de) {
    ++factors;
    plan.session_reasons.push_back("high scar contrast (Delta E2000 " + Fmt("%.1f", max_de) +
                                   "): more layering needed to blend");
  }
  if (sheen_id > 0) {
    ++factors;
    plan.session_reasons.push_back("some sheen on scar " + std::to_string(sheen_id) + " (" +
                                   Fmt("%.0f", 100.0 * max_sheen) +
                                   " % of its area): smooth scar tissue may need more passes");
  }
  plan.sessions[1] += factors;
  if (factors >= 2) plan.sessions[0] += 1;

  // Shade hint from the stubble around the scars and the skin type.
  {
    std::vector<float> hair_l;
    if (!follicles.hair_mask.empty() && !image.lightness.empty()) {
      for (int y = 0; y < image.lightness.rows; y += 2) {
        const uchar* h = follicles.hair_mask.ptr<uchar>(y);
        const uchar* s = image.scalp_mask.ptr<uchar>(y);
        const float* l = image.lightness.ptr<float>(y);
        for (int x = 0; x < image.lightness.cols; x += 2) {
          if (h[x] && s[x]) hair_l.push_back(l[x]);
        }
      }
    }
    std::string skin = "skin ITA " + Fmt("%.0f", context.ita_deg) + " deg (" +
                       (context.ita_class.empty() ? "unknown" : context.ita_class) + ")";
    if (hair_l.size() >= 50) {
      std::nth_element(hair_l.begin(), hair_l.begin() + hair_l.size() / 2, hair_l.end());
      const double hl = hair_l[hair_l.size() / 2];
      const double skin_l = context.skin_lab[0];
      plan.shade_hint = "match the surrounding stubble (hair L* " + Fmt("%.0f", hl) +
                        "), one shade lighter than the hair itself; " + skin;
      if (skin_l - hl < 15.0) {
        plan.shade_hint +=
            "; the stubble contrasts weakly with the skin (grey/blond hair or dark skin): use a "
            "diluted pigment and a test patch";
      }
    } else {
      plan.shade_hint = "too little stubble visible to read its shade; " + skin;
    }
  }

  // Most visible scars first.
  std::vector<size_t> order(plan.scars.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return plan.scars[a].visibility > plan.scars[b].visibility;
  });
  for (size_t i = 0; i < order.size() && static_cast<int>(i) < options.max_most_visible; ++i)
    plan.most_visible.push_back(plan.scars[order[i]].scar_id);

  if (scars.empty()) plan.notes.push_back("no scars found: nothing to camouflage");
  if (!image.scale_known)
    plan.notes.push_back("no physical scale: areas and impressions cannot be estimated");
  plan.notes.push_back(
      "estimates only: scar tissue retains pigment less predictably than normal skin; the "
      "practitioner confirms every figure in person");
  plan.planned = plan.referral_reasons.empty() && image.scale_known && !scars.empty() &&
                 plan.impressions.has_value();
  if (!plan.planned) {
    plan.sessions = {0, 0};
    plan.session_reasons.clear();
    plan.impressions.reset();
  }
  return plan;
}

}  // namespace scarmap
