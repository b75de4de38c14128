#include "server/core/outreach_read.h"

#include "server/common/status_macros.h"

namespace rapport::core {

absl::StatusOr<outreach::OutreachReport> ReadOutreachReport(
    store::Store& store, const store::TenantId& tenant,
    const std::string& member_id, absl::Time end, int days,
    const outreach::OutreachOptions& analysis) {
  const absl::Time start = outreach::WindowStart(end, days);
  RAPPORT_ASSIGN_OR_RETURN(model::MemberActivity current,
                           store.ReadActivity(tenant, member_id, start, end));
  RAPPORT_ASSIGN_OR_RETURN(
      model::MemberActivity previous,
      store.ReadActivity(tenant, member_id,
                         outreach::PreviousWindowStart(start, end),
                         start - absl::Nanoseconds(1)));
  outreach::OutreachReport report =
      outreach::Analyze(current, previous, start, end, analysis);
  for (auto& t : report.unanswered) t.member_id = member_id;
  return report;
}

}  // namespace rapport::core
