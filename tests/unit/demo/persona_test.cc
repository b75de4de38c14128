// The personas must differ in the directions the demo promises, so that a
// demo shows a thought leader on top, a sprayer with a poor reply rate and a
// decliner flagged by the decline alert.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/demo/demo.h"
#include "gtest/gtest.h"

namespace rapport::demo {
namespace {

using rapport::v1::Event;

const absl::Time kEnd = absl::FromUnixSeconds(1717200000);  // 2024-06-01

struct Stats {
  Persona persona = Persona::kAverage;
  int events = 0;
  int posts = 0;
  int messages_sent = 0;  // Including follow-ups.
  int searches_and_views = 0;
  int decision_maker_requests = 0;
  int connection_requests = 0;
  int early_actions = 0;  // Member's own actions before the last 21 days.
  int late_actions = 0;   // In the last 21 days.
  int late_posts = 0;
  std::set<std::string> started, answered;
  // Threads contacts started in the last 21 days, and those the member
  // answered.
  std::set<std::string> late_inbound, late_inbound_answered;
  std::map<std::string, absl::Time> last_sent, last_received;  // By contact.
  double reply_rate() const {
    return started.empty() ? 0 : double(answered.size()) / started.size();
  }
};

bool MemberAction(v1::EventType t) {
  switch (t) {
    case v1::EVENT_TYPE_MESSAGE_RECEIVED:
    case v1::EVENT_TYPE_REACTION_RECEIVED:
    case v1::EVENT_TYPE_COMMENT_RECEIVED:
    case v1::EVENT_TYPE_SHARE_RECEIVED:
    case v1::EVENT_TYPE_CONNECTION_ACCEPTED:
    case v1::EVENT_TYPE_RECOMMENDATION_RECEIVED:
    case v1::EVENT_TYPE_MEETING_BOOKED:
      return false;
    default:
      return true;
  }
}

absl::Time TimeOf(const Event& e) {
  return absl::FromUnixSeconds(e.occur_time().seconds());
}

class PersonaTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    DemoOptions options;
    options.member_count = GetParam();
    options.end_time = kEnd;
    org_ = GenerateDemoOrg(options);
    const absl::Time cut = kEnd - absl::Hours(24 * 21);
    std::set<std::string> threads;
    for (const auto& [id, persona] : org_.persona_by_member) {
      stats_[id].persona = persona;
    }
    for (const Event& e : org_.events) {
      Stats& s = stats_[e.member_id()];
      ++s.events;
      if (MemberAction(e.type()))
        ++(TimeOf(e) > cut ? s.late_actions : s.early_actions);
      const std::string& thread = e.thread_id();
      const std::string& contact = e.contact().contact_id();
      switch (e.type()) {
        case v1::EVENT_TYPE_POST_PUBLISHED:
          ++s.posts;
          if (TimeOf(e) > cut) ++s.late_posts;
          break;
        case v1::EVENT_TYPE_MESSAGE_SENT:
          if (threads.insert(thread).second) s.started.insert(thread);
          if (s.late_inbound.count(thread)) {
            s.late_inbound_answered.insert(thread);
          }
          [[fallthrough]];
        case v1::EVENT_TYPE_FOLLOW_UP_SENT:
          ++s.messages_sent;
          s.last_sent[contact] = TimeOf(e);
          break;
        case v1::EVENT_TYPE_MESSAGE_RECEIVED:
          if (threads.insert(thread).second && TimeOf(e) > cut) {
            s.late_inbound.insert(thread);
          }
          if (s.started.count(thread)) s.answered.insert(thread);
          s.last_received[contact] = TimeOf(e);
          break;
        case v1::EVENT_TYPE_PROSPECT_SEARCH:
        case v1::EVENT_TYPE_PROSPECT_PROFILE_VIEWED:
        case v1::EVENT_TYPE_LEAD_SAVED:
          ++s.searches_and_views;
          break;
        case v1::EVENT_TYPE_CONNECTION_REQUEST_SENT:
          ++s.connection_requests;
          if (e.contact().seniority() == v1::SENIORITY_C_SUITE ||
              e.contact().seniority() == v1::SENIORITY_VP) {
            ++s.decision_maker_requests;
          }
          break;
        default:
          break;
      }
    }
  }

  std::vector<const Stats*> With(Persona p) const {
    std::vector<const Stats*> out;
    for (const auto& [id, s] : stats_) {
      if (s.persona == p) out.push_back(&s);
    }
    return out;
  }
  std::vector<const Stats*> Without(Persona p) const {
    std::vector<const Stats*> out;
    for (const auto& [id, s] : stats_) {
      if (s.persona != p) out.push_back(&s);
    }
    return out;
  }
  const v1::Member& MemberOf(const Stats* s) const {
    for (const auto& m : org_.members) {
      if (&stats_.at(m.member_id()) == s) return m;
    }
    return org_.members.front();
  }

  DemoOrg org_;
  std::map<std::string, Stats> stats_;
};

