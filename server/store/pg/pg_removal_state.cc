#include "server/store/pg/pg_removal_state.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "server/common/status_macros.h"
#include "server/model/event.h"
#include "server/store/activity_state.h"

namespace rapport::store::pg {
namespace {

constexpr char kDeleteThreads[] =
    "DELETE FROM threads AS s USING unnest($2::text[], $3::text[])"
    " AS u(member_id, key) WHERE s.tenant = $1"
    " AND s.member_id = u.member_id AND s.thread_id = u.key";
constexpr char kDeleteContacts[] =
    "DELETE FROM contacts AS s USING unnest($2::text[], $3::text[])"
    " AS u(member_id, key) WHERE s.tenant = $1"
    " AND s.member_id = u.member_id AND s.contact_id = u.key";

// The occur_time of the last of `events` (sorted) whose type feeds the state.
std::optional<absl::Time> LastTimeOf(absl::Span<const model::Event> events,
                                     bool (*feeds)(model::EventType)) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (feeds(it->type)) return it->occur_time;
  }
  return std::nullopt;
}

// The states of `keys` derived from their remaining events, and the keys
// with none left, whose rows are deleted (returns how many were).
template <typename Stored, typename State>
absl::StatusOr<RederivedStates> Rederive(
    Connection& conn, const TenantId& tenant, const std::set<MemberKey>& keys,
    KeyKind kind, State (*derive)(absl::Span<const model::Event>),
    bool (*feeds)(model::EventType),
    absl::Status (*put)(Connection&, const TenantId&,
                        const std::vector<std::pair<std::string, Stored>>&),
    const char* delete_sql) {
  RederivedStates done;
  if (keys.empty()) return done;
  const std::vector<MemberKey> listed(keys.begin(), keys.end());
  // Each key's events ordered by (occur_time, event_id), as derived.
  RAPPORT_ASSIGN_OR_RETURN(
      auto remaining,
      LoadKeyEvents(conn, tenant, kind, listed, absl::InfiniteFuture()));
  std::vector<std::pair<std::string, Stored>> rewritten;
  std::vector<std::string> gone_members, gone_ids;
  for (const MemberKey& key : listed) {
    auto it = remaining.find(key);
    std::optional<absl::Time> last;
    if (it != remaining.end()) last = LastTimeOf(it->second, feeds);
    if (last.has_value()) {
      rewritten.emplace_back(key.first, Stored{derive(it->second), *last});
    } else {
      gone_members.push_back(key.first);
      gone_ids.push_back(key.second);
    }
  }
  done.rederived = static_cast<int64_t>(rewritten.size());
  RAPPORT_RETURN_IF_ERROR(put(conn, tenant, rewritten));
  if (!gone_members.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(
        Result deleted, conn.Exec(delete_sql, Params()
                                                  .Add(tenant)
                                                  .AddTextArray(gone_members)
                                                  .AddTextArray(gone_ids)));
    done.deleted = deleted.affected();
  }
  return done;
}

}  // namespace

absl::StatusOr<RederivedStates> RederiveThreads(
    Connection& conn, const TenantId& tenant,
    const std::set<MemberKey>& threads) {
  return Rederive<internal::StoredThread, model::ThreadState>(
      conn, tenant, threads, KeyKind::kThread, &internal::DeriveThreadState,
      &model::IsThreadEvent, &PutThreads, kDeleteThreads);
}

absl::StatusOr<RederivedStates> RederiveContacts(
    Connection& conn, const TenantId& tenant,
    const std::set<MemberKey>& contacts) {
  return Rederive<internal::StoredContact, model::ContactState>(
      conn, tenant, contacts, KeyKind::kContact, &internal::DeriveContactState,
      &model::IsContactEvent, &PutContacts, kDeleteContacts);
}

}  // namespace rapport::store::pg
