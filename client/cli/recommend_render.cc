#include "client/cli/recommend_render.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/format.h"
#include "client/cli/names.h"

namespace rapport::cli {
namespace {

std::string Target(const rapport::v1::RecommendationTarget& t) {
  std::vector<std::string> parts;
  if (!t.contact_id().empty()) parts.push_back("contact " + t.contact_id());
  if (!t.thread_id().empty()) parts.push_back("thread " + t.thread_id());
  if (t.has_due_time()) parts.push_back("due " + FormatTimestamp(t.due_time()));
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string RenderRecommendations(
    const std::string& member_id,
    const rapport::v1::GetRecommendationsResponse& r) {
  // The instant they were computed at; servers before it existed say none.
  const std::string when =
      r.has_as_of() ? "as of " + FormatTimestamp(r.as_of()) : "now";
  std::string out =
      absl::StrFormat("recommendations for %s (SSI %.1f %s, model %s)\n",
                      member_id, r.current_total(), when,
                      r.model_version().empty() ? "-" : r.model_version());
  if (r.recommendations().empty()) {
    return out + "  nothing to recommend\n";
  }
  int n = 0;
  for (const rapport::v1::Recommendation& rec : r.recommendations()) {
    absl::StrAppend(&out, absl::StrFormat("%3d. %+.2f  %s  [%s]\n", ++n,
                                          rec.expected_gain(), rec.title(),
                                          PillarName(rec.pillar())));
    if (!rec.rationale().empty()) {
      absl::StrAppend(&out, "       ", rec.rationale(), "\n");
    }
    for (const auto& t : rec.targets()) {
      absl::StrAppend(&out, "       - ", Target(t), "\n");
    }
  }
  return out;
}

}  // namespace rapport::cli
