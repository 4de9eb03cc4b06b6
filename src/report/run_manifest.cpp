#include "scarmap/report/run_manifest.hpp"

#include <nlohmann/json.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {
constexpr const char* kRunSchema = "scarmap.run/1";
}  // namespace

std::string RunManifestToJson(const RunManifest& m) {
  nlohmann::ordered_json j;
  j["schema"] = kRunSchema;
  j["tool"] = {{"name", "scarmap"}, {"version", m.tool_version}};
  j["complete"] = m.complete;
  j["settings"] = m.settings;
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const auto& [path, stem] : m.stems) inputs.push_back({{"path", path}, {"stem", stem}});
  j["inputs"] = std::move(inputs);
  // Input paths that are not valid UTF-8 are stored with U+FFFD (stems always are valid).
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

RunManifest RunManifestFromJson(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (!j.is_object() || j.value("schema", "") != kRunSchema)
      throw Error("not a scarmap.run/1 document");
    RunManifest m;
    m.tool_version = j.at("tool").at("version").get<std::string>();
    m.complete = j.at("complete").get<bool>();
    m.settings = j.at("settings").get<std::map<std::string, std::string>>();
    for (const auto& e : j.at("inputs"))
      m.stems[e.at("path").get<std::string>()] = e.at("stem").get<std::string>();
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("damaged run manifest: ") + e.what());
  }
}

}  // namespace scarmap
