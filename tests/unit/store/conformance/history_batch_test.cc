// Whole batches of history and feed writes behave as if their rows were
// written one by one, in order: repeated keys in one batch, rows of missing
// members, and concurrent writers of one tenant's feed, over generated data.
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/model/score_snapshot.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::ScoreSnapshot;
using testing::At;
using testing::MakeMember;

// Members m0..m5 exist; ghosts g0, g1 do not.
const std::vector<std::string>& Ids() {
  static const std::vector<std::string>* const ids =
      new std::vector<std::string>{"m0", "m1", "m2", "m3",
                                   "m4", "m5", "g0", "g1"};
  return *ids;
}

bool Exists(const std::string& id) { return id[0] == 'm'; }

class HistoryBatchTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    for (const std::string& id : Ids()) {
      if (!Exists(id)) continue;
      ASSERT_TRUE(store_->UpsertMember("acme", MakeMember(id), At(0)).ok());
    }
  }

  std::vector<ScoreFeedRow> Feed(int64_t upto) {
    ScoreFeedQuery q;
    q.upto_seq = upto;
    q.page_size = 2;
    std::vector<ScoreFeedRow> rows;
    while (true) {
      absl::StatusOr<ScoreFeedPage> page = store_->ListScoreFeed("acme", q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      rows.insert(rows.end(), page->rows.begin(), page->rows.end());
      if (!page->has_more) break;
      q.after_member_id = page->rows.back().member_id;
    }
    return rows;
  }
};

TEST_P(HistoryBatchTest, FeedBatchesActAsRowsWrittenInTurn) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> pick(0, Ids().size() - 1);
  std::uniform_int_distribution<int> length(1, 10);
  std::uniform_real_distribution<double> score(0, 100);
  // The model: each member's current row, and the tenant's counter.
  std::map<std::string, ScoreFeedRow> expected;
  int64_t seq = 0;
  for (int batch = 0; batch < 25; ++batch) {
    std::vector<ScoreFeedRow> rows(length(rng));
    int64_t written = 0;
    const absl::Time now = At(batch + 1);
    for (ScoreFeedRow& row : rows) {
      row.member_id = Ids()[pick(rng)];
      row.team = absl::StrCat("team", batch % 3);
      row.ssi = score(rng);
      for (double& pillar : row.pillars) pillar = score(rng) / 4;
      if (!Exists(row.member_id)) continue;
      ScoreFeedRow want = row;
      auto old = expected.find(row.member_id);
      if (old != expected.end()) want.previous_ssi = old->second.ssi;
      want.seq = ++seq;
      want.change_time = now;
      expected[row.member_id] = want;
      ++written;
    }
    absl::StatusOr<int64_t> got = store_->WriteScoreFeed("acme", rows, now);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, written) << "batch " << batch;
    EXPECT_EQ(*store_->ScoreFeedSeq("acme"), seq);
  }
  std::vector<ScoreFeedRow> rows = Feed(seq);
  ASSERT_EQ(rows.size(), expected.size());
  auto want = expected.begin();
  for (const ScoreFeedRow& row : rows) {
    const ScoreFeedRow& w = (want++)->second;
    EXPECT_EQ(row.member_id, w.member_id);
    EXPECT_EQ(row.team, w.team);
    EXPECT_EQ(row.ssi, w.ssi);
    EXPECT_EQ(row.pillars, w.pillars);
    EXPECT_EQ(row.previous_ssi, w.previous_ssi) << row.member_id;
    EXPECT_EQ(row.seq, w.seq) << row.member_id;
    EXPECT_EQ(row.change_time, w.change_time);
  }
}

TEST_P(HistoryBatchTest, SnapshotBatchesActAsSnapshotsWrittenInTurn) {
  std::mt19937 rng(12);
  std::uniform_int_distribution<size_t> pick(0, Ids().size() - 1);
  std::uniform_int_distribution<int> day_of(1, 4);
  std::uniform_int_distribution<int> length(1, 12);
  std::uniform_real_distribution<double> score(0, 100);
  // (day, member) -> the last total written.
  std::map<std::pair<int, std::string>, double> expected;
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<ScoreSnapshot> snapshots(length(rng));
    for (ScoreSnapshot& s : snapshots) {
      s.member_id = Ids()[pick(rng)];
      const int day = day_of(rng);
      s.day = absl::CivilDay(2024, 3, day);
      s.total = score(rng);
      for (double& pillar : s.pillars) pillar = s.total / 4;
      s.model_version = absl::StrCat("v", batch);
      if (Exists(s.member_id)) expected[{day, s.member_id}] = s.total;
    }
    ASSERT_TRUE(store_->WriteScoreSnapshots("acme", snapshots).ok());
  }
  for (int day = 1; day <= 4; ++day) {
    absl::StatusOr<std::vector<ScoreSnapshot>> got =
        store_->ReadScoresOfDay("acme", absl::CivilDay(2024, 3, day));
    ASSERT_TRUE(got.ok()) << got.status();
    std::vector<std::pair<std::string, double>> want;
    for (const auto& [key, total] : expected) {
      if (key.first == day) want.emplace_back(key.second, total);
    }
    std::vector<std::pair<std::string, double>> have;
    for (const ScoreSnapshot& s : *got) have.emplace_back(s.member_id, s.total);
    EXPECT_EQ(have, want) << "day " << day;
  }
}

TEST_P(HistoryBatchTest, ConcurrentFeedWritersNeverShareANumber) {
  constexpr int kWriters = 4;
  constexpr int kBatches = 15;
  std::atomic<int64_t> written{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<ScoreFeedRow> rows;
        for (int r = 0; r < 3; ++r) {
          ScoreFeedRow& row = rows.emplace_back();
          row.member_id = Ids()[(w + b + r) % 6];
          row.team = "t";
          row.ssi = w * 100 + b;
        }
        absl::StatusOr<int64_t> n = store_->WriteScoreFeed("acme", rows, At(b));
        if (n.ok()) {
          written += *n;
        } else {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(written.load(), kWriters * kBatches * 3);
  const int64_t seq = *store_->ScoreFeedSeq("acme");
  EXPECT_EQ(seq, written.load());
  std::vector<ScoreFeedRow> rows = Feed(seq);
  ASSERT_EQ(rows.size(), 6u);
  std::map<int64_t, std::string> by_seq;
  for (const ScoreFeedRow& row : rows) {
    EXPECT_TRUE(by_seq.emplace(row.seq, row.member_id).second)
        << row.member_id << " and " << by_seq[row.seq] << " share " << row.seq;
  }
  // The last number issued is some member's current row.
  EXPECT_EQ(by_seq.rbegin()->first, seq);
}

RAPPORT_STORE_CONFORMANCE(HistoryBatchTest);

}  // namespace
}  // namespace rapport::store
