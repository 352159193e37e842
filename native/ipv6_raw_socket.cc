#include "ipv6_raw_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
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

const napi_type_tag kIpv6RawSocketTag = {0x7669676c5f6e6574ULL, 0x49505636524157ULL};

// Largest IPv6 payload without jumbograms (RFC 8200 §3, 16-bit payload length).
constexpr size_t kPayloadBufferBytes = 65535;
constexpr int kMaxPacketsPerWakeup = 64;

// The integer socket options the adapters may set, by their kernel header
// names (linux/in6.h, asm-generic/socket.h). A closed list keeps callers
// from reaching arbitrary option numbers through the addon.
struct IntOption {
  const char* name;
  int level;
  int option;
};

const IntOption kIntOptions[] = {
    {"IPV6_UNICAST_HOPS", IPPROTO_IPV6, IPV6_UNICAST_HOPS},
    {"IPV6_MULTICAST_HOPS", IPPROTO_IPV6, IPV6_MULTICAST_HOPS},
    {"IPV6_MULTICAST_LOOP", IPPROTO_IPV6, IPV6_MULTICAST_LOOP},
    {"IPV6_MULTICAST_IF", IPPROTO_IPV6, IPV6_MULTICAST_IF},
    {"IPV6_MULTICAST_ALL", IPPROTO_IPV6, IPV6_MULTICAST_ALL},
    {"IPV6_CHECKSUM", IPPROTO_IPV6, IPV6_CHECKSUM},
    {"IPV6_TCLASS", IPPROTO_IPV6, IPV6_TCLASS},
    {"IPV6_RECVHOPLIMIT", IPPROTO_IPV6, IPV6_RECVHOPLIMIT},
    {"IPV6_RECVPKTINFO", IPPROTO_IPV6, IPV6_RECVPKTINFO},
    {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF},
    {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF},
};

const IntOption* FindIntOption(const char* name) {
  for (const IntOption& candidate : kIntOptions) {
    if (strcmp(candidate.name, name) == 0) return &candidate;
  }
  return nullptr;
}

bool SetIntOption(int fd, const IntOption& option, int value) {
  return setsockopt(fd, option.level, option.option, &value, sizeof value) == 0;
}

bool ReadIpv6(napi_env env, napi_value value, const char* what, struct in6_addr* out) {
  char text[INET6_ADDRSTRLEN + 1];
  if (!ReadString(env, value, what, text, sizeof text)) return false;
  if (inet_pton(AF_INET6, text, out) != 1) {
    char message[96];
    snprintf(message, sizeof message, "%s must be an IPv6 address", what);
    ThrowArgError(env, false, message);
    return false;
  }
  return true;
}

bool NeedsScope(const struct in6_addr& address) {
  return IN6_IS_ADDR_LINKLOCAL(&address) || IN6_IS_ADDR_MC_LINKLOCAL(&address);
}

class Ipv6RawSocket final : public PolledSocket {
 public:
  explicit Ipv6RawSocket(int fd) : PolledSocket(fd) {}
  ~Ipv6RawSocket() override { free(buffer_); }

  static napi_value New(napi_env env, napi_callback_info info);
  static napi_value JsSetIntOption(napi_env env, napi_callback_info info);
  static napi_value JsGetIntOption(napi_env env, napi_callback_info info);
  static napi_value JsBindToDevice(napi_env env, napi_callback_info info);
  static napi_value JsJoinGroup(napi_env env, napi_callback_info info);
  static napi_value JsLeaveGroup(napi_env env, napi_callback_info info);
  static napi_value JsSend(napi_env env, napi_callback_info info);

 protected:
  void DrainReadable(napi_env env, napi_value self) override;

 private:
  static napi_value ChangeMembership(napi_env env, napi_callback_info info, int option, const char* name);
  unsigned char* buffer_ = nullptr;
};

