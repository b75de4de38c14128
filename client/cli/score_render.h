// Human renderings of ScoringService responses. Pure.
#ifndef RAPPORT_CLIENT_CLI_SCORE_RENDER_H_
#define RAPPORT_CLIENT_CLI_SCORE_RENDER_H_

#include <string>

#include "rapport/v1/scoring.pb.h"

namespace rapport::cli {

// The total, each pillar with a bar and its components with their
// explanations, the two ranks and the 7-day change.
std::string RenderScore(const rapport::v1::Score& score);

// The score's forecasts (nothing more done) and the day it falls below the
// score floor; empty when the score has no forecast.
std::string RenderForecast(const rapport::v1::Score& score);

// One row per score (total, pillars, 7-day change) and the missing ids.
std::string RenderBatchScores(const rapport::v1::BatchGetScoresResponse& r);

// Sparklines of the total and of each pillar, with first, last, min, max.
std::string RenderHistory(const std::string& member_id,
                          const rapport::v1::GetScoreHistoryResponse& r);

// Rank, name, team, total, the four pillars and the 7-day change (▲▼).
std::string RenderLeaderboard(const rapport::v1::GetLeaderboardResponse& r);

// Who fell, by how much, and which pillar fell most.
std::string RenderDecliners(const rapport::v1::ListDecliningMembersResponse& r);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_SCORE_RENDER_H_
