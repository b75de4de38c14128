// Command-line parsing for the rapport CLI on top of Abseil's flag registry.
//
// absl::ParseCommandLine exits the process (with status 1) on an unknown flag
// or a bad value; the CLI promises exit status 2 for usage errors, and wants
// to know which flags were given so that it can refuse flags that do not
// apply to the command. So it parses argv itself and sets each flag through
// absl::CommandLineFlag::ParseFrom. The flags are defined in main.cc.
#ifndef RAPPORT_CLIENT_CLI_ARG_PARSER_H_
#define RAPPORT_CLIENT_CLI_ARG_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rapport::cli {

struct ParsedArgs {
  // The command and its arguments, in order.
  std::vector<std::string> positional;
  // The names of the flags that were given (without dashes), in order.
  std::vector<std::string> flags;
  // --help or -h was given.
  bool help = false;
};

// Accepts --name=value, --name value (not for booleans), --name and --noname
// for booleans, a single dash in place of two, "-" as a positional argument
// (standard input) and "--" to end the flags. Returns INVALID_ARGUMENT naming
// the flag for an unknown flag, a missing value or a value that does not
// parse; flags set before the error keep their new values.
absl::StatusOr<ParsedArgs> ParseArgs(int argc, const char* const* argv);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_ARG_PARSER_H_
