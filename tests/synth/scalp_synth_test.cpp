#include "scarmap/synth/scalp_synth.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "scarmap/core/status.hpp"
#include "scarmap/io/truth_json.hpp"
#include "testing/images.hpp"

namespace scarmap {
namespace {

SynthOptions Small() {
  SynthOptions o;
  o.width = 480;
  o.height = 360;
  o.min_px_per_mm = 8;
  o.max_px_per_mm = 16;
  return o;
}

// Everything on, so that every stage takes part.
SynthOptions Busy() {
  SynthOptions o = Small();
  o.width = 800;
  o.height = 600;
  o.fut_probability = o.fue_probability = o.glare_probability = o.dandruff_probability = 1.0;
  o.long_hair_probability = o.distractor_probability = o.marker_probability = 1.0;
  return o;
}

// CIELAB L* of an 8-bit sRGB image (OpenCV's conversion: independent of the generator's).
cv::Mat Lightness(const cv::Mat& bgr) {
  cv::Mat f, lab;
  bgr.convertTo(f, CV_32F, 1.0 / 255);
  cv::cvtColor(f, lab, cv::COLOR_BGR2Lab);
  cv::Mat ch[3];
  cv::split(lab, ch);
  return ch[0];
}

TEST(RenderScalp, IsDeterministicPerSeed) {
  const SynthImage a = RenderScalp(Small(), 7), b = RenderScalp(Small(), 7),
                   c = RenderScalp(Small(), 8);
  EXPECT_EQ(cv::norm(a.bgr, b.bgr, cv::NORM_L1), 0.0);
  EXPECT_EQ(cv::norm(a.labels, b.labels, cv::NORM_L1), 0.0);
  EXPECT_GT(cv::norm(a.bgr, c.bgr, cv::NORM_L1), 0.0);
}

TEST(RenderScalp, IsDeterministicWhateverTheThreadCount) {
  const int threads = cv::getNumThreads();
  cv::setNumThreads(1);
  const SynthImage a = RenderScalp(Busy(), 21);
  cv::setNumThreads(std::max(2, threads));
  const SynthImage b = RenderScalp(Busy(), 21);
  cv::setNumThreads(threads);
  EXPECT_EQ(cv::norm(a.bgr, b.bgr, cv::NORM_L1), 0.0);
  EXPECT_EQ(cv::norm(a.labels, b.labels, cv::NORM_L1), 0.0);
  EXPECT_EQ(a.hair_exits_px.size(), b.hair_exits_px.size());
  EXPECT_EQ(a.truth.fue.size(), b.truth.fue.size());
  EXPECT_EQ(a.truth.distractors, b.truth.distractors);
}

// FNV-1a, 64 bit: a digest that is the same on every compiler and platform.
std::uint64_t Fnv1a(std::uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}

// "Deterministic per (options, seed)" includes the compiler: the generator once drew random
// numbers inside function arguments, whose order C++ leaves open (gcc and clang built different
// photos from one seed). This pins the pixels, labels and truth JSON of a few small photos with
// every stage on to the digest of the gcc-12 build (OpenCV 4.6, x86-64), so that a draw whose
// order depends on the compiler fails here on the other compiler. A deliberate change to the
// generator changes the digest: update kExpected (the failure prints the new value) and say so
// in the commit.
TEST(RenderScalp, OutputIsTheSameWhateverTheCompiler) {
  constexpr std::uint64_t kExpected = 0xa9c125cabfac1d8bull;
  SynthOptions o = Small();
  o.min_px_per_mm = 8;
  o.max_px_per_mm = 10;
  o.fut_probability = o.fue_probability = o.glare_probability = o.dandruff_probability = 1.0;
  o.long_hair_probability = o.distractor_probability = o.marker_probability = 1.0;
  o.background_probability = 1.0;
  testing::TempDir dir;
  std::uint64_t h = 0xCBF29CE484222325ull;
  // Between them these seeds draw marker, clothing, ear, moles, freckles, papules, a fold, SMP
  // pigment, long hair with a part, a whorl and grey hairs as well as FUT bands and FUE dots.
  for (const std::uint64_t seed : {9u, 10u, 16u}) {
    const SynthImage s = RenderScalp(o, seed);
    ASSERT_TRUE(s.bgr.isContinuous() && s.labels.isContinuous());
    h = Fnv1a(h, s.bgr.data, s.bgr.total() * s.bgr.elemSize());
    h = Fnv1a(h, s.labels.data, s.labels.total());
    WriteTruthJson(s.truth, dir / "t.truth.json");
    const std::string json = testing::ReadBytes(dir / "t.truth.json");
    h = Fnv1a(h, json.data(), json.size());
  }
  EXPECT_EQ(h, kExpected) << "digest 0x" << std::hex << h;
}

TEST(RenderScalp, TruthIsConsistentWithTheMask) {
  SynthOptions o = Small();
  o.fut_probability = 1.0;
  o.fue_probability = 1.0;
  int checked_fut = 0, checked_fue = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    const Truth& t = s.truth;
    const double px2 = t.px_per_mm * t.px_per_mm;
    ASSERT_EQ(s.labels.size(), cv::Size(t.width, t.height));
    // Areas.
    double fut_area = 0;
    for (const auto& f : t.fut) fut_area += f.area_mm2;
    EXPECT_NEAR(fut_area, cv::countNonZero(s.labels == 1) / px2, 1e-6);
    checked_fut += !t.fut.empty();
    double fue_area = 0;
    for (const auto& d : t.fue) {
      fue_area += d.area_mm2;
      EXPECT_GE(d.diameter_mm, 0.55);
      EXPECT_LE(d.diameter_mm, 1.55);
      EXPECT_EQ(s.labels.at<uchar>(cv::Point(cvRound(d.center_px.x), cvRound(d.center_px.y))), 2)
          << "seed " << seed;
    }
    if (!t.fue.empty()) {
      ++checked_fue;
      EXPECT_NEAR(fue_area, cv::countNonZero(s.labels == 2) / px2,
                  0.06 * fue_area + 2.0 / px2 * t.fue.size());
    }
    // Scalp and density.
    EXPECT_NEAR(t.scalp_area_mm2, cv::countNonZero(s.labels != 3) / px2, 1e-6);
    EXPECT_NEAR(t.follicle_density_per_cm2, t.follicle_count / (t.scalp_area_mm2 / 100.0), 1e-6);
    EXPECT_GE(t.px_per_mm, 8.0);
    EXPECT_LE(t.px_per_mm, 16.0);
    for (const auto& f : t.fut) {
      EXPECT_GE(f.mean_width_mm, 0.4);
      EXPECT_LE(f.mean_width_mm, 10.0);
      EXPECT_GT(f.length_mm, 0.0);
    }
  }
  EXPECT_GT(checked_fut, 10);
  EXPECT_GT(checked_fue, 10);
}

TEST(RenderScalp, SkinToneCoversTheItaRangeAndMatchesTheBareSkin) {
  std::set<std::string> bands;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SynthOptions o = Small();
    o.fut_probability = o.fue_probability = o.background_probability = 0;
    const SynthImage s = RenderScalp(o, seed);
    bands.insert(s.truth.skin_band);
    EXPECT_EQ(ItaClass(s.truth.ita_deg), s.truth.skin_band);
  }
  EXPECT_GE(bands.size(), 5u);
}

