// Every rapport.v1 method, as the Connect handler serves them: the table
// the Connect fuzz targets pick methods from.
#ifndef RAPPORT_TESTS_FUZZ_RAPPORT_METHODS_H_
#define RAPPORT_TESTS_FUZZ_RAPPORT_METHODS_H_

#include "google/protobuf/descriptor.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/admin.pb.h"
#include "rapport/v1/goal.pb.h"
#include "rapport/v1/outreach.pb.h"
#include "rapport/v1/recommendation.pb.h"
#include "rapport/v1/scoring.pb.h"
#include "rapport/v1/validation.pb.h"
#include "server/connect/method_table.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {

// Built once; aborts the target when the descriptors are not there.
inline const connect::MethodTable& RapportMethods() {
  static const connect::MethodTable* const table = [] {
    // Naming one message of each file links its descriptors in.
    (void)v1::UpsertMemberRequest::descriptor();
    (void)v1::CreateTenantRequest::descriptor();
    (void)v1::CreateGoalRequest::descriptor();
    (void)v1::GetOutreachEffectivenessRequest::descriptor();
    (void)v1::GetRecommendationsRequest::descriptor();
    (void)v1::GetScoreRequest::descriptor();
    (void)v1::GetValidationReportRequest::descriptor();
    auto methods = connect::MethodTable::ForServices(
        {"rapport.v1.ActivityService", "rapport.v1.ScoringService",
         "rapport.v1.OutreachService", "rapport.v1.RecommendationService",
         "rapport.v1.AdminService", "rapport.v1.GoalService",
         "rapport.v1.ValidationService"},
        *google::protobuf::DescriptorPool::generated_pool());
    if (!methods.ok()) Fail("MethodTable::ForServices", methods.status());
    return new connect::MethodTable(*std::move(methods));
  }();
  return *table;
}

}  // namespace rapport::fuzz

#endif  // RAPPORT_TESTS_FUZZ_RAPPORT_METHODS_H_
