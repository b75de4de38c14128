// The Store: durable members, events and per-member aggregates, per tenant.
//
// Every method takes the tenant the caller acts for; rows of one tenant are
// never visible to another. Implementations are thread-safe.
//
// Rules every method follows (the conformance suite, tests/unit/store/
// conformance, checks them for each implementation):
// - Order. Ids and tenants compare as byte strings (std::string's
//   operator<), never by a locale's collation: "ordered by member_id" is
//   byte order, and so is every "after this id" of a page.
// - Time. Times are kept to whole microseconds, rounded down (as
//   absl::ToUnixMicros rounds): a time reads back so rounded, and a time
//   that a query compares (a range's ends, an audit query's bounds) is
//   rounded down first, so it takes in its whole microsecond.
// - Errors. A call that fails changes nothing and audits nothing.
//   INVALID_ARGUMENT's message names the field at fault ("page_size must be
//   >= 1"); every page_size, limit and max_events below 1 is
//   INVALID_ARGUMENT. Server-side failures (UNAVAILABLE, RESOURCE_EXHAUSTED,
//   DATA_LOSS, INTERNAL) carry one of the texts of errors.h. No message
//   carries SQL, file paths or a driver's text.
// - Audit. An audit entry's time is its AuditContext's time; ids grow in
//   commit order, and within one call in the order it writes its entries.
#ifndef RAPPORT_SERVER_STORE_STORE_H_
#define RAPPORT_SERVER_STORE_STORE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/common/clock.h"
#include "server/model/activity.h"
#include "server/model/event.h"
#include "server/model/member.h"
#include "server/model/score_snapshot.h"

