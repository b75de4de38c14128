// The Store: durable members, events and per-member aggregates, per tenant.
//
// Every method takes the tenant the caller acts for; rows of one tenant are
// never visible to another. Implementations are thread-safe.
#ifndef RAPPORT_SERVER_STORE_STORE_H_
#define RAPPORT_SERVER_STORE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/model/activity.h"
#include "server/model/event.h"
#include "server/model/member.h"

namespace rapport::store {

// The organisation a row belongs to.
using TenantId = std::string;

// The outcome of one event of a batch.
enum class AppendOutcome {
  kAccepted,       // Stored now.
  kDuplicate,      // Its event_id was already stored; nothing changed.
  kUnknownMember,  // Its member_id names no member; nothing stored.
};

struct UpsertResult {
  model::Member member;  // As stored, with the maintained fields.
  bool created = false;
};

struct ListMembersQuery {
  std::string team;      // Empty: any team.
  std::string industry;  // Empty: any industry.
  int page_size = 100;   // >= 1.
  // Return members whose member_id is strictly greater than this.
  std::string after_member_id;
};

struct MemberPage {
  std::vector<model::Member> members;
  bool has_more = false;  // More members match after the last one returned.
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates or replaces a member's descriptive fields and profile (the
  // maintained fields are kept). `now` becomes update_time (and create_time
  // when created).
  virtual absl::StatusOr<UpsertResult> UpsertMember(const TenantId& tenant,
                                                    const model::Member& member,
                                                    absl::Time now) = 0;

  // NOT_FOUND when the member does not exist.
  virtual absl::StatusOr<model::Member> GetMember(
      const TenantId& tenant, const std::string& member_id) = 0;

  // Members matching the query, ordered by member_id.
  virtual absl::StatusOr<MemberPage> ListMembers(
      const TenantId& tenant, const ListMembersQuery& query) = 0;

  // Deletes the member, their events and aggregates in one transaction.
  // Returns how many events were deleted; NOT_FOUND when the member does
  // not exist.
  virtual absl::StatusOr<int64_t> DeleteMember(
      const TenantId& tenant, const std::string& member_id) = 0;

  // Appends validated events in one transaction and updates the aggregates
  // of the members they touch. Returns one outcome per event, in order. On
  // OK every accepted event is durable (synced to disk); on error nothing
  // of the batch is stored. An event_id repeated within the batch is a
  // duplicate from its second occurrence on.
  virtual absl::StatusOr<std::vector<AppendOutcome>> AppendEvents(
      const TenantId& tenant, absl::Span<const model::Event> events) = 0;

  // The member's aggregates over [from, to]: daily buckets of the days that
  // overlap the range, and the threads and contacts with activity in it, as
  // they stood at `to`. Cost grows with the activity in the range, not with
  // the member's history. NOT_FOUND when the member does not exist.
  virtual absl::StatusOr<model::MemberActivity> ReadActivity(
      const TenantId& tenant, const std::string& member_id, absl::Time from,
      absl::Time to) = 0;
};

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_STORE_H_
