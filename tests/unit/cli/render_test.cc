#include <string>

#include "client/cli/demo_command.h"
#include "client/cli/ingest_command.h"
#include "client/cli/member_render.h"
#include "client/cli/outreach_render.h"
#include "client/cli/recommend_render.h"
#include "client/cli/score_render.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

v1::Score MakeScore() {
  v1::Score s;
  s.set_member_id("rep-001");
  s.set_display_name("Ava Thompson");
  s.set_total(62.5);
  s.set_change_7d(-3.2);
  s.set_model_version("v1");
  v1::PillarScore* brand = s.add_pillars();
  brand->set_pillar(v1::PILLAR_PROFESSIONAL_BRAND);
  brand->set_score(20);
  v1::ScoreComponent* c = brand->add_components();
  c->set_name("profile_photo");
  c->set_points(2);
  c->set_max_points(2);
  c->set_explanation("The profile has a photo.");
  s.mutable_industry_rank()->set_group("Software");
  s.mutable_industry_rank()->set_rank(3);
  s.mutable_industry_rank()->set_out_of(20);
  s.mutable_industry_rank()->set_top_percent(15);
  s.mutable_industry_rank()->set_average_total(41.2);
  s.mutable_network_rank()->set_group("Atlas");
  s.mutable_network_rank()->set_withheld(true);
  s.mutable_network_rank()->set_withheld_reason("fewer than 5 members");
  return s;
}

TEST(RenderTest, Score) {
  const std::string text = RenderScore(MakeScore());
  EXPECT_TRUE(Contains(text, "Ava Thompson (rep-001)")) << text;
  EXPECT_TRUE(Contains(text, "SSI  62.5 / 100")) << text;
  EXPECT_TRUE(Contains(text, "▼3.2 in 7 days")) << text;
  EXPECT_TRUE(Contains(
      text, "Professional brand        20.0 / 25  ████████████████░░░░"))
      << text;
  EXPECT_TRUE(
      Contains(text, "profile_photo  2.0/2.0  The profile has a photo."))
      << text;
  EXPECT_TRUE(
      Contains(text, "industry Software: rank 3 of 20 (top 15%), average 41.2"))
      << text;
  EXPECT_TRUE(Contains(text, "team Atlas: withheld (fewer than 5 members)"))
      << text;
}

TEST(RenderTest, HistoryDrawsSparklines) {
  v1::GetScoreHistoryResponse r;
  for (int i = 0; i < 8; ++i) {
    v1::ScorePoint* p = r.add_points();
    p->mutable_as_of()->set_seconds(1717200000 + i * 86400);
    p->set_total(10 * i);
    v1::PillarValue* v = p->add_pillars();
    v->set_pillar(v1::PILLAR_FIND_RIGHT_PEOPLE);
    v->set_value(5);
  }
  const std::string text = RenderHistory("rep-001", r);
  EXPECT_TRUE(Contains(text, "rep-001  2024-06-01 .. 2024-06-08  (8 days"))
      << text;
  EXPECT_TRUE(Contains(text, "total          ▁▂▃▄▅▆▇█  0.0 -> 70.0")) << text;
  EXPECT_TRUE(Contains(text, "find           ▄▄▄▄▄▄▄▄  5.0 -> 5.0")) << text;
  EXPECT_EQ(RenderHistory("rep-001", {}), "rep-001: no history\n");
}

TEST(RenderTest, LeaderboardShowsChangeArrows) {
  v1::GetLeaderboardResponse r;
  r.set_total_size(2);
  for (double change : {4.0, -1.5}) {
    v1::LeaderboardEntry* e = r.add_entries();
    e->set_rank(r.entries_size());
    e->set_display_name("Rep");
    e->set_member_id("rep");
    e->set_total(50);
    e->set_change_7d(change);
  }
  const std::string text = RenderLeaderboard(r);
  EXPECT_TRUE(
      Contains(text, "RANK  NAME  ID   TEAM  TOTAL  BRAND  FIND  ENGAGE"))
      << text;
  EXPECT_TRUE(Contains(text, "▲4.0")) << text;
  EXPECT_TRUE(Contains(text, "▼1.5")) << text;
  EXPECT_TRUE(Contains(text, "2 of 2 members")) << text;
}

TEST(RenderTest, DeclinersAndBatchScores) {
  v1::ListDecliningMembersResponse d;
  v1::DecliningMember* m = d.add_members();
  m->set_display_name("Dee");
  m->set_total(30);
  m->set_previous_total(45);
  m->set_change(-15);
  m->set_pillar_fell_most(v1::PILLAR_ENGAGE_WITH_INSIGHTS);
  m->set_pillar_change(-8);
  m->mutable_previous_time()->set_seconds(1764028799);  // 2025-11-24 23:59:59.
  d.set_min_drop(5);
  EXPECT_TRUE(Contains(RenderDecliners(d), "engage ▼8.0"));
  EXPECT_TRUE(
      Contains(RenderDecliners(d), "5.0 points or more since 2025-11-24"))
      << RenderDecliners(d);
  rapport::v1::ListDecliningMembersResponse none;
  none.set_min_drop(5);
  EXPECT_EQ(RenderDecliners(none), "no member fell by 5.0 points or more\n");

  v1::BatchGetScoresResponse b;
  *b.add_scores() = MakeScore();
  b.add_missing_member_ids("ghost");
  const std::string text = RenderBatchScores(b);
  EXPECT_TRUE(Contains(text, "rep-001  Ava Thompson   62.5   20.0")) << text;
  EXPECT_TRUE(Contains(text, "missing: ghost")) << text;
}