namespace rapport::store {

// The organisation a row belongs to.
using TenantId = std::string;

// The outcome of one event of a batch.
enum class AppendOutcome {
  kAccepted,       // Stored now.
  kDuplicate,      // Its event_id was already stored; nothing changed.
  kUnknownMember,  // Its member_id names no member; nothing stored.
  // Its event_id was already stored with a different payload; nothing
  // changed. The client reuses event ids.
  kConflict,
  // Its member was deleted and not re-created since; nothing stored.
  kErasedMember,
  // Its contact was erased after the event occurred; nothing stored.
  kErasedContact,
};

// Who makes a change, recorded with it in the audit trail.
struct AuditContext {
  std::string principal;  // auth::Principal::id, e.g. "key:0123456789abcdef".
  std::string role;       // As auth::RoleName spells it.
  std::string method;     // e.g. "/rapport.v1.ActivityService/DeleteMember".
  absl::Time time;
};

// One batch of Store::AppendEventBatches: what one AppendEvents call takes.
// The events and the audit context (which may be null) are not owned.
struct EventBatch {
  TenantId tenant;
  absl::Span<const model::Event> events;
  const AuditContext* audit = nullptr;
};

// One entry of the audit trail.
struct AuditEntry {
  int64_t id = 0;  // Grows with every entry, in commit order.
  TenantId tenant;
  absl::Time time;
  std::string principal;
  std::string role;
  std::string method;
  // What was acted on: "member:<id>", "contact:<id>", "key:<id>",
  // "tenant:<id>", "events" (an ingest batch) or "" (the tenant as a whole).
  // Erasing a member or contact replaces its id here by its digest
  // (ErasureDigest), so the trail keeps what was done but not to whom.
  std::string target;
  // A summary of the change as `name=value` pairs (counts, role, outcome).
  std::string detail;
};

struct AuditQuery {
  absl::Time from = absl::InfinitePast();  // Entries with from <= time <= to.
  absl::Time to = absl::InfiniteFuture();
  std::string principal;             // Empty: any.
  std::vector<std::string> targets;  // Empty: any; else any of these.
  int page_size = 100;               // >= 1.
  int64_t before_id = 0;             // > 0: only entries with a smaller id.
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // Newest first.
  bool has_more = false;
};

// What erasing one contact removed.
struct ContactErasure {
  int64_t events = 0;
  int64_t threads = 0;
  int64_t contact_states = 0;        // One per member who had the contact.
  std::vector<std::string> members;  // Members whose aggregates changed.
};

// What one retention step removed.
struct RetentionStep {
  int64_t events = 0;
  int64_t daily_counts = 0;
  int64_t snapshots = 0;
  bool more = false;  // More is older than the cut-off: call again.
  std::vector<std::string> members;  // Whose events were removed, ordered.
};

// The kinds of person an erasure record names.
enum class ErasureKind { kMember = 1, kContact = 2 };

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

// Members whose daily score history must be recomputed from a day on,
// because events dated on or after that day were accepted after the
// history was recorded.
struct HistoryWork {
  std::string member_id;
  absl::CivilDay from_day;
  // Changes whenever more events dirty the member's history, so that work
  // completed against an older version is not lost.
  int64_t version = 0;
};

// A tenant (organisation) and its settings.
struct TenantRecord {
  TenantId tenant_id;
  std::string display_name;
  // What a rep sees of their team's leaderboard, as rapport.v1.RepLeaderboard
  // numbers it (0: unspecified, read as ranks only).
  int rep_leaderboard = 0;
  // Admins of the operator tenant may create tenants. CreateTenant sets it on
  // the first tenant ever created and on no other.
  bool operator_tenant = false;
  absl::Time create_time;
};

// An API key as stored: never its secret, only the secret's SHA-256.
struct ApiKeyRecord {
  std::string key_id;  // Unique across tenants.
  TenantId tenant;
  std::string name;
  std::string role;                // As auth::RoleName spells it.
  std::vector<std::string> teams;  // Managers' scope; none holds '\n'.
  std::string member_id;           // Reps' scope.
  std::string secret_sha256_hex;   // Lower-case hex.
  absl::Time create_time;
  std::optional<absl::Time> expire_time;
  std::optional<absl::Time> last_use_time;
  std::optional<absl::Time> revoke_time;
  std::string created_by;
};

// A target for a member's or a team's score (rapport.v1.Goal). Exactly one
// of member_id and team is set.
struct GoalRecord {
  std::string goal_id;  // "g_" then 16 lower-case hex digits.
  std::string member_id;
  std::string team;
  // As model::Pillar numbers it; 0 (unspecified) targets the total SSI.
  int pillar = 0;
  double target = 0;
  absl::Time due_time;
  std::string note;
  absl::Time create_time;
  std::string created_by;  // The principal's id.
};

// Which goals ListGoals returns: every field that is set must match.
struct GoalFilter {
  // The filter matching one goal.
  static GoalFilter ById(std::string goal_id) {
    GoalFilter f;
    f.goal_id = std::move(goal_id);
    return f;
  }
  std::string goal_id;
  std::string member_id;  // Goals of this member.
  std::string team;       // Goals of this team (not its members' goals).
};

// The most goals a tenant may hold; CreateGoal refuses more. It also bounds
// the goal series of the metrics.
inline constexpr int kMaxGoalsPerTenant = 1000;

// --- The score changes feed ---

// The feed's row of one member: what the feed last reported for them.
struct ScoreFeedRow {
  std::string member_id;
  std::string team;  // The member's team when the change was seen.
  double ssi = 0;
  // In model::Pillar order (professional brand first).
  std::array<double, 4> pillars{};
  // The SSI of the row before this change; nullopt on the member's first.
  std::optional<double> previous_ssi;
  // The tenant's sequence number of the change: every change takes the next
  // number, never one issued before.
  int64_t seq = 0;
  absl::Time change_time;
};

// The part of a row the tracker compares with the current score.
struct ScoreFeedEntry {
  std::string member_id;
  std::string team;
  double ssi = 0;
};

// A page of the feed: rows with after_seq < seq <= upto_seq and member_id
// greater than after_member_id, in member_id order.
struct ScoreFeedQuery {
  std::string team;  // Empty: every team.
  int64_t after_seq = 0;
  int64_t upto_seq = 0;
  std::string after_member_id;
  int page_size = 100;  // >= 1.
};

struct ScoreFeedPage {
  std::vector<ScoreFeedRow> rows;
  bool has_more = false;  // More rows match after the last one returned.
};

struct MemberPage {
  std::vector<model::Member> members;
  bool has_more = false;  // More members match after the last one returned.
};

// What Store::Backup wrote.
struct BackupResult {
  int64_t size_bytes = 0;
  // When the copy's snapshot was taken (read from the clock Backup is
  // given): every write that returned before it is in the copy, and no write
  // that began after it.
  absl::Time snapshot_time;
  int64_t event_count = 0;  // Events in the copy, over every tenant.
};

// --- Several processes over one store ---

// What Store::ReadMemberChanges read of a tenant's member change log.
struct MemberChanges {
  // The members changed by changes numbered after `after_seq` up to `seq`:
  // distinct, ordered by member_id.
  std::vector<std::string> member_ids;
  // The newest change number read: the `after_seq` of the next call.
  int64_t seq = 0;
  // Changes after `after_seq` were pruned from the log (or the log is
  // behind `after_seq`, as after a restore): the reader cannot know which
  // members changed and must treat every member of the tenant as changed.
  // `member_ids` is then empty and `seq` the tenant's newest number.
  bool pruned = false;
  // Changes after `seq` remain: call again.
  bool more = false;
};

// OK when `name` may name a backup file: 1-100 characters of letters,
// digits, '.', '-' and '_', not starting with '.' (so never a hidden or
// temporary file, and never a path); INVALID_ARGUMENT naming `name`
// otherwise.
absl::Status CheckBackupName(const std::string& name);

class Store {
 public:
  virtual ~Store() = default;

