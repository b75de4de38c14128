// Builders of model aggregates for the outreach tests. Times are hours
// after a fixed UTC origin, so tests read as timelines.
#ifndef RAPPORT_TESTS_UNIT_OUTREACH_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_OUTREACH_TEST_UTIL_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"

namespace rapport::outreach::testing {

// 2026-01-01T00:00:00Z.
inline absl::Time Origin() { return absl::FromUnixSeconds(1767225600); }
inline absl::Time Hour(double h) {
  return Origin() + absl::Seconds(static_cast<int64_t>(h * 3600));
}
inline absl::Time Day(double d) { return Hour(24 * d); }

// A thread the member started at `sent` (hours), answered at `reply`.
inline model::ThreadState Started(
    const std::string& id, double sent,
    std::optional<double> reply = std::nullopt,
    model::Channel channel = model::Channel::kEmail,
    model::Seniority seniority = model::Seniority::kManager) {
  model::ThreadState t;
  t.thread_id = id;
  t.contact_id = "c-" + id;
  t.channel = channel;
  t.seniority = seniority;
  t.first_outbound_time = t.last_outbound_time = Hour(sent);
  t.outbound_count = 1;
  if (reply.has_value()) {
    t.first_inbound_time = t.last_inbound_time = t.first_reply_time =
        Hour(*reply);
    t.inbound_count = 1;
  }
  return t;
}

// A thread the contact started at `received`, answered at `answer`.
inline model::ThreadState Inbound(const std::string& id, double received,
                                  std::optional<double> answer = std::nullopt) {
  model::ThreadState t;
  t.thread_id = id;
  t.contact_id = "c-" + id;
  t.channel = model::Channel::kLinkedinMessage;
  t.first_inbound_time = t.last_inbound_time = Hour(received);
  t.inbound_count = 1;
  if (answer.has_value()) {
    t.first_outbound_time = t.last_outbound_time = t.first_answer_time =
        Hour(*answer);
    t.outbound_count = 1;
  }
  return t;
}

inline model::DailyCount Bucket(
    int day, model::EventType type, int64_t count,
    model::Channel channel = model::Channel::kEmail,
    model::Seniority seniority = model::Seniority::kManager) {
  return {absl::ToCivilDay(Day(day), absl::UTCTimeZone()), type, channel,
          seniority, count};
}

}  // namespace rapport::outreach::testing

#endif  // RAPPORT_TESTS_UNIT_OUTREACH_TEST_UTIL_H_
