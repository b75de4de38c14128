// Conversions between the public API (rapport.v1 protobuf messages) and the
// plain domain model. Inputs are assumed validated (see validate.h): enum
// values in range, timestamps representable.
#ifndef RAPPORT_SERVER_API_CONVERT_H_
#define RAPPORT_SERVER_API_CONVERT_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/common.pb.h"
#include "server/model/enums.h"
#include "server/model/event.h"
#include "server/model/member.h"

namespace rapport::api {

absl::Time FromProtoTime(const google::protobuf::Timestamp& t);
void ToProtoTime(absl::Time t, google::protobuf::Timestamp* out);

model::Member FromProto(const v1::Member& member);
void ToProto(const model::Member& member, v1::Member* out);

model::Event FromProto(const v1::Event& event);

// The model's Pillar mirrors rapport.v1.Pillar value for value.
model::Pillar FromProto(v1::Pillar pillar);
v1::Pillar ToProto(model::Pillar pillar);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_CONVERT_H_
