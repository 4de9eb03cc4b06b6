#include "scarmap/eval/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/io/truth_json.hpp"
#include "scarmap/report/report_json.hpp"

namespace scarmap {
namespace fs = std::filesystem;
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}
double MedAbs(std::vector<double> v) {
  for (double& x : v) x = std::abs(x);
  return Median(v);
}
void MeanSd(const std::vector<double>& v, double* mean, double* sd) {
  *mean = *sd = 0;
  if (v.empty()) return;
  *mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  if (v.size() < 2) return;
  double s = 0;
  for (double x : v) s += (x - *mean) * (x - *mean);
  *sd = std::sqrt(s / (v.size() - 1));
}

double PointToPolyline(const cv::Point2d& p, const std::vector<cv::Point2d>& line) {
  double best = 1e18;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const cv::Point2d a = line[i], b = line[i + 1], ab = b - a;
    const double len2 = ab.dot(ab);
    const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
    best = std::min(best, cv::norm(p - (a + t * ab)));
  }
  if (line.size() == 1) best = cv::norm(p - line[0]);
  return best;
}

// Fills the pixels whose centre lies inside `poly` (even-odd scanline rule), so a contour on
// half-pixel boundaries rasterises to exactly the pixels it encloses.
void FillPolygonCentres(cv::Mat& mask, const std::vector<cv::Point2d>& poly) {
  if (poly.size() < 3) return;
  double ymin = 1e18, ymax = -1e18;
  for (const auto& p : poly) ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
  const int y0 = std::max(0, static_cast<int>(std::ceil(ymin))), y1 = std::min(mask.rows - 1, static_cast<int>(std::floor(ymax)));
  std::vector<double> xs;
  for (int y = y0; y <= y1; ++y) {
    xs.clear();
    for (size_t i = 0; i < poly.size(); ++i) {
      const cv::Point2d a = poly[i], b = poly[(i + 1) % poly.size()];
      if ((a.y <= y && b.y > y) || (b.y <= y && a.y > y))
        xs.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
    }
    std::sort(xs.begin(), xs.end());
    for (size_t k = 0; k + 1 < xs.size(); k += 2) {
      const int xa = std::max(0, static_cast<int>(std::ceil(xs[k])));
      const int xb = std::min(mask.cols - 1, static_cast<int>(std::ceil(xs[k + 1])) - 1);
      for (int x = xa; x <= xb; ++x) mask.at<uchar>(y, x) = 255;
    }
  }
}

}  // namespace

void EvalOptions::Check() const {
  if (!(fue_min_tolerance_mm > 0)) throw Error("eval: fue_min_tolerance_mm must be > 0");
  if (!(fue_relative_tolerance > 0)) throw Error("eval: fue_relative_tolerance must be > 0");
}

