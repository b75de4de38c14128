// Recommend() on hand-made members, one situation per kind: which action is
// offered, at what size, naming whom, and gains derived by hand from the
// model's formulas (docs/scoring.md) rather than from the engine.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/recommend/action.h"
#include "server/recommend/recommend.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::recommend {
namespace {

using scoring::testutil::Ago;
using scoring::testutil::AnsweredThread;
using scoring::testutil::AsOf;
using scoring::testutil::DayOf;
using scoring::testutil::ReceivedThread;
using scoring::testutil::SentThread;

const scoring::ScoringModel& Model() {
  static const scoring::ScoringModel* const m =
      new scoring::ScoringModel(scoring::DefaultModel());
  return *m;
}

// docs/scoring.md: points = max * sat(raw / target).
double Points(double raw, const scoring::ComponentModel& m) {
  const double c = Model().curvature;
  const double x = std::min(raw / m.target, 1.0);
  return m.max_points * (1 - std::exp(-c * x)) / (1 - std::exp(-c));
}

Recommendations RecommendAll(const model::Profile& p,
                             const model::MemberActivity& a,
                             RecommendOptions options = {}) {
  options.max_results = 100;
  return Recommend(Model(), p, a, AsOf(), options);
}

// A copy: callers pass temporaries.
std::optional<Recommendation> Find(const Recommendations& r, Kind kind) {
  for (const Recommendation& rec : r.recommendations) {
    if (rec.kind == kind) return rec;
  }
  return std::nullopt;
}

std::vector<std::string> ThreadIds(const Recommendation& r) {
  std::vector<std::string> out;
  for (const Target& t : r.targets) out.push_back(t.thread_id);
  return out;
}

std::vector<std::string> ContactIds(const Recommendation& r) {
  std::vector<std::string> out;
  for (const Target& t : r.targets) out.push_back(t.contact_id);
  return out;
}

TEST(RecommendKindsTest, EmptyProfileGainsAreTheComponentsPoints) {
  const Recommendations r = RecommendAll({}, {});
  const auto& brand = Model().professional_brand;
  const std::optional<Recommendation> photo = Find(r, Kind::kAddPhoto);
  ASSERT_TRUE(photo.has_value());
  EXPECT_NEAR(photo->expected_gain, brand.profile_photo.max_points, 1e-9);
  EXPECT_EQ(photo->pillar, model::Pillar::kProfessionalBrand);
  const std::optional<Recommendation> certs = Find(r, Kind::kAddCertifications);
  ASSERT_TRUE(certs.has_value());
  EXPECT_EQ(certs->title, "Add 2 certifications or courses");
  EXPECT_NEAR(certs->expected_gain, brand.certifications.max_points, 1e-9);
  const std::optional<Recommendation> positions =
      Find(r, Kind::kDescribePositions);
  ASSERT_TRUE(positions.has_value());
  EXPECT_NEAR(positions->expected_gain, Points(1, brand.positions_described),
              1e-9);
  const std::optional<Recommendation> education = Find(r, Kind::kAddEducation);
  ASSERT_TRUE(education.has_value());
  EXPECT_NEAR(education->expected_gain, brand.education.max_points, 1e-9);
  // Nothing to follow up, reconnect or slow down.
  for (Kind k : {Kind::kFollowUpThreads, Kind::kFollowUpEventContacts,
                 Kind::kReconnect, Kind::kSlowDownOutreach,
                 Kind::kFillNetworkCategories, Kind::kShapeCoreNetwork}) {
    EXPECT_FALSE(Find(r, k).has_value()) << static_cast<int>(k);
  }
}

TEST(RecommendKindsTest, CompleteProfileGetsNoProfileAction) {
  model::Profile p;
  p.has_photo = p.has_headline = p.has_summary = true;
  p.positions_count = p.positions_with_description_count = 3;
  p.education_count = 1;
  p.certifications_count = 2;
  p.volunteer_roles_count = 1;
  p.board_roles_count = 1;
  const Recommendations r = RecommendAll(p, {});
  for (const Recommendation& rec : r.recommendations) {
    EXPECT_GT(rec.kind, Kind::kAddEducation) << rec.title;
  }
  // Positions all described but fewer than the target: nothing to describe.
  p.positions_count = p.positions_with_description_count = 2;
  EXPECT_FALSE(Find(RecommendAll(p, {}), Kind::kDescribePositions).has_value());
  p.positions_count = 4;
  const std::optional<Recommendation> describe =
      Find(RecommendAll(p, {}), Kind::kDescribePositions);
  ASSERT_TRUE(describe.has_value());
  EXPECT_EQ(describe->action.profile.add_described_positions, 1);
}

TEST(RecommendKindsTest, FollowUpsNameTheMostSeniorThenOldestThreads) {
  model::MemberActivity a;
  const model::Seniority kSeniorities[] = {
      model::Seniority::kIndividualContributor,
      model::Seniority::kCSuite,
      model::Seniority::kDirector,
      model::Seniority::kUnknown,
      model::Seniority::kDirector,
      model::Seniority::kManager,
      model::Seniority::kVp};
  for (int i = 0; i < 7; ++i) {
    a.threads.push_back(SentThread(absl::StrCat("t", i), Ago(AsOf(), 6 + i)));
    a.threads.back().seniority = kSeniorities[i];
  }
  // Too recent to be unanswered, followed up twice already, answered.
  a.threads.push_back(SentThread("fresh", Ago(AsOf(), 2)));
  a.threads.push_back(SentThread("nagged", Ago(AsOf(), 20), 2));
  a.threads.push_back(AnsweredThread("ok", Ago(AsOf(), 20), Ago(AsOf(), 19)));
  const std::optional<Recommendation> f =
      Find(RecommendAll({}, a), Kind::kFollowUpThreads);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->title, "Follow up these 5 unanswered threads");
  // C-suite, VP, the two directors oldest first, then the manager.
  EXPECT_EQ(ThreadIds(*f),
            (std::vector<std::string>{"t1", "t6", "t4", "t2", "t5"}));
  EXPECT_NE(f->rationale.find("7 of your 10 threads"), std::string::npos)
      << f->rationale;
}

