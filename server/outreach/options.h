// The knobs of outreach analysis, passed explicitly by the caller (the API
// layer maps request fields and defaults onto them).
#ifndef RAPPORT_SERVER_OUTREACH_OPTIONS_H_
#define RAPPORT_SERVER_OUTREACH_OPTIONS_H_

#include "absl/time/time.h"

namespace rapport::outreach {

struct OutreachOptions {
  // A started thread with no reply is unanswered once the member's last
  // message is at least this old.
  absl::Duration unanswered_after = absl::Hours(24 * 5);
  // The most unanswered threads listed (the count is never capped).
  // Values < 0 mean 0.
  int max_unanswered = 20;
  // Rates of OutreachStats are absent below this many samples (threads
  // started, contacts asked to connect). Values < 1 mean 1: a rate is never
  // computed over nothing.
  int min_rate_sample = 1;
  // Rates compared with each other (follow-up vs none) are absent below
  // this many threads in either group.
  int min_sample = 5;
  // A core contact whose latest exchange is at least this old has gone
  // quiet.
  absl::Duration core_quiet_after = absl::Hours(24 * 30);
  // The ideal core network size (Cross & Thomas).
  int core_min = 12;
  int core_max = 18;

  friend bool operator==(const OutreachOptions&,
                         const OutreachOptions&) = default;
};

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_OPTIONS_H_
