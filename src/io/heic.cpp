#include "scarmap/io/heic.hpp"

#include <cstring>
#include <memory>
#include <mutex>

#include <opencv2/imgproc.hpp>

#ifdef SCARMAP_HAVE_HEIF
#include <libheif/heif.h>
#endif

namespace scarmap {

#ifdef SCARMAP_HAVE_HEIF
namespace {

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { heif_init(nullptr); });
}

struct ContextDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleDeleter {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct ImageDeleter {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
using ContextPtr = std::unique_ptr<heif_context, ContextDeleter>;
using HandlePtr = std::unique_ptr<heif_image_handle, HandleDeleter>;
using ImagePtr = std::unique_ptr<heif_image, ImageDeleter>;

Status Unreadable(const heif_error& e) {
  return {StatusCode::kUnreadable, std::string("damaged HEIC/HEIF file: ") +
                                       (e.message ? e.message : "unknown libheif error")};
}

// Opens the container and the primary image's handle.
Status OpenPrimary(const std::string& bytes, ContextPtr* ctx, HandlePtr* handle) {
  InitOnce();
  ctx->reset(heif_context_alloc());
  if (!*ctx) return {StatusCode::kInternalError, "libheif: out of memory"};
  heif_error e =
      heif_context_read_from_memory_without_copy(ctx->get(), bytes.data(), bytes.size(), nullptr);
  if (e.code != heif_error_Ok) return Unreadable(e);
  heif_image_handle* h = nullptr;
  e = heif_context_get_primary_image_handle(ctx->get(), &h);
  if (e.code != heif_error_Ok) return Unreadable(e);
  handle->reset(h);
  return Status::Ok();
}

}  // namespace

bool HeicDecodeSupported() { return heif_have_decoder_for_format(heif_compression_HEVC) != 0; }

Status ReadHeicSize(const std::string& bytes, int* width, int* height) {
  ContextPtr ctx;
  HandlePtr handle;
  Status s = OpenPrimary(bytes, &ctx, &handle);
  if (!s.ok()) return s;
  *width = heif_image_handle_get_width(handle.get());
  *height = heif_image_handle_get_height(handle.get());
  if (*width <= 0 || *height <= 0) return {StatusCode::kUnreadable, "HEIC image has no size"};
  return Status::Ok();
}

Status DecodeHeic(const std::string& bytes, double max_megapixels, cv::Mat* bgr) {
  if (!HeicDecodeSupported())
    return {StatusCode::kUnsupportedFormat, "this build of libheif has no HEVC decoder"};
  ContextPtr ctx;
  HandlePtr handle;
  Status s = OpenPrimary(bytes, &ctx, &handle);
  if (!s.ok()) return s;
  // The coded size (ispe) bounds the decode buffer; the displayed size can only be smaller.
  const int w = std::max(heif_image_handle_get_ispe_width(handle.get()),
                         heif_image_handle_get_width(handle.get()));
  const int h = std::max(heif_image_handle_get_ispe_height(handle.get()),
                         heif_image_handle_get_height(handle.get()));
  if (w <= 0 || h <= 0) return {StatusCode::kUnreadable, "HEIC image has no size"};
  if (static_cast<double>(w) * h > max_megapixels * 1e6) {
    return {StatusCode::kTooLarge, "HEIC image is " + std::to_string(w) + "x" +
                                       std::to_string(h) + ", above the pixel limit"};
  }
  heif_image* raw = nullptr;
  const heif_error e = heif_decode_image(handle.get(), &raw, heif_colorspace_RGB,
                                         heif_chroma_interleaved_RGB, nullptr);
  if (e.code != heif_error_Ok) return Unreadable(e);
  ImagePtr img(raw);
  int stride = 0;
  const uint8_t* plane = heif_image_get_plane_readonly(img.get(), heif_channel_interleaved, &stride);
  const int iw = heif_image_get_width(img.get(), heif_channel_interleaved);
  const int ih = heif_image_get_height(img.get(), heif_channel_interleaved);
  if (!plane || iw <= 0 || ih <= 0) return {StatusCode::kUnreadable, "HEIC decode gave no pixels"};
  const cv::Mat rgb(ih, iw, CV_8UC3, const_cast<uint8_t*>(plane), static_cast<size_t>(stride));
  cv::cvtColor(rgb, *bgr, cv::COLOR_RGB2BGR);
  return Status::Ok();
}

std::string EncodeHeicImages(const std::vector<cv::Mat>& images, int primary, int quality,
                             int orientation) {
  InitOnce();
  if (images.empty() || primary < 0 || primary >= static_cast<int>(images.size()))
    throw Error("EncodeHeicImages: primary must index one of the images");
  if (!heif_have_encoder_for_format(heif_compression_HEVC))
    throw Error("EncodeHeic: libheif has no HEVC encoder");
  ContextPtr ctx(heif_context_alloc());
  heif_encoder* enc = nullptr;
  heif_error e = heif_context_get_encoder_for_format(ctx.get(), heif_compression_HEVC, &enc);
  if (e.code != heif_error_Ok) throw Error(std::string("EncodeHeic: ") + e.message);
  const std::unique_ptr<heif_encoder, void (*)(heif_encoder*)> enc_owner(enc, heif_encoder_release);
  heif_encoder_set_lossy_quality(enc, quality);
  for (size_t i = 0; i < images.size(); ++i) {
    const cv::Mat& bgr = images[i];
    if (bgr.empty() || bgr.type() != CV_8UC3) throw Error("EncodeHeic: expected CV_8UC3");
    heif_image* raw = nullptr;
    e = heif_image_create(bgr.cols, bgr.rows, heif_colorspace_RGB, heif_chroma_interleaved_RGB,
                          &raw);
    if (e.code != heif_error_Ok) throw Error(std::string("EncodeHeic: ") + e.message);
    ImagePtr img(raw);
    e = heif_image_add_plane(img.get(), heif_channel_interleaved, bgr.cols, bgr.rows, 8);
    if (e.code != heif_error_Ok) throw Error(std::string("EncodeHeic: ") + e.message);
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(img.get(), heif_channel_interleaved, &stride);
    cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, plane, static_cast<size_t>(stride));
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    heif_encoding_options* opts = heif_encoding_options_alloc();
    opts->image_orientation = static_cast<heif_orientation>(orientation);
    heif_image_handle* h = nullptr;
    e = heif_context_encode_image(ctx.get(), img.get(), enc, opts, &h);
    heif_encoding_options_free(opts);
    if (e.code != heif_error_Ok) throw Error(std::string("EncodeHeic: ") + e.message);
    HandlePtr handle(h);
    if (static_cast<int>(i) == primary) heif_context_set_primary_image(ctx.get(), handle.get());
  }
  std::string out;
  heif_writer writer{};
  writer.writer_api_version = 1;
  writer.write = [](heif_context*, const void* data, size_t size, void* user) {
    static_cast<std::string*>(user)->append(static_cast<const char*>(data), size);
    return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
  };
  e = heif_context_write(ctx.get(), &writer, &out);
  if (e.code != heif_error_Ok) throw Error(std::string("EncodeHeic: ") + e.message);
  return out;
}

std::string EncodeHeic(const cv::Mat& bgr, int quality, int orientation) {
  return EncodeHeicImages({bgr}, 0, quality, orientation);
}

#else  // no libheif

bool HeicDecodeSupported() { return false; }
Status ReadHeicSize(const std::string&, int*, int*) {
  return {StatusCode::kUnsupportedFormat, "scarmap was built without libheif"};
}
Status DecodeHeic(const std::string&, double, cv::Mat*) {
  return {StatusCode::kUnsupportedFormat, "scarmap was built without libheif"};
}
std::string EncodeHeicImages(const std::vector<cv::Mat>&, int, int, int) {
  throw Error("scarmap was built without libheif");
}
std::string EncodeHeic(const cv::Mat&, int, int) {
  throw Error("scarmap was built without libheif");
}

#endif

}  // namespace scarmap
