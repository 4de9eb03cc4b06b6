#include "scarmap/preprocess/quality.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "scarmap/core/format.hpp"
#include "scarmap/core/status.hpp"

namespace scarmap {
namespace {

cv::Mat GradientMagnitude(const cv::Mat& l) {
  cv::Mat gx, gy, g;
  cv::Sobel(l, gx, CV_32F, 1, 0, 3, 0.125);
  cv::Sobel(l, gy, CV_32F, 0, 1, 3, 0.125);
  cv::magnitude(gx, gy, g);
  return g;
}

// Blur sigma (px) at the strongest tenth of the local gradient maxima inside `mask`. The image is
// compared at two known extra blurs (s and 2 s) rather than with itself, so that sensor noise and
// 8-bit steps (sharp however blurred the optics were) do not count. At a step edge blurred by
// sigma the gradient peak is proportional to 1 / sqrt(sigma^2 + s^2), so the ratio
// R = g(s) / g(2 s) gives sigma^2 = ((2 s)^2 - R^2 s^2) / (R^2 - 1). A thin hair's peak decays
// faster (1 / (sigma^2 + s^2)) and reads sharper than it is: the median over edges and hairs is an
// edge-equivalent blur, monotonic in the true one.
double EdgeBlurSigmaPx(const cv::Mat& l, const cv::Mat& mask, double s) {
  const double s2 = 2.0 * s;
  cv::Mat l1, l2;
  cv::GaussianBlur(l, l1, cv::Size(0, 0), s);
  cv::GaussianBlur(l, l2, cv::Size(0, 0), s2);
  const cv::Mat g1 = GradientMagnitude(l1), g2 = GradientMagnitude(l2);
  cv::Mat peak;
  cv::dilate(g1, peak, cv::Mat());
  std::vector<float> strength;
  std::vector<cv::Point> where;
  for (int y = 1; y < l.rows - 1; ++y) {
    const float* a = g1.ptr<float>(y);
    const float* p = peak.ptr<float>(y);
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 1; x < l.cols - 1; ++x)
      if (m[x] && a[x] > 0.0f && a[x] >= p[x]) {
        strength.push_back(a[x]);
        where.emplace_back(x, y);
      }
  }
  if (strength.size() < 20) return 0.0;
  std::vector<float> sorted = strength;
  const size_t k = sorted.size() * 9 / 10;
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  const float strong = sorted[k];
  constexpr double kMaxSigma2 = 50.0 * 50.0;
  std::vector<double> sigma;
  for (size_t i = 0; i < where.size(); ++i) {
    if (strength[i] < strong) continue;
    const double r = strength[i] / std::max(1e-6f, g2.at<float>(where[i]));
    const double r2 = r * r;
    const double v = r2 > 1.0 + 1e-6 ? (s2 * s2 - r2 * s * s) / (r2 - 1.0) : kMaxSigma2;
    sigma.push_back(std::sqrt(std::clamp(v, 0.0, kMaxSigma2)));
  }
  std::nth_element(sigma.begin(), sigma.begin() + sigma.size() / 2, sigma.end());
  return sigma[sigma.size() / 2];
}

// Fraction of `scalp` under hair, hair lying in mats included, on a copy of L* at most 6 px/mm:
// pixels at least `min_dark_L` L* (and 12 % of the local level) below the morphological closing
// of L* with a `disc_mm` disc. The closing is an upper envelope through the skin showing between
// hairs (a wide black-hat; bright features such as scars, flakes or glare are left as they are by
// a closing). The follicle stage's own mask is sized and thresholded for stubble: where strands
// lie in mats its threshold (a multiple of the noise, which the mats dominate) rises and it keeps
// only their darkest cores.
double HairCover(const cv::Mat& l, const cv::Mat& scalp, double px_per_mm, double disc_mm,
                 double min_dark_L) {
  constexpr double kCoarsePxPerMm = 6.0;
  const double f = std::min(1.0, kCoarsePxPerMm / px_per_mm);
  cv::Mat lc = l, sc = scalp;
  if (f < 1.0) {
    const cv::Size coarse(std::max(1, static_cast<int>(std::lround(l.cols * f))),
                          std::max(1, static_cast<int>(std::lround(l.rows * f))));
    cv::resize(l, lc, coarse, 0, 0, cv::INTER_AREA);
    cv::resize(scalp, sc, coarse, 0, 0, cv::INTER_AREA);
    sc = sc >= 128;
  }
  const int d = std::max(3, static_cast<int>(std::lround(disc_mm * px_per_mm * f)) | 1);
  cv::Mat closed;
  cv::morphologyEx(lc, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}));
  int n = 0, dark = 0;
  for (int y = 0; y < lc.rows; ++y) {
    const float* c = closed.ptr<float>(y);
    const float* v = lc.ptr<float>(y);
    const uchar* m = sc.ptr<uchar>(y);
    for (int x = 0; x < lc.cols; ++x)
      if (m[x]) {
        ++n;
        dark += c[x] - v[x] >= std::max(static_cast<float>(min_dark_L), 0.12f * c[x]);
      }
  }
  return n ? static_cast<double>(dark) / n : 0.0;
}

