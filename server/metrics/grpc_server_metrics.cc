#include "server/metrics/grpc_server_metrics.h"

#include <chrono>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/support/interceptor.h"

namespace rapport::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// Indexed by grpc::StatusCode.
constexpr const char* kCodeNames[] = {"OK",
                                      "Canceled",
                                      "Unknown",
                                      "InvalidArgument",
                                      "DeadlineExceeded",
                                      "NotFound",
                                      "AlreadyExists",
                                      "PermissionDenied",
                                      "ResourceExhausted",
                                      "FailedPrecondition",
                                      "Aborted",
                                      "OutOfRange",
                                      "Unimplemented",
                                      "Internal",
                                      "Unavailable",
                                      "DataLoss",
                                      "Unauthenticated"};
constexpr int kNumCodes = sizeof(kCodeNames) / sizeof(kCodeNames[0]);

prometheus::Family<prometheus::Counter>& CounterFamily(
    prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

// One per call. Started when gRPC creates it (the call has been matched to a
// method), handled when the status is about to be sent.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(GrpcServerMetrics::Method& method)
      : method_(method), start_(std::chrono::steady_clock::now()) {
    method_.Started();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    // At the end of a client stream the hook fires with no message.
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        batch->GetRecvMessage() != nullptr) {
      method_.Received();
    }
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      method_.Sent();
    }
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      method_.Handled(
          batch->GetSendStatus().error_code(),
          absl::FromChrono(std::chrono::steady_clock::now() - start_));
    }
    batch->Proceed();
  }

 private:
  GrpcServerMetrics::Method& method_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics& metrics)
      : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    // Unimplemented methods reach gRPC's generic handler under the name the
    // client sent; see the header.
    grpc::ServerContextBase* context = info->server_context();
    if (dynamic_cast<grpc::GenericCallbackServerContext*>(context) != nullptr ||
        dynamic_cast<grpc::GenericServerContext*>(context) != nullptr ||
        info->method() == nullptr) {
      return nullptr;
    }
    return new MetricsInterceptor(
        metrics_.ForMethod(info->type(), info->method()));
  }

 private:
  GrpcServerMetrics& metrics_;
};

}  // namespace

std::string GrpcCodeName(grpc::StatusCode code) {
  const int value = static_cast<int>(code);
  if (value >= 0 && value < kNumCodes) return kCodeNames[value];
  return absl::StrCat("Code(", static_cast<uint32_t>(value), ")");
}

absl::string_view GrpcTypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

std::pair<absl::string_view, absl::string_view> SplitGrpcMethod(
    absl::string_view full_method) {
  if (!full_method.empty() && full_method.front() == '/') {
    full_method.remove_prefix(1);
  }
  const size_t slash = full_method.find('/');
  if (slash == absl::string_view::npos) return {"unknown", "unknown"};
  return {full_method.substr(0, slash), full_method.substr(slash + 1)};
}

GrpcServerMetrics::Method::Method(GrpcServerMetrics& owner,
                                  prometheus::Labels labels)
    : handled_family_(owner.handled_),
      labels_(std::move(labels)),
      started_(owner.started_.Add(labels_)),
      received_(owner.received_.Add(labels_)),
      sent_(owner.sent_.Add(labels_)),
      handling_seconds_(owner.handling_seconds_.Add(
          labels_,
          prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25, 0.5, 1, 2.5, 5, 10})) {}

void GrpcServerMetrics::Method::Handled(grpc::StatusCode code,
                                        absl::Duration elapsed) {
  const int value = static_cast<int>(code);
  prometheus::Counter* counter = nullptr;
  if (value >= 0 && value < kNumCodes) {
    counter = handled_[value].load(std::memory_order_acquire);
  }
  if (counter == nullptr) {
    // Family::Add returns the existing child for the same labels, so a race
    // between two first uses stores the same pointer twice.
    prometheus::Labels labels = labels_;
    labels.emplace("grpc_code", GrpcCodeName(code));
    counter = &handled_family_.Add(labels);
    if (value >= 0 && value < kNumCodes) {
      handled_[value].store(counter, std::memory_order_release);
    }
  }
  counter->Increment();
  handling_seconds_.Observe(absl::ToDoubleSeconds(elapsed));
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(CounterFamily(registry, "grpc_server_started_total",
                             "Total number of RPCs started on the server.")),
      handled_(CounterFamily(registry, "grpc_server_handled_total",
                             "Total number of RPCs completed on the server, "
                             "regardless of success or failure.")),
      received_(CounterFamily(
          registry, "grpc_server_msg_received_total",
          "Total number of RPC stream messages received on the server.")),
      sent_(CounterFamily(
          registry, "grpc_server_msg_sent_total",
          "Total number of gRPC stream messages sent by the server.")),
      handling_seconds_(
          prometheus::BuildHistogram()
              .Name("grpc_server_handling_seconds")
              .Help("Histogram of response latency (seconds) of gRPC that had "
                    "been application-level handled by the server.")
              .Register(registry)) {}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::NewInterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(*this);
}

GrpcServerMetrics::Method& GrpcServerMetrics::ForMethod(
    ServerRpcInfo::Type type, absl::string_view full_method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(full_method);
    if (it != methods_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Method>& slot = methods_[full_method];
  if (slot == nullptr) {
    const auto [service, method] = SplitGrpcMethod(full_method);
    slot.reset(
        new Method(*this, {{"grpc_type", std::string(GrpcTypeName(type))},
                           {"grpc_service", std::string(service)},
                           {"grpc_method", std::string(method)}}));
  }
  return *slot;
}

}  // namespace rapport::metrics
