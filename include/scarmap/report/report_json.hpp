// JSON form of the report. The only code that knows the report's JSON layout.
#pragma once

#include <filesystem>
#include <string>

#include "scarmap/report/report.hpp"

namespace scarmap {

/// Serialises a report to JSON text (pretty-printed with `indent` spaces, compact when < 0).
/// A non-ok report still carries schema, tool, image.path and status.
std::string ReportToJson(const Report& report, int indent = 2);

/// Parses report JSON text. Throws scarmap::Error when it is not a scarmap.report/1 document.
/// Scars are split back into Report::fut / Report::fue by their "type".
Report ReportFromJson(const std::string& text);

/// Reads and parses a report file. Throws scarmap::Error on I/O or parse failure.
Report ReadReportFile(const std::filesystem::path& path);

}  // namespace scarmap
