// Calibration of the quality gate's blur measure (preprocess/quality.hpp) against known optical
// blur: renders generated photos (every skin tone, hair colour, 8-40 px/mm, the camera's own
// defocus, sharpening, noise and JPEG as drawn), adds an extra Gaussian defocus of each given
// sigma in linear light before the camera's noise, sharpening and JPEG
// (SynthOptions::extra_blur_mm), and analyses each as the pipeline's quality gate does. Prints
// one CSV row per photo: the true optical sigma (camera defocus and extra, mm) beside the measured
// blur_sigma_mm. bench/blur_calibration.sh summarises the rows.
//
// Usage: blur_calibration [FIRST:]N SEED BLUR_MM[,BLUR_MM...] [MIN_PPM:MAX_PPM] > rows.csv
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "scarmap/preprocess/color.hpp"
#include "scarmap/preprocess/quality.hpp"
#include "scarmap/preprocess/scalp.hpp"
#include "scarmap/synth/scalp_synth.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s [FIRST:]N SEED BLUR_MM[,BLUR_MM...] [MIN_PPM:MAX_PPM]\n",
                 argv[0]);
    return 2;
  }
  int first = 0, n = 0;  // N or FIRST:N (photos FIRST .. FIRST + N - 1 of the seed)
  if (std::sscanf(argv[1], "%d:%d", &first, &n) != 2) first = 0, n = std::atoi(argv[1]);
  const std::uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  std::vector<double> blurs;
  {
    std::stringstream ss(argv[3]);
    for (std::string b; std::getline(ss, b, ',');) blurs.push_back(std::atof(b.c_str()));
  }
  scarmap::SynthOptions o;
  o.min_megapixels = 0.6;
  o.max_megapixels = 1.2;
  if (argc > 4 && std::sscanf(argv[4], "%lf:%lf", &o.min_px_per_mm, &o.max_px_per_mm) != 2) {
    std::fprintf(stderr, "bad px/mm range %s\n", argv[4]);
    return 2;
  }
  std::printf(
      "seed,px_per_mm,skin_band,hair_color,sharpening,motion_blur_px,jpeg_quality,extra_mm,"
      "true_mm,measured_mm,scalp_found\n");
  for (int i = first; i < first + n; ++i) {
    const std::uint64_t s = seed * 1000003ull + static_cast<std::uint64_t>(i);
    for (double blur : blurs) {
      o.extra_blur_mm = blur;
      const scarmap::SynthImage img = scarmap::RenderScalp(o, s);
      const scarmap::Truth& t = img.truth;
      std::vector<uchar> jpg;
      cv::imencode(".jpg", img.bgr, jpg, {cv::IMWRITE_JPEG_QUALITY, t.jpeg_quality});
      const cv::Mat decoded = cv::imdecode(jpg, cv::IMREAD_COLOR);
      // As the pipeline does (src/pipeline/analyze.cpp), the scale known.
      scarmap::WorkingImage w = scarmap::MakeWorkingImage({}, decoded, t.px_per_mm);
      w.lab = scarmap::BgrToLab(w.bgr);
      if (const char* dump = std::getenv("BLUR_DUMP"))  // a look at what was measured
        cv::imwrite(
            std::string(dump) + "_" + std::to_string(s) + "_" + std::to_string(blur) + ".png",
            w.bgr);
      const scarmap::ScalpRegion scalp = scarmap::FindScalp({}, w);
      if (scalp.found) w.scalp_mask = scalp.mask;
      const scarmap::PhotoQuality q = scarmap::AssessQuality({}, w, {}, {}, t.px_per_mm);
      bool sharpened = false;
      for (const std::string& e : t.effects) sharpened = sharpened || e == "sharpening";
      std::printf("%llu,%.1f,%s,%s,%d,%.2f,%d,%.3f,%.4f,%.4f,%d\n",
                  static_cast<unsigned long long>(s), t.px_per_mm, t.skin_band.c_str(),
                  t.hair_color.c_str(), sharpened ? 1 : 0, img.motion_blur_px, t.jpeg_quality, blur,
                  img.defocus_sigma_px / t.px_per_mm, q.blur_sigma_mm.value_or(-1.0),
                  scalp.found ? 1 : 0);
      std::fflush(stdout);
    }
  }
  return 0;
}