napi_value Ipv6RawSocket::New(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  napi_value self;
  if (!GetArgs(env, info, 1, argv, &self)) return nullptr;
  napi_value new_target = nullptr;
  napi_get_new_target(env, info, &new_target);
  if (new_target == nullptr) {
    napi_throw_type_error(env, "ERR_CONSTRUCT_CALL_REQUIRED", "Ipv6RawSocket must be called with new");
    return nullptr;
  }
  int32_t protocol;
  if (!ReadInt32(env, argv[0], "protocol", 1, 255, &protocol)) return nullptr;
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return ThrowErrnoError(env, errno, "socket", "AF_INET6/SOCK_RAW");
  // The receive metadata contract (hopLimit, dst, ifindex) depends on these
  // two, so they are not optional (RFC 3542 §6.1, §6.3).
  static const char* const kAlwaysOn[] = {"IPV6_RECVHOPLIMIT", "IPV6_RECVPKTINFO"};
  for (const char* name : kAlwaysOn) {
    if (!SetIntOption(fd, *FindIntOption(name), 1)) {
      int err = errno;
      close(fd);
      return ThrowErrnoError(env, err, "setsockopt", name);
    }
  }
  auto* socket = new (std::nothrow) Ipv6RawSocket(fd);
  if (socket == nullptr) {
    close(fd);
    return ThrowErrnoError(env, ENOMEM, "new", nullptr);
  }
  if (!socket->Attach(env, self, &kIpv6RawSocketTag, "vigil:Ipv6RawSocket")) {
    delete socket;
    return nullptr;
  }
  return self;
}

napi_value Ipv6RawSocket::JsSetIntOption(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  PolledSocket* socket = Unwrap(env, info, 2, argv, true);
  if (socket == nullptr) return nullptr;
  char name[32];
  int32_t value;
  if (!ReadString(env, argv[0], "option", name, sizeof name) ||
      !ReadInt32(env, argv[1], "value", -1, INT32_MAX, &value)) {
    return nullptr;
  }
  const IntOption* option = FindIntOption(name);
  if (option == nullptr) return ThrowArgError(env, false, "option is not one the addon supports");
  if (!SetIntOption(socket->fd(), *option, value)) return ThrowErrnoError(env, errno, "setsockopt", name);
  return nullptr;
}

napi_value Ipv6RawSocket::JsGetIntOption(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  PolledSocket* socket = Unwrap(env, info, 1, argv, true);
  if (socket == nullptr) return nullptr;
  char name[32];
  if (!ReadString(env, argv[0], "option", name, sizeof name)) return nullptr;
  const IntOption* option = FindIntOption(name);
  if (option == nullptr) return ThrowArgError(env, false, "option is not one the addon supports");
  int value = 0;
  socklen_t length = sizeof value;
  if (getsockopt(socket->fd(), option->level, option->option, &value, &length) < 0) {
    return ThrowErrnoError(env, errno, "getsockopt", name);
  }
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

napi_value Ipv6RawSocket::JsBindToDevice(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  PolledSocket* socket = Unwrap(env, info, 1, argv, true);
  if (socket == nullptr) return nullptr;
  char ifname[IFNAMSIZ];
  if (!ReadString(env, argv[0], "ifname", ifname, sizeof ifname)) return nullptr;
  // socket(7): the name need not be NUL-terminated; an empty name unbinds.
  if (setsockopt(socket->fd(), SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname)) < 0) {
    return ThrowErrnoError(env, errno, "setsockopt", "SO_BINDTODEVICE");
  }
  return nullptr;
}

napi_value Ipv6RawSocket::ChangeMembership(napi_env env, napi_callback_info info, int option, const char* name) {
  napi_value argv[2];
  PolledSocket* socket = Unwrap(env, info, 2, argv, true);
  if (socket == nullptr) return nullptr;
  struct ipv6_mreq request;
  memset(&request, 0, sizeof request);
  int32_t ifindex;
  if (!ReadIpv6(env, argv[0], "group", &request.ipv6mr_multiaddr) ||
      !ReadInt32(env, argv[1], "ifindex", 0, INT32_MAX, &ifindex)) {
    return nullptr;
  }
  if (!IN6_IS_ADDR_MULTICAST(&request.ipv6mr_multiaddr)) return ThrowArgError(env, false, "group must be multicast");
  request.ipv6mr_interface = static_cast<unsigned>(ifindex);
  if (setsockopt(socket->fd(), IPPROTO_IPV6, option, &request, sizeof request) < 0) {
    return ThrowErrnoError(env, errno, "setsockopt", name);
  }
  return nullptr;
}

