// Analyze(): the outreach effectiveness of one member over a window, as
// rapport.v1.GetOutreachEffectivenessResponse shows it (without the team
// comparison, see compare.h). Pure: the report depends only on the
// arguments (no clock, no I/O, no globals). Thread-safe.
#ifndef RAPPORT_SERVER_OUTREACH_REPORT_H_
#define RAPPORT_SERVER_OUTREACH_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/outreach/options.h"
#include "server/outreach/stats.h"

namespace rapport::outreach {

// The figures of one channel (seniority unset) or one contact seniority
// (channel unset); mirrors rapport.v1.OutreachBreakdown.
struct OutreachBreakdown {
  model::Channel channel = model::Channel::kUnspecified;
  model::Seniority seniority = model::Seniority::kUnknown;
  OutreachStats stats;

  friend bool operator==(const OutreachBreakdown&,
                         const OutreachBreakdown&) = default;
};

// A started thread still waiting for a reply; mirrors
// rapport.v1.UnansweredThread (member_id is the caller's to fill).
struct UnansweredThread {
  std::string thread_id;
  std::string contact_id;
  std::string member_id;
  model::Channel channel = model::Channel::kUnspecified;
  model::Seniority seniority = model::Seniority::kUnknown;
  absl::Time last_sent_time;
  int follow_up_count = 0;

  friend bool operator==(const UnansweredThread&,
                         const UnansweredThread&) = default;
};

// How follow-ups pay off; mirrors rapport.v1.FollowUpStats. The population
// is the started threads that went unanswered for options.unanswered_after
// after the member's first message (no reply within it, and that long has
// passed by as_of). "With a follow-up" means a follow-up before the reply
// (ThreadState::follow_ups_before_reply): follow-ups after a reply do not
// make a thread "followed up".
struct FollowUpStats {
  int64_t threads_past_threshold = 0;  // The population.
  // Share of the population with a follow-up; absent for no population.
  std::optional<double> followed_up_share;
  std::optional<double> reply_rate_with_follow_up;
  int64_t threads_with_follow_up = 0;
  std::optional<double> reply_rate_without_follow_up;
  int64_t threads_without_follow_up = 0;
  // Set when either group is below options.min_sample; both rates are then
  // absent, so that a tiny group never makes a comparison.
  std::string note;

  friend bool operator==(const FollowUpStats&, const FollowUpStats&) = default;
};

// How the member answers threads contacts started in the window; mirrors
// rapport.v1.Reciprocity. Answered means ThreadState::first_answer_time by
// as_of.
struct Reciprocity {
  int64_t inbound_threads = 0;
  int64_t inbound_answered = 0;
  std::optional<double> answered_share;  // Absent with no inbound thread.
  std::optional<absl::Duration> median_time_to_answer;  // rapport::Quantile.

  friend bool operator==(const Reciprocity&, const Reciprocity&) = default;
};

struct CoreContact {
  std::string contact_id;
  model::NetworkCategory category = model::NetworkCategory::kUnspecified;
  model::Seniority seniority = model::Seniority::kUnknown;
  absl::Time last_exchange_time;  // The later of the last in and outbound.

  friend bool operator==(const CoreContact&, const CoreContact&) = default;
};

// The core network (contacts with both a last outbound and a last inbound
// message in the window) against the ideal 12-18; mirrors
// rapport.v1.IdealNetwork.
struct IdealNetwork {
  int core_count = 0;
  int target_min = 0;
  int target_max = 0;
  // Among core contacts with a category, in enum order; missing is the rest
  // of the seven.
  std::vector<model::NetworkCategory> categories_covered;
  std::vector<model::NetworkCategory> categories_missing;
  // Core contacts whose last exchange is at least options.core_quiet_after
  // before as_of, oldest first (ties by contact_id).
  std::vector<CoreContact> gone_quiet;

  friend bool operator==(const IdealNetwork&, const IdealNetwork&) = default;
};

struct OutreachReport {
  OutreachStats current;
  OutreachStats previous;
  // Started threads with no reply by as_of whose last outbound message is
  // at least options.unanswered_after old; oldest first (ties by
  // thread_id), at most options.max_unanswered.
  std::vector<UnansweredThread> unanswered;
  int64_t unanswered_count = 0;  // Uncapped.
  FollowUpStats follow_ups;
  // Only channels / seniorities with any activity, in enum order. Over each
  // dimension the counts sum to `current`'s, except that ContactState has no
  // channel: by_channel leaves contacts_reached, contacts_asked_to_connect
  // and connections_accepted at 0 (and acceptance_rate absent).
  std::vector<OutreachBreakdown> by_channel;
  std::vector<OutreachBreakdown> by_seniority;
  Reciprocity reciprocity;
  IdealNetwork ideal_network;

  friend bool operator==(const OutreachReport&,
                         const OutreachReport&) = default;
};

// The start of an outreach window of `days` UTC days ending at `end`
// (days >= 1): the midnight (UTC) that begins the day days - 1 before end's
// day. Windows are whole UTC days, as the daily buckets are, so a window's
// start does not move during a day and its first day counts whole.
absl::Time WindowStart(absl::Time end, int days);

// The start of the window of the same number of UTC days just before the
// window [window_start, as_of]: that many days before window_start's day.
// It ends at window_start's midnight - 1ns.
absl::Time PreviousWindowStart(absl::Time window_start, absl::Time as_of);

// The stats of `activity` over [window_start, as_of]:
// - daily buckets whose UTC day lies from window_start's to as_of's day;
// - thread and contact times in [window_start, as_of]; a time after as_of
//   is treated as absent (a reply after as_of leaves a thread unanswered).
// A thread counts as started when the member's first message is in the
// window and precedes any inbound one seen by as_of. An empty window
// (window_start > as_of) counts nothing.
OutreachStats ComputeStats(const model::MemberActivity& activity,
                           absl::Time window_start, absl::Time as_of,
                           const OutreachOptions& options = {});

// The report of one member: `current` over [window_start, as_of];
// `previous` over the window of the same number of UTC days just before it,
// read from `previous`: [PreviousWindowStart(window_start, as_of), the
// midnight of window_start's day - 1ns]. (With a window_start that is not
// a UTC midnight, as WindowStart never gives, the part of its day before it
// counts in neither window.)
OutreachReport Analyze(const model::MemberActivity& current,
                       const model::MemberActivity& previous,
                       absl::Time window_start, absl::Time as_of,
                       const OutreachOptions& options = {});

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_REPORT_H_
