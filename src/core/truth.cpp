#include "scarmap/core/truth.hpp"

namespace scarmap {

std::string ItaClass(double ita_deg) {
  if (ita_deg > 55.0) return "very_light";
  if (ita_deg > 41.0) return "light";
  if (ita_deg > 28.0) return "intermediate";
  if (ita_deg > 10.0) return "tan";
  if (ita_deg > -30.0) return "brown";
  return "dark";
}

}  // namespace scarmap
