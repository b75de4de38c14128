#include "server/scoring/rescorer.h"

#include <algorithm>

#include "server/scoring/event_totals.h"
#include "server/scoring/pillars.h"

namespace rapport::scoring {
namespace {

// The sums over `items`, from the base's prefix up to the first changed
// index, then each item's base terms or, when changed or new, its own: the
// same terms added in the same order as a full pass.
template <typename Sums, typename Terms, typename Item, typename TermsOf>
Sums Resum(const std::vector<Item>& items, const std::vector<Terms>& base,
           const std::vector<Sums>& prefix, const std::vector<size_t>& changed,
           const TermsOf& terms_of) {
  const size_t n = base.size();
  const size_t first = changed.empty() ? n : std::min(changed.front(), n);
  Sums sums = prefix[first];
  size_t next = 0;
  for (size_t i = first; i < n; ++i) {
    while (next < changed.size() && changed[next] < i) ++next;
    if (next < changed.size() && changed[next] == i) {
      sums.Add(terms_of(items[i]));
    } else {
      sums.Add(base[i]);
    }
  }
  for (size_t i = n; i < items.size(); ++i) sums.Add(terms_of(items[i]));
  return sums;
}

}  // namespace

Rescorer::Rescorer(const ScoringModel& model, absl::Time as_of,
                   const model::MemberActivity& base)
    : model_(model),
      recency_(model.window_days, model.half_life_days, as_of),
      events_(base.daily, recency_),
      buckets_by_type_(model::kMaxEventType + 1) {
  bucket_ages_.reserve(base.daily.size());
  for (size_t i = 0; i < base.daily.size(); ++i) {
    const model::DailyCount& d = base.daily[i];
    bucket_ages_.push_back(recency_.AgeOf(d.day));
    const int type = static_cast<int>(d.type);
    if (type > 0 && type <= model::kMaxEventType) {
      buckets_by_type_[type].push_back(i);
    }
  }
  contact_terms_.reserve(base.contacts.size());
  contact_prefix_.reserve(base.contacts.size() + 1);
  contact_prefix_.emplace_back();
  for (const model::ContactState& c : base.contacts) {
    contact_terms_.push_back(internal::TermsOf(c, model_, recency_));
    contact_prefix_.push_back(contact_prefix_.back());
    contact_prefix_.back().Add(contact_terms_.back());
  }
  thread_terms_.reserve(base.threads.size());
  thread_prefix_.reserve(base.threads.size() + 1);
  thread_prefix_.emplace_back();
  for (const model::ThreadState& t : base.threads) {
    thread_terms_.push_back(internal::TermsOf(t, recency_));
    thread_prefix_.push_back(thread_prefix_.back());
    thread_prefix_.back().Add(thread_terms_.back());
  }
}

ScoreResult Rescorer::Figures(const model::Profile& profile,
                              const model::MemberActivity& activity) const {
  const internal::EventTotals events(activity.daily, recency_);
  return internal::ScoreIn({.model = model_,
                            .profile = profile,
                            .activity = activity,
                            .recency = recency_,
                            .events = events});
}

ScoreResult Rescorer::Figures(const model::Profile& profile,
                              const model::MemberActivity& variant,
                              const Changes& changes) const {
  if (variant.daily.size() < bucket_ages_.size() ||
      variant.contacts.size() < contact_terms_.size() ||
      variant.threads.size() < thread_terms_.size()) {
    return Figures(profile, variant);
  }
  // The base's totals, with the types of changed and new buckets summed
  // again over their buckets in order.
  internal::EventTotals events = events_;
  std::vector<bool> touched(model::kMaxEventType + 1, false);
  auto touch = [&](size_t i) {
    const int type = static_cast<int>(variant.daily[i].type);
    if (type > 0 && type <= model::kMaxEventType) touched[type] = true;
  };
  for (size_t i : changes.buckets) {
    if (i < variant.daily.size()) touch(i);
  }
  for (size_t i = bucket_ages_.size(); i < variant.daily.size(); ++i) touch(i);
  for (int type = 1; type <= model::kMaxEventType; ++type) {
    if (!touched[type]) continue;
    std::vector<size_t> indices = buckets_by_type_[type];
    for (size_t i = bucket_ages_.size(); i < variant.daily.size(); ++i) {
      indices.push_back(i);
    }
    events.Recount(type, variant.daily, indices, bucket_ages_, recency_);
  }
  internal::ActivitySums sums;
  sums.contacts = Resum(variant.contacts, contact_terms_, contact_prefix_,
                        changes.contacts, [this](const model::ContactState& c) {
                          return internal::TermsOf(c, model_, recency_);
                        });
  sums.threads = Resum(variant.threads, thread_terms_, thread_prefix_,
                       changes.threads, [this](const model::ThreadState& t) {
                         return internal::TermsOf(t, recency_);
                       });
  return internal::ScoreIn({.model = model_,
                            .profile = profile,
                            .activity = variant,
                            .recency = recency_,
                            .events = events,
                            .sums = &sums});
}

}  // namespace rapport::scoring
