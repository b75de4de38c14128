// --retention_days in the server: refused below the scoring window or the
// history kept, and a server that keeps R days removes the older events.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/app/server.h"
#include "server/common/clock.h"
#include "server/model/event.h"
#include "server/model/member.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"

namespace rapport::app {
namespace {

ServerOptions TestOptions(int retention_days) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = ":memory:";
  options.auth.enabled = false;
  options.history_interval = absl::ZeroDuration();
  options.retention_interval = absl::ZeroDuration();  // ApplyRetention().
  options.retention_days = retention_days;
  return options;
}

TEST(CheckRetentionTest, ZeroOrAtLeastTheWindowAndTheHistory) {
  for (int window : {1, 30, 90, 200}) {
    for (int history : {1, 30, 90, 366}) {
      scoring::ScoringModel model;
      model.window_days = window;
      ServerOptions options;
      options.history.backfill_days = history;
      for (int days : {0, 1, window - 1, window, window + 1, history - 1,
                       history, history + 1, 3650}) {
        options.retention_days = days;
        const absl::Status status = CheckRetention(options, model);
        SCOPED_TRACE(absl::StrCat("window ", window, " history ", history,
                                  " days ", days, ": ", status.ToString()));
        const bool allowed = days == 0 || (days >= window && days >= history);
        EXPECT_EQ(status.ok(), allowed);
        if (!allowed) {
          EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
          EXPECT_NE(status.message().find("--retention_days"),
                    std::string::npos);
        }
      }
    }
  }
}

TEST(CheckRetentionTest, NegativeValuesAreInvalid) {
  const scoring::ScoringModel model;
  ServerOptions options;
  options.retention_days = -1;
  EXPECT_EQ(CheckRetention(options, model).code(),
            absl::StatusCode::kInvalidArgument);
  options.retention_days = 0;
  options.retention_interval = absl::Seconds(-1);
  EXPECT_EQ(CheckRetention(options, model).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RetentionServerTest, RefusesToStartBelowTheScoringWindow) {
  FakeClock clock(absl::FromUnixSeconds(1718445600));
  const int window = scoring::DefaultModel().window_days;
  auto refused = RapportServer::Start(TestOptions(window - 1), &clock);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  auto started = RapportServer::Start(TestOptions(window), &clock);
  EXPECT_TRUE(started.ok()) << started.status();
}

TEST(RetentionServerTest, RemovesEventsOlderThanTheDaysKept) {
  // 2024-06-15 10:00 UTC; with 90 days kept, the first day kept is March 17.
  const absl::Time now = absl::FromCivil(
      absl::CivilSecond(2024, 6, 15, 10, 0, 0), absl::UTCTimeZone());
  FakeClock clock(now);
  store::SqliteStoreOptions store_options;
  store_options.path = ":memory:";
  auto opened = store::SqliteStore::Open(store_options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  store::SqliteStore* db = opened->get();
  model::Member member;
  member.member_id = "m1";
  ASSERT_TRUE(db->UpsertMember("default", member, now).ok());
  const absl::Time first_kept =
      absl::FromCivil(absl::CivilDay(2024, 3, 17), absl::UTCTimeZone());
  std::vector<model::Event> events;
  int64_t old = 0;
  for (int hours = 0; hours < 24 * 120; hours += 7) {
    model::Event e;
    e.event_id = absl::StrCat("e", hours);
    e.member_id = "m1";
    e.type = model::EventType::kPostPublished;
    e.occur_time = now - absl::Hours(hours);
    if (e.occur_time < first_kept) ++old;
    events.push_back(e);
  }
  ASSERT_TRUE(db->AppendEvents("default", events).ok());

  auto server =
      RapportServer::Start(TestOptions(90), &clock, *std::move(opened));
  ASSERT_TRUE(server.ok()) << server.status();
  auto totals = (*server)->ApplyRetention();
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_GT(old, 0);
  EXPECT_EQ(totals->events, old);
  auto again = (*server)->ApplyRetention();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->events, 0);
}

}  // namespace
}  // namespace rapport::app
