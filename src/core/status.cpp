#include "scarmap/core/status.hpp"

#include <array>
#include <utility>

namespace scarmap {
namespace {
constexpr std::array<std::pair<StatusCode, std::string_view>, 8> kNames = {{
    {StatusCode::kOk, "ok"},
    {StatusCode::kNoScalp, "no_scalp"},
    {StatusCode::kUnreadable, "unreadable"},
    {StatusCode::kUnsupportedFormat, "unsupported_format"},
    {StatusCode::kTooLarge, "too_large"},
    {StatusCode::kTooSmall, "too_small"},
    {StatusCode::kPoorQuality, "poor_quality"},
    {StatusCode::kInternalError, "internal_error"},
}};
}  // namespace

std::string_view ToString(StatusCode code) {
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "internal_error";
}

StatusCode StatusCodeFromString(std::string_view text) {
  for (const auto& [c, name] : kNames) {
    if (name == text) return c;
  }
  throw Error("unknown status code: " + std::string(text));
}

}  // namespace scarmap