ImageScore ScoreImage(const EvalOptions& o, const Truth& t, const cv::Mat& truth_labels,
                      const fs::path& report_path, const fs::path& mask_path,
                      const fs::path& scalp_path) {
  o.Check();
  ImageScore s;
  s.stem = fs::path(t.image).stem().string();
  s.skin_band = t.skin_band;
  s.hair_color = t.hair_color;
  s.scar_free = t.fut.empty() && t.fue.empty();
  s.has_fut = !t.fut.empty();
  s.fut_true = static_cast<int>(t.fut.size());
  s.fue_true = static_cast<int>(t.fue.size());
  s.has_marker = t.marker.present;
  const double ppm = t.px_per_mm;

  Report r;
  try {
    if (fs::exists(report_path)) {
      r = ReadReportFile(report_path);
      // poor_quality reports are complete analyses (only the plan is withheld): score them.
      s.report_found = r.status.ok() || r.status.code == StatusCode::kPoorQuality;
    }
  } catch (const Error&) {
    s.report_found = false;
  }
  if (!s.report_found) r = Report{};

  // FUE: closest pairs first, one-to-one.
  struct Pair { double d; size_t ti, pi; };
  std::vector<Pair> pairs;
  for (size_t i = 0; i < t.fue.size(); ++i) {
    const double tol = std::max(o.fue_min_tolerance_mm, o.fue_relative_tolerance * t.fue[i].diameter_mm) * ppm;
    for (size_t j = 0; j < r.fue.size(); ++j) {
      const double d = cv::norm(t.fue[i].center_px - r.fue[j].center_px);
      if (d <= tol) pairs.push_back({d, i, j});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.d < b.d; });
  std::vector<char> tu(t.fue.size(), 0), pu(r.fue.size(), 0);
  for (const Pair& p : pairs) {
    if (tu[p.ti] || pu[p.pi]) continue;
    tu[p.ti] = pu[p.pi] = 1;
    ++s.fue_tp;
    const double pred_mm = r.fue[p.pi].diameter_mm.value_or(r.fue[p.pi].diameter_px / ppm);
    s.fue_diameter_rel.push_back((pred_mm - t.fue[p.ti].diameter_mm) / t.fue[p.ti].diameter_mm);
  }
  s.fue_fn = static_cast<int>(t.fue.size()) - s.fue_tp;
  s.fue_fp = static_cast<int>(r.fue.size()) - s.fue_tp;
  s.fue_pred_count = static_cast<int>(r.fue.size());

  // FUT pixels: the mask when present, else the report's contours.
  cv::Mat pred;
  if (s.report_found && fs::exists(mask_path)) {
    cv::Mat m = cv::imread(mask_path.string(), cv::IMREAD_UNCHANGED);
    if (!m.empty() && m.size() == truth_labels.size() && m.type() == CV_8U) pred = m == 1;
  }
  if (pred.empty()) {
    pred = cv::Mat::zeros(truth_labels.size(), CV_8U);
    for (const FutScar& f : r.fut) FillPolygonCentres(pred, f.contour_px);
  }
  // The scalp region.
  if (s.report_found && !scalp_path.empty() && fs::exists(scalp_path)) {
    const cv::Mat m = cv::imread(scalp_path.string(), cv::IMREAD_UNCHANGED);
    if (!m.empty() && m.size() == truth_labels.size() && m.type() == CV_8U) {
      const cv::Mat truth_scalp = truth_labels != 3, pred_scalp = m != 0;
      const double uni = cv::countNonZero(truth_scalp | pred_scalp);
      s.scalp_iou = uni > 0 ? cv::countNonZero(truth_scalp & pred_scalp) / uni : 1.0;
    }
  }
  const cv::Mat truth_fut = truth_labels == 1;
  s.fut_pred_pixels = cv::countNonZero(pred);
  if (s.has_fut) {
    const double inter = cv::countNonZero(pred & truth_fut);
    const double sum = s.fut_pred_pixels + cv::countNonZero(truth_fut);
    s.fut_dice = sum > 0 ? 2 * inter / sum : 0.0;
  }
  // FUT bands.
  s.fut_pred = static_cast<int>(r.fut.size());
  std::vector<char> used(r.fut.size(), 0);
  for (const TruthFut& tf : t.fut) {
    s.fut_length_true_mm += tf.length_mm;
    const double tol = std::max(1.0, tf.mean_width_mm / 2 + 0.5) * ppm;
    int best = -1;
    double best_frac = 0.5;
    for (size_t j = 0; j < r.fut.size(); ++j) {
      if (used[j] || r.fut[j].centerline_px.empty()) continue;
      int near = 0;
      for (const auto& p : r.fut[j].centerline_px) near += PointToPolyline(p, tf.centerline_px) <= tol;
      const double frac = static_cast<double>(near) / r.fut[j].centerline_px.size();
      if (frac > best_frac) best_frac = frac, best = static_cast<int>(j);
    }
    if (best < 0) continue;
    used[best] = 1;
    ++s.fut_found;
    const FutScar& pf = r.fut[best];
    const double len = pf.length_mm.value_or(pf.length_px / ppm);
    const double wid = pf.width_mm ? pf.width_mm->mean : pf.width_px.mean / ppm;
    const double area = pf.area_mm2.value_or(pf.area_px / (ppm * ppm));
    s.fut_length_rel.push_back((len - tf.length_mm) / tf.length_mm);
    s.fut_width_rel.push_back((wid - tf.mean_width_mm) / tf.mean_width_mm);
    if (tf.area_mm2 > 0) s.fut_area_rel.push_back((area - tf.area_mm2) / tf.area_mm2);
  }
  for (const FutScar& pf : r.fut) s.fut_length_pred_mm += pf.length_mm.value_or(pf.length_px / ppm);

  // Follicle density.
  if (t.follicle_density_per_cm2 > 0) {
    double pred_density = 0.0;
    if (r.follicles.density_per_cm2) pred_density = *r.follicles.density_per_cm2;
    else if (r.scalp.area_px > 0) pred_density = r.follicles.count / (r.scalp.area_px / (ppm * ppm) / 100.0);
    s.density_rel = (pred_density - t.follicle_density_per_cm2) / t.follicle_density_per_cm2;
  }
  if (s.has_marker) {
    s.calibration_rel = (r.calibration.source == CalibrationSource::kMarker && r.calibration.px_per_mm)
                            ? std::abs(*r.calibration.px_per_mm - ppm) / ppm
                            : 1.0;
  }
  return s;
}

