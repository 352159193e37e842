// Running a synchronous JS function with the calling thread switched into
// another network namespace (setns(2), CLONE_NEWNET). Sockets keep the
// namespace they were created in, so this is how a process opens sockets in
// a namespace it does not live in (keepalived's `net_namespace`, and tests).
// Also if_nametoindex(3), which Node does not expose.
#ifndef VIGIL_NETWORK_NAMESPACE_H
#define VIGIL_NETWORK_NAMESPACE_H

#include <node_api.h>

namespace vigil {

bool DefineNetworkNamespaceFunctions(napi_env env, napi_value exports);

}  // namespace vigil

#endif
