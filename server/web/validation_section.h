// The "Does the score predict outcomes here?" section of the leaderboard
// page: the validation report of the tenant as a table (rho and interval
// of the SSI and each pillar against meetings and replies) with the
// verdicts. Every string is HTML-escaped; the predictor rows carry
// data-predictor, data-meetings-rho, data-replies-rho and data-significant
// ("meetings", "replies", "meetings replies" or "") for tests.
//
// Pure: no I/O.
#ifndef RAPPORT_SERVER_WEB_VALIDATION_SECTION_H_
#define RAPPORT_SERVER_WEB_VALIDATION_SECTION_H_

#include <string>

#include "server/core/validation.h"

namespace rapport::web {

std::string RenderValidationSection(const core::ValidationReport& report);

// The section while today's report is being computed.
std::string RenderValidationPending();

}  // namespace rapport::web

#endif  // RAPPORT_SERVER_WEB_VALIDATION_SECTION_H_
