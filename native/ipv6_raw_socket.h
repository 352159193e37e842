// AF_INET6/SOCK_RAW socket for one IP protocol (VRRP is 112). IPv6 raw
// sockets never hand the IPv6 header to user space (RFC 3542 §3), so the
// hop limit RFC 5798 §7.1 checks and the destination/interface arrive as
// IPV6_HOPLIMIT / IPV6_PKTINFO ancillary data, read here with recvmsg.
#ifndef VIGIL_IPV6_RAW_SOCKET_H
#define VIGIL_IPV6_RAW_SOCKET_H

#include <node_api.h>

namespace vigil {

// Defines the `Ipv6RawSocket` class on `exports`.
bool DefineIpv6RawSocket(napi_env env, napi_value exports);

}  // namespace vigil

#endif
