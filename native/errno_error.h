// Errors crossing into JavaScript: every failed system call becomes an Error
// carrying `code` (the errno name, e.g. "EPERM"), `errno` and `syscall`, so the
// TypeScript side can switch on codes instead of parsing messages.
#ifndef VIGIL_ERRNO_ERROR_H
#define VIGIL_ERRNO_ERROR_H

#include <node_api.h>

namespace vigil {

// Builds (does not throw) an Error for `err` raised by `syscall`. `detail`
// (may be null) names the socket option or path involved.
napi_value MakeErrnoError(napi_env env, int err, const char* syscall, const char* detail);

// Throws the error built by MakeErrnoError; returns nullptr for convenience.
napi_value ThrowErrnoError(napi_env env, int err, const char* syscall, const char* detail);

// Throws a TypeError with code ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE.
napi_value ThrowArgError(napi_env env, bool type_error, const char* message);

}  // namespace vigil

#endif