// REPORT_CONTRACT: a scar's edge is where its difference from the skin falls to half of its own
// contrast. Measured on noise-free renders of flat skin, each isolated dot's half-maximum area
// must be its truth area, irregular outline, pink tint and shading crescent included.
TEST(RenderScalp, FueTruthIsTheHalfMaximumAreaOfTheRenderedDot) {
  SynthOptions o;
  o.width = 1000;
  o.height = 800;
  o.min_px_per_mm = o.max_px_per_mm = 50;
  o.fue_probability = 1.0;
  o.fut_probability = 0.0;
  o.scars_only = true;
  o.camera_effects = false;
  int checked = 0, irregular = 0, depressed = 0, pink = 0;
  std::vector<double> errs;
  for (std::uint64_t seed = 1; seed <= 40 && checked < 80; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    int in_image = 0;
    const cv::Mat L = Lightness(s.bgr);
    const double ppm = s.truth.px_per_mm;
    std::vector<float> skin_vals;
    for (int y = 0; y < L.rows; y += 3)
      for (int x = 0; x < L.cols; x += 3)
        if (s.labels.at<uchar>(y, x) == 0) skin_vals.push_back(L.at<float>(y, x));
    std::nth_element(skin_vals.begin(), skin_vals.begin() + skin_vals.size() / 2, skin_vals.end());
    const double skin = skin_vals[skin_vals.size() / 2];
    for (const TruthFue& d : s.truth.fue) {
      if (d.cluster_id >= 0 || d.shiny || d.delta_L < 5)
        continue;  // a glint is not the scar's contrast
      if (++in_image > 8) break;
      const double r_px = d.diameter_mm / 2 * ppm;
      const cv::Point c(cvRound(d.center_px.x), cvRound(d.center_px.y));
      // The dot's own contrast: median over its centre.
      std::vector<float> in;
      for (int y = -r_px; y <= r_px; ++y)
        for (int x = -r_px; x <= r_px; ++x)
          if (x * x + y * y <= 0.25 * r_px * r_px) in.push_back(L.at<float>(c.y + y, c.x + x));
      std::nth_element(in.begin(), in.begin() + in.size() / 2, in.end());
      const double contrast = in[in.size() / 2] - skin;
      ASSERT_GT(contrast, 3.0) << "seed " << seed;
      EXPECT_NEAR(contrast, d.delta_L, 0.15 * d.delta_L + 0.5);
      cv::Mat above = (L >= skin + contrast / 2) / 255, comp;
      above.convertTo(above, CV_8U);
      cv::connectedComponents(above, comp, 8, CV_32S);
      const int id = comp.at<int>(c);
      ASSERT_GT(id, 0);
      const cv::Mat mine = comp == id;
      const double measured_mm2 = cv::countNonZero(mine) / (ppm * ppm);
      errs.push_back(std::abs(measured_mm2 - d.area_mm2) / d.area_mm2);
      EXPECT_NEAR(measured_mm2, d.area_mm2, 0.035 * d.area_mm2)
          << "seed " << seed << " dot " << d.id;
      // The outline is irregular: it departs from its best-fitting ellipse.
      std::vector<std::vector<cv::Point>> contours;
      cv::findContours(mine.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
      ASSERT_FALSE(contours.empty());
      const cv::RotatedRect e = cv::fitEllipse(contours[0]);
      double dev = 0;
      const double ca = std::cos(e.angle * CV_PI / 180), sa = std::sin(e.angle * CV_PI / 180);
      for (const cv::Point& p : contours[0]) {
        const double dx = p.x - e.center.x, dy = p.y - e.center.y;
        const double u = (dx * ca + dy * sa) / (e.size.width / 2),
                     v = (-dx * sa + dy * ca) / (e.size.height / 2);
        dev = std::max(dev, std::abs(std::sqrt(u * u + v * v) - 1));
      }
      irregular += dev > 0.04;
      depressed += d.depressed;
      pink += d.pink;
      ++checked;
    }
  }
  ASSERT_GE(checked, 40);
  std::sort(errs.begin(), errs.end());
  EXPECT_LT(errs[errs.size() / 2],
            0.01);  // median error (blending in linear light instead of L*: 0.018)
  EXPECT_GT(irregular, checked / 3);
  EXPECT_GT(depressed, 3);
  EXPECT_GT(pink, 3);
}

TEST(RenderScalp, DistractorsAreNeverLabelledAsScars) {
  SynthOptions o = Busy();
  o.fut_probability = o.fue_probability = 0.0;
  std::set<std::string> kinds;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    EXPECT_TRUE(s.truth.fut.empty());
    EXPECT_TRUE(s.truth.fue.empty());
    EXPECT_EQ(cv::countNonZero(s.labels == 1) + cv::countNonZero(s.labels == 2), 0)
        << "seed " << seed;
    for (const auto& k : s.truth.distractors) kinds.insert(k);
  }
  EXPECT_GE(kinds.size(), 10u);
  // With scars in the frame too: every spot-like distractor lies on plain scalp skin (glare may
  // shine on a scar, but never off the scalp).
  o = Busy();
  int marks = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    for (const TruthMark& m : s.truth.distractor_marks) {
      const cv::Point p(cvRound(m.center_px.x), cvRound(m.center_px.y));
      ASSERT_TRUE(cv::Rect(0, 0, s.truth.width, s.truth.height).contains(p)) << m.kind;
      const uchar l = s.labels.at<uchar>(p);
      if (m.kind == "glare") {
        EXPECT_NE(l, 3) << "seed " << seed;
      } else {
        EXPECT_EQ(l, 0) << m.kind << " seed " << seed;
      }
      ++marks;
      EXPECT_NE(std::find(s.truth.distractors.begin(), s.truth.distractors.end(), m.kind),
                s.truth.distractors.end());
    }
  }
  EXPECT_GT(marks, 30);
}

