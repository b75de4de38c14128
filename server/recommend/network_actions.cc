// The core network (Cross & Thomas): reconnecting with core contacts gone
// quiet, filling missing categories, growing the core toward 12-18.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/recommend/candidates.h"

namespace rapport::recommend::internal {
namespace {

constexpr int kReconnects = 5;
constexpr int kCategoryContacts = 3;
constexpr int kGrowContacts = 5;

absl::Time WindowStart(const Context& ctx) {
  const absl::CivilDay day = absl::ToCivilDay(ctx.as_of, absl::UTCTimeZone());
  return absl::FromCivil(day - (std::max(ctx.model.window_days, 1) - 1),
                         absl::UTCTimeZone());
}

bool InWindow(const Context& ctx, const std::optional<absl::Time>& t) {
  return t.has_value() && *t >= WindowStart(ctx) && *t <= ctx.as_of;
}

// The member writes to `c`: in their latest thread together, else in a new
// one.
MessageEdit WriteTo(const Context& ctx, const model::ContactState& c,
                    absl::string_view new_thread_prefix) {
  MessageEdit m;
  m.contact_id = c.contact_id;
  m.seniority = c.seniority;
  m.category = c.category;
  const model::ThreadState* latest = nullptr;
  auto last = [](const model::ThreadState& t) {
    return std::max(t.last_outbound_time.value_or(absl::InfinitePast()),
                    t.last_inbound_time.value_or(absl::InfinitePast()));
  };
  for (const model::ThreadState& t : ctx.activity.threads) {
    if (t.contact_id != c.contact_id) continue;
    if (latest == nullptr || last(t) > last(*latest) ||
        (last(t) == last(*latest) && t.thread_id < latest->thread_id)) {
      latest = &t;
    }
  }
  if (latest != nullptr) {
    m.thread_id = latest->thread_id;
    m.channel = latest->channel;
  } else {
    m.thread_id = absl::StrCat(new_thread_prefix, c.contact_id);
  }
  return m;
}

const model::ContactState* Find(const Context& ctx, const std::string& id) {
  for (const model::ContactState& c : ctx.activity.contacts) {
    if (c.contact_id == id) return &c;
  }
  return nullptr;
}

// Contacts who wrote in the window while the member has not written to them
// in it: answering them makes a two-way exchange. Latest first.
std::vector<const model::ContactState*> Waiting(const Context& ctx) {
  std::vector<const model::ContactState*> out;
  for (const model::ContactState& c : ctx.activity.contacts) {
    if (InWindow(ctx, c.last_inbound_time) &&
        !InWindow(ctx, c.last_outbound_time)) {
      out.push_back(&c);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    if (*a->last_inbound_time != *b->last_inbound_time) {
      return *a->last_inbound_time > *b->last_inbound_time;
    }
    return a->contact_id < b->contact_id;
  });
  return out;
}

}  // namespace

// The contacts about to drop out of the core network first.
Candidate Reconnect(const Context& ctx) {
  const std::vector<outreach::CoreContact>& quiet = ctx.network.gone_quiet;
  if (quiet.empty()) return std::nullopt;
  struct Due {
    const model::ContactState* contact;
    absl::Time leaves;  // When the older of the two last messages leaves.
  };
  std::vector<Due> due;
  for (const outreach::CoreContact& q : quiet) {
    const model::ContactState* c = Find(ctx, q.contact_id);
    if (c == nullptr) continue;
    const absl::Time older =
        std::min(*c->last_outbound_time, *c->last_inbound_time);
    due.push_back(
        {c, absl::FromCivil(absl::ToCivilDay(older, absl::UTCTimeZone()) +
                                ctx.model.window_days,
                            absl::UTCTimeZone())});
  }
  if (due.empty()) return std::nullopt;
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    return std::tie(a.leaves, a.contact->contact_id) <
           std::tie(b.leaves, b.contact->contact_id);
  });
  const int n = std::min<int>(kReconnects, static_cast<int>(due.size()));
  Recommendation r;
  r.kind = Kind::kReconnect;
  r.pillar = model::Pillar::kBuildRelationships;
  r.title =
      n == 1 ? "Reconnect with a core contact gone quiet"
             : absl::StrCat("Reconnect with ", n, " core contacts gone quiet");
  for (int i = 0; i < n; ++i) {
    r.action.messages.push_back(WriteTo(ctx, *due[i].contact, "reconnect:"));
    r.targets.push_back(ForContact(due[i].contact->contact_id, due[i].leaves));
  }
  for (MessageEdit& m : r.action.messages) {
    m.answer_probability = ctx.reply_rate;
  }
  r.rationale = absl::StrCat(
      quiet.size(), " of your ",
      Count(ctx.network.core_count, "core contact", "core contacts"),
      quiet.size() == 1 ? " has" : " have",
      " not exchanged with you for 30 days or more; each drops out of your "
      "core network when the older of your last messages leaves the ",
      ctx.model.window_days,
      "-day window (the due date); at your reply rate of ", Pct(ctx.reply_rate),
      ", expect ", Approx(n * ctx.reply_rate), " answers on average");
  return r;
}

