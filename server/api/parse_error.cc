#include "server/api/parse_error.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/support/interceptor.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// One per call with a request message.
class ParseErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(std::string request_type)
      : request_type_(std::move(request_type)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    // gRPC deserializes the request before the handler runs and reports a
    // failure as a received message that is null.
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        batch->GetRecvMessage() == nullptr) {
      unparsable_ = true;
    }
    if (unparsable_ &&
        batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        batch->GetSendStatus().error_code() ==
            grpc::StatusCode::UNIMPLEMENTED) {
      batch->ModifySendStatus(ToGrpcStatus(UnparsableRequest(request_type_)));
    }
    batch->Proceed();
  }

 private:
  const std::string request_type_;
  // Set on the receiving side, read on the sending side: gRPC runs a call's
  // interception batches one after the other.
  bool unparsable_ = false;
};

class ParseErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    grpc::ServerContextBase* context = info->server_context();
    if (dynamic_cast<grpc::GenericCallbackServerContext*>(context) != nullptr ||
        dynamic_cast<grpc::GenericServerContext*>(context) != nullptr ||
        info->method() == nullptr ||
        info->type() == ServerRpcInfo::Type::CLIENT_STREAMING ||
        info->type() == ServerRpcInfo::Type::BIDI_STREAMING) {
      return nullptr;
    }
    return new ParseErrorInterceptor(RequestTypeOf(info->method()));
  }
};

}  // namespace

absl::Status UnparsableRequest(absl::string_view request_type) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the request is not a valid ",
      request_type.empty() ? "request message" : request_type,
      ": a string field holds invalid UTF-8 or the message is malformed"));
}

std::string RequestTypeOf(absl::string_view full_method) {
  if (!full_method.empty() && full_method.front() == '/') {
    full_method.remove_prefix(1);
  }
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrReplaceAll(full_method, {{"/", "."}}));
  return method == nullptr ? std::string() : method->input_type()->full_name();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewParseErrorInterceptorFactory() {
  return std::make_unique<ParseErrorInterceptorFactory>();
}

}  // namespace rapport::api
