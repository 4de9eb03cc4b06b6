#include "scarmap/report/report_json.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace scarmap {
namespace {

using json = nlohmann::ordered_json;

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json Opt(const std::optional<double>& v) { return v ? Num(*v) : json(nullptr); }
json Pt(const cv::Point2d& p) { return json::array({Num(p.x), Num(p.y)}); }
json Pts(const std::vector<cv::Point2d>& pts) {
  json a = json::array();
  for (const auto& p : pts) a.push_back(Pt(p));
  return a;
}
json Lab(const std::array<double, 3>& v) { return json::array({Num(v[0]), Num(v[1]), Num(v[2])}); }
json Range(const std::optional<std::array<double, 2>>& r) {
  return r ? json::array({Num((*r)[0]), Num((*r)[1])}) : json(nullptr);
}
json Width(const WidthStats& w) {
  return {{"mean", Num(w.mean)}, {"median", Num(w.median)}, {"min", Num(w.min)}, {"max", Num(w.max)}};
}
json ContrastJson(const Contrast& c) {
  return {{"delta_L", Num(c.delta_L)}, {"delta_E2000", Num(c.delta_E2000)},
          {"scar_lab", Lab(c.scar_lab)}, {"skin_lab", Lab(c.skin_lab)}};
}

// Readers: missing keys and nulls leave defaults; wrong types throw json exceptions, which the
// public functions turn into scarmap::Error.
double GetD(const json& j, const char* k, double def = 0.0) {
  if (!j.contains(k) || j[k].is_null()) return def;
  return j[k].get<double>();
}
std::optional<double> GetOpt(const json& j, const char* k) {
  if (!j.contains(k) || j[k].is_null()) return std::nullopt;
  return j[k].get<double>();
}
cv::Point2d GetPt(const json& j) {
  return {j.at(0).is_null() ? NAN : j.at(0).get<double>(),
          j.at(1).is_null() ? NAN : j.at(1).get<double>()};
}
std::vector<cv::Point2d> GetPts(const json& j, const char* k) {
  std::vector<cv::Point2d> out;
  if (!j.contains(k) || j[k].is_null()) return out;
  for (const auto& p : j[k]) out.push_back(GetPt(p));
  return out;
}
std::array<double, 3> GetLab(const json& j, const char* k) {
  std::array<double, 3> v{};
  if (!j.contains(k) || j[k].is_null()) return v;
  for (int i = 0; i < 3; ++i) v[i] = j[k].at(i).is_null() ? NAN : j[k].at(i).get<double>();
  return v;
}
std::optional<std::array<double, 2>> GetRange(const json& j, const char* k) {
  if (!j.contains(k) || j[k].is_null()) return std::nullopt;
  return std::array<double, 2>{j[k].at(0).get<double>(), j[k].at(1).get<double>()};
}
WidthStats GetWidth(const json& j) {
  return {GetD(j, "mean"), GetD(j, "median"), GetD(j, "min"), GetD(j, "max")};
}
Contrast GetContrast(const json& j) {
  Contrast c;
  if (j.is_null()) return c;
  c.delta_L = GetD(j, "delta_L");
  c.delta_E2000 = GetD(j, "delta_E2000");
  c.scar_lab = GetLab(j, "scar_lab");
  c.skin_lab = GetLab(j, "skin_lab");
  return c;
}
std::vector<std::string> GetStrings(const json& j, const char* k) {
  std::vector<std::string> out;
  if (!j.contains(k) || j[k].is_null()) return out;
  for (const auto& s : j[k]) out.push_back(s.get<std::string>());
  return out;
}
std::vector<int> GetInts(const json& j, const char* k) {
  std::vector<int> out;
  if (!j.contains(k) || j[k].is_null()) return out;
  for (const auto& s : j[k]) out.push_back(s.get<int>());
  return out;
}
std::string GetS(const json& j, const char* k) {
  if (!j.contains(k) || j[k].is_null()) return {};
  return j[k].get<std::string>();
}

json Triple(const double* v) { return json::array({Num(v[0]), Num(v[1]), Num(v[2])}); }

json ColorJson(const ColorCorrection& c) {
  if (c.source == ColorSource::kNone) return nullptr;
  json m = json::array();
  for (int r = 0; r < 3; ++r) m.push_back(Triple(c.matrix.val + 3 * r));
  const bool chart = c.source == ColorSource::kColorChecker;
  return {{"matrix", m},
          {"input_gamma", c.input_gamma > 0.0 ? Num(c.input_gamma) : json(nullptr)},
          {"white_gains", chart ? json(nullptr) : Triple(c.white_gains.data())},
          {"samples", c.samples},
          {"residual_delta_e2000", chart ? Num(c.residual_delta_e) : json(nullptr)},
          {"chart_corners_px", Pts(c.chart_corners_px)}};
}

ColorCorrection ColorFromJson(const json& cal) {
  ColorCorrection c;
  c.source = ColorSourceFromString(cal.value("color_source", "none"));
  if (!cal.contains("color_correction") || cal["color_correction"].is_null()) return c;
  const json& j = cal["color_correction"];
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 3; ++k) c.matrix(r, k) = j.at("matrix").at(r).at(k).get<double>();
  c.input_gamma = GetD(j, "input_gamma");
  if (j.contains("white_gains") && !j["white_gains"].is_null())
    for (int k = 0; k < 3; ++k) c.white_gains[k] = j["white_gains"].at(k).get<double>();
  c.samples = j.value("samples", 0);
  c.residual_delta_e = GetD(j, "residual_delta_e2000");
  c.chart_corners_px = GetPts(j, "chart_corners_px");
  return c;
}

