// A member's score recorded for one UTC day: the history behind trends,
// 7-day changes and decliners.
#ifndef RAPPORT_SERVER_MODEL_SCORE_SNAPSHOT_H_
#define RAPPORT_SERVER_MODEL_SCORE_SNAPSHOT_H_

#include <array>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace rapport::model {

// The instant a day's snapshot is scored as of: the last nanosecond of the
// UTC day. Changes over days (change_7d, decliners over any period) are
// measured from it, so they agree with the recorded history.
inline absl::Time EndOfDay(absl::CivilDay day) {
  return absl::FromCivil(day + 1, absl::UTCTimeZone()) - absl::Nanoseconds(1);
}

struct ScoreSnapshot {
  std::string member_id;
  // The day; the score is computed as of the last instant of it (UTC).
  absl::CivilDay day;
  double total = 0;
  // Professional brand, find the right people, engage with insights, build
  // relationships.
  std::array<double, 4> pillars{};
  std::string model_version;
  // The create_time of the member the score was computed for, when known.
  // A member deleted and created again under the same id is another person
  // to the history: the store writes a snapshot that carries this only
  // while that very member exists, so that a score computed from erased
  // activity never lands in the history of the member created after the
  // erasure. Not stored: unset in snapshots read back.
  std::optional<absl::Time> member_create_time;

  friend bool operator==(const ScoreSnapshot&, const ScoreSnapshot&) = default;
};

}  // namespace rapport::model

#endif  // RAPPORT_SERVER_MODEL_SCORE_SNAPSHOT_H_