  // Mutations take an AuditContext: when not null, an audit entry is
  // written in the transaction of the change (and not at all when the change
  // fails). The forms without it, for tools and tests, audit nothing.

  // Creates or replaces a member's descriptive fields and profile (the
  // maintained fields are kept). `now` becomes update_time (and create_time
  // when created). INVALID_ARGUMENT when member_id is empty. Audited under
  // "member:<id>" with detail "created" or "updated".
  virtual absl::StatusOr<UpsertResult> UpsertMember(
      const TenantId& tenant, const model::Member& member, absl::Time now,
      const AuditContext* audit) = 0;
  absl::StatusOr<UpsertResult> UpsertMember(const TenantId& tenant,
                                            const model::Member& member,
                                            absl::Time now) {
    return UpsertMember(tenant, member, now, nullptr);
  }

  // UpsertMember for each of `members` (distinct member_ids), all in one
  // transaction, each audited as UpsertMember audits it, in order. Returns
  // one result per member, in order; on error (INVALID_ARGUMENT when any
  // member_id is empty) nothing is stored.
  virtual absl::StatusOr<std::vector<UpsertResult>> UpsertMembers(
      const TenantId& tenant, absl::Span<const model::Member> members,
      absl::Time now, const AuditContext* audit) = 0;

  // NOT_FOUND when the member does not exist.
  virtual absl::StatusOr<model::Member> GetMember(
      const TenantId& tenant, const std::string& member_id) = 0;

  // Members matching the query, ordered by member_id; has_more is exact
  // (false when the page holds the last match). INVALID_ARGUMENT when
  // page_size < 1.
  virtual absl::StatusOr<MemberPage> ListMembers(
      const TenantId& tenant, const ListMembersQuery& query) = 0;

  // Erases the member in one transaction: their row, events, aggregates,
  // score history, history work, goals, the score changes feed's row and the
  // API keys scoped to them; clears
  // other members' `manager` naming them; replaces their id in the audit
  // trail by its digest; and records the erasure (by digest only), so that
  // their events are refused (kErasedMember) until the member is created
  // again. The erasure is recorded at the audit context's time (the current
  // time when `audit` is null). Audited under the digest target
  // ("member:sha256:<digest>") with detail
  // "erased events=<n> keys=<n> manager_references=<n> goals=<n>".
  // Returns how many events were deleted; NOT_FOUND when the member does not
  // exist.
  virtual absl::StatusOr<int64_t> DeleteMember(const TenantId& tenant,
                                               const std::string& member_id,
                                               const AuditContext* audit) = 0;
  absl::StatusOr<int64_t> DeleteMember(const TenantId& tenant,
                                       const std::string& member_id) {
    return DeleteMember(tenant, member_id, nullptr);
  }

