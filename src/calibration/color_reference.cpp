#include "scarmap/calibration/color_reference.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/mcc.hpp>
#include <opencv2/mcc/ccm.hpp>
#include <optional>

#include "scarmap/core/srgb.hpp"
#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

// cv::ccm's default linearisation of the chart's patch values (LINEARIZATION_GAMMA).
constexpr double kChartGamma = 2.2;

double Decode(double v01, double gamma) {
  if (gamma > 0.0) return std::pow(std::max(0.0, v01), gamma);
  return SrgbToLinear(v01);
}

std::optional<ColorCorrection> FromColorChecker(const ColorReferenceOptions& o,
                                                const cv::Mat& bgr) {
  if (!MayHoldColorChecker(o, bgr)) return std::nullopt;
  const double scale = std::min(1.0, std::sqrt(o.max_detect_megapixels * 1e6 / bgr.total()));
  cv::Mat small = bgr;
  if (scale < 1.0) cv::resize(bgr, small, cv::Size(), scale, scale, cv::INTER_AREA);
  try {
    cv::Ptr<cv::mcc::CCheckerDetector> detector = cv::mcc::CCheckerDetector::create();
    if (!detector->process(small, cv::mcc::MCC24, 1)) return std::nullopt;
    const cv::Ptr<cv::mcc::CChecker> chart = detector->getBestColorChecker();
    if (!chart) return std::nullopt;
    // Three rows (R, G, B) per patch in the chart's standard order; column 1 is the mean.
    const cv::Mat stats = chart->getChartsRGB();
    if (stats.rows != 72 || stats.cols < 2) return std::nullopt;
    cv::Mat patches = stats.col(1).clone().reshape(3, stats.rows / 3);
    patches.convertTo(patches, CV_64FC3, 1.0 / 255.0);
    cv::ccm::ColorCorrectionModel model(patches, cv::ccm::COLORCHECKER_Macbeth);
    model.setLinearGamma(kChartGamma);
    model.setSaturatedThreshold(0.02, 0.98);  // clipped or crushed patches say nothing
    model.run();
    ColorCorrection c;
    c.source = ColorSource::kColorChecker;
    c.samples = cv::countNonZero(model.getMask());
    c.residual_delta_e = model.getLoss();  // RMS CIEDE2000 over the patches used
    if (c.samples < o.min_chart_patches || !(c.residual_delta_e <= o.max_chart_residual_de))
      return std::nullopt;
    const cv::Mat ccm = model.getCCM();  // rows of linear RGB times ccm: the transpose of ours
    if (ccm.rows != 3 || ccm.cols != 3) return std::nullopt;
    for (int r = 0; r < 3; ++r)
      for (int k = 0; k < 3; ++k) c.matrix(r, k) = ccm.at<double>(k, r);
    c.input_gamma = kChartGamma;
    for (const cv::Point2f& p : chart->getBox())
      c.chart_corners_px.emplace_back((p.x + 0.5) / scale - 0.5, (p.y + 0.5) / scale - 0.5);
    return c;
  } catch (const cv::Exception&) {
    return std::nullopt;  // mcc/ccm refusing an odd chart is "no chart", not a failure
  }
}

