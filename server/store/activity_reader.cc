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

// The member's threads and contacts with activity in [from, to], each as it
// stood at `to`. A stored state whose last event is after `to` is derived
// again from its events up to `to`, all of them from one walk of the
// member's events.
absl::Status StatesAsOf(Connection& conn, const TenantId& tenant,
                        const std::string& member_id, absl::Time from,
                        absl::Time to, model::MemberActivity& activity) {
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<StoredThread> threads,
      ReadThreadsActiveIn(conn, tenant, member_id, from, to));
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<StoredContact> contacts,
      ReadContactsActiveIn(conn, tenant, member_id, from, to));
  MemberKeys later;
  for (const StoredThread& thread : threads) {
    if (thread.last_activity_time > to) {
      later.threads.insert(thread.state.thread_id);
    }
  }
  for (const StoredContact& contact : contacts) {
    if (contact.last_activity_time > to) {
      later.contacts.insert(contact.state.contact_id);
    }
  }
  MemberStates past;
  if (!later.threads.empty() || !later.contacts.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(
        past, RecomputeMemberStates(conn, tenant, member_id, later, to));
  }
  activity.threads.reserve(threads.size());
  for (StoredThread& thread : threads) {
    if (thread.last_activity_time <= to) {
      activity.threads.push_back(std::move(thread.state));
      continue;
    }
    auto it = past.threads.find(thread.state.thread_id);
    if (it != past.threads.end()) {
      activity.threads.push_back(std::move(it->second.state));
    }
  }
  activity.contacts.reserve(contacts.size());
  for (StoredContact& contact : contacts) {
    if (contact.last_activity_time <= to) {
      activity.contacts.push_back(std::move(contact.state));
      continue;
    }
    auto it = past.contacts.find(contact.state.contact_id);
    if (it != past.contacts.end()) {
      activity.contacts.push_back(std::move(it->second.state));
    }
  }
  return absl::OkStatus();
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
  RAPPORT_RETURN_IF_ERROR(
      StatesAsOf(conn, tenant, member_id, from, to, activity));
  return activity;
}

}  // namespace rapport::store::internal
