// `scarmap analyze --config FILE.json` and `scarmap config --dump`, through the real executable.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "testing/cli_run.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Q;
using testing::Scarmap;

// The long option names `scarmap <sub> --help` lists.
std::set<std::string> LongOptions(const std::string& sub) {
  const CliRun h = Scarmap(sub + " --help");
  EXPECT_EQ(h.code, 0);
  std::set<std::string> names;  // from the option column: "  -o,--out TEXT ...", "  --masks"
  const std::regex long_opt("^  (-[a-zA-Z],)?--([a-z][a-z0-9-]*)");
  std::istringstream lines(h.output);
  std::smatch m;
  for (std::string line; std::getline(lines, line);)
    if (std::regex_search(line, m, long_opt)) names.insert(m[2]);
  return names;
}

nlohmann::json Dump() {
  const CliRun d = Scarmap("config --dump");
  EXPECT_EQ(d.code, 0) << d.output;
  return nlohmann::json::parse(d.output);
}

// Reports hold no timings: two runs of the same photo and options give the same JSON.
nlohmann::json ReportOf(const fs::path& json) {
  return nlohmann::json::parse(testing::ReadBytes(json));
}

TEST(CliConfig, DumpHasEveryAnalyzeOptionAndRoundTrips) {
  const nlohmann::json dump = Dump();
  ASSERT_TRUE(dump.is_object());
  std::set<std::string> keys;
  for (const auto& [key, value] : dump.items()) keys.insert(key);
  std::set<std::string> options = LongOptions("analyze");
  options.erase("help");
  options.erase("config");
  EXPECT_EQ(keys, options);
  EXPECT_EQ(dump["margin-mm"], 5.0);
  EXPECT_EQ(dump["marker-dict"], "DICT_4X4_50");
  EXPECT_EQ(dump["masks"], false);
  EXPECT_TRUE(dump["px-per-mm"].is_null());  // no default: marker, then DPI
  EXPECT_TRUE(dump["out"].is_null());

  testing::TempDir dir;
  testing::WriteBytes(dir / "a.png",
                      testing::Encode(testing::SkinWithDot({320, 240}, {60, 60}, 6), ".png"));
  testing::WriteBytes(dir / "defaults.json", dump.dump(2));
  const std::string photo = Q(dir / "a.png");
  CliRun r = Scarmap("analyze " + photo + " -o " + Q(dir / "plain") + " -q");
  ASSERT_EQ(r.code, 0) << r.output;
  r = Scarmap("analyze " + photo + " -o " + Q(dir / "dumped") + " -q --config " +
              Q(dir / "defaults.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(ReportOf(dir / "plain" / "a.json"), ReportOf(dir / "dumped" / "a.json"));

  // Edited values take effect, including the required --out.
  nlohmann::json edited = dump;
  edited["out"] = (dir / "edited").string();
  edited["margin-mm"] = 7;
  edited["px-per-mm"] = 11.5;
  edited["masks"] = true;
  edited["no-marker"] = true;
  edited["jobs"] = 1;
  edited["quiet"] = true;
  testing::WriteBytes(dir / "edited.json", edited.dump());
  r = Scarmap("analyze " + photo + " --config " + Q(dir / "edited.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output, "");  // quiet
  const nlohmann::json report = ReportOf(dir / "edited" / "a.json");
  EXPECT_EQ(report["calibration"]["px_per_mm"], 11.5);
  EXPECT_EQ(report["smp_plan"]["margin_mm"], 7.0);
  EXPECT_TRUE(fs::exists(dir / "edited" / "a.mask.png"));
  EXPECT_FALSE(fs::exists(dir / "edited" / "a.overlay.jpg"));

  // The command line wins over the file; a file's false flag does not clash with -v.
  r = Scarmap("analyze " + photo + " -o " + Q(dir / "cli") + " -v --px-per-mm 8 --config " +
              Q(dir / "defaults.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  r = Scarmap("analyze " + photo + " -o " + Q(dir / "cli2") + " -q --margin-mm 3 --config " +
              Q(dir / "edited.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(ReportOf(dir / "cli2" / "a.json")["smp_plan"]["margin_mm"], 3.0);
}

TEST(CliConfig, UnknownKeyWrongTypeOrBadValueIsUsageError) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "a.png",
                      testing::Encode(testing::SkinWithDot({200, 150}, {50, 50}, 5), ".png"));
  const std::pair<const char*, const char*> bad[] = {
      {R"({"margin": 6})", "unknown setting \"margin\""},
      {R"({"config": "other.json"})", "unknown setting \"config\""},
      {R"({"help": true})", "unknown setting \"help\""},
      {R"({"margin-mm": "6"})", "must be a number"},
      {R"({"masks": 1})", "must be true or false"},
      {R"({"jobs": 2.5})", "must be an integer"},
      {R"({"marker-dict": 5})", "must be a string"},
      {R"({"margin-mm": 99})", "not in range"},
      {R"({"quiet": true, "verbose": true})", "excludes"},
      {R"([{"margin-mm": 6}])", "one JSON object"},
      {R"({"margin-mm": )", "not valid JSON"},
  };
  int i = 0;
  for (const auto& [text, message] : bad) {
    const fs::path cfg = dir / ("bad" + std::to_string(i++) + ".json");
    testing::WriteBytes(cfg, text);
    const CliRun r =
        Scarmap("analyze " + Q(dir / "a.png") + " -o " + Q(dir / "out") + " --config " + Q(cfg));
    EXPECT_EQ(r.code, 2) << text << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << text << "\n" << r.output;
  }
  const CliRun missing = Scarmap("analyze " + Q(dir / "a.png") + " -o " + Q(dir / "out") +
                                 " --config " + Q(dir / "missing.json"));
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_FALSE(fs::exists(dir / "out"));  // nothing was analysed
  EXPECT_EQ(Scarmap("config").code, 2);   // --dump is the one thing it does
}

}  // namespace
}  // namespace scarmap
