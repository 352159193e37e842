// AF_PACKET/SOCK_RAW socket bound to one interface: sends complete Ethernet
// frames (gratuitous ARP, unsolicited neighbour advertisements) and receives
// frames of the bound protocol with their packet type (linux/if_packet.h).
#ifndef VIGIL_PACKET_SOCKET_H
#define VIGIL_PACKET_SOCKET_H

#include <node_api.h>

namespace vigil {

// Defines the `PacketSocket` class on `exports`.
bool DefinePacketSocket(napi_env env, napi_value exports);

}  // namespace vigil

#endif
