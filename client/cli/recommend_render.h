// Human rendering of RecommendationService.GetRecommendations. Pure.
#ifndef RAPPORT_CLIENT_CLI_RECOMMEND_RENDER_H_
#define RAPPORT_CLIENT_CLI_RECOMMEND_RENDER_H_

#include <string>

#include "rapport/v1/recommendation.pb.h"

namespace rapport::cli {

// A numbered list, largest gain first: gain, title, pillar, rationale and
// the contacts, threads and deadlines concerned.
std::string RenderRecommendations(
    const std::string& member_id,
    const rapport::v1::GetRecommendationsResponse& r);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_RECOMMEND_RENDER_H_
