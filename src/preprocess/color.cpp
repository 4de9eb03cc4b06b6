#include "scarmap/preprocess/color.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "scarmap/core/status.hpp"
#include "scarmap/core/srgb.hpp"
#include "scarmap/preprocess/filters.hpp"

namespace scarmap {
cv::Mat BgrToLab(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) throw Error("BgrToLab: expected CV_8UC3");
  const auto& lut = SrgbToLinearLut();
  cv::Mat lab(bgr.size(), CV_32FC3);
  cv::parallel_for_(cv::Range(0, bgr.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const cv::Vec3b* in = bgr.ptr<cv::Vec3b>(y);
      cv::Vec3f* out = lab.ptr<cv::Vec3f>(y);
      for (int x = 0; x < bgr.cols; ++x)
        out[x] = LinearSrgbToLab(lut[in[x][2]], lut[in[x][1]], lut[in[x][0]]);
    }
  });
  return lab;
}

void ComputeLab(WorkingImage* image, const ColorCorrection& correction) {
  const cv::Mat& bgr = image->bgr;
  if (bgr.empty() || bgr.type() != CV_8UC3) throw Error("ComputeLab: expected CV_8UC3");
  // Per-channel decoding table (the sRGB curve, or the correction's input curve), then the
  // correction's matrix per pixel.
  const bool corrected = correction.source != ColorSource::kNone;
  std::array<float, 256> lut{};
  if (corrected) {
    ColorCorrection decode_only = correction;
    decode_only.matrix = cv::Matx33d::eye();
    for (int i = 0; i < 256; ++i)
      lut[i] = static_cast<float>(CorrectToLinear(decode_only, cv::Vec3d(i, i, i))[0]);
  } else {
    const auto& srgb = SrgbToLinearLut();
    std::copy(srgb.begin(), srgb.end(), lut.begin());
  }
  const cv::Matx33f m = correction.matrix;
  // New buffers, never written into old ones: a copy of the image (a WorkingImage shares its
  // planes) keeps the colour it had.
  image->lightness = cv::Mat(bgr.size(), CV_32F);
  image->ab = cv::Mat(bgr.size(), CV_16SC2);
  cv::parallel_for_(cv::Range(0, bgr.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const cv::Vec3b* in = bgr.ptr<cv::Vec3b>(y);
      float* l = image->lightness.ptr<float>(y);
      cv::Vec2s* ab = image->ab.ptr<cv::Vec2s>(y);
      for (int x = 0; x < bgr.cols; ++x) {
        const cv::Vec3f rgb(lut[in[x][2]], lut[in[x][1]], lut[in[x][0]]);
        cv::Vec3f lab;
        if (corrected) {
          const cv::Vec3f c = m * rgb;
          lab = LinearSrgbToLab(std::max(c[0], 0.0f), std::max(c[1], 0.0f), std::max(c[2], 0.0f));
        } else {
          lab = LinearSrgbToLab(rgb[0], rgb[1], rgb[2]);
        }
        l[x] = lab[0];
        ab[x] = {cv::saturate_cast<short>(lab[1] * kAbScale),
                 cv::saturate_cast<short>(lab[2] * kAbScale)};
      }
    }
  });
}

cv::Vec3d BgrToLab(const cv::Vec3d& bgr) {
  auto lin = [](double v) {
    return static_cast<float>(SrgbToLinear(std::clamp(v, 0.0, 255.0) / 255.0));
  };
  const cv::Vec3f l = LinearSrgbToLab(lin(bgr[2]), lin(bgr[1]), lin(bgr[0]));
  return {l[0], l[1], l[2]};
}

void FlattenOptions::Check() const {
  if (!(sigma_mm > 0.5 && sigma_mm < 200.0)) throw Error("flatten.sigma_mm must be in (0.5, 200)");
}

