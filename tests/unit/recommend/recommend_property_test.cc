// Properties of Recommend() over seeded random members: every stated gain
// is what re-scoring the applied action gives; nothing recommended is
// already done; the list is ranked by gain and the same input gives the
// same list.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/recommend/action.h"
#include "server/recommend/recommend.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/recommend/recommend_members.h"

namespace rapport::recommend {
namespace {

using testutil::AsOf;
using testutil::RecommendMemberGenerator;
using testutil::TestMember;

constexpr int kMembers = 300;
constexpr double kEps = 1e-9;

const scoring::ScoringModel& Model() {
  static const scoring::ScoringModel* const m =
      new scoring::ScoringModel(scoring::DefaultModel());
  return *m;
}

RecommendOptions All() {
  RecommendOptions o;
  o.max_results = 100;
  return o;
}

// Every member of the run with their full list; team rates vary so that the
// comparison with the team is exercised both ways.
struct Case {
  TestMember member;
  RecommendOptions options;
  Recommendations result;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case>* const cases = [] {
    auto* out = new std::vector<Case>();
    RecommendMemberGenerator gen(20260331);
    for (int i = 0; i < kMembers; ++i) {
      Case c{gen.Next(), All(), {}};
      if (i % 3 == 1) c.options.team_reply_rate = 0.12;
      if (i % 3 == 2) c.options.team_reply_rate = 0.02;
      c.result = Recommend(Model(), c.member.profile, c.member.activity, AsOf(),
                           c.options);
      out->push_back(std::move(c));
    }
    return out;
  }();
  return *cases;
}

const model::ThreadState* ThreadOf(const model::MemberActivity& a,
                                   const std::string& id) {
  for (const auto& t : a.threads) {
    if (t.thread_id == id) return &t;
  }
  return nullptr;
}

const model::ContactState* ContactOf(const model::MemberActivity& a,
                                     const std::string& id) {
  for (const auto& c : a.contacts) {
    if (c.contact_id == id) return &c;
  }
  return nullptr;
}

absl::Time WindowStart() {
  return absl::FromCivil(
      scoring::testutil::DayOf(AsOf()) - (Model().window_days - 1),
      absl::UTCTimeZone());
}

bool InWindow(const std::optional<absl::Time>& t) {
  return t.has_value() && *t >= WindowStart() && *t <= AsOf();
}

bool Answered(const model::ThreadState& t) {
  return t.first_reply_time.has_value() && *t.first_reply_time <= AsOf();
}

// What each kind needs to be true of the member's data for its action not to
// be done already, checked from the data and not from the engine.
void ExpectNotDone(const TestMember& m, const Recommendation& r) {
  const model::Profile& p = m.profile;
  const model::MemberActivity& a = m.activity;
  const auto& brand = Model().professional_brand;
  SCOPED_TRACE(r.title);
  switch (r.kind) {
    case Kind::kAddPhoto:
      EXPECT_FALSE(p.has_photo);
      break;
    case Kind::kAddCertifications:
      EXPECT_LT(p.certifications_count, brand.certifications.target);
      EXPECT_GE(p.certifications_count + r.action.profile.add_certifications,
                brand.certifications.target);
      break;
    case Kind::kAddVolunteerOrBoardRole:
      EXPECT_LT(p.volunteer_roles_count + p.board_roles_count,
                brand.volunteer_board.target);
      break;
    case Kind::kDescribePositions:
      EXPECT_LT(p.positions_with_description_count,
                brand.positions_described.target);
      EXPECT_TRUE(p.positions_count == 0 ||
                  p.positions_with_description_count < p.positions_count);
      EXPECT_LE(p.positions_with_description_count +
                    r.action.profile.add_described_positions,
                p.positions_count + r.action.profile.add_positions);
      break;
    case Kind::kAddEducation:
      EXPECT_LT(p.education_count, brand.education.target);
      break;
    case Kind::kFollowUpThreads:
      ASSERT_FALSE(r.targets.empty());
      for (const Target& t : r.targets) {
        const model::ThreadState* thread = ThreadOf(a, t.thread_id);
        ASSERT_NE(thread, nullptr) << t.thread_id;
        EXPECT_TRUE(thread->member_started());
        EXPECT_FALSE(Answered(*thread));
        EXPECT_GE(AsOf() - *thread->last_outbound_time, absl::Hours(24 * 5));
      }
      break;
    case Kind::kFollowUpEventContacts:
      ASSERT_FALSE(r.targets.empty());
      for (const Target& t : r.targets) {
        const model::ContactState* c = ContactOf(a, t.contact_id);
        ASSERT_NE(c, nullptr) << t.contact_id;
        ASSERT_TRUE(c->met_at_event_time.has_value());
        EXPECT_LE(AsOf() - *c->met_at_event_time, absl::Hours(24 * 14));
        EXPECT_FALSE(c->followed_up_after_event_time.has_value());
        EXPECT_EQ(t.due_time, *c->met_at_event_time + absl::Hours(48));
      }
      break;
    case Kind::kReconnect:
      ASSERT_FALSE(r.targets.empty());
      for (const Target& t : r.targets) {
        const model::ContactState* c = ContactOf(a, t.contact_id);
        ASSERT_NE(c, nullptr) << t.contact_id;
        EXPECT_TRUE(InWindow(c->last_outbound_time));
        EXPECT_TRUE(InWindow(c->last_inbound_time));
        EXPECT_GE(
            AsOf() - std::max(*c->last_outbound_time, *c->last_inbound_time),
            absl::Hours(24 * 30));
        ASSERT_TRUE(t.due_time.has_value());
        EXPECT_GT(*t.due_time, AsOf());
      }
      break;
    case Kind::kFillNetworkCategories:
    case Kind::kShapeCoreNetwork:
      ASSERT_FALSE(r.targets.empty());
      for (const Target& t : r.targets) {
        const model::ContactState* c = ContactOf(a, t.contact_id);
        ASSERT_NE(c, nullptr) << t.contact_id;
        EXPECT_TRUE(InWindow(c->last_inbound_time));
        EXPECT_FALSE(InWindow(c->last_outbound_time));
      }
      break;
    case Kind::kConnectDecisionMakers:
      for (const Target& t : r.targets) {
        const model::ContactState* c = ContactOf(a, t.contact_id);
        ASSERT_NE(c, nullptr) << t.contact_id;
        EXPECT_FALSE(c->connection_requested_time.has_value());
        EXPECT_FALSE(c->last_outbound_time.has_value());
      }
      break;
    case Kind::kSlowDownOutreach:
      ASSERT_FALSE(r.action.withdrawn_threads.empty());
      for (const std::string& id : r.action.withdrawn_threads) {
        const model::ThreadState* thread = ThreadOf(a, id);
        ASSERT_NE(thread, nullptr) << id;
        EXPECT_TRUE(thread->member_started());
        EXPECT_FALSE(Answered(*thread));
        EXPECT_TRUE(InWindow(thread->first_outbound_time));
        EXPECT_NE(thread->seniority, model::Seniority::kCSuite);
        EXPECT_NE(thread->seniority, model::Seniority::kVp);
        EXPECT_NE(thread->seniority, model::Seniority::kDirector);
      }
      break;
    default:
      break;
  }
}

TEST(RecommendPropertyTest, NothingRecommendedIsAlreadyDone) {
  for (const Case& c : Cases()) {
    for (const Recommendation& r : c.result.recommendations) {
      ExpectNotDone(c.member, r);
    }
  }
}

// Applying a recommendation's action makes it done: recommending again
// never repeats a profile gap that was filled, nor a thread, event contact
// or quiet contact that was acted on.
TEST(RecommendPropertyTest, AppliedActionsAreNotRecommendedAgain) {
  int checked = 0;
  for (const Case& c : Cases()) {
    for (const Recommendation& r : c.result.recommendations) {
      if (r.kind == Kind::kSlowDownOutreach ||
          r.kind == Kind::kConnectDecisionMakers) {
        continue;  // Repeatable: there is always someone else.
      }
      model::Profile profile = c.member.profile;
      model::MemberActivity activity = c.member.activity;
      Apply(r.action, AsOf(), profile, activity);
      const Recommendations again =
          Recommend(Model(), profile, activity, AsOf(), c.options);
      for (const Recommendation& next : again.recommendations) {
        if (next.kind != r.kind) continue;
        for (const Target& t : next.targets) {
          EXPECT_EQ(std::find(r.targets.begin(), r.targets.end(), t),
                    r.targets.end())
              << r.title << " / " << t.contact_id << " " << t.thread_id;
        }
        const bool profile_kind = r.kind <= Kind::kAddEducation;
        EXPECT_FALSE(profile_kind) << r.title << " recommended again";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
}

// One way a recommended action turns out, enumerated here from the
// action's probabilities and expected counts as docs/recommendations.md
// defines them, without the engine's enumeration: every message answered or
// not and every request accepted or not, independently at its own
// probability (all 2^n combinations, those of probability 0 dropped), and
// each expected count x as floor(x) or floor(x) + 1 with probabilities
// 1 - frac(x) and frac(x).
struct Way {
  double probability;
  Outcome outcome;
};

std::vector<Way> AllWays(const Action& a) {
  const size_t m = a.messages.size();
  const size_t n = m + a.connections.size();
  EXPECT_LE(n, 20u);
  std::vector<Way> ways;
  for (uint64_t mask = 0; mask < (uint64_t{1} << n); ++mask) {
    Way w{1.0, {}};
    w.outcome.answered.resize(m);
    w.outcome.accepted.resize(a.connections.size());
    for (size_t i = 0; i < n; ++i) {
      const double p = i < m ? a.messages[i].answer_probability
                             : a.connections[i - m].acceptance_probability;
      const bool yes = (mask >> i) & 1;
      w.probability *= yes ? p : 1 - p;
      if (i < m) {
        w.outcome.answered[i] = yes;
      } else {
        w.outcome.accepted[i - m] = yes;
      }
    }
    if (w.probability > 0) ways.push_back(std::move(w));
  }
  for (const ExpectedEventEdit& e : a.expected_events) {
    const double low = std::floor(e.expected);
    const double up = e.expected - low;
    std::vector<Way> next;
    for (const Way& w : ways) {
      for (int extra = 0; extra <= 1; ++extra) {
        Way v = w;
        v.probability *= extra == 1 ? up : 1 - up;
        v.outcome.event_counts.push_back(static_cast<int64_t>(low) + extra);
        if (v.probability > 0) next.push_back(std::move(v));
      }
    }
    ways = std::move(next);
  }
  return ways;
}

// The expected change of the total (index 0) and of each pillar (1..4).
std::array<double, 5> ExpectedChange(const TestMember& m, const Action& a,
                                     const scoring::ScoreResult& now) {
  std::array<double, 5> change{};
  double total_probability = 0;
  for (const Way& w : AllWays(a)) {
    model::Profile profile = m.profile;
    model::MemberActivity activity = m.activity;
    Apply(a, w.outcome, AsOf(), profile, activity);
    const scoring::ScoreResult after =
        scoring::Score(Model(), profile, activity, AsOf());
    change[0] += w.probability * (after.total - now.total);
    for (int p = 0; p < 4; ++p) {
      change[p + 1] +=
          w.probability * (after.pillars[p].score - now.pillars[p].score);
    }
    total_probability += w.probability;
  }
  EXPECT_NEAR(total_probability, 1, 1e-12);
  return change;
}

TEST(RecommendPropertyTest, StatedGainIsTheMeanOverEveryOutcomeReScored) {
  int checked = 0;
  int uncertain = 0;
  for (const Case& c : Cases()) {
    const scoring::ScoreResult now =
        scoring::Score(Model(), c.member.profile, c.member.activity, AsOf());
    EXPECT_NEAR(c.result.current_total, now.total, kEps);
    EXPECT_EQ(c.result.model_version, Model().version);
    for (const Recommendation& r : c.result.recommendations) {
      const std::array<double, 5> change =
          ExpectedChange(c.member, r.action, now);
      EXPECT_NEAR(change[0], r.expected_gain, kEps) << r.title;
      if (AllWays(r.action).size() > 1) ++uncertain;
      // The pillar named is the one whose expected gain is largest.
      if (r.expected_gain > 0) {
        const int i = static_cast<int>(r.pillar);
        ASSERT_GE(i, 1) << r.title;
        for (int p = 1; p <= 4; ++p) {
          EXPECT_GE(change[i] + kEps, change[p]) << r.title;
        }
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, kMembers);  // Not vacuous.
  EXPECT_GT(uncertain, kMembers / 4);
}

// Over the generated members (and their variants with the gaps filled),
// nothing listed is an expected loss, urgent or not.
TEST(RecommendPropertyTest, NoRecommendationHasANegativeGain) {
  int checked = 0;
  for (const Case& c : Cases()) {
    for (const Recommendation& r : c.result.recommendations) {
      EXPECT_GE(r.expected_gain, 0) << r.title;
      ++checked;
    }
  }
  RecommendMemberGenerator gen(77);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next();
    RecommendOptions o = All();
    o.team_reply_rate = 0.01 * (i % 40);
    for (const Recommendation& r :
         Recommend(Model(), m.profile, m.activity, AsOf(), o).recommendations) {
      EXPECT_GE(r.expected_gain, 0) << r.title;
      ++checked;
    }
  }
  EXPECT_GT(checked, 2 * kMembers);
}

// Posts expect what the member's own posts drew per post over the window,
// uncapped: reactions, comments and shares received over posts published,
// times the posts recommended.
TEST(RecommendPropertyTest, PostsExpectTheMembersOwnRatesPerPost) {
  int checked = 0;
  const absl::CivilDay last = scoring::testutil::DayOf(AsOf());
  const absl::CivilDay first = last - (Model().window_days - 1);
  for (const Case& c : Cases()) {
    for (const Recommendation& r : c.result.recommendations) {
      if (r.kind != Kind::kPublish) continue;
      std::array<int64_t, model::kMaxEventType + 1> n{};
      for (const model::DailyCount& d : c.member.activity.daily) {
        if (d.day >= first && d.day <= last && d.count > 0) {
          n[static_cast<int>(d.type)] += d.count;
        }
      }
      const int64_t posts =
          n[static_cast<int>(model::EventType::kPostPublished)];
      ASSERT_EQ(r.action.events.size(), 1u);
      const int published = r.action.events[0].count;
      double reactions = 0;
      for (const ExpectedEventEdit& e : r.action.expected_events) {
        ASSERT_GT(posts, 0) << r.title;
        EXPECT_NEAR(e.expected,
                    static_cast<double>(published) *
                        static_cast<double>(n[static_cast<int>(e.type)]) /
                        static_cast<double>(posts),
                    1e-9);
        if (e.type == model::EventType::kReactionReceived) {
          reactions = e.expected;
        }
      }
      for (model::EventType t : {model::EventType::kReactionReceived,
                                 model::EventType::kCommentReceived,
                                 model::EventType::kShareReceived}) {
        const bool listed = std::any_of(
            r.action.expected_events.begin(), r.action.expected_events.end(),
            [&](const ExpectedEventEdit& e) { return e.type == t; });
        EXPECT_EQ(listed, posts > 0 && n[static_cast<int>(t)] > 0);
      }
      if (reactions > published) ++checked;  // More than one per post.
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(RecommendPropertyTest, EveryKindIsExercised) {
  std::array<int, kMaxKind + 1> seen{};
  for (const Case& c : Cases()) {
    for (const Recommendation& r : c.result.recommendations) {
      ++seen[static_cast<int>(r.kind)];
    }
  }
  for (int k = 1; k <= kMaxKind; ++k) {
    EXPECT_GT(seen[k], 0) << "kind " << k << " never recommended";
  }
}

TEST(RecommendPropertyTest, RankedByGainThenKind) {
  for (const Case& c : Cases()) {
    const auto& list = c.result.recommendations;
    for (size_t i = 1; i < list.size(); ++i) {
      EXPECT_GE(list[i - 1].expected_gain, list[i].expected_gain);
      if (list[i - 1].expected_gain == list[i].expected_gain) {
        EXPECT_LE(list[i - 1].kind, list[i].kind);
      }
    }
  }
}

TEST(RecommendPropertyTest, SameInputSameList) {
  for (const Case& c : Cases()) {
    EXPECT_EQ(Recommend(Model(), c.member.profile, c.member.activity, AsOf(),
                        c.options),
              c.result);
  }
}

TEST(RecommendPropertyTest, MaxResultsKeepsTheBestOnes) {
  for (const Case& c : Cases()) {
    RecommendOptions three = c.options;
    three.max_results = 3;
    const Recommendations top =
        Recommend(Model(), c.member.profile, c.member.activity, AsOf(), three);
    const auto& all = c.result.recommendations;
    ASSERT_EQ(top.recommendations.size(), std::min<size_t>(3, all.size()));
    for (size_t i = 0; i < top.recommendations.size(); ++i) {
      EXPECT_EQ(top.recommendations[i], all[i]);
    }
  }
}

TEST(RecommendPropertyTest, OnlyUrgentKindsMayGainNothing) {
  const double min_gain = RecommendOptions().min_gain;
  for (const Case& c : Cases()) {
    for (const Recommendation& r : c.result.recommendations) {
      if (IsUrgentKind(r.kind)) continue;
      EXPECT_GT(r.expected_gain, min_gain) << r.title;
    }
  }
}

}  // namespace
}  // namespace rapport::recommend
