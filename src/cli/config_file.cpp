#include "cli/config_file.hpp"

#include <fstream>
#include <optional>
#include <vector>

namespace scarmap::cli {
namespace {

enum class Kind { kFlag, kInteger, kNumber, kString };

// One key of a config file: a configurable option with a long name.
struct Setting {
  CLI::Option* option = nullptr;
  std::string key;
  Kind kind = Kind::kString;
  bool repeated = false;
};

std::vector<Setting> Settings(CLI::App& cmd) {
  std::vector<Setting> out;
  for (CLI::Option* opt : cmd.get_options()) {
    if (!opt->get_configurable() || opt == cmd.get_help_ptr() || opt->get_lnames().empty())
      continue;
    Setting s;
    s.option = opt;
    s.key = opt->get_lnames().front();
    if (opt->get_expected_min() == 0) {
      s.kind = Kind::kFlag;
    } else {
      // get_type_name() is "FLOAT", "INT", "TEXT", ... followed by ":<validator>" parts.
      const std::string type = opt->get_type_name().substr(0, opt->get_type_name().find(':'));
      s.kind = type == "FLOAT"                     ? Kind::kNumber
               : (type == "INT" || type == "UINT") ? Kind::kInteger
                                                   : Kind::kString;
      s.repeated = opt->get_items_expected_max() > 1;
    }
    out.push_back(s);
  }
  return out;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kFlag:
      return "true or false";
    case Kind::kInteger:
      return "an integer";
    case Kind::kNumber:
      return "a number";
    case Kind::kString:
      return "a string";
  }
  return "";
}

bool HasKind(Kind kind, const nlohmann::json& v) {
  switch (kind) {
    case Kind::kFlag:
      return v.is_boolean();
    case Kind::kInteger:
      return v.is_number_integer();
    case Kind::kNumber:
      return v.is_number();
    case Kind::kString:
      return v.is_string();
  }
  return false;
}

// The option's arguments, as they would be typed on the command line.
std::string ToArgument(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();  // numbers: shortest text that reads back to the same value
}

// The default as the option would print it, without changing what --help shows.
std::string DefaultText(CLI::Option* opt) {
  const std::string shown = opt->get_default_str();
  opt->capture_default_str();
  const std::string text = opt->get_default_str();
  opt->default_str(shown);
  return text;
}

bool PassesValidators(CLI::Option* opt, std::string text) {
  for (int i = 0;; ++i) {
    CLI::Validator* validator = nullptr;
    try {
      validator = opt->get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return true;
    }
    if (!(*validator)(text).empty()) return false;
  }
}

nlohmann::json DefaultValue(const Setting& s) {
  const std::string text = DefaultText(s.option);
  if (s.kind == Kind::kFlag) return !(text.empty() || text == "false" || text == "0");
  if (s.repeated || text.empty() || !PassesValidators(s.option, text)) return nullptr;
  try {
    if (s.kind == Kind::kInteger) return std::stoll(text);
    if (s.kind == Kind::kNumber) return std::stod(text);
  } catch (const std::exception&) {
    return nullptr;
  }
  return text;
}

void ApplyConfigFile(CLI::App& cmd, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CLI::FileError(path + ": cannot read the --config file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw CLI::ConversionError(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw CLI::ConversionError(path + ": must hold one JSON object");
  const std::vector<Setting> settings = Settings(cmd);
  for (const auto& [key, value] : j.items()) {
    const Setting* s = nullptr;
    for (const Setting& candidate : settings)
      if (candidate.key == key) s = &candidate;
    if (s == nullptr)
      throw CLI::ConfigError(path + ": unknown setting \"" + key +
                             "\" (`scarmap config --dump` lists them)");
    if (value.is_null()) continue;
    std::vector<std::string> args;
    const bool kind_ok = s->repeated ? value.is_array() : HasKind(s->kind, value);
    if (kind_ok && s->repeated) {
      for (const auto& item : value) {
        if (!HasKind(s->kind, item)) break;
        args.push_back(ToArgument(item));
      }
    } else if (kind_ok) {
      args.push_back(ToArgument(value));
    }
    if (!kind_ok || args.size() != (s->repeated ? value.size() : 1))
      throw CLI::ConversionError(path + ": setting \"" + key + "\" must be " +
                                 (s->repeated ? "an array of " : "") + KindName(s->kind) +
                                 ", not " + value.dump());
    if (!s->option->empty()) continue;        // given on the command line: that wins
    if (value == DefaultValue(*s)) continue;  // same as leaving it out
    try {
      if (s->kind == Kind::kFlag)
        s->option->add_result(s->option->get_flag_value(key, args.front()));
      else
        s->option->add_result(args);
      s->option->run_callback();  // validators and conversion, as for a command-line value
    } catch (const CLI::ParseError& e) {
      throw CLI::ValidationError(path + ": setting \"" + key + "\": " + e.what());
    }
  }
}

}  // namespace

CLI::Option* AddConfigOption(CLI::App* cmd, const std::string& help) {
  // The callback runs in CLI11's callback pass, when the whole command line has been read and
  // before requirements are checked, so a file can also fill a required option.
  return cmd
      ->add_option_function<std::string>(
          "--config", [cmd](const std::string& path) { ApplyConfigFile(*cmd, path); }, help)
      ->type_name("FILE")
      ->configurable(false);
}

nlohmann::ordered_json ConfigDefaults(CLI::App& cmd) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const Setting& s : Settings(cmd)) out[s.key] = DefaultValue(s);
  return out;
}

}  // namespace scarmap::cli
