// Where a command reads and writes, so that commands can be tested with
// string streams.
#ifndef RAPPORT_CLIENT_CLI_IO_H_
#define RAPPORT_CLIENT_CLI_IO_H_

#include <istream>
#include <ostream>

#include "absl/status/status.h"

namespace rapport::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  // Progress bars are drawn only on a terminal.
  bool err_is_terminal = false;
};

// Prints "error: <CODE_NAME>: <message>" on err, the message passed through
// TerminalSafe (it may come from the server).
void PrintError(const absl::Status& status, std::ostream& err);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_IO_H_