napi_value Ipv6RawSocket::JsJoinGroup(napi_env env, napi_callback_info info) {
  return ChangeMembership(env, info, IPV6_ADD_MEMBERSHIP, "IPV6_ADD_MEMBERSHIP");
}

napi_value Ipv6RawSocket::JsLeaveGroup(napi_env env, napi_callback_info info) {
  return ChangeMembership(env, info, IPV6_DROP_MEMBERSHIP, "IPV6_DROP_MEMBERSHIP");
}

// send(payload, dst, source | null, ifindex, hopLimit): `source` and
// `ifindex` travel as IPV6_PKTINFO, a non-negative `hopLimit` as
// IPV6_HOPLIMIT for this packet only (RFC 3542 §6.1, §6.3).
napi_value Ipv6RawSocket::JsSend(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  PolledSocket* socket = Unwrap(env, info, 5, argv, true);
  if (socket == nullptr) return nullptr;
  const uint8_t* payload;
  size_t length;
  struct sockaddr_in6 to;
  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  int32_t ifindex;
  int32_t hop_limit;
  if (!ReadBytes(env, argv[0], "payload", &payload, &length) || !ReadIpv6(env, argv[1], "dst", &to.sin6_addr) ||
      !ReadInt32(env, argv[3], "ifindex", 0, INT32_MAX, &ifindex) ||
      !ReadInt32(env, argv[4], "hopLimit", -1, 255, &hop_limit)) {
    return nullptr;
  }
  struct in6_pktinfo packet_info;
  memset(&packet_info, 0, sizeof packet_info);
  bool has_source = !IsNullish(env, argv[2]);
  if (has_source && !ReadIpv6(env, argv[2], "source", &packet_info.ipi6_addr)) return nullptr;
  packet_info.ipi6_ifindex = static_cast<unsigned>(ifindex);
  if (NeedsScope(to.sin6_addr)) to.sin6_scope_id = static_cast<uint32_t>(ifindex);

  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {const_cast<uint8_t*>(payload), length};
  struct msghdr message;
  memset(&message, 0, sizeof message);
  message.msg_name = &to;
  message.msg_namelen = sizeof to;
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control.bytes;
  message.msg_controllen = sizeof control.bytes;
  size_t used = 0;
  struct cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (has_source || ifindex > 0) {
    header->cmsg_level = IPPROTO_IPV6;
    header->cmsg_type = IPV6_PKTINFO;
    header->cmsg_len = CMSG_LEN(sizeof packet_info);
    memcpy(CMSG_DATA(header), &packet_info, sizeof packet_info);
    used += CMSG_SPACE(sizeof packet_info);
    header = CMSG_NXTHDR(&message, header);
  }
  if (hop_limit >= 0) {
    int value = hop_limit;
    header->cmsg_level = IPPROTO_IPV6;
    header->cmsg_type = IPV6_HOPLIMIT;
    header->cmsg_len = CMSG_LEN(sizeof value);
    memcpy(CMSG_DATA(header), &value, sizeof value);
    used += CMSG_SPACE(sizeof value);
  }
  message.msg_controllen = used;
  if (used == 0) message.msg_control = nullptr;

  ssize_t sent;
  do {
    sent = sendmsg(socket->fd(), &message, 0);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return ThrowErrnoError(env, errno, "sendmsg", "AF_INET6/SOCK_RAW");
  napi_value result;
  napi_create_int64(env, sent, &result);
  return result;
}

void Ipv6RawSocket::DrainReadable(napi_env env, napi_value self) {
  if (buffer_ == nullptr) {
    buffer_ = static_cast<unsigned char*>(malloc(kPayloadBufferBytes));
    if (buffer_ == nullptr) {
      DeliverError(env, self, MakeErrnoError(env, ENOMEM, "malloc", nullptr));
      return;
    }
  }
  for (int i = 0; i < kMaxPacketsPerWakeup && !closed(); i++) {
    struct sockaddr_in6 from;
    union {
      char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + 128];
      struct cmsghdr align;
    } control;
    struct iovec iov = {buffer_, kPayloadBufferBytes};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    memset(&from, 0, sizeof from);
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof control.bytes;
    ssize_t received = recvmsg(fd(), &message, MSG_TRUNC);
    if (received < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      DeliverError(env, self, MakeErrnoError(env, err, "recvmsg", "AF_INET6/SOCK_RAW"));
      return;
    }
    int hop_limit = -1;
    bool has_packet_info = false;
    struct in6_pktinfo packet_info;
    for (struct cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
         header = CMSG_NXTHDR(&message, header)) {
      if (header->cmsg_level != IPPROTO_IPV6) continue;
      if (header->cmsg_type == IPV6_HOPLIMIT && header->cmsg_len >= CMSG_LEN(sizeof hop_limit)) {
        memcpy(&hop_limit, CMSG_DATA(header), sizeof hop_limit);
      } else if (header->cmsg_type == IPV6_PKTINFO && header->cmsg_len >= CMSG_LEN(sizeof packet_info)) {
        memcpy(&packet_info, CMSG_DATA(header), sizeof packet_info);
        has_packet_info = true;
      }
    }
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    size_t kept = static_cast<size_t>(received) < kPayloadBufferBytes ? static_cast<size_t>(received) : kPayloadBufferBytes;
    napi_value argv[3];
    void* copy;
    napi_get_null(env, &argv[0]);
    napi_create_buffer_copy(env, kept, buffer_, &copy, &argv[1]);
    napi_create_object(env, &argv[2]);
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text);
    SetStringProperty(env, argv[2], "src", text);
    SetInt32Property(env, argv[2], "srcScopeId", static_cast<int32_t>(from.sin6_scope_id));
    if (has_packet_info) {
      inet_ntop(AF_INET6, &packet_info.ipi6_addr, text, sizeof text);
      SetStringProperty(env, argv[2], "dst", text);
      SetInt32Property(env, argv[2], "ifindex", static_cast<int32_t>(packet_info.ipi6_ifindex));
    } else {
      SetNullProperty(env, argv[2], "dst");
      SetNullProperty(env, argv[2], "ifindex");
    }
    if (hop_limit >= 0) {
      SetInt32Property(env, argv[2], "hopLimit", hop_limit);
    } else {
      SetNullProperty(env, argv[2], "hopLimit");
    }
    SetBoolProperty(env, argv[2], "truncated", static_cast<size_t>(received) > kPayloadBufferBytes);
    bool more = CallReceiver(env, self, 3, argv);
    napi_close_handle_scope(env, scope);
    if (!more) return;
  }
}

}  // namespace

