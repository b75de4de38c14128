// The saturation curve shared by every component.
#ifndef RAPPORT_SERVER_SCORING_SATURATE_H_
#define RAPPORT_SERVER_SCORING_SATURATE_H_

#include <algorithm>
#include <cmath>

namespace rapport::scoring {

// The share of a component's points earned at `progress` = raw / target:
// (1 - e^(-curvature x)) / (1 - e^(-curvature)) with x = progress clamped to
// [0, 1]. Saturate(0) = 0, Saturate(x >= 1) = 1, non-decreasing and concave:
// each further unit of a signal earns less than the one before, and nothing
// beyond the target. NaN progress counts as 0. `curvature` must be > 0
// (ValidateModel checks it).
inline double Saturate(double progress, double curvature) {
  if (!(progress > 0)) return 0;
  if (progress >= 1) return 1;
  return std::min(1.0,
                  std::expm1(-curvature * progress) / std::expm1(-curvature));
}

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_SATURATE_H_
