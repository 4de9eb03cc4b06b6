#include "scarmap/io/output.hpp"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "scarmap/core/status.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(WriteFileAtomic, ReplacesContentAndLeavesNoTemporaryFiles) {
  TempDir dir;
  WriteFileAtomic(dir / "a.json", "first");
  WriteFileAtomic(dir / "a.json", "second");
  EXPECT_EQ(testing::ReadBytes(dir / "a.json"), "second");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(WriteFileAtomic, FailureLeavesTheTargetUntouched) {
  TempDir dir;
  WriteFileAtomic(dir / "a.json", "kept");
  EXPECT_THROW(WriteFileAtomic(dir / "missing_folder" / "a.json", "x"), Error);
  EXPECT_EQ(testing::ReadBytes(dir / "a.json"), "kept");
}

TEST(WriteFileAtomic, ReplacesALinkInsteadOfWritingThroughIt) {
  TempDir dir;
  fs::create_directories(dir / "out");
  testing::WriteBytes(dir / "victim.json", "keep me");
  fs::create_symlink(dir / "victim.json", dir / "out" / "a.json");
  WriteFileAtomic(dir / "out" / "a.json", "new");
  EXPECT_EQ(testing::ReadBytes(dir / "victim.json"), "keep me");
  EXPECT_FALSE(fs::is_symlink(dir / "out" / "a.json"));
  EXPECT_EQ(testing::ReadBytes(dir / "out" / "a.json"), "new");
}

TEST(RemoveStaleTemporaries, RemovesOnlyAtomicWriteLeftovers) {
  TempDir dir;
  testing::WriteBytes(dir / ".tmp.a.json.123.0", "{\"half");
  testing::WriteBytes(dir / "a.json", "{}");
  testing::WriteBytes(dir / ".hidden", "x");
  testing::WriteBytes(dir / "tmp.txt", "x");
  fs::create_directory(dir / ".tmp.folder");
  EXPECT_EQ(RemoveStaleTemporaries(dir.path()), 1);
  EXPECT_FALSE(fs::exists(dir / ".tmp.a.json.123.0"));
  for (const char* kept : {"a.json", ".hidden", "tmp.txt", ".tmp.folder"})
    EXPECT_TRUE(fs::exists(dir / kept)) << kept;
  EXPECT_TRUE(IsAtomicTemporaryName(".tmp.x"));
  EXPECT_FALSE(IsAtomicTemporaryName("x.tmp."));
}

TEST(FolderLock, IsExclusiveAndReleasedWithTheObject) {
  TempDir dir;
  {
    const FolderLock first(dir.path());
    EXPECT_THROW(FolderLock second(dir.path()), Error);
  }
  EXPECT_NO_THROW(FolderLock again(dir.path()));
  EXPECT_THROW(FolderLock missing(dir / "missing"), Error);
}

TEST(SanitizeStem, NeverEscapesTheFolder) {
  EXPECT_EQ(SanitizeStem("../../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(SanitizeStem(".."), "image");
  EXPECT_EQ(SanitizeStem(".hidden"), "hidden");
  EXPECT_EQ(SanitizeStem(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(SanitizeStem("patient 12 \xc3\xa9t\xc3\xa9"), "patient 12 \xc3\xa9t\xc3\xa9");
  EXPECT_LE(SanitizeStem(std::string(500, 'x')).size(), 120u);
  EXPECT_EQ(SanitizeStem(""), "image");
  EXPECT_EQ(SanitizeStem("caf\xe9 \xc3\xa9\xc3"), "caf_ \xc3\xa9_");  // Latin-1 and a cut sequence
  EXPECT_EQ(SanitizeStem("\xed\xa0\x80x"), "___x");                   // a UTF-16 surrogate
  EXPECT_EQ(SanitizeStem("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");    // an emoji stays
}

TEST(OutputFolder, AssignsStableUniqueStems) {
  TempDir dir;
  const OutputFolder out(dir / "out");
  const std::vector<fs::path> in = {"b/scan.jpg", "a/scan.jpg", "c/other.png", "a/scan.png"};
  const auto stems = out.AssignStems(in);
  std::set<std::string> unique;
  for (const auto& [p, s] : stems) unique.insert(s);
  EXPECT_EQ(unique.size(), 4u);
  EXPECT_EQ(stems.at("c/other.png"), "other");
  // Same inputs in another order: same names.
  const auto again = out.AssignStems({in[3], in[2], in[1], in[0]});
  EXPECT_EQ(stems, again);
}

TEST(OutputFolder, PathForRejectsEscapesAndSymlinks) {
  TempDir dir;
  const OutputFolder out(dir / "out");
  EXPECT_EQ(out.PathFor("a", ".json"), fs::canonical(dir / "out") / "a.json");
  EXPECT_THROW(out.PathFor("../x", ".json"), Error);
  EXPECT_THROW(out.PathFor("", ""), Error);
  fs::create_symlink("/tmp", dir / "out" / "link.json");
  EXPECT_THROW(out.PathFor("link", ".json"), Error);
}

TEST(OutputFolder, RefusesAFileAsTheFolder) {
  TempDir dir;
  testing::WriteBytes(dir / "file", "x");
  EXPECT_THROW(OutputFolder(dir / "file"), Error);
}

}  // namespace
}  // namespace scarmap
