// OutreachStats: the outreach figures of one member (or one breakdown
// group, or a team) over one window; mirrors rapport.v1.OutreachStats.
// Plain values; Combine() is a pure function, thread-safe.
#ifndef RAPPORT_SERVER_OUTREACH_STATS_H_
#define RAPPORT_SERVER_OUTREACH_STATS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace rapport::outreach {

struct OutreachStats {
  // From the daily buckets of the window (UTC days).
  int64_t messages_sent = 0;  // MESSAGE_SENT + FOLLOW_UP_SENT.
  int64_t connection_requests_sent = 0;
  int64_t follow_ups_sent = 0;
  int64_t meetings_booked = 0;
  // Distinct contacts whose last outbound message or first connection
  // request (ContactState) lies in the window.
  int64_t contacts_reached = 0;
  // Threads the member started in the window, and those of them the contact
  // replied to by as_of (ThreadState::first_reply_time); a thread counts
  // once however many replies it got.
  int64_t threads_started = 0;
  int64_t threads_answered = 0;
  // Contacts first asked to connect in the window (ContactState), and those
  // of them who accepted by as_of. The acceptance rate's sample: unlike
  // connection_requests_sent, a contact asked twice counts once.
  int64_t contacts_asked_to_connect = 0;
  int64_t connections_accepted = 0;
  // Absent (never 0) when the sample is below the minimum.
  std::optional<double> reply_rate;  // threads_answered / threads_started.
  // connections_accepted / contacts_asked_to_connect.
  std::optional<double> acceptance_rate;
  // meetings_booked * 100 / threads_started.
  std::optional<double> meetings_per_100_threads;
  // Time from the member's first message to the first reply, one per
  // answered thread, ascending. Kept so that teams pool exact quantiles.
  std::vector<absl::Duration> reply_times;
  // Quantiles of reply_times (rapport::Quantile); absent with no reply.
  std::optional<absl::Duration> median_time_to_reply;
  std::optional<absl::Duration> p90_time_to_reply;

  friend bool operator==(const OutreachStats&, const OutreachStats&) = default;
};

// The one definition of a rate in outreach: num / den, absent (never 0)
// when den is below max(min_sample, 1). A group's rate is the rate of its
// summed counts (pooled), never an average of members' rates.
std::optional<double> Ratio(int64_t num, int64_t den, int min_sample = 1);

// Threads started in a window and those of them answered, of one member or
// summed over a group: all a reply rate needs.
struct ReplyCounts {
  int64_t threads_started = 0;
  int64_t threads_answered = 0;

  // Ratio(threads_answered, threads_started, min_sample). Of a group's
  // summed counts, the group's pooled reply rate.
  std::optional<double> reply_rate(int min_sample = 1) const {
    return Ratio(threads_answered, threads_started, min_sample);
  }
  ReplyCounts& operator+=(const ReplyCounts& other) {
    threads_started += other.threads_started;
    threads_answered += other.threads_answered;
    return *this;
  }
  friend bool operator==(const ReplyCounts&, const ReplyCounts&) = default;
};

// Sets the rates and quantiles of `stats` from its counts and reply_times
// (sorting reply_times). Rates are absent when their denominator is below
// max(min_rate_sample, 1).
void Finish(OutreachStats& stats, int min_rate_sample = 1);

// The team aggregate: every count summed, reply_times pooled, and the rates
// and quantiles recomputed from the sums (not averaged), so the median is
// the median of all the team's replies. contacts_reached sums per-member
// figures: a contact reached by two members counts twice. Empty input gives
// all-zero counts and absent rates.
OutreachStats Combine(absl::Span<const OutreachStats> members,
                      int min_rate_sample = 1);
// The same over stats held elsewhere (none copied): what a cache of
// members' reports pools without copying them.
OutreachStats Combine(absl::Span<const OutreachStats* const> members,
                      int min_rate_sample = 1);

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_STATS_H_
