// Shared marshalling helpers for the addon. Everything here converts between JavaScript values and
// ATen types; no policy lives in native code.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <c10/util/Optional.h>
#include <string>
#include <vector>

namespace pe {

// A tensor handle is a JavaScript External that owns a heap-allocated at::Tensor. dispose() resets
// the tensor (releasing its storage) while the External lives on until garbage collection.
// Handles are type-tagged (napi_type_tag_object): unwrapping anything but a handle of the expected
// type (a Generator's, another addon's External) is a TypeError, never a reinterpreted pointer.
Napi::Value wrap(Napi::Env env, at::Tensor tensor);
at::Tensor& unwrap(const Napi::Value& value, const char* what = "tensor");
// The handle's tensor even when disposed (undefined), for dispose() and isDisposed().
at::Tensor& unwrapMaybeDisposed(const Napi::Value& value, const char* what = "tensor");
Napi::Value wrapGenerator(Napi::Env env, at::Generator generator);
at::Generator& unwrapGenerator(const Napi::Value& value);
c10::optional<at::Tensor> unwrapOptional(const Napi::Value& value);
Napi::Array wrapList(Napi::Env env, const std::vector<at::Tensor>& tensors);
std::vector<at::Tensor> unwrapList(const Napi::Value& value);

// Integers arrive as JavaScript numbers (doubles). Which values are valid is decided in TypeScript;
// these only refuse a double that is not exactly an int64 (NaN, ±Infinity, 2.7, ≥ 2^63), which a
// cast would narrow silently (NaN to 0, 2.7 to 2).
std::vector<int64_t> intList(const Napi::Value& value, const char* what);
int64_t toInt(const Napi::Value& value, const char* what);
// As toInt, for the unsigned quantities (seeds, byte counts) a negative number would wrap around.
uint64_t toUnsigned(const Napi::Value& value, const char* what);
double toDouble(const Napi::Value& value, const char* what);
bool toBool(const Napi::Value& value, const char* what);
std::string toString(const Napi::Value& value, const char* what);
// A number (double), bigint (int64) or boolean: what toScalar() accepts.
bool isScalar(const Napi::Value& value);
at::Scalar toScalar(const Napi::Value& value, const char* what);
at::ScalarType toDtype(const Napi::Value& value);
const char* dtypeName(at::ScalarType type);
at::Device toDevice(const Napi::Value& value);
bool isAbsent(const Napi::Value& value);

// Runs a body and turns every C++ exception (c10::Error from libtorch included) into a JavaScript
// Error carrying libtorch's message, so that no libtorch failure can take the process down.
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  } catch (...) {
    throw Napi::Error::New(info.Env(), "unknown native error");
  }
}

// Every exported function registers itself here at static-initialisation time; init() exports them.
using NativeFunction = Napi::Value (*)(const Napi::CallbackInfo&);
struct Export {
  const char* name;
  NativeFunction function;
};
std::vector<Export>& exportTable();
struct Registration {
  Registration(const char* name, NativeFunction function) { exportTable().push_back({name, function}); }
};

// Declares an exported function whose body runs inside guarded().
#define PE_FN(name)                                                              \
  static Napi::Value name##_body(const Napi::CallbackInfo& info);               \
  static Napi::Value name(const Napi::CallbackInfo& info) {                     \
    return ::pe::guarded(info, [&]() { return name##_body(info); });            \
  }                                                                              \
  static ::pe::Registration name##_registration(#name, name);                    \
  static Napi::Value name##_body(const Napi::CallbackInfo& info)

void installCountingAllocator();

}  // namespace pe
