#include "server/outreach/stats.h"

#include <algorithm>

#include "server/common/quantile.h"

namespace rapport::outreach {

std::optional<double> Ratio(int64_t num, int64_t den, int min_sample) {
  if (den <= 0 || den < std::max(min_sample, 1)) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

void Finish(OutreachStats& s, int min_rate_sample) {
  s.reply_rate = Ratio(s.threads_answered, s.threads_started, min_rate_sample);
  s.acceptance_rate = Ratio(s.connections_accepted, s.contacts_asked_to_connect,
                            min_rate_sample);
  s.meetings_per_100_threads =
      Ratio(s.meetings_booked * 100, s.threads_started, min_rate_sample);
  std::sort(s.reply_times.begin(), s.reply_times.end());
  s.median_time_to_reply = Quantile(s.reply_times, 0.5);
  s.p90_time_to_reply = Quantile(s.reply_times, 0.9);
}

OutreachStats Combine(absl::Span<const OutreachStats* const> members,
                      int min_rate_sample) {
  OutreachStats t;
  size_t replies = 0;
  for (const OutreachStats* m : members) replies += m->reply_times.size();
  t.reply_times.reserve(replies);
  for (const OutreachStats* m : members) {
    t.messages_sent += m->messages_sent;
    t.connection_requests_sent += m->connection_requests_sent;
    t.follow_ups_sent += m->follow_ups_sent;
    t.meetings_booked += m->meetings_booked;
    t.contacts_reached += m->contacts_reached;
    t.threads_started += m->threads_started;
    t.threads_answered += m->threads_answered;
    t.contacts_asked_to_connect += m->contacts_asked_to_connect;
    t.connections_accepted += m->connections_accepted;
    t.reply_times.insert(t.reply_times.end(), m->reply_times.begin(),
                         m->reply_times.end());
  }
  Finish(t, min_rate_sample);
  return t;
}

OutreachStats Combine(absl::Span<const OutreachStats> members,
                      int min_rate_sample) {
  std::vector<const OutreachStats*> pointers;
  pointers.reserve(members.size());
  for (const OutreachStats& m : members) pointers.push_back(&m);
  return Combine(pointers, min_rate_sample);
}

}  // namespace rapport::outreach
