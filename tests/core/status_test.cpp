#include "scarmap/core/status.hpp"

#include <gtest/gtest.h>

namespace scarmap {
namespace {

TEST(StatusCode, RoundTripsEveryCode) {
  for (StatusCode c : {StatusCode::kOk, StatusCode::kNoScalp, StatusCode::kUnreadable,
                       StatusCode::kUnsupportedFormat, StatusCode::kTooLarge, StatusCode::kTooSmall,
                       StatusCode::kPoorQuality, StatusCode::kInternalError}) {
    EXPECT_EQ(StatusCodeFromString(ToString(c)), c);
  }
  EXPECT_EQ(ToString(StatusCode::kUnsupportedFormat), "unsupported_format");
  EXPECT_THROW(StatusCodeFromString("nope"), Error);
}

}  // namespace
}  // namespace scarmap
