#include "scarmap/synth/scalp_synth.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "scarmap/core/status.hpp"
#include "scarmap/io/output.hpp"
#include "scarmap/io/truth_json.hpp"
#include "synth_scene.hpp"

namespace scarmap {

void SynthOptions::Check() const {
  if (width < 0 || height < 0 || (width > 0) != (height > 0))
    throw Error("synth: width and height go together");
  if (width > 0 && (width < 64 || height < 64 || double(width) * height > 50e6))
    throw Error("synth: size must be 64x64 .. 50 MP");
  if (width == 0 &&
      !(min_megapixels >= 0.05 && min_megapixels <= max_megapixels && max_megapixels <= 50))
    throw Error("synth: megapixel range must be within 0.05..50");
  if (!(min_px_per_mm >= 2 && min_px_per_mm <= max_px_per_mm && max_px_per_mm <= 400))
    throw Error("synth: px/mm range must be within 2..400");
  if (!(min_jpeg_quality >= 10 && min_jpeg_quality <= max_jpeg_quality && max_jpeg_quality <= 100))
    throw Error("synth: JPEG quality range must be within 10..100");
  for (double p :
       {fut_probability, fue_probability, marker_probability, background_probability,
        glare_probability, dandruff_probability, long_hair_probability, distractor_probability})
    if (!(p >= 0 && p <= 1)) throw Error("synth: probabilities must be within 0..1");
  if (!(marker_tilt_deg < 80.0)) throw Error("synth: marker_tilt_deg must be < 80");
  if (!(colorchecker_probability >= 0.0 && colorchecker_probability <= 1.0))
    throw Error("synth: colorchecker_probability must be in 0..1");
  if (!(colorchecker_patch_mm >= 2.0 && colorchecker_patch_mm <= 50.0))
    throw Error("synth: colorchecker_patch_mm must be in 2..50");
  for (double g : color_cast)
    if (!(g > 0.05 && g < 5.0)) throw Error("synth: color_cast gains must be in (0.05, 5)");
  if (!(extra_blur_mm >= 0.0 && extra_blur_mm <= 5.0))
    throw Error("synth: extra_blur_mm must be in 0..5");
}

namespace synth {

void FillTruth(Scene& s) {
  Truth& t = s.t;
  const double ppm = s.ppm, px2 = ppm * ppm;
  const int W = s.W, H = s.H;
  const int scalp_px = cv::countNonZero(s.labels != 3);
  t.scalp_area_mm2 = scalp_px / px2;
  t.follicle_count = static_cast<int>(s.exits_px.size());
  t.follicle_density_per_cm2 =
      t.scalp_area_mm2 > 0 ? t.follicle_count / (t.scalp_area_mm2 / 100.0) : 0.0;
  int next_id = 1;
  for (const Band& b : s.bands) {
    TruthFut f;
    f.id = next_id++;
    double len = 0, wsum = 0, dlsum = 0;
    int wn = 0;
    cv::Point2d prev(-1, -1);
    bool out_of_frame = false, hidden = false;
    const double ua = std::max(b.u0, -2.0 * std::hypot(s.Wmm, s.Hmm)),
                 ub = std::min(b.u1, 2.0 * std::hypot(s.Wmm, s.Hmm));
    for (double u = ua; u <= ub; u += 0.25) {
      const double v = b.Vc(u);
      const cv::Point2d mm(b.cx + u * std::cos(b.th) - v * std::sin(b.th),
                           b.cy + u * std::sin(b.th) + v * std::cos(b.th));
      const bool in_frame = s.InFrame(mm);
      const bool inside = in_frame && s.Label(mm) != 3;
      if (in_frame && !s.long_hair.empty() && s.long_hair.at<uchar>(s.Px(mm)) && b.Width(u) > 0)
        hidden = true;
      if (!inside) {
        if (b.Width(u) > 0) out_of_frame = out_of_frame || !f.centerline_px.empty() || prev.x < 0;
        prev = {-1, -1};
        continue;
      }
      const cv::Point2d px(mm.x * ppm - 0.5, mm.y * ppm - 0.5);
      if (prev.x >= 0) len += cv::norm(mm - prev);
      prev = mm;
      if (f.centerline_px.empty() || cv::norm(px - f.centerline_px.back()) >= 0.5 * ppm)
        f.centerline_px.push_back(px);
      wsum += b.HalfSide(u, true) + b.HalfSide(u, false);  // ragged edges move independently
      dlsum += b.Dl(u);
      ++wn;
    }
    if (f.centerline_px.empty()) {
      --next_id;
      continue;
    }
    f.length_mm = len;
    f.mean_width_mm = wn ? wsum / wn : 0;
    f.delta_L = wn ? dlsum / wn : b.dl;
    f.touches_border = b.full || out_of_frame;
    f.trichophytic = b.trich > 0;
    f.ragged = b.rag > 0;
    f.shiny = b.sheen > 0;
    f.under_long_hair = hidden;
    t.fut.push_back(f);
  }
  if (!t.fut.empty()) {
    // Split label-1 area between bands by nearest centreline.
    std::vector<double> area(t.fut.size(), 0.0);
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        if (s.labels.at<uchar>(y, x) != 1) continue;
        size_t best = 0;
        if (t.fut.size() > 1) {
          double bd = 1e18;
          for (size_t i = 0; i < t.fut.size(); ++i)
            for (const auto& q : t.fut[i].centerline_px) {
              const double dd = std::hypot(q.x - x, q.y - y);
              if (dd < bd) bd = dd, best = i;
            }
        }
        area[best] += 1;
      }
    for (size_t i = 0; i < t.fut.size(); ++i) t.fut[i].area_mm2 = area[i] / px2;
  }
  std::vector<int> dot_area(s.dots.size(), 0);
  for (int y = 0; y < H && !s.dots.empty(); ++y)
    for (int x = 0; x < W; ++x)
      if (s.labels.at<uchar>(y, x) == 2) dot_area[s.dot_id.at<int>(y, x)]++;
  for (size_t i = 0; i < s.dots.size(); ++i) {
    if (dot_area[i] == 0) continue;
    const Dot& d = s.dots[i];
    TruthFue f;
    f.id = next_id++;
    f.center_px = {d.c.x * ppm - 0.5, d.c.y * ppm - 0.5};
    // Isolated dots: the exact area inside the outline; merged ones: their share of the mask.
    f.area_mm2 = d.cluster >= 0 ? dot_area[i] / px2 : d.Area();
    f.diameter_mm = 2 * std::sqrt(f.area_mm2 / kPi);
    f.delta_L = d.dl;
    f.cluster_id = d.cluster;
    f.pink = d.pink > 0;
    f.shiny = d.shine > 0;
    f.depressed = d.dent > 0;
    t.fue.push_back(f);
  }
}

}  // namespace synth