cv::Mat FlattenLightness(const FlattenOptions& options, const cv::Mat& lightness,
                         const cv::Mat& mask, double px_per_mm) {
  options.Check();
  if (lightness.empty() || lightness.type() != CV_32F)
    throw Error("FlattenLightness: expected CV_32F");
  const int rows = lightness.rows, cols = lightness.cols;
  // Robust background: a median over a coarse grid (dark hair and light scars are minorities in
  // each cell), then a smooth normalised-convolution interpolation back to full size.
  const double sigma_px = options.sigma_mm * px_per_mm;
  const int cell = std::max(4, static_cast<int>(sigma_px / 2.0));
  const int gw = (cols + cell - 1) / cell, gh = (rows + cell - 1) / cell;
  cv::Mat grid(gh, gw, CV_32F, cv::Scalar(0)), weight(gh, gw, CV_32F, cv::Scalar(0));
  cv::parallel_for_(cv::Range(0, gh), [&](const cv::Range& grid_rows) {
    std::vector<float> vals;
    for (int gy = grid_rows.start; gy < grid_rows.end; ++gy) {
      for (int gx = 0; gx < gw; ++gx) {
        vals.clear();
        const int y1 = std::min(rows, (gy + 1) * cell), x1 = std::min(cols, (gx + 1) * cell);
        for (int y = gy * cell; y < y1; y += 2) {
          const float* row = lightness.ptr<float>(y);
          const uchar* m = mask.empty() ? nullptr : mask.ptr<uchar>(y);
          for (int x = gx * cell; x < x1; x += 2)
            if (!m || m[x]) vals.push_back(row[x]);
        }
        if (vals.size() < 8) continue;
        std::nth_element(vals.begin(), vals.begin() + vals.size() / 2, vals.end());
        grid.at<float>(gy, gx) = vals[vals.size() / 2];
        weight.at<float>(gy, gx) = 1.0f;
      }
    }
  });
  std::vector<float> all;
  for (int gy = 0; gy < gh; ++gy)
    for (int gx = 0; gx < gw; ++gx)
      if (weight.at<float>(gy, gx) > 0.0f) all.push_back(grid.at<float>(gy, gx));
  if (all.empty()) return lightness.clone();
  cv::Mat l(rows, cols, CV_32F);
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  const float level = all[all.size() / 2];
  // Light smoothing of the grid (it is already robust), then bilinear interpolation between
  // cell centres; edges replicate, so a lighting ramp is followed up to the border.
  cv::Mat num, den;
  cv::GaussianBlur(grid.mul(weight), num, cv::Size(0, 0), 0.8, 0.8, cv::BORDER_REPLICATE);
  cv::GaussianBlur(weight, den, cv::Size(0, 0), 0.8, 0.8, cv::BORDER_REPLICATE);
  const cv::Mat coarse = num / cv::max(den, 1e-3f);
  // The remap coordinates are separable (x from the column, y from the row): bands of rows with
  // their own small maps give the pixels a whole-image map would, without two full-size maps;
  // L* - background + level is written straight into the result.
  constexpr int kBand = 32;
  const double lvl = level;
  cv::Mat mapx_row(1, cols, CV_32F);
  for (int x = 0; x < cols; ++x) mapx_row.at<float>(0, x) = (x + 0.5f) / cell - 0.5f;
  cv::parallel_for_(cv::Range(0, (rows + kBand - 1) / kBand), [&](const cv::Range& bands) {
    cv::Mat mapx, mapy(kBand, cols, CV_32F), bg;
    cv::repeat(mapx_row, kBand, 1, mapx);
    for (int b = bands.start; b < bands.end; ++b) {
      const int y0 = b * kBand, n = std::min(kBand, rows - y0);
      for (int i = 0; i < n; ++i) mapy.row(i).setTo((y0 + i + 0.5f) / cell - 0.5f);
      cv::remap(coarse, bg, mapx.rowRange(0, n), mapy.rowRange(0, n), cv::INTER_LINEAR,
                cv::BORDER_REPLICATE);
      for (int i = 0; i < n; ++i) {
        const float* in = lightness.ptr<float>(y0 + i);
        const float* g = bg.ptr<float>(i);
        float* out = l.ptr<float>(y0 + i);
        // In double, as cv::Mat's l - bg + level (cv::addWeighted) computes it: same pixels.
        for (int x = 0; x < cols; ++x)
          out[x] = static_cast<float>(static_cast<double>(in[x]) * 1.0 +
                                      static_cast<double>(g[x]) * -1.0 + lvl);
      }
    }
  });
  return l;
}

