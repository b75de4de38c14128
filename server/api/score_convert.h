// Conversions from the scoring library's results to rapport.v1 messages.
#ifndef RAPPORT_SERVER_API_SCORE_CONVERT_H_
#define RAPPORT_SERVER_API_SCORE_CONVERT_H_

#include <string>

#include "rapport/v1/scoring.pb.h"
#include "server/board/board.h"
#include "server/model/score_snapshot.h"
#include "server/scoring/rank.h"
#include "server/scoring/score.h"

namespace rapport::api {

// Total, pillars with components, model version.
void ToProto(const scoring::ScoreResult& score, v1::Score* out);

// `rank` may be null (the member is not ranked): then the rank is withheld.
void ToProto(const std::string& group, const scoring::GroupRank* rank,
             v1::Rank* out);

// The whole score of a board member, with ranks and 7-day change.
void ToProto(const board::Board& board, const board::MemberScore& member,
             v1::Score* out);

void ToProto(const scoring::MemberTotals& totals, v1::LeaderboardEntry* out);

void ToProto(const model::ScoreSnapshot& snapshot, v1::ScorePoint* out);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_SCORE_CONVERT_H_
