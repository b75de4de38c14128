// The 5-byte envelopes of Connect's streaming protocol: a flags byte (0x01
// compressed, 0x02 end of stream) and the payload's length as a 32-bit
// big-endian integer, then the payload. Pure.
#ifndef RAPPORT_SERVER_CONNECT_ENVELOPE_H_
#define RAPPORT_SERVER_CONNECT_ENVELOPE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rapport::connect {

inline constexpr uint8_t kFlagCompressed = 0x01;
inline constexpr uint8_t kFlagEndStream = 0x02;
inline constexpr size_t kEnvelopeHeaderSize = 5;

struct Envelope {
  uint8_t flags = 0;
  std::string payload;
};

// `payload` in an envelope with `flags`.
std::string EncodeEnvelope(uint8_t flags, absl::string_view payload);

// Splits a byte stream into envelopes as its bytes arrive, holding at most
// one envelope (and the bytes of the next one's header) at a time. Not
// thread-safe.
class EnvelopeReader {
 public:
  // Envelopes whose payload is longer than `max_payload` bytes are refused.
  explicit EnvelopeReader(size_t max_payload) : max_payload_(max_payload) {}

  // Takes the stream's next bytes; call Next() until it returns nullopt
  // before adding more.
  void Add(absl::string_view bytes);

  // The next complete envelope; nullopt when more bytes are needed;
  // RESOURCE_EXHAUSTED naming the size and limit when an envelope's length
  // exceeds the limit (the stream cannot go on).
  absl::StatusOr<std::optional<Envelope>> Next();

  // Whether the bytes taken end exactly at an envelope's end (a body may
  // end there, and only there).
  bool AtBoundary() const { return buffer_.size() == offset_; }

 private:
  const size_t max_payload_;
  std::string buffer_;
  size_t offset_ = 0;  // Start of the unread bytes in buffer_.
};

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_ENVELOPE_H_
