// A minimal blocking HTTP/1.0 GET over POSIX sockets, for tests that scrape
// an in-process HTTP endpoint (for example /metrics). Not for production:
// no TLS, no redirects, the whole body read into memory.
#ifndef RAPPORT_TESTS_COMMON_HTTP_GET_H_
#define RAPPORT_TESTS_COMMON_HTTP_GET_H_

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace rapport::testing {

struct HttpResponse {
  int status_code = 0;
  // In the order received; names as sent (compare them case-insensitively).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // Already de-chunked.

  // The first header called `name` (case-insensitive), or "".
  std::string Header(absl::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (absl::EqualsIgnoreCase(key, name)) return value;
    }
    return "";
  }
};

namespace internal {

// Closes the socket on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

inline absl::StatusOr<int> Connect(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
      rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", host, ": ", gai_strerror(rc)));
  }
  int connected = -1;
  for (addrinfo* a = found; a != nullptr && connected < 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      connected = fd;
    } else {
      close(fd);
    }
  }
  freeaddrinfo(found);
  if (connected < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", host, ":", port));
  }
  return connected;
}

// Decodes a chunked body; DATA_LOSS when it is malformed or truncated.
inline absl::StatusOr<std::string> Dechunk(absl::string_view in) {
  std::string out;
  while (true) {
    const size_t eol = in.find("\r\n");
    if (eol == absl::string_view::npos) break;
    absl::string_view size_text = in.substr(0, eol);
    size_text = size_text.substr(0, size_text.find(';'));  // Extensions.
    size_t size = 0;
    if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(size_text), &size)) {
      break;
    }
    in.remove_prefix(eol + 2);
    if (size == 0) return out;
    if (in.size() < size + 2) break;
    out.append(in.data(), size);
    in.remove_prefix(size + 2);
  }
  return absl::DataLossError("malformed chunked body");
}

// Parses a whole HTTP/1.x response; DATA_LOSS when it is not one.
inline absl::StatusOr<HttpResponse> ParseResponse(const std::string& raw) {
  const size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return absl::DataLossError("no end of HTTP headers");
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(raw).substr(0, head_end), "\r\n");
  HttpResponse response;
  // "HTTP/1.1 200 OK"
  std::vector<absl::string_view> status_line =
      absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  if (status_line.size() < 2 || !absl::StartsWith(status_line[0], "HTTP/") ||
      !absl::SimpleAtoi(status_line[1], &response.status_code)) {
    return absl::DataLossError(
        absl::StrCat("not an HTTP status line: ", lines[0]));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    response.headers.emplace_back(
        std::string(lines[i].substr(0, colon)),
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  absl::string_view body = absl::string_view(raw).substr(head_end + 4);
  if (absl::EqualsIgnoreCase(response.Header("Transfer-Encoding"), "chunked")) {
    absl::StatusOr<std::string> decoded = internal::Dechunk(body);
    if (!decoded.ok()) return decoded.status();
    response.body = *std::move(decoded);
  } else {
    response.body = std::string(body);
  }
  return response;
}

}  // namespace internal

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Sends `method` (GET, HEAD, POST...) for http://host:port/path with
// `headers` besides Host, Accept and Connection, and no body. UNAVAILABLE
// when it cannot connect, send or read (10 s timeouts); DATA_LOSS when the
// response is not HTTP. A non-2xx status is a successful result: check
// status_code.
inline absl::StatusOr<HttpResponse> HttpRequest(const std::string& host,
                                                int port,
                                                const std::string& method,
                                                const std::string& path,
                                                const HttpHeaders& headers) {
  absl::StatusOr<int> connected = internal::Connect(host, port);
  if (!connected.ok()) return connected.status();
  internal::Fd fd(*connected);
  std::string request =
      absl::StrCat(method, " ", path, " HTTP/1.0\r\nHost: ", host, ":", port,
                   "\r\nAccept: */*\r\nConnection: close\r\n");
  for (const auto& [name, value] : headers) {
    absl::StrAppend(&request, name, ": ", value, "\r\n");
  }
  request.append("\r\n");
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd.get(), request.data() + sent, request.size() - sent,
                     MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("send failed: ", std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buffer[16384];
  while (true) {
    ssize_t n = recv(fd.get(), buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("recv failed: ", std::strerror(errno)));
    }
    if (n == 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }

  return internal::ParseResponse(raw);
}

// GETs http://host:port/path; see HttpRequest.
inline absl::StatusOr<HttpResponse> HttpGet(const std::string& host, int port,
                                            const std::string& path,
                                            const HttpHeaders& headers = {}) {
  return HttpRequest(host, port, "GET", path, headers);
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_HTTP_GET_H_
