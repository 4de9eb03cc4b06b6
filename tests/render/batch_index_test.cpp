#include "scarmap/render/batch_index.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <regex>

#include "scarmap/core/status.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

Report OkReport(const std::string& path, int fue_count, std::optional<double> fue_density) {
  Report r;
  r.image = {path, 4000, 3000, std::string(64, 'a'), "jpeg"};
  r.calibration.px_per_mm = 12.5;
  r.calibration.source = CalibrationSource::kMarker;
  r.summary.fue_count = fue_count;
  r.summary.fue_density_per_cm2 = fue_density;
  r.summary.scar_area_mm2 = 10.0 * fue_count;
  r.smp_plan.planned = true;
  r.smp_plan.treatment_area_mm2 = 2642.4;
  r.smp_plan.impressions = std::array<double, 2>{2279, 2789};
  r.smp_plan.sessions = {2, 3};
  return r;
}

BatchPageItem Item(const std::string& stem, const Report& r) {
  BatchPageItem it;
  it.stem = stem;
  it.report = &r;
  it.report_file = stem + ".json";
  return it;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">Tom's & Co</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Co&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain \xc3\xa9"), "plain \xc3\xa9");
}

TEST(UrlEncodeFileName, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(UrlEncodeFileName("scan_01-a.json"), "./scan_01-a.json");
  EXPECT_EQ(UrlEncodeFileName("a b#c?d%e'f&g.json"), "./a%20b%23c%3Fd%25e%27f%26g.json");
  EXPECT_EQ(UrlEncodeFileName("\xc3\xa9.jpg"), "./%C3%A9.jpg");
  EXPECT_EQ(UrlEncodeFileName("javascript:alert(1)"), "./javascript%3Aalert%281%29");
}

TEST(BatchIndexHtml, RowsForAnalysedPhotosAndReasonsForTheOthers) {
  const Report a = OkReport("in/a.jpg", 12, 3.5);
  Report q = OkReport("in/q.jpg", 3, 1.0);
  q.status = {StatusCode::kPoorQuality, "blurred"};
  q.smp_plan.planned = false;
  q.smp_plan.referral_reasons = {"the photo is too blurred to plan from"};
  Report bad;
  bad.image.path = "in/broken.jpg";
  bad.status = {StatusCode::kUnreadable, "not an image"};
  std::vector<BatchPageItem> items = {Item("a", a), Item("q", q), Item("broken", bad)};
  items[0].overlay_file = "a.overlay.jpg";
  items[0].thumbnail_file = "a.thumb.jpg";
  const std::string html = BatchIndexHtml({}, items);

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(Count(html, "<tr>"), 3u);  // header + a + q
  EXPECT_EQ(Count(html, "<li><span class=\"fname\">"), 1u);
  EXPECT_NE(html.find("in/broken.jpg</span><span class=\"badge bad\">unreadable"),
            std::string::npos);
  EXPECT_NE(html.find("not an image"), std::string::npos);
  EXPECT_NE(html.find("the photo is too blurred to plan from"), std::string::npos);
  EXPECT_NE(html.find("poor_quality"), std::string::npos);
  // a: thumbnail linked to its overlay, 4000x3000 -> 240x180.
  EXPECT_NE(html.find("<a class=\"thumb\" href=\"./a.overlay.jpg\"><img src=\"./a.thumb.jpg\" "
                      "width=\"240\" height=\"180\""),
            std::string::npos);
  EXPECT_EQ(html.find("q.overlay.jpg"), std::string::npos);  // no file, no link
  // Figures: grouped for display, full precision for sorting.
  EXPECT_NE(html.find("data-v=\"2642.4\">2\u2009642</td>"), std::string::npos);
  EXPECT_NE(html.find("2\u2009279\u20132\u2009789"), std::string::npos);
  EXPECT_NE(html.find("<li class=\"alert\"><b id=\"n-referred\">1</b>"), std::string::npos);
  EXPECT_NE(html.find("<b id=\"n-failed\">1</b>"), std::string::npos);
  // No network: no absolute URL anywhere.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src=\"//"), std::string::npos);
  EXPECT_EQ(BatchIndexHtml({}, items), html);  // deterministic
}

