#include "scarmap/calibration/marker.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include <opencv2/aruco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/srgb.hpp"
#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// Corner precision (1 sigma, px). kCornerSigmaPx: cornerSubPix alone, used when the edge fit
// (below) cannot refine the corners; a blurred L-shaped corner in gamma-encoded code values is
// biased inwards by up to a blur sigma. kSystematicCornerSigmaPx is added in quadrature to the
// edge fit's own statistical error: phone sharpening (an unsharp mask applied to the encoded
// image) moves the linear-light edge by 0.1-0.4 px, measured on 39 generated marker photos
// (there, 1 sigma with this term covers about half of the errors and 2 sigma about 95 %).
constexpr double kCornerSigmaPx = 0.5;
constexpr double kSystematicCornerSigmaPx = 0.35;

cv::Mat ToGray(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return gray;
}

// Bilinear sample of the linearised grey image; false outside it. Edges are located in linear
// light: a camera blurs light, not its gamma-encoded code, and the 50 % crossing of a blurred
// step lies on the true edge only in linear units (in code values it sits about a blur sigma
// inside the black).
bool SampleLinear(const cv::Mat& gray, cv::Point2d p, float* out) {
  const int x0 = static_cast<int>(std::floor(p.x)), y0 = static_cast<int>(std::floor(p.y));
  if (x0 < 0 || y0 < 0 || x0 + 1 >= gray.cols || y0 + 1 >= gray.rows) return false;
  const auto& lut = SrgbToLinearLut();
  const double fx = p.x - x0, fy = p.y - y0;
  const uchar* r0 = gray.ptr<uchar>(y0) + x0;
  const uchar* r1 = gray.ptr<uchar>(y0 + 1) + x0;
  *out = static_cast<float>((1 - fy) * ((1 - fx) * lut[r0[0]] + fx * lut[r0[1]]) +
                            fy * ((1 - fx) * lut[r1[0]] + fx * lut[r1[1]]));
  return true;
}

// An edge line a * x + b * y = c with (a, b) a unit normal pointing out of the marker.
struct EdgeLine {
  cv::Vec3d abc;
  double offset_sigma_px = 0.0;  // 1-sigma of the line's position from its fit residuals
  int points = 0;
};

