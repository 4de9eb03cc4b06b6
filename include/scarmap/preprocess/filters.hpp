// Faster drop-in equivalents of OpenCV filters that the stages use on whole working images. Each
// gives the same pixels as the OpenCV call it replaces (tested pixel for pixel), only cheaper.
#pragma once

#include <functional>
#include <opencv2/core.hpp>

namespace scarmap {

/// cv::GaussianBlur(src, dst, cv::Size(0, 0), sigma) with the default border (reflect-101),
/// split into bands of rows run on OpenCV's thread pool: each band is filtered as a view of the
/// whole image, so it sees the same neighbours and gives bit-identical pixels. CV_32F images of
/// any channel count are split; other depths are passed to cv::GaussianBlur whole. Throws
/// cv::Exception where cv::GaussianBlur would.
cv::Mat GaussianBlurBands(const cv::Mat& src, double sigma);

/// The scale-normalised Laplacian of Gaussian of `src` (CV_32FC1), -sigma^2 * cv::Laplacian of
/// cv::GaussianBlur(src, sigma) (Laplacian ksize 3, CV_32F, both with their default border),
/// handed to `use` a band of at most `band_rows` (>= 1) rows at a time, top to bottom, as
/// use(first_row, band): the same pixels as the whole-image computation (each band's blur is
/// computed as a view of the whole image, with one row more each side for the Laplacian), while
/// holding only two band-sized float buffers instead of two image-sized ones. `band` is valid
/// during the call only. Throws scarmap::Error for another type, an empty image or band_rows < 1.
void NormalisedLogBands(const cv::Mat& src, double sigma, int band_rows,
                        const std::function<void(int first_row, const cv::Mat& band)>& use);

/// The 8-connected part of {up >= level} that holds the up-pixel of `seed` (a pixel of `v`, whose
/// up-pixel is ((seed + 0.5) * f) truncated), where up is `v` (CV_32FC1) upsampled f times
/// (cv::resize by fx = fy = f, INTER_LINEAR): the same pixels as that resize, >= level and a
/// cv::floodFill (8-connected, mask only) from there. *region_up gets a 0/255 CV_8U map of up's
/// size, *box_up the part's bounding box in it; returns false (outputs untouched) when the seed's
/// up-pixel is below the level. Only the rectangle of `v` that can hold the part is upsampled: an
/// up-pixel interpolates the 2 x 2 pixels of `v` around it with weights that sum to one, so it
/// reaches the level only where one of them does (to within rounding, cleared by a margin of
/// 1e-4 of the largest |value|); two touching up-pixels have such pixels within two of each other,
/// so the part lies over one 8-connected part of them grown by a pixel; that part's rectangle with
/// two pixels more each side interpolates the part and its neighbours from the same pixels of `v`
/// as the whole image (its edge is clamped only where it is the image's own; f a power of two keeps
/// the interpolation's positions exact wherever the rectangle starts). Throws scarmap::Error for
/// another type, f not 1, 2, 4, 8 or 16, or a seed outside `v`.
bool UpsampledComponent(const cv::Mat& v, float level, cv::Point seed, int f, cv::Mat* region_up,
                        cv::Rect* box_up);

/// Smallest sigma (px) that GaussianBlurCoarse computes at half resolution.
constexpr double kCoarseMinSigma = 6.0;

/// An approximation of cv::GaussianBlur(src, dst, cv::Size(0, 0), sigma) for wide blurs (sigma
/// >= kCoarseMinSigma px; a narrower one is GaussianBlurBands): the image averaged over 2 x 2
/// pixels, blurred at half resolution so that the whole, with the bilinear interpolation back to
/// full size, has the variance sigma^2. A positive, normalised average like the Gaussian (a blur
/// of a square minus the square of the blur is still a local variance), within a small fraction
/// of the blurred signal's local range of it (tested), at a fraction of the cost; the border is
/// reflected as cv::GaussianBlur reflects it. CV_32F of any channel count; the result may be a
/// view of a slightly larger image (not continuous). Throws scarmap::Error for another depth.
cv::Mat GaussianBlurCoarse(const cv::Mat& src, double sigma);

/// The pixels within `distance_px` (Euclidean, >= 0) of a nonzero pixel of `mask` (CV_8UC1),
/// 0/255: the same pixels as cv::distanceTransform(mask == 0, dist, cv::DIST_L2,
/// cv::DIST_MASK_PRECISE) followed by dist <= distance_px (none when the mask is empty of
/// pixels), from the mask's horizontal runs, each widened row by row by the disc's half width at
/// that row (the disc measured by the same distance transform): cheap for a small or sparse mask,
/// whatever the distance. Throws scarmap::Error for another mask type or a negative or
/// non-finite distance.
cv::Mat WithinDistance(const cv::Mat& mask, double distance_px);

/// Zhang-Suen thinning (Zhang & Suen 1984) of `mask` (CV_8UC1, on from 128 up, as ximgproc
/// reads it), returning the skeleton 0/255: the same pixels as
/// cv::ximgproc::thinning(mask, out, THINNING_ZHANGSUEN) (tested), whose whole-image passes are
/// replaced by passes over the pixels still on, each judged from a table of its 8 neighbours.
/// The outermost rows and columns are never thinned (pad the mask by one pixel). Throws
/// scarmap::Error for another type.
cv::Mat ThinZhangSuen(const cv::Mat& mask);

/// Binary erosion / dilation / opening of `mask` (CV_8U, 0 = off, anything else = on) by
/// `kernel` (CV_8U, nonzero = member, anchor at its centre), returning 0/255: the same
/// pixels as cv::erode / cv::dilate / cv::morphologyEx(MORPH_OPEN) with their default border
/// (outside the image never erodes and never dilates). A kernel whose rows are runs centred on
/// the anchor column works from the lengths of the horizontal runs of the mask (a row of the
/// kernel fits where the run is long enough on both sides): O(1) per pixel when the rows are also
/// symmetric about the anchor row and no wider away from it (cv::MORPH_ELLIPSE, MORPH_RECT,
/// MORPH_CROSS: two sweeps along each column find the rows a short run rules out), else
/// O(kernel height), instead of O(kernel area); any other kernel (even-sized, rows that are not
/// one centred run) falls back to OpenCV. Throws scarmap::Error for a mask that is not CV_8UC1 or
/// an empty or not CV_8UC1 kernel.
cv::Mat BinaryErode(const cv::Mat& mask, const cv::Mat& kernel);
cv::Mat BinaryDilate(const cv::Mat& mask, const cv::Mat& kernel);
cv::Mat BinaryOpen(const cv::Mat& mask, const cv::Mat& kernel);

/// Rows [y0, y1) of cv::resize(src, dst, dst_size, 0, 0, cv::INTER_LINEAR) for a CV_32F `src`
/// of any channel count, bit-identical, from only the source rows they need: the columns are
/// resized by cv::resize itself (a resize to the same height is the horizontal pass alone), the
/// rows blended with the weights cv::resize gives them. An image upsampled a band at a time holds
/// one band, not the whole result. Throws scarmap::Error for another depth, an empty source or
/// size, or rows outside [0, dst_size.height].
cv::Mat ResizeLinearRows(const cv::Mat& src, cv::Size dst_size, int y0, int y1);

/// The source rows [start, end) that rows [y0, y1) of a linear resize of a `src_rows`-row image
/// to `dst_size` read (empty for no rows). Throws scarmap::Error for bad sizes or rows.
cv::Range LinearRowsNeeded(int src_rows, cv::Size dst_size, int y0, int y1);

/// ResizeLinearRows of a source of `src_rows` rows of which only `rows` are given: source rows
/// first_row .. first_row + rows.rows - 1, which must cover LinearRowsNeeded(...) (else throws
/// scarmap::Error). Lets a caller compute the source a band at a time too.
cv::Mat ResizeLinearRows(const cv::Mat& rows, int src_rows, int first_row, cv::Size dst_size,
                         int y0, int y1);

/// GaussianBlurCoarse(src, sigma) of a one-channel CV_32F image that is never held whole: the
/// source is given row by row (`row(y, out)` writes the size.width pixels of row y to `out`; it is
/// called from OpenCV's worker threads, several rows at once, and more than once for a row) and
/// only the half-resolution blur is kept (a quarter of the pixels), from which Rows() upsamples
/// the rows asked for. Rows(y0, y1) equals rows [y0, y1) of GaussianBlurCoarse of the whole source,
/// bit for bit (tested); below kCoarseMinSigma the whole GaussianBlurBands result is kept and
/// Rows is a view of it (read only). Rows may be called from several threads at once. Throws
/// scarmap::Error for an empty size, a sigma <= 0 or rows outside [0, size.height].
class CoarseBlurRows {
 public:
  CoarseBlurRows(cv::Size size, const std::function<void(int y, float* out)>& row, double sigma);
  cv::Mat Rows(int y0, int y1) const;
  cv::Size size() const { return size_; }

 private:
  cv::Size size_;
  cv::Mat full_;     ///< a narrow blur: the result itself
  cv::Mat half_;     ///< a wide one: the half-resolution blur, its margin included
  cv::Rect around_;  ///< the part of half_ that GaussianBlurCoarse upsamples
};

}  // namespace scarmap
