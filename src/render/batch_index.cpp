#include "scarmap/render/batch_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "scarmap/core/status.hpp"
#include "scarmap/core/version.hpp"

namespace scarmap {
namespace {

// A number for display: fixed decimals, thousands grouped with a thin space.
std::string Shown(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s(buf);
  const size_t start = s[0] == '-' ? 1 : 0;
  size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  for (size_t i = end; i > start + 3; i -= 3) s.insert(i - 3, "\u2009");
  return s;
}

// A number for sorting: full precision, locale-free.
std::string Key(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

const char* kDash = "\u2014";

struct Cell {
  std::string key;   // data-v (sort key); "" sorts last
  std::string html;  // already escaped
  bool num = true;
};

Cell Number(const std::optional<double>& v, int decimals) {
  if (!v || !std::isfinite(*v)) return {"", kDash};
  return {Key(*v), Shown(*v, decimals)};
}

Cell Count(int v) { return {std::to_string(v), Shown(v, 0)}; }

struct Column {
  const char* key;
  const char* label;
  const char* unit;  // shown under the label
  bool num;
  const char* title;  // header tooltip
};

const Column kColumns[] = {
    {"photo", "Photo", "", false, "Photo name (click the thumbnail for the overlay)"},
    {"status", "Status", "", false, "Analysis status and warnings"},
    {"scale", "Scale", "px/mm", true, "Pixels per millimetre and where the scale came from"},
    {"fut_count", "FUT", "scars", true, "Number of FUT strip scars"},
    {"fut_length", "FUT length", "mm", true, "Total length of the FUT strip scars"},
    {"fue_count", "FUE", "dots", true, "Number of FUE punch scars"},
    {"fue_density", "FUE density", "per cm\u00b2", true, "FUE dots per cm\u00b2 of scalp"},
    {"hair_density", "Hair density", "per cm\u00b2", true, "Hair follicles per cm\u00b2 of scalp"},
    {"scar_area", "Scar area", "mm\u00b2", true, "Total scar area"},
    {"max_de", "Max \u0394E", "CIEDE2000", true,
     "Colour difference of the most visible scar against the skin around it (1 = just "
     "perceptible, above 1.8 most people see it)"},
    {"treatment", "Treatment area", "mm\u00b2", true, "Scars plus the feathering margin"},
    {"impressions", "Impressions", "range", true, "Pigment impressions, low to high estimate"},
    {"sessions", "Sessions", "range", true, "Expected sessions, low to high estimate"},
    {"plan", "Plan", "", false, "Whether a plan was drafted or the patient should be referred"},
};

std::string ListDetails(const std::vector<std::string>& items, const std::string& summary) {
  std::string out = "<details><summary>" + HtmlEscape(summary) + "</summary><ul>";
  for (const auto& s : items) out += "<li>" + HtmlEscape(s) + "</li>";
  return out + "</ul></details>";
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool HasFigures(const Report& r) {
  return r.status.code == StatusCode::kOk || r.status.code == StatusCode::kPoorQuality;
}

std::string FileLinks(const BatchPageItem& it) {
  std::string h;
  auto link = [&](const std::string& file, const char* label) {
    if (file.empty()) return;
    h += "<a href=\"" + HtmlEscape(UrlEncodeFileName(file)) + "\">" + label + "</a>";
  };
  link(it.overlay_file, "overlay");
  link(it.report_file, "report");
  link(it.mask_file, "mask");
  return h.empty() ? "" : "<div class=\"files\">" + h + "</div>";
}

std::vector<Cell> RowCells(const BatchPageItem& it, int thumb_side) {
  const Report& r = *it.report;
  std::vector<Cell> c;
  {  // Photo: thumbnail (linked to the overlay, else the report), stem, original path.
    std::string h;
    const std::string target = !it.overlay_file.empty() ? it.overlay_file : it.report_file;
    if (!it.thumbnail_file.empty()) {
      const double s = std::min(
          1.0, static_cast<double>(thumb_side) / std::max({1, r.image.width, r.image.height}));
      const int w = std::max(1, static_cast<int>(std::lround(r.image.width * s)));
      const int ht = std::max(1, static_cast<int>(std::lround(r.image.height * s)));
      std::string img = "<img src=\"" + HtmlEscape(UrlEncodeFileName(it.thumbnail_file)) +
                        "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(ht) +
                        "\" alt=\"\" loading=\"lazy\">";
      h += target.empty() ? img
                          : "<a class=\"thumb\" href=\"" + HtmlEscape(UrlEncodeFileName(target)) +
                                "\">" + img + "</a>";
    } else {
      h += "<span class=\"thumb none\">no preview</span>";
    }
    h += "<div class=\"name\">" + HtmlEscape(it.stem) + "</div><div class=\"path\">" +
         HtmlEscape(r.image.path) + "</div>" + FileLinks(it);
    c.push_back({it.stem, h, false});
  }
  {  // Status and warnings.
    const bool ok = r.status.ok();
    std::string h = std::string("<span class=\"badge ") + (ok ? "good" : "warn") + "\">" +
                    HtmlEscape(std::string(ToString(r.status.code))) + "</span>";
    if (!r.status.message.empty())
      h += "<div class=\"msg\">" + HtmlEscape(r.status.message) + "</div>";
    if (!r.warnings.empty())
      h += ListDetails(r.warnings, Plural(r.warnings.size(), "warning", "warnings"));
    c.push_back({std::string(ToString(r.status.code)), h, false});
  }
  {  // Scale.
    Cell s = Number(r.calibration.px_per_mm, 1);
    s.html +=
        "<div class=\"sub\">" + HtmlEscape(std::string(ToString(r.calibration.source))) + "</div>";
    c.push_back(s);
  }
  c.push_back(Count(r.summary.fut_count));
  c.push_back(Number(r.summary.fut_total_length_mm, 1));
  c.push_back(Count(r.summary.fue_count));
  c.push_back(Number(r.summary.fue_density_per_cm2, 1));
  c.push_back(Number(r.follicles.density_per_cm2, 0));
  c.push_back(Number(r.summary.scar_area_mm2, 0));
  {
    std::optional<double> max_de;
    for (const auto& f : r.fut) max_de = std::max(max_de.value_or(0.0), f.contrast.delta_E2000);
    for (const auto& f : r.fue) max_de = std::max(max_de.value_or(0.0), f.contrast.delta_E2000);
    c.push_back(Number(max_de, 1));
  }
  const SmpPlan& p = r.smp_plan;
  c.push_back(Number(p.treatment_area_mm2, 0));
  if (p.impressions) {
    c.push_back({Key((*p.impressions)[0]),
                 Shown((*p.impressions)[0], 0) + "\u2013" + Shown((*p.impressions)[1], 0)});
  } else {
    c.push_back({"", kDash});
  }
  if (p.sessions[1] > 0) {
    c.push_back({Key(p.sessions[0] + p.sessions[1] / 100.0),
                 std::to_string(p.sessions[0]) + "\u2013" + std::to_string(p.sessions[1]) +
                     (p.session_reasons.empty() ? "" : ListDetails(p.session_reasons, "why"))});
  } else {
    c.push_back({"", kDash});
  }
  {  // Plan or referral.
    Cell pc{"", "", false};
    if (!p.referral_reasons.empty()) {
      pc.key = "0 refer";
      // The reasons are what the practitioner acts on: shown, not folded away.
      pc.html = "<span class=\"badge bad\">refer</span><ul class=\"reasons\">";
      for (const auto& reason : p.referral_reasons)
        pc.html += "<li>" + HtmlEscape(reason) + "</li>";
      pc.html += "</ul>";
    } else if (p.planned) {
      pc.key = "1 plan";
      pc.html = "<span class=\"badge good\">plan</span>";
      if (!p.shade_hint.empty()) pc.html += ListDetails({p.shade_hint}, "shade");
    } else {
      pc.key = "2 none";
      pc.html = "<span class=\"badge\">no plan</span>";
      if (!p.notes.empty())
        pc.html += "<div class=\"msg\">" + HtmlEscape(p.notes.front()) + "</div>";
    }
    c.push_back(pc);
  }
  return c;
}

const char* kStyle = R"CSS(
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2330;--muted:#5d6677;--line:#dde1e8;--head:#eef1f5;
--good:#1b7f4b;--good-bg:#e3f4ea;--warn:#8a5a00;--warn-bg:#fff1d1;--bad:#a4262c;--bad-bg:#fde7e8;
--accent:#2456c7;--zebra:#f8f9fb;--hover:#eef3fd}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--card:#1d2128;--ink:#e6e9ee;--muted:#a0a8b6;
--line:#333944;--head:#252a33;--good:#7fd6a4;--good-bg:#173526;--warn:#f3c76b;--warn-bg:#3b2f12;
--bad:#ff9aa0;--bad-bg:#45191c;--accent:#8fb0ff;--zebra:#21262e;--hover:#26304a}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header,main{max-width:1600px;margin:0 auto;padding:16px 20px 0}
h1{font-size:1.5rem;margin:8px 0 4px}h2{font-size:1.15rem;margin:18px 0 10px}
.lead{color:var(--muted);margin:0 0 14px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0;list-style:none}
.cards li{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 16px;
min-width:130px}
.cards b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums}
.cards span{color:var(--muted);font-size:.85rem}
.cards li.alert{border-color:var(--bad);background:var(--bad-bg)}.cards li.alert b{color:var(--bad)}
.note{background:var(--card);border-left:4px solid var(--accent);padding:8px 12px;margin:14px 0;
border-radius:4px;color:var(--muted);font-size:.9rem}
.tools{display:flex;gap:12px;align-items:center;margin:6px 0 10px;flex-wrap:wrap}
.tools input{font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:6px;
background:var(--card);color:var(--ink);min-width:240px}
.tools span{color:var(--muted);font-size:.9rem}
.wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:7px 7px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:var(--head);z-index:1;padding:0;vertical-align:bottom}
thead th button{all:unset;cursor:pointer;display:block;padding:7px 7px;width:100%;font-size:.85rem;
box-sizing:border-box;min-width:3.5em;max-width:8.2em;line-height:1.25}
th[data-type=num] button{margin-left:auto}
thead th button:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
thead th small{display:block;color:var(--muted);font-weight:normal;font-size:.75rem}
th[data-type=num],td.num{text-align:right}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
th .arrow::after{content:"\2195";color:var(--muted);margin-left:4px;font-size:.8em}
th[aria-sort=ascending] .arrow::after{content:"\25B2";color:var(--accent)}
th[aria-sort=descending] .arrow::after{content:"\25BC";color:var(--accent)}
tbody tr{background:var(--card)}tbody tr:nth-child(even){background:var(--zebra)}
tbody tr:hover{background:var(--hover)}
td.photo{width:140px;max-width:140px}
.thumb img{display:block;width:124px;height:auto;border-radius:6px;border:1px solid var(--line)}
.thumb.none{display:inline-block;width:124px;padding:28px 0;text-align:center;color:var(--muted);
border:1px dashed var(--line);border-radius:6px;font-size:.8rem}
.name{font-weight:600;margin-top:4px;overflow-wrap:anywhere}
.path,.sub,.msg{color:var(--muted);font-size:.8rem;overflow-wrap:anywhere}
.msg{max-width:260px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.8rem;font-weight:600;
background:var(--head);color:var(--muted);white-space:nowrap}
.badge.good{background:var(--good-bg);color:var(--good)}
.badge.warn{background:var(--warn-bg);color:var(--warn)}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
details{font-size:.8rem;color:var(--muted);max-width:280px;min-width:6em;text-align:left;white-space:normal}
summary{cursor:pointer;color:var(--accent)}
details ul{margin:4px 0 0;padding-left:18px}
ul.reasons{margin:4px 0 0;padding-left:16px;font-size:.8rem;color:var(--bad)}
td.plan{min-width:180px}td.status{min-width:96px}
.files{margin-top:4px;font-size:.8rem}.files a{margin-right:8px;white-space:nowrap}
a{color:var(--accent)}
.failed{list-style:none;padding:0;margin:0;background:var(--card);border:1px solid var(--line);
border-radius:10px}
.failed li{padding:10px 14px;border-bottom:1px solid var(--line)}
.failed li:last-child{border-bottom:0}
.failed img.mini{float:left;width:64px;height:auto;margin:0 12px 0 0;border-radius:4px}
.failed li::after{content:"";display:block;clear:both}
.failed .fname{font-weight:600;word-break:break-all;margin-right:8px}
.empty{color:var(--muted)}
footer{max-width:1600px;margin:0 auto;padding:8px 20px 24px;color:var(--muted);font-size:.8rem}
td.photo,thead th:first-child{position:sticky;left:0;z-index:2}
td.photo{background:inherit}
@media (max-width:640px){header,main{padding:10px 12px 0}body{font-size:14px}
.cards li{min-width:0;flex:1 1 28%;padding:8px 10px}.cards b{font-size:1.2rem}
td.photo{width:96px;max-width:96px}.thumb img,.thumb.none{width:80px}
.tools input{min-width:0;flex:1}}
@media print{.tools{display:none}thead th{position:static}.wrap{overflow:visible}
details{display:block}details>*{display:block}}
)CSS";

// Sorting: numbers by value, text in natural order; rows without a value stay last; stable.
const char* kScript = R"JS(
(function () {
  'use strict';
  var table = document.getElementById('results');
  if (!table) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function value(row, col, num) {
    var v = row.cells[col].getAttribute('data-v');
    if (v === null || v === '') return null;
    return num ? parseFloat(v) : v;
  }
  function sortBy(col) {
    var th = heads[col];
    var num = th.getAttribute('data-type') === 'num';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var rows = Array.prototype.slice.call(body.rows);
    var pos = new Map();
    rows.forEach(function (r, i) { pos.set(r, i); });
    rows.sort(function (a, b) {
      var x = value(a, col, num), y = value(b, col, num);
      if (x === null || y === null) {
        return (x === null) - (y === null) || pos.get(a) - pos.get(b);
      }
      var c = num ? x - y : x.localeCompare(y, undefined, {numeric: true, sensitivity: 'base'});
      return c * dir || pos.get(a) - pos.get(b);
    });
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    var b = th.querySelector('button');
    if (b) b.addEventListener('click', function () { sortBy(col); });
  });
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  if (filter) filter.addEventListener('input', function () {
    var q = filter.value.trim().toLowerCase(), n = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var hit = r.cells[0].textContent.toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) n++;
    });
    shown.textContent = n + ' of ' + body.rows.length + ' shown';
  });
})();
)JS";

}  // namespace