TEST(RenderTest, OutreachAndRecommendations) {
  v1::GetOutreachEffectivenessResponse o;
  o.mutable_current()->set_messages_sent(120);
  o.mutable_current()->set_reply_rate(0.031);
  o.set_unanswered_count(40);
  o.add_unanswered()->set_thread_id("t1");
  o.mutable_ideal_network()->set_core_count(3);
  o.mutable_ideal_network()->set_target_min(12);
  o.mutable_ideal_network()->set_target_max(18);
  o.mutable_ideal_network()->add_categories_missing(v1::NETWORK_CATEGORY_POWER);
  const std::string text = RenderOutreach("rep-004", o);
  EXPECT_TRUE(Contains(text, "reply rate            3.1%         -")) << text;
  EXPECT_TRUE(Contains(text, "unanswered threads: 40 (oldest 1 shown)"))
      << text;
  EXPECT_TRUE(Contains(text, "core network: 3 relationships (ideal 12-18)"))
      << text;
  EXPECT_TRUE(Contains(text, "missing: power")) << text;

  v1::GetRecommendationsResponse r;
  r.set_current_total(41);
  v1::Recommendation* rec = r.add_recommendations();
  rec->set_title("Add a profile photo");
  rec->set_pillar(v1::PILLAR_PROFESSIONAL_BRAND);
  rec->set_expected_gain(2.5);
  rec->add_targets()->set_contact_id("c1");
  const std::string recs = RenderRecommendations("rep-001", r);
  EXPECT_TRUE(Contains(recs, "  1. +2.50  Add a profile photo  [brand]"))
      << recs;
  EXPECT_TRUE(Contains(recs, "- contact c1")) << recs;
  EXPECT_TRUE(Contains(recs, "(SSI 41.0 now, model -)")) << recs;
  // The instant the server computed them at, when it says.
  r.mutable_as_of()->set_seconds(1764547200);  // 2025-12-01T00:00:00Z
  const std::string dated = RenderRecommendations("rep-001", r);
  EXPECT_TRUE(Contains(dated, "(SSI 41.0 as of 2025-12-01")) << dated;
  r.clear_as_of();
  // A follow-up may cost points until it is answered: its sign shows.
  v1::Recommendation* follow = r.add_recommendations();
  follow->set_title("Write to the person you met at an event");
  follow->set_pillar(v1::PILLAR_BUILD_RELATIONSHIPS);
  follow->set_expected_gain(-0.35);
  const std::string negative = RenderRecommendations("rep-001", r);
  EXPECT_TRUE(Contains(negative, "  2. -0.35  Write to the person"))
      << negative;
}

TEST(RenderTest, MemberTable) {
  v1::Member m;
  m.set_member_id("rep-001");
  m.set_display_name("Zoë Ortiz");
  m.set_team("Atlas");
  m.set_industry("Software");
  m.set_event_count(1234);
  EXPECT_EQ(RenderMemberTable({m}),
            "ID       NAME       TEAM   INDUSTRY  EVENTS  LAST EVENT\n"
            "rep-001  Zoë Ortiz  Atlas  Software   1,234  -\n");
  EXPECT_TRUE(Contains(RenderMember(m), "events           1,234\n"));
}

TEST(RenderTest, UploadSummaryAndPersonas) {
  UploadSummary s;
  s.sent = 10;
  s.accepted = 8;
  s.duplicate = 1;
  s.rejected = 3;
  s.rejections.push_back(
      {.tag = 7, .event_id = "x", .field = "thread_id", .reason = "required"});
  const std::string text =
      RenderUploadSummary("f.jsonl", s, absl::Seconds(2), "line", false);
  EXPECT_TRUE(Contains(text, "f.jsonl: 10 events in 2.0s (5 events/s)"))
      << text;
  EXPECT_TRUE(Contains(text, "   7  x      thread_id  required")) << text;
  EXPECT_TRUE(Contains(text, "(2 more rejected events were not listed"))
      << text;

  demo::DemoOptions options;
  options.member_count = 8;
  const std::string personas =
      RenderPersonas(demo::GenerateDemoMembers(options), 1);
  for (const char* name : {"average", "thought_leader", "prospector", "silent",
                           "sprayer", "decliner"}) {
    EXPECT_TRUE(Contains(personas, name)) << personas;
  }
  EXPECT_TRUE(Contains(personas, "+1 more")) << personas;
}

}  // namespace
}  // namespace rapport::cli