json QualityJson(const std::optional<PhotoQuality>& q) {
  if (!q) return nullptr;
  json issues = json::array();
  for (const QualityIssue& i : q->issues)
    issues.push_back({{"check", i.check},
                      {"severity", i.poor ? "poor" : "warning"},
                      {"value", Num(i.value)},
                      {"limit", Num(i.limit)},
                      {"message", i.message}});
  return {{"poor", q->poor()},
          {"blur_sigma_mm", Opt(q->blur_sigma_mm)},
          {"blur_sigma_px", Num(q->blur_sigma_px)},
          {"overexposed_fraction", Num(q->overexposed_fraction)},
          {"underexposed_fraction", Num(q->underexposed_fraction)},
          {"glare_fraction", Num(q->glare_fraction)},
          {"hair_cover_fraction", Num(q->hair_cover_fraction)},
          {"scalp_fraction", Num(q->scalp_fraction)},
          {"scalp_area_cm2", Opt(q->scalp_area_cm2)},
          {"native_px_per_mm", Opt(q->native_px_per_mm)},
          {"issues", issues}};
}

std::optional<PhotoQuality> QualityFromJson(const json& j) {
  if (j.is_null()) return std::nullopt;
  PhotoQuality q;
  q.blur_sigma_mm = GetOpt(j, "blur_sigma_mm");
  q.blur_sigma_px = GetD(j, "blur_sigma_px");
  q.overexposed_fraction = GetD(j, "overexposed_fraction");
  q.underexposed_fraction = GetD(j, "underexposed_fraction");
  q.glare_fraction = GetD(j, "glare_fraction");
  q.hair_cover_fraction = GetD(j, "hair_cover_fraction");
  q.scalp_fraction = GetD(j, "scalp_fraction");
  q.scalp_area_cm2 = GetOpt(j, "scalp_area_cm2");
  q.native_px_per_mm = GetOpt(j, "native_px_per_mm");
  if (j.contains("issues"))
    for (const json& i : j["issues"])
      q.issues.push_back({GetS(i, "check"), GetS(i, "severity") == "poor", GetD(i, "value"),
                          GetD(i, "limit"), GetS(i, "message")});
  return q;
}

