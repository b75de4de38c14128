// RawCall: a call to any method by name with serialized messages, over the
// async generic stub, driven blockingly. How tests reach services whose
// generated stubs are not packaged (health checking, reflection) and
// methods that do not exist. One call per object; not thread-safe.
#ifndef RAPPORT_TESTS_INTEGRATION_RAW_CALL_H_
#define RAPPORT_TESTS_INTEGRATION_RAW_CALL_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace rapport::testing {

// Each operation waits for its completion; false (or nullopt) when the call
// is over. The call has a 10 s deadline.
class RawCall {
 public:
  RawCall(
      grpc::GenericStub& stub, const std::string& method,
      const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    for (const auto& [key, value] : metadata) context_.AddMetadata(key, value);
    call_ = stub.PrepareCall(&context_, method, &cq_);
    call_->StartCall(this);
    Wait();
  }
  ~RawCall() {
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  bool Write(const std::string& bytes) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call_->Write(buffer, this);
    return Wait();
  }
  bool WritesDone() {
    call_->WritesDone(this);
    return Wait();
  }
  // The next message, or nullopt at the end of the stream.
  std::optional<std::string> Read() {
    grpc::ByteBuffer buffer;
    call_->Read(&buffer, this);
    if (!Wait()) return std::nullopt;
    std::vector<grpc::Slice> slices;
    if (!buffer.Dump(&slices).ok()) return std::nullopt;
    std::string out;
    for (const grpc::Slice& s : slices) {
      out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return out;
  }
  grpc::Status Finish() {
    grpc::Status status;
    call_->Finish(&status, this);
    Wait();
    return status;
  }
  void Cancel() { context_.TryCancel(); }

 private:
  bool Wait() {
    void* tag = nullptr;
    bool ok = false;
    return cq_.Next(&tag, &ok) && ok;
  }

  grpc::CompletionQueue cq_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_INTEGRATION_RAW_CALL_H_