SynthImage RenderScalp(const SynthOptions& o, std::uint64_t seed) {
  o.Check();
  SynthImage out;
  Truth& t = out.truth;
  t.seed = seed;
  synth::Scene s(o, seed, t);
  int W = o.width, H = o.height;
  if (W == 0) {
    const double mp = s.rng.U(o.min_megapixels, o.max_megapixels);
    W = static_cast<int>(std::sqrt(mp * 1e6 * 4.0 / 3.0));
    H = static_cast<int>(W * 3.0 / 4.0);
    if (s.rng.P(0.3)) std::swap(W, H);
  }
  // A multiple of 0.1 px/mm, so the JPEG's JFIF density (dots per cm) states it exactly.
  s.ppm = std::round(s.rng.U(o.min_px_per_mm, o.max_px_per_mm) * 10.0) / 10.0;
  s.W = t.width = W;
  s.H = t.height = H;
  t.px_per_mm = s.ppm;
  s.Wmm = W / s.ppm;
  s.Hmm = H / s.ppm;

  synth::RenderSkin(s);
  synth::RenderNotScalp(s);
  synth::PlanLongHair(s);
  synth::PlanCards(s);
  synth::PlaceFutBands(s);
  synth::PlaceUnits(s);
  synth::PlaceFueDots(s);
  synth::ApplyScars(s);
  synth::RenderSkinDistractors(s);
  if (!o.scars_only)
    synth::RenderHair(s);
  else
    t.hair_color = "none";
  synth::RenderLongHair(s);
  synth::RenderOnTop(s);
  synth::RenderColorChecker(s);
  synth::RenderLighting(s);
  out.bgr = synth::RenderCamera(s);
  t.jpeg_quality = s.rng.I(o.min_jpeg_quality, o.max_jpeg_quality);
  synth::LabelColorChecker(s);
  synth::FillTruth(s);
  out.labels = s.labels;
  out.hair_exits_px = s.exits_px;
  out.defocus_sigma_px = s.defocus_px;
  out.motion_blur_px = s.motion_px;
  return out;
}

void WriteSynthSet(const SynthOptions& options, const std::filesystem::path& dir, int n,
                   std::uint64_t seed) {
  options.Check();
  if (n < 1 || n > 100000) throw Error("synth: n must be 1..100000");
  std::filesystem::create_directories(dir);
  std::ostringstream manifest;
  manifest << "stem,image,width,height,px_per_mm,skin_band,ita_deg,hair_color,fut_count,fue_count,"
              "follicle_density_per_cm2,marker,jpeg_quality,seed\r\n";
  for (int i = 0; i < n; ++i) {
    const std::uint64_t s = seed * 1000003ull + static_cast<std::uint64_t>(i);
    SynthImage img = RenderScalp(options, s);
    char stem[32];
    std::snprintf(stem, sizeof(stem), "scalp_%04d", i);
    img.truth.image = std::string(stem) + ".jpg";
    std::vector<uchar> jpg;
    cv::imencode(".jpg", img.bgr, jpg, {cv::IMWRITE_JPEG_QUALITY, img.truth.jpeg_quality});
    // State the scale in the JFIF header (units 2 = dots per cm), like a calibrated camera or
    // dermatoscope would: `scarmap analyze --min-dpi 1` then uses it.
    if (jpg.size() > 18 && jpg[2] == 0xFF && jpg[3] == 0xE0 &&
        std::memcmp(&jpg[6], "JFIF", 4) == 0) {
      const int dpcm = static_cast<int>(std::lround(img.truth.px_per_mm * 10.0));
      jpg[13] = 2;
      jpg[14] = jpg[16] = static_cast<uchar>(dpcm >> 8);
      jpg[15] = jpg[17] = static_cast<uchar>(dpcm & 0xFF);
    }
    WriteFileAtomic(dir / img.truth.image,
                    std::string_view(reinterpret_cast<const char*>(jpg.data()), jpg.size()));
    WriteImageAtomic(dir / (std::string(stem) + ".truth.png"), img.labels);
    WriteTruthJson(img.truth, dir / (std::string(stem) + ".truth.json"));
    const Truth& t = img.truth;
    manifest << stem << ',' << t.image << ',' << t.width << ',' << t.height << ',' << t.px_per_mm
             << ',' << t.skin_band << ',' << t.ita_deg << ',' << t.hair_color << ',' << t.fut.size()
             << ',' << t.fue.size() << ',' << t.follicle_density_per_cm2 << ','
             << (t.marker.present ? 1 : 0) << ',' << t.jpeg_quality << ',' << s << "\r\n";
  }
  WriteFileAtomic(dir / "manifest.csv", manifest.str());
}

}  // namespace scarmap
