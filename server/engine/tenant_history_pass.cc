#include "server/engine/tenant_history_pass.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "server/engine/daily_score.h"

namespace rapport::engine::internal {
namespace {

// Members read per ListMembers call.
constexpr int kMemberPage = 500;
// Snapshots per WriteScoreSnapshots transaction.
constexpr int kWriteBatch = 1000;
// History work entries recomputed before their snapshots are written and the
// entries completed, each in one transaction.
constexpr size_t kCompleteBatch = 500;

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

}  // namespace

TenantHistoryPass::TenantHistoryPass(store::Store* store,
                                     const scoring::ScoringModel* model,
                                     const HistoryOptions& options,
                                     store::TenantId tenant,
                                     absl::CivilDay yesterday,
                                     absl::FunctionRef<bool()> cancelled)
    : store_(store),
      model_(*model),
      options_(options),
      tenant_(std::move(tenant)),
      yesterday_(yesterday),
      oldest_(yesterday - options.backfill_days + 1),
      cancelled_(cancelled),
      writer_(store, tenant_, kWriteBatch) {}

absl::StatusOr<int64_t> TenantHistoryPass::Run() {
  absl::StatusOr<std::optional<absl::CivilDay>> through =
      store_->RecordedThrough(tenant_);
  if (!through.ok()) return through.status();
  const bool record_new_days = !through->has_value() || **through < yesterday_;
  // Listed before recording new days, so that those days already reflect
  // every event behind these entries and Recompute() can skip them. When
  // days are recorded, every entry is taken: the recording covers most of
  // their days (all, in a new tenant), and entries left for later passes
  // would have those days scored again.
  absl::StatusOr<std::vector<store::HistoryWork>> work =
      store_->ListHistoryWork(tenant_, record_new_days
                                           ? std::numeric_limits<int>::max()
                                           : options_.work_batch);
  if (!work.ok()) return work.status();
  absl::CivilDay recorded_through = yesterday_;
  if (record_new_days) {
    absl::Status status = RecordNewDays(*through, *work);
    if (!status.ok()) return status;
  } else {
    recorded_through = **through;
  }
  for (const store::HistoryWork& entry : *work) {
    if (cancelled_()) return absl::CancelledError("history recorder stopping");
    absl::Status status = Recompute(entry, recorded_through);
    if (status.ok() && recomputed_.size() >= kCompleteBatch) {
      status = FlushAndComplete();
    }
    if (!status.ok()) return status;
  }
  absl::Status status = FlushAndComplete();
  if (!status.ok()) return status;
  return writer_.written();
}

absl::Status TenantHistoryPass::RecordNewDays(
    std::optional<absl::CivilDay> through,
    const std::vector<store::HistoryWork>& work) {
  std::set<std::string> with_work;
  for (const store::HistoryWork& entry : work) {
    with_work.insert(entry.member_id);
  }
  store::ListMembersQuery query;
  query.page_size = kMemberPage;
  while (true) {
    absl::StatusOr<store::MemberPage> page =
        store_->ListMembers(tenant_, query);
    if (!page.ok()) return page.status();
    for (const model::Member& member : page->members) {
      if (cancelled_())
        return absl::CancelledError("history recorder stopping");
      absl::StatusOr<absl::CivilDay> first = FirstNewDay(member, through);
      absl::Status status = first.status();
      if (status.ok()) status = ScoreDays(member, *first, yesterday_);
      if (absl::IsNotFound(status)) continue;  // Deleted meanwhile.
      if (!status.ok()) return status;
      if (with_work.contains(member.member_id)) {
        recorded_from_[member.member_id] = *first;
      }
    }
    if (!page->has_more) break;
    query.after_member_id = page->members.back().member_id;
  }
  absl::Status status = writer_.Flush();
  if (!status.ok()) return status;
  return store_->SetRecordedThrough(tenant_, yesterday_);
}

// Members already recorded need the days after `through`; a member new
// since the last recording gets the whole window, like everyone in a new
// tenant. Only members created on or after day `through` can be new (the
// recording of `through` ran after that day), and they are new when they
// lack the window's oldest day, which every recorded member has.
absl::StatusOr<absl::CivilDay> TenantHistoryPass::FirstNewDay(
    const model::Member& member, std::optional<absl::CivilDay> through) {
  if (!through.has_value() || *through < oldest_) return oldest_;
  const absl::CivilDay next = *through + 1;
  if (DayOf(member.create_time) < *through) return next;
  absl::StatusOr<std::vector<model::ScoreSnapshot>> oldest =
      store_->ReadScoreHistory(tenant_, member.member_id, oldest_, oldest_);
  if (!oldest.ok()) return oldest.status();
  return oldest->empty() ? oldest_ : next;
}

// The days of `work` not scored by RecordNewDays in this pass.
absl::Status TenantHistoryPass::Recompute(const store::HistoryWork& work,
                                          absl::CivilDay recorded_through) {
  const absl::CivilDay first = std::max(work.from_day, oldest_);
  // Every recorded day, even one after yesterday_: when the clock stepped
  // back since that day was recorded, events of it arrive while the clock
  // says it has not ended, and completing the entry without scoring it
  // again would leave its point short of them for good.
  absl::CivilDay last = recorded_through;
  if (auto it = recorded_from_.find(work.member_id);
      it != recorded_from_.end()) {
    last = std::min(last, it->second - 1);
  }
  if (first <= last) {
    absl::StatusOr<model::Member> member =
        store_->GetMember(tenant_, work.member_id);
    absl::Status status = member.status();
    if (status.ok()) status = ScoreDays(*member, first, last);
    // A deleted member's entry went with it: completing it is a no-op.
    if (!status.ok() && !absl::IsNotFound(status)) return status;
  }
  recomputed_.push_back(work);
  return absl::OkStatus();
}

absl::Status TenantHistoryPass::FlushAndComplete() {
  absl::Status status = writer_.Flush();
  if (!status.ok()) return status;
  status = store_->CompleteHistoryWorkBatch(tenant_, recomputed_);
  if (!status.ok()) return status;
  recomputed_.clear();
  return absl::OkStatus();
}

absl::Status TenantHistoryPass::ScoreDays(const model::Member& member,
                                          absl::CivilDay first,
                                          absl::CivilDay last) {
  for (absl::CivilDay day = first; day <= last; ++day) {
    absl::StatusOr<model::ScoreSnapshot> snapshot =
        ScoreMemberOnDay(*store_, model_, tenant_, member, day);
    if (!snapshot.ok()) return snapshot.status();
    absl::Status status = writer_.Add(*std::move(snapshot));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace rapport::engine::internal
