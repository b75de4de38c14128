#include "tests/fuzz/fuzz_util.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace rapport::fuzz {

absl::Time FixedNow() { return absl::FromUnixSeconds(1749988800); }

void Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "fuzz check failed: %.*s: %s\n",
               static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::abort();
}

void Check(bool condition, absl::string_view what) {
  if (!condition) Fail(what, absl::OkStatus());
}

bool IsUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // Truncated sequence.
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

void ExpectCodeIn(const absl::Status& status,
                  std::initializer_list<absl::StatusCode> codes,
                  absl::string_view what) {
  if (status.ok()) return;
  bool listed = false;
  for (absl::StatusCode code : codes) listed = listed || status.code() == code;
  if (!listed) Fail(absl::StrCat(what, ": unexpected code"), status);
  if (status.message().empty())
    Fail(absl::StrCat(what, ": no message"), status);
}

void ExpectOkOrInvalidField(const absl::Status& status, absl::string_view field,
                            absl::string_view what) {
  ExpectCodeIn(status, {absl::StatusCode::kInvalidArgument}, what);
  if (status.ok()) return;
  // The message reaches clients as text (gRPC's message, Connect's JSON).
  if (!IsUtf8(status.message())) {
    Fail(absl::StrCat(what, ": message is not UTF-8"), status);
  }
  if (!absl::StartsWith(status.message(), absl::StrCat(field, ": ")) &&
      !absl::StartsWith(status.message(), absl::StrCat(field, "."))) {
    Fail(absl::StrCat(what, ": the message does not start with the field ",
                      field),
         status);
  }
}

}  // namespace rapport::fuzz
