// Unanswered threads and what follow-ups do for them.
#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "server/outreach/parts.h"

namespace rapport::outreach::internal {
namespace {

std::optional<double> Share(int64_t num, int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

void FindUnanswered(const model::MemberActivity& activity, const Window& w,
                    const OutreachOptions& options, OutreachReport& report) {
  std::vector<UnansweredThread> all;
  for (const model::ThreadState& t : activity.threads) {
    if (!w.MemberStarted(t) || w.Reply(t).has_value()) continue;
    const std::optional<absl::Time> last = w.LastSent(t);
    if (!last.has_value() || w.as_of() - *last < options.unanswered_after) {
      continue;
    }
    all.push_back({t.thread_id, t.contact_id, "", t.channel, t.seniority, *last,
                   t.follow_up_count});
  }
  std::sort(all.begin(), all.end(),
            [](const UnansweredThread& a, const UnansweredThread& b) {
              if (a.last_sent_time != b.last_sent_time) {
                return a.last_sent_time < b.last_sent_time;
              }
              return a.thread_id < b.thread_id;
            });
  report.unanswered_count = static_cast<int64_t>(all.size());
  const size_t cap = static_cast<size_t>(std::max(options.max_unanswered, 0));
  if (all.size() > cap) all.resize(cap);
  report.unanswered = std::move(all);
}

FollowUpStats FollowUpsOf(const model::MemberActivity& activity,
                          const Window& w, const OutreachOptions& options) {
  FollowUpStats f;
  int64_t replied_with = 0;
  int64_t replied_without = 0;
  for (const model::ThreadState& t : activity.threads) {
    if (!w.MemberStarted(t)) continue;
    const absl::Time deadline =
        *t.first_outbound_time + options.unanswered_after;
    if (deadline > w.as_of()) continue;  // Too young to have gone unanswered.
    const std::optional<absl::Time> reply = w.Reply(t);
    if (reply.has_value() && *reply <= deadline) continue;  // Answered in time.
    ++f.threads_past_threshold;
    if (t.follow_ups_before_reply > 0) {
      ++f.threads_with_follow_up;
      if (reply.has_value()) ++replied_with;
    } else {
      ++f.threads_without_follow_up;
      if (reply.has_value()) ++replied_without;
    }
  }
  f.followed_up_share =
      Share(f.threads_with_follow_up, f.threads_past_threshold);
  const int64_t min = std::max(options.min_sample, 1);
  if (f.threads_with_follow_up < min || f.threads_without_follow_up < min) {
    f.note =
        absl::StrCat("Too few threads to compare: ", f.threads_with_follow_up,
                     " with a follow-up and ", f.threads_without_follow_up,
                     " without; at least ", min, " of each needed");
    return f;
  }
  f.reply_rate_with_follow_up = Share(replied_with, f.threads_with_follow_up);
  f.reply_rate_without_follow_up =
      Share(replied_without, f.threads_without_follow_up);
  return f;
}

}  // namespace rapport::outreach::internal
