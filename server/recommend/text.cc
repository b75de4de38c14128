// Helpers shared by the candidates: components of the current score,
// expected answers, and the words of titles and rationales.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/recommend/candidates.h"

namespace rapport::recommend::internal {

const scoring::ComponentScore* ComponentOf(const scoring::ScoreResult& r,
                                           absl::string_view name) {
  for (const scoring::PillarScore& p : r.pillars) {
    for (const scoring::ComponentScore& c : p.components) {
      if (c.name == name) return &c;
    }
  }
  return nullptr;
}

bool IsFull(const scoring::ScoreResult& r, absl::string_view name) {
  const scoring::ComponentScore* c = ComponentOf(r, name);
  return c != nullptr && c->raw_value >= c->target;
}

std::string Approx(double x) {
  if (!(x > 0)) return "0";
  return absl::StrFormat(x < 0.095 ? "%.2f" : "%.1f", x);
}

int64_t CountInDays(const Context& ctx, model::EventType type, int days) {
  const absl::CivilDay last = absl::ToCivilDay(ctx.as_of, absl::UTCTimeZone());
  const absl::CivilDay first = last - (days - 1);
  int64_t n = 0;
  for (const model::DailyCount& d : ctx.activity.daily) {
    if (d.type == type && d.day >= first && d.day <= last && d.count > 0) {
      n += d.count;
    }
  }
  return n;
}

int WholeTarget(double target) {
  return static_cast<int>(std::ceil(std::max(target, 0.0) - 1e-9));
}

std::string Count(int64_t n, absl::string_view singular,
                  absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

std::string Pct(double rate) { return absl::StrFormat("%.0f%%", 100 * rate); }

std::string SeniorityName(model::Seniority s) {
  switch (s) {
    case model::Seniority::kCSuite:
      return "C-suite";
    case model::Seniority::kVp:
      return "VP";
    case model::Seniority::kDirector:
      return "director";
    case model::Seniority::kManager:
      return "manager";
    case model::Seniority::kIndividualContributor:
      return "individual contributor";
    default:
      return "unknown seniority";
  }
}

std::string CategoryName(model::NetworkCategory c) {
  switch (c) {
    case model::NetworkCategory::kInformation:
      return "information and expertise";
    case model::NetworkCategory::kCrossIndustryPeer:
      return "peers in other industries";
    case model::NetworkCategory::kPower:
      return "people who open doors";
    case model::NetworkCategory::kFeedback:
      return "feedback";
    case model::NetworkCategory::kGeographicPeer:
      return "peers in another region";
    case model::NetworkCategory::kPersonalSupport:
      return "personal support";
    case model::NetworkCategory::kWellBeing:
      return "well-being";
    default:
      return "uncategorised";
  }
}

std::string DateOf(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

}  // namespace rapport::recommend::internal