  // Appends validated events in one transaction and updates the aggregates
  // of the members they touch. Returns one outcome per event, in order. On
  // OK every accepted event is durable (synced to disk); on error nothing
  // of the batch is stored. An event_id repeated within the batch is a
  // duplicate from its second occurrence on (a conflict when its payload
  // differs); payloads compare field by field, occur_time at the store's
  // resolution (two times within one microsecond are the same). The audit
  // entry, under "events", summarises the batch: "events=<n>" then
  // " <outcome>=<count>" for each outcome that occurred, in the order of
  // AppendOutcome (accepted, duplicates, unknown_member, conflicts,
  // erased_member, erased_contact). An empty batch changes and audits
  // nothing.
  virtual absl::StatusOr<std::vector<AppendOutcome>> AppendEvents(
      const TenantId& tenant, absl::Span<const model::Event> events,
      const AuditContext* audit) = 0;
  absl::StatusOr<std::vector<AppendOutcome>> AppendEvents(
      const TenantId& tenant, absl::Span<const model::Event> events) {
    return AppendEvents(tenant, events, nullptr);
  }

  // Appends several batches, possibly of several tenants, as if by one
  // AppendEvents call each, in order: one result per batch. A batch sees
  // the batches before it (an event_id stored by an earlier batch is a
  // duplicate or a conflict). An implementation may commit them in one
  // transaction and one sync (group commit); a batch that would have been
  // stored alone is then stored even when another batch of the group
  // fails, and each OK result is durable when this returns. By default,
  // one AppendEvents call per batch.
  virtual std::vector<absl::StatusOr<std::vector<AppendOutcome>>>
  AppendEventBatches(absl::Span<const EventBatch> batches);

  // When the member or contact was erased (the latest erasure), or nullopt.
  // Kinds and tenants are apart: a member and a contact of one id are two
  // people.
  virtual absl::StatusOr<std::optional<absl::Time>> FindErasure(
      const TenantId& tenant, ErasureKind kind, const std::string& id) = 0;

  // Erases one contact (a prospect) across the tenant in one transaction:
  // every member's events with them, the threads and contact states those
  // events made (threads are re-derived from what remains), the daily counts
  // and event counts they added, and their id in the audit trail; the
  // history of each member concerned is re-recorded from the earliest day
  // erased. Records the erasure (by digest), so that events with the contact
  // that occurred before `now` are refused (kErasedContact). Erasing a
  // contact no member has removes nothing and still records the erasure;
  // an empty contact_id is INVALID_ARGUMENT. ContactErasure::members is
  // ordered by member_id. Audited under the digest target
  // ("contact:sha256:<digest>") with detail
  // "erased events=<n> threads=<n> contact_states=<n> members=<n>".
  virtual absl::StatusOr<ContactErasure> EraseContact(
      const TenantId& tenant, const std::string& contact_id, absl::Time now,
      const AuditContext* audit) = 0;

  // One bounded step of retention: removes up to `max_events` events that
  // occurred before `cutoff` (oldest first), with the aggregates they fed
  // (daily counts, event counts; threads and contact states re-derived from
  // what remains), the daily counts of days before cutoff's day and up to
  // `max_events` score snapshots of days before `snapshot_cutoff`, in one
  // transaction, audited as the server's own work at `now` (principal
  // "rapportd", role "system", method "retention", target "") when the
  // step removed anything. INVALID_ARGUMENT when max_events < 1.
  virtual absl::StatusOr<RetentionStep> ApplyRetention(
      const TenantId& tenant, absl::Time cutoff, absl::CivilDay snapshot_cutoff,
      int max_events, absl::Time now) = 0;

  // The member's aggregates over [from, to], as they stood at `to`: nothing
  // that occurred after `to` is reflected, whenever it was ingested.
  // - Daily buckets of every UTC day from from's day to to's day, each
  //   counting that day's events with occur_time <= to. So to's day is cut
  //   at `to` (whole when `to` is its last instant, 23:59:59.999999), and
  //   from's day is NOT cut at `from`: it also counts its events before
  //   `from`. Callers that need exact bounds use whole days after from's day
  //   (scoring does: its window ends at to's day and starts after from's).
  // - The threads and contacts with activity in [from, to], each derived
  //   from its events with occur_time <= to.
  // - Ordered: daily by (day, type, channel, seniority), threads by
  //   thread_id, contacts by contact_id.
  // Times compare at the store's resolution, whole microseconds (a `to` with
  // a finer part counts the events of its microsecond). Cost grows with the
  // activity in the range, not with the member's history; a `to` before the
  // last instant of its day adds a read of that day's events of the member.
  // NOT_FOUND when the member does not exist; INVALID_ARGUMENT when
  // from > to.
  virtual absl::StatusOr<model::MemberActivity> ReadActivity(
      const TenantId& tenant, const std::string& member_id, absl::Time from,
      absl::Time to) = 0;

