// The methods Connect serves: every method of the services the server
// registers, found in the descriptor pool, so that a method added to a
// service is served with no change here.
#ifndef RAPPORT_SERVER_CONNECT_METHOD_TABLE_H_
#define RAPPORT_SERVER_CONNECT_METHOD_TABLE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace rapport::connect {

enum class CallKind {
  kUnary,
  kClientStreaming,
  // Server or bidirectional streaming: not served over HTTP/1.1 here.
  kOtherStreaming,
};

struct Method {
  // "/rapport.v1.ScoringService/GetScore": the gRPC path, and the URL path.
  std::string path;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  CallKind kind = CallKind::kUnary;
  // option idempotency_level = NO_SIDE_EFFECTS: GET may call it.
  bool no_side_effects = false;
};

// Immutable after construction; thread-safe.
class MethodTable {
 public:
  // The methods of `services` (full names, "rapport.v1.ScoringService") in
  // `pool`; NOT_FOUND naming a service the pool does not hold.
  static absl::StatusOr<MethodTable> ForServices(
      const std::vector<std::string>& services,
      const google::protobuf::DescriptorPool& pool);

  // The method at `path`; null when there is none.
  const Method* Find(absl::string_view path) const;

  // Every method, in the order of the services and their declarations.
  const std::vector<Method>& methods() const { return methods_; }

 private:
  std::vector<Method> methods_;
  absl::flat_hash_map<std::string, size_t> by_path_;
};

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_METHOD_TABLE_H_
