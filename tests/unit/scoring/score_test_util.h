// Helpers shared by the Score() tests.
#ifndef RAPPORT_TESTS_UNIT_SCORING_SCORE_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_SCORING_SCORE_TEST_UTIL_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/enums.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring::testutil {

// How many random members each property is checked on.
inline constexpr int kMembers = 400;
// Slack for sums of doubles.
inline constexpr double kEps = 1e-9;

inline const ScoringModel& Default() {
  static const ScoringModel* const model = new ScoringModel(DefaultModel());
  return *model;
}

inline ScoreResult ScoreOf(const TestMember& m, absl::Time as_of = AsOf()) {
  return Score(Default(), m.profile, m.activity, as_of);
}

inline double PillarOf(const ScoreResult& r, model::Pillar p) {
  return r.pillars.at(static_cast<int>(p) - 1).score;
}

// The component `name`; a test failure and an empty one when there is none.
inline const ComponentScore& ComponentOf(const ScoreResult& r,
                                         const std::string& name) {
  for (const PillarScore& p : r.pillars) {
    for (const ComponentScore& c : p.components) {
      if (c.name == name) return c;
    }
  }
  ADD_FAILURE() << "no component " << name;
  static const ComponentScore* const none = new ComponentScore();
  return *none;
}

inline void ShiftTime(std::optional<absl::Time>& t, absl::Duration d) {
  if (t.has_value()) *t -= d;
}

// `m` with every bucket `days` days earlier and every time `days` * 24h
// earlier: the same activity, older.
inline TestMember ShiftedOlder(const TestMember& m, int days) {
  TestMember out = m;
  const absl::Duration d = absl::Hours(24 * days);
  for (model::DailyCount& b : out.activity.daily) b.day -= days;
  for (model::ThreadState& t : out.activity.threads) {
    for (auto* time :
         {&t.first_outbound_time, &t.last_outbound_time, &t.first_inbound_time,
          &t.last_inbound_time, &t.first_reply_time, &t.first_answer_time}) {
      ShiftTime(*time, d);
    }
  }
  for (model::ContactState& c : out.activity.contacts) {
    c.first_time -= d;
    for (auto* time :
         {&c.last_outbound_time, &c.last_inbound_time,
          &c.connection_requested_time, &c.connection_accepted_time,
          &c.met_at_event_time, &c.followed_up_after_event_time}) {
      ShiftTime(*time, d);
    }
  }
  return out;
}

// True for the components whose raw value is a rate.
inline bool IsRate(const std::string& name) {
  return name == "acceptance_rate" || name == "reply_rate" ||
         name == "reciprocity";
}

}  // namespace rapport::scoring::testutil

#endif  // RAPPORT_TESTS_UNIT_SCORING_SCORE_TEST_UTIL_H_