// follicle_count is one per visible hair exit in the scalp region; each of them is drawn: the
// photo is darker there than the skin around it (pigmented hair on light skin, no camera noise).
TEST(RenderScalp, HairCountMatchesTheRenderedExits) {
  SynthOptions o = Small();
  o.width = 900;
  o.height = 700;
  o.min_px_per_mm = 20;
  o.max_px_per_mm = 30;
  o.camera_effects = false;
  o.long_hair_probability = 1.0;
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 60 && checked < 3; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    const Truth& t = s.truth;
    ASSERT_EQ(t.follicle_count, static_cast<int>(s.hair_exits_px.size()));
    for (const auto& e : s.hair_exits_px) {
      const cv::Point p(cvRound(e.x), cvRound(e.y));
      ASSERT_TRUE(cv::Rect(0, 0, t.width, t.height).contains(p));
      EXPECT_NE(s.labels.at<uchar>(p), 3);  // never under long hair, background or a card
    }
    if (t.skin_lab[0] < 62 || (t.hair_color != "black" && t.hair_color != "brown") ||
        t.grey_hair_fraction > 0)
      continue;
    const cv::Mat L = Lightness(s.bgr);
    cv::Mat local;
    cv::medianBlur(s.bgr, local, 2 * static_cast<int>(t.px_per_mm) + 1);  // ~2 mm: mostly skin
    const cv::Mat Ll = Lightness(local);
    int dark = 0;
    for (const auto& e : s.hair_exits_px) {
      const cv::Point p(cvRound(e.x), cvRound(e.y));
      dark += L.at<float>(p) < Ll.at<float>(p) - 4;
    }
    EXPECT_GT(dark, 0.95 * s.hair_exits_px.size()) << "seed " << seed;
    EXPECT_GT(t.follicle_density_per_cm2, 30.0);
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

// A band partly under long hair keeps only its visible part in the truth.
TEST(RenderScalp, FutUnderLongHairIsClippedToTheVisiblePart) {
  SynthOptions o = Small();
  o.width = 900;
  o.height = 700;
  o.fut_probability = o.long_hair_probability = 1.0;
  int hidden = 0;
  for (std::uint64_t seed = 1; seed <= 30 && hidden < 2; ++seed) {
    const SynthImage s = RenderScalp(o, seed);
    for (const TruthFut& f : s.truth.fut) {
      for (const auto& p : f.centerline_px)
        EXPECT_NE(s.labels.at<uchar>(cv::Point(cvRound(p.x), cvRound(p.y))), 3);
      if (!f.under_long_hair) continue;
      EXPECT_TRUE(f.touches_border);
      ++hidden;
    }
  }
  EXPECT_EQ(hidden, 2);
}

// The default set is varied: over 60 photos every feature, distractor and camera effect shows up.
TEST(RenderScalp, EveryFeatureAppearsOverASixtyImageSet) {
  SynthOptions o = Small();
  o.width = 640;
  o.height = 480;
  std::map<std::string, int> seen;
  std::set<int> quality;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const SynthImage s = RenderScalp(o, 20261201 * 1000003ull + seed);
    const Truth& t = s.truth;
    for (const auto& k : t.distractors) ++seen[k];
    for (const auto& k : t.effects) ++seen[k];
    quality.insert(t.jpeg_quality);
    for (const auto& d : t.fue) {
      seen["fue"] += 1;
      seen["fue_faint"] += d.delta_L < 4;
      seen["fue_pink"] += d.pink;
      seen["fue_shiny"] += d.shiny;
      seen["fue_depressed"] += d.depressed;
      seen["fue_cluster"] += d.cluster_id >= 0;
    }
    for (const auto& f : t.fut) {
      seen["fut"] += 1;
      seen["fut_trichophytic"] += f.trichophytic;
      seen["fut_ragged"] += f.ragged;
      seen["fut_shiny"] += f.shiny;
      seen["fut_darker"] += f.delta_L < 0;
    }
  }
  for (const char* k : {"background",
                        "clothing",
                        "ear",
                        "mole",
                        "freckle",
                        "papule",
                        "skin_fold",
                        "shadow_edge",
                        "long_hair",
                        "part_line",
                        "smp_pigment",
                        "dandruff",
                        "glare",
                        "marker",
                        "ruler",
                        "grey_hairs",
                        "whorl",
                        "curly_hair",
                        "coarse_stubble",
                        "vignetting",
                        "color_cast",
                        "motion_blur",
                        "defocus",
                        "sharpening",
                        "overexposed",
                        "underexposed",
                        "high_iso",
                        "fue",
                        "fue_faint",
                        "fue_pink",
                        "fue_shiny",
                        "fue_depressed",
                        "fue_cluster",
                        "fut",
                        "fut_trichophytic",
                        "fut_ragged",
                        "fut_shiny"})
    EXPECT_GT(seen[k], 0) << k;
  EXPECT_LE(*quality.begin(), 65);
  EXPECT_GE(*quality.rbegin(), 90);
}