TEST_P(PersonaTest, FirstSixMembersAreOneOfEachPersona) {
  std::set<Persona> first;
  for (int i = 0; i < kPersonaCount; ++i) {
    first.insert(org_.persona_by_member.at(org_.members[i].member_id()));
  }
  EXPECT_EQ(first.size(), static_cast<size_t>(kPersonaCount));
}

TEST_P(PersonaTest, ThoughtLeaderPublishesMost) {
  for (const Stats* leader : With(Persona::kThoughtLeader)) {
    for (const Stats* other : Without(Persona::kThoughtLeader)) {
      EXPECT_GT(leader->posts, other->posts);
    }
  }
}

TEST_P(PersonaTest, SprayerSendsMostAndIsAnsweredLeast) {
  for (const Stats* sprayer : With(Persona::kSprayer)) {
    EXPECT_LT(sprayer->reply_rate(), 0.08);
    // Against each other persona's pooled reply rate: one average rep can
    // be unlucky, a persona is not.
    for (Persona p : {Persona::kAverage, Persona::kThoughtLeader,
                      Persona::kProspector, Persona::kDecliner}) {
      size_t started = 0, answered = 0;
      for (const Stats* other : With(p)) {
        started += other->started.size();
        answered += other->answered.size();
      }
      if (started > 0) {
        EXPECT_LT(sprayer->reply_rate(), 2.0 * answered / started / 3)
            << PersonaName(p);
      }
    }
    for (const Stats* other : Without(Persona::kSprayer)) {
      EXPECT_GT(sprayer->messages_sent, other->messages_sent);
      // Prospectors and thought leaders aim at decision makers.
      if (other->persona == Persona::kProspector ||
          other->persona == Persona::kThoughtLeader) {
        EXPECT_LT(
            sprayer->decision_maker_requests * 1.0 /
                sprayer->connection_requests,
            other->decision_maker_requests * 1.0 / other->connection_requests);
      }
    }
  }
}

TEST_P(PersonaTest, SilentHasFewestEventsAndSparsestProfile) {
  for (const Stats* silent : With(Persona::kSilent)) {
    const v1::Profile& p = MemberOf(silent).profile();
    EXPECT_FALSE(p.has_photo());
    EXPECT_EQ(p.certifications_count(), 0);
    EXPECT_EQ(p.volunteer_roles_count(), 0);
    EXPECT_LT(silent->events, 40);
    for (const Stats* other : Without(Persona::kSilent)) {
      EXPECT_LT(silent->events, other->events);
      const v1::Profile& q = MemberOf(other).profile();
      EXPECT_LE(p.positions_with_description_count() +
                    p.certifications_count() + p.skills_count(),
                q.positions_with_description_count() +
                    q.certifications_count() + q.skills_count());
    }
  }
}

TEST_P(PersonaTest, DeclinerAlmostStopsInTheLastThreeWeeks) {
  for (const Stats* decliner : With(Persona::kDecliner)) {
    const double early_rate = decliner->early_actions / 69.0;
    const double late_rate = decliner->late_actions / 21.0;
    EXPECT_GT(early_rate, 2.0);
    EXPECT_LT(late_rate, early_rate * 0.15);
    // No more posts; contacts keep writing and go unanswered.
    EXPECT_EQ(decliner->late_posts, 0);
    EXPECT_GE(decliner->late_inbound.size(), 2u);
    EXPECT_TRUE(decliner->late_inbound_answered.empty());
  }
  for (const Stats* other : Without(Persona::kDecliner)) {
    if (other->persona == Persona::kSilent) continue;
    EXPECT_GT(other->late_actions / 21.0, other->early_actions / 69.0 * 0.25);
  }
}

TEST_P(PersonaTest, ProspectorProspectsMostOutsideSprayers) {
  for (const Stats* prospector : With(Persona::kProspector)) {
    for (const Stats* other : Without(Persona::kProspector)) {
      if (other->persona == Persona::kSprayer) continue;
      EXPECT_GT(prospector->searches_and_views, other->searches_and_views);
    }
  }
}

// Cross & Thomas: 12-18 relationships kept up, some gone quiet for 30+ days.
TEST_P(PersonaTest, ThoughtLeaderKeepsACoreNetworkWithSomeGoneQuiet) {
  for (const Stats* leader : With(Persona::kThoughtLeader)) {
    int two_way = 0;
    int gone_quiet = 0;
    for (const auto& [contact, sent] : leader->last_sent) {
      auto received = leader->last_received.find(contact);
      if (received == leader->last_received.end()) continue;
      ++two_way;
      if (std::max(sent, received->second) < kEnd - absl::Hours(24 * 30)) {
        ++gone_quiet;
      }
    }
    EXPECT_GE(two_way, 12);
    EXPECT_GE(gone_quiet, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, PersonaTest, ::testing::Values(12, 60));

}  // namespace
}  // namespace rapport::demo
