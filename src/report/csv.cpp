#include "scarmap/report/csv.hpp"

#include <cstdio>
#include <sstream>

namespace scarmap {
namespace {

std::string D(double v) {
  char b[64];
  std::snprintf(b, sizeof(b), "%.4g", v);
  return b;
}
std::string O(const std::optional<double>& v) { return v ? D(*v) : ""; }

}  // namespace

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

std::string SummaryCsv(const std::vector<std::pair<std::string, Report>>& reports) {
  std::ostringstream s;
  s << "stem,path,status,message,width,height,px_per_mm,calibration_source,scalp_area_mm2,"
       "skin_L,skin_a,skin_b,ita_deg,ita_class,follicle_count,follicle_density_per_cm2,"
       "fut_count,fut_total_length_mm,fue_count,fue_density_per_cm2,scar_area_mm2,"
       "max_delta_E2000,smp_planned,treatment_area_mm2,impressions_low,impressions_high,"
       "sessions_low,sessions_high,referral,warnings\r\n";
  for (const auto& [stem, r] : reports) {
    double max_de = 0;
    for (const auto& f : r.fut) max_de = std::max(max_de, f.contrast.delta_E2000);
    for (const auto& f : r.fue) max_de = std::max(max_de, f.contrast.delta_E2000);
    std::string referral, warnings;
    for (const auto& x : r.smp_plan.referral_reasons) referral += (referral.empty() ? "" : "; ") + x;
    for (const auto& x : r.warnings) warnings += (warnings.empty() ? "" : "; ") + x;
    const bool ok = r.status.ok();
    s << CsvField(stem) << ',' << CsvField(r.image.path) << ',' << ToString(r.status.code) << ','
      << CsvField(r.status.message) << ',' << r.image.width << ',' << r.image.height << ','
      << O(r.calibration.px_per_mm) << ',' << ToString(r.calibration.source) << ','
      << O(r.scalp.area_mm2) << ',' << (ok ? D(r.scalp.skin_lab[0]) : "") << ','
      << (ok ? D(r.scalp.skin_lab[1]) : "") << ',' << (ok ? D(r.scalp.skin_lab[2]) : "") << ','
      << (ok ? D(r.scalp.ita_deg) : "") << ',' << r.scalp.ita_class << ',' << r.follicles.count
      << ',' << O(r.follicles.density_per_cm2) << ',' << r.summary.fut_count << ','
      << O(r.summary.fut_total_length_mm) << ',' << r.summary.fue_count << ','
      << O(r.summary.fue_density_per_cm2) << ',' << O(r.summary.scar_area_mm2) << ','
      << (ok ? D(max_de) : "") << ',' << (r.smp_plan.planned ? "yes" : "no") << ','
      << O(r.smp_plan.treatment_area_mm2) << ','
      << (r.smp_plan.impressions ? D((*r.smp_plan.impressions)[0]) : "") << ','
      << (r.smp_plan.impressions ? D((*r.smp_plan.impressions)[1]) : "") << ','
      << r.smp_plan.sessions[0] << ',' << r.smp_plan.sessions[1] << ',' << CsvField(referral)
      << ',' << CsvField(warnings) << "\r\n";
  }
  return s.str();
}

std::string ScarsCsv(const std::vector<std::pair<std::string, Report>>& reports) {
  std::ostringstream s;
  s << "stem,scar_id,type,center_x_px,center_y_px,length_mm,width_mean_mm,diameter_mm,area_mm2,"
       "length_px,diameter_px,area_px,delta_L,delta_E2000,confidence,cluster_id,touches_border\r\n";
  for (const auto& [stem, r] : reports) {
    for (const auto& f : r.fut) {
      cv::Point2d c = f.centerline_px.empty() ? cv::Point2d() : f.centerline_px[f.centerline_px.size() / 2];
      s << CsvField(stem) << ',' << f.id << ",fut_linear," << D(c.x) << ',' << D(c.y) << ','
        << O(f.length_mm) << ',' << (f.width_mm ? D(f.width_mm->mean) : "") << ",," << O(f.area_mm2)
        << ',' << D(f.length_px) << ",," << D(f.area_px) << ',' << D(f.contrast.delta_L) << ','
        << D(f.contrast.delta_E2000) << ',' << D(f.confidence) << ",," << (f.touches_border ? "yes" : "no")
        << "\r\n";
    }
    for (const auto& d : r.fue) {
      s << CsvField(stem) << ',' << d.id << ",fue_dot," << D(d.center_px.x) << ','
        << D(d.center_px.y) << ",,," << O(d.diameter_mm) << ',' << O(d.area_mm2) << ",,"
        << D(d.diameter_px) << ',' << D(d.area_px) << ',' << D(d.contrast.delta_L) << ','
        << D(d.contrast.delta_E2000) << ',' << D(d.confidence) << ','
        << (d.cluster_id >= 0 ? std::to_string(d.cluster_id) : "") << ",\r\n";
    }
  }
  return s.str();
}

}  // namespace scarmap
