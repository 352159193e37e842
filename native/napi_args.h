// Argument readers for the addon's methods. Each returns false with a JS
// exception pending when the argument has the wrong type or range, so callers
// just `return nullptr`.
#ifndef VIGIL_NAPI_ARGS_H
#define VIGIL_NAPI_ARGS_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

namespace vigil {

// Fetches up to `count` arguments (missing ones read as undefined) and `this`.
bool GetArgs(napi_env env, napi_callback_info info, size_t count, napi_value* argv, napi_value* self);

bool ReadInt32(napi_env env, napi_value value, const char* what, int32_t min, int32_t max, int32_t* out);

// Copies a string into `out` (NUL-terminated); fails when it does not fit.
bool ReadString(napi_env env, napi_value value, const char* what, char* out, size_t capacity);

// True when the value is undefined or null (an omitted optional argument).
bool IsNullish(napi_env env, napi_value value);

// Borrows the bytes of a Buffer or any Uint8Array.
bool ReadBytes(napi_env env, napi_value value, const char* what, const uint8_t** data, size_t* length);

bool ReadFunction(napi_env env, napi_value value, const char* what);

}  // namespace vigil

#endif
