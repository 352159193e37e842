#include "network_namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include "errno_error.h"
#include "napi_args.h"

namespace vigil {

namespace {

// The calling thread's own namespace; /proc/self would name the main
// thread's, which differs if this runs on a worker thread.
constexpr const char* kThreadNetns = "/proc/thread-self/ns/net";

// withNetworkNamespace(path, fn): enters the namespace bound at `path`
// (e.g. /run/netns/NAME), calls fn() synchronously, and always returns to
// the original namespace before returning fn's result or rethrowing.
napi_value WithNetworkNamespace(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!GetArgs(env, info, 2, argv, nullptr)) return nullptr;
  char path[PATH_MAX];
  if (!ReadString(env, argv[0], "path", path, sizeof path) || !ReadFunction(env, argv[1], "fn")) return nullptr;
  int home = open(kThreadNetns, O_RDONLY | O_CLOEXEC);
  if (home < 0) return ThrowErrnoError(env, errno, "open", kThreadNetns);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int err = errno;
    close(home);
    return ThrowErrnoError(env, err, "open", path);
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int err = errno;
    close(target);
    close(home);
    return ThrowErrnoError(env, err, "setns", path);
  }
  close(target);
  napi_value global;
  napi_value result = nullptr;
  napi_get_global(env, &global);
  napi_status status = napi_call_function(env, global, argv[1], 0, nullptr, &result);
  int restore_error = setns(home, CLONE_NEWNET) < 0 ? errno : 0;
  close(home);
  if (restore_error != 0) {
    // Staying in the wrong namespace silently would be far worse than any
    // error fn raised, so this one wins.
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
    return ThrowErrnoError(env, restore_error, "setns", "returning to the original network namespace");
  }
  return status == napi_ok ? result : nullptr;
}

napi_value InterfaceIndex(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!GetArgs(env, info, 1, argv, nullptr)) return nullptr;
  char name[IF_NAMESIZE];
  if (!ReadString(env, argv[0], "ifname", name, sizeof name)) return nullptr;
  unsigned index = if_nametoindex(name);
  if (index == 0) return ThrowErrnoError(env, errno != 0 ? errno : ENODEV, "if_nametoindex", name);
  napi_value result;
  napi_create_uint32(env, index, &result);
  return result;
}

}  // namespace

bool DefineNetworkNamespaceFunctions(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"withNetworkNamespace", nullptr, WithNetworkNamespace, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"interfaceIndex", nullptr, InterfaceIndex, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) == napi_ok;
}

}  // namespace vigil
