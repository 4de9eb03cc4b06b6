#include "scarmap/render/overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// Colours readable on light and dark skin: saturated, with a dark outline under every stroke.
const cv::Scalar kFut(255, 200, 0);    // cyan-blue
const cv::Scalar kFue(0, 230, 255);    // yellow
const cv::Scalar kPlan(255, 0, 200);   // magenta
const cv::Scalar kDark(20, 20, 20);

std::vector<cv::Point> Scaled(const std::vector<cv::Point2d>& pts, double s) {
  std::vector<cv::Point> out;
  out.reserve(pts.size());
  for (const auto& p : pts)
    out.emplace_back(static_cast<int>(std::lround((p.x + 0.5) * s - 0.5)),
                     static_cast<int>(std::lround((p.y + 0.5) * s - 0.5)));
  return out;
}

void Label(cv::Mat& img, const std::string& text, cv::Point at, double scale, cv::Scalar colour) {
  const int t = std::max(1, static_cast<int>(scale * 2));
  cv::putText(img, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, kDark, t + 2, cv::LINE_AA);
  cv::putText(img, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, t, cv::LINE_AA);
}

}  // namespace

void OverlayOptions::Check() const {
  if (max_side_px < 200) throw Error("overlay.max_side_px must be >= 200");
}

cv::Mat RenderOverlay(const OverlayOptions& options, const cv::Mat& upright, const Report& r) {
  options.Check();
  if (upright.empty()) throw Error("RenderOverlay: empty image");
  const double s = std::min(1.0, static_cast<double>(options.max_side_px) /
                                     std::max(upright.cols, upright.rows));
  cv::Mat out;
  if (s < 1.0) cv::resize(upright, out, cv::Size(), s, s, cv::INTER_AREA);
  else out = upright.clone();
  const double font = std::max(0.5, out.cols / 1600.0);
  const int line = std::max(2, out.cols / 600);

  // Treatment margins, shaded.
  cv::Mat shade = out.clone();
  for (const auto& reg : r.smp_plan.regions) {
    std::vector<std::vector<cv::Point>> poly{Scaled(reg.polygon_px, s)};
    if (poly[0].size() >= 3) cv::fillPoly(shade, poly, kPlan);
  }
  cv::addWeighted(shade, 0.22, out, 0.78, 0, out);
  for (const auto& reg : r.smp_plan.regions) {
    std::vector<std::vector<cv::Point>> poly{Scaled(reg.polygon_px, s)};
    if (poly[0].size() >= 3) cv::polylines(out, poly, true, kPlan, 1, cv::LINE_AA);
  }
  for (const auto& f : r.fut) {
    std::vector<std::vector<cv::Point>> c{Scaled(f.contour_px, s)};
    if (c[0].size() >= 3) {
      cv::polylines(out, c, true, kDark, line + 2, cv::LINE_AA);
      cv::polylines(out, c, true, kFut, line, cv::LINE_AA);
    }
    std::vector<std::vector<cv::Point>> cl{Scaled(f.centerline_px, s)};
    if (cl[0].size() >= 2) cv::polylines(out, cl, false, kFut, std::max(1, line / 2), cv::LINE_AA);
    if (!cl[0].empty()) Label(out, "#" + std::to_string(f.id), cl[0][cl[0].size() / 2] + cv::Point(6, -6), font, kFut);
  }
  for (const auto& d : r.fue) {
    const cv::Point c = Scaled({d.center_px}, s)[0];
    const int rad = std::max(4, static_cast<int>(std::lround(d.diameter_px * s * 0.5)) + line + 2);
    cv::circle(out, c, rad, kDark, line + 2, cv::LINE_AA);
    cv::circle(out, c, rad, kFue, line, cv::LINE_AA);
    // Ids of hundreds of dots would bury the picture: label them only when few.
    if (r.fue.size() <= 60) Label(out, std::to_string(d.id), c + cv::Point(rad + 2, -rad), font * 0.6, kFue);
  }
  // Scale bar: 10 mm (or 5 mm on close-ups) at the bottom-left.
  const int margin = static_cast<int>(20 * font);
  if (r.calibration.px_per_mm) {
    const double ppm = *r.calibration.px_per_mm * s;
    double mm = 10.0;
    while (mm * ppm > out.cols * 0.3 && mm > 1.0) mm /= 2.0;
    const cv::Point a(margin, out.rows - margin), b(margin + static_cast<int>(mm * ppm), out.rows - margin);
    cv::line(out, a, b, kDark, line + 4);
    cv::line(out, a, b, cv::Scalar(255, 255, 255), line);
    char t[32];
    std::snprintf(t, sizeof(t), "%g mm", mm);
    Label(out, t, a + cv::Point(0, -line - 6), font, cv::Scalar(255, 255, 255));
  } else {
    Label(out, "no scale: sizes in pixels only", cv::Point(margin, out.rows - margin), font,
          cv::Scalar(255, 255, 255));
  }
  // Legend.
  int y = margin + static_cast<int>(20 * font);
  Label(out, "FUT strip scar (#id, outline + centreline)", {margin, y}, font, kFut);
  y += static_cast<int>(30 * font);
  Label(out, "FUE dot scar (circled, id)", {margin, y}, font, kFue);
  y += static_cast<int>(30 * font);
  Label(out, "SMP treatment area (scar + margin)", {margin, y}, font, kPlan);
  return out;
}

}  // namespace scarmap
