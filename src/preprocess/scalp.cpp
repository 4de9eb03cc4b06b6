#include "scarmap/preprocess/scalp.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "scarmap/core/status.hpp"
#include "scarmap/preprocess/filters.hpp"
#include "scarmap/preprocess/stats.hpp"

namespace scarmap {

void ScalpOptions::Check() const {
  if (!(min_scalp_area_mm2 >= 0.0)) throw Error("scalp.min_scalp_area_mm2 must be >= 0");
  if (!(min_background_mm > 0.0)) throw Error("scalp.min_background_mm must be > 0");
  if (!(chroma_tolerance > 0.0)) throw Error("scalp.chroma_tolerance must be > 0");
}

ScalpRegion FindScalp(const ScalpOptions& o, const WorkingImage& image) {
  o.Check();
  if (image.lightness.empty() || image.ab.size() != image.lightness.size())
    throw Error("FindScalp: image.lightness and image.ab must be filled");
  const cv::Size size = image.lightness.size();
  ScalpRegion r;
  const double s1 = std::max(1.0, image.MmToPx(1.0));
  constexpr int kBand = 128;  // rows computed together

  // Stubble: dark structures thinner than a hair (black-hat, disc 0.56 mm) deeper than 3 L*;
  // their local density (3 mm) tells hair-bearing scalp from hairless skin such as an ear. The
  // black-hat a band at a time, with the closing's reach above and below: the same pixels.
  cv::Mat hair(size, CV_8U);
  {
    const int hd = std::max(3, static_cast<int>(std::ceil(image.MmToPx(0.35) * 1.6)) | 1);
    const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {hd, hd});
    const int halo = 2 * (hd / 2);
    cv::parallel_for_(cv::Range(0, (size.height + kBand - 1) / kBand), [&](const cv::Range& r) {
      cv::Mat bh;
      for (int b = r.start; b < r.end; ++b) {
        const int y0 = b * kBand, y1 = std::min(size.height, y0 + kBand);
        const int a = std::max(0, y0 - halo), z = std::min(size.height, y1 + halo);
        cv::morphologyEx(image.lightness.rowRange(a, z), bh, cv::MORPH_BLACKHAT, disc);
        cv::Mat out = hair.rowRange(y0, y1);
        cv::compare(bh.rowRange(y0 - a, y1 - a), 3.0f, out, cv::CMP_GT);
      }
    });
  }
  // Background with and without the hairless cue: where stubble is too faint to see (very
  // light hair), the cue would take the whole scalp away, and is then not used.
  cv::Mat background(size, CV_8U, cv::Scalar(0)), background_nohair(size, CV_8U, cv::Scalar(0));
  {
    // Neighbourhood colour and texture (Gaussian, 1 mm), kept at the half resolution they are
    // computed at and read a band of rows at a time: tex = local std of L*.
    auto lightness = [&image](int y, float* out) {
      const float* p = image.lightness.ptr<float>(y);
      std::copy(p, p + image.lightness.cols, out);
    };
    auto chroma_axis = [&image](int k) {  // a* (k = 0) or b* (k = 1)
      return [&image, k](int y, float* out) {
        const cv::Vec2s* p = image.ab.ptr<cv::Vec2s>(y);
        for (int x = 0; x < image.ab.cols; ++x) out[x] = p[x][k] / kAbScale;
      };
    };
    const CoarseBlurRows hairy(
        size,
        [&](int y, float* out) {
          const uchar* h = hair.ptr<uchar>(y);
          for (int x = 0; x < size.width; ++x) out[x] = h[x] ? 1.0f : 0.0f;  // 255 / 255.0
        },
        std::max(1.0, image.MmToPx(1.5)));
    hair.release();
    const CoarseBlurRows m1(size, lightness, s1);
    const CoarseBlurRows m2(
        size,
        [&](int y, float* out) {
          const float* p = image.lightness.ptr<float>(y);
          for (int x = 0; x < size.width; ++x) out[x] = p[x] * p[x];
        },
        s1);
    const CoarseBlurRows ma(size, chroma_axis(0), s1), mb(size, chroma_axis(1), s1);
    // Rows [y0, y1) of L*, a*, b*, tex and hairy, as whole-image blurs give them.
    struct Band {
      cv::Mat l, a, b, tex, hairy;
    };
    auto band = [&](int y0, int y1) {
      Band d{m1.Rows(y0, y1), ma.Rows(y0, y1), mb.Rows(y0, y1), m2.Rows(y0, y1).clone(),
             hairy.Rows(y0, y1)};
      for (int y = 0; y < y1 - y0; ++y) {
        const float* l = d.l.ptr<float>(y);
        float* t = d.tex.ptr<float>(y);
        for (int x = 0; x < size.width; ++x) t[x] = std::sqrt(std::max(t[x] - l[x] * l[x], 0.0f));
      }
      return d;
    };

    // Reference from the central half of the frame.
    const cv::Rect centre(size.width / 4, size.height / 4, std::max(1, size.width / 2),
                          std::max(1, size.height / 2));
    std::vector<float> va, vb, vl, vt;
    for (int y0 = centre.y; y0 < centre.br().y; y0 += kBand) {
      const int y1 = std::min(centre.br().y, y0 + kBand);
      const Band d = band(y0, y1);
      for (int y = y0; y < y1; y += 2)
        for (int x = centre.x; x < centre.br().x; x += 2) {
          vl.push_back(d.l.at<float>(y - y0, x));
          va.push_back(d.a.at<float>(y - y0, x));
          vb.push_back(d.b.at<float>(y - y0, x));
          vt.push_back(d.tex.at<float>(y - y0, x));
        }
    }
    const float Lr = MedianInPlace(vl), ar = MedianInPlace(va), br = MedianInPlace(vb),
                tr = MedianInPlace(vt);
    r.reference_lab = {Lr, ar, br};

    const float tc = static_cast<float>(o.chroma_tolerance);
    const float smooth_tex = std::max(0.8f, 0.35f * tr);
    const float ref_c = std::hypot(ar, br);
    cv::parallel_for_(cv::Range(0, (size.height + kBand - 1) / kBand), [&](const cv::Range& bands) {
      for (int bi = bands.start; bi < bands.end; ++bi) {
        const int y0 = bi * kBand, y1 = std::min(size.height, y0 + kBand);
        const Band d = band(y0, y1);
        for (int y = y0; y < y1; ++y) {
          const float* L = d.l.ptr<float>(y - y0);
          const float* A = d.a.ptr<float>(y - y0);
          const float* B = d.b.ptr<float>(y - y0);
          const float* T = d.tex.ptr<float>(y - y0);
          const float* Hy = d.hairy.ptr<float>(y - y0);
          uchar* bg = background.ptr<uchar>(y);
          uchar* bn = background_nohair.ptr<uchar>(y);
          for (int x = 0; x < size.width; ++x) {
            const float dl = L[x] - Lr;
            float dc = std::hypot(A[x] - ar, B[x] - br);
            // Specular glare adds white light: a brighter skin pixel keeps its hue while its chroma
            // shrinks towards white, so it is compared with the segment from white to the
            // reference.
            if (dl > 5.0f && ref_c > 1e-3f) {
              const float t = (A[x] * ar + B[x] * br) / (ref_c * ref_c);
              const float perp = std::abs(A[x] * br - B[x] * ar) / ref_c;
              if (t > 0.4f && t < 1.3f) dc = std::min(dc, perp);
            }
            const bool skin_like = dc < tc && dl > -35.0f && dl < 30.0f;
            const bool smooth_px = T[x] < smooth_tex;
            bn[x] = (!skin_like || smooth_px) ? 255 : 0;
            // Hairless skin (an ear, the neck) is background.
            bg[x] = (bn[x] || Hy[x] < 0.015f) ? 255 : 0;
          }
        }
      }
    });
  }  // the blurs are released
  // Only large regions are background: scars, dots and bands are narrower than this disc.
  const int d = std::max(3, static_cast<int>(image.MmToPx(o.min_background_mm)) | 1);
  const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d});
  background = BinaryOpen(background, disc);
  background_nohair = BinaryOpen(background_nohair, disc);
  if (cv::countNonZero(background == 0) < 0.3 * cv::countNonZero(background_nohair == 0))
    background = background_nohair;
  cv::Mat scalp = background == 0;
  // Largest scalp component (plus any at least a tenth of it), holes filled.
  cv::Mat comp, stats, cents;
  const int n = cv::connectedComponentsWithStats(scalp, comp, stats, cents, 8, CV_32S);
  int largest = 0;
  for (int i = 1; i < n; ++i)
    if (largest == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(largest, cv::CC_STAT_AREA)) largest = i;
  r.mask = cv::Mat::zeros(size, CV_8U);
  if (largest > 0) {
    const int big = stats.at<int>(largest, cv::CC_STAT_AREA);
    std::vector<uchar> keep(n, 0);
    for (int i = 1; i < n; ++i) keep[i] = stats.at<int>(i, cv::CC_STAT_AREA) >= big / 10 ? 255 : 0;
    for (int y = 0; y < size.height; ++y) {
      const int* c = comp.ptr<int>(y);
      uchar* m = r.mask.ptr<uchar>(y);
      for (int x = 0; x < size.width; ++x) m[x] = keep[c[x]];
    }
    comp.release();
    scalp.release();
    // Fill holes: background components not touching the frame.
    cv::Mat inv = r.mask == 0, hc;
    const int nh = cv::connectedComponents(inv, hc, 4, CV_32S);
    std::vector<char> border(nh, 0);
    for (int x = 0; x < size.width; ++x) border[hc.at<int>(0, x)] = border[hc.at<int>(size.height - 1, x)] = 1;
    for (int y = 0; y < size.height; ++y) border[hc.at<int>(y, 0)] = border[hc.at<int>(y, size.width - 1)] = 1;
    for (int y = 0; y < size.height; ++y) {
      const int* c = hc.ptr<int>(y);
      uchar* m = r.mask.ptr<uchar>(y);
      for (int x = 0; x < size.width; ++x)
        if (!border[c[x]]) m[x] = 255;
    }
  }
  r.area_px = cv::countNonZero(r.mask);
  r.found = r.area_px > 0 && (!image.scale_known || r.area_px / (image.px_per_mm * image.px_per_mm) >= o.min_scalp_area_mm2);
  return r;
}

}  // namespace scarmap
