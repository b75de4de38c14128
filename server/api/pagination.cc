#include "server/api/pagination.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/api/page_token.h"
#include "server/api/status.h"

namespace rapport::api {

absl::StatusOr<Page> ParsePage(int32_t page_size, const std::string& page_token,
                               std::string filters) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField("page_size",
                        absl::StrCat("must be between 0 and ", kMaxPageSize,
                                     ", got ", page_size));
  }
  absl::StatusOr<std::string> cursor = DecodePageToken(page_token, filters);
  if (!cursor.ok()) return cursor.status();
  Page page;
  page.size =
      static_cast<size_t>(page_size == 0 ? kDefaultPageSize : page_size);
  page.filters = std::move(filters);
  page.cursor = *std::move(cursor);
  return page;
}

std::string NextPageToken(const Page& page, const std::string& cursor) {
  return EncodePageToken(page.filters, cursor);
}

absl::StatusOr<Slice> SliceOf(const Page& page, size_t total) {
  Slice slice;
  if (!page.cursor.empty() && !absl::SimpleAtoi(page.cursor, &slice.begin)) {
    return InvalidField("page_token", "is not a token this server issued");
  }
  slice.begin = std::min(slice.begin, total);
  slice.end = std::min(total, slice.begin + page.size);
  if (slice.end < total) {
    slice.next_page_token = NextPageToken(page, absl::StrCat(slice.end));
  }
  return slice;
}

}  // namespace rapport::api
