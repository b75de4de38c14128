// Human renderings of members. Pure.
#ifndef RAPPORT_CLIENT_CLI_MEMBER_RENDER_H_
#define RAPPORT_CLIENT_CLI_MEMBER_RENDER_H_

#include <string>
#include <vector>

#include "rapport/v1/activity.pb.h"

namespace rapport::cli {

// The member and their profile, one "key  value" per line.
std::string RenderMember(const rapport::v1::Member& member);

// An aligned table: ID, NAME, TEAM, INDUSTRY, EVENTS, LAST EVENT.
std::string RenderMemberTable(const std::vector<rapport::v1::Member>& members);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_MEMBER_RENDER_H_
