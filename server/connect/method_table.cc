#include "server/connect/method_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"

namespace rapport::connect {

absl::StatusOr<MethodTable> MethodTable::ForServices(
    const std::vector<std::string>& services,
    const google::protobuf::DescriptorPool& pool) {
  MethodTable table;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        pool.FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("service ", name, " is not in the descriptor pool"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* descriptor = service->method(i);
      Method method;
      method.path =
          absl::StrCat("/", service->full_name(), "/", descriptor->name());
      method.descriptor = descriptor;
      if (descriptor->server_streaming()) {
        method.kind = CallKind::kOtherStreaming;
      } else if (descriptor->client_streaming()) {
        method.kind = CallKind::kClientStreaming;
      }
      method.no_side_effects = descriptor->options().idempotency_level() ==
                               google::protobuf::MethodOptions::NO_SIDE_EFFECTS;
      table.by_path_[method.path] = table.methods_.size();
      table.methods_.push_back(std::move(method));
    }
  }
  return table;
}

const Method* MethodTable::Find(absl::string_view path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &methods_[it->second];
}

}  // namespace rapport::connect
