#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {

absl::StatusOr<std::vector<TenantId>> PgStore::ListTenants() {
  return absl::UnimplementedError("PgStore::ListTenants");
}

absl::Status PgStore::WriteScoreSnapshots(const TenantId&, absl::Span<const model::ScoreSnapshot>) {
  return absl::UnimplementedError("PgStore::WriteScoreSnapshots");
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> PgStore::ReadScoreHistory(const TenantId&, const std::string&, absl::CivilDay, absl::CivilDay) {
  return absl::UnimplementedError("PgStore::ReadScoreHistory");
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> PgStore::ReadScoresOfDay(const TenantId&, absl::CivilDay) {
  return absl::UnimplementedError("PgStore::ReadScoresOfDay");
}

absl::StatusOr<std::vector<HistoryWork>> PgStore::ListHistoryWork(const TenantId&, int) {
  return absl::UnimplementedError("PgStore::ListHistoryWork");
}

absl::Status PgStore::CompleteHistoryWork(const TenantId&, const HistoryWork&) {
  return absl::UnimplementedError("PgStore::CompleteHistoryWork");
}

absl::Status PgStore::CompleteHistoryWorkBatch(const TenantId&, absl::Span<const HistoryWork>) {
  return absl::UnimplementedError("PgStore::CompleteHistoryWorkBatch");
}

absl::StatusOr<std::optional<absl::CivilDay>> PgStore::RecordedThrough(const TenantId&) {
  return absl::UnimplementedError("PgStore::RecordedThrough");
}

absl::Status PgStore::SetRecordedThrough(const TenantId&, absl::CivilDay) {
  return absl::UnimplementedError("PgStore::SetRecordedThrough");
}

absl::StatusOr<std::vector<ScoreFeedEntry>> PgStore::ReadScoreFeed(const TenantId&) {
  return absl::UnimplementedError("PgStore::ReadScoreFeed");
}

absl::StatusOr<int64_t> PgStore::WriteScoreFeed(const TenantId&, absl::Span<const ScoreFeedRow>, absl::Time) {
  return absl::UnimplementedError("PgStore::WriteScoreFeed");
}

absl::StatusOr<int64_t> PgStore::ScoreFeedSeq(const TenantId&) {
  return absl::UnimplementedError("PgStore::ScoreFeedSeq");
}

absl::StatusOr<ScoreFeedPage> PgStore::ListScoreFeed(const TenantId&, const ScoreFeedQuery&) {
  return absl::UnimplementedError("PgStore::ListScoreFeed");
}

absl::Status PgStore::CreateGoal(const TenantId&, const GoalRecord&, const AuditContext*) {
  return absl::UnimplementedError("PgStore::CreateGoal");
}

absl::StatusOr<std::vector<GoalRecord>> PgStore::ListGoals(const TenantId&, const GoalFilter&) {
  return absl::UnimplementedError("PgStore::ListGoals");
}

absl::Status PgStore::DeleteGoal(const TenantId&, const std::string&, const AuditContext*) {
  return absl::UnimplementedError("PgStore::DeleteGoal");
}

}  // namespace rapport::store::pg
