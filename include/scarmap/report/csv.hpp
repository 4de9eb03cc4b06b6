// Batch tables: summary.csv (one row per image) and scars.csv (one row per scar), RFC 4180.
#pragma once

#include <string>
#include <vector>

#include "scarmap/report/report.hpp"

namespace scarmap {

/// Quotes a CSV field per RFC 4180 when it holds a comma, quote, CR or LF.
std::string CsvField(const std::string& value);

/// summary.csv text for the reports, each paired with its output stem.
std::string SummaryCsv(const std::vector<std::pair<std::string, Report>>& reports);

/// scars.csv text: one row per scar of every report.
std::string ScarsCsv(const std::vector<std::pair<std::string, Report>>& reports);

}  // namespace scarmap