// Locates the marker's outer edge from `p0` to `p1` (corners, marker centre `centre`): along
// the side, perpendicular profiles of linear light across the black border (inside) and the
// white quiet zone (outside); each profile's 50 % crossing between its two plateaus is an edge
// point; a line is fitted to them, dropping points off it by more than 3 robust sigmas.
// `cell_px` is the side of one marker cell. Returns points = 0 when the side is unusable.
EdgeLine FitEdge(const cv::Mat& gray, cv::Point2d p0, cv::Point2d p1, cv::Point2d centre,
                 double cell_px) {
  EdgeLine line;
  const double len = cv::norm(p1 - p0);
  if (len < 8.0 || cell_px < 4.0) return line;
  const cv::Point2d d = (p1 - p0) / len;
  cv::Point2d n(d.y, -d.x);
  if ((p0 - centre).dot(n) < 0) n = -n;
  // Plateaus at 0.3-0.45 cell either side: past a blur of up to ~cell / 4, inside the border.
  const double reach = 0.45 * cell_px, plateau = 0.3 * cell_px, step = 0.25;
  const int ns = static_cast<int>(std::ceil(2 * reach / step)) + 1;
  std::vector<float> prof(ns);
  std::vector<cv::Point2d> pts;
  const int samples = std::clamp(static_cast<int>(len * 0.8), 8, 400);
  for (int i = 0; i < samples; ++i) {
    // Away from the corners (0.15 of the side): the corner rounds off under blur.
    const double t = len * (0.15 + 0.7 * (i + 0.5) / samples);
    const cv::Point2d base = p0 + d * t;
    bool ok = true;
    double lo = 0, hi = 0;
    int nlo = 0, nhi = 0;
    for (int k = 0; k < ns && ok; ++k) {
      const double s = -reach + k * step;
      ok = SampleLinear(gray, base + n * s, &prof[k]);
      if (s <= -plateau) lo += prof[k], ++nlo;
      if (s >= plateau) hi += prof[k], ++nhi;
    }
    if (!ok || nlo == 0 || nhi == 0) continue;
    lo /= nlo, hi /= nhi;
    if (!(hi - lo > 0.05)) continue;  // no black-to-white step here
    const double mid = 0.5 * (lo + hi);
    // The crossing nearest the current estimate (s = 0).
    double best = 1e9;
    for (int k = 0; k + 1 < ns; ++k) {
      const double a = prof[k] - mid, b = prof[k + 1] - mid;
      if ((a < 0) == (b < 0) || a == b) continue;
      const double s = -reach + (k + a / (a - b)) * step;
      if (std::abs(s) < std::abs(best)) best = s;
    }
    if (best < 1e8) pts.push_back(base + n * best);
  }
  if (pts.size() < 6) return line;
  std::vector<double> res;
  std::vector<cv::Point2d> kept = pts;
  double rms = 0.0;
  cv::Vec4f fit;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<cv::Point2f> f(kept.begin(), kept.end());
    cv::fitLine(f, fit, cv::DIST_L2, 0, 0.01, 0.01);
    const cv::Point2d fn(fit[1], -fit[0]);
    const double c = fn.x * fit[2] + fn.y * fit[3];
    res.clear();
    for (const auto& p : pts) res.push_back(fn.x * p.x + fn.y * p.y - c);
    std::vector<double> a(res.size());
    for (size_t i = 0; i < res.size(); ++i) a[i] = std::abs(res[i]);
    std::nth_element(a.begin(), a.begin() + a.size() / 2, a.end());
    const double lim = std::max(0.05, 3.0 * 1.4826 * a[a.size() / 2]);
    kept.clear();
    rms = 0.0;
    for (size_t i = 0; i < pts.size(); ++i)
      if (std::abs(res[i]) <= lim) kept.push_back(pts[i]), rms += res[i] * res[i];
    if (kept.size() < 6) return line;
    rms = std::sqrt(rms / kept.size());
  }
  cv::Point2d fn(fit[1], -fit[0]);
  if (fn.dot(n) < 0) fn = -fn;
  line.abc = {fn.x, fn.y, fn.x * fit[2] + fn.y * fit[3]};
  line.points = static_cast<int>(kept.size());
  // Neighbouring samples share pixels (about one independent point per pixel of side).
  const double independent = std::min<double>(kept.size(), 0.7 * len);
  line.offset_sigma_px = rms / std::sqrt(std::max(1.0, independent));
  return line;
}

bool Intersect(const EdgeLine& a, const EdgeLine& b, cv::Point2d* p) {
  const double det = a.abc[0] * b.abc[1] - a.abc[1] * b.abc[0];
  if (std::abs(det) < 0.2) return false;  // sides within ~12 deg of parallel: not a corner
  p->x = (a.abc[2] * b.abc[1] - a.abc[1] * b.abc[2]) / det;
  p->y = (a.abc[0] * b.abc[2] - a.abc[2] * b.abc[0]) / det;
  return true;
}

// Replaces `corners` (cornerSubPix estimates) by the intersections of the four fitted outer
// edges, twice (the second pass profiles along the refined sides). Keeps the estimates and
// returns false when a side cannot be fitted or a corner would move by more than a third of a
// cell. `sigma_px` receives the corners' position 1-sigma from the edge fits.
bool RefineByEdges(const cv::Mat& gray, int cells, std::vector<cv::Point2f>* corners,
                   double* sigma_px) {
  std::vector<cv::Point2d> c(corners->begin(), corners->end());
  const std::vector<cv::Point2d> start = c;
  double side = 0.0;
  for (int k = 0; k < 4; ++k) side += cv::norm(c[(k + 1) % 4] - c[k]) / 4.0;
  const double cell_px = side / cells;
  double sigma2 = 0.0;
  for (int pass = 0; pass < 2; ++pass) {
    const cv::Point2d centre = (c[0] + c[1] + c[2] + c[3]) / 4.0;
    EdgeLine e[4];
    for (int k = 0; k < 4; ++k) {
      e[k] = FitEdge(gray, c[k], c[(k + 1) % 4], centre, cell_px);
      if (e[k].points == 0) return false;
    }
    std::vector<cv::Point2d> next(4);
    sigma2 = 0.0;
    for (int k = 0; k < 4; ++k) {
      if (!Intersect(e[(k + 3) % 4], e[k], &next[k])) return false;
      if (cv::norm(next[k] - start[k]) > cell_px / 3.0) return false;
      // A corner is fixed by two lines: its error is about the lines' offset errors combined.
      sigma2 += (e[k].offset_sigma_px * e[k].offset_sigma_px +
                 e[(k + 3) % 4].offset_sigma_px * e[(k + 3) % 4].offset_sigma_px) / 4.0;
    }
    c = next;
  }
  for (int k = 0; k < 4; ++k) (*corners)[k] = cv::Point2f(c[k]);
  *sigma_px = std::sqrt(sigma2);
  return true;
}

}  // namespace

