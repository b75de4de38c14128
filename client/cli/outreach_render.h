// Human rendering of OutreachService.GetOutreachEffectiveness. Pure.
#ifndef RAPPORT_CLIENT_CLI_OUTREACH_RENDER_H_
#define RAPPORT_CLIENT_CLI_OUTREACH_RENDER_H_

#include <string>

#include "rapport/v1/outreach.pb.h"

namespace rapport::cli {

// The figures against the previous window, the unanswered threads,
// follow-ups, breakdowns by channel and seniority, the team comparison,
// reciprocity and the core network. `scope` names whose outreach it is.
std::string RenderOutreach(
    const std::string& scope,
    const rapport::v1::GetOutreachEffectivenessResponse& r);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_OUTREACH_RENDER_H_