  // --- Daily score history ---

  // Every tenant that has at least one member, in order.
  virtual absl::StatusOr<std::vector<TenantId>> ListTenants() = 0;

  // Inserts or replaces snapshots, keyed by (member_id, day), in one
  // transaction. Snapshots of members that do not exist are ignored, and so
  // are those whose member_create_time is set and differs from the
  // member's create_time: scored for a member since deleted and created
  // again under the same id. Scores are kept bit for bit; INVALID_ARGUMENT
  // (and nothing written) when any total or pillar is not finite.
  virtual absl::Status WriteScoreSnapshots(
      const TenantId& tenant,
      absl::Span<const model::ScoreSnapshot> snapshots) = 0;

  // The member's snapshots with day in [first, last], oldest first.
  // NOT_FOUND when the member does not exist; INVALID_ARGUMENT when
  // first > last.
  virtual absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadScoreHistory(
      const TenantId& tenant, const std::string& member_id,
      absl::CivilDay first, absl::CivilDay last) = 0;

  // The snapshots of every member of the tenant for one day, ordered by
  // member_id.
  virtual absl::StatusOr<std::vector<model::ScoreSnapshot>> ReadScoresOfDay(
      const TenantId& tenant, absl::CivilDay day) = 0;

  // AppendEvents records, in its transaction, for each member with accepted
  // events, the earliest day of those events (kept as the minimum with any
  // pending work, and with a new version never handed out before for that
  // member). This lists up to `limit` pending entries, ordered by member_id;
  // INVALID_ARGUMENT when limit < 1.
  virtual absl::StatusOr<std::vector<HistoryWork>> ListHistoryWork(
      const TenantId& tenant, int limit) = 0;

  // Removes the entry if its version is still `work.version` (otherwise
  // newer events arrived meanwhile and the entry stays). Only the member and
  // the version count, not from_day; any other version, older or newer,
  // leaves the entry; completing an entry that does not exist is OK.
  virtual absl::Status CompleteHistoryWork(const TenantId& tenant,
                                           const HistoryWork& work) = 0;

