#include "server/outreach/window.h"

#include "server/outreach/report.h"

namespace rapport::outreach {
namespace {

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

}  // namespace

absl::Time WindowStart(absl::Time end, int days) {
  return absl::FromCivil(DayOf(end) - (days - 1), absl::UTCTimeZone());
}

absl::Time PreviousWindowStart(absl::Time window_start, absl::Time as_of) {
  const absl::CivilDay first = DayOf(window_start);
  const int64_t days = DayOf(as_of) - first + 1;
  return absl::FromCivil(first - days, absl::UTCTimeZone());
}

}  // namespace rapport::outreach

namespace rapport::outreach::internal {

Window::Window(absl::Time start, absl::Time as_of)
    : start_(start),
      as_of_(as_of),
      first_day_(absl::ToCivilDay(start, absl::UTCTimeZone())),
      last_day_(absl::ToCivilDay(as_of, absl::UTCTimeZone())) {}

std::optional<absl::Time> Window::Seen(
    const std::optional<absl::Time>& t) const {
  if (!t.has_value() || *t > as_of_) return std::nullopt;
  return t;
}

bool Window::Happened(const std::optional<absl::Time>& t) const {
  return Seen(t).has_value();
}

bool Window::Contains(const std::optional<absl::Time>& t) const {
  return Happened(t) && *t >= start_;
}

bool Window::ContainsDay(absl::CivilDay day) const {
  return start_ <= as_of_ && day >= first_day_ && day <= last_day_;
}

bool Window::MemberStarted(const model::ThreadState& t) const {
  if (!Contains(t.first_outbound_time)) return false;
  const std::optional<absl::Time> in = Seen(t.first_inbound_time);
  return !in.has_value() || *t.first_outbound_time <= *in;
}

bool Window::ContactStarted(const model::ThreadState& t) const {
  if (!Contains(t.first_inbound_time)) return false;
  const std::optional<absl::Time> out = Seen(t.first_outbound_time);
  return !out.has_value() || *t.first_inbound_time < *out;
}

std::optional<absl::Time> Window::Reply(const model::ThreadState& t) const {
  const std::optional<absl::Time> reply = Seen(t.first_reply_time);
  if (!reply.has_value() || !t.first_outbound_time.has_value() ||
      *reply < *t.first_outbound_time) {
    return std::nullopt;
  }
  return reply;
}

std::optional<absl::Time> Window::LastSent(const model::ThreadState& t) const {
  const std::optional<absl::Time> last = Seen(t.last_outbound_time);
  if (last.has_value()) return last;
  return Seen(t.first_outbound_time);
}

}  // namespace rapport::outreach::internal