int ArucoDictionaryId(const std::string& name) {
  static const std::map<std::string, int> kIds = {
      {"DICT_4X4_50", cv::aruco::DICT_4X4_50},       {"DICT_4X4_100", cv::aruco::DICT_4X4_100},
      {"DICT_4X4_250", cv::aruco::DICT_4X4_250},     {"DICT_4X4_1000", cv::aruco::DICT_4X4_1000},
      {"DICT_5X5_50", cv::aruco::DICT_5X5_50},       {"DICT_5X5_100", cv::aruco::DICT_5X5_100},
      {"DICT_5X5_250", cv::aruco::DICT_5X5_250},     {"DICT_5X5_1000", cv::aruco::DICT_5X5_1000},
      {"DICT_6X6_50", cv::aruco::DICT_6X6_50},       {"DICT_6X6_100", cv::aruco::DICT_6X6_100},
      {"DICT_6X6_250", cv::aruco::DICT_6X6_250},     {"DICT_6X6_1000", cv::aruco::DICT_6X6_1000},
      {"DICT_7X7_50", cv::aruco::DICT_7X7_50},       {"DICT_7X7_100", cv::aruco::DICT_7X7_100},
      {"DICT_7X7_250", cv::aruco::DICT_7X7_250},     {"DICT_7X7_1000", cv::aruco::DICT_7X7_1000},
      {"DICT_ARUCO_ORIGINAL", cv::aruco::DICT_ARUCO_ORIGINAL},
  };
  const auto it = kIds.find(name);
  if (it == kIds.end()) throw Error("unknown ArUco dictionary: " + name);
  return it->second;
}

void MarkerOptions::Check() const {
  ArucoDictionaryId(dictionary);
  if (!(side_mm > 0.0 && side_mm < 1000.0)) throw Error("marker.side_mm must be in (0, 1000)");
  if (!(max_detect_megapixels >= 0.1)) throw Error("marker.max_detect_megapixels must be >= 0.1");
  if (!(tilt_warn_deg > 0.0 && tilt_warn_deg < 90.0))
    throw Error("marker.tilt_warn_deg must be in (0, 90)");
  if (!(far_warn_mm > 0.0)) throw Error("marker.far_warn_mm must be > 0");
}

