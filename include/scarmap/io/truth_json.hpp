// Reading and writing `<stem>.truth.json` (the synthetic ground truth format).
#pragma once

#include <filesystem>

#include "scarmap/core/truth.hpp"

namespace scarmap {

/// Writes `truth` as JSON to `path` atomically. Throws scarmap::Error on I/O failure.
void WriteTruthJson(const Truth& truth, const std::filesystem::path& path);

/// Reads a truth file. Throws scarmap::Error when it is missing or malformed.
Truth ReadTruthJson(const std::filesystem::path& path);

}  // namespace scarmap
