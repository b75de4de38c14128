// Reciprocity and the core network.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "server/common/quantile.h"
#include "server/outreach/parts.h"

namespace rapport::outreach::internal {

Reciprocity ReciprocityOf(const model::MemberActivity& activity,
                          const Window& w) {
  Reciprocity r;
  std::vector<absl::Duration> answer_times;
  for (const model::ThreadState& t : activity.threads) {
    if (!w.ContactStarted(t)) continue;
    ++r.inbound_threads;
    const std::optional<absl::Time> answer = w.Seen(t.first_answer_time);
    if (!answer.has_value() || *answer < *t.first_inbound_time) continue;
    ++r.inbound_answered;
    answer_times.push_back(*answer - *t.first_inbound_time);
  }
  r.answered_share = Ratio(r.inbound_answered, r.inbound_threads);
  std::sort(answer_times.begin(), answer_times.end());
  r.median_time_to_answer = Quantile(answer_times, 0.5);
  return r;
}

IdealNetwork NetworkOf(const model::MemberActivity& activity, const Window& w,
                       const OutreachOptions& options) {
  IdealNetwork n;
  n.target_min = options.core_min;
  n.target_max = options.core_max;
  std::array<bool, model::kMaxNetworkCategory + 1> covered{};
  for (const model::ContactState& c : activity.contacts) {
    if (!w.Contains(c.last_outbound_time) || !w.Contains(c.last_inbound_time)) {
      continue;
    }
    ++n.core_count;
    const int category = static_cast<int>(c.category);
    if (category > 0 && category <= model::kMaxNetworkCategory) {
      covered[category] = true;
    }
    const absl::Time last =
        std::max(*c.last_outbound_time, *c.last_inbound_time);
    if (w.as_of() - last >= options.core_quiet_after) {
      n.gone_quiet.push_back({c.contact_id, c.category, c.seniority, last});
    }
  }
  for (int i = 1; i <= model::kMaxNetworkCategory; ++i) {
    (covered[i] ? n.categories_covered : n.categories_missing)
        .push_back(static_cast<model::NetworkCategory>(i));
  }
  std::sort(n.gone_quiet.begin(), n.gone_quiet.end(),
            [](const CoreContact& a, const CoreContact& b) {
              if (a.last_exchange_time != b.last_exchange_time) {
                return a.last_exchange_time < b.last_exchange_time;
              }
              return a.contact_id < b.contact_id;
            });
  return n;
}

}  // namespace rapport::outreach::internal
