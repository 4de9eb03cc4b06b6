// Subcommand registration. Each subcommand lives in its own <name>_command.cpp and registers
// itself on the app; the returned function runs it after parsing and gives the exit code.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace scarmap::cli {

using CommandRunner = std::function<int()>;

/// `scarmap analyze`: analyse photos into reports.
CommandRunner AddAnalyzeCommand(CLI::App& app);
/// `scarmap synth`: render synthetic scalp photos with exact ground truth.
CommandRunner AddSynthCommand(CLI::App& app);
/// `scarmap eval`: score reports against ground truth.
CommandRunner AddEvalCommand(CLI::App& app);

/// `scarmap marker`: write a printable calibration marker sheet.
CommandRunner AddMarkerCommand(CLI::App& app);
/// `scarmap config --dump`: the defaults of every `analyze --config` setting (register it after
/// analyze).
CommandRunner AddConfigCommand(CLI::App& app);

/// Exit codes (documented in README.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

}  // namespace scarmap::cli
