// Vigil's packet I/O addon (Node-API, C interface only). It covers what the
// `raw-socket` package cannot: AF_PACKET frames and IPv6 receive metadata;
// the scheduling calls keepalived makes for its children; and a timerfd for
// the VRRP engine's sub-millisecond wake-up.
// See README.md beside this file.
#include <node_api.h>
#include <stdint.h>

#include "ipv6_raw_socket.h"
#include "network_namespace.h"
#include "packet_socket.h"
#include "process_scheduling.h"
#include "timer_fd.h"

namespace {

// What src/vrrp/io/VigilNetBinding.ts (VIGIL_NET_ABI_VERSION) must expect:
// bumped together whenever an export is added, removed or changes meaning.
// 2: openTimerFd, monotonicNowNs; the scheduling functions in the typed binding.
constexpr uint32_t kAbiVersion = 2;

napi_value Init(napi_env env, napi_value exports) {
  if (!vigil::DefinePacketSocket(env, exports) || !vigil::DefineIpv6RawSocket(env, exports) ||
      !vigil::DefineNetworkNamespaceFunctions(env, exports) || !vigil::DefineProcessSchedulingFunctions(env, exports) ||
      !vigil::DefineTimerFdFunctions(env, exports)) {
    napi_throw_error(env, "ERR_NAPI", "vigil_net: failed to define exports");
    return nullptr;
  }
  napi_value version;
  if (napi_create_uint32(env, kAbiVersion, &version) == napi_ok) napi_set_named_property(env, exports, "abiVersion", version);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
