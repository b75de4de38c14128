#include "server/recommend/action.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rapport::recommend {
namespace {

using model::EventType;

void AddBucket(model::MemberActivity& a, absl::CivilDay day, EventType type,
               model::Channel channel, model::Seniority seniority,
               int64_t count) {
  if (count <= 0) return;
  for (model::DailyCount& d : a.daily) {
    if (d.day == day && d.type == type && d.channel == channel &&
        d.seniority == seniority) {
      d.count += count;
      return;
    }
  }
  a.daily.push_back({day, type, channel, seniority, count});
}

model::ContactState& ContactOf(model::MemberActivity& a,
                               const std::string& contact_id,
                               model::Seniority seniority,
                               model::NetworkCategory category,
                               absl::Time as_of) {
  for (model::ContactState& c : a.contacts) {
    if (c.contact_id == contact_id) return c;
  }
  model::ContactState c;
  c.contact_id = contact_id;
  c.seniority = seniority;
  c.category = category;
  c.first_time = as_of;
  a.contacts.push_back(std::move(c));
  return a.contacts.back();
}

model::ThreadState& ThreadOf(model::MemberActivity& a, const MessageEdit& m) {
  for (model::ThreadState& t : a.threads) {
    if (t.thread_id == m.thread_id) return t;
  }
  model::ThreadState t;
  t.thread_id = m.thread_id;
  t.contact_id = m.contact_id;
  t.channel = m.channel;
  t.seniority = m.seniority;
  t.category = m.category;
  a.threads.push_back(std::move(t));
  return a.threads.back();
}

// The member's message.
void SendMessage(const MessageEdit& m, absl::Time as_of,
                 model::MemberActivity& a) {
  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  model::ThreadState& t = ThreadOf(a, m);
  if (!t.first_outbound_time.has_value()) t.first_outbound_time = as_of;
  t.last_outbound_time = as_of;
  ++t.outbound_count;
  if (m.follow_up) {
    ++t.follow_up_count;
    if (!t.first_reply_time.has_value()) ++t.follow_ups_before_reply;
  }
  if (t.first_inbound_time.has_value() && *t.first_inbound_time < as_of &&
      !t.first_answer_time.has_value()) {
    t.first_answer_time = as_of;
  }
  const model::Channel channel = t.channel;
  const model::Seniority seniority = t.seniority;
  model::ContactState& c =
      ContactOf(a, t.contact_id, t.seniority, t.category, as_of);
  c.last_outbound_time = as_of;
  ++c.outbound_count;
  if (c.met_at_event_time.has_value() && *c.met_at_event_time <= as_of &&
      (!c.followed_up_after_event_time.has_value() ||
       *c.followed_up_after_event_time < *c.met_at_event_time)) {
    c.followed_up_after_event_time = as_of;
  }
  AddBucket(a, day,
            m.follow_up ? EventType::kFollowUpSent : EventType::kMessageSent,
            channel, seniority, 1);
}

// The contact's answer to it, in the same thread.
void AnswerMessage(const MessageEdit& m, absl::Time as_of,
                   model::MemberActivity& a) {
  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  model::ThreadState& t = ThreadOf(a, m);
  if (!t.first_inbound_time.has_value()) t.first_inbound_time = as_of;
  t.last_inbound_time = as_of;
  ++t.inbound_count;
  if (t.member_started() && !t.first_reply_time.has_value()) {
    t.first_reply_time = as_of;
  }
  const model::Channel channel = t.channel;
  const model::Seniority seniority = t.seniority;
  model::ContactState& c =
      ContactOf(a, t.contact_id, t.seniority, t.category, as_of);
  c.last_inbound_time = as_of;
  ++c.inbound_count;
  AddBucket(a, day, EventType::kMessageReceived, channel, seniority, 1);
}

void RequestConnection(const ConnectionEdit& e, absl::Time as_of,
                       model::MemberActivity& a) {
  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  model::ContactState& c =
      ContactOf(a, e.contact_id, e.seniority,
                model::NetworkCategory::kUnspecified, as_of);
  if (!c.connection_requested_time.has_value()) {
    c.connection_requested_time = as_of;
  }
  AddBucket(a, day, EventType::kConnectionRequestSent,
            model::Channel::kConnectionNote, c.seniority, 1);
}

void AcceptConnection(const ConnectionEdit& e, absl::Time as_of,
                      model::MemberActivity& a) {
  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  model::ContactState& c =
      ContactOf(a, e.contact_id, e.seniority,
                model::NetworkCategory::kUnspecified, as_of);
  if (!c.connection_accepted_time.has_value()) {
    c.connection_accepted_time = as_of;
  }
  AddBucket(a, day, EventType::kConnectionAccepted,
            model::Channel::kUnspecified, c.seniority, 1);
}

// In one pass whatever the number of threads: a sprayer withdraws hundreds.
void Withdraw(const std::vector<std::string>& ids, model::MemberActivity& a) {
  if (ids.empty()) return;
  const std::set<std::string> withdrawn(ids.begin(), ids.end());
  std::map<std::string, int64_t> outbound_removed;  // By contact.
  std::erase_if(a.threads, [&](const model::ThreadState& t) {
    if (!withdrawn.contains(t.thread_id)) return false;
    outbound_removed[t.contact_id] += t.outbound_count;
    return true;
  });
  std::map<std::string, std::optional<absl::Time>> last_outbound;
  for (const model::ThreadState& t : a.threads) {
    auto it = outbound_removed.find(t.contact_id);
    if (it == outbound_removed.end() || !t.last_outbound_time) continue;
    std::optional<absl::Time>& last = last_outbound[t.contact_id];
    if (!last || *t.last_outbound_time > *last) last = t.last_outbound_time;
  }
  for (model::ContactState& c : a.contacts) {
    auto it = outbound_removed.find(c.contact_id);
    if (it == outbound_removed.end()) continue;
    auto last = last_outbound.find(c.contact_id);
    c.last_outbound_time =
        last == last_outbound.end() ? std::nullopt : last->second;
    c.outbound_count = std::max<int64_t>(0, c.outbound_count - it->second);
  }
}

}  // namespace

