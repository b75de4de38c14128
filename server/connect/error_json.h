// Connect's error documents: the JSON body of a unary error and the
// end-of-stream message of a streaming response. Pure.
#ifndef RAPPORT_SERVER_CONNECT_ERROR_JSON_H_
#define RAPPORT_SERVER_CONNECT_ERROR_JSON_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace rapport::connect {

// One error detail: a google.protobuf.Any, its type without the
// "type.googleapis.com/" prefix.
struct ErrorDetail {
  std::string type;   // "google.rpc.BadRequest".
  std::string value;  // The serialized message.
};

// The details of a gRPC status: the Any messages of the google.rpc.Status
// in grpc-status-details-bin (grpc::Status::error_details()); none when it
// is empty or cannot be parsed.
std::vector<ErrorDetail> DetailsOf(absl::string_view status_details_bin);

// {"code":"invalid_argument","message":"...","details":[{"type":"...",
// "value":"<base64, unpadded>"}]}: "message" and "details" only when not
// empty. An OK status is written as code "unknown".
std::string ErrorJson(const grpc::Status& status);

// A streaming response's end-of-stream message: {"error":{...}} (as
// ErrorJson) unless `status` is OK, and {"metadata":{"key":["value"]}}
// with the trailers when there are any.
std::string EndOfStreamJson(
    const grpc::Status& status,
    const std::vector<std::pair<std::string, std::string>>& trailers);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_ERROR_JSON_H_