Metrics Aggregate(const std::vector<ImageScore>& images) {
  Metrics m;
  m.images = static_cast<int>(images.size());
  std::vector<double> diam, len, wid, area, dens, cal, ba_len, ba_fue, scalp;
  double dice_sum = 0;
  int fut_true = 0, fut_found = 0, fut_free_clean = 0, scar_free_fp = 0;
  for (const ImageScore& s : images) {
    m.missing_reports += !s.report_found;
    m.fue_tp += s.fue_tp;
    m.fue_fp += s.fue_fp;
    m.fue_fn += s.fue_fn;
    diam.insert(diam.end(), s.fue_diameter_rel.begin(), s.fue_diameter_rel.end());
    if (s.scar_free) {
      ++m.scar_free_images;
      scar_free_fp += s.fue_fp;
    }
    if (s.has_fut) {
      ++m.fut_images;
      dice_sum += s.fut_dice;
      ba_len.push_back(s.fut_length_pred_mm - s.fut_length_true_mm);
    } else {
      ++m.fut_free_images;
      fut_free_clean += s.fut_pred_pixels == 0;
    }
    fut_true += s.fut_true;
    fut_found += s.fut_found;
    len.insert(len.end(), s.fut_length_rel.begin(), s.fut_length_rel.end());
    wid.insert(wid.end(), s.fut_width_rel.begin(), s.fut_width_rel.end());
    area.insert(area.end(), s.fut_area_rel.begin(), s.fut_area_rel.end());
    dens.push_back(s.density_rel);
    if (s.has_marker) {
      ++m.marker_images;
      cal.push_back(s.calibration_rel);
    }
    ba_fue.push_back(static_cast<double>(s.fue_pred_count - s.fue_true));
    if (s.scalp_iou >= 0.0) scalp.push_back(s.scalp_iou);
  }
  m.scalp_images = static_cast<int>(scalp.size());
  if (!scalp.empty()) {
    m.scalp_iou_median = Median(scalp);
    m.scalp_iou_min = *std::min_element(scalp.begin(), scalp.end());
  }
  m.fue_precision = m.fue_tp + m.fue_fp > 0 ? double(m.fue_tp) / (m.fue_tp + m.fue_fp) : 1.0;
  m.fue_recall = m.fue_tp + m.fue_fn > 0 ? double(m.fue_tp) / (m.fue_tp + m.fue_fn) : 1.0;
  m.fue_f1 = m.fue_precision + m.fue_recall > 0
                 ? 2 * m.fue_precision * m.fue_recall / (m.fue_precision + m.fue_recall) : 0.0;
  if (m.fue_tp + m.fue_fp + m.fue_fn == 0) m.fue_f1 = 1.0;
  m.fue_diameter_medabs_rel = MedAbs(diam);
  m.fue_diameter_bias_rel = Median(diam);
  m.fue_fp_per_scar_free_image = m.scar_free_images ? double(scar_free_fp) / m.scar_free_images : 0.0;
  m.fut_dice_mean = m.fut_images ? dice_sum / m.fut_images : 1.0;
  m.fut_band_recall = fut_true ? double(fut_found) / fut_true : 1.0;
  m.fut_length_medabs_rel = MedAbs(len);
  m.fut_width_medabs_rel = MedAbs(wid);
  m.fut_area_medabs_rel = MedAbs(area);
  m.fut_free_clean_fraction = m.fut_free_images ? double(fut_free_clean) / m.fut_free_images : 1.0;
  m.density_medabs_rel = MedAbs(dens);
  m.calibration_medabs_rel = MedAbs(cal);
  double sd = 0;
  MeanSd(ba_len, &m.ba_fut_length_bias_mm, &sd);
  m.ba_fut_length_loa_mm = 1.96 * sd;
  MeanSd(ba_fue, &m.ba_fue_count_bias, &sd);
  m.ba_fue_count_loa = 1.96 * sd;
  return m;
}

