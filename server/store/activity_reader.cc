#include "server/store/activity_reader.h"

#include <optional>
#include <utility>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/contact_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/member_table.h"
#include "server/store/state_recompute.h"
#include "server/store/thread_table.h"

namespace rapport::store::internal {
namespace {

absl::StatusOr<std::vector<model::ThreadState>> ThreadsAsOf(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<StoredThread> stored,
      ReadThreadsActiveIn(conn, tenant, member_id, from, to));
  std::vector<model::ThreadState> threads;
  threads.reserve(stored.size());
  for (StoredThread& thread : stored) {
    if (thread.last_activity_time <= to) {
      threads.push_back(std::move(thread.state));
      continue;
    }
    RAPPORT_ASSIGN_OR_RETURN(
        std::optional<StoredThread> past,
        RecomputeThread(conn, tenant, member_id, thread.state.thread_id, to));
    if (past.has_value()) threads.push_back(std::move(past->state));
  }
  return threads;
}

absl::StatusOr<std::vector<model::ContactState>> ContactsAsOf(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<StoredContact> stored,
      ReadContactsActiveIn(conn, tenant, member_id, from, to));
  std::vector<model::ContactState> contacts;
  contacts.reserve(stored.size());
  for (StoredContact& contact : stored) {
    if (contact.last_activity_time <= to) {
      contacts.push_back(std::move(contact.state));
      continue;
    }
    RAPPORT_ASSIGN_OR_RETURN(std::optional<StoredContact> past,
                             RecomputeContact(conn, tenant, member_id,
                                              contact.state.contact_id, to));
    if (past.has_value()) contacts.push_back(std::move(past->state));
  }
  return contacts;
}

// The buckets of the days from `from`'s to `to`'s, each counting that day's
// events with occur_time <= to. Only to's day can hold later events; unless
// `to` is its day's last instant, that day is summed from its events instead
// of read from daily_counts.
absl::StatusOr<std::vector<model::DailyCount>> DailyAsOf(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  const int64_t first_day = DayNumber(from), last_day = DayNumber(to);
  if (IsLastInstantOfDay(to)) {
    return ReadDailyCounts(conn, tenant, member_id, first_day, last_day);
  }
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<model::DailyCount> daily,
      ReadDailyCounts(conn, tenant, member_id, first_day, last_day - 1));
  RAPPORT_ASSIGN_OR_RETURN(std::vector<model::DailyCount> partial,
                           CountDayUpTo(conn, tenant, member_id, to));
  daily.insert(daily.end(), partial.begin(), partial.end());
  return daily;
}

}  // namespace

absl::StatusOr<model::MemberActivity> ReadMemberActivity(
    Connection& conn, const TenantId& tenant, const std::string& member_id,
    absl::Time from, absl::Time to) {
  if (from > to) {
    return absl::InvalidArgumentError("the range starts after it ends");
  }
  RAPPORT_ASSIGN_OR_RETURN(bool exists, MemberExists(conn, tenant, member_id));
  if (!exists) return absl::NotFoundError("member not found");
  model::MemberActivity activity;
  RAPPORT_ASSIGN_OR_RETURN(activity.daily,
                           DailyAsOf(conn, tenant, member_id, from, to));
  RAPPORT_ASSIGN_OR_RETURN(activity.threads,
                           ThreadsAsOf(conn, tenant, member_id, from, to));
  RAPPORT_ASSIGN_OR_RETURN(activity.contacts,
                           ContactsAsOf(conn, tenant, member_id, from, to));
  return activity;
}

}  // namespace rapport::store::internal
