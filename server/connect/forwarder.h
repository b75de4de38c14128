// Calls the server's own gRPC handlers through its in-process channel with
// serialized messages (grpc::GenericStub), so that a Connect call runs the
// same handler, interceptors and limits as a gRPC call. Thread-safe: each
// call has its own completion queue, waited on by the calling thread.
#ifndef RAPPORT_SERVER_CONNECT_FORWARDER_H_
#define RAPPORT_SERVER_CONNECT_FORWARDER_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/status.h"
#include "server/connect/headers.h"

namespace rapport::connect {

struct CallSetup {
  std::string method;  // "/rapport.v1.ScoringService/GetScore".
  HeaderList metadata;
  // None: the call has no deadline (as a gRPC call without one).
  std::optional<std::chrono::system_clock::time_point> deadline;
};

struct CallResult {
  grpc::Status status;
  std::string response;  // Serialized; empty unless status is OK.
  HeaderList headers;    // The handler's initial metadata.
  HeaderList trailers;   // Its trailing metadata.
};

// One client-streaming call under way. Not thread-safe.
class ClientStream {
 public:
  // Cancels the call if Finish was not called.
  ~ClientStream();
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  // Sends one message and waits until gRPC takes it (one message at a time
  // is buffered). False when the call has ended: Finish tells why.
  bool Write(const std::string& message);
  // Half-closes the call and waits for its response and status.
  CallResult Finish();
  // Cancels the call (the handler sees a cancellation) and waits for it to
  // end.
  void Cancel();

 private:
  friend class Forwarder;
  ClientStream() = default;
  bool Await();  // Waits for the one operation under way.
  CallResult Collect();

  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  bool started_ = false;
  bool finished_ = false;
};

class Forwarder {
 public:
  // `channel`: the server's in-process channel (grpc::Server::
  // InProcessChannel), without a receive limit of its own.
  explicit Forwarder(std::shared_ptr<grpc::Channel> channel);

  // A unary call of setup.method with the serialized `request`.
  CallResult Unary(const CallSetup& setup, const std::string& request) const;

  // Starts a client-streaming call of setup.method.
  std::unique_ptr<ClientStream> StartClientStream(const CallSetup& setup) const;

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  mutable grpc::GenericStub stub_;
};

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_FORWARDER_H_
