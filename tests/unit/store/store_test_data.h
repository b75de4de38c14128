// Helpers shared by the store tests, for any Store implementation: members,
// events, fixed times and printable states for comparisons with readable
// diffs. Nothing here depends on how a store keeps its rows.
#ifndef RAPPORT_TESTS_UNIT_STORE_STORE_TEST_DATA_H_
#define RAPPORT_TESTS_UNIT_STORE_STORE_TEST_DATA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/activity.h"
#include "server/model/event.h"
#include "server/model/member.h"

namespace rapport::store::testing {

using model::Channel;
using model::EventType;
using model::NetworkCategory;
using model::Seniority;

// 2024-03-01T00:00:00Z plus `minutes`.
inline absl::Time At(int64_t minutes) {
  return absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone()) +
         absl::Minutes(minutes);
}

// The start of day `day` of March 2024 (1-based), UTC, plus `hours`.
inline absl::Time OnDay(int day, int hours = 0) {
  return At((day - 1) * 24 * 60 + hours * 60);
}

inline model::Member MakeMember(const std::string& id,
                                const std::string& team = "emea",
                                const std::string& industry = "software") {
  model::Member m;
  m.member_id = id;
  m.display_name = "Rep " + id;
  m.team = team;
  m.industry = industry;
  m.manager = "boss";
  m.profile.has_photo = true;
  m.profile.connections_count = 321;
  m.profile.skills_count = 7;
  return m;
}

// A contact with the given id and attributes.
inline model::Contact MakeContact(
    const std::string& id, Seniority seniority = Seniority::kVp,
    NetworkCategory category = NetworkCategory::kPower) {
  model::Contact c;
  c.contact_id = id;
  c.seniority = seniority;
  c.category = category;
  c.industry = "finance";
  c.region = "eu";
  return c;
}

// A non-contact event (a post, a reaction...).
inline model::Event MakeEvent(const std::string& id, const std::string& member,
                              EventType type, absl::Time t, int quantity = 1) {
  model::Event e;
  e.event_id = id;
  e.member_id = member;
  e.type = type;
  e.occur_time = t;
  e.quantity = quantity;
  return e;
}

// A message or follow-up in `thread` with `contact`.
inline model::Event MakeMessage(const std::string& id,
                                const std::string& member,
                                const std::string& thread,
                                const model::Contact& contact, EventType type,
                                absl::Time t,
                                Channel channel = Channel::kEmail) {
  model::Event e = MakeEvent(id, member, type, t);
  e.thread_id = thread;
  e.contact = contact;
  e.channel = channel;
  return e;
}

// Any contact event (connection, meeting...).
inline model::Event MakeContactEvent(const std::string& id,
                                     const std::string& member,
                                     const model::Contact& contact,
                                     EventType type, absl::Time t) {
  model::Event e = MakeEvent(id, member, type, t);
  e.contact = contact;
  if (model::NeedsChannel(type)) e.channel = Channel::kLinkedinMessage;
  return e;
}

inline std::string Str(const std::optional<absl::Time>& t) {
  return t.has_value() ? absl::FormatTime(*t) : "-";
}

inline std::string Describe(const model::ThreadState& s) {
  return absl::StrCat(
      "thread=", s.thread_id, " contact=", s.contact_id,
      " channel=", static_cast<int>(s.channel),
      " seniority=", static_cast<int>(s.seniority),
      " category=", static_cast<int>(s.category),
      " first_out=", Str(s.first_outbound_time),
      " last_out=", Str(s.last_outbound_time),
      " first_in=", Str(s.first_inbound_time),
      " last_in=", Str(s.last_inbound_time), " reply=", Str(s.first_reply_time),
      " answer=", Str(s.first_answer_time), " out=", s.outbound_count,
      " in=", s.inbound_count, " fu=", s.follow_up_count,
      " fu_before=", s.follow_ups_before_reply);
}

inline std::string Describe(const model::ContactState& s) {
  return absl::StrCat(
      "contact=", s.contact_id, " seniority=", static_cast<int>(s.seniority),
      " category=", static_cast<int>(s.category), " industry=", s.industry,
      " region=", s.region, " first=", absl::FormatTime(s.first_time),
      " last_out=", Str(s.last_outbound_time),
      " last_in=", Str(s.last_inbound_time),
      " requested=", Str(s.connection_requested_time),
      " accepted=", Str(s.connection_accepted_time),
      " met=", Str(s.met_at_event_time),
      " followed_up=", Str(s.followed_up_after_event_time),
      " out=", s.outbound_count, " in=", s.inbound_count,
      " meetings=", s.meetings_booked);
}

inline std::string Describe(const model::DailyCount& d) {
  return absl::StrCat(absl::FormatCivilTime(d.day), "/",
                      static_cast<int>(d.type), "/",
                      static_cast<int>(d.channel), "/",
                      static_cast<int>(d.seniority), "=", d.count);
}

// The whole activity as one line per item, for EXPECT_EQ with a readable diff.
inline std::string Describe(const model::MemberActivity& a) {
  std::vector<std::string> lines;
  for (const auto& d : a.daily) lines.push_back(Describe(d));
  for (const auto& t : a.threads) lines.push_back(Describe(t));
  for (const auto& c : a.contacts) lines.push_back(Describe(c));
  return absl::StrJoin(lines, "\n");
}

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_STORE_TEST_DATA_H_
