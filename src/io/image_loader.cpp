#include "scarmap/io/image_loader.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scarmap/io/heic.hpp"

namespace scarmap {
namespace {

// Bounds-checked big/little-endian reads: a damaged header yields 0, never a read past the end.
struct Bytes {
  const std::string& s;
  bool In(size_t off, size_t n) const { return off <= s.size() && n <= s.size() - off; }
  uint32_t U8(size_t o) const { return In(o, 1) ? static_cast<uint8_t>(s[o]) : 0; }
  uint32_t Be16(size_t o) const { return In(o, 2) ? (U8(o) << 8) | U8(o + 1) : 0; }
  uint32_t Le16(size_t o) const { return In(o, 2) ? U8(o) | (U8(o + 1) << 8) : 0; }
  uint32_t Be32(size_t o) const { return In(o, 4) ? (Be16(o) << 16) | Be16(o + 2) : 0; }
  uint32_t Le32(size_t o) const { return In(o, 4) ? Le16(o) | (Le16(o + 2) << 16) : 0; }
  uint32_t Le24(size_t o) const { return In(o, 3) ? U8(o) | (U8(o + 1) << 8) | (U8(o + 2) << 16) : 0; }
  bool Eq(size_t o, const char* lit) const {
    const size_t n = std::strlen(lit);
    return In(o, n) && s.compare(o, n, lit) == 0;
  }
};

// TIFF structure (a .tif file or the inside of an EXIF block starting at `base`).
struct TiffInfo {
  int width = 0, height = 0, orientation = 1;
  double xres = 0.0;
  int res_unit = 2;  // 1 none, 2 inch, 3 cm
};

TiffInfo ParseTiff(const Bytes& b, size_t base) {
  TiffInfo t;
  const bool le = b.Eq(base, "II");
  if (!le && !b.Eq(base, "MM")) return t;
  auto u16 = [&](size_t o) { return le ? b.Le16(base + o) : b.Be16(base + o); };
  auto u32 = [&](size_t o) { return le ? b.Le32(base + o) : b.Be32(base + o); };
  if (u16(2) != 42) return t;
  const size_t ifd = u32(4);
  const uint32_t count = u16(ifd);
  for (uint32_t i = 0; i < count && i < 1000; ++i) {
    const size_t e = ifd + 2 + 12 * static_cast<size_t>(i);
    if (!b.In(base + e, 12)) break;
    const uint32_t tag = u16(e), type = u16(e + 2);
    const uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
    switch (tag) {
      // A repeated size tag: keep the larger, whichever a decoder uses (the limit must hold).
      case 256:
        t.width = std::max(t.width, static_cast<int>(std::min<uint32_t>(value, INT32_MAX)));
        break;
      case 257:
        t.height = std::max(t.height, static_cast<int>(std::min<uint32_t>(value, INT32_MAX)));
        break;
      case 274: t.orientation = static_cast<int>(value); break;
      case 296: t.res_unit = static_cast<int>(value); break;
      case 282:
        if (type == 5) {  // RATIONAL at offset
          const uint32_t num = u32(value), den = u32(value + 4);
          if (den) t.xres = static_cast<double>(num) / den;
        }
        break;
      default: break;
    }
  }
  if (t.orientation < 1 || t.orientation > 8) t.orientation = 1;
  return t;
}

void ParseJpeg(const Bytes& b, ImageHeader* h) {
  size_t o = 2;
  while (b.In(o, 4)) {
    if (b.U8(o) != 0xFF) return;
    const uint32_t marker = b.U8(o + 1);
    if (marker == 0xFF) { ++o; continue; }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { o += 2; continue; }
    if (marker == 0xD9 || marker == 0xDA) return;  // end / start of scan: header is over
    const uint32_t len = b.Be16(o + 2);
    if (len < 2) return;
    const size_t seg = o + 4;
    if (marker == 0xE0 && b.Eq(seg, "JFIF")) {
      const uint32_t units = b.U8(seg + 7);
      const double xd = b.Be16(seg + 8);
      if (units == 1 && xd > 0) h->dpi = xd;
      if (units == 2 && xd > 0) h->dpi = xd * 2.54;
    } else if (marker == 0xE1 && b.Eq(seg, "Exif")) {
      const TiffInfo t = ParseTiff(b, seg + 6);
      h->exif_orientation = t.orientation;
      if (!h->dpi && t.xres > 0) {
        if (t.res_unit == 2) h->dpi = t.xres;
        if (t.res_unit == 3) h->dpi = t.xres * 2.54;
      }
    } else if ((marker >= 0xC0 && marker <= 0xCF) && marker != 0xC4 && marker != 0xC8 &&
               marker != 0xCC) {
      // Several frame headers: keep the largest size (the limit must hold for any of them).
      h->height = std::max(h->height, static_cast<int>(b.Be16(seg + 1)));
      h->width = std::max(h->width, static_cast<int>(b.Be16(seg + 3)));
    }
    o += 2 + len;
  }
}

void ParsePng(const Bytes& b, ImageHeader* h) {
  if (!b.Eq(12, "IHDR")) return;
  h->width = static_cast<int>(std::min<uint32_t>(b.Be32(16), INT32_MAX));
  h->height = static_cast<int>(std::min<uint32_t>(b.Be32(20), INT32_MAX));
  size_t o = 8;
  for (int i = 0; i < 64 && b.In(o, 12); ++i) {
    const uint32_t len = b.Be32(o);
    if (b.Eq(o + 4, "pHYs") && b.U8(o + 16) == 1) {
      const double ppm = b.Be32(o + 8);
      if (ppm > 0) h->dpi = ppm * 0.0254;
    }
    if (b.Eq(o + 4, "IDAT")) break;
    if (len > b.s.size()) break;
    o += 12 + static_cast<size_t>(len);
  }
}

void ParseWebp(const Bytes& b, ImageHeader* h) {
  if (b.Eq(12, "VP8 ")) {
    h->width = static_cast<int>(b.Le16(26) & 0x3FFF);
    h->height = static_cast<int>(b.Le16(28) & 0x3FFF);
  } else if (b.Eq(12, "VP8L")) {
    const uint32_t bits = b.Le32(21);
    h->width = static_cast<int>((bits & 0x3FFF) + 1);
    h->height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
  } else if (b.Eq(12, "VP8X")) {
    h->width = static_cast<int>(b.Le24(24) + 1);
    h->height = static_cast<int>(b.Le24(27) + 1);
  }
}

void ParseBmp(const Bytes& b, ImageHeader* h) {
  h->width = static_cast<int>(b.Le32(18));
  const int32_t hh = static_cast<int32_t>(b.Le32(22));
  h->height = hh == INT32_MIN ? 0 : std::abs(hh);
  const int32_t ppm = static_cast<int32_t>(b.Le32(38));  // signed: a negative one is garbage
  if (ppm > 0) h->dpi = ppm * 0.0254;
}

bool IsHeif(const Bytes& b) {
  if (!b.Eq(4, "ftyp")) return false;
  static const std::array<const char*, 8> kBrands = {"heic", "heix", "hevc", "hevx",
                                                     "heim", "heis", "mif1", "msf1"};
  for (const char* brand : kBrands)
    if (b.Eq(8, brand)) return true;
  return false;
}

// Applies an EXIF orientation (1..8) so the image is upright.
cv::Mat Orient(const cv::Mat& img, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(img, out, 1); break;
    case 3: cv::rotate(img, out, cv::ROTATE_180); break;
    case 4: cv::flip(img, out, 0); break;
    case 5: cv::transpose(img, out); break;
    case 6: cv::rotate(img, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(img, out); cv::rotate(out, out, cv::ROTATE_180); break;
    case 8: cv::rotate(img, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = img; break;
  }
  return out;
}

// Any decoded depth / channel count -> CV_8UC3.
cv::Mat To8uc3(const cv::Mat& img) {
  cv::Mat m = img;
  if (m.depth() != CV_8U) {
    double lo = 0, hi = 255;
    if (m.depth() == CV_16U) hi = 65535;
    else if (m.depth() == CV_32F || m.depth() == CV_64F) cv::minMaxLoc(m.reshape(1), &lo, &hi);
    cv::Mat c;
    m.convertTo(c, CV_8U, 255.0 / std::max(1e-9, hi - lo), -lo * 255.0 / std::max(1e-9, hi - lo));
    m = c;
  }
  cv::Mat out;
  if (m.channels() == 1) cv::cvtColor(m, out, cv::COLOR_GRAY2BGR);
  else if (m.channels() == 4) cv::cvtColor(m, out, cv::COLOR_BGRA2BGR);
  else out = m;
  return out;
}

// A JPEG whose entropy-coded data was cut short has no EOI marker at its end.
bool JpegTruncated(const std::string& s) {
  size_t end = s.size();
  while (end > 2 && (s[end - 1] == '\0' || s[end - 1] == '\n' || s[end - 1] == '\r')) --end;
  return !(end >= 2 && static_cast<uint8_t>(s[end - 2]) == 0xFF &&
           static_cast<uint8_t>(s[end - 1]) == 0xD9);
}

// A PNG must end with its IEND chunk.
bool PngTruncated(const std::string& s) {
  return s.size() < 12 || s.compare(s.size() - 8, 4, "IEND") != 0;
}

// too_large / too_small for a `width` x `height` image, or ok. `what` names the size's origin.
Status CheckSize(const LoadOptions& o, int width, int height, const std::string& what) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  const double limit = o.max_megapixels * 1e6;
  if (static_cast<double>(width) * height > limit)
    return {StatusCode::kTooLarge, what + " " + size + " pixels, above the limit of " +
                                       std::to_string(static_cast<long long>(limit))};
  const int lo = std::min(width, height), hi = std::max(width, height);
  if (lo < o.min_side_px)
    return {StatusCode::kTooSmall, what + " " + size + " pixels: a side is shorter than " +
                                       std::to_string(o.min_side_px) + " px"};
  if (hi > o.max_aspect_ratio * lo)
    return {StatusCode::kTooSmall, what + " " + size + " pixels: too thin (longer side more than " +
                                       std::to_string(static_cast<int>(o.max_aspect_ratio)) +
                                       " x the shorter)"};
  return Status::Ok();
}

}  // namespace

void LoadOptions::Check() const {
  if (!(max_megapixels > 0.0 && max_megapixels <= 1000.0))
    throw Error("max_megapixels must be in (0, 1000]");
  if (min_side_px < 1) throw Error("min_side_px must be >= 1");
  if (!(max_aspect_ratio >= 1.0)) throw Error("max_aspect_ratio must be >= 1");
  if (reduction != 1 && reduction != 2 && reduction != 4 && reduction != 8)
    throw Error("load.reduction must be 1, 2, 4 or 8");
}

int UsableReduction(const ImageHeader& header, int max_reduction) {
  if (header.format != "jpeg" || header.width <= 0 || header.height <= 0) return 1;
  int r = 1;
  while (r * 2 <= std::min(max_reduction, 8) && header.width % (r * 2) == 0 &&
         header.height % (r * 2) == 0)
    r *= 2;
  return r;
}

ImageHeader ReadImageHeader(const std::string& bytes) {
  ImageHeader h;
  const Bytes b{bytes};
  if (b.U8(0) == 0xFF && b.U8(1) == 0xD8 && b.U8(2) == 0xFF) {
    h.format = "jpeg";
    ParseJpeg(b, &h);
  } else if (b.Eq(0, "\x89PNG\r\n\x1a\n")) {
    h.format = "png";
    ParsePng(b, &h);
  } else if (b.Eq(0, "II*") || b.Eq(0, "MM")) {
    if (b.Eq(0, "II*\0") || (b.Eq(0, "MM") && b.Be16(2) == 42)) {
      h.format = "tiff";
      const TiffInfo t = ParseTiff(b, 0);
      h.width = t.width;
      h.height = t.height;
      h.exif_orientation = t.orientation;
      if (t.xres > 0 && t.res_unit == 2) h.dpi = t.xres;
      if (t.xres > 0 && t.res_unit == 3) h.dpi = t.xres * 2.54;
    }
  } else if (b.Eq(0, "RIFF") && b.Eq(8, "WEBP")) {
    h.format = "webp";
    ParseWebp(b, &h);
  } else if (b.Eq(0, "BM") && b.In(0, 26)) {
    h.format = "bmp";
    ParseBmp(b, &h);
  } else if (IsHeif(b)) {
    h.format = "heic";
  }
  if (h.width < 0 || h.height < 0) h.width = h.height = 0;
  return h;
}

LoadedImage LoadImageFromBytes(const LoadOptions& options, const std::string& bytes,
                               const std::string& name) {
  LoadedImage out;
  out.sha256 = Sha256Hex(bytes);
  if (bytes.empty()) {
    out.status = {StatusCode::kUnreadable, "empty file: " + name};
    return out;
  }
  out.header = ReadImageHeader(bytes);
  const ImageHeader& h = out.header;
  if (h.format.empty()) {
    out.status = {StatusCode::kUnreadable, "not an image (unknown file signature): " + name};
    return out;
  }
  if (h.format == "heic") {
    int w = 0, hh = 0;
    Status s = ReadHeicSize(bytes, &w, &hh);
    if (s.ok()) {
      out.header.width = w;
      out.header.height = hh;
      s = CheckSize(options, w, hh, "heic image declares");
    }
    if (s.ok()) s = DecodeHeic(bytes, options.max_megapixels, &out.bgr);
    if (s.ok()) s = CheckSize(options, out.bgr.cols, out.bgr.rows, "decoded heic image is");
    out.status = s;
    if (!s.ok()) {
      out.status.message += ": " + name;
      out.bgr.release();
    }
    return out;
  }
  if (h.width <= 0 || h.height <= 0) {
    out.status = {StatusCode::kUnreadable,
                  "damaged " + h.format + " header (no image size): " + name};
    return out;
  }
  out.status = CheckSize(options, h.width, h.height, h.format + " image declares");
  if (!out.status.ok()) {
    out.status.message += ": " + name;
    return out;
  }
  if (h.format == "jpeg" && JpegTruncated(bytes)) {
    out.status = {StatusCode::kUnreadable, "truncated JPEG (no end-of-image marker): " + name};
    return out;
  }
  if (h.format == "png" && PngTruncated(bytes)) {
    out.status = {StatusCode::kUnreadable, "truncated PNG (no IEND chunk): " + name};
    return out;
  }
  // libjpeg's DCT scaling; the flag values are OpenCV's IMREAD_REDUCED_COLOR_2/4/8.
  const int reduction = UsableReduction(h, options.reduction);
  const int flags = reduction == 2   ? cv::IMREAD_REDUCED_COLOR_2
                    : reduction == 4 ? cv::IMREAD_REDUCED_COLOR_4
                    : reduction == 8 ? cv::IMREAD_REDUCED_COLOR_8
                                     : cv::IMREAD_UNCHANGED;
  cv::Mat decoded;
  try {
    const cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U,
                      const_cast<char*>(bytes.data()));
    decoded = cv::imdecode(buf, flags | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    out.status = {StatusCode::kUnreadable, "cannot decode " + h.format + ": " + name};
    return out;
  }
  if (decoded.empty()) {
    out.status = {StatusCode::kUnreadable, "cannot decode " + h.format + " (damaged data): " + name};
    return out;
  }
  if (reduction > 1 &&
      (decoded.cols * reduction != h.width || decoded.rows * reduction != h.height)) {
    // The header's size was not the decoded one: decode in full rather than guess the mapping
    // (the full decode then checks the decoded size).
    LoadOptions full = options;
    full.reduction = 1;
    return LoadImageFromBytes(full, bytes, name);
  }
  // The decoder's size is the truth: a header that lied about it is refused here.
  out.status = CheckSize(options, decoded.cols * reduction, decoded.rows * reduction,
                         "decoded " + h.format + " image is");
  if (!out.status.ok()) {
    out.status.message += ": " + name;
    return out;
  }
  out.bgr = Orient(To8uc3(decoded), h.exif_orientation);
  out.reduction = reduction;
  return out;
}

Status ReadImageFile(const std::filesystem::path& path, std::string* bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    std::error_code lec;
    const bool link = fs::is_symlink(fs::symlink_status(path, lec));
    std::string why = "file not found: ";
    if (link && ec.value() == ELOOP)
      why = "symbolic link loop: ";
    else if (link)
      why = "broken symbolic link: ";
    else if (ec.value() == EACCES)
      why = "permission denied: ";
    return {StatusCode::kUnreadable, why + path.string()};
  }
  if (fs::is_directory(st))
    return {StatusCode::kUnreadable, "is a folder, not an image file: " + path.string()};
  if (!fs::is_regular_file(st))
    return {StatusCode::kUnreadable, "not a regular file: " + path.string()};
  // Refuse absurd file sizes before reading them into memory (a 100 MP photo is < 1 GB).
  const auto size = fs::file_size(path, ec);
  if (!ec && size > (1ull << 30))
    return {StatusCode::kTooLarge, "file larger than 1 GiB: " + path.string()};
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return {StatusCode::kUnreadable,
            (err == EACCES || err == EPERM
                 ? std::string("permission denied: ")
                 : "cannot open (" + std::string(std::strerror(err)) + "): ") +
                path.string()};
  }
  bytes->clear();
  if (!ec) bytes->reserve(static_cast<size_t>(size));
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return {StatusCode::kUnreadable, "read error: " + path.string()};
  return Status::Ok();
}

LoadedImage LoadImage(const LoadOptions& options, const std::filesystem::path& path) {
  std::string bytes;
  LoadedImage out;
  out.status = ReadImageFile(path, &bytes);
  if (!out.status.ok()) return out;
  return LoadImageFromBytes(options, bytes, path.string());
}

}  // namespace scarmap
