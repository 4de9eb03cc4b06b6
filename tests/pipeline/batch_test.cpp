#include "scarmap/pipeline/batch.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "scarmap/report/report_json.hpp"
#include "scarmap/report/run_manifest.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

namespace fs = std::filesystem;

void MakeInputs(const testing::TempDir& dir) {
  fs::create_directories(dir / "in" / "sub");
  const cv::Mat a = testing::SkinWithDot({320, 240}, {60, 60}, 6);
  const cv::Mat b = testing::SkinWithDot({320, 240}, {200, 120}, 7);
  testing::WriteBytes(dir / "in" / "a.jpg", testing::Encode(a, ".jpg"));
  testing::WriteBytes(dir / "in" / "b.png", testing::Encode(b, ".png"));
  testing::WriteBytes(dir / "in" / "sub" / "a.jpg", testing::Encode(b, ".jpg"));  // same stem
  testing::WriteBytes(dir / "in" / "broken.jpg", "not a jpeg");
}

std::map<std::string, std::string> Outputs(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename()] = testing::ReadBytes(e.path());
  return out;
}

// Known scale, sub-folders included, overlays written.
BatchOptions WithOverlays(const fs::path& out) {
  BatchOptions o;
  o.pipeline.px_per_mm = 12.0;
  o.recursive = true;
  o.overlays = true;
  o.out_dir = out;
  return o;
}

TEST(RunBatch, ParallelOutputIsIdenticalToSerial) {
  testing::TempDir dir;
  MakeInputs(dir);
  BatchOptions o = WithOverlays(dir / "out1");
  o.masks = true;
  const BatchResult r1 = RunBatch(o, {dir / "in"});
  o.jobs = 3;
  o.out_dir = dir / "out2";
  const BatchResult r2 = RunBatch(o, {dir / "in"});
  EXPECT_EQ(r1.items.size(), 4u);
  EXPECT_EQ(r1.failed, 1);
  const auto out1 = Outputs(dir / "out1");
  EXPECT_EQ(out1, Outputs(dir / "out2"));
  // Every kind of output took part in the comparison.
  for (const char* name :
       {"index.html", "summary.csv", "scars.csv", "a.json", "a.mask.png", "a.scalp.png",
        "a.overlay.jpg", "a.thumb.jpg", "broken.json", kRunManifestName})
    EXPECT_EQ(out1.count(name), 1u) << name;
  // 3 photos x 5 files, broken.json, 3 batch files, the run manifest.
  EXPECT_EQ(out1.size(), 3 * 5u + 1u + 3u + 1u);
  // The scalp region at the photo's size, 0/255, over the area the report's densities use.
  const cv::Mat scalp = cv::imread((dir / "out1" / "a.scalp.png").string(), cv::IMREAD_UNCHANGED);
  const cv::Mat mask = cv::imread((dir / "out1" / "a.mask.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(scalp.type(), CV_8U);
  EXPECT_EQ(scalp.size(), mask.size());
  EXPECT_EQ(cv::countNonZero((scalp != 0) & (scalp != 255)), 0);
  EXPECT_GT(cv::countNonZero(scalp), scalp.total() / 4);
}

TEST(RunBatch, IndexPageListsEveryPhotoAndLinksItsFiles) {
  testing::TempDir dir;
  MakeInputs(dir);
  BatchOptions o = WithOverlays(dir / "out");
  RunBatch(o, {dir / "in"});
  const std::string html = testing::ReadBytes(dir / "out" / "index.html");
  for (const char* stem : {"a", "a__sub", "b"}) {
    const std::string s(stem);
    EXPECT_NE(html.find("<img src=\"./" + s + ".thumb.jpg\""), std::string::npos) << stem;
    EXPECT_NE(html.find("href=\"./" + s + ".overlay.jpg\""), std::string::npos) << stem;
    EXPECT_NE(html.find("href=\"./" + s + ".json\""), std::string::npos) << stem;
    EXPECT_TRUE(fs::exists(dir / "out" / (s + ".thumb.jpg"))) << stem;
  }
  EXPECT_EQ(html.find("mask.png"), std::string::npos);  // not asked for
  EXPECT_NE(html.find("broken.jpg</span><span class=\"badge bad\">unreadable"), std::string::npos);
  // A resumed batch writes the same page from the reports and thumbnails it finds.
  o.resume = true;
  RunBatch(o, {dir / "in"});
  EXPECT_EQ(testing::ReadBytes(dir / "out" / "index.html"), html);
}

TEST(RunBatch, EveryFileGetsOneReportAndTheBatchGoesOn) {
  testing::TempDir dir;
  MakeInputs(dir);
  BatchOptions o;
  o.recursive = true;
  o.out_dir = dir / "out";
  int calls = 0;
  const BatchResult r = RunBatch(o, {dir / "in", dir / "missing.png"}, [&](const BatchProgress& p) {
    ++calls;
    EXPECT_LE(p.done, p.total);
  });
  EXPECT_EQ(calls, 6);  // the start, then each of the 5 files
  EXPECT_EQ(r.failed, 2);
  std::set<std::string> stems;
  for (const auto& it : r.items) {
    stems.insert(it.stem);
    const Report rep = ReadReportFile(dir / "out" / (it.stem + ".json"));
    EXPECT_EQ(rep.image.path, it.input.string());
    EXPECT_EQ(rep.status.code, it.status);
  }
  EXPECT_EQ(stems.size(), 5u);  // the two a.jpg got distinct names
  EXPECT_TRUE(fs::exists(dir / "out" / "summary.csv"));
  EXPECT_TRUE(fs::exists(dir / "out" / "scars.csv"));
  EXPECT_TRUE(fs::exists(dir / "out" / "index.html"));
}

TEST(RunBatch, ResumeSkipsCompleteReports) {
  testing::TempDir dir;
  MakeInputs(dir);
  BatchOptions o;
  o.out_dir = dir / "out";
  RunBatch(o, {dir / "in"});
  fs::remove(dir / "out" / "b.json");
  o.resume = true;
  const BatchResult r = RunBatch(o, {dir / "in"});
  int skipped = 0;
  for (const auto& it : r.items) skipped += it.skipped;
  EXPECT_EQ(skipped, 2);  // a.jpg and broken.jpg kept; b.png redone
  EXPECT_TRUE(fs::exists(dir / "out" / "b.json"));
}

TEST(ExpandInputs, ListsImagesAndFoldersNamedLikeImages) {
  testing::TempDir dir;
  MakeInputs(dir);
  fs::create_directory(dir / "in" / "odd.jpg");
  testing::WriteBytes(dir / "in" / "notes.txt", "x");
  for (const char* own : {"a.thumb.jpg", "a.overlay.jpg", "a.mask.png", "a.scalp.png"})
    testing::WriteBytes(dir / "in" / own, "scarmap's own output, never an input");
  fs::create_directory_symlink(dir / "in", dir / "in" / "sub" / "loop");
  const auto flat = ExpandInputs({dir / "in"}, false);
  EXPECT_EQ(flat.size(), 4u);  // a.jpg, b.png, broken.jpg, odd.jpg
  const auto deep = ExpandInputs({dir / "in"}, true);
  EXPECT_EQ(deep.size(), 5u);  // + sub/a.jpg; the symlink loop is not followed
}

}  // namespace
}  // namespace scarmap
