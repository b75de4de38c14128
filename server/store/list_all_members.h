// Every member of a tenant (optionally of one team), read page by page.
#ifndef RAPPORT_SERVER_STORE_LIST_ALL_MEMBERS_H_
#define RAPPORT_SERVER_STORE_LIST_ALL_MEMBERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/model/member.h"
#include "server/store/store.h"

namespace rapport::store {

// The members of `tenant` (of `team` when not empty), ordered by member_id.
// Errors are the store's.
absl::StatusOr<std::vector<model::Member>> ListAllMembers(
    Store& store, const TenantId& tenant, const std::string& team = "");

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_LIST_ALL_MEMBERS_H_
