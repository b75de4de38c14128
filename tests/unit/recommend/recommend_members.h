// Members for the recommendation tests: the scoring tests' seeded random
// members, with what recommendations also read: contact categories, people
// met at events (followed up or not), and threads whose contact is one of
// the member's contacts, kept consistent with it.
#ifndef RAPPORT_TESTS_UNIT_RECOMMEND_RECOMMEND_MEMBERS_H_
#define RAPPORT_TESTS_UNIT_RECOMMEND_RECOMMEND_MEMBERS_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::recommend::testutil {

using scoring::testutil::AsOf;
using scoring::testutil::TestMember;

inline void Later(std::optional<absl::Time>& field,
                  const std::optional<absl::Time>& t) {
  if (t.has_value() && (!field.has_value() || *t > *field)) field = t;
}

class RecommendMemberGenerator {
 public:
  explicit RecommendMemberGenerator(uint64_t seed) : base_(seed) {}

  TestMember Next(absl::Time as_of = AsOf()) {
    TestMember m = base_.Next(as_of);
    model::MemberActivity& a = m.activity;
    for (model::ContactState& c : a.contacts) {
      if (base_.Chance(0.7)) {
        c.category = static_cast<model::NetworkCategory>(
            base_.Int(1, model::kMaxNetworkCategory));
      }
      if (base_.Chance(0.15)) {
        c.met_at_event_time = base_.TimeAtAge(as_of, base_.Int(0, 20));
        if (base_.Chance(0.4)) {
          c.followed_up_after_event_time = std::min(
              as_of, *c.met_at_event_time + absl::Hours(base_.Int(1, 72)));
          Later(c.last_outbound_time, c.followed_up_after_event_time);
        }
      }
    }
    // Half the threads are with one of the member's contacts, whose times
    // then include the thread's.
    for (model::ThreadState& t : a.threads) {
      if (a.contacts.empty() || !base_.Chance(0.5)) continue;
      model::ContactState& c =
          a.contacts[base_.Int(0, static_cast<int>(a.contacts.size()) - 1)];
      t.contact_id = c.contact_id;
      t.seniority = c.seniority;
      t.category = c.category;
      Later(c.last_outbound_time, t.last_outbound_time);
      Later(c.last_inbound_time, t.last_inbound_time);
    }
    // Now and then a sprayer: a burst of cold first messages in the last
    // 30 days, nearly all unanswered.
    if (base_.Chance(0.1)) {
      const int n = base_.Int(25, 60);
      for (int i = 0; i < n; ++i) {
        model::ThreadState t = scoring::testutil::SentThread(
            "spray" + std::to_string(i),
            base_.TimeAtAge(as_of, base_.Int(0, 29)));
        t.seniority = base_.Chance(0.8)
                          ? model::Seniority::kIndividualContributor
                          : model::Seniority::kUnknown;
        a.threads.push_back(t);
      }
    }
    return m;
  }

 private:
  scoring::testutil::MemberGenerator base_;
};

}  // namespace rapport::recommend::testutil

#endif  // RAPPORT_TESTS_UNIT_RECOMMEND_RECOMMEND_MEMBERS_H_
