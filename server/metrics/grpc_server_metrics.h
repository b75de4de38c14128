// Per-RPC metrics of a gRPC server from one server interceptor, with the
// names, labels, help strings and buckets of the grpc-ecosystem Go middleware
// (go-grpc-prometheus), so that dashboards written for it work unchanged:
//
//   grpc_server_started_total        {grpc_type, grpc_service, grpc_method}
//   grpc_server_handled_total        {..., grpc_code}
//   grpc_server_msg_received_total   {grpc_type, grpc_service, grpc_method}
//   grpc_server_msg_sent_total       {grpc_type, grpc_service, grpc_method}
//   grpc_server_handling_seconds     histogram, prometheus' default buckets
#ifndef RAPPORT_SERVER_METRICS_GRPC_SERVER_METRICS_H_
#define RAPPORT_SERVER_METRICS_GRPC_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace rapport::metrics {

// Go's name of `code` ("OK", "Canceled", ..., "Unauthenticated"); a value
// outside the 17 codes prints as Go prints it, "Code(N)" with N unsigned.
std::string GrpcCodeName(grpc::StatusCode code);

// "unary", "client_stream", "server_stream" or "bidi_stream".
absl::string_view GrpcTypeName(grpc::experimental::ServerRpcInfo::Type type);

// "/package.Service/Method" -> {"package.Service", "Method"}; a name without
// a second '/' gives {"unknown", "unknown"}, as in go-grpc-prometheus.
std::pair<absl::string_view, absl::string_view> SplitGrpcMethod(
    absl::string_view full_method);

// Registers the five families in a registry and hands out the interceptor
// factory that fills them. Thread-safe. Label children are created once per
// method (and per status code on its first use), so an RPC costs a lookup in
// a map under a reader lock plus a few atomic increments.
//
// Calls routed to a generic service (in practice: methods the server does
// not implement, which gRPC answers UNIMPLEMENTED through its own generic
// handler) are not counted: their method name is chosen by the client, so
// counting them would let any client create series, and go-grpc-prometheus
// does not see them either.
class GrpcServerMetrics {
 public:
  // The series of one method.
  class Method {
   public:
    void Started() { started_.Increment(); }
    void Received() { received_.Increment(); }
    void Sent() { sent_.Increment(); }
    // Counts the call as handled with `code` and observes its handling time.
    void Handled(grpc::StatusCode code, absl::Duration elapsed);

   private:
    friend class GrpcServerMetrics;
    Method(GrpcServerMetrics& owner, prometheus::Labels labels);

    prometheus::Family<prometheus::Counter>& handled_family_;
    const prometheus::Labels labels_;
    prometheus::Counter& started_;
    prometheus::Counter& received_;
    prometheus::Counter& sent_;
    prometheus::Histogram& handling_seconds_;
    // Handled children of codes 0-16, created on their first use.
    std::array<std::atomic<prometheus::Counter*>, 17> handled_{};
  };

  // Registers the families in `registry`, which must outlive this object.
  // Throws (as prometheus-cpp's builders do) only if the registry already
  // holds one of these names with another type.
  explicit GrpcServerMetrics(prometheus::Registry& registry);
  GrpcServerMetrics(const GrpcServerMetrics&) = delete;
  GrpcServerMetrics& operator=(const GrpcServerMetrics&) = delete;

  // A factory for grpc::ServerBuilder::experimental().SetInterceptorCreators.
  // Its interceptors refer to this object, which must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewInterceptorFactory();

  // The series of `full_method` ("/package.Service/Method"), created on the
  // first call; the same object afterwards, valid as long as this one.
  Method& ForMethod(grpc::experimental::ServerRpcInfo::Type type,
                    absl::string_view full_method);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;

  absl::Mutex mu_;
  // Keyed by the full method name; a method's type never changes.
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_GRPC_SERVER_METRICS_H_