MarkerDetection DetectMarker(const MarkerOptions& options, const cv::Mat& image) {
  options.Check();
  if (image.empty()) throw Error("DetectMarker: empty image");
  const cv::Mat gray = ToGray(image);
  const double scale =
      std::min(1.0, std::sqrt(options.max_detect_megapixels * 1e6 / gray.total()));
  cv::Mat small = gray;
  if (scale < 1.0) cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);

  const auto dict = cv::aruco::getPredefinedDictionary(ArucoDictionaryId(options.dictionary));
  auto params = cv::aruco::DetectorParameters::create();
  params->cornerRefinementMethod = cv::aruco::CORNER_REFINE_SUBPIX;
  std::vector<std::vector<cv::Point2f>> corners;
  std::vector<int> ids;
  cv::aruco::detectMarkers(small, dict, corners, ids, params);

  MarkerDetection det;
  det.markers_found = static_cast<int>(ids.size());
  if (ids.empty()) return det;
  size_t best = 0;
  double best_area = -1.0;
  for (size_t i = 0; i < corners.size(); ++i) {
    const double a = std::abs(cv::contourArea(corners[i]));
    if (a > best_area) best_area = a, best = i;
  }

  // Back to full resolution (pixel-centre convention), then refine there.
  std::vector<cv::Point2f> full(4);
  for (int k = 0; k < 4; ++k) {
    full[k] = cv::Point2f(static_cast<float>((corners[best][k].x + 0.5) / scale - 0.5),
                          static_cast<float>((corners[best][k].y + 0.5) / scale - 0.5));
  }
  double mean_side = 0.0;
  for (int k = 0; k < 4; ++k) mean_side += cv::norm(full[(k + 1) % 4] - full[k]) / 4.0;
  const int win = std::clamp(static_cast<int>(mean_side / 12.0), 2, 15);
  cv::cornerSubPix(gray, full, cv::Size(win, win), cv::Size(-1, -1),
                   cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 50, 0.005));
  double corner_sigma_px = kCornerSigmaPx;
  double fitted_sigma_px = 0.0;
  if (RefineByEdges(gray, dict->markerSize + 2, &full, &fitted_sigma_px))
    corner_sigma_px = std::hypot(fitted_sigma_px, kSystematicCornerSigmaPx);

  det.found = true;
  det.marker_id = ids[best];
  std::vector<cv::Point2f> model = {{0.f, 0.f},
                                    {static_cast<float>(options.side_mm), 0.f},
                                    {static_cast<float>(options.side_mm),
                                     static_cast<float>(options.side_mm)},
                                    {0.f, static_cast<float>(options.side_mm)}};
  double sides[4];
  for (int k = 0; k < 4; ++k) {
    det.corners_px[k] = cv::Point2d(full[k]);
    sides[k] = cv::norm(full[(k + 1) % 4] - full[k]);
  }
  const cv::Mat h = cv::getPerspectiveTransform(model, full);  // mm -> px
  // Jacobian of the homography at the marker centre.
  const double c = options.side_mm / 2.0;
  const double* H = h.ptr<double>();
  const double w = H[6] * c + H[7] * c + H[8];
  const double u = (H[0] * c + H[1] * c + H[2]) / w;
  const double v = (H[3] * c + H[4] * c + H[5]) / w;
  det.center_px = {u, v};
  cv::Matx22d j((H[0] - u * H[6]) / w, (H[1] - u * H[7]) / w, (H[3] - v * H[6]) / w,
                (H[4] - v * H[7]) / w);
  cv::Matx21d sv;
  cv::SVD::compute(j, sv, cv::SVD::NO_UV);
  const double s1 = std::max(sv(0), sv(1));
  const double s2 = std::min(sv(0), sv(1));
  det.px_per_mm = s1;
  det.tilt_deg = std::acos(std::clamp(s2 / s1, 0.0, 1.0)) * 180.0 / CV_PI;

  const double side_mean = (sides[0] + sides[1] + sides[2] + sides[3]) / 4.0;
  det.side_spread_rel =
      (*std::max_element(sides, sides + 4) - *std::min_element(sides, sides + 4)) / side_mean;
  // Corner noise on a side of L px gives sqrt(2) sigma / L per side, averaged over four; the
  // perspective term is half the relative difference between opposite sides (what a pure
  // scale-plus-tilt model does not explain).
  const double corner_term = std::sqrt(2.0) * corner_sigma_px / side_mean / 2.0;
  const double persp_term = 0.5 * std::max(std::abs(sides[0] - sides[2]) / side_mean,
                                           std::abs(sides[1] - sides[3]) / side_mean);
  det.uncertainty_rel = std::sqrt(corner_term * corner_term + persp_term * persp_term);
  return det;
}

MarkerDetection ToFullSize(MarkerDetection d, double factor) {
  if (!(factor > 0.0)) throw Error("ToFullSize: factor must be > 0");
  auto full = [factor](cv::Point2d p) {
    return cv::Point2d((p.x + 0.5) * factor - 0.5, (p.y + 0.5) * factor - 0.5);
  };
  for (cv::Point2d& c : d.corners_px) c = full(c);
  d.center_px = full(d.center_px);
  d.px_per_mm *= factor;
  return d;
}