json PlanJson(const SmpPlan& p) {
  json scars = json::array();
  for (const auto& s : p.scars) {
    scars.push_back({{"scar_id", s.scar_id},
                     {"treatment_area_mm2", Opt(s.treatment_area_mm2)},
                     {"treatment_area_px", Num(s.treatment_area_px)},
                     {"treatment_polygon_px", Pts(s.treatment_polygon_px)},
                     {"target_density_per_cm2", Opt(s.target_density_per_cm2)},
                     {"density_source", s.density_source},
                     {"impressions", Range(s.impressions)},
                     {"visibility", Num(s.visibility)}});
  }
  json regions = json::array();
  for (const auto& r : p.regions) {
    regions.push_back({{"id", r.id},
                       {"scar_ids", r.scar_ids},
                       {"area_mm2", Opt(r.area_mm2)},
                       {"area_px", Num(r.area_px)},
                       {"polygon_px", Pts(r.polygon_px)},
                       {"target_density_per_cm2", Opt(r.target_density_per_cm2)},
                       {"impressions", Range(r.impressions)}});
  }
  return {{"planned", p.planned},
          {"margin_mm", Num(p.margin_mm)},
          {"treatment_area_mm2", Opt(p.treatment_area_mm2)},
          {"treatment_area_px", Num(p.treatment_area_px)},
          {"target_density_per_cm2", Opt(p.target_density_per_cm2)},
          {"impressions", Range(p.impressions)},
          {"sessions", json::array({p.sessions[0], p.sessions[1]})},
          {"session_reasons", p.session_reasons},
          {"shade_hint", p.shade_hint},
          {"referral_reasons", p.referral_reasons},
          {"notes", p.notes},
          {"most_visible", p.most_visible},
          {"scars", scars},
          {"regions", regions}};
}

SmpPlan PlanFromJson(const json& j) {
  SmpPlan p;
  if (j.is_null()) return p;
  p.planned = j.value("planned", false);
  p.margin_mm = GetD(j, "margin_mm", 5.0);
  p.treatment_area_mm2 = GetOpt(j, "treatment_area_mm2");
  p.treatment_area_px = GetD(j, "treatment_area_px");
  p.target_density_per_cm2 = GetOpt(j, "target_density_per_cm2");
  p.impressions = GetRange(j, "impressions");
  if (j.contains("sessions") && j["sessions"].is_array())
    p.sessions = {j["sessions"].at(0).get<int>(), j["sessions"].at(1).get<int>()};
  p.session_reasons = GetStrings(j, "session_reasons");
  p.shade_hint = GetS(j, "shade_hint");
  p.referral_reasons = GetStrings(j, "referral_reasons");
  p.notes = GetStrings(j, "notes");
  p.most_visible = GetInts(j, "most_visible");
  if (j.contains("scars"))
    for (const auto& s : j["scars"]) {
      SmpScarPlan sp;
      sp.scar_id = s.value("scar_id", 0);
      sp.treatment_area_mm2 = GetOpt(s, "treatment_area_mm2");
      sp.treatment_area_px = GetD(s, "treatment_area_px");
      sp.treatment_polygon_px = GetPts(s, "treatment_polygon_px");
      sp.target_density_per_cm2 = GetOpt(s, "target_density_per_cm2");
      sp.density_source = GetS(s, "density_source");
      sp.impressions = GetRange(s, "impressions");
      sp.visibility = GetD(s, "visibility");
      p.scars.push_back(std::move(sp));
    }
  if (j.contains("regions"))
    for (const auto& s : j["regions"]) {
      SmpRegion r;
      r.id = s.value("id", 0);
      r.scar_ids = GetInts(s, "scar_ids");
      r.area_mm2 = GetOpt(s, "area_mm2");
      r.area_px = GetD(s, "area_px");
      r.polygon_px = GetPts(s, "polygon_px");
      r.target_density_per_cm2 = GetOpt(s, "target_density_per_cm2");
      r.impressions = GetRange(s, "impressions");
      p.regions.push_back(std::move(r));
    }
  return p;
}

}  // namespace

