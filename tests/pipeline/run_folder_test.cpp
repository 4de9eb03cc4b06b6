#include "scarmap/pipeline/run_folder.hpp"

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "scarmap/report/report_json.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

namespace fs = std::filesystem;

// Every file below `dir` (links as links) -> its bytes or link target.
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path rel = fs::relative(it->path(), dir);
    if (it->is_symlink())
      out[rel.string()] = "-> " + fs::read_symlink(it->path()).string();
    else if (it->is_regular_file())
      out[rel.string()] = testing::ReadBytes(it->path());
    else
      out[rel.string() + "/"] = "";
  }
  return out;
}

// The message RunBatch refuses with, or "" when it ran.
std::string Refusal(const BatchOptions& o, const std::vector<fs::path>& inputs) {
  try {
    RunBatch(o, inputs);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

struct Inputs {
  testing::TempDir dir;
  Inputs() {
    fs::create_directories(dir / "in");
    testing::WriteBytes(dir / "in" / "a.png",
                        testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
    testing::WriteBytes(dir / "in" / "b.png",
                        testing::Encode(testing::SkinWithDot({200, 150}, {90, 70}, 6), ".png"));
  }
  BatchOptions Options(const std::string& out) const {
    BatchOptions o;
    o.out_dir = dir / out;
    o.pipeline.px_per_mm = 12.0;
    return o;
  }
};

TEST(RunFolder, RefusesToWriteAmongTheInputPhotos) {
  Inputs in;
  const auto before = Tree(in.dir.path());
  BatchOptions o = in.Options("in");
  EXPECT_THROW(RunBatch(o, {in.dir / "in"}), Error);
  o.out_dir = in.dir / "in" / "." / "";  // the same folder, spelled differently
  EXPECT_THROW(RunBatch(o, {in.dir / "in" / "a.png"}), Error);
  EXPECT_EQ(Tree(in.dir.path()), before);
  // A sub-folder of the input folder is fine, and its outputs are not inputs the next time.
  o.out_dir = in.dir / "in" / "reports";
  o.recursive = true;
  EXPECT_EQ(RunBatch(o, {in.dir / "in"}).items.size(), 2u);
  o.resume = true;
  EXPECT_EQ(RunBatch(o, {in.dir / "in"}).items.size(), 2u);
}

TEST(RunFolder, RefusesAnEarlierRunWithoutResumeOrForceAndChangesNothing) {
  Inputs in;
  BatchOptions o = in.Options("out");
  RunBatch(o, {in.dir / "in"});
  const auto before = Tree(in.dir.path());
  const std::string again = Refusal(o, {in.dir / "in"});
  EXPECT_NE(again.find("--resume"), std::string::npos) << again;
  o.pipeline.px_per_mm = 10.0;
  o.resume = true;  // different settings: --resume would mix two runs
  const std::string other = Refusal(o, {in.dir / "in"});
  EXPECT_NE(other.find("px-per-mm 12 -> 10"), std::string::npos) << other;
  EXPECT_EQ(Tree(in.dir.path()), before);
}

TEST(RunFolder, ForceReplacesTheEarlierRunAndLeavesOtherFilesAlone) {
  Inputs in;
  BatchOptions o = in.Options("out");
  o.masks = true;
  RunBatch(o, {in.dir / "in"});
  testing::WriteBytes(in.dir / "out" / "notes.txt", "clinic notes");
  ASSERT_TRUE(fs::exists(in.dir / "out" / "b.mask.png"));
  o.masks = false;
  o.force = true;
  const BatchResult r = RunBatch(o, {in.dir / "in" / "a.png"});
  EXPECT_EQ(r.items.size(), 1u);
  EXPECT_TRUE(fs::exists(in.dir / "out" / "a.json"));
  for (const char* gone : {"b.json", "b.mask.png", "a.mask.png"})
    EXPECT_FALSE(fs::exists(in.dir / "out" / gone)) << gone;
  EXPECT_EQ(testing::ReadBytes(in.dir / "out" / "notes.txt"), "clinic notes");
  const RunManifest m = RunManifestFromJson(testing::ReadBytes(in.dir / "out" / kRunManifestName));
  EXPECT_TRUE(m.complete);
  EXPECT_EQ(m.stems.size(), 1u);
  EXPECT_EQ(m.settings.at("masks"), "false");
}

TEST(RunFolder, ReportsWithoutAManifestAreAnEarlierRunToo) {
  Inputs in;
  BatchOptions o = in.Options("out");
  RunBatch(o, {in.dir / "in"});
  fs::remove(in.dir / "out" / kRunManifestName);
  fs::remove(in.dir / "out" / "summary.csv");
  fs::remove(in.dir / "out" / "scars.csv");
  EXPECT_THROW(RunBatch(o, {in.dir / "in"}), Error);
  o.resume = true;  // settings unknown: cannot resume safely
  EXPECT_THROW(RunBatch(o, {in.dir / "in"}), Error);
  o.resume = false;
  o.force = true;
  EXPECT_EQ(RunBatch(o, {in.dir / "in"}).items.size(), 2u);
}

TEST(RunFolder, ResumeRefusesToOverwriteAnotherPhotosReport) {
  Inputs in;
  BatchOptions o = in.Options("out");
  RunBatch(o, {in.dir / "in" / "a.png"});
  fs::create_directories(in.dir / "other");
  fs::copy_file(in.dir / "in" / "b.png", in.dir / "other" / "a.png");
  o.resume = true;  // other/a.png would get the stem "a" and overwrite in/a.png's report
  EXPECT_THROW(RunBatch(o, {in.dir / "other" / "a.png"}), Error);
  EXPECT_EQ(ReadReportFile(in.dir / "out" / "a.json").image.path,
            (in.dir / "in" / "a.png").string());
}

TEST(RunFolder, NeverWritesThroughALinkInTheOutputFolder) {
  Inputs in;
  fs::create_directories(in.dir / "out");
  fs::create_directories(in.dir / "outside");
  testing::WriteBytes(in.dir / "outside" / "victim.json", "precious");
  fs::create_symlink(in.dir / "outside" / "victim.json", in.dir / "out" / "a.json");
  const auto before = Tree(in.dir.path());
  BatchOptions o = in.Options("out");
  const std::string why = Refusal(o, {in.dir / "in"});
  EXPECT_NE(why.find("symbolic link"), std::string::npos) << why;
  EXPECT_EQ(Tree(in.dir.path()), before);
  EXPECT_EQ(testing::ReadBytes(in.dir / "outside" / "victim.json"), "precious");
}

TEST(RunFolder, StopFlagEndsTheBatchEarlyWithoutTables) {
  Inputs in;
  BatchOptions o = in.Options("out");
  std::atomic<bool> stop{false};
  o.stop = &stop;
  o.jobs = 1;
  // Stop once the first photo is done (the first call, 0 done, only announces the batch).
  const BatchResult r =
      RunBatch(o, {in.dir / "in"}, [&](const BatchProgress& p) { stop = stop || p.done >= 1; });
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.total, 2);
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_TRUE(fs::exists(in.dir / "out" / (r.items[0].stem + ".json")));
  EXPECT_FALSE(fs::exists(in.dir / "out" / "summary.csv"));
  EXPECT_FALSE(RunManifestFromJson(testing::ReadBytes(in.dir / "out" / kRunManifestName)).complete);
  // --resume finishes it.
  stop = false;
  o.resume = true;
  const BatchResult rest = RunBatch(o, {in.dir / "in"});
  EXPECT_FALSE(rest.interrupted);
  EXPECT_EQ(rest.items.size(), 2u);
  EXPECT_TRUE(fs::exists(in.dir / "out" / "summary.csv"));
  EXPECT_TRUE(RunManifestFromJson(testing::ReadBytes(in.dir / "out" / kRunManifestName)).complete);
}

TEST(RunFolder, StaleTemporariesOfAKilledRunAreRemoved) {
  Inputs in;
  BatchOptions o = in.Options("out");
  RunBatch(o, {in.dir / "in" / "a.png"});
  testing::WriteBytes(in.dir / "out" / ".tmp.b.json.999.0", "{\"sche");
  o.resume = true;
  RunBatch(o, {in.dir / "in"});
  EXPECT_FALSE(fs::exists(in.dir / "out" / ".tmp.b.json.999.0"));
  EXPECT_TRUE(fs::exists(in.dir / "out" / "b.json"));
}

TEST(RunFolder, AnotherRunHoldingTheFolderIsRefused) {
  Inputs in;
  fs::create_directories(in.dir / "out");
  const FolderLock held(in.dir / "out");
  BatchOptions o = in.Options("out");
  EXPECT_THROW(RunBatch(o, {in.dir / "in"}), Error);
}

TEST(RunSettings, RecordsWhatChangesOutputsButNotJobs) {
  BatchOptions a, b;
  b.jobs = 7;
  EXPECT_EQ(RunSettings(a), RunSettings(b));
  b.pipeline.smp.margin_mm = 3.0;
  EXPECT_NE(RunSettings(a), RunSettings(b));
  EXPECT_EQ(RunSettings(a).at("px-per-mm"), "none");
}

}  // namespace
}  // namespace scarmap
