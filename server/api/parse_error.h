// Requests that cannot be parsed: a string field holding invalid UTF-8 (which
// proto3 forbids) or bytes that are not a protobuf message at all.
//
// gRPC's callback handlers answer such a request UNIMPLEMENTED with an
// empty message, as if the method did not exist. The interceptor made here
// turns that answer into INVALID_ARGUMENT naming the request type, so that
// a client learns what is wrong with what it sent. Methods served as raw
// bytes (GetScore, IngestEvents) parse themselves and answer with the same
// text.
#ifndef RAPPORT_SERVER_API_PARSE_ERROR_H_
#define RAPPORT_SERVER_API_PARSE_ERROR_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/server_interceptor.h"

namespace rapport::api {

// INVALID_ARGUMENT "the request is not a valid <request_type>: a string
// field holds invalid UTF-8 or the message is malformed".
absl::Status UnparsableRequest(absl::string_view request_type);

// The request type of `full_method` ("/rapport.v1.ActivityService/GetMember"
// gives "rapport.v1.GetMemberRequest"), from the generated descriptors
// linked into the binary; "" for a method they do not describe.
std::string RequestTypeOf(absl::string_view full_method);

// A factory for grpc::ServerBuilder::experimental().SetInterceptorCreators.
// Install it first, so that later interceptors (metrics) see the rewritten
// status. Its interceptors watch calls with a request message (unary and
// server streaming); they rewrite the status only of a call whose request
// failed to deserialize. Thread-safe; holds no state beyond each call.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewParseErrorInterceptorFactory();

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_PARSE_ERROR_H_