EvalResult EvaluateFolders(const EvalOptions& o, const fs::path& truth_dir, const fs::path& pred_dir) {
  o.Check();
  std::vector<fs::path> truths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(truth_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 11 && name.substr(name.size() - 11) == ".truth.json") truths.push_back(e.path());
  }
  if (truths.empty()) throw Error("no *.truth.json files in " + truth_dir.string());
  std::sort(truths.begin(), truths.end());
  EvalResult res;
  for (const fs::path& tp : truths) {
    const Truth t = ReadTruthJson(tp);
    const std::string stem = tp.filename().string().substr(0, tp.filename().string().size() - 11);
    cv::Mat labels = cv::imread((truth_dir / (stem + ".truth.png")).string(), cv::IMREAD_UNCHANGED);
    if (labels.empty()) labels = cv::Mat::zeros(t.height, t.width, CV_8U);
    ImageScore s = ScoreImage(o, t, labels, pred_dir / (stem + ".json"),
                              pred_dir / (stem + ".mask.png"), pred_dir / (stem + ".scalp.png"));
    s.stem = stem;
    res.images.push_back(std::move(s));
  }
  res.overall = Aggregate(res.images);
  std::map<std::string, std::vector<ImageScore>> skin, hair;
  for (const ImageScore& s : res.images) {
    skin[s.skin_band].push_back(s);
    hair[s.hair_color].push_back(s);
  }
  for (auto& [k, v] : skin) res.by_skin_band[k] = Aggregate(v);
  for (auto& [k, v] : hair) res.by_hair_color[k] = Aggregate(v);
  return res;
}

namespace {
nlohmann::ordered_json MetricsJson(const Metrics& m) {
  return {{"images", m.images},
          {"missing_reports", m.missing_reports},
          {"fue_precision", m.fue_precision},
          {"fue_recall", m.fue_recall},
          {"fue_f1", m.fue_f1},
          {"fue_tp", m.fue_tp},
          {"fue_fp", m.fue_fp},
          {"fue_fn", m.fue_fn},
          {"fue_diameter_medabs_rel", m.fue_diameter_medabs_rel},
          {"fue_diameter_bias_rel", m.fue_diameter_bias_rel},
          {"fue_fp_per_scar_free_image", m.fue_fp_per_scar_free_image},
          {"scar_free_images", m.scar_free_images},
          {"fut_images", m.fut_images},
          {"fut_dice_mean", m.fut_dice_mean},
          {"fut_band_recall", m.fut_band_recall},
          {"fut_length_medabs_rel", m.fut_length_medabs_rel},
          {"fut_width_medabs_rel", m.fut_width_medabs_rel},
          {"fut_area_medabs_rel", m.fut_area_medabs_rel},
          {"fut_free_images", m.fut_free_images},
          {"fut_free_clean_fraction", m.fut_free_clean_fraction},
          {"density_medabs_rel", m.density_medabs_rel},
          {"marker_images", m.marker_images},
          {"calibration_medabs_rel", m.calibration_medabs_rel},
          {"scalp_images", m.scalp_images},
          {"scalp_iou_median", m.scalp_iou_median},
          {"scalp_iou_min", m.scalp_iou_min},
          {"ba_fut_length_bias_mm", m.ba_fut_length_bias_mm},
          {"ba_fut_length_loa_mm", m.ba_fut_length_loa_mm},
          {"ba_fue_count_bias", m.ba_fue_count_bias},
          {"ba_fue_count_loa", m.ba_fue_count_loa}};
}
std::string Row(const std::string& name, const Metrics& m) {
  char b[256];
  std::snprintf(b, sizeof(b), "%-14s %4d  %6.3f %6.3f %6.3f  %7.3f  %6.3f %6.3f  %7.3f  %7.3f\n", name.c_str(),
                m.images, m.fue_precision, m.fue_recall, m.fue_f1, m.fue_diameter_medabs_rel,
                m.fut_dice_mean, m.fut_band_recall, m.fut_length_medabs_rel, m.density_medabs_rel);
  return b;
}
}  // namespace

