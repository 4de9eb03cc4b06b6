#include "scarmap/io/truth_json.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scarmap/core/status.hpp"
#include "scarmap/io/output.hpp"

namespace scarmap {
namespace {
using json = nlohmann::ordered_json;

json Pts(const std::vector<cv::Point2d>& pts) {
  json a = json::array();
  for (const auto& p : pts) a.push_back({p.x, p.y});
  return a;
}
std::vector<cv::Point2d> GetPts(const json& j) {
  std::vector<cv::Point2d> out;
  for (const auto& p : j) out.emplace_back(p.at(0).get<double>(), p.at(1).get<double>());
  return out;
}
}  // namespace

void WriteTruthJson(const Truth& t, const std::filesystem::path& path) {
  json fut = json::array();
  for (const auto& f : t.fut)
    fut.push_back({{"id", f.id},
                   {"centerline_px", Pts(f.centerline_px)},
                   {"length_mm", f.length_mm},
                   {"mean_width_mm", f.mean_width_mm},
                   {"area_mm2", f.area_mm2},
                   {"delta_L", f.delta_L},
                   {"touches_border", f.touches_border},
                   {"trichophytic", f.trichophytic},
                   {"ragged", f.ragged},
                   {"shiny", f.shiny},
                   {"under_long_hair", f.under_long_hair}});
  json fue = json::array();
  for (const auto& d : t.fue)
    fue.push_back({{"id", d.id},
                   {"center_px", {d.center_px.x, d.center_px.y}},
                   {"diameter_mm", d.diameter_mm},
                   {"area_mm2", d.area_mm2},
                   {"delta_L", d.delta_L},
                   {"cluster_id", d.cluster_id},
                   {"pink", d.pink},
                   {"shiny", d.shiny},
                   {"depressed", d.depressed}});
  json marks = json::array();
  for (const auto& m : t.distractor_marks)
    marks.push_back({{"kind", m.kind}, {"center_px", {m.center_px.x, m.center_px.y}}, {"radius_mm", m.radius_mm}});
  json corners = json::array();
  for (const auto& c : t.marker.corners_px) corners.push_back({c.x, c.y});
  const json j = {{"schema", "scarmap.truth/1"},
                  {"image", t.image},
                  {"width", t.width},
                  {"height", t.height},
                  {"seed", t.seed},
                  {"jpeg_quality", t.jpeg_quality},
                  {"px_per_mm", t.px_per_mm},
                  {"skin_lab", {t.skin_lab[0], t.skin_lab[1], t.skin_lab[2]}},
                  {"ita_deg", t.ita_deg},
                  {"skin_band", t.skin_band},
                  {"hair_color", t.hair_color},
                  {"hair_length_mm", t.hair_length_mm},
                  {"follicle_count", t.follicle_count},
                  {"follicle_density_per_cm2", t.follicle_density_per_cm2},
                  {"scalp_area_mm2", t.scalp_area_mm2},
                  {"fut", fut},
                  {"fue", fue},
                  {"marker",
                   {{"present", t.marker.present},
                    {"dictionary", t.marker.dictionary},
                    {"marker_id", t.marker.marker_id},
                    {"side_mm", t.marker.side_mm},
                    {"corners_px", corners}}},
                  {"distractors", t.distractors},
                  {"distractor_marks", marks},
                  {"effects", t.effects},
                  {"grey_hair_fraction", t.grey_hair_fraction}};
  WriteFileAtomic(path, j.dump(1) + "\n");
}

Truth ReadTruthJson(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read truth file " + path.string());
  try {
    json j;
    in >> j;
    if (j.value("schema", "") != "scarmap.truth/1") throw Error("not a scarmap truth file: " + path.string());
    Truth t;
    t.image = j.at("image").get<std::string>();
    t.width = j.at("width").get<int>();
    t.height = j.at("height").get<int>();
    t.seed = j.value("seed", std::uint64_t{0});
    t.jpeg_quality = j.value("jpeg_quality", 0);
    t.px_per_mm = j.at("px_per_mm").get<double>();
    for (int k = 0; k < 3; ++k) t.skin_lab[k] = j.at("skin_lab").at(k).get<double>();
    t.ita_deg = j.value("ita_deg", 0.0);
    t.skin_band = j.value("skin_band", "");
    t.hair_color = j.value("hair_color", "");
    t.hair_length_mm = j.value("hair_length_mm", 0.0);
    t.follicle_count = j.value("follicle_count", 0);
    t.follicle_density_per_cm2 = j.value("follicle_density_per_cm2", 0.0);
    t.scalp_area_mm2 = j.value("scalp_area_mm2", 0.0);
    for (const auto& f : j.at("fut")) {
      TruthFut x;
      x.id = f.at("id").get<int>();
      x.centerline_px = GetPts(f.at("centerline_px"));
      x.length_mm = f.at("length_mm").get<double>();
      x.mean_width_mm = f.at("mean_width_mm").get<double>();
      x.area_mm2 = f.at("area_mm2").get<double>();
      x.delta_L = f.value("delta_L", 0.0);
      x.touches_border = f.value("touches_border", false);
      x.trichophytic = f.value("trichophytic", false);
      x.ragged = f.value("ragged", false);
      x.shiny = f.value("shiny", false);
      x.under_long_hair = f.value("under_long_hair", false);
      t.fut.push_back(std::move(x));
    }
    for (const auto& d : j.at("fue")) {
      TruthFue x;
      x.id = d.at("id").get<int>();
      x.center_px = {d.at("center_px").at(0).get<double>(), d.at("center_px").at(1).get<double>()};
      x.diameter_mm = d.at("diameter_mm").get<double>();
      x.area_mm2 = d.at("area_mm2").get<double>();
      x.delta_L = d.value("delta_L", 0.0);
      x.cluster_id = d.value("cluster_id", -1);
      x.pink = d.value("pink", false);
      x.shiny = d.value("shiny", false);
      x.depressed = d.value("depressed", false);
      t.fue.push_back(x);
    }
    const json& m = j.at("marker");
    t.marker.present = m.value("present", false);
    t.marker.dictionary = m.value("dictionary", "DICT_4X4_50");
    t.marker.marker_id = m.value("marker_id", 0);
    t.marker.side_mm = m.value("side_mm", 10.0);
    if (m.contains("corners_px"))
      for (size_t k = 0; k < 4 && k < m["corners_px"].size(); ++k)
        t.marker.corners_px[k] = {m["corners_px"][k].at(0).get<double>(),
                                  m["corners_px"][k].at(1).get<double>()};
    t.distractors = j.value("distractors", std::vector<std::string>{});
    if (j.contains("distractor_marks"))
      for (const auto& m : j.at("distractor_marks"))
        t.distractor_marks.push_back({m.at("kind").get<std::string>(),
                                      {m.at("center_px").at(0).get<double>(), m.at("center_px").at(1).get<double>()},
                                      m.value("radius_mm", 0.0)});
    t.effects = j.value("effects", std::vector<std::string>{});
    t.grey_hair_fraction = j.value("grey_hair_fraction", 0.0);
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw Error("malformed truth file " + path.string() + ": " + e.what());
  }
}

}  // namespace scarmap
