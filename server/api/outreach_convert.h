// Conversions from the outreach library's results to rapport.v1 messages.
#ifndef RAPPORT_SERVER_API_OUTREACH_CONVERT_H_
#define RAPPORT_SERVER_API_OUTREACH_CONVERT_H_

#include "rapport/v1/outreach.pb.h"
#include "server/outreach/compare.h"
#include "server/outreach/report.h"
#include "server/outreach/team.h"

namespace rapport::api {

void ToProto(const outreach::OutreachStats& stats, v1::OutreachStats* out);
void ToProto(const outreach::OutreachBreakdown& b, v1::OutreachBreakdown* out);
void ToProto(const outreach::UnansweredThread& t, v1::UnansweredThread* out);
void ToProto(const outreach::FollowUpStats& f, v1::FollowUpStats* out);
void ToProto(const outreach::Reciprocity& r, v1::Reciprocity* out);
void ToProto(const outreach::IdealNetwork& n, v1::IdealNetwork* out);
void ToProto(const outreach::TeamComparison& c, v1::TeamComparison* out);
// The report sections of a member's or a team's response (the window and
// the team comparison are the caller's).
void ToProto(const outreach::OutreachReport& r,
             v1::GetOutreachEffectivenessResponse* out);
void ToProto(const outreach::TeamReport& r,
             v1::GetOutreachEffectivenessResponse* out);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_OUTREACH_CONVERT_H_
