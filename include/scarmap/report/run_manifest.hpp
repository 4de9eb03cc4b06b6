// The run manifest: `.scarmap-run` in a batch output folder records which settings and inputs
// wrote the folder, so that a later run can tell a run it may complete (--resume) from a
// different one it must not overwrite (without --force). JSON, schema "scarmap.run/1".
#pragma once

#include <map>
#include <string>
#include <vector>

namespace scarmap {

struct RunManifest {
  std::string tool_version;
  /// Settings that change the outputs, as name -> canonical text ("12.5", "true", "none", ...).
  /// Two runs with equal settings give the same report for the same photo.
  std::map<std::string, std::string> settings;
  /// Every input of the run and the output stem it got (`<stem>.json`, `<stem>.mask.png`, ...).
  std::map<std::string, std::string> stems;  ///< input path -> stem
  bool complete = false;  ///< the run finished (summary.csv and scars.csv written)
};

/// The manifest's file name inside an output folder.
inline constexpr const char* kRunManifestName = ".scarmap-run";

/// Serialises a manifest (pretty-printed JSON).
std::string RunManifestToJson(const RunManifest& manifest);

/// Parses manifest JSON text. Throws scarmap::Error when it is not a scarmap.run/1 document.
RunManifest RunManifestFromJson(const std::string& text);

}  // namespace scarmap
