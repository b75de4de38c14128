#include "server/common/serial_executor.h"

#include <utility>

namespace rapport {

void SerialExecutor::Post(std::function<void()> task) {
  // The queue has no bound: never refused.
  pool_.TryPost(std::move(task));
}

}  // namespace rapport
