// TlsFront: TLS in front of a plaintext HTTP server on loopback. It accepts
// TLS connections on a public address (certificates from a
// ServerSslContext, so they rotate), and relays each one, decrypted, to
// 127.0.0.1:backend_port over its own TCP connection.
//
// The backend learns who is on the other end by the relay connection's
// port: PeerOf(the remote port the backend sees) gives the TLS client's
// address and verified certificate. A backend connection whose port is not
// known did not come through the front (someone on the host connected to
// the loopback port directly) and must be refused.
//
// Used for the HTTP port because Debian's civetweb 1.15 loads an OpenSSL
// 1.1 API from libssl.so at run time, which OpenSSL 3 does not fully have.
//
// Thread-safe. Each connection holds one thread while it lasts; at most
// kMaxConnections at once (more are closed at once), and a connection
// silent for 10 s is closed.
#ifndef RAPPORT_SERVER_TRANSPORT_TLS_FRONT_H_
#define RAPPORT_SERVER_TRANSPORT_TLS_FRONT_H_

#include <atomic>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/transport/server_ssl_context.h"
#include "server/transport/tls.h"

namespace rapport::transport {

// The TLS client behind a relayed connection.
struct TlsPeer {
  // "IP:PORT", or "[IPv6]:PORT".
  std::string remote_address;
  // The client's certificate, verified against the client CAs, in PEM;
  // empty when it presented none.
  std::string cert_pem;
};

class TlsFront {
 public:
  static constexpr int kMaxConnections = 32;

  // Listens on `listen` ("HOST:PORT", IPv4 or [IPv6] literal or localhost;
  // port 0 picks one). INVALID_ARGUMENT/NOT_FOUND from the TLS files (see
  // CheckTlsFiles); UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<TlsFront>> Start(
      const std::string& listen, const TlsOptions& options, int backend_port);

  // Stops accepting, closes every connection and waits for their threads.
  ~TlsFront();

  TlsFront(const TlsFront&) = delete;
  TlsFront& operator=(const TlsFront&) = delete;

  int port() const { return port_; }

  // The peer of the relay connection whose local port is `relay_port`, while
  // that connection lasts.
  std::optional<TlsPeer> PeerOf(int relay_port) const;

 private:
  struct Connection {
    std::thread thread;
    // The client's socket; closed only after the thread is joined, so that
    // the destructor may shut it down to wake a thread in a handshake.
    int fd = -1;
    std::atomic<bool> done{false};
  };

  TlsFront(std::unique_ptr<ServerSslContext> context, int backend_port);
  void AcceptLoop();
  void Relay(int client_fd, Connection* connection);
  // Joins the threads of finished connections and closes their sockets;
  // returns how many remain.
  size_t ReapLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::unique_ptr<ServerSslContext> context_;
  const int backend_port_;
  int listen_fd_ = -1;
  int stop_fds_[2] = {-1, -1};  // A byte on the pipe stops every thread.
  int port_ = 0;
  std::thread acceptor_;
  mutable absl::Mutex mu_;
  std::list<Connection> connections_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int, TlsPeer> peers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::transport

#endif  // RAPPORT_SERVER_TRANSPORT_TLS_FRONT_H_
