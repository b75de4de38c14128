// The parts of Analyze(), one per report section. Internal to
// rapport::outreach; see report.h for the contracts.
#ifndef RAPPORT_SERVER_OUTREACH_PARTS_H_
#define RAPPORT_SERVER_OUTREACH_PARTS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/outreach/options.h"
#include "server/outreach/report.h"
#include "server/outreach/window.h"

namespace rapport::outreach::internal {

// Restricts stats to one channel or one seniority; unset means all.
struct Filter {
  std::optional<model::Channel> channel;
  std::optional<model::Seniority> seniority;
};

OutreachStats StatsOf(const model::MemberActivity& activity, const Window& w,
                      const OutreachOptions& options, const Filter& filter);

// Fills report.unanswered and report.unanswered_count.
void FindUnanswered(const model::MemberActivity& activity, const Window& w,
                    const OutreachOptions& options, OutreachReport& report);

FollowUpStats FollowUpsOf(const model::MemberActivity& activity,
                          const Window& w, const OutreachOptions& options);

Reciprocity ReciprocityOf(const model::MemberActivity& activity,
                          const Window& w);

IdealNetwork NetworkOf(const model::MemberActivity& activity, const Window& w,
                       const OutreachOptions& options);

}  // namespace rapport::outreach::internal

#endif  // RAPPORT_SERVER_OUTREACH_PARTS_H_
