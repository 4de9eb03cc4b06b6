// Small text helpers for report messages.
#pragma once

#include <cstdio>
#include <string>

namespace scarmap {

/// One number through a printf format with a single double conversion, e.g. Fmt("%.1f mm", v).
/// Messages longer than 160 characters are cut.
inline std::string Fmt(const char* fmt, double v) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

}  // namespace scarmap
