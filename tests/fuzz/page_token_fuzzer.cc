// Page tokens (server/api/page_token.h, pagination.h) and feed cursors
// (feed_cursor.h): opaque strings a client sends back, so any bytes at all.
// Input: the first byte picks what the rest is; the rest is split by
// FuzzedDataProvider into the token and the request's filters.
//   0: a page token checked against filters (ParsePage, SliceOf);
//   1: a feed cursor checked against a tenant and team filter;
//   2: a page token issued for fuzzed filters and cursor decodes back;
//   3: a feed cursor issued for a fuzzed position decodes back.
// Refusals must be INVALID_ARGUMENT naming page_token (or page_size) and
// cursor; an issued token or cursor must always be accepted.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/api/feed_cursor.h"
#include "server/api/page_token.h"
#include "server/api/pagination.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

void PageTokenAgainstFilters(FuzzedDataProvider& in) {
  const int32_t page_size = in.ConsumeIntegral<int32_t>();
  const std::string filters = in.ConsumeRandomLengthString(256);
  const std::string token = in.ConsumeRemainingBytesAsString();
  absl::StatusOr<std::string> cursor = api::DecodePageToken(token, filters);
  ExpectOkOrInvalidField(cursor.status(), "page_token", "DecodePageToken");
  if (cursor.ok()) Check(token.empty() == cursor->empty(), "empty cursor");
  absl::StatusOr<api::Page> page = api::ParsePage(page_size, token, filters);
  ExpectCodeIn(page.status(), {absl::StatusCode::kInvalidArgument},
               "ParsePage");
  if (!page.ok()) return;
  for (size_t total : {size_t{0}, size_t{7}, size_t{1} << 20}) {
    absl::StatusOr<api::Slice> slice = api::SliceOf(*page, total);
    ExpectOkOrInvalidField(slice.status(), "page_token", "SliceOf");
    if (slice.ok()) {
      Check(slice->begin <= slice->end && slice->end <= total, "slice bounds");
      Check(slice->end - slice->begin <= page->size, "slice longer than page");
    }
  }
}

void CursorAgainstFilters(FuzzedDataProvider& in) {
  const std::string tenant = in.ConsumeRandomLengthString(64);
  const std::string team = in.ConsumeRandomLengthString(64);
  const std::string cursor = in.ConsumeRemainingBytesAsString();
  auto position = api::DecodeFeedCursor(cursor, tenant, team);
  ExpectOkOrInvalidField(position.status(), "cursor", "DecodeFeedCursor");
  if (!position.ok()) return;
  Check(position->since >= 0, "a decoded cursor with a negative since");
}

void IssuedPageToken(FuzzedDataProvider& in) {
  const std::string filters = in.ConsumeRandomLengthString(512);
  std::string cursor = in.ConsumeRemainingBytesAsString();
  if (cursor.empty()) cursor = "0";
  // Cursors are positions or member ids (at most 128 characters).
  if (cursor.size() > 128) cursor.resize(128);
  const std::string token = api::EncodePageToken(filters, cursor);
  absl::StatusOr<std::string> decoded = api::DecodePageToken(token, filters);
  if (!decoded.ok()) Fail("an issued page token is refused", decoded.status());
  Check(*decoded == cursor, "page token round trip");
}

void IssuedCursor(FuzzedDataProvider& in) {
  core::FeedPosition position;
  position.since = in.ConsumeIntegralInRange<int64_t>(0, INT64_MAX);
  if (in.ConsumeBool()) position.upto = in.ConsumeIntegral<int64_t>();
  const std::string tenant = in.ConsumeRandomLengthString(64);
  const std::string team = in.ConsumeRandomLengthString(128);
  // The feed resumes after a member only within a sweep (upto set).
  if (position.upto.has_value()) {
    position.after_member_id = in.ConsumeRandomLengthString(128);
  }
  const std::string cursor = api::EncodeFeedCursor(position, tenant, team);
  auto decoded = api::DecodeFeedCursor(cursor, tenant, team);
  if (!decoded.ok()) Fail("an issued cursor is refused", decoded.status());
  Check(decoded->since == position.since && decoded->upto == position.upto &&
            decoded->after_member_id == position.after_member_id,
        "feed cursor round trip");
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  if (size == 0) return 0;
  FuzzedDataProvider in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      PageTokenAgainstFilters(in);
      break;
    case 1:
      CursorAgainstFilters(in);
      break;
    case 2:
      IssuedPageToken(in);
      break;
    default:
      IssuedCursor(in);
      break;
  }
  return 0;
}
