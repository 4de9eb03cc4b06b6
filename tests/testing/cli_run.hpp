// Test helper: runs the real `scarmap` executable of this build.
#pragma once

#include <filesystem>
#include <string>

namespace scarmap::testing {

struct CliRun {
  int code = -1;       ///< exit code (-1 when it did not exit normally)
  std::string output;  ///< stdout and stderr, interleaved
};

/// Runs `scarmap <args>` through the shell (stdin from /dev/null). `args` is shell text: quote
/// paths with Q().
CliRun Scarmap(const std::string& args);

/// `p` in single quotes for the shell.
std::string Q(const std::filesystem::path& p);

}  // namespace scarmap::testing
