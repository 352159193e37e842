#include "napi_args.h"

#include <stdio.h>

#include "errno_error.h"

namespace vigil {

namespace {

bool Fail(napi_env env, bool type_error, const char* what, const char* expected) {
  char message[160];
  snprintf(message, sizeof message, "%s must be %s", what, expected);
  ThrowArgError(env, type_error, message);
  return false;
}

}  // namespace

bool GetArgs(napi_env env, napi_callback_info info, size_t count, napi_value* argv, napi_value* self) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, self, nullptr) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_get_cb_info failed");
    return false;
  }
  return true;
}

bool ReadInt32(napi_env env, napi_value value, const char* what, int32_t min, int32_t max, int32_t* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_number) {
    return Fail(env, true, what, "a number");
  }
  double number;
  napi_get_value_double(env, value, &number);
  if (!(number >= min && number <= max) || number != static_cast<double>(static_cast<int64_t>(number))) {
    char expected[96];
    snprintf(expected, sizeof expected, "an integer in [%d, %d]", min, max);
    return Fail(env, false, what, expected);
  }
  *out = static_cast<int32_t>(number);
  return true;
}

bool ReadString(napi_env env, napi_value value, const char* what, char* out, size_t capacity) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) {
    return Fail(env, true, what, "a string");
  }
  size_t length = 0;
  napi_get_value_string_utf8(env, value, nullptr, 0, &length);
  if (length + 1 > capacity) {
    char expected[64];
    snprintf(expected, sizeof expected, "at most %zu bytes long", capacity - 1);
    return Fail(env, false, what, expected);
  }
  napi_get_value_string_utf8(env, value, out, capacity, &length);
  return true;
}

bool IsNullish(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  return type == napi_undefined || type == napi_null;
}

bool ReadBytes(napi_env env, napi_value value, const char* what, const uint8_t** data, size_t* length) {
  bool is_typed_array = false;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) {
    return Fail(env, true, what, "a Buffer or Uint8Array");
  }
  napi_typedarray_type kind;
  void* bytes = nullptr;
  size_t element_count = 0;
  if (napi_get_typedarray_info(env, value, &kind, &element_count, &bytes, nullptr, nullptr) != napi_ok ||
      (kind != napi_uint8_array && kind != napi_uint8_clamped_array)) {
    return Fail(env, true, what, "a Buffer or Uint8Array");
  }
  *data = static_cast<const uint8_t*>(bytes);
  *length = element_count;
  return true;
}

bool ReadFunction(napi_env env, napi_value value, const char* what) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_function) {
    return Fail(env, true, what, "a function");
  }
  return true;
}

}  // namespace vigil
