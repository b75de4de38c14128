#include "client/cli/io.h"

namespace rapport::cli {

void PrintError(const absl::Status& status, std::ostream& err) {
  err << "error: " << absl::StatusCodeToString(status.code()) << ": "
      << (status.message().empty() ? "(no message)" : status.message()) << "\n";
}

}  // namespace rapport::cli
