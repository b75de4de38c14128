// What the fuzz targets share: a fixed "now" (a run must not depend on the
// hour it runs at), and the checks of the promises every entry point makes
// about its errors. A broken promise aborts, which libFuzzer reports as a
// crash with the input that caused it.
#ifndef RAPPORT_TESTS_FUZZ_FUZZ_UTIL_H_
#define RAPPORT_TESTS_FUZZ_FUZZ_UTIL_H_

#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rapport::fuzz {

// 2025-06-15 12:00:00 UTC: the "now" of every target.
absl::Time FixedNow();

// Prints `what` and the status to stderr and aborts.
[[noreturn]] void Fail(absl::string_view what, const absl::Status& status);

// Aborts (naming `what`) unless `condition` holds.
void Check(bool condition, absl::string_view what);

// Aborts unless `status` is OK or one of `codes` with a message.
void ExpectCodeIn(const absl::Status& status,
                  std::initializer_list<absl::StatusCode> codes,
                  absl::string_view what);

// Aborts unless `status` is OK or INVALID_ARGUMENT whose message is valid
// UTF-8 (it reaches clients as text) and starts with `field` (the field
// path the caller must fix) and ": " or ".".
void ExpectOkOrInvalidField(const absl::Status& status, absl::string_view field,
                            absl::string_view what);

// Whether `text` is valid UTF-8.
bool IsUtf8(absl::string_view text);

}  // namespace rapport::fuzz

#endif  // RAPPORT_TESTS_FUZZ_FUZZ_UTIL_H_
