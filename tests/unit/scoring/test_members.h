// Members for the scoring tests: random ones from a seeded generator (the
// same seed gives the same member on the same standard library) and small
// builders for hand-made threads and contacts.
#ifndef RAPPORT_TESTS_UNIT_SCORING_TEST_MEMBERS_H_
#define RAPPORT_TESTS_UNIT_SCORING_TEST_MEMBERS_H_

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/model/member.h"

namespace rapport::scoring::testutil {

struct TestMember {
  model::Profile profile;
  model::MemberActivity activity;
};

// 2026-03-31 15:00 UTC: mid-afternoon, so that day and time arithmetic
// differ.
inline absl::Time AsOf() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 31, 15, 0, 0),
                         absl::UTCTimeZone());
}

inline absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

// `days` whole days and `hours` before `as_of`.
inline absl::Time Ago(absl::Time as_of, int days, double hours = 0) {
  return as_of - absl::Hours(24 * days) - absl::Hours(hours);
}

inline model::DailyCount Bucket(
    absl::CivilDay day, model::EventType type, int64_t count,
    model::Seniority seniority = model::Seniority::kUnknown) {
  model::DailyCount d;
  d.day = day;
  d.type = type;
  d.channel = model::NeedsChannel(type) ? model::Channel::kLinkedinMessage
                                        : model::Channel::kUnspecified;
  d.seniority = seniority;
  d.count = count;
  return d;
}

// A thread the member started at `sent`, unanswered.
inline model::ThreadState SentThread(const std::string& id, absl::Time sent,
                                     int follow_ups = 0) {
  model::ThreadState t;
  t.thread_id = id;
  t.contact_id = "c-" + id;
  t.channel = model::Channel::kEmail;
  t.first_outbound_time = sent;
  t.last_outbound_time = sent;
  t.outbound_count = 1 + follow_ups;
  t.follow_up_count = follow_ups;
  t.follow_ups_before_reply = follow_ups;
  return t;
}

// A thread the member started at `sent` that got a reply at `reply`.
inline model::ThreadState AnsweredThread(const std::string& id, absl::Time sent,
                                         absl::Time reply,
                                         int follow_ups_before_reply = 0) {
  model::ThreadState t = SentThread(id, sent, follow_ups_before_reply);
  t.first_inbound_time = reply;
  t.last_inbound_time = reply;
  t.first_reply_time = reply;
  t.inbound_count = 1;
  return t;
}

// A thread the contact started at `received`, answered at `answer` unless
// it is InfiniteFuture.
inline model::ThreadState ReceivedThread(
    const std::string& id, absl::Time received,
    absl::Time answer = absl::InfiniteFuture()) {
  model::ThreadState t;
  t.thread_id = id;
  t.contact_id = "c-" + id;
  t.channel = model::Channel::kLinkedinMessage;
  t.first_inbound_time = received;
  t.last_inbound_time = received;
  t.inbound_count = 1;
  if (answer != absl::InfiniteFuture()) {
    t.first_outbound_time = answer;
    t.last_outbound_time = answer;
    t.first_answer_time = answer;
    t.outbound_count = 1;
  }
  return t;
}

inline model::ContactState Contact(const std::string& id,
                                   model::Seniority seniority) {
  model::ContactState c;
  c.contact_id = id;
  c.seniority = seniority;
  return c;
}

// A random member whose activity lies in the `span_days` days ending at
// `as_of` (as_of's day included), with a random level of activity from
// silent to spamming.
class MemberGenerator {
 public:
  explicit MemberGenerator(uint64_t seed) : rng_(seed) {}