  // CompleteHistoryWork for each entry of `work`. The SQLite store does them
  // all in one transaction (one disk sync); this default completes them in
  // turn and stops at the first error.
  virtual absl::Status CompleteHistoryWorkBatch(
      const TenantId& tenant, absl::Span<const HistoryWork> work) {
    for (const HistoryWork& entry : work) {
      absl::Status status = CompleteHistoryWork(tenant, entry);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  // The last day for which every member of the tenant has a snapshot, as
  // recorded by SetRecordedThrough; nullopt before the first recording.
  virtual absl::StatusOr<std::optional<absl::CivilDay>> RecordedThrough(
      const TenantId& tenant) = 0;
  virtual absl::Status SetRecordedThrough(const TenantId& tenant,
                                          absl::CivilDay day) = 0;

  // --- The score changes feed (ScoringService.ListScoreChanges) ---

  // Every row of the tenant's feed, ordered by member_id.
  virtual absl::StatusOr<std::vector<ScoreFeedEntry>> ReadScoreFeed(
      const TenantId& tenant) = 0;

  // Records changes in one transaction: each row (its member_id, team, ssi
  // and pillars; the other fields are ignored) replaces the member's row
  // with the next sequence number of the tenant and change_time `now`,
  // keeping the replaced ssi as previous_ssi. Rows of members that do not
  // exist (just deleted) are skipped, so that no row outlives DeleteMember,
  // which deletes the member's row. Returns the rows written.
  // INVALID_ARGUMENT (and nothing written) when a row's ssi or a pillar is
  // not finite.
  virtual absl::StatusOr<int64_t> WriteScoreFeed(
      const TenantId& tenant, absl::Span<const ScoreFeedRow> changes,
      absl::Time now) = 0;

  // The highest sequence number the tenant's feed has issued; 0 for none.
  virtual absl::StatusOr<int64_t> ScoreFeedSeq(const TenantId& tenant) = 0;

  // A page of the tenant's feed (see ScoreFeedQuery); INVALID_ARGUMENT when
  // page_size < 1.
  virtual absl::StatusOr<ScoreFeedPage> ListScoreFeed(
      const TenantId& tenant, const ScoreFeedQuery& query) = 0;

  // --- Goals ---

  // Stores a new goal (its goal_id chosen by the caller) in one
  // transaction with its audit entry (target "member:<id>" for a member's
  // goal, so that erasure replaces it, "team:<name>" for a team's; the
  // detail names the goal).
  // The detail starts "goal created goal_id=<id>".
  // FAILED_PRECONDITION when the tenant already holds kMaxGoalsPerTenant
  // goals; ALREADY_EXISTS when the goal_id is taken; INVALID_ARGUMENT when
  // the goal_id is empty, the record names neither or both of member_id and
  // team, or its target is not finite.
  virtual absl::Status CreateGoal(const TenantId& tenant,
                                  const GoalRecord& goal,
                                  const AuditContext* audit) = 0;
  // The tenant's goals matching `filter`, soonest due first, ties by
  // goal_id; at most kMaxGoalsPerTenant.
  virtual absl::StatusOr<std::vector<GoalRecord>> ListGoals(
      const TenantId& tenant, const GoalFilter& filter) = 0;
  // Deletes the goal and audits it (the target as CreateGoal's, detail
  // "goal deleted goal_id=<id>"); NOT_FOUND when the tenant has no such
  // goal. DeleteMember deletes the member's goals in its transaction.
  virtual absl::Status DeleteGoal(const TenantId& tenant,
                                  const std::string& goal_id,
                                  const AuditContext* audit) = 0;

  // --- Tenants and API keys ---

  // Creates the tenant and, when `first_key` is not null, that key of it,
  // in one transaction; ALREADY_EXISTS when the tenant exists. The first
  // tenant ever created becomes the operator tenant (returned with
  // operator_tenant set); the field of `tenant` is ignored. The audit
  // entries go to the new tenant's trail: the tenant's ("tenant:<id>"),
  // then the key's as InsertApiKey audits it. ALREADY_EXISTS as well when
  // the first key's id is taken; then nothing is created.
  virtual absl::StatusOr<TenantRecord> CreateTenant(
      const TenantRecord& tenant, const ApiKeyRecord* first_key,
      const AuditContext* audit) = 0;
  absl::StatusOr<TenantRecord> CreateTenant(const TenantRecord& tenant,
                                            const ApiKeyRecord* first_key) {
    return CreateTenant(tenant, first_key, nullptr);
  }
  // The tenant, or nullopt.
  virtual absl::StatusOr<std::optional<TenantRecord>> FindTenant(
      const TenantId& tenant) = 0;
  // Stores a new key, audited under "key:<id>" (the detail never holds the
  // secret's digest); FAILED_PRECONDITION when its tenant does not exist,
  // ALREADY_EXISTS when its key_id does.
  virtual absl::Status InsertApiKey(const ApiKeyRecord& key,
                                    const AuditContext* audit) = 0;
  absl::Status InsertApiKey(const ApiKeyRecord& key) {
    return InsertApiKey(key, nullptr);
  }
  // The key with this id in any tenant, or nullopt.
  virtual absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKey(
      const std::string& key_id) = 0;
  // The tenant's keys ordered by create_time, then key_id.
  virtual absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(
      const TenantId& tenant) = 0;
  // Sets revoke_time to `now` (kept when already revoked) and returns the
  // key; audited under "key:<id>" with detail "revoked" when it sets the
  // time. NOT_FOUND when the tenant has no such key (another tenant's key
  // included).
  virtual absl::StatusOr<ApiKeyRecord> RevokeApiKey(
      const TenantId& tenant, const std::string& key_id, absl::Time now,
      const AuditContext* audit) = 0;
  absl::StatusOr<ApiKeyRecord> RevokeApiKey(const TenantId& tenant,
                                            const std::string& key_id,
                                            absl::Time now) {
    return RevokeApiKey(tenant, key_id, now, nullptr);
  }
  // Raises the key's last_use_time to `when` (never lowers it); a missing
  // key is ignored. Not audited.
  virtual absl::Status RecordApiKeyUse(const std::string& key_id,
                                       absl::Time when) = 0;

  // --- The audit trail ---

  // Appends entries on their own (reads, configuration seen at start-up),
  // in one transaction, each to its own `tenant`'s trail, with ids growing
  // in the order of `entries` (their `id` fields are ignored).
  virtual absl::Status AppendAudit(absl::Span<const AuditEntry> entries) = 0;
  // The tenant's entries matching the query, newest first: by id
  // descending, whatever their times. has_more is exact.
  // INVALID_ARGUMENT when page_size < 1.
  virtual absl::StatusOr<AuditPage> ListAudit(const TenantId& tenant,
                                              const AuditQuery& query) = 0;

  // --- Backup ---

  // Writes a consistent copy of the whole database (every tenant) to a new
  // file `name` in `directory` while the other methods go on being served.
  // `clock` is read once, when the copy's snapshot is taken. The file
  // appears under its name only once it is complete, synced to disk and
  // checked; on any error nothing is left behind. Errors: INVALID_ARGUMENT
  // naming `name` (see CheckBackupName); ALREADY_EXISTS when the directory
  // already holds that name; FAILED_PRECONDITION when the directory does not
  // exist or this store cannot be copied; RESOURCE_EXHAUSTED when the
  // directory's disk is full; UNAVAILABLE on an I/O error.
  virtual absl::StatusOr<BackupResult> Backup(const std::string& directory,
                                              const std::string& name,
                                              const Clock& clock) = 0;

  // --- Several processes over one store ---
  //
  // A store that several server processes (replicas) share tells each of
  // them what the others changed through a log of member changes: every
  // committed write that changes what a member's scores, reports or profile
  // are made of (events accepted, a profile upserted, a member deleted, a
  // contact erased, retention) adds the members it changed under the
  // tenant's next change number. Numbers grow by one per write and become
  // visible in order: a reader that has read number n has read every change
  // numbered before it. Old changes are pruned (PruneMemberChanges).
  //
  // A store of a single process keeps no log (its process hears of every
  // change through its own MemberChangeListener): the defaults below say
  // "not shared", number 0, no changes, and always hold the lease.

  // True when other processes may write to this store at the same time.
  virtual bool Shared() const { return false; }

  // The tenant's newest change number; 0 before its first change.
  virtual absl::StatusOr<int64_t> MemberChangeSeq(const TenantId& tenant);

  // Every tenant's newest change number, for the tenants with a change, in
  // one read (what a follower polls before reading the tenants that moved).
  // Ordered by tenant.
  virtual absl::StatusOr<std::vector<std::pair<TenantId, int64_t>>>
  MemberChangeSeqs();

  // The members changed by the tenant's changes numbered after `after_seq`,
  // at most `limit` numbers of them (see MemberChanges). INVALID_ARGUMENT
  // when limit < 1 or after_seq < 0.
  virtual absl::StatusOr<MemberChanges> ReadMemberChanges(
      const TenantId& tenant, int64_t after_seq, int limit);

  // Removes the tenant's changes recorded before `before`; returns how many
  // rows went. A reader more than that far behind reads `pruned`.
  virtual absl::StatusOr<int64_t> PruneMemberChanges(const TenantId& tenant,
                                                     absl::Time before);

  // The deployment's lease: the work that must run in one process of a
  // deployment at a time (the history recorder, retention, the score
  // changes feed, the per-member and team metrics) runs only in the process
  // holding it. Takes the lease when no process holds it, or confirms that
  // this one still does; true while this process holds it. Holding is
  // exclusive among the processes sharing the store, and ends when the
  // process dies or loses its connection to the store (then another takes
  // it at its next call). The default, for a store of one process: true.
  // UNAVAILABLE when the store cannot be reached (the lease is then not
  // held).
  virtual absl::StatusOr<bool> HoldLease() { return true; }
};

// The digest an erasure record and the audit trail keep in place of a
// person's id: lower-case hex SHA-256 over the tenant, the kind and the id.
std::string ErasureDigest(const TenantId& tenant, ErasureKind kind,
                          const std::string& id);

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_STORE_H_
