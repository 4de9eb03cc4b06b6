// Calibration of the quality gate's blur measure (preprocess/quality.hpp) against known optical
// blur: renders generated photos (every skin tone, hair colour, 8-40 px/mm, the camera's own
// defocus, sharpening, noise and JPEG as drawn), adds an extra Gaussian defocus of each given
// sigma in linear light before the camera's noise, sharpening and JPEG
// (SynthOptions::extra_blur_mm), and analyses each with the whole pipeline. Prints
// one CSV row per photo: the true optical sigma (camera defocus and extra, mm) beside the measured
// blur_sigma_mm. bench/blur_calibration.sh summarises the rows.
//
// Usage: blur_calibration [FIRST:]N SEED BLUR_MM[,BLUR_MM...] [MIN_PPM:MAX_PPM [MIN_MP:MAX_MP]] >
// rows.csv
//        blur_calibration --image PHOTO PX_PER_MM   (the measure on one photo)
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "scarmap/pipeline/analyze.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace {

// The quality gate of one decoded photo at `ppm` px/mm, as `scarmap analyze --px-per-mm` finds
// it (the whole analysis: the gate leaves scars out of the blur measure).
scarmap::PhotoQuality Assess(const cv::Mat& decoded, double ppm, bool* scalp_found) {
  if (const char* dump = std::getenv("BLUR_DUMP"))  // BLUR_DUMP=FILE.png: a look at the photo
    cv::imwrite(dump, decoded);
  scarmap::PipelineOptions o;
  o.px_per_mm = ppm;
  const scarmap::Report r = scarmap::AnalyzeImage(o, decoded, "calibration.png").report;
  *scalp_found = r.quality.has_value() && r.status.code != scarmap::StatusCode::kNoScalp;
  return r.quality.value_or(scarmap::PhotoQuality{});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--image") {  // one photo file at a px/mm
    bool found = false;
    const scarmap::PhotoQuality q =
        Assess(cv::imread(argv[2], cv::IMREAD_COLOR), std::atof(argv[3]), &found);
    std::printf("%.4f\n", q.blur_sigma_mm.value_or(-1.0));
    return 0;
  }
  if (argc < 4) {
    std::fprintf(
        stderr, "usage: %s [FIRST:]N SEED BLUR_MM[,BLUR_MM...] [MIN_PPM:MAX_PPM [MIN_MP:MAX_MP]]\n",
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
  if (argc > 5 && std::sscanf(argv[5], "%lf:%lf", &o.min_megapixels, &o.max_megapixels) != 2) {
    std::fprintf(stderr, "bad megapixel range %s\n", argv[5]);
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
      bool found = false;
      const scarmap::PhotoQuality q = Assess(decoded, t.px_per_mm, &found);
      bool sharpened = false;
      for (const std::string& e : t.effects) sharpened = sharpened || e == "sharpening";
      std::printf("%llu,%.1f,%s,%s,%d,%.2f,%d,%.3f,%.4f,%.4f,%d\n",
                  static_cast<unsigned long long>(s), t.px_per_mm, t.skin_band.c_str(),
                  t.hair_color.c_str(), sharpened ? 1 : 0, img.motion_blur_px, t.jpeg_quality, blur,
                  img.defocus_sigma_px / t.px_per_mm, q.blur_sigma_mm.value_or(-1.0),
                  found ? 1 : 0);
      std::fflush(stdout);
    }
  }
  return 0;
}