  TestMember Next(absl::Time as_of, int span_days = 90) {
    TestMember m;
    RandomProfile(m.profile);
    const int level = Int(0, 4);  // 0 silent ... 4 spamming.
    const int scale = level == 0 ? 0 : (level == 4 ? 20 : level * 2);
    RandomDaily(m.activity, as_of, span_days, scale);
    RandomThreads(m.activity, as_of, span_days, scale);
    RandomContacts(m.activity, as_of, span_days, scale);
    return m;
  }

  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // A time on the day `age` days before as_of's day, not after as_of.
  absl::Time TimeAtAge(absl::Time as_of, int age) {
    const absl::Time day_start =
        absl::FromCivil(DayOf(as_of) - age, absl::UTCTimeZone());
    absl::Time t = day_start + absl::Seconds(Int(0, 86399));
    return t > as_of ? as_of : t;
  }

 private:
  void RandomProfile(model::Profile& p) {
    p.has_photo = Chance(0.6);
    p.has_headline = Chance(0.7);
    p.has_summary = Chance(0.5);
    p.positions_count = Int(0, 6);
    p.positions_with_description_count = Int(0, p.positions_count);
    p.education_count = Int(0, 3);
    p.skills_count = Int(0, 30);
    p.certifications_count = Int(0, 4);
    p.volunteer_roles_count = Int(0, 2);
    p.board_roles_count = Int(0, 1);
    p.recommendations_given_count = Int(0, 5);
    p.recommendations_received_count = Int(0, 5);
    p.connections_count = Int(0, 3000);
  }

  void RandomDaily(model::MemberActivity& a, absl::Time as_of, int span,
                   int scale) {
    const int buckets = scale * Int(0, 12);
    for (int i = 0; i < buckets; ++i) {
      const auto type =
          static_cast<model::EventType>(Int(1, model::kMaxEventType));
      const auto seniority =
          static_cast<model::Seniority>(Int(0, model::kMaxSeniority));
      const int64_t count =
          model::IsCountedEvent(type) ? Int(1, 40) : Int(1, 3);
      a.daily.push_back(
          Bucket(DayOf(as_of) - Int(0, span - 1), type, count, seniority));
    }
  }

  void RandomThreads(model::MemberActivity& a, absl::Time as_of, int span,
                     int scale) {
    const int n = scale * Int(0, 4);
    for (int i = 0; i < n; ++i) {
      const std::string id = absl::StrCat("t", a.threads.size());
      const absl::Time start = TimeAtAge(as_of, Int(0, span - 1));
      const absl::Time later =
          std::min(as_of, start + absl::Hours(Int(1, 24 * 10)));
      if (Chance(0.7)) {
        const int follow_ups = Chance(0.3) ? Int(1, 3) : 0;
        a.threads.push_back(Chance(0.4) && later > start
                                ? AnsweredThread(id, start, later, follow_ups)
                                : SentThread(id, start, follow_ups));
      } else {
        a.threads.push_back(ReceivedThread(
            id, start,
            Chance(0.6) && later > start ? later : absl::InfiniteFuture()));
      }
      a.threads.back().seniority =
          static_cast<model::Seniority>(Int(0, model::kMaxSeniority));
    }
  }

  void RandomContacts(model::MemberActivity& a, absl::Time as_of, int span,
                      int scale) {
    const int n = scale * Int(0, 5);
    for (int i = 0; i < n; ++i) {
      model::ContactState c =
          Contact(absl::StrCat("c", i),
                  static_cast<model::Seniority>(Int(0, model::kMaxSeniority)));
      c.first_time = TimeAtAge(as_of, Int(0, span - 1));
      if (Chance(0.7))
        c.last_outbound_time = TimeAtAge(as_of, Int(0, span - 1));
      if (Chance(0.5)) c.last_inbound_time = TimeAtAge(as_of, Int(0, span - 1));
      if (Chance(0.4)) {
        const int age = Int(0, span - 1);
        c.connection_requested_time = TimeAtAge(as_of, age);
        if (Chance(0.35)) {
          c.connection_accepted_time = TimeAtAge(as_of, Int(0, age));
          if (*c.connection_accepted_time < *c.connection_requested_time) {
            c.connection_accepted_time = c.connection_requested_time;
          }
        }
      }
      a.contacts.push_back(c);
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace rapport::scoring::testutil

#endif  // RAPPORT_TESTS_UNIT_SCORING_TEST_MEMBERS_H_