// White-patch gains on the marker's quiet zone: the ring between white_inner_rel and
// white_outer_rel times the marker square about its centre.
std::optional<ColorCorrection> FromMarkerWhite(const ColorReferenceOptions& o, const cv::Mat& bgr,
                                               const MarkerDetection& d) {
  auto ring_poly = [&](double f) {
    std::vector<cv::Point> poly;
    for (const auto& c : d.corners_px) {
      const cv::Point2d g = d.center_px + f * (c - d.center_px);
      poly.emplace_back(static_cast<int>(std::lround(g.x)), static_cast<int>(std::lround(g.y)));
    }
    return poly;
  };
  const std::vector<cv::Point> outer = ring_poly(o.white_outer_rel);
  const cv::Rect box = cv::boundingRect(outer) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.area() <= 0) return std::nullopt;
  // The ring as a mask of the box only (not of the whole photo, which may be 48 MP).
  auto in_box = [&](std::vector<cv::Point> poly) {
    for (auto& p : poly) p -= box.tl();
    return poly;
  };
  cv::Mat ring = cv::Mat::zeros(box.size(), CV_8U);
  cv::fillConvexPoly(ring, in_box(outer), cv::Scalar(255));
  cv::fillConvexPoly(ring, in_box(ring_poly(o.white_inner_rel)), cv::Scalar(0));

  // Unclipped ring pixels, then the bright ones (a shadow, a finger or a marker bit bleeding
  // into the ring is darker than the paper).
  std::vector<cv::Vec3d> px;
  std::vector<double> luma;
  for (int y = box.y; y < box.br().y; ++y) {
    const uchar* m = ring.ptr<uchar>(y - box.y);
    const cv::Vec3b* p = bgr.ptr<cv::Vec3b>(y);
    for (int x = box.x; x < box.br().x; ++x) {
      if (!m[x - box.x] || std::max({p[x][0], p[x][1], p[x][2]}) >= 250) continue;
      const cv::Vec3d lin(Decode(p[x][2] / 255.0, 0.0), Decode(p[x][1] / 255.0, 0.0),
                          Decode(p[x][0] / 255.0, 0.0));
      px.push_back(lin);
      luma.push_back(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]);
    }
  }
  if (static_cast<int>(px.size()) < o.min_white_pixels) return std::nullopt;
  std::vector<double> sorted = luma;
  const size_t k90 = sorted.size() * 9 / 10;
  std::nth_element(sorted.begin(), sorted.begin() + k90, sorted.end());
  const double bright = 0.8 * sorted[k90];
  cv::Vec3d sum(0, 0, 0);
  int n = 0;
  for (size_t i = 0; i < px.size(); ++i)
    if (luma[i] >= bright) sum += px[i], ++n;
  if (n < o.min_white_pixels) return std::nullopt;
  const cv::Vec3d white = sum / n;
  const double y = 0.2126 * white[0] + 0.7152 * white[1] + 0.0722 * white[2];
  // Paper is bright: a quiet zone below L* ~ 40 (Y 0.11) is not lit white paper.
  if (!(y > 0.11)) return std::nullopt;
  ColorCorrection c;
  c.source = ColorSource::kMarkerWhite;
  c.samples = n;
  c.input_gamma = 0.0;
  for (int k = 0; k < 3; ++k) {
    const double g = white[k] > 0.0 ? y / white[k] : 0.0;
    if (!(g >= 1.0 / o.max_white_gain && g <= o.max_white_gain)) return std::nullopt;
    c.white_gains[k] = g;
    c.matrix(k, k) = g;
  }
  return c;
}

}  // namespace

void ColorReferenceOptions::Check() const {
  if (!(max_detect_megapixels >= 0.1)) throw Error("color.max_detect_megapixels must be >= 0.1");
  if (!(max_chart_residual_de > 0.0)) throw Error("color.max_chart_residual_de must be > 0");
  if (min_chart_patches < 4 || min_chart_patches > 24)
    throw Error("color.min_chart_patches must be 4..24");
  if (!(white_inner_rel >= 1.0 && white_outer_rel > white_inner_rel && white_outer_rel <= 3.0))
    throw Error("color.white_inner_rel/white_outer_rel must satisfy 1 <= inner < outer <= 3");
  if (!(prescreen_min_chroma >= 0.0 && prescreen_min_chroma <= 128.0))
    throw Error("color.prescreen_min_chroma must be 0..128");
  if (!(prescreen_min_fraction >= 0.0 && prescreen_min_fraction <= 1.0))
    throw Error("color.prescreen_min_fraction must be 0..1");
  if (min_white_pixels < 1) throw Error("color.min_white_pixels must be >= 1");
  if (!(max_white_gain > 1.0)) throw Error("color.max_white_gain must be > 1");
}

