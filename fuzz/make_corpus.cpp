// Writes the fuzz seed corpus: tiny synthetic scalp photos in every input format, plus a few
// damaged and unusual ones. Not built by default:
//   cmake --build build --target scarmap_fuzz_corpus && build/fuzz/scarmap_fuzz_corpus fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/io/heic.hpp"
#include "scarmap/io/output.hpp"
#include "scarmap/synth/scalp_synth.hpp"

namespace {

std::string Encode(const cv::Mat& img, const std::string& ext,
                   const std::vector<int>& params = {}) {
  std::vector<uchar> buf;
  if (!cv::imencode(ext, img, buf, params)) throw scarmap::Error("cannot encode " + ext);
  return std::string(buf.begin(), buf.end());
}

// JPEG with an EXIF APP1 block holding only an orientation tag.
std::string WithOrientation(const std::string& jpg, int orientation) {
  std::string tiff = std::string("MM\0*\0\0\0\x08\0\x01", 10);
  tiff += std::string("\x01\x12\0\x03\0\0\0\x01\0", 9) + static_cast<char>(orientation) +
          std::string("\0\0\0\0\0\0", 6);
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  std::string app1 = "\xFF\xE1";
  app1 += static_cast<char>(((payload.size() + 2) >> 8) & 0xFF);
  app1 += static_cast<char>((payload.size() + 2) & 0xFF);
  return jpg.substr(0, 2) + app1 + payload + jpg.substr(2);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 2) {
    std::fprintf(stderr, "usage: scarmap_fuzz_corpus DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  auto put = [&](const std::string& name, const std::string& bytes) {
    scarmap::WriteFileAtomic(dir / name, bytes);
    std::printf("%-24s %6zu bytes\n", name.c_str(), bytes.size());
  };
  scarmap::SynthOptions o;
  o.width = 96;
  o.height = 72;
  o.min_px_per_mm = o.max_px_per_mm = 8.0;
  o.fut_probability = o.fue_probability = 1.0;
  o.marker_probability = 0.0;
  const cv::Mat scalp = scarmap::RenderScalp(o, 11).bgr;
  o.width = o.height = 64;
  const cv::Mat small = scarmap::RenderScalp(o, 12).bgr;

  // JFIF density 80 dots/cm = 8 px/mm, as `scarmap synth` writes it.
  std::string jpg = Encode(scalp, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 80});
  if (jpg.size() > 18 && jpg.compare(6, 4, "JFIF") == 0) {
    jpg[13] = 2;
    jpg[14] = jpg[16] = 0;
    jpg[15] = jpg[17] = 80;
  }
  put("scalp.jpg", jpg);
  put("rotated6.jpg", WithOrientation(Encode(small, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 60}), 6));
  put("progressive.jpg",
      Encode(small, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1, cv::IMWRITE_JPEG_QUALITY, 50}));
  put("truncated.jpg", jpg.substr(0, jpg.size() / 2));
  cv::Mat tiny;
  cv::resize(small, tiny, {40, 40}, 0, 0, cv::INTER_AREA);
  put("scalp.png", Encode(tiny, ".png", {cv::IMWRITE_PNG_COMPRESSION, 9}));
  cv::Mat grey, deep;
  cv::cvtColor(tiny, grey, cv::COLOR_BGR2GRAY);
  put("grey.png", Encode(grey, ".png", {cv::IMWRITE_PNG_COMPRESSION, 9}));
  cv::Mat(tiny(cv::Rect(0, 0, 16, 16))).convertTo(deep, CV_16UC3, 257.0);
  put("deep16.png", Encode(deep, ".png"));
  put("scalp.tiff", Encode(tiny, ".tiff"));
  put("scalp.webp", Encode(small, ".webp", {cv::IMWRITE_WEBP_QUALITY, 60}));
  cv::Mat bmp;
  cv::resize(small, bmp, {32, 32}, 0, 0, cv::INTER_AREA);
  put("scalp.bmp", Encode(bmp, ".bmp"));
  if (scarmap::HeicDecodeSupported()) put("scalp.heic", scarmap::EncodeHeic(small, 40, 1));
  return 0;
}
