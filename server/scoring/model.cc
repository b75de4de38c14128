#include "server/scoring/model.h"

namespace rapport::scoring {

double SeniorityWeights::Of(model::Seniority seniority) const {
  switch (seniority) {
    case model::Seniority::kCSuite:
      return c_suite;
    case model::Seniority::kVp:
      return vp;
    case model::Seniority::kDirector:
      return director;
    case model::Seniority::kManager:
      return manager;
    case model::Seniority::kIndividualContributor:
      return individual_contributor;
    case model::Seniority::kUnknown:
      break;
  }
  return unknown;
}

}  // namespace rapport::scoring
