// One definition per figure: the team reply rates, the team median reply
// rate and "declining" read the same on every surface that shows them (the
// outreach reports, ListDecliningMembers, GetScore's change_7d, /metrics and
// the leaderboard page), and equal what a hand count of the generated
// events gives. The decline threshold is set to a non-default value so that
// a surface ignoring the one setting would show.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/common/http_get.h"
#include "tests/common/prometheus_text.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

const char* const kTeams[] = {"atlas", "borealis"};

// What one generated member did in the 30 days before kTestNow.
struct Expected {
  std::string team;
  int started = 0;
  int answered = 0;
};

class FiguresTest : public ServerTest,
                    public ::testing::WithParamInterface<uint64_t> {
 protected:
  void Customize(app::ServerOptions& options) override {
    options.metrics_listen = "127.0.0.1:0";
    options.decline_points = decline_points_;
  }

  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NE(server_->metrics_port(), 0);
    scoring_ = v1::ScoringService::NewStub(channel_);
    outreach_ = v1::OutreachService::NewStub(channel_);
  }

  // Two teams of seven; in each, two or three members who fell silent 8 days
  // ago and steady members, all with random volumes and replies.
  void LoadOrg(uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<v1::Event> events;
    v1::UpsertMemberResponse out;
    for (int t = 0; t < 2; ++t) {
      for (int i = 0; i < 7; ++i) {
        const std::string id = absl::StrCat(kTeams[t], "-", i);
        ASSERT_TRUE(Upsert(MakeMember(id, kTeams[t]), &out).ok());
        Expected& e = expected_[id];
        e.team = kTeams[t];
        const bool fading = i < 2 + static_cast<int>(rng() % 2);
        // Fading members are active from 8 days ago back, the others from 2
        // days ago back (so that every reply, at most 40 h after its
        // message, is in the past): posts every other day, threads every
        // day, all threads inside the 30-day window. Volumes are modest,
        // below the model's targets, so that the fading members' points
        // fall as their activity ages.
        const int first_day = fading ? 8 : 2;
        const int posts = (fading ? 1 : 6) + static_cast<int>(rng() % 3);
        for (int p = 0; p < posts; ++p) {
          events.push_back(MakeEvent(absl::StrCat(id, "-p", p), id,
                                     kTestNow -
                                         absl::Hours(24) * (first_day + 2 * p) -
                                         absl::Hours(3)));
        }
        const int threads = 3 + static_cast<int>(rng() % 12);
        for (int k = 0; k < threads; ++k) {
          const absl::Time at =
              kTestNow - absl::Hours(24) * (first_day + k) - absl::Hours(5);
          v1::Event sent = MakeEvent(absl::StrCat(id, "-s", k), id, at);
          sent.set_type(v1::EVENT_TYPE_MESSAGE_SENT);
          sent.set_channel(v1::CHANNEL_LINKEDIN_MESSAGE);
          sent.set_thread_id(absl::StrCat(id, "-t", k));
          sent.mutable_contact()->set_contact_id(absl::StrCat(id, "-c", k));
          events.push_back(sent);
          ++e.started;
          if (rng() % 3 == 0) continue;
          v1::Event reply = sent;
          reply.set_event_id(absl::StrCat(id, "-r", k));
          reply.set_type(v1::EVENT_TYPE_MESSAGE_RECEIVED);
          api::ToProtoTime(at + absl::Hours(1 + static_cast<int>(rng() % 40)),
                           reply.mutable_occur_time());
          events.push_back(reply);
          ++e.answered;
        }
      }
    }
    Load(events);
  }

  v1::GetOutreachEffectivenessResponse Outreach(
      v1::GetOutreachEffectivenessRequest req) {
    grpc::ClientContext ctx;
    v1::GetOutreachEffectivenessResponse resp;
    grpc::Status s = outreach_->GetOutreachEffectiveness(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  std::string Get(const std::string& path) {
    absl::StatusOr<HttpResponse> got =
        HttpGet("127.0.0.1", server_->metrics_port(), path);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return "";
    EXPECT_EQ(got->status_code, 200);
    return got->body;
  }

  MetricsScrape Scrape() {
    absl::StatusOr<MetricsScrape> scrape = ParseMetricsText(Get("/metrics"));
    EXPECT_TRUE(scrape.ok()) << scrape.status();
    return scrape.ok() ? *std::move(scrape) : MetricsScrape{};
  }

  double decline_points_ = 5;
  std::map<std::string, Expected> expected_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<v1::OutreachService::Stub> outreach_;
};

double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

TEST_P(FiguresTest, TeamReplyRatesAreTheSameEverywhere) {
  LoadOrg(GetParam());
  {
    const MetricsScrape scrape = Scrape();
    for (const char* team : kTeams) {
      SCOPED_TRACE(team);
      int started = 0, answered = 0;
      std::vector<double> rates;
      for (const auto& [id, e] : expected_) {
        if (e.team != team) continue;
        started += e.started;
        answered += e.answered;
        rates.push_back(static_cast<double>(e.answered) / e.started);
      }
      const double pooled = static_cast<double>(answered) / started;

      v1::GetOutreachEffectivenessRequest team_req;
      team_req.set_team(team);
      const v1::GetOutreachEffectivenessResponse team_report =
          Outreach(team_req);
      EXPECT_EQ(team_report.current().threads_started(), started);
      EXPECT_DOUBLE_EQ(team_report.current().reply_rate(), pooled);

      v1::GetOutreachEffectivenessRequest member_req;
      member_req.set_member_id(absl::StrCat(team, "-4"));
      const v1::TeamComparison c = Outreach(member_req).team_comparison();
      ASSERT_FALSE(c.withheld()) << c.withheld_reason();
      EXPECT_DOUBLE_EQ(c.team_pooled_reply_rate(), pooled);
      EXPECT_DOUBLE_EQ(c.team_median_reply_rate(), MedianOf(rates));

      const std::optional<double> metric = scrape.Find(
          "rapport_team_reply_ratio", {{"team", team}, {"tenant", "default"}});
      ASSERT_TRUE(metric.has_value());
      EXPECT_DOUBLE_EQ(*metric, pooled);
    }
  }
}

// The threshold is rapportd's --decline_points, set to half the steepest
// fall of the generated data (a value no default shares), so that members
// fall on both sides of it.
TEST_P(FiguresTest, DecliningIsTheSameEverywhere) {
  LoadOrg(GetParam());
  std::map<std::string, double> change_7d;
  double steepest = 0;
  for (const auto& [id, e] : expected_) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(id);
    v1::GetScoreResponse resp;
    ASSERT_TRUE(scoring_->GetScore(&ctx, req, &resp).ok());
    change_7d[id] = resp.score().change_7d();
    steepest = std::min(steepest, resp.score().change_7d());
  }
  ASSERT_LT(steepest, -0.05) << "the data must hold a decline";
  decline_points_ = -steepest / 2;
  RestartServer();
  scoring_ = v1::ScoringService::NewStub(channel_);
  std::set<std::string> by_score;  // change_7d <= -decline_points_.
  std::map<std::string, int> per_team;
  for (const auto& [id, change] : change_7d) {
    if (change <= -decline_points_) {
      by_score.insert(id);
      ++per_team[expected_[id].team];
    }
  }
  ASSERT_LT(by_score.size(), expected_.size());

  grpc::ClientContext ctx;
  v1::ListDecliningMembersRequest req;  // min_drop 0: the server's threshold.
  v1::ListDecliningMembersResponse resp;
  ASSERT_TRUE(scoring_->ListDecliningMembers(&ctx, req, &resp).ok());
  EXPECT_DOUBLE_EQ(resp.min_drop(), decline_points_);
  std::set<std::string> listed;
  for (const v1::DecliningMember& m : resp.members()) {
    listed.insert(m.member_id());
    // The end of the UTC day seven days before.
    EXPECT_EQ(
        api::FromProtoTime(m.previous_time()),
        absl::FromCivil(absl::ToCivilDay(kTestNow, absl::UTCTimeZone()) - 6,
                        absl::UTCTimeZone()) -
            absl::Nanoseconds(1));
  }
  EXPECT_EQ(listed, by_score);

  const MetricsScrape scrape = Scrape();
  for (const char* team : kTeams) {
    EXPECT_EQ(scrape.Find("rapport_team_members_declining",
                          {{"team", team}, {"tenant", "default"}}),
              per_team[team])
        << team;
  }

  const std::string page = Get("/");
  std::set<std::string> on_page;
  const std::string marker = "data-decliner=\"";
  for (size_t at = page.find(marker); at != std::string::npos;
       at = page.find(marker, at + 1)) {
    const size_t begin = at + marker.size();
    on_page.insert(page.substr(begin, page.find('"', begin) - begin));
  }
  EXPECT_EQ(on_page, by_score);
}

INSTANTIATE_TEST_SUITE_P(Seeds, FiguresTest, ::testing::Values(1, 2, 3, 7));

}  // namespace
}  // namespace rapport::testing
