#include "scarmap/measure/color_difference.hpp"

#include <cmath>

namespace scarmap {
namespace {
constexpr double kPi = 3.14159265358979323846;
double Deg(double rad) { return rad * 180.0 / kPi; }
double Rad(double deg) { return deg * kPi / 180.0; }
}  // namespace

double DeltaE2000(const cv::Vec3d& lab1, const cv::Vec3d& lab2) {
  const double L1 = lab1[0], a1 = lab1[1], b1 = lab1[2];
  const double L2 = lab2[0], a2 = lab2[1], b2 = lab2[2];
  const double c1 = std::hypot(a1, b1), c2 = std::hypot(a2, b2);
  const double cbar7 = std::pow((c1 + c2) / 2.0, 7.0);
  const double g = 0.5 * (1.0 - std::sqrt(cbar7 / (cbar7 + std::pow(25.0, 7.0))));
  const double ap1 = (1.0 + g) * a1, ap2 = (1.0 + g) * a2;
  const double cp1 = std::hypot(ap1, b1), cp2 = std::hypot(ap2, b2);
  // Hue angles in [0, 360); zero chroma gives hue 0 (Sharma et al., eq. 4).
  auto hue = [](double b, double ap) {
    if (b == 0.0 && ap == 0.0) return 0.0;
    double h = Deg(std::atan2(b, ap));
    return h < 0.0 ? h + 360.0 : h;
  };
  const double hp1 = hue(b1, ap1), hp2 = hue(b2, ap2);

  const double dLp = L2 - L1;
  const double dCp = cp2 - cp1;
  double dhp = 0.0;
  if (cp1 * cp2 != 0.0) {
    dhp = hp2 - hp1;
    if (dhp > 180.0) dhp -= 360.0;
    else if (dhp < -180.0) dhp += 360.0;
  }
  const double dHp = 2.0 * std::sqrt(cp1 * cp2) * std::sin(Rad(dhp / 2.0));

  const double Lbp = (L1 + L2) / 2.0;
  const double Cbp = (cp1 + cp2) / 2.0;
  double hbp = hp1 + hp2;
  if (cp1 * cp2 != 0.0) {
    if (std::abs(hp1 - hp2) <= 180.0) hbp = (hp1 + hp2) / 2.0;
    else if (hp1 + hp2 < 360.0) hbp = (hp1 + hp2 + 360.0) / 2.0;
    else hbp = (hp1 + hp2 - 360.0) / 2.0;
  }
  const double t = 1.0 - 0.17 * std::cos(Rad(hbp - 30.0)) + 0.24 * std::cos(Rad(2.0 * hbp)) +
                   0.32 * std::cos(Rad(3.0 * hbp + 6.0)) - 0.20 * std::cos(Rad(4.0 * hbp - 63.0));
  const double dtheta = 30.0 * std::exp(-std::pow((hbp - 275.0) / 25.0, 2.0));
  const double cbp7 = std::pow(Cbp, 7.0);
  const double rc = 2.0 * std::sqrt(cbp7 / (cbp7 + std::pow(25.0, 7.0)));
  const double lb50 = (Lbp - 50.0) * (Lbp - 50.0);
  const double sl = 1.0 + 0.015 * lb50 / std::sqrt(20.0 + lb50);
  const double sc = 1.0 + 0.045 * Cbp;
  const double sh = 1.0 + 0.015 * Cbp * t;
  const double rt = -std::sin(Rad(2.0 * dtheta)) * rc;
  const double l = dLp / sl, c = dCp / sc, h = dHp / sh;
  return std::sqrt(l * l + c * c + h * h + rt * c * h);
}

double ItaDeg(const cv::Vec3d& lab) { return Deg(std::atan2(lab[0] - 50.0, lab[2])); }

}  // namespace scarmap
