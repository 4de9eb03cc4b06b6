#include "scarmap/pipeline/analyze.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/format.hpp"
#include "scarmap/core/truth.hpp"
#include "scarmap/core/version.hpp"
#include "scarmap/measure/color_difference.hpp"
#include "scarmap/preprocess/color.hpp"

namespace scarmap {
namespace {

std::vector<cv::Point2d> ToOriginal(const WorkingImage& w, const std::vector<cv::Point2d>& pts) {
  std::vector<cv::Point2d> out;
  out.reserve(pts.size());
  for (const auto& p : pts) out.push_back(w.ToOriginal(p));
  return out;
}

WidthStats Stats(std::vector<double> v) {
  WidthStats s;
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / v.size();
  return s;
}

WidthStats Scale(WidthStats s, double f) { return {s.mean * f, s.median * f, s.min * f, s.max * f}; }

Report BaseReport(const std::string& name) {
  Report r;
  r.tool_version = kVersion;
  r.image.path = name;
  return r;
}

// Calibration: operator flag > marker > meaningful DPI > none. `img` is the photo decoded at
// 1/reduction of its size; the marker is reported in original pixels.
std::optional<MarkerDetection> Calibrate(const PipelineOptions& o, const cv::Mat& img,
                                         int reduction, std::optional<double> dpi, Report& r) {
  std::optional<MarkerDetection> marker;
  if (o.use_marker) {
    MarkerDetection d = DetectMarker(o.marker, img);
    if (d.found && reduction > 1) d = ToFullSize(d, reduction);
    if (d.found) marker = d;
  }
  if (o.px_per_mm) {
    r.calibration.px_per_mm = *o.px_per_mm;
    r.calibration.source = CalibrationSource::kCli;
    if (marker) {
      const double rel = std::abs(marker->px_per_mm - *o.px_per_mm) / *o.px_per_mm;
      if (rel > o.marker_disagree_rel)
        r.warnings.push_back("the --px-per-mm value (" + Fmt("%.3g", *o.px_per_mm) +
                             ") and the printed marker (" + Fmt("%.3g", marker->px_per_mm) +
                             " px/mm) disagree by " + Fmt("%.0f", 100 * rel) +
                             " %; the flag was used");
    }
  } else if (marker) {
    r.calibration.px_per_mm = marker->px_per_mm;
    r.calibration.source = CalibrationSource::kMarker;
    r.calibration.uncertainty_rel = marker->uncertainty_rel;
  } else if (dpi && *dpi >= o.min_meaningful_dpi) {
    r.calibration.px_per_mm = *dpi / 25.4;
    r.calibration.source = CalibrationSource::kDpi;
    r.warnings.push_back("scale taken from the file's resolution tag (" + Fmt("%.0f", *dpi) +
                         " dpi); confirm it with a marker or --px-per-mm");
  }
  if (marker) {
    r.calibration.marker_corners_px.assign(marker->corners_px.begin(), marker->corners_px.end());
    if (marker->tilt_deg > o.marker.tilt_warn_deg)
      r.warnings.push_back("the calibration marker is tilted by about " +
                           Fmt("%.0f", marker->tilt_deg) +
                           " deg: distances across the tilt are foreshortened");
    if (marker->markers_found > 1)
      r.warnings.push_back(std::to_string(marker->markers_found) +
                           " markers found; the largest was used");
  }
  return marker;
}

// The colour reference found on `img`, the photo decoded at 1/reduction of its size, with
// `marker` given in original pixels; the chart outline is returned in original pixels.
ColorCorrection FindColorReferenceFullSize(const ColorReferenceOptions& o, const cv::Mat& img,
                                           int reduction,
                                           const std::optional<MarkerDetection>& marker) {
  std::optional<MarkerDetection> decoded = marker;
  if (decoded && reduction > 1) decoded = ToFullSize(*decoded, 1.0 / reduction);
  ColorCorrection c = FindColorReference(o, img, decoded ? &*decoded : nullptr);
  for (cv::Point2d& p : c.chart_corners_px)
    p = {(p.x + 0.5) * reduction - 0.5, (p.y + 0.5) * reduction - 0.5};
  return c;
}

// A ColorChecker chart (its outline grown by 5 %) is not scalp either.
void ExcludeChart(const ColorCorrection& c, const WorkingImage& w, cv::Mat& scalp_mask) {
  if (c.chart_corners_px.size() != 4) return;
  cv::Point2d centre(0, 0);
  for (const auto& p : c.chart_corners_px) centre += 0.25 * p;
  std::vector<cv::Point> poly;
  for (const auto& p : c.chart_corners_px) {
    const cv::Point2d g = centre + 1.05 * (p - centre);
    poly.emplace_back(static_cast<int>(std::lround((g.x + 0.5) * w.scale - 0.5)),
                      static_cast<int>(std::lround((g.y + 0.5) * w.scale - 0.5)));
  }
  cv::fillConvexPoly(scalp_mask, poly, cv::Scalar(0));
}

// Quality warnings into the report; the poor ones also become SMP referrals.
void AddQuality(PhotoQuality q, Report& r, std::vector<std::string>* referrals) {
  for (const QualityIssue& i : q.issues) {
    r.warnings.push_back(i.message);
    if (i.poor && referrals) referrals->push_back("photo quality: " + i.message);
  }
  r.quality = std::move(q);
}

// Marker and its card must not count as scalp.
void ExcludeMarker(const MarkerDetection& d, const WorkingImage& w, cv::Mat& scalp_mask) {
  // The card: the marker square grown by its quiet zone and card margin (x2 about the centre).
  std::vector<cv::Point> card;
  for (const auto& c : d.corners_px) {
    const cv::Point2d g = d.center_px + 1.8 * (c - d.center_px);
    card.emplace_back(cv::Point(static_cast<int>(std::lround((g.x + 0.5) * w.scale - 0.5)),
                                static_cast<int>(std::lround((g.y + 0.5) * w.scale - 0.5))));
  }
  cv::fillConvexPoly(scalp_mask, card, cv::Scalar(0));
}

// The marker's scale holds near the marker; the scalp curves away from it (MarkerOptions).
void WarnMarkerFarFromScars(const MarkerOptions& mo, const MarkerDetection& d,
                            const WorkingImage& w, const cv::Mat& any_scar, double orig_ppm,
                            Report& r) {
  const cv::Moments m = cv::moments(any_scar, true);
  if (m.m00 <= 0.0 || orig_ppm <= 0.0) return;
  const cv::Point2d centroid = w.ToOriginal({m.m10 / m.m00, m.m01 / m.m00});
  const double mm = cv::norm(d.center_px - centroid) / orig_ppm;
  if (mm > mo.far_warn_mm)
    r.warnings.push_back("the calibration marker is " + Fmt("%.0f", mm) +
                         " mm from the centre of the scars (more than " +
                         Fmt("%.0f", mo.far_warn_mm) +
                         " mm): the scalp curves between them, so its scale may not hold at the "
                         "scars; place the marker next to them");
}

// The planner's and the contrast measure's scar labels: FUT bands 1..n in order, then FUE dots
// (a dot drawn over a band keeps the dot's id), with each scar's box (per id - 1). The
// detectors' own label maps are freed: one map of scar ids is held from here, not three.
// `fut_labels` are the FUT bands' labels in any integer type (see CompactFutLabels).
cv::Mat CombinedLabels(const cv::Mat& fut_labels, FutBands& fut, FueDots& fue, cv::Size size,
                       std::vector<cv::Rect>* boxes) {
  cv::Mat labels = cv::Mat::zeros(size, CV_32S);
  int id = 1;
  for (size_t i = 0; i < fut.bands.size(); ++i, ++id) {
    const cv::Mat m = fut_labels == static_cast<int>(i + 1);
    labels.setTo(id, m);
    boxes->push_back(cv::boundingRect(m));
  }
  for (size_t i = 0; i < fue.dots.size(); ++i, ++id) {
    const FueDot& d = fue.dots[i];
    const int rad = static_cast<int>(std::ceil(std::sqrt(d.area_px / CV_PI))) + 3;
    const cv::Rect roi = cv::Rect(static_cast<int>(d.center_px.x) - rad,
                                  static_cast<int>(d.center_px.y) - rad, 2 * rad + 1,
                                  2 * rad + 1) & cv::Rect(0, 0, size.width, size.height);
    labels(roi).setTo(id, fue.labels(roi) == static_cast<int>(i + 1));
    boxes->push_back(roi);
  }
  fut.labels.release();
  fue.labels.release();
  return labels;
}

// The FUT bands' labels as CV_8U when they fit (a photo has a few bands): held through the FUE
// stage in a quarter of the memory. Frees fut.labels then.
cv::Mat CompactFutLabels(FutBands& fut, cv::Size size) {
  if (fut.labels.empty()) return cv::Mat::zeros(size, CV_8U);
  if (fut.bands.size() > 255) return fut.labels;
  cv::Mat small;
  fut.labels.convertTo(small, CV_8U);
  fut.labels.release();
  return small;
}

// The photo as AnalysisResult::upright keeps it: shrunk to keep_image_max_side when asked.
void KeepImage(const PipelineOptions& o, const cv::Mat& img, cv::Size full, AnalysisResult& res) {
  if (!o.keep_image) return;
  res.upright = img;
  const double s = o.keep_image_max_side > 0
                       ? static_cast<double>(o.keep_image_max_side) / std::max(img.cols, img.rows)
                       : 1.0;
  if (s < 1.0)
    cv::resize(img, res.upright,
               cv::Size(std::max(1, cvRound(img.cols * s)), std::max(1, cvRound(img.rows * s))), 0,
               0, cv::INTER_AREA);
  res.upright_scale = static_cast<double>(res.upright.cols) / full.width;
}

// Analyses `img`, the upright photo decoded at 1/reduction of its size. `img` is taken by value
// so that, when the caller hands over the only reference (a photo loaded from a file), the
// decoded photo is freed once the working image exists: the detectors, the quality gate and the
// colour measurement need only the working image (the colour reference is found on the decoded
// photo before that), and a 48 MP photo is 144 MB. When the scale found (a marker) needs a finer
// decode than `reduction`, sets *finer to that reduction and returns nothing else; otherwise the
// file's bytes kept for such a decode (`file_bytes`, when not null) are freed there.
AnalysisResult Analyze(const PipelineOptions& o, cv::Mat img, int reduction,
                       std::optional<double> dpi, Report r, int* finer = nullptr,
                       std::string* file_bytes = nullptr) {
  AnalysisResult res;
  const cv::Size full(img.cols * reduction, img.rows * reduction);
  r.image.width = full.width;
  r.image.height = full.height;
  const std::optional<MarkerDetection> marker = Calibrate(o, img, reduction, dpi, r);

  const double orig_ppm = r.calibration.px_per_mm.value_or(0.0);
  if (reduction > 1 && finer) {
    const int need = MaxDecodeReduction(o.working, full, orig_ppm);
    if (need < reduction) {
      *finer = need;
      return res;
    }
  }
  if (file_bytes) std::string().swap(*file_bytes);  // no finer decode will be asked for
  // A scale can make the frame smaller than any scar (a resolution tag of 10^6 px/mm, a mistyped
  // flag): there is nothing to measure in it, and every kernel sized in mm would outgrow it.
  if (orig_ppm > 0.0) {
    const double side_mm = std::min(full.width, full.height) / orig_ppm;
    if (side_mm < o.min_field_mm) {
      r.status = {StatusCode::kTooSmall,
                  "at " + Fmt("%.4g", orig_ppm) + " px/mm (" +
                      std::string(ToString(r.calibration.source)) + ") the photo covers only " +
                      Fmt("%.3g", side_mm) + " mm across, less than " +
                      Fmt("%.0f", o.min_field_mm) + " mm: check the scale"};
      res.report = std::move(r);
      if (o.want_mask) {  // FullSizeMask and FullSizeScalp scale them
        res.work_mask = cv::Mat::zeros(1, 1, CV_8U);
        res.work_scalp = cv::Mat::zeros(1, 1, CV_8U);
      }
      return res;
    }
  }
  r.calibration.color = FindColorReferenceFullSize(o.color, img, reduction, marker);
  WorkingImage w = MakeWorkingImage(o.working, img, orig_ppm, reduction);
  KeepImage(o, img, full, res);
  img.release();  // the decoded photo is not needed any more (the caller moved it in)
  r.processing.working_px_per_mm = w.px_per_mm;
  r.processing.decode_reduction = reduction;
  r.processing.working_scale = w.scale;
  if (w.capped)
    r.warnings.push_back("the photo covers a wide field at a low resolution: it was analysed at " +
                         Fmt("%.1f", w.px_per_mm) + " px/mm instead of " +
                         Fmt("%.0f", o.working.target_px_per_mm) +
                         " (working-image size cap), so the smallest FUE dots may be missed");
  if (!w.scale_known)
    r.warnings.push_back("no physical scale (no marker, no --px-per-mm, no meaningful DPI): mm "
                         "fields are null; detection assumed " +
                         Fmt("%.0f", w.px_per_mm) + " px/mm at working scale");
  ComputeLab(&w);
  ScalpRegion scalp = FindScalp(o.scalp, w);
  if (marker) ExcludeMarker(*marker, w, scalp.mask);
  ExcludeChart(r.calibration.color, w, scalp.mask);
  w.scalp_mask = scalp.mask;
  const double scalp_px = cv::countNonZero(w.scalp_mask);
  const double px2_per_mm2 = w.px_per_mm * w.px_per_mm;
  if (!scalp.found || scalp_px <= 0.0 ||
      (w.scale_known && scalp_px / px2_per_mm2 < o.scalp.min_scalp_area_mm2)) {
    // Judge the whole frame (no scalp checks): a photo too dark, blurred or glaring to find the
    // scalp in is a quality problem the operator can fix, not a missing scalp.
    WorkingImage frame = w;
    frame.scalp_mask = cv::Mat();
    AddQuality(AssessQuality(o.quality, frame, {}, {}, orig_ppm), r, nullptr);
    r.status = r.quality->poor()
                   ? Status{StatusCode::kPoorQuality, "no scalp skin found, and the photo quality "
                                                      "is too poor: " + r.quality->PoorSummary()}
                   : Status{StatusCode::kNoScalp, "no scalp skin found in the photo"};
    res.report = std::move(r);
    if (o.want_mask) {
      res.work_mask = cv::Mat::zeros(w.bgr.size(), CV_8U);
      res.work_scalp = cv::Mat::zeros(w.bgr.size(), CV_8U);
    }
    return res;
  }

  // a* and b* are read by the scalp stage above and from the FUE stage on; the follicle and FUT
  // stages between them read L* only, and the FUT ridges are the analysis's peak of memory: the
  // colour planes are freed for them and computed again after (a 3.8 MP image: 15 MB less at
  // that peak for some 30 ms).
  w.ab.release();
  const Follicles fol = DetectFollicles(o.follicle, w);
  FutBands fut = SegmentFutBands(o.fut, w, fol);
  ComputeLab(&w);
  cv::Mat fut_labels = CompactFutLabels(fut, w.bgr.size());
  cv::Mat fut_mask = fut_labels > 0;
  FueDots fue = DetectFueDots(o.fue, w, fol, fut_mask);
  cv::Mat fue_mask = fue.labels.empty() ? cv::Mat::zeros(w.bgr.size(), CV_8U) : fue.labels > 0;
  const cv::Mat any_scar = fut_mask | fue_mask;
  if (o.want_mask) {
    res.work_mask = cv::Mat::zeros(w.bgr.size(), CV_8U);
    res.work_mask.setTo(1, fut_mask);
    res.work_mask.setTo(2, fue_mask);
    res.work_scalp = w.scalp_mask;
  }
  fut_mask.release();
  fue_mask.release();
  // Combined scar labels for the planner and the contrast measure.
  std::vector<cv::Rect> boxes;  // per scar id - 1
  const cv::Mat labels = CombinedLabels(fut_labels, fut, fue, w.bgr.size(), &boxes);
  fut_labels.release();
  cv::Mat hair = fol.hair_mask.empty() ? cv::Mat::zeros(w.bgr.size(), CV_8U) : fol.hair_mask;
  SmpContext ctx;
  AddQuality(AssessQuality(o.quality, w, hair, any_scar, orig_ppm), r, &ctx.quality_referrals);
  // Colour is measured on the corrected CIELAB; detection above saw the photo as it is.
  // (The uncorrected CIELAB is not read after this: it is freed first, not held alongside.)
  WorkingImage measured = w;
  if (r.calibration.color.source != ColorSource::kNone) {
    for (WorkingImage* i : {&w, &measured}) {
      i->lightness.release();
      i->ab.release();
    }
    ComputeLab(&measured, r.calibration.color);
  }

  const bool mm = w.scale_known;
  const double orig_per_work = 1.0 / w.scale;
  std::vector<SmpScarInput> plan_in;
  int next_id = 1;
  double total_len_px = 0.0;
  const cv::Point2d centre(full.width / 2.0, full.height / 2.0);
  const double half_diag = 0.5 * std::hypot(full.width, full.height);
  bool far = false;

  for (size_t i = 0; i < fut.bands.size(); ++i) {
    const FutBand& b = fut.bands[i];
    FutScar s;
    s.id = next_id++;
    s.centerline_px = ToOriginal(w, b.centerline_px);
    s.contour_px = ToOriginal(w, b.contour_px);
    s.length_px = b.length_px * orig_per_work;
    s.area_px = b.area_px * orig_per_work * orig_per_work;
    std::vector<double> prof = b.width_profile_px;
    s.width_px = Scale(Stats(prof), orig_per_work);
    s.width_profile_step_mm = o.fut.profile_step_mm;
    for (double& v : prof) v = mm ? w.PxToMm(v) : v * orig_per_work;
    s.width_profile_mm = prof;
    if (mm) {
      s.length_mm = w.PxToMm(b.length_px);
      s.area_mm2 = b.area_px / px2_per_mm2;
      s.width_mm = Scale(Stats(b.width_profile_px), 1.0 / w.px_per_mm);
    }
    s.confidence = b.confidence;
    s.touches_border = b.touches_border;
    plan_in.push_back({s.id, s.id, true, {}, s.width_mm ? std::optional(s.width_mm->mean)
                                                        : std::nullopt, s.touches_border});
    total_len_px += s.length_px;
    if (s.touches_border)
      r.warnings.push_back("FUT scar " + std::to_string(s.id) +
                           " runs out of the frame: its length is a lower bound");
    for (const auto& p : s.centerline_px)
      if (cv::norm(p - centre) > o.far_from_centre_rel * half_diag) far = true;
    r.fut.push_back(std::move(s));
  }

  std::vector<int> dot_ids(fue.dots.size());
  for (size_t i = 0; i < fue.dots.size(); ++i) {
    const FueDot& d = fue.dots[i];
    FueScar s;
    s.id = next_id++;
    dot_ids[i] = s.id;
    s.center_px = w.ToOriginal(d.center_px);
    s.area_px = d.area_px * orig_per_work * orig_per_work;
    s.diameter_px = 2.0 * std::sqrt(s.area_px / CV_PI);
    if (mm) {
      s.area_mm2 = d.area_px / px2_per_mm2;
      s.diameter_mm = 2.0 * std::sqrt(*s.area_mm2 / CV_PI);
    }
    s.confidence = d.confidence;
    s.cluster_id = d.cluster >= 0 ? d.cluster + 1 : -1;
    plan_in.push_back({s.id, s.id, false, {}, s.diameter_mm});
    r.fue.push_back(s);
  }
  for (size_t c = 0; c < fue.clusters.size(); ++c) {
    FueCluster fc;
    fc.id = static_cast<int>(c + 1);
    fc.center_px = w.ToOriginal(fue.clusters[c].center_px);
    fc.area_px = fue.clusters[c].area_px * orig_per_work * orig_per_work;
    if (mm) fc.area_mm2 = fue.clusters[c].area_px / px2_per_mm2;
    for (int k : fue.clusters[c].dots)
      if (k >= 0 && k < static_cast<int>(dot_ids.size())) fc.dot_ids.push_back(dot_ids[k]);
    r.fue_clusters.push_back(std::move(fc));
  }
  // Contrast of every scar against the skin around it (hair and other scars excluded).
  for (auto& s : r.fut) {
    s.contrast = MeasureContrast(o.contrast, measured, labels, s.id, boxes[s.id - 1], hair);
    plan_in[s.id - 1].contrast = s.contrast;
  }
  for (auto& s : r.fue) {
    s.contrast = MeasureContrast(o.contrast, measured, labels, s.id, boxes[s.id - 1], hair);
    plan_in[s.id - 1].contrast = s.contrast;
  }
  if (far)
    r.warnings.push_back("a scar reaches far from the image centre: on a curved scalp its "
                         "length there may be foreshortened");
  if (marker && r.calibration.source == CalibrationSource::kMarker)
    WarnMarkerFarFromScars(o.marker, *marker, w, any_scar, orig_ppm, r);

  // Scalp and skin colour (hair and scars excluded).
  r.scalp.area_px = scalp_px * orig_per_work * orig_per_work;
  if (mm) r.scalp.area_mm2 = scalp_px / px2_per_mm2;
  {
    const cv::Mat skin = w.scalp_mask & ~hair & ~any_scar;
    std::vector<float> ch[3];
    for (int y = 0; y < skin.rows; y += 2) {
      const uchar* s = skin.ptr<uchar>(y);
      for (int x = 0; x < skin.cols; x += 2)
        if (s[x]) {
          const cv::Vec3f lab = measured.LabAt(y, x);
          for (int k = 0; k < 3; ++k) ch[k].push_back(lab[k]);
        }
    }
    for (int k = 0; k < 3; ++k) {
      if (ch[k].empty()) continue;
      std::nth_element(ch[k].begin(), ch[k].begin() + ch[k].size() / 2, ch[k].end());
      r.scalp.skin_lab[k] = ch[k][ch[k].size() / 2];
    }
    r.scalp.ita_deg = ItaDeg({r.scalp.skin_lab[0], r.scalp.skin_lab[1], r.scalp.skin_lab[2]});
    r.scalp.ita_class = ItaClass(r.scalp.ita_deg);
  }

  // Follicular units inside the scalp, and the hairs they hold.
  int units = 0;
  for (const auto& p : fol.exits_px) {
    const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
    if (x >= 0 && y >= 0 && x < w.scalp_mask.cols && y < w.scalp_mask.rows &&
        w.scalp_mask.at<uchar>(y, x))
      ++units;
  }
  const int count = static_cast<int>(std::lround(units * fol.hairs_per_unit));
  r.follicles.count = count;
  r.follicles.unit_count = units;
  r.follicles.hairs_per_unit = units > 0 ? static_cast<double>(count) / units : 0.0;
  r.follicles.density_per_mpx = count / (r.scalp.area_px / 1e6);
  if (mm && *r.scalp.area_mm2 > 0) {
    r.follicles.density_per_cm2 = count / (*r.scalp.area_mm2 / 100.0);
    r.follicles.unit_density_per_cm2 = units / (*r.scalp.area_mm2 / 100.0);
  }

  // Summary.
  r.summary.fut_count = static_cast<int>(r.fut.size());
  r.summary.fue_count = static_cast<int>(r.fue.size());
  r.summary.fut_total_length_px = total_len_px;
  const double scar_px = cv::countNonZero(any_scar);
  r.summary.scar_area_px = scar_px * orig_per_work * orig_per_work;
  if (mm) {
    double len = 0;
    for (const auto& s : r.fut) len += s.length_mm.value_or(0.0);
    r.summary.fut_total_length_mm = len;
    r.summary.scar_area_mm2 = scar_px / px2_per_mm2;
    r.summary.fue_density_per_cm2 = r.fue.size() / (*r.scalp.area_mm2 / 100.0);
  }

  // SMP plan.
  ctx.calibration_uncertainty_rel = r.calibration.uncertainty_rel;
  ctx.skin_lab = r.scalp.skin_lab;
  ctx.ita_deg = r.scalp.ita_deg;
  ctx.ita_class = r.scalp.ita_class;
  r.smp_plan = PlanSmp(o.smp, measured, fol, labels, plan_in, ctx);

  r.status = r.quality && r.quality->poor()
                 ? Status{StatusCode::kPoorQuality,
                          "photo quality too poor to plan from: " + r.quality->PoorSummary()}
                 : Status::Ok();
  res.report = std::move(r);
  return res;
}

}  // namespace

void PipelineOptions::Check() const {
  load.Check();
  if (keep_image_max_side < 0) throw Error("keep_image_max_side must be >= 0");
  working.Check();
  if (use_marker) marker.Check();
  color.Check();
  quality.Check();
  scalp.Check();
  follicle.Check();
  fut.Check();
  fue.Check();
  contrast.Check();
  smp.Check();
  if (px_per_mm && !(*px_per_mm > 0.0 && *px_per_mm < 10000.0))
    throw Error("px_per_mm must be in (0, 10000)");
  if (!(min_meaningful_dpi > 0.0)) throw Error("min_meaningful_dpi must be > 0");
  if (!(min_field_mm >= 0.0)) throw Error("min_field_mm must be >= 0");
}

namespace {

// AnalyzeImage on a decoded photo it may own (then freed early, see Analyze).
AnalysisResult AnalyzeDecoded(const PipelineOptions& options, cv::Mat upright_bgr,
                              const std::string& name, std::optional<double> dpi) {
  Report base = BaseReport(name);
  const cv::Size size = upright_bgr.size();
  try {
    if (upright_bgr.empty() || upright_bgr.type() != CV_8UC3)
      throw Error("AnalyzeImage: expected a non-empty CV_8UC3 image");
    return Analyze(options, std::move(upright_bgr), 1, dpi, std::move(base));
  } catch (const std::exception& e) {
    AnalysisResult res;
    res.report = BaseReport(name);
    res.report.image.width = size.width;
    res.report.image.height = size.height;
    res.report.status = {StatusCode::kInternalError, e.what()};
    return res;
  }
}

}  // namespace

AnalysisResult AnalyzeImage(const PipelineOptions& options, const cv::Mat& upright_bgr,
                            const std::string& name, std::optional<double> dpi) {
  return AnalyzeDecoded(options, upright_bgr, name, dpi);
}

AnalysisResult AnalyzeImage(const PipelineOptions& options, const std::filesystem::path& path) {
  const std::string name = path.string();
  std::string bytes;
  LoadedImage img;
  img.status = ReadImageFile(path, &bytes);
  // The decode reduction from the scale known before decoding (flag, else a meaningful
  // resolution tag, else none); a marker found in the photo may then ask for a finer one.
  int reduction = 1;
  if (img.status.ok() && options.reduced_decode) {
    const ImageHeader h = ReadImageHeader(bytes);
    const cv::Size stored(h.width, h.height);
    double ppm = 0.0;
    if (options.px_per_mm)
      ppm = *options.px_per_mm;
    else if (h.dpi && *h.dpi >= options.min_meaningful_dpi)
      ppm = *h.dpi / 25.4;
    if (stored.area() > 0) {
      reduction = MaxDecodeReduction(options.working, stored, ppm);
      // What is kept for the overlay must not be upsampled either.
      const int keep = options.keep_image_max_side;
      if (options.keep_image)
        while (reduction > 1 && (keep == 0 || std::max(h.width, h.height) / reduction < keep))
          reduction /= 2;
    }
  }
  for (;;) {
    if (img.status.ok()) {
      try {
        LoadOptions load = options.load;
        load.reduction = reduction;
        img = LoadImageFromBytes(load, bytes, name);
      } catch (const std::exception& e) {
        img.status = {StatusCode::kInternalError, std::string("loading failed: ") + e.what()};
      }
    }
    if (!img.status.ok()) {
      AnalysisResult res;
      res.report = BaseReport(name);
      res.report.status = img.status;
      res.report.image.sha256 = img.sha256;
      res.report.image.format = img.header.format;
      return res;
    }
    // The file's bytes are kept only for a finer decode, which a full-size one never needs:
    // then they are freed before the analysis (they would add to its peak memory).
    if (img.reduction == 1) std::string().swap(bytes);
    AnalysisResult res;
    int finer = 0;
    const cv::Size full(img.bgr.cols * img.reduction, img.bgr.rows * img.reduction);
    try {
      res = Analyze(options, std::move(img.bgr), img.reduction, img.header.dpi, BaseReport(name),
                    &finer, &bytes);
    } catch (const std::exception& e) {
      res = AnalysisResult{};
      res.report = BaseReport(name);
      res.report.image.width = full.width;
      res.report.image.height = full.height;
      res.report.status = {StatusCode::kInternalError, e.what()};
    }
    if (finer > 0 && finer < img.reduction) {
      reduction = finer;
      continue;
    }
    res.report.image.sha256 = img.sha256;
    res.report.image.format = img.header.format;
    return res;
  }
}

namespace {

// A working-scale mask of `result` at the upright original size (nearest neighbour).
cv::Mat FullSize(const AnalysisResult& result, const cv::Mat& work) {
  if (work.empty()) return {};
  const cv::Size full(result.report.image.width, result.report.image.height);
  if (work.size() == full || full.area() <= 0) return work;
  cv::Mat mask;
  cv::resize(work, mask, full, 0, 0, cv::INTER_NEAREST);
  return mask;
}

}  // namespace

cv::Mat FullSizeMask(const AnalysisResult& result) { return FullSize(result, result.work_mask); }

cv::Mat FullSizeScalp(const AnalysisResult& result) { return FullSize(result, result.work_scalp); }

}  // namespace scarmap