std::string_view ToString(CalibrationSource source) {
  switch (source) {
    case CalibrationSource::kCli: return "cli";
    case CalibrationSource::kDpi: return "dpi";
    case CalibrationSource::kMarker: return "marker";
    case CalibrationSource::kNone: break;
  }
  return "none";
}

CalibrationSource CalibrationSourceFromString(std::string_view text) {
  if (text == "none") return CalibrationSource::kNone;
  if (text == "cli") return CalibrationSource::kCli;
  if (text == "dpi") return CalibrationSource::kDpi;
  if (text == "marker") return CalibrationSource::kMarker;
  throw Error("unknown calibration source: " + std::string(text));
}

std::string ReportToJson(const Report& r, int indent) {
  json scars = json::array();
  // FUT and FUE share one array ordered by id.
  std::vector<std::pair<int, json>> items;
  for (const FutScar& s : r.fut) {
    json wm = s.width_mm ? Width(*s.width_mm) : json(nullptr);
    items.emplace_back(s.id, json{{"id", s.id},
                                  {"type", "fut_linear"},
                                  {"centerline_px", Pts(s.centerline_px)},
                                  {"contour_px", Pts(s.contour_px)},
                                  {"length_mm", Opt(s.length_mm)},
                                  {"length_px", Num(s.length_px)},
                                  {"area_mm2", Opt(s.area_mm2)},
                                  {"area_px", Num(s.area_px)},
                                  {"width_mm", wm},
                                  {"width_px", Width(s.width_px)},
                                  {"width_profile_step_mm", Num(s.width_profile_step_mm)},
                                  {"width_profile_mm", s.width_profile_mm},
                                  {"contrast", ContrastJson(s.contrast)},
                                  {"confidence", Num(s.confidence)},
                                  {"touches_border", s.touches_border}});
  }
  for (const FueScar& s : r.fue) {
    items.emplace_back(s.id, json{{"id", s.id},
                                  {"type", "fue_dot"},
                                  {"center_px", Pt(s.center_px)},
                                  {"diameter_mm", Opt(s.diameter_mm)},
                                  {"diameter_px", Num(s.diameter_px)},
                                  {"area_mm2", Opt(s.area_mm2)},
                                  {"area_px", Num(s.area_px)},
                                  {"contrast", ContrastJson(s.contrast)},
                                  {"confidence", Num(s.confidence)},
                                  {"cluster_id", s.cluster_id < 0 ? json(nullptr) : json(s.cluster_id)}});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [id, j] : items) scars.push_back(std::move(j));
  json clusters = json::array();
  for (const FueCluster& c : r.fue_clusters) {
    clusters.push_back({{"id", c.id}, {"center_px", Pt(c.center_px)}, {"area_px", Num(c.area_px)},
                        {"area_mm2", Opt(c.area_mm2)}, {"dot_ids", c.dot_ids}});
  }
  json j = {
      {"schema", kReportSchema},
      {"tool", {{"name", r.tool_name}, {"version", r.tool_version}}},
      {"image",
       {{"path", r.image.path}, {"width", r.image.width}, {"height", r.image.height},
        {"sha256", r.image.sha256}, {"format", r.image.format}}},
      {"status", {{"code", std::string(ToString(r.status.code))}, {"message", r.status.message}}},
      {"calibration",
       {{"px_per_mm", Opt(r.calibration.px_per_mm)},
        {"source", std::string(ToString(r.calibration.source))},
        {"uncertainty_rel", Opt(r.calibration.uncertainty_rel)},
        {"marker_corners_px", Pts(r.calibration.marker_corners_px)},
        {"color_source", std::string(ToString(r.calibration.color.source))},
        {"color_correction", ColorJson(r.calibration.color)}}},
      {"scalp",
       {{"area_mm2", Opt(r.scalp.area_mm2)}, {"area_px", Num(r.scalp.area_px)},
        {"skin_lab", Lab(r.scalp.skin_lab)}, {"ita_deg", Num(r.scalp.ita_deg)},
        {"ita_class", r.scalp.ita_class}}},
      {"follicles",
       {{"count", r.follicles.count}, {"density_per_cm2", Opt(r.follicles.density_per_cm2)},
        {"density_per_mpx", Num(r.follicles.density_per_mpx)},
        {"unit_count", r.follicles.unit_count},
        {"unit_density_per_cm2", Opt(r.follicles.unit_density_per_cm2)},
        {"hairs_per_unit", Num(r.follicles.hairs_per_unit)}}},
      {"scars", scars},
      {"fue_clusters", clusters},
      {"summary",
       {{"fut_count", r.summary.fut_count},
        {"fut_total_length_mm", Opt(r.summary.fut_total_length_mm)},
        {"fue_count", r.summary.fue_count},
        {"fue_density_per_cm2", Opt(r.summary.fue_density_per_cm2)},
        {"scar_area_mm2", Opt(r.summary.scar_area_mm2)},
        {"fut_total_length_px", Num(r.summary.fut_total_length_px)},
        {"scar_area_px", Num(r.summary.scar_area_px)}}},
      {"smp_plan", PlanJson(r.smp_plan)},
      {"warnings", r.warnings},
      {"quality", QualityJson(r.quality)},
      {"processing",
       {{"working_px_per_mm", Num(r.processing.working_px_per_mm)},
        {"working_scale", Num(r.processing.working_scale)},
        {"decode_reduction", r.processing.decode_reduction}}},
  };
  // Replace invalid UTF-8 in paths/messages instead of throwing.
  return j.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string AsReportText(const std::string& text) {
  return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace))
      .get<std::string>();
}