void BatchPageOptions::Check() const {
  if (thumbnail_side_px < 16 || thumbnail_side_px > 4096)
    throw Error("page.thumbnail_side_px must be 16..4096");
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string UrlEncodeFileName(std::string_view name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  // A leading "./" keeps a name such as "a:b.json" from reading as a URL scheme.
  return "./" + out;
}

cv::Mat MakeThumbnail(const cv::Mat& image, int long_side_px) {
  if (image.empty()) throw Error("MakeThumbnail: empty image");
  if (long_side_px < 16) throw Error("MakeThumbnail: long side must be >= 16 px");
  const double s =
      std::min(1.0, static_cast<double>(long_side_px) / std::max(image.cols, image.rows));
  if (s >= 1.0) return image.clone();
  cv::Mat out;
  const cv::Size size(std::max(1, static_cast<int>(std::lround(image.cols * s))),
                      std::max(1, static_cast<int>(std::lround(image.rows * s))));
  cv::resize(image, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

std::string BatchIndexHtml(const BatchPageOptions& options,
                           const std::vector<BatchPageItem>& items) {
  options.Check();
  std::vector<const BatchPageItem*> rows, failed;
  int referred = 0, planned = 0;
  for (const auto& it : items) {
    if (!it.report) throw Error("BatchIndexHtml: item " + it.stem + " has no report");
    if (HasFigures(*it.report)) {
      rows.push_back(&it);
      if (!it.report->smp_plan.referral_reasons.empty()) ++referred;
      if (it.report->smp_plan.planned) ++planned;
    } else {
      failed.push_back(&it);
    }
  }

  std::ostringstream h;
  const std::string title = HtmlEscape(options.title);
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta name=\"generator\" content=\"scarmap "
    << kVersion << "\">\n<link rel=\"icon\" href=\"data:,\">\n<title>" << title
    << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<header>\n<h1>" << title
    << "</h1>\n<p class=\"lead\">Scalp scar measurements and draft SMP plans, one row per photo. "
       "Click a column heading to sort; click a thumbnail for the annotated overlay.</p>\n"
       "<ul class=\"cards\">"
    << "<li><b id=\"n-photos\">" << items.size() << "</b><span>photos</span></li>"
    << "<li><b id=\"n-analysed\">" << rows.size() << "</b><span>analysed</span></li>"
    << "<li><b id=\"n-planned\">" << planned << "</b><span>with a draft plan</span></li>"
    << "<li" << (referred > 0 ? " class=\"alert\"" : "") << "><b id=\"n-referred\">" << referred
    << "</b><span>to refer</span></li>"
    << "<li><b id=\"n-failed\">" << failed.size() << "</b><span>not analysed</span></li></ul>\n"
    << "<p class=\"note\">Figures are estimates from a photo. Scar tissue holds pigment less "
       "predictably than normal skin: the practitioner confirms every figure in person before "
       "treatment, and a referral means the scar should be assessed before any SMP.</p>\n"
       "</header>\n<main>\n<section>\n<h2>Analysed photos</h2>\n";
  if (rows.empty()) {
    h << "<p class=\"empty\">No photo could be analysed.</p>\n";
  } else {
    h << "<div class=\"tools\"><input id=\"filter\" type=\"search\" placeholder=\"Filter by "
         "name\" aria-label=\"Filter by name\"><span id=\"shown\">"
      << rows.size() << " of " << rows.size() << " shown</span></div>\n"
      << "<div class=\"wrap\"><table id=\"results\">\n<thead><tr>";
    for (const Column& col : kColumns) {
      h << "<th scope=\"col\" data-key=\"" << col.key << "\" data-type=\""
        << (col.num ? "num" : "text") << "\" title=\"" << HtmlEscape(col.title)
        << "\"><button type=\"button\">" << col.label << "<span class=\"arrow\"></span>";
      if (*col.unit) h << "<small>" << col.unit << "</small>";
      h << "</button></th>";
    }
    h << "</tr></thead>\n<tbody>\n";
    for (const BatchPageItem* it : rows) {
      const std::vector<Cell> cells = RowCells(*it, options.thumbnail_side_px);
      h << "<tr>";
      for (size_t k = 0; k < cells.size(); ++k) {
        const Column& col = kColumns[k];
        h << "<td class=\"" << (col.num ? "num " : "") << col.key << "\" data-v=\""
          << HtmlEscape(cells[k].key) << "\">" << cells[k].html << "</td>";
      }
      h << "</tr>\n";
    }
    h << "</tbody>\n</table></div>\n";
  }
  h << "</section>\n<section>\n<h2>Not analysed (" << failed.size() << ")</h2>\n";
  if (failed.empty()) {
    h << "<p class=\"empty\">Every photo was analysed.</p>\n";
  } else {
    h << "<ul class=\"failed\" id=\"failed\">\n";
    for (const BatchPageItem* it : failed) {
      const Report& r = *it->report;
      h << "<li>";
      if (!it->thumbnail_file.empty())
        h << "<img class=\"mini\" src=\"" << HtmlEscape(UrlEncodeFileName(it->thumbnail_file))
          << "\" alt=\"\" loading=\"lazy\">";
      h << "<span class=\"fname\">" << HtmlEscape(r.image.path.empty() ? it->stem : r.image.path)
        << "</span><span class=\"badge bad\">" << HtmlEscape(std::string(ToString(r.status.code)))
        << "</span><div class=\"msg\">" << HtmlEscape(r.status.message) << "</div>";
      if (!it->report_file.empty())
        h << "<a href=\"" << HtmlEscape(UrlEncodeFileName(it->report_file)) << "\">report</a>";
      h << "</li>\n";
    }
    h << "</ul>\n";
  }
  h << "</section>\n</main>\n<footer>scarmap " << kVersion
    << " \u00b7 per-photo reports (JSON), summary.csv and scars.csv are in this folder.</footer>\n"
    << "<script>" << kScript << "</script>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace scarmap
