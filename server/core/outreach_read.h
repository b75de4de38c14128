// ReadOutreachReport(): one member's outreach report read from the store's
// aggregates, the one way both the read path (OutreachReports) and the
// cache (OutreachCache) compute it, so that their figures agree.
#ifndef RAPPORT_SERVER_CORE_OUTREACH_READ_H_
#define RAPPORT_SERVER_CORE_OUTREACH_READ_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/outreach/options.h"
#include "server/outreach/report.h"
#include "server/store/store.h"

namespace rapport::core {

// outreach::Analyze() of the member's activity over the `days` UTC days
// ending at `end` (outreach::WindowStart) and the window before it, with
// each unanswered thread's member_id set. Errors are the store's (NOT_FOUND
// for an unknown member).
absl::StatusOr<outreach::OutreachReport> ReadOutreachReport(
    store::Store& store, const store::TenantId& tenant,
    const std::string& member_id, absl::Time end, int days,
    const outreach::OutreachOptions& analysis);

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_OUTREACH_READ_H_
