// Commands over members: upsert-member, upsert-members, get-member,
// list-members, delete-member. Each returns the RPC's status (or a
// file's), having printed its result on env.io.out.
#ifndef RAPPORT_CLIENT_CLI_MEMBER_COMMANDS_H_
#define RAPPORT_CLIENT_CLI_MEMBER_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "client/cli/env.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli {

absl::Status RunUpsertMember(Env& env, const rapport::v1::Member& member);

// Upserts every member of a JSON-lines file (one rapport.v1.Member per line,
// as `demo --write_members_jsonl` writes). Parses the whole file first:
// INVALID_ARGUMENT naming the bad lines, and nothing is sent. Then sends
// BatchUpsertMembers calls of up to 1000 members (each stored in one
// transaction; a member_id twice within one is refused); members the server
// rejects are listed on env.io.err by line and the status is
// INVALID_ARGUMENT, the others being stored.
absl::Status RunUpsertMembers(Env& env, const std::string& path);

absl::Status RunGetMember(Env& env, const std::string& member_id);

struct ListMembersOptions {
  std::string team;
  std::string industry;
  int page_size = 0;  // 0: the server's default.
  std::string page_token;
  bool all = false;  // Follow next_page_token to the end.
};
absl::Status RunListMembers(Env& env, const ListMembersOptions& options);

absl::Status RunDeleteMember(Env& env, const std::string& member_id);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_MEMBER_COMMANDS_H_