bool DefineIpv6RawSocket(napi_env env, napi_value exports) {
  void* tag = const_cast<napi_type_tag*>(&kIpv6RawSocketTag);
  napi_property_descriptor properties[] = {
      {"setIntOption", nullptr, Ipv6RawSocket::JsSetIntOption, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"getIntOption", nullptr, Ipv6RawSocket::JsGetIntOption, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"bindToDevice", nullptr, Ipv6RawSocket::JsBindToDevice, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"joinGroup", nullptr, Ipv6RawSocket::JsJoinGroup, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"leaveGroup", nullptr, Ipv6RawSocket::JsLeaveGroup, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"send", nullptr, Ipv6RawSocket::JsSend, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"startReceiving", nullptr, PolledSocket::JsStartReceiving, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"stopReceiving", nullptr, PolledSocket::JsStopReceiving, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"awaitWritable", nullptr, PolledSocket::JsAwaitWritable, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"close", nullptr, PolledSocket::JsClose, nullptr, nullptr, nullptr, napi_default_method, tag},
      {"closed", nullptr, nullptr, PolledSocket::JsIsClosed, nullptr, nullptr, napi_enumerable, tag},
  };
  napi_value constructor;
  if (napi_define_class(env, "Ipv6RawSocket", NAPI_AUTO_LENGTH, Ipv6RawSocket::New, nullptr,
                        sizeof properties / sizeof properties[0], properties, &constructor) != napi_ok) {
    return false;
  }
  return napi_set_named_property(env, exports, "Ipv6RawSocket", constructor) == napi_ok;
}

}  // namespace vigil
