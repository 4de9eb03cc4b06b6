#include "scarmap/render/overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// Saturated colours that stay visible on very light and very dark skin, each stroke drawn over
// a dark halo; text sits on dark panels or has a dark outline.
const cv::Scalar kFut(255, 200, 0);   // cyan-blue
const cv::Scalar kFue(0, 230, 255);   // yellow
const cv::Scalar kPlan(255, 0, 200);  // magenta
const cv::Scalar kDark(20, 20, 20);
const cv::Scalar kWhite(255, 255, 255);
const cv::Scalar kRefer(60, 60, 255);  // red
constexpr double kShadeAlpha = 0.30;
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

std::vector<cv::Point> Scaled(const std::vector<cv::Point2d>& pts, double s) {
  std::vector<cv::Point> out;
  out.reserve(pts.size());
  for (const auto& p : pts)
    out.emplace_back(static_cast<int>(std::lround((p.x + 0.5) * s - 0.5)),
                     static_cast<int>(std::lround((p.y + 0.5) * s - 0.5)));
  return out;
}

// Sizes in output pixels, from one unit that grows with the picture so that the overlay looks
// the same on a phone whatever the photo's resolution.
struct Style {
  double unit;  // 1/1000 of the long side, at least 0.7
  int line() const { return std::max(2, static_cast<int>(std::lround(2.2 * unit))); }
  int halo() const { return line() + std::max(2, static_cast<int>(std::lround(1.6 * unit))); }
  double text() const { return std::max(0.5, 0.85 * unit); }  // Hershey scale of legend text
  int text_thick() const { return std::max(1, static_cast<int>(std::lround(2.0 * unit))); }
  int pad() const { return std::max(6, static_cast<int>(std::lround(9 * unit))); }
};

void OutlinedText(cv::Mat& img, const std::string& text, cv::Point at, double scale, int thick,
                  cv::Scalar colour) {
  cv::putText(img, text, at, kFont, scale, kDark, thick + 2 * std::max(1, thick / 2 + 1),
              cv::LINE_AA);
  cv::putText(img, text, at, kFont, scale, colour, thick, cv::LINE_AA);
}

// Dashes along a polyline (dash and gap in output px), each over a dark halo.
void DashedPolyline(cv::Mat& img, const std::vector<cv::Point>& pts, double dash, double gap,
                    cv::Scalar colour, int line, int halo) {
  std::vector<std::pair<cv::Point2d, cv::Point2d>> dashes;
  double phase = 0.0;  // distance into the current dash+gap period
  for (size_t i = 1; i < pts.size(); ++i) {
    const cv::Point2d a(pts[i - 1]), b(pts[i]);
    const double len = cv::norm(b - a);
    double t = 0.0;
    while (t < len) {
      const double in_period = phase < dash ? dash - phase : dash + gap - phase;
      const double step = std::min(in_period, len - t);
      if (phase < dash)
        dashes.emplace_back(a + (b - a) * (t / len), a + (b - a) * ((t + step) / len));
      t += step;
      phase = std::fmod(phase + step, dash + gap);
    }
  }
  for (const auto& [p, q] : dashes) cv::line(img, p, q, kDark, halo, cv::LINE_AA);
  for (const auto& [p, q] : dashes) cv::line(img, p, q, colour, line, cv::LINE_AA);
}

// A dark, partly transparent panel behind text.
void Panel(cv::Mat& img, cv::Rect r) {
  r &= cv::Rect(0, 0, img.cols, img.rows);
  if (r.empty()) return;
  cv::Mat roi = img(r);
  cv::Mat dark(roi.size(), roi.type(), kDark);
  cv::addWeighted(dark, 0.78, roi, 0.22, 0, roi);
}

// The corner where a box of `size` covers the fewest annotated pixels, and never a pixel of
// `keep_clear` (the calibration marker, the colour chart: a clinician checks them too) unless
// every corner does.
cv::Rect QuietestCorner(const cv::Mat& busy, const cv::Mat& keep_clear, cv::Size size, int margin) {
  const int w = busy.cols, h = busy.rows;
  const int right = std::max(0, w - margin - size.width);
  const int bottom = std::max(0, h - margin - size.height);
  const int left = std::min(margin, right), top = std::min(margin, bottom);
  const cv::Point corners[4] = {{left, top}, {right, top}, {left, bottom}, {right, bottom}};
  int best = -1;
  double best_cost = 0.0;
  for (int k = 0; k < 4; ++k) {
    const cv::Rect r = cv::Rect(corners[k], size) & cv::Rect(0, 0, w, h);
    const double cost = r.empty() ? 1e18
                                  : cv::countNonZero(busy(r)) +
                                        1e9 * (cv::countNonZero(keep_clear(r)) > 0);
    if (best < 0 || cost < best_cost) {
      best = k;
      best_cost = cost;
    }
  }
  return cv::Rect(corners[best], size) & cv::Rect(0, 0, w, h);
}

