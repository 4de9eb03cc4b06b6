#include "scarmap/report/run_manifest.hpp"

#include <gtest/gtest.h>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

TEST(RunManifest, RoundTrips) {
  RunManifest m;
  m.tool_version = "0.1.0";
  m.settings = {{"px-per-mm", "12.5"}, {"masks", "true"}};
  m.stems = {{"/in/a.jpg", "a"}, {"/in/sub/a.jpg", "a__sub"}, {"/in/p \xc3\xa9.png", "p \xc3\xa9"}};
  m.complete = true;
  const RunManifest back = RunManifestFromJson(RunManifestToJson(m));
  EXPECT_EQ(back.tool_version, m.tool_version);
  EXPECT_EQ(back.settings, m.settings);
  EXPECT_EQ(back.stems, m.stems);
  EXPECT_TRUE(back.complete);
}

TEST(RunManifest, RejectsOtherDocuments) {
  EXPECT_THROW(RunManifestFromJson(""), Error);
  EXPECT_THROW(RunManifestFromJson("{\"schema\": \"scarmap.report/1\"}"), Error);
  EXPECT_THROW(RunManifestFromJson("{\"schema\": \"scarmap.run/1\", \"tool\": 3}"), Error);
  EXPECT_THROW(RunManifestFromJson("{\"schema\": \"scarmap.run/1\""), Error);
}

}  // namespace
}  // namespace scarmap