TEST(BatchIndexHtml, NoFileNameOrMessageCanInjectMarkup) {
  const std::string evil = "<script>alert(\"x\")</script>' onmouseover='y";
  Report a = OkReport("in/" + evil + ".jpg", 1, 1.0);
  a.warnings = {evil};
  a.smp_plan.referral_reasons = {evil};
  Report bad;
  bad.image.path = evil;
  bad.status = {StatusCode::kUnreadable, evil};
  std::vector<BatchPageItem> items = {Item(evil, a), Item("b", bad)};
  items[0].thumbnail_file = evil + ".thumb.jpg";
  items[0].overlay_file = evil + ".overlay.jpg";
  const std::string html = BatchIndexHtml({}, items);
  EXPECT_EQ(Count(html, "<script"), 1u);  // only the page's own
  EXPECT_EQ(html.find("onmouseover='"), std::string::npos);
  EXPECT_EQ(html.find("alert(\""), std::string::npos);
  EXPECT_GE(
      Count(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y"), 5u);
  // Every attribute value is one quoted string: no raw quote from a name ends one early.
  const std::regex attr("href=\"([^\"]*)\"");
  for (auto m = std::sregex_iterator(html.begin(), html.end(), attr); m != std::sregex_iterator();
       ++m)
    EXPECT_EQ((*m)[1].str().find_first_of("<>'"), std::string::npos) << (*m)[1];
}

TEST(BatchIndexHtml, MissingScaleShowsDashesAndEmptyBatchSaysSo) {
  Report a = OkReport("a.jpg", 2, std::nullopt);
  a.calibration = {};
  a.summary.scar_area_mm2.reset();
  a.smp_plan = {};
  const std::string html = BatchIndexHtml({}, {Item("a", a)});
  EXPECT_NE(html.find("<td class=\"num fue_density\" data-v=\"\">\u2014</td>"), std::string::npos);
  EXPECT_NE(html.find("Every photo was analysed."), std::string::npos);
  Report bad;
  bad.status = {StatusCode::kTooLarge, "too large"};
  EXPECT_NE(BatchIndexHtml({}, {Item("x", bad)}).find("No photo could be analysed."),
            std::string::npos);
  BatchPageItem orphan;
  EXPECT_THROW(BatchIndexHtml({}, {orphan}), Error);
}

TEST(MakeThumbnail, ShrinksTheLongSideAndNeverEnlarges) {
  const cv::Mat big(3000, 4000, CV_8UC3, cv::Scalar(10, 20, 30));
  EXPECT_EQ(MakeThumbnail(big, 240).size(), cv::Size(240, 180));
  const cv::Mat tall(400, 100, CV_8UC3, cv::Scalar(1, 2, 3));
  EXPECT_EQ(MakeThumbnail(tall, 200).size(), cv::Size(50, 200));
  EXPECT_EQ(MakeThumbnail(tall, 1000).size(), tall.size());
  EXPECT_THROW(MakeThumbnail(cv::Mat(), 100), Error);
  EXPECT_THROW(MakeThumbnail(tall, 4), Error);
}

// The page's own JavaScript, in a real browser: numbers sort as numbers (2 < 9 < 10 < 100, which
// text order gets wrong), photos without a value stay last, and nothing logs an error.
TEST(BatchIndexHtml, SortsNumbersNumericallyInChromium) {
  const bool have = std::system("command -v chromium >/dev/null 2>&1") == 0;
  if (!have && std::getenv("CI") == nullptr) GTEST_SKIP() << "no Chromium installed";
  testing::TempDir dir;
  const Report r9 = OkReport("in/p9.jpg", 9, 0.9), r100 = OkReport("in/p100.jpg", 100, 10.0),
               r10 = OkReport("in/p10.jpg", 10, std::nullopt), r2 = OkReport("in/p2.jpg", 2, 0.25);
  const std::vector<BatchPageItem> items = {Item("p9", r9), Item("p100", r100), Item("p10", r10),
                                            Item("p2", r2)};
  for (const auto& it : items) testing::WriteBytes(dir / it.report_file, "{}");
  testing::WriteBytes(dir / "index.html", BatchIndexHtml({}, items));
  const std::string cmd = "/usr/bin/python3 " SCARMAP_SOURCE_DIR
                          "/tests/render/check_index_page.py '" +
                          (dir / "index.html").string() +
                          "' --rows 4 --failed 0 --order fue_count=p2,p9,p10,p100"
                          " --order fue_density=p2,p9,p100,p10 --order photo=p2,p9,p10,p100";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace scarmap
