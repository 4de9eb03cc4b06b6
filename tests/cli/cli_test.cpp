// Runs the real `scarmap` executable.
#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/cli_run.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

namespace fs = std::filesystem;

using testing::CliRun;
using testing::Q;
using testing::Scarmap;

TEST(Cli, VersionAndHelp) {
  const CliRun v = Scarmap("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.output.find("scarmap 0."), std::string::npos);
  const CliRun h = Scarmap("analyze --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.output.find("--px-per-mm"), std::string::npos);
  EXPECT_NE(h.output.find("millimetre"), std::string::npos);
}

TEST(Cli, AllGoodExitsZeroWithValidReports) {
  testing::TempDir dir;
  fs::create_directories(dir / "in");
  testing::WriteBytes(dir / "in" / "p1.jpg",
                      testing::Encode(testing::SkinWithDot({320, 240}, {60, 60}, 6), ".jpg"));
  testing::WriteBytes(dir / "in" / "p 2 \xc3\xa9.png",
                      testing::Encode(testing::SkinWithDot({320, 240}, {90, 60}, 6), ".png"));
  const CliRun r = Scarmap("analyze " + Q(dir / "in") + " -o " + Q(dir / "out") +
                        " --px-per-mm 12 --masks --overlays --jobs 2");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out" / "p1.json"));
  EXPECT_TRUE(fs::exists(dir / "out" / "p1.mask.png"));
  EXPECT_TRUE(fs::exists(dir / "out" / "p1.overlay.jpg"));
  EXPECT_TRUE(fs::exists(dir / "out" / "p 2 \xc3\xa9.json"));
  const auto j = nlohmann::json::parse(testing::ReadBytes(dir / "out" / "p1.json"));
  EXPECT_EQ(j["status"]["code"], "ok");
  EXPECT_EQ(j["calibration"]["source"], "cli");
  EXPECT_EQ(j["calibration"]["px_per_mm"], 12.0);
  const std::string validate = "/usr/bin/python3 " SCARMAP_SOURCE_DIR
                               "/tests/report/validate_schema.py " SCARMAP_SOURCE_DIR
                               "/schemas/scarmap.report.v1.json --documented " +
                               Q(dir / "out");
  EXPECT_EQ(std::system(validate.c_str()), 0);
}

TEST(Cli, SomeFailedExitsOneAndStillWritesEveryReport) {
  testing::TempDir dir;
  fs::create_directories(dir / "in" / "folder.jpg");
  testing::WriteBytes(dir / "in" / "good.png",
                      testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
  testing::WriteBytes(dir / "in" / "empty.jpg", "");
  const std::string jpg = testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".jpg");
  testing::WriteBytes(dir / "in" / "trunc.jpg", jpg.substr(0, jpg.size() / 2));
  testing::WriteBytes(dir / "in" / "text.jpg", "hello");
  testing::WriteBytes(dir / "in" / "photo.heic", "not really heic");
  const CliRun r = Scarmap("analyze " + Q(dir / "in") + " -o " + Q(dir / "out") + " -q");
  EXPECT_EQ(r.code, 1) << r.output;
  const std::map<std::string, std::string> expect = {
      {"good", "ok"},         {"empty", "unreadable"}, {"trunc", "unreadable"},
      {"text", "unreadable"}, {"folder", "unreadable"}, {"photo", "unreadable"}};
  for (const auto& [stem, code] : expect) {
    const auto j = nlohmann::json::parse(testing::ReadBytes(dir / "out" / (stem + ".json")));
    EXPECT_EQ(j["status"]["code"], code) << stem;
    EXPECT_EQ(j["schema"], "scarmap.report/1");
  }
  const std::string validate = "/usr/bin/python3 " SCARMAP_SOURCE_DIR
                               "/tests/report/validate_schema.py " SCARMAP_SOURCE_DIR
                               "/schemas/scarmap.report.v1.json " + Q(dir / "out");
  EXPECT_EQ(std::system(validate.c_str()), 0);
}

TEST(Cli, ProgressBarOnATerminalPlainLinesOtherwiseQuietSilences) {
  testing::TempDir dir;
  fs::create_directories(dir / "in");
  for (const char* name : {"a.png", "b.png"})
    testing::WriteBytes(dir / "in" / name,
                        testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
  const std::string args = "analyze " + Q(dir / "in") + " -o " + Q(dir / "out") + " --jobs 2";
  // Not a terminal (a pipe): one plain line per photo.
  const CliRun plain = Scarmap(args);
  EXPECT_EQ(plain.code, 0) << plain.output;
  EXPECT_NE(plain.output.find("scarmap: 2 photos, 2 at a time\n"), std::string::npos)
      << plain.output;
  EXPECT_NE(plain.output.find("scarmap: 2/2 done (0 failed): "), std::string::npos);
  EXPECT_EQ(plain.output.find('\r'), std::string::npos);
  EXPECT_NE(plain.output.find("index.html"), std::string::npos);
  // --quiet: nothing at all (--force: the folder holds the run above).
  const CliRun quiet = Scarmap(args + " -q --force");
  EXPECT_EQ(quiet.code, 0);
  EXPECT_EQ(quiet.output, "");
  // A terminal (script(1) gives it one): a bar redrawn in place, ending with a newline.
  const CliRun tty = [&] {
    CliRun r;
    const std::string cmd = "script -qec \"" + std::string(SCARMAP_BINARY) + " " + args +
                            " --force\" /dev/null 2>&1 </dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
    r.code = ::pclose(p);
    return r;
  }();
  EXPECT_NE(tty.output.find("\r[..............................] 0/2"), std::string::npos)
      << tty.output;
  EXPECT_NE(tty.output.find("\r[##############################] 2/2"), std::string::npos)
      << tty.output;
  EXPECT_NE(tty.output.find("failed 0\x1b[K"), std::string::npos);
  EXPECT_EQ(tty.output.find("done (0 failed)"), std::string::npos);  // no plain lines
}

TEST(Cli, UsageErrorsExitTwoBeforeAnyWork) {
  testing::TempDir dir;
  EXPECT_EQ(Scarmap("analyze").code, 2);
  EXPECT_EQ(Scarmap("analyze x.jpg").code, 2);  // no -o
  EXPECT_EQ(Scarmap("analyze x.jpg -o " + Q(dir / "o") + " --px-per-mm -3").code, 2);
  EXPECT_EQ(Scarmap("analyze x.jpg -o " + Q(dir / "o") + " --bogus").code, 2);
  EXPECT_EQ(Scarmap("frobnicate").code, 2);
  EXPECT_FALSE(fs::exists(dir / "o"));
}

TEST(Cli, ConfigFileFillsOptionsAndFlagsWin) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "a.png",
                      testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
  testing::WriteBytes(dir / "c.json", R"({"px-per-mm": 10, "masks": true})");
  CliRun r = Scarmap("analyze " + Q(dir / "a.png") + " -o " + Q(dir / "o1") + " -q --config " +
                  Q(dir / "c.json"));
  EXPECT_EQ(r.code, 0) << r.output;
  auto j = nlohmann::json::parse(testing::ReadBytes(dir / "o1" / "a.json"));
  EXPECT_EQ(j["calibration"]["px_per_mm"], 10.0);
  EXPECT_TRUE(fs::exists(dir / "o1" / "a.mask.png"));
  r = Scarmap("analyze " + Q(dir / "a.png") + " -o " + Q(dir / "o2") + " -q --px-per-mm 8 --config " +
              Q(dir / "c.json"));
  j = nlohmann::json::parse(testing::ReadBytes(dir / "o2" / "a.json"));
  EXPECT_EQ(j["calibration"]["px_per_mm"], 8.0);
  testing::WriteBytes(dir / "bad.json", R"({"no-such-setting": 1})");
  EXPECT_EQ(Scarmap("analyze " + Q(dir / "a.png") + " -o " + Q(dir / "o3") + " --config " +
                    Q(dir / "bad.json")).code, 2);
}

std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out[e.path().filename()] = testing::ReadBytes(e.path());
  return out;
}

TEST(Cli, AnEarlierRunIsRefusedUnlessResumedOrForced) {
  testing::TempDir dir;
  fs::create_directories(dir / "in");
  testing::WriteBytes(dir / "in" / "a.png",
                      testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
  const std::string base = "analyze " + Q(dir / "in") + " -o " + Q(dir / "out") + " -q";
  ASSERT_EQ(Scarmap(base + " --px-per-mm 12").code, 0);
  const auto before = Files(dir / "out");
  const CliRun again = Scarmap(base + " --px-per-mm 12");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.output.find("earlier scarmap run"), std::string::npos) << again.output;
  const CliRun other = Scarmap(base + " --px-per-mm 10 --resume");
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.output.find("different settings"), std::string::npos) << other.output;
  EXPECT_EQ(Scarmap(base + " --resume --force").code, 2);
  EXPECT_EQ(Files(dir / "out"), before);  // refused: nothing changed
  EXPECT_EQ(Scarmap(base + " --px-per-mm 12 --resume").code, 0);
  EXPECT_EQ(Files(dir / "out"), before);  // everything was complete: nothing rewritten
  EXPECT_EQ(Scarmap(base + " --px-per-mm 10 --force").code, 0);
  const auto j = nlohmann::json::parse(testing::ReadBytes(dir / "out" / "a.json"));
  EXPECT_EQ(j["calibration"]["px_per_mm"], 10.0);
}

TEST(Cli, OutputAmongTheInputPhotosIsRefused) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "a.png",
                      testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
  const auto before = Files(dir.path());
  const CliRun r = Scarmap("analyze " + Q(dir.path()) + " -o " + Q(dir.path()));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("holds input photos"), std::string::npos) << r.output;
  EXPECT_EQ(Files(dir.path()), before);
}

TEST(Cli, ExifRotatedJpegReportsUprightSize) {
  testing::TempDir dir;
  const cv::Mat stored = testing::SkinWithDot({300, 200}, {40, 30}, 6);
  testing::WriteBytes(dir / "rot.jpg", testing::JpegWithOrientation(stored, 6));
  const CliRun r = Scarmap("analyze " + Q(dir / "rot.jpg") + " -o " + Q(dir / "o") + " -q --masks");
  EXPECT_EQ(r.code, 0) << r.output;
  const auto j = nlohmann::json::parse(testing::ReadBytes(dir / "o" / "rot.json"));
  EXPECT_EQ(j["image"]["width"], 200);
  EXPECT_EQ(j["image"]["height"], 300);
}

}  // namespace
}  // namespace scarmap