cv::Mat FillMasked(const cv::Mat& img, const cv::Mat& mask, double sigma_px) {
  if (img.type() != CV_32F) throw Error("FillMasked: expected CV_32F");
  if (mask.empty()) return img.clone();
  if (mask.size() != img.size() || mask.type() != CV_8U)
    throw Error("FillMasked: the mask must be CV_8U of the image's size");
  cv::Mat out = img.clone();
  // Bands of rows, each with the rows of skin weights and weighted skin around it that its blurs
  // read (the reach of the Gaussian, 4 sigma, and a little more; of the wide fill's where it is
  // needed): the blurs are of views of those rows, so each band gets the pixels the whole-image
  // blurs give, while only a band's maps are held (not four image-sized ones). Bands are whole
  // rows of the wide fill's tiles.
  constexpr int kTile = 32, kBand = 4 * kTile;
  const int bands = (img.rows + kBand - 1) / kBand;
  cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
    for (int band = range.start; band < range.end; ++band) {
      const int y0 = band * kBand, y1 = std::min(img.rows, y0 + kBand);
      if (cv::countNonZero(mask.rowRange(y0, y1)) == 0) continue;  // nothing to fill
      // The skin weights and weighted skin of the band and `reach` rows each side (from s0).
      int s0 = 0;
      cv::Mat keep, kept;
      auto hold = [&](double blur_sigma) {
        const int reach = static_cast<int>(std::ceil(4.0 * blur_sigma)) + 2;
        s0 = std::max(0, y0 - reach);
        const int s1 = std::min(img.rows, y1 + reach);
        cv::Mat(mask.rowRange(s0, s1) == 0).convertTo(keep, CV_32F, 1.0 / 255.0);
        kept = img.rowRange(s0, s1).mul(keep);
      };
      hold(sigma_px);
      const cv::Mat num = GaussianBlurBands(kept.rowRange(y0 - s0, y1 - s0), sigma_px);
      const cv::Mat den = GaussianBlurBands(keep.rowRange(y0 - s0, y1 - s0), sigma_px);
      // Where no skin pixel was near (den ~ 0), a wider fill: only needed at those pixels, and
      // smooth enough to be computed at half resolution, of views of the held rows.
      std::vector<cv::Point> sparse;  // band rows
      for (int y = y0; y < y1; ++y) {
        const uchar* m = mask.ptr<uchar>(y);
        const float* nu = num.ptr<float>(y - y0);
        const float* de = den.ptr<float>(y - y0);
        float* o = out.ptr<float>(y);
        for (int x = 0; x < img.cols; ++x) {
          if (!m[x]) continue;
          o[x] = nu[x] / std::max(de[x], 1e-3f);
          if (de[x] < 0.05f) sparse.emplace_back(x, y - y0);
        }
      }
      if (sparse.empty()) continue;
      // Those pixels lie in a few dense tufts: the views blurred are the runs of neighbouring
      // tile columns that hold some, over the band's rows that do.
      const int tiles_x = (img.cols + kTile - 1) / kTile;
      std::vector<int> run_of(tiles_x, -1);
      int top = y1 - y0, bottom = 0;  // band rows
      for (const cv::Point& p : sparse) {
        run_of[p.x / kTile] = 0;
        top = std::min(top, p.y);
        bottom = std::max(bottom, p.y + 1);
      }
      std::vector<cv::Rect> runs;  // band rows
      for (int tx = 0; tx < tiles_x; ++tx) {
        if (run_of[tx] < 0) continue;
        if (tx == 0 || run_of[tx - 1] < 0) runs.emplace_back(tx * kTile, top, 0, bottom - top);
        runs.back().width = std::min((tx + 1) * kTile, img.cols) - runs.back().x;
        run_of[tx] = static_cast<int>(runs.size()) - 1;
      }
      std::vector<std::vector<cv::Point>> in_run(runs.size());
      for (const cv::Point& p : sparse) in_run[run_of[p.x / kTile]].push_back(p);
      hold(4 * sigma_px);  // the wide fill reaches further
      for (size_t r = 0; r < runs.size(); ++r) {
        const cv::Rect view = runs[r] + cv::Point(0, y0 - s0);  // in the held rows
        const cv::Mat wide_num = GaussianBlurCoarse(kept(view), 4 * sigma_px);
        const cv::Mat wide_den = GaussianBlurCoarse(keep(view), 4 * sigma_px);
        for (const cv::Point& p : in_run[r]) {
          const cv::Point q = p - runs[r].tl();
          out.at<float>(p.y + y0, p.x) =
              wide_num.at<float>(q) / std::max(wide_den.at<float>(q), 1e-4f);
        }
      }
    }
  });
  return out;
}

cv::Mat RemoveHair(const cv::Mat& img, const cv::Mat& hair_mask, double px_per_mm, double closing_mm,
                   double opening_mm) {
  if (img.type() != CV_32F) throw Error("RemoveHair: expected CV_32F");
  if (!(px_per_mm > 0.0) || !(closing_mm >= 0.0) || !(opening_mm >= 0.0))
    throw Error("RemoveHair: bad scale or disc");
  cv::Mat hair;
  if (!hair_mask.empty()) cv::dilate(hair_mask, hair, cv::Mat());
  cv::Mat out = FillMasked(img, hair, std::max(1.0, 0.4 * px_per_mm));
  cv::GaussianBlur(out, out, cv::Size(0, 0), 0.7);
  for (const auto& [mm, op] : {std::pair{closing_mm, cv::MORPH_CLOSE}, std::pair{opening_mm, cv::MORPH_OPEN}}) {
    const int d = static_cast<int>(std::lround(mm * px_per_mm)) | 1;
    if (d >= 3) cv::morphologyEx(out, out, op, cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}));
  }
  return out;
}

}  // namespace scarmap