// P(K = k), K ~ Binomial(n, p), from the textbook formula.
double Binomial(int n, int k, double p) {
  double choose = 1;
  for (int i = 0; i < k; ++i) choose = choose * (n - i) / (i + 1);
  return choose * std::pow(p, k) * std::pow(1 - p, n - k);
}

// The gain of `r` had the first `k` of its messages been answered and
// `counts` of its expected events come.
double GainWith(const model::Profile& p, const model::MemberActivity& a,
                const Recommendation& r, int k,
                std::vector<int64_t> counts = {}) {
  Outcome o;
  o.answered.assign(r.action.messages.size(), false);
  for (int i = 0; i < k; ++i) o.answered[i] = true;
  o.event_counts = std::move(counts);
  model::Profile profile = p;
  model::MemberActivity activity = a;
  Apply(r.action, o, AsOf(), profile, activity);
  return scoring::Score(Model(), profile, activity, AsOf()).total -
         scoring::Score(Model(), p, a, AsOf()).total;
}

// Threads to different new contacts, all started in the window: who answers
// makes no difference, so the gain is the binomial mean over how many do.
TEST(RecommendKindsTest, FollowUpGainIsTheBinomialMeanAtTheShrunkReplyRate) {
  model::MemberActivity a;
  for (int i = 0; i < 10; ++i) {
    a.threads.push_back(
        AnsweredThread(absl::StrCat("a", i), Ago(AsOf(), 40), Ago(AsOf(), 39)));
    a.threads.push_back(SentThread(absl::StrCat("u", i), Ago(AsOf(), 10)));
  }
  // docs/scoring.md: min(10/20, (10 + 5 * 0.3) / (20 + 5)) = 0.46.
  const auto& m = Model().build_relationships.reply_rate;
  const double rate = std::min(
      0.5, (10 + m.prior_samples * m.prior_rate) / (20 + m.prior_samples));
  const std::optional<Recommendation> f =
      Find(RecommendAll({}, a), Kind::kFollowUpThreads);
  ASSERT_TRUE(f.has_value());
  ASSERT_EQ(f->action.messages.size(), 5u);
  for (const MessageEdit& e : f->action.messages) {
    EXPECT_NEAR(e.answer_probability, rate, 1e-12);
  }
  double expected = 0;
  for (int k = 0; k <= 5; ++k) {
    expected += Binomial(5, k, rate) * GainWith({}, a, *f, k);
  }
  EXPECT_NEAR(f->expected_gain, expected, 1e-9);
  EXPECT_GT(f->expected_gain, GainWith({}, a, *f, 0));
  EXPECT_NE(f->rationale.find("at your reply rate of 46%, expect 2.3 answers"),
            std::string::npos)
      << f->rationale;
}

