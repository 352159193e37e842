#include "errno_error.h"

#include <stdio.h>
#include <string.h>

namespace vigil {

namespace {

const char* ErrnoName(int err) {
  // glibc >= 2.32 knows every name; older libcs fall back to a generic code.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  if (name != nullptr) return name;
#endif
  return "EUNKNOWN";
}

void SetString(napi_env env, napi_value object, const char* key, const char* text) {
  napi_value value;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value) == napi_ok) {
    napi_set_named_property(env, object, key, value);
  }
}

}  // namespace

napi_value MakeErrnoError(napi_env env, int err, const char* syscall, const char* detail) {
  const char* code = ErrnoName(err);
  char message[256];
  if (detail != nullptr) {
    snprintf(message, sizeof message, "%s %s (%s): %s", syscall, code, detail, strerror(err));
  } else {
    snprintf(message, sizeof message, "%s %s: %s", syscall, code, strerror(err));
  }
  napi_value code_value;
  napi_value message_value;
  napi_value error = nullptr;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) != napi_ok ||
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value) != napi_ok ||
      napi_create_error(env, code_value, message_value, &error) != napi_ok) {
    return nullptr;
  }
  napi_value errno_value;
  if (napi_create_int32(env, err, &errno_value) == napi_ok) {
    napi_set_named_property(env, error, "errno", errno_value);
  }
  SetString(env, error, "syscall", syscall);
  if (detail != nullptr) SetString(env, error, "detail", detail);
  return error;
}

napi_value ThrowErrnoError(napi_env env, int err, const char* syscall, const char* detail) {
  napi_value error = MakeErrnoError(env, err, syscall, detail);
  if (error != nullptr) {
    napi_throw(env, error);
  } else {
    napi_throw_error(env, ErrnoName(err), syscall);
  }
  return nullptr;
}

napi_value ThrowArgError(napi_env env, bool type_error, const char* message) {
  if (type_error) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  } else {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", message);
  }
  return nullptr;
}

}  // namespace vigil