// Adds an issue when `value` is beyond `warn` (above when `high_is_bad`, else below).
void Check(std::vector<QualityIssue>& issues, const char* name, double value, double warn,
           double poor, bool high_is_bad, const std::string& message) {
  const bool w = high_is_bad ? value > warn : value < warn;
  const bool p = high_is_bad ? value > poor : value < poor;
  if (!w && !p) return;
  issues.push_back({name, p, value, p ? poor : warn, message});
}

}  // namespace

void QualityOptions::Check() const {
  auto pair = [](double warn, double poor, bool high_is_bad, const char* what) {
    if (!(warn >= 0.0 && poor >= 0.0) || (high_is_bad ? poor < warn : poor > warn))
      throw Error(std::string("quality.") + what +
                  ": thresholds must be >= 0 and poor beyond warn");
  };
  pair(blur_warn_mm, blur_poor_mm, true, "blur");
  pair(overexposed_warn, overexposed_poor, true, "overexposed");
  pair(underexposed_warn, underexposed_poor, true, "underexposed");
  pair(glare_warn, glare_poor, true, "glare");
  pair(hair_cover_warn, hair_cover_poor, true, "hair_cover");
  pair(scalp_fraction_warn, scalp_fraction_poor, false, "scalp_fraction");
  pair(scalp_area_warn_cm2, scalp_area_poor_cm2, false, "scalp_area");
  pair(scale_warn_px_per_mm, scale_poor_px_per_mm, false, "scale");
  if (!(hair_disc_mm > 0.2 && hair_disc_mm < 20.0))
    throw Error("quality.hair_disc_mm must be in (0.2, 20)");
  if (!(hair_min_dark_L > 0.0)) throw Error("quality.hair_min_dark_L must be > 0");
  if (!(reblur_sigma_px >= 0.5 && reblur_sigma_px <= 10.0))
    throw Error("quality.reblur_sigma_px must be in 0.5..10");
}

bool PhotoQuality::poor() const {
  return std::any_of(issues.begin(), issues.end(), [](const QualityIssue& i) { return i.poor; });
}

std::string PhotoQuality::PoorSummary() const {
  std::string s;
  for (const QualityIssue& i : issues)
    if (i.poor) s += (s.empty() ? "" : "; ") + i.message;
  return s;
}

