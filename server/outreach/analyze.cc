#include <cstdint>
#include <utility>

#include "server/outreach/parts.h"
#include "server/outreach/report.h"

namespace rapport::outreach {
namespace internal {
namespace {

using model::EventType;

bool Matches(const Filter& f, model::Channel c, model::Seniority s) {
  return (!f.channel.has_value() || *f.channel == c) &&
         (!f.seniority.has_value() || *f.seniority == s);
}

void AddBuckets(const model::MemberActivity& a, const Window& w,
                const Filter& f, OutreachStats& s) {
  for (const model::DailyCount& d : a.daily) {
    if (!w.ContainsDay(d.day) || !Matches(f, d.channel, d.seniority)) continue;
    switch (d.type) {
      case EventType::kMessageSent:
        s.messages_sent += d.count;
        break;
      case EventType::kFollowUpSent:
        s.messages_sent += d.count;
        s.follow_ups_sent += d.count;
        break;
      case EventType::kConnectionRequestSent:
        s.connection_requests_sent += d.count;
        break;
      case EventType::kMeetingBooked:
        s.meetings_booked += d.count;
        break;
      default:
        break;
    }
  }
}

// ContactState has no channel: a channel filter counts no contact.
void AddContacts(const model::MemberActivity& a, const Window& w,
                 const Filter& f, OutreachStats& s) {
  if (f.channel.has_value()) return;
  for (const model::ContactState& c : a.contacts) {
    if (f.seniority.has_value() && *f.seniority != c.seniority) continue;
    const bool asked = w.Contains(c.connection_requested_time);
    if (asked || w.Contains(c.last_outbound_time)) ++s.contacts_reached;
    if (!asked) continue;
    ++s.contacts_asked_to_connect;
    if (w.Happened(c.connection_accepted_time)) ++s.connections_accepted;
  }
}

void AddThreads(const model::MemberActivity& a, const Window& w,
                const Filter& f, OutreachStats& s) {
  for (const model::ThreadState& t : a.threads) {
    if (!Matches(f, t.channel, t.seniority) || !w.MemberStarted(t)) continue;
    ++s.threads_started;
    const std::optional<absl::Time> reply = w.Reply(t);
    if (!reply.has_value()) continue;
    ++s.threads_answered;
    s.reply_times.push_back(*reply - *t.first_outbound_time);
  }
}

bool AnyActivity(const OutreachStats& s) {
  return s.messages_sent != 0 || s.connection_requests_sent != 0 ||
         s.meetings_booked != 0 || s.contacts_reached != 0 ||
         s.threads_started != 0 || s.contacts_asked_to_connect != 0;
}

}  // namespace

OutreachStats StatsOf(const model::MemberActivity& activity, const Window& w,
                      const OutreachOptions& options, const Filter& filter) {
  OutreachStats s;
  if (w.start() <= w.as_of()) {
    AddBuckets(activity, w, filter, s);
    AddContacts(activity, w, filter, s);
    AddThreads(activity, w, filter, s);
  }
  Finish(s, options.min_rate_sample);
  return s;
}

}  // namespace internal

OutreachStats ComputeStats(const model::MemberActivity& activity,
                           absl::Time window_start, absl::Time as_of,
                           const OutreachOptions& options) {
  return internal::StatsOf(activity, internal::Window(window_start, as_of),
                           options, {});
}

OutreachReport Analyze(const model::MemberActivity& current,
                       const model::MemberActivity& previous,
                       absl::Time window_start, absl::Time as_of,
                       const OutreachOptions& options) {
  const internal::Window w(window_start, as_of);
  OutreachReport r;
  r.current = internal::StatsOf(current, w, options, {});
  r.previous = ComputeStats(
      previous, PreviousWindowStart(window_start, as_of),
      absl::FromCivil(absl::ToCivilDay(window_start, absl::UTCTimeZone()),
                      absl::UTCTimeZone()) -
          absl::Nanoseconds(1),
      options);
  internal::FindUnanswered(current, w, options, r);
  r.follow_ups = internal::FollowUpsOf(current, w, options);
  for (int c = 0; c <= model::kMaxChannel; ++c) {
    internal::Filter f;
    f.channel = static_cast<model::Channel>(c);
    OutreachBreakdown b{*f.channel, model::Seniority::kUnknown,
                        internal::StatsOf(current, w, options, f)};
    if (internal::AnyActivity(b.stats)) r.by_channel.push_back(std::move(b));
  }
  for (int s = 0; s <= model::kMaxSeniority; ++s) {
    internal::Filter f;
    f.seniority = static_cast<model::Seniority>(s);
    OutreachBreakdown b{model::Channel::kUnspecified, *f.seniority,
                        internal::StatsOf(current, w, options, f)};
    if (internal::AnyActivity(b.stats)) r.by_seniority.push_back(std::move(b));
  }
  r.reciprocity = internal::ReciprocityOf(current, w);
  r.ideal_network = internal::NetworkOf(current, w, options);
  return r;
}

}  // namespace rapport::outreach
