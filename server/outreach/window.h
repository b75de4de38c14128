// The analysis window and the defensive reading of model times through it:
// a time after as_of has not happened yet and is treated as absent, so
// aggregates read a little late (or events ingested out of order) never
// count the future. Internal to rapport::outreach.
#ifndef RAPPORT_SERVER_OUTREACH_WINDOW_H_
#define RAPPORT_SERVER_OUTREACH_WINDOW_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"

namespace rapport::outreach::internal {

// [start, as_of], both included. Daily buckets count when their UTC day lies
// between start's UTC day and as_of's UTC day.
class Window {
 public:
  Window(absl::Time start, absl::Time as_of);

  absl::Time start() const { return start_; }
  absl::Time as_of() const { return as_of_; }

  // `t`, or absent when it is after as_of.
  std::optional<absl::Time> Seen(const std::optional<absl::Time>& t) const;
  // True when `t` is present and not after as_of.
  bool Happened(const std::optional<absl::Time>& t) const;
  // True when `t` is present and in [start, as_of].
  bool Contains(const std::optional<absl::Time>& t) const;
  bool ContainsDay(absl::CivilDay day) const;

  // The member wrote first, and first wrote within the window.
  bool MemberStarted(const model::ThreadState& t) const;
  // The contact wrote first, and first wrote within the window.
  bool ContactStarted(const model::ThreadState& t) const;
  // The reply of a thread the member started, when it came by as_of.
  std::optional<absl::Time> Reply(const model::ThreadState& t) const;
  // When the member last wrote in the thread as seen at as_of; the first
  // message when the last one is recorded after as_of.
  std::optional<absl::Time> LastSent(const model::ThreadState& t) const;

 private:
  absl::Time start_;
  absl::Time as_of_;
  absl::CivilDay first_day_;
  absl::CivilDay last_day_;
};

}  // namespace rapport::outreach::internal

#endif  // RAPPORT_SERVER_OUTREACH_WINDOW_H_
