#include "server/connect/forwarder.h"

#include <utility>
#include <vector>

#include "grpcpp/support/byte_buffer.h"

namespace rapport::connect {
namespace {

void* const kTag = reinterpret_cast<void*>(1);

grpc::ByteBuffer BufferOf(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string StringOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

void Prepare(const CallSetup& setup, grpc::ClientContext* context) {
  for (const auto& [key, value] : setup.metadata) {
    context->AddMetadata(key, value);
  }
  if (setup.deadline.has_value()) context->set_deadline(*setup.deadline);
}

// Waits for the one operation under way on `queue`; its ok bit.
bool AwaitOne(grpc::CompletionQueue& queue) {
  void* tag = nullptr;
  bool ok = false;
  if (!queue.Next(&tag, &ok)) return false;
  return ok;
}

void Drain(grpc::CompletionQueue& queue) {
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
}

CallResult ResultOf(const grpc::ClientContext& context, grpc::Status status,
                    const grpc::ByteBuffer& response) {
  CallResult result;
  result.headers = HeadersOfMetadata(context.GetServerInitialMetadata(), "");
  result.trailers = HeadersOfMetadata(context.GetServerTrailingMetadata(), "");
  if (status.ok()) result.response = StringOf(response);
  result.status = std::move(status);
  return result;
}

}  // namespace

Forwarder::Forwarder(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)), stub_(channel_) {}

CallResult Forwarder::Unary(const CallSetup& setup,
                            const std::string& request) const {
  grpc::ClientContext context;
  Prepare(setup, &context);
  grpc::CompletionQueue queue;
  grpc::ByteBuffer response;
  grpc::Status status;
  {
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        stub_.PrepareUnaryCall(&context, setup.method, BufferOf(request),
                               &queue);
    call->StartCall();
    call->Finish(&response, &status, kTag);
    AwaitOne(queue);  // Finish always completes, ok or not.
  }
  Drain(queue);
  return ResultOf(context, std::move(status), response);
}

std::unique_ptr<ClientStream> Forwarder::StartClientStream(
    const CallSetup& setup) const {
  std::unique_ptr<ClientStream> stream(new ClientStream());
  Prepare(setup, &stream->context_);
  stream->call_ =
      stub_.PrepareCall(&stream->context_, setup.method, &stream->queue_);
  stream->call_->StartCall(kTag);
  stream->started_ = stream->Await();
  return stream;
}

ClientStream::~ClientStream() {
  if (!finished_) Cancel();
  Drain(queue_);
}

bool ClientStream::Await() { return AwaitOne(queue_); }

bool ClientStream::Write(const std::string& message) {
  if (!started_ || finished_) return false;
  call_->Write(BufferOf(message), kTag);
  return Await();
}

CallResult ClientStream::Collect() {
  finished_ = true;
  grpc::ByteBuffer response;
  grpc::Status status;
  if (started_) {
    call_->WritesDone(kTag);
    Await();
    call_->Read(&response, kTag);
    Await();
  }
  call_->Finish(&status, kTag);
  Await();
  return ResultOf(context_, std::move(status), response);
}

CallResult ClientStream::Finish() { return Collect(); }

void ClientStream::Cancel() {
  if (finished_) return;
  context_.TryCancel();
  Collect();
}

}  // namespace rapport::connect