void MarkerSheetOptions::Check() const {
  ArucoDictionaryId(dictionary);
  if (!(side_mm >= 3.0 && side_mm <= 100.0)) throw Error("marker sheet: --mm must be 3..100");
  if (!(dpi >= 150.0 && dpi <= 2400.0)) throw Error("marker sheet: --dpi must be 150..2400");
  if (copies < 1 || copies > 48) throw Error("marker sheet: copies must be 1..48");
  if (!(ruler_mm >= 10.0 && ruler_mm <= 150.0)) throw Error("marker sheet: ruler must be 10..150 mm");
  const auto dict = cv::aruco::getPredefinedDictionary(ArucoDictionaryId(dictionary));
  if (marker_id < 0 || marker_id >= dict->bytesList.rows)
    throw Error("marker sheet: marker id out of the dictionary's range");
}

namespace {

// Sheet layout in mm: stickers in a row-major grid, then the ruler below.
struct SheetLayout {
  double cell_mm;  // marker + quiet zone + cut margin
  int cols, rows;
  double width_mm, height_mm, ruler_y_mm;
};

SheetLayout Layout(const MarkerSheetOptions& o) {
  SheetLayout l;
  l.cell_mm = o.side_mm * 2.0;
  l.cols = std::min(o.copies, std::max(1, static_cast<int>(180.0 / l.cell_mm)));
  l.rows = (o.copies + l.cols - 1) / l.cols;
  l.width_mm = std::max(l.cols * l.cell_mm, o.ruler_mm + 20.0) + 10.0;
  l.ruler_y_mm = 5.0 + l.rows * l.cell_mm + 8.0;
  l.height_mm = l.ruler_y_mm + 20.0;
  l.width_mm = std::max(l.width_mm, 110.0);
  return l;
}

// The marker's bit cells (including its black border), 1 = black.
cv::Mat MarkerCells(const MarkerSheetOptions& o) {
  const auto dict = cv::aruco::getPredefinedDictionary(ArucoDictionaryId(o.dictionary));
  const int n = dict->markerSize + 2;
  cv::Mat img;
  cv::aruco::drawMarker(dict, o.marker_id, n, img, 1);  // one pixel per cell
  return img == 0;
}

}  // namespace

cv::Mat RenderMarkerSheetPng(const MarkerSheetOptions& o) {
  o.Check();
  const SheetLayout l = Layout(o);
  const double px_mm = o.dpi / 25.4;
  cv::Mat sheet(static_cast<int>(std::ceil(l.height_mm * px_mm)),
                static_cast<int>(std::ceil(l.width_mm * px_mm)), CV_8U, cv::Scalar(255));
  const cv::Mat cells = MarkerCells(o);
  const double cell = o.side_mm / cells.cols;
  auto px = [&](double mm) { return static_cast<int>(std::lround(mm * px_mm)); };
  for (int i = 0; i < o.copies; ++i) {
    const double x0 = 5.0 + (i % l.cols) * l.cell_mm + (l.cell_mm - o.side_mm) / 2.0;
    const double y0 = 5.0 + (i / l.cols) * l.cell_mm + (l.cell_mm - o.side_mm) / 2.0;
    for (int r = 0; r < cells.rows; ++r)
      for (int c = 0; c < cells.cols; ++c)
        if (cells.at<uchar>(r, c))
          cv::rectangle(sheet, cv::Point(px(x0 + c * cell), px(y0 + r * cell)),
                        cv::Point(px(x0 + (c + 1) * cell) - 1, px(y0 + (r + 1) * cell) - 1),
                        cv::Scalar(0), cv::FILLED);
    // Light cut guide around the sticker.
    const double g = (l.cell_mm - o.side_mm) / 2.0 - 1.0;
    cv::rectangle(sheet, cv::Point(px(x0 - g), px(y0 - g)),
                  cv::Point(px(x0 + o.side_mm + g), px(y0 + o.side_mm + g)), cv::Scalar(200), 1);
  }
  const double rx = 5.0;
  const double ry = l.ruler_y_mm;
  cv::line(sheet, cv::Point(px(rx), px(ry)), cv::Point(px(rx + o.ruler_mm), px(ry)),
           cv::Scalar(0), std::max(1, px(0.2)));
  for (int mm = 0; mm <= static_cast<int>(o.ruler_mm); ++mm) {
    const double len = mm % 10 == 0 ? 4.0 : (mm % 5 == 0 ? 2.5 : 1.5);
    cv::line(sheet, cv::Point(px(rx + mm), px(ry)), cv::Point(px(rx + mm), px(ry - len)),
             cv::Scalar(0), std::max(1, px(0.1)));
  }
  std::ostringstream l1, l2;
  l1 << "scarmap marker " << o.dictionary << " id " << o.marker_id << ", " << o.side_mm << " mm";
  l2 << "Print at 100 %: this line must measure " << o.ruler_mm << " mm";
  int line_no = 0;
  for (const std::string& text : {l1.str(), l2.str()}) {
    cv::putText(sheet, text, cv::Point(px(rx), px(ry + 7.0 + 5.0 * line_no++)),
                cv::FONT_HERSHEY_SIMPLEX, px_mm * 0.09, cv::Scalar(0), std::max(1, px(0.12)),
                cv::LINE_AA);
  }
  return sheet;
}