Report ReportFromJson(const std::string& text) {
  try {
    const json j = json::parse(text);
    if (!j.is_object() || j.value("schema", "") != kReportSchema)
      throw Error("not a scarmap.report/1 document");
    Report r;
    const json& tool = j.at("tool");
    r.tool_name = GetS(tool, "name");
    r.tool_version = GetS(tool, "version");
    const json& img = j.at("image");
    r.image.path = GetS(img, "path");
    r.image.width = img.value("width", 0);
    r.image.height = img.value("height", 0);
    r.image.sha256 = GetS(img, "sha256");
    r.image.format = GetS(img, "format");
    const json& st = j.at("status");
    r.status.code = StatusCodeFromString(st.at("code").get<std::string>());
    r.status.message = GetS(st, "message");
    if (j.contains("calibration")) {
      const json& c = j["calibration"];
      r.calibration.px_per_mm = GetOpt(c, "px_per_mm");
      r.calibration.source = CalibrationSourceFromString(c.value("source", "none"));
      r.calibration.uncertainty_rel = GetOpt(c, "uncertainty_rel");
      r.calibration.marker_corners_px = GetPts(c, "marker_corners_px");
      r.calibration.color = ColorFromJson(c);
    }
    if (j.contains("scalp")) {
      const json& s = j["scalp"];
      r.scalp.area_mm2 = GetOpt(s, "area_mm2");
      r.scalp.area_px = GetD(s, "area_px");
      r.scalp.skin_lab = GetLab(s, "skin_lab");
      r.scalp.ita_deg = GetD(s, "ita_deg");
      r.scalp.ita_class = GetS(s, "ita_class");
    }
    if (j.contains("follicles")) {
      const json& f = j["follicles"];
      r.follicles.count = f.value("count", 0);
      r.follicles.density_per_cm2 = GetOpt(f, "density_per_cm2");
      r.follicles.density_per_mpx = GetD(f, "density_per_mpx");
      r.follicles.unit_count = f.value("unit_count", 0);
      r.follicles.unit_density_per_cm2 = GetOpt(f, "unit_density_per_cm2");
      r.follicles.hairs_per_unit = GetD(f, "hairs_per_unit");
    }
    if (j.contains("scars")) {
      for (const json& s : j["scars"]) {
        const std::string type = s.at("type").get<std::string>();
        if (type == "fut_linear") {
          FutScar f;
          f.id = s.at("id").get<int>();
          f.centerline_px = GetPts(s, "centerline_px");
          f.contour_px = GetPts(s, "contour_px");
          f.length_mm = GetOpt(s, "length_mm");
          f.length_px = GetD(s, "length_px");
          f.area_mm2 = GetOpt(s, "area_mm2");
          f.area_px = GetD(s, "area_px");
          if (s.contains("width_mm") && !s["width_mm"].is_null()) f.width_mm = GetWidth(s["width_mm"]);
          if (s.contains("width_px") && !s["width_px"].is_null()) f.width_px = GetWidth(s["width_px"]);
          f.width_profile_step_mm = GetD(s, "width_profile_step_mm", 1.0);
          if (s.contains("width_profile_mm") && !s["width_profile_mm"].is_null())
            for (const auto& v : s["width_profile_mm"])
              f.width_profile_mm.push_back(v.is_null() ? NAN : v.get<double>());
          f.contrast = GetContrast(s.value("contrast", json(nullptr)));
          f.confidence = GetD(s, "confidence");
          f.touches_border = s.value("touches_border", false);
          r.fut.push_back(std::move(f));
        } else if (type == "fue_dot") {
          FueScar d;
          d.id = s.at("id").get<int>();
          d.center_px = GetPt(s.at("center_px"));
          d.diameter_mm = GetOpt(s, "diameter_mm");
          d.diameter_px = GetD(s, "diameter_px");
          d.area_mm2 = GetOpt(s, "area_mm2");
          d.area_px = GetD(s, "area_px");
          d.contrast = GetContrast(s.value("contrast", json(nullptr)));
          d.confidence = GetD(s, "confidence");
          d.cluster_id = s.contains("cluster_id") && !s["cluster_id"].is_null()
                             ? s["cluster_id"].get<int>() : -1;
          r.fue.push_back(d);
        } else {
          throw Error("unknown scar type: " + type);
        }
      }
    }
    if (j.contains("fue_clusters")) {
      for (const json& c : j["fue_clusters"]) {
        FueCluster fc;
        fc.id = c.value("id", 0);
        fc.center_px = GetPt(c.at("center_px"));
        fc.area_px = GetD(c, "area_px");
        fc.area_mm2 = GetOpt(c, "area_mm2");
        fc.dot_ids = GetInts(c, "dot_ids");
        r.fue_clusters.push_back(std::move(fc));
      }
    }
    if (j.contains("summary")) {
      const json& s = j["summary"];
      r.summary.fut_count = s.value("fut_count", 0);
      r.summary.fut_total_length_mm = GetOpt(s, "fut_total_length_mm");
      r.summary.fue_count = s.value("fue_count", 0);
      r.summary.fue_density_per_cm2 = GetOpt(s, "fue_density_per_cm2");
      r.summary.scar_area_mm2 = GetOpt(s, "scar_area_mm2");
      r.summary.fut_total_length_px = GetD(s, "fut_total_length_px");
      r.summary.scar_area_px = GetD(s, "scar_area_px");
    }
    if (j.contains("smp_plan")) r.smp_plan = PlanFromJson(j["smp_plan"]);
    r.warnings = GetStrings(j, "warnings");
    if (j.contains("quality")) r.quality = QualityFromJson(j["quality"]);
    if (j.contains("processing")) {
      r.processing.working_px_per_mm = GetD(j["processing"], "working_px_per_mm");
      r.processing.working_scale = GetD(j["processing"], "working_scale", 1.0);
      r.processing.decode_reduction = j["processing"].value("decode_reduction", 1);
    }
    return r;
  } catch (const json::exception& e) {
    throw Error(std::string("malformed report JSON: ") + e.what());
  }
}

Report ReadReportFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read report " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ReportFromJson(ss.str());
}

}  // namespace scarmap