TEST(RenderScalp, MarkerCornersAreInsideTheFrameAndLabelled) {
  SynthOptions o = Small();
  o.width = 1200;
  o.height = 900;
  o.marker_probability = 1.0;
  const SynthImage s = RenderScalp(o, 3);
  ASSERT_TRUE(s.truth.marker.present);
  for (const auto& c : s.truth.marker.corners_px) {
    EXPECT_GE(c.x, 0);
    EXPECT_LT(c.x, 1200);
    EXPECT_EQ(s.labels.at<uchar>(cv::Point(cvRound(c.x), cvRound(c.y))), 3);
  }
  const double side = cv::norm(s.truth.marker.corners_px[1] - s.truth.marker.corners_px[0]);
  EXPECT_NEAR(side / s.truth.px_per_mm, 10.0, 0.3);
}

TEST(WriteSynthSet, WritesPhotosTruthAndManifest) {
  testing::TempDir dir;
  WriteSynthSet(Small(), dir.path(), 3, 5);
  for (int i = 0; i < 3; ++i) {
    const std::string stem = "scalp_000" + std::to_string(i);
    EXPECT_FALSE(cv::imread((dir / (stem + ".jpg")).string()).empty());
    const cv::Mat labels = cv::imread((dir / (stem + ".truth.png")).string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(labels.type(), CV_8U);
    const Truth t = ReadTruthJson(dir / (stem + ".truth.json"));
    EXPECT_EQ(t.image, stem + ".jpg");
    // The JFIF header states the scale in dots per cm.
    const std::string jpg = testing::ReadBytes(dir / (stem + ".jpg"));
    EXPECT_EQ(static_cast<uchar>(jpg[13]), 2);
    EXPECT_EQ((static_cast<uchar>(jpg[14]) << 8) | static_cast<uchar>(jpg[15]),
              static_cast<int>(std::lround(t.px_per_mm * 10)));
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "manifest.csv"));
  EXPECT_THROW(WriteSynthSet(Small(), dir.path(), 0, 1), Error);
}