// A sprayer: 1 reply to 41 threads, a 2% reply rate. round(5 * 0.024) is 0
// answers, yet the expected gain counts the chance of each: strictly more
// than the follow-ups alone earn, and strictly positive.
TEST(RecommendKindsTest, SprayerFollowUpsHaveAPositiveExpectedGain) {
  model::MemberActivity a;
  for (int i = 0; i < 40; ++i) {
    a.threads.push_back(
        SentThread(absl::StrCat("s", i), Ago(AsOf(), 6 + i % 20)));
    a.threads.back().seniority = model::Seniority::kIndividualContributor;
  }
  a.threads.push_back(AnsweredThread("r", Ago(AsOf(), 10), Ago(AsOf(), 9)));
  const double rate = 1.0 / 41;
  const std::optional<Recommendation> f =
      Find(RecommendAll({}, a), Kind::kFollowUpThreads);
  ASSERT_TRUE(f.has_value());
  ASSERT_EQ(f->action.messages.size(), 5u);
  EXPECT_NEAR(f->action.messages[0].answer_probability, rate, 1e-12);
  EXPECT_EQ(std::lround(5 * rate), 0);
  double expected = 0;
  for (int k = 0; k <= 5; ++k) {
    expected += Binomial(5, k, rate) * GainWith({}, a, *f, k);
  }
  EXPECT_NEAR(f->expected_gain, expected, 1e-9);
  EXPECT_GT(f->expected_gain, 0);
  EXPECT_GT(f->expected_gain, GainWith({}, a, *f, 0) + 1e-6);
  EXPECT_NE(f->rationale.find("expect 0.1 answers on average"),
            std::string::npos)
      << f->rationale;
}

// 11 posts drew 116 reactions, 7 comments and no share over the window
// (posts not full: the latest is 15 days old):
// each recommended post expects 116 / 11 = 10.5 reactions and 7 / 11
// comments, and the gain is the mean over the two nearest whole counts.
TEST(RecommendKindsTest, PostsExpectTheMembersOwnEngagementPerPost) {
  model::MemberActivity a;
  for (int i = 0; i < 11; ++i) {
    a.daily.push_back(scoring::testutil::Bucket(
        DayOf(Ago(AsOf(), 15 + 7 * i)), model::EventType::kPostPublished, 1));
    a.daily.push_back(scoring::testutil::Bucket(
        DayOf(Ago(AsOf(), 14 + 7 * i)), model::EventType::kReactionReceived,
        i < 6 ? 11 : 10));  // 66 + 50 = 116.
  }
  a.daily.push_back(scoring::testutil::Bucket(
      DayOf(Ago(AsOf(), 30)), model::EventType::kCommentReceived, 7));
  // Older than the window: not the member's rate.
  a.daily.push_back(scoring::testutil::Bucket(
      DayOf(Ago(AsOf(), 120)), model::EventType::kShareReceived, 9));
  const std::optional<Recommendation> p =
      Find(RecommendAll({}, a), Kind::kPublish);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->title, "Publish 2 posts this week");
  ASSERT_EQ(p->action.events.size(), 1u);
  EXPECT_EQ(p->action.events[0].count, 2);
  ASSERT_EQ(p->action.expected_events.size(), 2u);
  EXPECT_EQ(p->action.expected_events[0].type,
            model::EventType::kReactionReceived);
  EXPECT_NEAR(p->action.expected_events[0].expected / 2, 116.0 / 11, 1e-12);
  EXPECT_NEAR(p->action.expected_events[0].expected / 2, 10.5, 0.05);
  EXPECT_EQ(p->action.expected_events[1].type,
            model::EventType::kCommentReceived);
  EXPECT_NEAR(p->action.expected_events[1].expected, 2 * 7.0 / 11, 1e-12);
  EXPECT_NE(p->rationale.find("about 21.1 reactions, 1.3 comments"),
            std::string::npos)
      << p->rationale;
  // 21.09 reactions: 21 or 22; 1.27 comments: 1 or 2.
  const double r = 2 * 116.0 / 11 - 21;
  const double c = 2 * 7.0 / 11 - 1;
  const double expected = (1 - r) * (1 - c) * GainWith({}, a, *p, 0, {21, 1}) +
                          (1 - r) * c * GainWith({}, a, *p, 0, {21, 2}) +
                          r * (1 - c) * GainWith({}, a, *p, 0, {22, 1}) +
                          r * c * GainWith({}, a, *p, 0, {22, 2});
  EXPECT_NEAR(p->expected_gain, expected, 1e-9);
  // Far more than the posts alone, or than one reaction per post.
  EXPECT_GT(p->expected_gain, GainWith({}, a, *p, 0, {2, 1}) + 0.1);
}