std::string Fixed(double v, int decimals) {
  char b[48];
  std::snprintf(b, sizeof(b), "%.*f", decimals, v);
  return b;
}

struct LegendRow {
  enum class Swatch { kLine, kDashed, kCircle, kFill, kNone } swatch;
  cv::Scalar colour;
  std::string text;
};

}  // namespace

void OverlayOptions::Check() const {
  if (max_side_px < 200) throw Error("overlay.max_side_px must be >= 200");
}

cv::Mat RenderOverlay(const OverlayOptions& options, const cv::Mat& upright, const Report& r,
                      double image_scale) {
  options.Check();
  if (upright.empty() || upright.type() != CV_8UC3)
    throw Error("RenderOverlay: expected a non-empty CV_8UC3 image");
  if (!(image_scale > 0.0)) throw Error("RenderOverlay: image_scale must be > 0");
  const double shrink = std::min(1.0, static_cast<double>(options.max_side_px) /
                                          std::max(upright.cols, upright.rows));
  cv::Mat out;
  if (shrink < 1.0)
    cv::resize(upright, out, cv::Size(), shrink, shrink, cv::INTER_AREA);
  else
    out = upright.clone();
  const double s = shrink * image_scale;  // output px per pixel of the report's coordinates
  const Style st{std::max(0.7, std::max(out.cols, out.rows) / 1000.0)};
  const int line = st.line(), halo = st.halo();

  // What the annotations cover, so the legend and scale bar go where they hide the least.
  cv::Mat busy = cv::Mat::zeros(out.size(), CV_8U);

  // Treatment area: the margin around the scars is shaded; the scars themselves stay as
  // photographed so that their colour can still be judged.
  cv::Mat treat = cv::Mat::zeros(out.size(), CV_8U);
  std::vector<std::vector<cv::Point>> regions;
  for (const auto& reg : r.smp_plan.regions) {
    std::vector<cv::Point> poly = Scaled(reg.polygon_px, s);
    if (poly.size() >= 3) regions.push_back(std::move(poly));
  }
  if (!regions.empty()) cv::fillPoly(treat, regions, cv::Scalar(255));
  busy |= treat;
  cv::Mat scars = cv::Mat::zeros(out.size(), CV_8U);
  for (const auto& f : r.fut) {
    std::vector<std::vector<cv::Point>> c{Scaled(f.contour_px, s)};
    if (c[0].size() >= 3) cv::fillPoly(scars, c, cv::Scalar(255));
  }
  for (const auto& d : r.fue)
    cv::circle(scars, Scaled({d.center_px}, s)[0],
               std::max(1, static_cast<int>(std::lround(d.diameter_px * s * 0.5))), cv::Scalar(255),
               cv::FILLED);
  busy |= scars;
  // The references the scale and colour came from: outlined thinly, and kept clear of the legend.
  cv::Mat references = cv::Mat::zeros(out.size(), CV_8U);
  for (const auto* corners : {&r.calibration.marker_corners_px, &r.calibration.color.chart_corners_px}) {
    std::vector<std::vector<cv::Point>> c{Scaled(*corners, s)};
    if (c[0].size() < 3) continue;
    cv::fillPoly(references, c, cv::Scalar(255));
    cv::polylines(out, c, true, kDark, halo, cv::LINE_AA);
    cv::polylines(out, c, true, kWhite, std::max(1, line / 2), cv::LINE_AA);
  }
  {
    cv::Mat shaded;
    cv::addWeighted(cv::Mat(out.size(), out.type(), kPlan), kShadeAlpha, out, 1.0 - kShadeAlpha, 0,
                    shaded);
    shaded.copyTo(out, treat & ~scars);
  }
  for (const auto& poly : regions) {
    cv::polylines(out, std::vector<std::vector<cv::Point>>{poly}, true, kDark, halo, cv::LINE_AA);
    cv::polylines(out, std::vector<std::vector<cv::Point>>{poly}, true, kPlan, line, cv::LINE_AA);
  }

  // FUT: solid outline, dashed centreline, id in a badge beside the middle of the band.
  std::vector<std::pair<cv::Point, std::string>> fut_ids;
  for (const auto& f : r.fut) {
    std::vector<std::vector<cv::Point>> c{Scaled(f.contour_px, s)};
    if (c[0].size() >= 3) {
      cv::polylines(out, c, true, kDark, halo, cv::LINE_AA);
      cv::polylines(out, c, true, kFut, line, cv::LINE_AA);
    }
    const std::vector<cv::Point> cl = Scaled(f.centerline_px, s);
    if (cl.size() >= 2)
      DashedPolyline(out, cl, 6.0 * line, 4.0 * line, kFut, std::max(1, line * 2 / 3), halo - 1);
    if (!cl.empty()) fut_ids.emplace_back(cl[cl.size() / 2], std::to_string(f.id));
  }

  // FUE: every dot circled; every id written beside it (smaller when there are many).
  const double dot_text = r.fue.size() > 60 ? 0.45 * st.text() : 0.65 * st.text();
  const int dot_thick = std::max(1, static_cast<int>(std::lround(dot_text * 1.8)));
  cv::Mat labels_taken = cv::Mat::zeros(out.size(), CV_8U);
  for (const auto& d : r.fue) {
    const cv::Point c = Scaled({d.center_px}, s)[0];
    const int rad = std::max(4, static_cast<int>(std::lround(d.diameter_px * s * 0.5)) + line + 1);
    cv::circle(out, c, rad, kDark, halo, cv::LINE_AA);
    cv::circle(out, c, rad, kFue, line, cv::LINE_AA);
  }
  for (const auto& d : r.fue) {
    const cv::Point c = Scaled({d.center_px}, s)[0];
    const int rad = std::max(4, static_cast<int>(std::lround(d.diameter_px * s * 0.5)) + line + 1);
    const std::string id = std::to_string(d.id);
    int base = 0;
    const cv::Size ts = cv::getTextSize(id, kFont, dot_text, dot_thick, &base);
    // Upper right, lower right, upper left, lower left: the first spot no other id took.
    const cv::Point spots[4] = {c + cv::Point(rad, -rad), c + cv::Point(rad, rad + ts.height),
                                c + cv::Point(-rad - ts.width, -rad),
                                c + cv::Point(-rad - ts.width, rad + ts.height)};
    cv::Point at = spots[0];
    for (const cv::Point& p : spots) {
      const cv::Rect box = cv::Rect(p.x, p.y - ts.height, ts.width, ts.height + base) &
                           cv::Rect(0, 0, out.cols, out.rows);
      if (!box.empty() && cv::countNonZero(labels_taken(box)) == 0) {
        at = p;
        break;
      }
    }
    const cv::Rect box = cv::Rect(at.x, at.y - ts.height, ts.width, ts.height + base) &
                         cv::Rect(0, 0, out.cols, out.rows);
    if (!box.empty()) labels_taken(box).setTo(255);
    OutlinedText(out, id, at, dot_text, dot_thick, kFue);
  }
  for (const auto& [at, id] : fut_ids) {
    int base = 0;
    const double ft = 1.1 * st.text();
    const int thick = st.text_thick() + 1;
    const cv::Size ts = cv::getTextSize(id, kFont, ft, thick, &base);
    const int p = st.pad() / 2;
    const cv::Rect badge(at.x + halo + p, at.y - halo - ts.height - 3 * p, ts.width + 2 * p,
                         ts.height + 2 * p);
    cv::rectangle(out, badge, kDark, halo, cv::LINE_AA);
    cv::rectangle(out, badge, kFut, cv::FILLED, cv::LINE_AA);
    cv::putText(out, id, {badge.x + p, badge.y + p + ts.height}, kFont, ft, kDark, thick,
                cv::LINE_AA);
  }

  // One legend panel: what each mark means, the figures, a referral when there is one, and the
  // scale bar in millimetres (1-2-5 steps, at most a fifth of the width).
  std::vector<LegendRow> rows;
  {
    if (r.fut.empty()) {
      rows.push_back({LegendRow::Swatch::kNone, kWhite, "FUT scar: none found"});
    } else {
      std::string fut = "FUT scar outline (" + std::to_string(r.fut.size());
      if (r.summary.fut_total_length_mm)
        fut += ", " + Fixed(*r.summary.fut_total_length_mm, 1) + " mm";
      rows.push_back({LegendRow::Swatch::kLine, kFut, fut + ")"});
      rows.push_back({LegendRow::Swatch::kDashed, kFut, "FUT centreline"});
    }
    rows.push_back(r.fue.empty()
                       ? LegendRow{LegendRow::Swatch::kNone, kWhite, "FUE dot scar: none found"}
                       : LegendRow{LegendRow::Swatch::kCircle, kFue,
                                   "FUE dot scar (" + std::to_string(r.fue.size()) + ")"});
    std::string plan = "Treatment margin " + Fixed(r.smp_plan.margin_mm, 0) + " mm";
    if (r.smp_plan.treatment_area_mm2)
      plan += " (" + Fixed(*r.smp_plan.treatment_area_mm2, 0) + " mm2)";
    rows.push_back({LegendRow::Swatch::kFill, kPlan, plan});
    rows.push_back({LegendRow::Swatch::kNone, kWhite, "numbers = scar ids"});
    if (!r.smp_plan.referral_reasons.empty())
      rows.push_back({LegendRow::Swatch::kNone, kRefer, "REFER: see report"});
  }
  const double ft = st.text();
  const int tt = st.text_thick();
  const int pad = st.pad();
  int base = 0;
  const int text_h = cv::getTextSize("Ag", kFont, ft, tt, &base).height + base;
  const int row_h = text_h + pad / 2;
  const int sw = 3 * text_h;  // swatch width
  const std::optional<double> ppm = r.calibration.px_per_mm && *r.calibration.px_per_mm > 0.0
                                        ? std::optional<double>(*r.calibration.px_per_mm * s)
                                        : std::nullopt;
  double bar_mm = 0.0;
  int bar_px = 0;
  std::string bar_label = "no scale: sizes in px only";
  if (ppm) {
    bar_mm = 1.0;
    for (double m : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0})
      if (m * *ppm <= out.cols * 0.2) bar_mm = m;
    bar_px = static_cast<int>(std::lround(bar_mm * *ppm));
    bar_label = Fixed(bar_mm, 0) + " mm";
  }
  int text_w = 0;
  for (const auto& row : rows)
    text_w = std::max(text_w, (row.swatch == LegendRow::Swatch::kNone ? -sw - pad : 0) +
                                  cv::getTextSize(row.text, kFont, ft, tt, &base).width);
  const int bar_w =
      (ppm ? bar_px + pad : 0) + cv::getTextSize(bar_label, kFont, ft, tt, &base).width;
  const int inner_w = std::max(sw + pad + text_w, bar_w);
  const int n_rows = static_cast<int>(rows.size()) + 1;
  const cv::Size legend_size(std::min(out.cols, 2 * pad + inner_w),
                             std::min(out.rows, 2 * pad + row_h * n_rows));
  const cv::Rect legend = QuietestCorner(busy, references, legend_size, pad);
  Panel(out, legend);
  const int x0 = legend.x + pad;
  for (size_t i = 0; i < rows.size(); ++i) {
    const int y_mid = legend.y + pad + row_h * static_cast<int>(i) + row_h / 2;
    const int x_text = x0 + (rows[i].swatch == LegendRow::Swatch::kNone ? 0 : sw + pad);
    const cv::Scalar& c = rows[i].colour;
    switch (rows[i].swatch) {
      case LegendRow::Swatch::kLine:
        cv::line(out, {x0, y_mid}, {x0 + sw, y_mid}, c, line, cv::LINE_AA);
        break;
      case LegendRow::Swatch::kDashed:
        DashedPolyline(out, {{x0, y_mid}, {x0 + sw, y_mid}}, sw / 3.5, sw / 7.0, c,
                       std::max(1, line * 2 / 3), std::max(1, line * 2 / 3));
        break;
      case LegendRow::Swatch::kCircle:
        cv::circle(out, {x0 + sw / 2, y_mid}, text_h / 2, c, line, cv::LINE_AA);
        break;
      case LegendRow::Swatch::kFill:
        cv::rectangle(out, cv::Rect(x0, y_mid - text_h / 2, sw, text_h), c, cv::FILLED);
        break;
      case LegendRow::Swatch::kNone:
        break;
    }
    // Text in white (the swatch carries the colour), a referral in red.
    cv::putText(out, rows[i].text, {x_text, y_mid + text_h / 2 - base}, kFont, ft,
                c == kRefer ? kRefer : kWhite, tt, cv::LINE_AA);
  }
  {  // Scale bar: a white bar with end ticks, exactly bar_mm long, and its length.
    const int y = legend.y + pad + row_h * (n_rows - 1) + row_h / 2;
    int x_text = x0;
    if (ppm) {
      const cv::Point a(x0, y), b(x0 + bar_px - 1, y);
      cv::line(out, a, b, kWhite, line * 2);
      cv::line(out, a - cv::Point(0, text_h / 2), a + cv::Point(0, text_h / 2), kWhite, line);
      cv::line(out, b - cv::Point(0, text_h / 2), b + cv::Point(0, text_h / 2), kWhite, line);
      x_text = b.x + pad;
    }
    cv::putText(out, bar_label, {x_text, y + text_h / 2 - base}, kFont, ft, kWhite, tt,
                cv::LINE_AA);
  }
  return out;
}

}  // namespace scarmap