void ApplyMemberPart(const Action& action, absl::Time as_of,
                     model::Profile& profile, model::MemberActivity& activity) {
  const ProfileEdit& p = action.profile;
  if (p.set_photo) profile.has_photo = true;
  profile.positions_count += p.add_positions;
  profile.positions_with_description_count += p.add_described_positions;
  profile.education_count += p.add_education;
  profile.certifications_count += p.add_certifications;
  profile.volunteer_roles_count += p.add_volunteer_roles;
  profile.recommendations_given_count += p.add_recommendations_given;
  profile.recommendations_received_count += p.add_recommendations_received;

  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  for (const EventEdit& e : action.events) {
    AddBucket(activity, day, e.type, model::Channel::kUnspecified,
              model::Seniority::kUnknown, e.count);
  }
  Withdraw(action.withdrawn_threads, activity);
  for (const MessageEdit& m : action.messages) SendMessage(m, as_of, activity);
  for (const ConnectionEdit& c : action.connections) {
    RequestConnection(c, as_of, activity);
  }
}

void ApplyAnswers(const Action& action, const Outcome& outcome,
                  absl::Time as_of, model::MemberActivity& activity) {
  const size_t answered =
      std::min(action.messages.size(), outcome.answered.size());
  for (size_t i = 0; i < answered; ++i) {
    if (outcome.answered[i]) AnswerMessage(action.messages[i], as_of, activity);
  }
  const size_t accepted =
      std::min(action.connections.size(), outcome.accepted.size());
  for (size_t i = 0; i < accepted; ++i) {
    if (outcome.accepted[i]) {
      AcceptConnection(action.connections[i], as_of, activity);
    }
  }
  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  const size_t events =
      std::min(action.expected_events.size(), outcome.event_counts.size());
  for (size_t i = 0; i < events; ++i) {
    AddBucket(activity, day, action.expected_events[i].type,
              model::Channel::kUnspecified, model::Seniority::kUnknown,
              outcome.event_counts[i]);
  }
}

void Apply(const Action& action, const Outcome& outcome, absl::Time as_of,
           model::Profile& profile, model::MemberActivity& activity) {
  ApplyMemberPart(action, as_of, profile, activity);
  ApplyAnswers(action, outcome, as_of, activity);
}

}  // namespace rapport::recommend