TEST(TruthJson, RoundTrips) {
  testing::TempDir dir;
  Truth t = RenderScalp(Busy(), 11).truth;
  t.image = "x.jpg";
  WriteTruthJson(t, dir / "x.truth.json");
  const Truth u = ReadTruthJson(dir / "x.truth.json");
  EXPECT_EQ(u.fue.size(), t.fue.size());
  EXPECT_EQ(u.fut.size(), t.fut.size());
  EXPECT_DOUBLE_EQ(u.px_per_mm, t.px_per_mm);
  EXPECT_EQ(u.hair_color, t.hair_color);
  EXPECT_EQ(u.effects, t.effects);
  EXPECT_EQ(u.distractors, t.distractors);
  ASSERT_EQ(u.distractor_marks.size(), t.distractor_marks.size());
  for (size_t i = 0; i < u.distractor_marks.size(); ++i)
    EXPECT_EQ(u.distractor_marks[i].kind, t.distractor_marks[i].kind);
  EXPECT_DOUBLE_EQ(u.grey_hair_fraction, t.grey_hair_fraction);
  for (size_t i = 0; i < u.fue.size(); ++i) EXPECT_EQ(u.fue[i].depressed, t.fue[i].depressed);
  EXPECT_THROW(ReadTruthJson(dir / "missing.json"), Error);
}

}  // namespace
}  // namespace scarmap