TEST(RecommendKindsTest, EventContactsWhoseWindowIsOpenOrPassed) {
  model::MemberActivity a;
  auto met = [&](const std::string& id, absl::Time when) {
    model::ContactState c;
    c.contact_id = id;
    c.met_at_event_time = when;
    a.contacts.push_back(c);
    return &a.contacts.back();
  };
  met("open", Ago(AsOf(), 1));
  met("passed", Ago(AsOf(), 5));
  met("long-ago", Ago(AsOf(), 20));
  a.contacts.reserve(8);
  model::ContactState* done = met("done", Ago(AsOf(), 3));
  done->followed_up_after_event_time = Ago(AsOf(), 2);
  const std::optional<Recommendation> e =
      Find(RecommendAll({}, a), Kind::kFollowUpEventContacts);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(ContactIds(*e), (std::vector<std::string>{"passed", "open"}));
  EXPECT_EQ(e->targets[0].due_time, Ago(AsOf(), 3));
  EXPECT_EQ(e->targets[1].due_time, Ago(AsOf(), -1));
  EXPECT_NE(e->rationale.find("1 still open, 1 passed"), std::string::npos)
      << e->rationale;
}

TEST(RecommendKindsTest, ReconnectWithQuietCoreContactsBeforeTheyDropOut) {
  model::MemberActivity a;
  auto core = [&](const std::string& id, int out_days, int in_days) {
    model::ContactState c;
    c.contact_id = id;
    c.last_outbound_time = Ago(AsOf(), out_days);
    c.last_inbound_time = Ago(AsOf(), in_days);
    a.contacts.push_back(c);
    model::ThreadState t = AnsweredThread(
        absl::StrCat("t-", id), Ago(AsOf(), out_days), Ago(AsOf(), in_days));
    t.contact_id = id;
    a.threads.push_back(t);
  };
  core("quiet", 60, 45);
  core("active", 6, 5);
  const std::optional<Recommendation> r =
      Find(RecommendAll({}, a), Kind::kReconnect);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ContactIds(*r), std::vector<std::string>{"quiet"});
  // Leaves the window when its older message (60 days ago) is 90 days old.
  EXPECT_EQ(r->targets[0].due_time,
            absl::FromCivil(DayOf(Ago(AsOf(), 60)) + 90, absl::UTCTimeZone()));
  // Written in the existing thread: no new thread against the reply rate.
  ASSERT_EQ(r->action.messages.size(), 1u);
  EXPECT_EQ(r->action.messages[0].thread_id, "t-quiet");
}

