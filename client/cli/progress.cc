#include "client/cli/progress.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/cli/format.h"

namespace rapport::cli {

std::string RenderProgress(int64_t done, int64_t total, double per_second,
                           absl::string_view unit) {
  const std::string rate =
      absl::StrCat(FormatCount(static_cast<int64_t>(per_second)), "/s");
  if (total <= 0) {
    return absl::StrCat(FormatCount(done), " ", unit, "  ", rate);
  }
  const double fraction = std::clamp(
      static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
  return absl::StrCat(
      "[", Bar(fraction, 1, 24), "] ", static_cast<int>(fraction * 100), "%  ",
      FormatCount(done), " / ", FormatCount(total), " ", unit, "  ", rate);
}

Progress::Progress(std::ostream& err, bool enabled, std::string unit)
    : err_(err),
      enabled_(enabled),
      unit_(std::move(unit)),
      start_(absl::Now()) {}

void Progress::Update(int64_t done, int64_t total) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  // \r returns to the start of the line, \033[K clears what was left.
  err_ << "\r" << RenderProgress(done, total, rate, unit_) << "\033[K"
       << std::flush;
  drawn_ = true;
}

void Progress::Done() {
  if (!drawn_) return;
  err_ << "\r\033[K" << std::flush;
  drawn_ = false;
  last_draw_ = absl::InfinitePast();
}

}  // namespace rapport::cli
