// Per-member aggregates maintained by the store at ingest, in the same
// transaction as the events. Scoring and outreach analysis read these, never
// the raw events, so their cost is bounded by the window, not the history.
#ifndef RAPPORT_SERVER_MODEL_ACTIVITY_H_
#define RAPPORT_SERVER_MODEL_ACTIVITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/enums.h"

namespace rapport::model {

// The sum of event quantities of one kind on one UTC day.
struct DailyCount {
  absl::CivilDay day;
  EventType type = EventType::kUnspecified;
  Channel channel = Channel::kUnspecified;
  Seniority seniority = Seniority::kUnknown;
  int64_t count = 0;
};

// The state of one conversation, derived from all of its events whatever the
// order they were ingested in. "Outbound" is the member writing (a message or
// a follow-up), "inbound" the contact writing.
struct ThreadState {
  std::string thread_id;
  std::string contact_id;
  Channel channel = Channel::kUnspecified;  // Of the first message.
  // The contact's latest non-default seniority and category in the thread.
  Seniority seniority = Seniority::kUnknown;
  NetworkCategory category = NetworkCategory::kUnspecified;
  std::optional<absl::Time> first_outbound_time;
  std::optional<absl::Time> last_outbound_time;
  std::optional<absl::Time> first_inbound_time;
  std::optional<absl::Time> last_inbound_time;
  // The first inbound message after the first outbound one: the reply.
  std::optional<absl::Time> first_reply_time;
  // The first outbound message after the first inbound one: the member's
  // answer to a thread the contact started.
  std::optional<absl::Time> first_answer_time;
  int outbound_count = 0;  // Including follow-ups.
  int inbound_count = 0;
  int follow_up_count = 0;
  // Follow-ups sent before the first reply (or ever, when no reply came).
  int follow_ups_before_reply = 0;

  // True when the member wrote first.
  bool member_started() const {
    return first_outbound_time.has_value() &&
           (!first_inbound_time.has_value() ||
            *first_outbound_time <= *first_inbound_time);
  }
};

// What the member and one contact have done together, over all channels.
struct ContactState {
  std::string contact_id;
  Seniority seniority = Seniority::kUnknown;  // Latest non-default value.
  NetworkCategory category = NetworkCategory::kUnspecified;  // Last non-zero.
  std::string industry;
  std::string region;
  absl::Time first_time = absl::InfinitePast();         // The first event.
  std::optional<absl::Time> last_outbound_time;         // Member wrote.
  std::optional<absl::Time> last_inbound_time;          // Contact wrote.
  std::optional<absl::Time> connection_requested_time;  // First request.
  std::optional<absl::Time> connection_accepted_time;   // First acceptance.
  std::optional<absl::Time> met_at_event_time;          // Latest meeting.
  // The first outbound message or follow-up at or after met_at_event_time.
  std::optional<absl::Time> followed_up_after_event_time;
  int64_t outbound_count = 0;
  int64_t inbound_count = 0;
  int64_t meetings_booked = 0;
};

// A member's aggregates over a time range.
struct MemberActivity {
  // Buckets of the days of the range, counting only the events up to its
  // end (see Store::ReadActivity for the day the range starts on).
  std::vector<DailyCount> daily;
  // Threads with any message in the range, each as it stood at the end of
  // the range: events after it are not reflected.
  std::vector<ThreadState> threads;
  // Contacts with any event in the range, as they stood at its end.
  std::vector<ContactState> contacts;
};

}  // namespace rapport::model

#endif  // RAPPORT_SERVER_MODEL_ACTIVITY_H_
