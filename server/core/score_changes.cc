#include "server/core/score_changes.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace rapport::core {

bool FeedChanged(double reported_ssi, double current_ssi) {
  return std::llround(reported_ssi * 10) != std::llround(current_ssi * 10);
}

std::vector<store::ScoreFeedRow> DiffScoreFeed(
    const board::Board& board, absl::Span<const store::ScoreFeedEntry> feed) {
  absl::flat_hash_map<std::string_view, const store::ScoreFeedEntry*> rows;
  rows.reserve(feed.size());
  for (const store::ScoreFeedEntry& entry : feed) {
    rows.emplace(entry.member_id, &entry);
  }
  std::vector<store::ScoreFeedRow> changes;
  for (const auto& member : board.members()) {
    const model::Member& m = member->member;
    auto row = rows.find(m.member_id);
    if (row != rows.end() && row->second->team == m.team &&
        !FeedChanged(row->second->ssi, member->totals.total)) {
      continue;
    }
    store::ScoreFeedRow& change = changes.emplace_back();
    change.member_id = m.member_id;
    change.team = m.team;
    change.ssi = member->totals.total;
    std::copy(member->totals.pillars.begin(), member->totals.pillars.end(),
              change.pillars.begin());
  }
  std::sort(changes.begin(), changes.end(),
            [](const store::ScoreFeedRow& a, const store::ScoreFeedRow& b) {
              return a.member_id < b.member_id;
            });
  return changes;
}

ScoreChangeFeed::ScoreChangeFeed(store::Store* store, board::ScoreBoard* boards,
                                 SerialExecutor* writer, const Clock* clock)
    : store_(store), boards_(boards), writer_(writer), clock_(clock) {}

ScoreChangeFeed::~ScoreChangeFeed() { Stop(); }

absl::StatusOr<int64_t> ScoreChangeFeed::RunTenant(
    const store::TenantId& tenant) {
  absl::StatusOr<std::shared_ptr<const board::Board>> board =
      boards_->Get(tenant, std::nullopt, /*refresh_changes=*/true);
  if (!board.ok()) return board.status();
  absl::StatusOr<std::vector<store::ScoreFeedEntry>> feed =
      store_->ReadScoreFeed(tenant);
  if (!feed.ok()) return feed.status();
  const std::vector<store::ScoreFeedRow> changes =
      DiffScoreFeed(**board, *feed);
  if (changes.empty()) return 0;
  auto write = [&] {
    return store_->WriteScoreFeed(tenant, changes, clock_->Now());
  };
  if (writer_ == nullptr) return write();
  // The writer runs every task it was given, even when being destroyed, so
  // this wait always ends and the references captured stay valid.
  std::optional<absl::StatusOr<int64_t>> written;
  absl::Notification done;
  writer_->Post([&] {
    written.emplace(write());
    done.Notify();
  });
  done.WaitForNotification();
  return *std::move(written);
}

absl::StatusOr<int64_t> ScoreChangeFeed::RunOnce() {
  absl::MutexLock lock(&run_mu_);
  absl::StatusOr<std::vector<store::TenantId>> tenants = store_->ListTenants();
  if (!tenants.ok()) return tenants.status();
  int64_t total = 0;
  absl::Status first_error;
  for (const store::TenantId& tenant : *tenants) {
    if (periodic_.StopRequested()) {
      return absl::CancelledError("score changes tracking stopped");
    }
    absl::StatusOr<int64_t> written = RunTenant(tenant);
    if (written.ok()) {
      total += *written;
      continue;
    }
    if (absl::IsCancelled(written.status())) return written.status();
    if (first_error.ok()) {
      first_error =
          absl::Status(written.status().code(),
                       absl::StrCat("tracking the score changes of tenant ",
                                    tenant, ": ", written.status().message()));
    }
  }
  if (!first_error.ok()) return first_error;
  return total;
}

void ScoreChangeFeed::Start(absl::Duration interval, int nice) {
  // PeriodicPass runs its first pass at once: skipped, so that a start
  // (and the boards' first builds) is not burdened with a pass.
  periodic_.Start(
      interval,
      [this, first = true]() mutable {
        if (std::exchange(first, false)) return absl::OkStatus();
        return RunOnce().status();
      },
      nice);
}

absl::StatusOr<FeedPage> ScoreChangeFeed::Page(const store::TenantId& tenant,
                                               const std::string& team,
                                               const FeedPosition& position,
                                               int page_size) const {
  absl::StatusOr<int64_t> last = store_->ScoreFeedSeq(tenant);
  if (!last.ok()) return last.status();
  const int64_t upto = position.upto.value_or(*last);
  if (position.since < 0 || position.since > upto || upto > *last) {
    return absl::InvalidArgumentError(
        "cursor: is not a position of this feed (was the database restored "
        "from an older backup?); start again with an empty cursor");
  }
  FeedPage page;
  if (position.since == upto) {  // Caught up: nothing changed since.
    page.next.since = upto;
    return page;
  }
  store::ScoreFeedQuery query{.team = team,
                              .after_seq = position.since,
                              .upto_seq = upto,
                              .after_member_id = position.after_member_id,
                              .page_size = page_size};
  absl::StatusOr<store::ScoreFeedPage> rows =
      store_->ListScoreFeed(tenant, query);
  if (!rows.ok()) return rows.status();
  page.rows = std::move(rows->rows);
  if (rows->has_more && !page.rows.empty()) {
    page.has_more = true;
    page.next = FeedPosition{.since = position.since,
                             .upto = upto,
                             .after_member_id = page.rows.back().member_id};
  } else {
    page.next.since = upto;
  }
  return page;
}

}  // namespace rapport::core
