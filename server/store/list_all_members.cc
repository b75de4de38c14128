#include "server/store/list_all_members.h"

#include <utility>

namespace rapport::store {

absl::StatusOr<std::vector<model::Member>> ListAllMembers(
    Store& store, const TenantId& tenant, const std::string& team) {
  constexpr int kPageSize = 1000;
  std::vector<model::Member> all;
  ListMembersQuery query;
  query.team = team;
  query.page_size = kPageSize;
  for (;;) {
    absl::StatusOr<MemberPage> page = store.ListMembers(tenant, query);
    if (!page.ok()) return page.status();
    for (model::Member& m : page->members) all.push_back(std::move(m));
    if (!page->has_more || all.empty()) return all;
    query.after_member_id = all.back().member_id;
  }
}

}  // namespace rapport::store
