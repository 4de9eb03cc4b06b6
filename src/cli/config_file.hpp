// `--config FILE.json` for a subcommand, derived from the subcommand's own options so the two
// cannot drift apart: every configurable long option is a key (its long name without "--").
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace scarmap::cli {

/// Adds `--config FILE.json` to `cmd`. The file holds one JSON object; its keys are long option
/// names of `cmd`, its values JSON of the option's type: true/false for a flag, an integer for
/// an INT option, a number for a FLOAT option, a string for a TEXT option, an array for a
/// repeatable option; null means "not set". The file is applied while CLI11 processes the
/// command line: after every option given there (the command line wins) and before the
/// required/excludes checks, through each option's own validators, so a value in the file means
/// exactly what the same value on the command line means. A value equal to the option's
/// default is the same as leaving the key out.
///
/// Failure: a missing or unreadable file, invalid JSON, a non-object, an unknown key, a wrong
/// JSON type or an invalid value throws a CLI::ParseError (the caller's usage error) naming the
/// file and the key.
CLI::Option* AddConfigOption(CLI::App* cmd, const std::string& help);

/// The object a config file of `cmd` accepts, filled with every key's default, in the order
/// of `cmd --help`. An option with no meaningful default (an empty string, or a default that
/// the option's own validators reject, such as "unknown" sentinels) is null. Call it while the
/// options still hold their defaults (before `cmd` is parsed).
nlohmann::ordered_json ConfigDefaults(CLI::App& cmd);

}  // namespace scarmap::cli
