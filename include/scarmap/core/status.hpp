// Per-image outcome codes and the project exception.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace scarmap {

/// Outcome of analysing one image; written as `status.code` in the report.
/// Expected per-image failures are values of this type, never exceptions.
enum class StatusCode {
  kOk,                 ///< "ok": analysed.
  kNoScalp,            ///< "no_scalp": no scalp skin found in the frame.
  kUnreadable,         ///< "unreadable": empty, truncated, corrupt, not an image, no permission.
  kUnsupportedFormat,  ///< "unsupported_format": a real image in a format scarmap cannot decode.
  kTooLarge,           ///< "too_large": declared dimensions above the pixel limit (not decoded).
  kTooSmall,           ///< "too_small": a side under the minimum, or too thin (not analysed).
  kPoorQuality,        ///< "poor_quality": analysed, but the photo cannot be trusted for planning.
  kInternalError,      ///< "internal_error": a bug; the message says what failed.
};

/// The report string of a code, e.g. "unsupported_format".
std::string_view ToString(StatusCode code);
/// Parses a report string; throws scarmap::Error on an unknown string.
StatusCode StatusCodeFromString(std::string_view text);

/// A per-image outcome: a code plus a human-readable message ("" when ok).
struct Status {
  StatusCode code = StatusCode::kOk;
  std::string message;

  bool ok() const { return code == StatusCode::kOk; }
  static Status Ok() { return {}; }
};

/// The project exception: thrown for broken preconditions and invalid options (never for an
/// expected per-image outcome, which is a Status).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scarmap