std::string FormatEvalTable(const EvalResult& r) {
  const Metrics& m = r.overall;
  std::ostringstream s;
  char b[2048];
  s << "scarmap eval: " << m.images << " images (" << m.missing_reports << " without an ok report)\n\n";
  std::snprintf(
      b, sizeof(b),
      "FUE     precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)\n"
      "        diameter |rel err| median %.3f, bias %+.3f; FP per scar-free image %.2f (%d "
      "images)\n"
      "FUT     Dice mean %.3f (%d images); bands found %.3f\n"
      "        |rel err| median: length %.3f, mean width %.3f, area %.3f\n"
      "        FUT-free images with no FUT pixel: %.3f (%d images)\n"
      "Hair    density |rel err| median %.3f\n"
      "Scalp   region IoU median %.3f, min %.3f (%d images with a .scalp.png)\n"
      "Scale   marker px/mm |rel err| median %.4f (%d marker images)\n"
      "Bland-Altman  FUT length bias %+.2f mm, LoA +-%.2f mm; FUE count bias %+.2f, LoA +-%.2f\n\n",
      m.fue_precision, m.fue_recall, m.fue_f1, m.fue_tp, m.fue_fp, m.fue_fn,
      m.fue_diameter_medabs_rel, m.fue_diameter_bias_rel, m.fue_fp_per_scar_free_image,
      m.scar_free_images, m.fut_dice_mean, m.fut_images, m.fut_band_recall, m.fut_length_medabs_rel,
      m.fut_width_medabs_rel, m.fut_area_medabs_rel, m.fut_free_clean_fraction, m.fut_free_images,
      m.density_medabs_rel, m.scalp_iou_median, m.scalp_iou_min, m.scalp_images,
      m.calibration_medabs_rel, m.marker_images, m.ba_fut_length_bias_mm, m.ba_fut_length_loa_mm,
      m.ba_fue_count_bias, m.ba_fue_count_loa);
  s << b;
  const std::string head = "group          n     FUE-P  FUE-R  FUE-F1  diam-err  Dice   bands  len-err  dens-err\n";
  s << head << Row("all", m);
  for (const auto& [k, v] : r.by_skin_band) s << Row("skin:" + k, v);
  for (const auto& [k, v] : r.by_hair_color) s << Row("hair:" + k, v);
  return s.str();
}

std::string EvalResultToJson(const EvalResult& r) {
  nlohmann::ordered_json j;
  j["overall"] = MetricsJson(r.overall);
  for (const auto& [k, v] : r.by_skin_band) j["by_skin_band"][k] = MetricsJson(v);
  for (const auto& [k, v] : r.by_hair_color) j["by_hair_color"][k] = MetricsJson(v);
  j["images"] = nlohmann::ordered_json::array();
  for (const ImageScore& s : r.images)
    j["images"].push_back({{"stem", s.stem},
                           {"skin_band", s.skin_band},
                           {"hair_color", s.hair_color},
                           {"report_found", s.report_found},
                           {"fue_tp", s.fue_tp},
                           {"fue_fp", s.fue_fp},
                           {"fue_fn", s.fue_fn},
                           {"fut_dice", s.fut_dice},
                           {"fut_true", s.fut_true},
                           {"fut_found", s.fut_found},
                           {"fut_pred", s.fut_pred},
                           {"density_rel", s.density_rel},
                           {"calibration_rel", s.calibration_rel},
                           {"scalp_iou", s.scalp_iou}});
  return j.dump(2) + "\n";
}

}  // namespace scarmap
