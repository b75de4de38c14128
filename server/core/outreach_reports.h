// OutreachReports: the outreach reports the API serves, for one member (with
// the team comparison) or a whole team, from the store's aggregates, the
// pure outreach library, the OutreachCache and the ScoreBoard's 30-day
// summaries.
//
// Reports over the cache's window (OutreachCache::kDays ending now) with
// the cache's analysis options come from the cache once it has the
// tenant's snapshot of the day: a team's report then costs a copy of a
// pointer, whatever the team's size. Any other window, as_of or options,
// or a tenant the cache is still building, is read from the store, at a
// cost that grows with the team.
//
// Thread-safe. Does not own its dependencies.
#ifndef RAPPORT_SERVER_CORE_OUTREACH_REPORTS_H_
#define RAPPORT_SERVER_CORE_OUTREACH_REPORTS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/board/score_board.h"
#include "server/common/cancel.h"
#include "server/core/outreach_cache.h"
#include "server/outreach/compare.h"
#include "server/outreach/options.h"
#include "server/outreach/report.h"
#include "server/outreach/team.h"
#include "server/store/store.h"

namespace rapport::core {

struct OutreachReportOptions {
  // Team comparisons are withheld below this many members with a rate.
  int min_group_size = 5;
};

// What a report covers: `days` whole UTC days ending at `end`
// (outreach::WindowStart), and as many days before for the comparison.
struct OutreachWindow {
  int days = 30;
  absl::Time end;
  // True when `end` is the current time (no as_of in the request): the
  // team comparison then reads the current board's 30-day summaries.
  bool end_is_now = false;
};

struct MemberOutreach {
  outreach::OutreachReport report;
  outreach::TeamComparison comparison;
};

class OutreachReports {
 public:
  // `cache` may be null: every report is then read from the store.
  OutreachReports(store::Store* store, board::ScoreBoard* boards,
                  OutreachCache* cache, OutreachReportOptions options);

  // The member's report over the window and the window before it, and how
  // their reply rate stands in their team. NOT_FOUND for an unknown member.
  // A window the cache does not keep reads each teammate in turn, asking
  // `wanted` before each: its status when not OK.
  absl::StatusOr<MemberOutreach> ForMember(
      const store::TenantId& tenant, const std::string& member_id,
      const OutreachWindow& window, const outreach::OutreachOptions& analysis,
      const StillWanted& wanted = nullptr) const;

  // The team's pooled report (outreach::PoolTeam), shared with the cache
  // when it comes from there. NOT_FOUND when the team has no member. Other
  // windows read each member in turn, asking `wanted` before each: its
  // status when not OK.
  absl::StatusOr<std::shared_ptr<const outreach::TeamReport>> ForTeam(
      const store::TenantId& tenant, const std::string& team,
      const OutreachWindow& window, const outreach::OutreachOptions& analysis,
      const StillWanted& wanted = nullptr) const;

 private:
  // The cache's snapshot when it serves reports over `window`; else null.
  std::shared_ptr<const OutreachSnapshot> CachedFor(
      const store::TenantId& tenant, const OutreachWindow& window) const;
  absl::StatusOr<outreach::OutreachReport> ReportOf(
      const store::TenantId& tenant, const std::string& member_id,
      const OutreachWindow& window,
      const outreach::OutreachOptions& analysis) const;
  // The reply counts of the member's teammates (the member left out) over
  // the window: from the current board when it keeps that window (the
  // default 30 days ending now), otherwise read from the store.
  absl::StatusOr<std::vector<outreach::ReplyCounts>> TeammateCounts(
      const store::TenantId& tenant, const model::Member& member,
      const OutreachWindow& window, const outreach::OutreachOptions& analysis,
      const StillWanted& wanted) const;

  store::Store* const store_;
  board::ScoreBoard* const boards_;
  OutreachCache* const cache_;
  const OutreachReportOptions options_;
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_OUTREACH_REPORTS_H_