// Only with contacts who carry a category, and only those waiting for the
// member's answer: the answer alone makes them core.
Candidate FillNetworkCategories(const Context& ctx) {
  const auto& missing = ctx.network.categories_missing;
  if (missing.empty()) return std::nullopt;
  std::array<bool, model::kMaxNetworkCategory + 1> wanted{};
  for (model::NetworkCategory c : missing) wanted[static_cast<int>(c)] = true;
  Recommendation r;
  std::vector<std::string> filled;
  for (const model::ContactState* c : Waiting(ctx)) {
    const int category = static_cast<int>(c->category);
    if (category <= 0 || category > model::kMaxNetworkCategory ||
        !wanted[category]) {
      continue;
    }
    wanted[category] = false;  // One contact per category.
    r.action.messages.push_back(WriteTo(ctx, *c, "reply:"));
    r.targets.push_back(ForContact(c->contact_id));
    filled.push_back(CategoryName(c->category));
    if (static_cast<int>(filled.size()) == kCategoryContacts) break;
  }
  if (filled.empty()) return std::nullopt;
  std::vector<std::string> covered, lacking;
  for (auto c : ctx.network.categories_covered)
    covered.push_back(CategoryName(c));
  for (auto c : missing) lacking.push_back(CategoryName(c));
  r.kind = Kind::kFillNetworkCategories;
  r.pillar = model::Pillar::kBuildRelationships;
  r.title = absl::StrCat(
      "Answer ",
      filled.size() == 1 ? "the contact"
                         : absl::StrCat("the ", filled.size(), " contacts"),
      " who can add ", absl::StrJoin(filled, ", "), " to your core network");
  r.rationale = absl::StrCat(
      "Your core network ",
      covered.empty() ? "covers no category"
                      : absl::StrCat("covers ", absl::StrJoin(covered, ", ")),
      " and misses ", absl::StrJoin(lacking, ", "),
      "; these contacts wrote to you and wait for your answer");
  return r;
}

// Growing only: under the model, two-way relationships saturate at their
// target and never cost points, so pruning a core above 18 gains nothing.
Candidate ShapeCoreNetwork(const Context& ctx) {
  const int core = ctx.network.core_count;
  if (core >= ctx.network.target_min) return std::nullopt;
  const std::vector<const model::ContactState*> waiting = Waiting(ctx);
  if (waiting.empty()) return std::nullopt;
  const int n = std::min<int>({kGrowContacts, ctx.network.target_min - core,
                               static_cast<int>(waiting.size())});
  Recommendation r;
  r.kind = Kind::kShapeCoreNetwork;
  r.pillar = model::Pillar::kBuildRelationships;
  r.title = absl::StrCat("Answer ", Count(n, "contact", "contacts"),
                         " who wrote to you, to grow your core network");
  r.rationale = absl::StrCat(
      "You exchanged both ways with ", Count(core, "contact", "contacts"),
      " in the last ", ctx.model.window_days, " days; effective networks keep ",
      ctx.network.target_min, " to ", ctx.network.target_max,
      " such relationships, and ",
      Count(static_cast<int64_t>(waiting.size()), "contact", "contacts"),
      " wrote to you without an answer");
  for (int i = 0; i < n; ++i) {
    r.action.messages.push_back(WriteTo(ctx, *waiting[i], "reply:"));
    r.targets.push_back(ForContact(waiting[i]->contact_id));
  }
  return r;
}

}  // namespace rapport::recommend::internal
