#include "server/transport/tls_front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/status_macros.h"

namespace rapport::transport {
namespace {

constexpr int kIdleTimeoutMs = 10000;
constexpr size_t kBufferSize = 16384;

// Closes a descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

absl::StatusOr<int> Bind(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(listen).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", listen, "\" is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", listen, "\" is not an IP address and port"));
  }
  Fd fd(socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int one = 1;
  const bool bound =
      fd.get() >= 0 &&
      setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
      bind(fd.get(), found->ai_addr, found->ai_addrlen) == 0 &&
      ::listen(fd.get(), 64) == 0;
  freeaddrinfo(found);
  if (!bound) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", listen, " (address in use or not valid)"));
  }
  return fd.release();
}

int LocalPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return 0;
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

std::string RemoteAddress(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "";
  }
  char host[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    return absl::StrCat("[", host, "]:", ntohs(in6->sin6_port));
  }
  const auto* in4 = reinterpret_cast<sockaddr_in*>(&address);
  inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
  return absl::StrCat(host, ":", ntohs(in4->sin_port));
}

// The verified client certificate in PEM, or "".
std::string PeerCertificatePem(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  std::string pem;
  if (PEM_write_bio_X509(bio, cert) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size > 0) pem.assign(data, static_cast<size_t>(size));
  }
  BIO_free(bio);
  return pem;
}

void SetTimeouts(int fd) {
  timeval timeout{kIdleTimeoutMs / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool SslWriteAll(SSL* ssl, const char* data, size_t size) {
  while (size > 0) {
    size_t written = 0;
    if (SSL_write_ex(ssl, data, size, &written) != 1) return false;
    data += written;
    size -= written;
  }
  return true;
}

// The backend connection, from a port bound first so that the peer can be
// registered before the backend sees the connection.
absl::StatusOr<int> BindBackendSocket() {
  Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd.get() < 0 ||
      bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    return absl::UnavailableError("cannot bind a loopback socket");
  }
  return fd.release();
}

bool ConnectBackend(int fd, int port) {
  sockaddr_in backend{};
  backend.sin_family = AF_INET;
  backend.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  backend.sin_port = htons(static_cast<uint16_t>(port));
  return connect(fd, reinterpret_cast<sockaddr*>(&backend), sizeof(backend)) ==
         0;
}

}  // namespace

TlsFront::TlsFront(std::unique_ptr<ServerSslContext> context, int backend_port)
    : context_(std::move(context)), backend_port_(backend_port) {}

absl::StatusOr<std::unique_ptr<TlsFront>> TlsFront::Start(
    const std::string& listen, const TlsOptions& options, int backend_port) {
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<ServerSslContext> context,
                           ServerSslContext::Create(options));
  std::unique_ptr<TlsFront> front(
      new TlsFront(std::move(context), backend_port));
  RAPPORT_ASSIGN_OR_RETURN(front->listen_fd_, Bind(listen));
  front->port_ = LocalPort(front->listen_fd_);
  if (pipe2(front->stop_fds_, O_CLOEXEC) != 0) {
    return absl::InternalError("cannot create a pipe");
  }
  front->acceptor_ = std::thread([f = front.get()] { f->AcceptLoop(); });
  return front;
}

TlsFront::~TlsFront() {
  if (stop_fds_[1] >= 0) {
    const char byte = 0;
    while (write(stop_fds_[1], &byte, 1) < 0 && errno == EINTR) {
    }
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::list<Connection> connections;
  {
    absl::MutexLock lock(&mu_);
    connections.swap(connections_);
    // Wakes the threads blocked in a handshake or a write.
    for (Connection& c : connections) shutdown(c.fd, SHUT_RDWR);
  }
  for (Connection& c : connections) {
    c.thread.join();
    close(c.fd);
  }
  for (int fd : {listen_fd_, stop_fds_[0], stop_fds_[1]}) {
    if (fd >= 0) close(fd);
  }
}

std::optional<TlsPeer> TlsFront::PeerOf(int relay_port) const {
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(relay_port);
  if (it == peers_.end()) return std::nullopt;
  return it->second;
}

size_t TlsFront::ReapLocked() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->done.load()) {
      it->thread.join();
      close(it->fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
  return connections_.size();
}

void TlsFront::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fds_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    absl::MutexLock lock(&mu_);
    if (ReapLocked() >= static_cast<size_t>(kMaxConnections)) {
      close(client);
      continue;
    }
    Connection& connection = connections_.emplace_back();
    connection.thread =
        std::thread([this, client, c = &connection] { Relay(client, c); });
  }
}

void TlsFront::Relay(int client_fd, Connection* connection) {
  // A peer that hangs up makes writes fail with EPIPE, not kill rapportd.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

  SetTimeouts(client_fd);
  int relay_port = 0;
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(context_->get()));
  if (ssl != nullptr && SSL_set_fd(ssl.get(), client_fd) == 1 &&
      SSL_accept(ssl.get()) == 1) {
    absl::StatusOr<int> bound = BindBackendSocket();
    Fd backend(bound.ok() ? *bound : -1);
    relay_port = backend.get() >= 0 ? LocalPort(backend.get()) : 0;
    if (relay_port != 0) {
      absl::MutexLock lock(&mu_);
      peers_[relay_port] =
          TlsPeer{RemoteAddress(client_fd), PeerCertificatePem(ssl.get())};
    }
    if (relay_port != 0 && ConnectBackend(backend.get(), backend_port_)) {
      bool client_open = true;
      char buffer[kBufferSize];
      while (true) {
        if (!client_open || SSL_pending(ssl.get()) == 0) {
          pollfd fds[3] = {{backend.get(), POLLIN, 0},
                           {stop_fds_[0], POLLIN, 0},
                           {client_open ? client_fd : -1, POLLIN, 0}};
          const int ready = poll(fds, 3, kIdleTimeoutMs);
          if (ready < 0 && errno == EINTR) continue;
          if (ready <= 0 || fds[1].revents != 0) break;
          if (fds[0].revents != 0) {
            const ssize_t n = recv(backend.get(), buffer, sizeof(buffer), 0);
            if (n <= 0) break;  // The response is complete (or failed).
            if (!SslWriteAll(ssl.get(), buffer, static_cast<size_t>(n))) {
              break;
            }
            continue;
          }
          if (fds[2].revents == 0) continue;
        }
        size_t n = 0;
        if (SSL_read_ex(ssl.get(), buffer, sizeof(buffer), &n) == 1) {
          if (!SendAll(backend.get(), buffer, n)) break;
        } else {
          // The client is done sending (or gone): let the backend finish.
          shutdown(backend.get(), SHUT_WR);
          client_open = false;
        }
      }
      SSL_shutdown(ssl.get());
    }
  }
  ERR_clear_error();
  // The client sees the end now; the descriptor is closed when reaped.
  shutdown(client_fd, SHUT_RDWR);
  if (relay_port != 0) {
    absl::MutexLock lock(&mu_);
    peers_.erase(relay_port);
  }
  connection->done.store(true);
}

}  // namespace rapport::transport
