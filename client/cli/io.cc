#include "client/cli/io.h"

#include "client/cli/terminal_text.h"

namespace rapport::cli {

void PrintError(const absl::Status& status, std::ostream& err) {
  err << "error: " << absl::StatusCodeToString(status.code()) << ": "
      << (status.message().empty() ? "(no message)"
                                   : TerminalSafe(status.message()))
      << "\n";
}

}  // namespace rapport::cli