std::string_view ToString(ColorSource source) {
  switch (source) {
    case ColorSource::kColorChecker:
      return "colorchecker";
    case ColorSource::kMarkerWhite:
      return "marker_white";
    case ColorSource::kNone:
      break;
  }
  return "none";
}

ColorSource ColorSourceFromString(std::string_view text) {
  for (ColorSource s : {ColorSource::kNone, ColorSource::kColorChecker, ColorSource::kMarkerWhite})
    if (ToString(s) == text) return s;
  throw Error("unknown colour source: " + std::string(text));
}

bool MayHoldColorChecker(const ColorReferenceOptions& o, const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw Error("MayHoldColorChecker: expected a non-empty CV_8UC3 image");
  if (o.prescreen_min_fraction <= 0.0) return true;
  // A <= 0.25 MP copy by an integer factor (OpenCV's fast block average; the few rows and
  // columns beyond a whole block are left out).
  const int k = static_cast<int>(std::ceil(std::sqrt(bgr.total() / 0.25e6)));
  cv::Mat small = bgr;
  if (k > 1 && bgr.cols >= k && bgr.rows >= k)
    cv::resize(bgr(cv::Rect(0, 0, bgr.cols / k * k, bgr.rows / k * k)), small,
               cv::Size(bgr.cols / k, bgr.rows / k), 0, 0, cv::INTER_AREA);
  // CIELAB by scarmap's own conversion (cv::cvtColor's Lab tables cost 0.15 s to build).
  const auto& lut = SrgbToLinearLut();
  // Off-skin hues: 100 < h_ab < 340 degrees, i.e. outside the cone from 340 through 0 to 100.
  const double c_lo = std::cos(100.0 * CV_PI / 180.0), s_lo = std::sin(100.0 * CV_PI / 180.0);
  const double c_hi = std::cos(340.0 * CV_PI / 180.0), s_hi = std::sin(340.0 * CV_PI / 180.0);
  const double min_c2 = o.prescreen_min_chroma * o.prescreen_min_chroma;
  const double need = o.prescreen_min_fraction * static_cast<double>(small.total());
  double n = 0.0;
  for (int y = 0; y < small.rows; ++y) {
    const cv::Vec3b* p = small.ptr<cv::Vec3b>(y);
    for (int x = 0; x < small.cols; ++x) {
      const cv::Vec3f lab = LinearSrgbToLab(lut[p[x][2]], lut[p[x][1]], lut[p[x][0]]);
      const double a = lab[1], b = lab[2];
      if (a * a + b * b < min_c2) continue;
      // Inside the skin cone: counter-clockwise of 340 degrees and clockwise of 100 degrees
      // (the cone spans 120 degrees < 180, so both half-plane tests together define it).
      const bool after_hi = c_hi * b - s_hi * a >= 0.0;  // cross(dir 340, v) >= 0
      const bool before_lo = c_lo * b - s_lo * a <= 0.0;  // cross(dir 100, v) <= 0
      if (after_hi && before_lo) continue;
      if (++n >= need) return true;
    }
  }
  return n >= need;
}

ColorCorrection FindColorReference(const ColorReferenceOptions& options, const cv::Mat& bgr,
                                   const MarkerDetection* marker) {
  options.Check();
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw Error("FindColorReference: expected a non-empty CV_8UC3 image");
  if (options.use_colorchecker)
    if (auto c = FromColorChecker(options, bgr)) return *c;
  if (options.use_marker_white && marker && marker->found)
    if (auto c = FromMarkerWhite(options, bgr, *marker)) return *c;
  return {};
}

cv::Vec3d CorrectToLinear(const ColorCorrection& correction, const cv::Vec3d& rgb255) {
  const cv::Vec3d lin(Decode(rgb255[0] / 255.0, correction.input_gamma),
                      Decode(rgb255[1] / 255.0, correction.input_gamma),
                      Decode(rgb255[2] / 255.0, correction.input_gamma));
  return correction.matrix * lin;
}

}  // namespace scarmap