TEST(RecommendKindsTest, SlowDownOnlyFarBelowTheTeam) {
  model::MemberActivity a;
  for (int i = 0; i < 40; ++i) {
    a.threads.push_back(SentThread(absl::StrCat("s", i), Ago(AsOf(), i % 25)));
    a.threads.back().seniority = i % 4 == 0
                                     ? model::Seniority::kDirector
                                     : model::Seniority::kIndividualContributor;
  }
  a.threads.push_back(AnsweredThread("r", Ago(AsOf(), 10), Ago(AsOf(), 9)));
  RecommendOptions team;
  team.team_reply_rate = 0.2;
  const std::optional<Recommendation> s =
      Find(RecommendAll({}, a, team), Kind::kSlowDownOutreach);
  ASSERT_TRUE(s.has_value());
  EXPECT_GT(s->expected_gain, 0);
  // Half of the 41 started, all to people below director.
  EXPECT_EQ(s->action.withdrawn_threads.size(), 20u);
  EXPECT_NE(s->rationale.find("your team's 20%"), std::string::npos)
      << s->rationale;
  team.team_reply_rate = 0.04;
  EXPECT_FALSE(
      Find(RecommendAll({}, a, team), Kind::kSlowDownOutreach).has_value());
  // No team figure: compared with the model's prior.
  const std::optional<Recommendation> prior =
      Find(RecommendAll({}, a), Kind::kSlowDownOutreach);
  ASSERT_TRUE(prior.has_value());
  EXPECT_NE(prior->rationale.find("a typical 30%"), std::string::npos);
}

TEST(RecommendKindsTest, NetworkCategoriesAndGrowthAnswerWaitingContacts) {
  model::MemberActivity a;
  auto contact = [&](const std::string& id, model::NetworkCategory category,
                     bool core) {
    model::ContactState c;
    c.contact_id = id;
    c.category = category;
    c.last_inbound_time = Ago(AsOf(), 3);
    if (core) c.last_outbound_time = Ago(AsOf(), 4);
    a.contacts.push_back(c);
  };
  contact("core-info", model::NetworkCategory::kInformation, true);
  contact("core-power", model::NetworkCategory::kPower, true);
  contact("waiting-info", model::NetworkCategory::kInformation, false);
  contact("waiting-feedback", model::NetworkCategory::kFeedback, false);
  const Recommendations r = RecommendAll({}, a);
  const std::optional<Recommendation> fill =
      Find(r, Kind::kFillNetworkCategories);
  ASSERT_TRUE(fill.has_value());
  EXPECT_EQ(ContactIds(*fill), std::vector<std::string>{"waiting-feedback"});
  const std::optional<Recommendation> grow = Find(r, Kind::kShapeCoreNetwork);
  ASSERT_TRUE(grow.has_value());
  EXPECT_EQ(grow->targets.size(), 2u);
  EXPECT_GT(grow->expected_gain, fill->expected_gain);
}

TEST(RecommendKindsTest, NoPruningAdviceAboveEighteen) {
  model::MemberActivity a;
  for (int i = 0; i < 22; ++i) {
    model::ContactState c;
    c.contact_id = absl::StrCat("c", i);
    c.last_inbound_time = Ago(AsOf(), 2);
    c.last_outbound_time = Ago(AsOf(), 3);
    a.contacts.push_back(c);
  }
  EXPECT_FALSE(Find(RecommendAll({}, a), Kind::kShapeCoreNetwork).has_value());
}

TEST(RecommendKindsTest, ConnectNamesKnownDecisionMakersFirst) {
  model::MemberActivity a;
  for (auto [id, s] :
       {std::pair{"ic", model::Seniority::kIndividualContributor},
        std::pair{"vp", model::Seniority::kVp},
        std::pair{"ceo", model::Seniority::kCSuite}}) {
    model::ContactState c;
    c.contact_id = id;
    c.seniority = s;
    a.contacts.push_back(c);
  }
  const std::optional<Recommendation> c =
      Find(RecommendAll({}, a), Kind::kConnectDecisionMakers);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(ContactIds(*c), (std::vector<std::string>{"ceo", "vp"}));
  EXPECT_EQ(c->action.connections.size(), 5u);
  EXPECT_GT(c->expected_gain, 0);
}

TEST(RecommendKindsTest, MaxResultsZeroReturnsNothing) {
  RecommendOptions o;
  o.max_results = 0;
  EXPECT_TRUE(Recommend(Model(), {}, {}, AsOf(), o).recommendations.empty());
}

}  // namespace
}  // namespace rapport::recommend