std::string RenderMarkerSheetSvg(const MarkerSheetOptions& o) {
  o.Check();
  const SheetLayout l = Layout(o);
  const cv::Mat cells = MarkerCells(o);
  const double cell = o.side_mm / cells.cols;
  std::ostringstream s;
  s.precision(6);
  s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << l.width_mm << "mm\" height=\""
    << l.height_mm << "mm\" viewBox=\"0 0 " << l.width_mm << " " << l.height_mm << "\">\n"
    << "<rect x=\"0\" y=\"0\" width=\"" << l.width_mm << "\" height=\"" << l.height_mm
    << "\" fill=\"white\"/>\n";
  for (int i = 0; i < o.copies; ++i) {
    const double x0 = 5.0 + (i % l.cols) * l.cell_mm + (l.cell_mm - o.side_mm) / 2.0;
    const double y0 = 5.0 + (i / l.cols) * l.cell_mm + (l.cell_mm - o.side_mm) / 2.0;
    const double g = (l.cell_mm - o.side_mm) / 2.0 - 1.0;
    s << "<rect x=\"" << x0 - g << "\" y=\"" << y0 - g << "\" width=\"" << o.side_mm + 2 * g
      << "\" height=\"" << o.side_mm + 2 * g
      << "\" fill=\"none\" stroke=\"#c8c8c8\" stroke-width=\"0.1\"/>\n";
    for (int r = 0; r < cells.rows; ++r)
      for (int c = 0; c < cells.cols; ++c)
        if (cells.at<uchar>(r, c))
          s << "<rect x=\"" << x0 + c * cell << "\" y=\"" << y0 + r * cell << "\" width=\""
            << cell << "\" height=\"" << cell << "\" fill=\"black\" shape-rendering=\"crispEdges\"/>\n";
  }
  const double rx = 5.0, ry = l.ruler_y_mm;
  s << "<line x1=\"" << rx << "\" y1=\"" << ry << "\" x2=\"" << rx + o.ruler_mm << "\" y2=\""
    << ry << "\" stroke=\"black\" stroke-width=\"0.2\"/>\n";
  for (int mm = 0; mm <= static_cast<int>(o.ruler_mm); ++mm) {
    const double len = mm % 10 == 0 ? 4.0 : (mm % 5 == 0 ? 2.5 : 1.5);
    s << "<line x1=\"" << rx + mm << "\" y1=\"" << ry << "\" x2=\"" << rx + mm << "\" y2=\""
      << ry - len << "\" stroke=\"black\" stroke-width=\"0.1\"/>\n";
  }
  s << "<text x=\"" << rx << "\" y=\"" << ry + 8.0
    << "\" font-family=\"sans-serif\" font-size=\"3\">scarmap marker " << o.dictionary << " id "
    << o.marker_id << ", " << o.side_mm << " mm. Print at 100 %: this line must measure "
    << o.ruler_mm << " mm.</text>\n</svg>\n";
  return s.str();
}

}  // namespace scarmap
