#include "packet_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <new>

#include "errno_error.h"
#include "napi_args.h"
#include "polled_socket.h"

namespace vigil {

namespace {

// Distinguishes our wrapped objects from any other (napi_type_tag, Node-API 8).
const napi_type_tag kPacketSocketTag = {0x7669676c5f6e6574ULL, 0x5041434b45543031ULL};

// Largest frame a 64 KiB IP datagram can make plus link headers; larger (GRO)
// frames are reported truncated rather than overflowing.
constexpr size_t kFrameBufferBytes = 65536 + 256;
// Frames read per poll wakeup, so a flood cannot starve the event loop.
constexpr int kMaxFramesPerWakeup = 64;

class PacketSocket final : public PolledSocket {
 public:
  PacketSocket(int fd, int ifindex) : PolledSocket(fd), ifindex_(ifindex) {}
  ~PacketSocket() override { free(buffer_); }

  static napi_value New(napi_env env, napi_callback_info info);
  static napi_value JsSend(napi_env env, napi_callback_info info);

 protected:
  void DrainReadable(napi_env env, napi_value self) override;

 private:
  int ifindex_;
  unsigned char* buffer_ = nullptr;
};

napi_value PacketSocket::New(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  napi_value self;
  if (!GetArgs(env, info, 2, argv, &self)) return nullptr;
  napi_value new_target = nullptr;
  napi_get_new_target(env, info, &new_target);
  if (new_target == nullptr) {
    napi_throw_type_error(env, "ERR_CONSTRUCT_CALL_REQUIRED", "PacketSocket must be called with new");
    return nullptr;
  }
  int32_t ifindex;
  int32_t protocol;
  if (!ReadInt32(env, argv[0], "ifindex", 1, INT32_MAX, &ifindex) ||
      !ReadInt32(env, argv[1], "protocol", 0, 0xffff, &protocol)) {
    return nullptr;
  }
  // packet(7): the protocol is given in network byte order; 0 means the socket
  // receives nothing, which is what a send-only sender wants.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(static_cast<uint16_t>(protocol)));
  if (fd < 0) return ThrowErrnoError(env, errno, "socket", "AF_PACKET");
  struct sockaddr_ll address;
  memset(&address, 0, sizeof address);
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(static_cast<uint16_t>(protocol));
  address.sll_ifindex = ifindex;
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&address), sizeof address) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrnoError(env, err, "bind", "AF_PACKET");
  }
  auto* socket = new (std::nothrow) PacketSocket(fd, ifindex);
  if (socket == nullptr) {
    close(fd);
    return ThrowErrnoError(env, ENOMEM, "new", nullptr);
  }
  if (!socket->Attach(env, self, &kPacketSocketTag, "vigil:PacketSocket")) {
    delete socket;
    return nullptr;
  }
  return self;
}

napi_value PacketSocket::JsSend(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  auto* socket = static_cast<PacketSocket*>(Unwrap(env, info, 1, argv, true));
  if (socket == nullptr) return nullptr;
  const uint8_t* frame;
  size_t length;
  if (!ReadBytes(env, argv[0], "frame", &frame, &length)) return nullptr;
  if (length < ETH_HLEN) return ThrowArgError(env, false, "frame must hold at least an Ethernet header (14 bytes)");
  // The kernel takes the link header from the frame itself (SOCK_RAW); the
  // address only supplies the device and the protocol recorded on the skb.
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = socket->ifindex_;
  memcpy(&to.sll_protocol, frame + 12, 2);
  to.sll_halen = ETH_ALEN;
  memcpy(to.sll_addr, frame, ETH_ALEN);
  ssize_t sent;
  do {
    sent = sendto(socket->fd(), frame, length, 0, reinterpret_cast<struct sockaddr*>(&to), sizeof to);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return ThrowErrnoError(env, errno, "sendto", "AF_PACKET");
  napi_value result;
  napi_create_int64(env, sent, &result);
  return result;
}

void PacketSocket::DrainReadable(napi_env env, napi_value self) {
  if (buffer_ == nullptr) {
    buffer_ = static_cast<unsigned char*>(malloc(kFrameBufferBytes));
    if (buffer_ == nullptr) {
      DeliverError(env, self, MakeErrnoError(env, ENOMEM, "malloc", nullptr));
      return;
    }
  }
  for (int i = 0; i < kMaxFramesPerWakeup && !closed(); i++) {
    struct sockaddr_ll from;
    socklen_t from_length = sizeof from;
    // MSG_TRUNC makes recvfrom return the frame's real length (packet(7)).
    ssize_t received = recvfrom(fd(), buffer_, kFrameBufferBytes, MSG_TRUNC,
                                reinterpret_cast<struct sockaddr*>(&from), &from_length);
    if (received < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      DeliverError(env, self, MakeErrnoError(env, err, "recvfrom", "AF_PACKET"));
      return;
    }
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    size_t kept = static_cast<size_t>(received) < kFrameBufferBytes ? static_cast<size_t>(received) : kFrameBufferBytes;
    napi_value argv[3];
    void* copy;
    napi_get_null(env, &argv[0]);
    napi_create_buffer_copy(env, kept, buffer_, &copy, &argv[1]);
    napi_create_object(env, &argv[2]);
    SetInt32Property(env, argv[2], "ifindex", from.sll_ifindex);
    SetInt32Property(env, argv[2], "pkttype", from.sll_pkttype);
    SetInt32Property(env, argv[2], "protocol", ntohs(from.sll_protocol));
    SetBoolProperty(env, argv[2], "truncated", static_cast<size_t>(received) > kFrameBufferBytes);
    bool more = CallReceiver(env, self, 3, argv);
    napi_close_handle_scope(env, scope);
    if (!more) return;
  }
}

}  // namespace

bool DefinePacketSocket(napi_env env, napi_value exports) {
  void* tag = const_cast<napi_type_tag*>(&kPacketSocketTag);
  napi_property_descriptor properties[] = {
      {"send", nullptr, PacketSocket::JsSend, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"startReceiving", nullptr, PolledSocket::JsStartReceiving, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"stopReceiving", nullptr, PolledSocket::JsStopReceiving, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"awaitWritable", nullptr, PolledSocket::JsAwaitWritable, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"close", nullptr, PolledSocket::JsClose, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"closed", nullptr, nullptr, PolledSocket::JsIsClosed, nullptr, nullptr, napi_enumerable, tag},
  };
  napi_value constructor;
  if (napi_define_class(env, "PacketSocket", NAPI_AUTO_LENGTH, PacketSocket::New, nullptr,
                        sizeof properties / sizeof properties[0], properties, &constructor) != napi_ok) {
    return false;
  }
  return napi_set_named_property(env, exports, "PacketSocket", constructor) == napi_ok;
}

}  // namespace vigil
