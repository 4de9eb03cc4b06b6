// JSON form of the report. The only code that knows the report's JSON layout.
#pragma once

#include <filesystem>
#include <string>

#include "scarmap/report/report.hpp"

namespace scarmap {

/// Serialises a report to JSON text (pretty-printed with `indent` spaces, compact when < 0).
/// A non-ok report still carries schema, tool, image.path and status.
std::string ReportToJson(const Report& report, int indent = 2);

/// The text a report holds for `text` (e.g. image.path): JSON holds only Unicode, so bytes that
/// are not valid UTF-8 (a Latin-1 file name) become U+FFFD. Compare paths read from a report
/// with AsReportText(path), not with the path itself.
std::string AsReportText(const std::string& text);

/// Parses report JSON text. Throws scarmap::Error when it is not a scarmap.report/1 document.
/// Scars are split back into Report::fut / Report::fue by their "type".
Report ReportFromJson(const std::string& text);

/// Reads and parses a report file. Throws scarmap::Error on I/O or parse failure.
Report ReadReportFile(const std::filesystem::path& path);

}  // namespace scarmap
