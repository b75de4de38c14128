// Text from the server made safe to print on a terminal. A name holding an
// escape sequence could otherwise move the cursor, retitle the window or
// rewrite what was printed before it; a bidirectional override could make a
// line read differently from its bytes. The CLI passes every string it
// received through here before printing it as text (JSON output escapes
// on its own).
#ifndef RAPPORT_CLIENT_CLI_TERMINAL_TEXT_H_
#define RAPPORT_CLIENT_CLI_TERMINAL_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace rapport::cli {

// `text` with every character that the API refuses in free text
// (rapport::IsForbiddenInText: controls, bidirectional controls, zero-width
// and invisible characters, line separators, noncharacters) replaced by a
// visible escape: `\x1b` for C0 and C1 controls and DELETE, `\u202e` (or
// `\U0010ffff` above U+FFFF) for the others; an invalid UTF-8 byte becomes
// `\xNN`. Everything else, including non-Latin scripts, combining marks and
// emoji, is kept as is.
std::string TerminalSafe(absl::string_view text);

// Applies TerminalSafe to every string field of `message`, its nested
// messages and repeated fields included.
void MakeTerminalSafe(google::protobuf::Message* message);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_TERMINAL_TEXT_H_
