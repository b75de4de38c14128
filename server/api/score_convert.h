// Conversions from the scoring library's results to rapport.v1 messages.
#ifndef RAPPORT_SERVER_API_SCORE_CONVERT_H_
#define RAPPORT_SERVER_API_SCORE_CONVERT_H_

#include <string>

#include "rapport/v1/scoring.pb.h"
#include "server/board/board.h"
#include "server/board/decline.h"
#include "server/core/scores.h"
#include "server/scoring/rank.h"
#include "server/scoring/score.h"
#include "server/store/store.h"

namespace rapport::api {

// Total, pillars with components, model version.
void ToProto(const scoring::ScoreResult& score, v1::Score* out);

// `rank` may be null (the member is not ranked): then the rank is withheld.
void ToProto(const std::string& group, const scoring::GroupRank* rank,
             v1::Rank* out);

// The whole score of a board member, with ranks, 7-day change and
// forecasts; `score_floor`: ScoreQueryOptions::score_floor,
// which below_floor_time is of.
void ToProto(const board::Board& board, const board::MemberScore& member,
             double score_floor, v1::Score* out);

// A leaderboard row: the member, their rank in the ordering, totals, 7-day
// change and 7-day forecast.
void ToProto(const board::MemberScore& member, int rank,
             v1::LeaderboardEntry* out);

void ToProto(const core::HistoryPoint& point, v1::ScorePoint* out);

// `previous_time`: the instant decline.before is of.
void ToProto(const board::Decline& decline, absl::Time previous_time,
             v1::DecliningMember* out);

// A row of the score changes feed.
void ToProto(const store::ScoreFeedRow& row, v1::ScoreChange* out);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_SCORE_CONVERT_H_