PhotoQuality AssessQuality(const QualityOptions& o, const WorkingImage& image,
                           const cv::Mat& hair_mask, const cv::Mat& scar_mask,
                           double native_px_per_mm) {
  o.Check();
  if (image.bgr.empty() || image.lab.size() != image.bgr.size())
    throw Error("AssessQuality: the working image needs bgr and lab");
  const cv::Size size = image.bgr.size();
  for (const cv::Mat* m : {&image.scalp_mask, &hair_mask, &scar_mask})
    if (!m->empty() && (m->size() != size || m->type() != CV_8U))
      throw Error("AssessQuality: masks must be CV_8U of the working image size");
  cv::Mat scalp = image.scalp_mask.empty() ? cv::Mat() : image.scalp_mask.clone();
  if (scalp.empty() || cv::countNonZero(scalp) == 0) scalp = cv::Mat(size, CV_8U, cv::Scalar(255));
  const cv::Mat no = cv::Mat::zeros(size, CV_8U);
  const cv::Mat hair = hair_mask.empty() ? no : hair_mask;
  cv::Mat scars = scar_mask.empty() ? no : scar_mask;
  // Glare on a scar is the planner's business (shiny scar), and a scar's bright rim is no glare.
  if (!scar_mask.empty())
    cv::dilate(scars, scars, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  const cv::Mat skin = scalp & ~hair;

  PhotoQuality q;
  const double scalp_px = cv::countNonZero(scalp);
  const double skin_px = std::max(1.0, static_cast<double>(cv::countNonZero(skin)));
  cv::Mat lo, hi;
  {
    std::vector<cv::Mat> ch;
    cv::split(image.bgr, ch);
    lo = cv::min(cv::min(ch[0], ch[1]), ch[2]);
    hi = cv::max(cv::max(ch[0], ch[1]), ch[2]);
  }
  q.overexposed_fraction = cv::countNonZero((hi >= 250) & scalp) / scalp_px;
  q.underexposed_fraction = cv::countNonZero((hi <= 24) & skin) / skin_px;
  const cv::Mat glare_base = skin & ~scars;
  q.glare_fraction = cv::countNonZero((lo >= 235) & glare_base) /
                     std::max(1.0, static_cast<double>(cv::countNonZero(glare_base)));
  {
    cv::Mat l;
    cv::extractChannel(image.lab, l, 0);
    q.hair_cover_fraction = HairCover(l, scalp, image.px_per_mm, o.hair_disc_mm, o.hair_min_dark_L);
  }
  q.scalp_fraction = image.scalp_mask.empty()
                         ? 0.0
                         : cv::countNonZero(image.scalp_mask) / static_cast<double>(size.area());
  {
    cv::Mat l;
    cv::extractChannel(image.lab, l, 0);
    cv::Mat inner;
    cv::erode(scalp, inner, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
    q.blur_sigma_px = EdgeBlurSigmaPx(l, inner, o.reblur_sigma_px);
  }
  if (image.scale_known) {
    q.blur_sigma_mm = q.blur_sigma_px / image.px_per_mm;
    if (!image.scalp_mask.empty())
      q.scalp_area_cm2 =
          cv::countNonZero(image.scalp_mask) / (image.px_per_mm * image.px_per_mm) / 100.0;
  }
  if (native_px_per_mm > 0.0) q.native_px_per_mm = native_px_per_mm;

  auto pct = [](double f) { return Fmt("%.0f", 100.0 * f) + " %"; };
  std::vector<QualityIssue>& is = q.issues;
  if (q.blur_sigma_mm)
    Check(is, "blur", *q.blur_sigma_mm, o.blur_warn_mm, o.blur_poor_mm, true,
          "the photo is blurred: edges are spread over " + Fmt("%.2f", *q.blur_sigma_mm) +
              " mm (Gaussian sigma; sharp is below " + Fmt("%.2f", o.blur_warn_mm) +
              " mm): retake it in focus");
  Check(is, "overexposed", q.overexposed_fraction, o.overexposed_warn, o.overexposed_poor, true,
        "over-exposed: " + pct(q.overexposed_fraction) +
            " of the scalp is clipped white in a colour channel: colour and contrast are wrong "
            "there");
  Check(is, "underexposed", q.underexposed_fraction, o.underexposed_warn, o.underexposed_poor, true,
        "under-exposed: " + pct(q.underexposed_fraction) +
            " of the bare skin is crushed to black: add light");
  Check(is, "glare", q.glare_fraction, o.glare_warn, o.glare_poor, true,
        "specular glare on " + pct(q.glare_fraction) +
            " of the bare scalp: scars under it cannot be seen; avoid the direct flash");
  Check(is, "hair_cover", q.hair_cover_fraction, o.hair_cover_warn, o.hair_cover_poor, true,
        "hair covers " + pct(q.hair_cover_fraction) +
            " of the scalp: too long or too dense to see the skin and the scars; shave or buzz "
            "first");
  if (!image.scalp_mask.empty())
    Check(is, "scalp_fraction", q.scalp_fraction, o.scalp_fraction_warn, o.scalp_fraction_poor,
          false,
          "the scalp fills only " + pct(q.scalp_fraction) +
              " of the frame: move closer to the scalp");
  if (q.scalp_area_cm2)
    Check(is, "scalp_area", *q.scalp_area_cm2, o.scalp_area_warn_cm2, o.scalp_area_poor_cm2, false,
          "only " + Fmt("%.1f", *q.scalp_area_cm2) +
              " cm^2 of scalp is in view: densities and the plan cover only that");
  if (q.native_px_per_mm)
    Check(is, "scale", *q.native_px_per_mm, o.scale_warn_px_per_mm, o.scale_poor_px_per_mm, false,
          "the photo has only " + Fmt("%.1f", *q.native_px_per_mm) +
              " px/mm: too coarse for FUE dots (0.6-1.5 mm; at least " +
              Fmt("%.0f", o.scale_poor_px_per_mm) + " px/mm needed, " +
              Fmt("%.0f", o.scale_warn_px_per_mm) + " advised)");
  return q;
}

}  // namespace scarmap
