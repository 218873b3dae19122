#include <cmath>

#include "common.h"

namespace pe {

std::vector<Export>& exportTable() {
  static std::vector<Export> table;
  return table;
}

// Random 128-bit tags that mark an External as one of ours, and of which type.
constexpr napi_type_tag kTensorTag = {0x8f3c2a1e5b7d4c69ULL, 0xa1d2e3f405162738ULL};
constexpr napi_type_tag kGeneratorTag = {0x4e6b9d2c1a3f5e87ULL, 0xb7c8d9e0f1a2b3c4ULL};

template <typename T>
Napi::Value wrapTagged(Napi::Env env, T* data, const napi_type_tag& tag) {
  auto external = Napi::External<T>::New(env, data, [](Napi::Env, T* owned) { delete owned; });
  external.TypeTag(&tag);
  return external;
}

template <typename T>
T* unwrapTagged(const Napi::Value& value, const napi_type_tag& tag, const std::string& expected) {
  if (!value.IsExternal() || !value.As<Napi::External<T>>().CheckTypeTag(&tag)) {
    throw Napi::TypeError::New(value.Env(), "expected a " + expected);
  }
  return value.As<Napi::External<T>>().Data();
}

Napi::Value wrap(Napi::Env env, at::Tensor tensor) {
  return wrapTagged(env, new at::Tensor(std::move(tensor)), kTensorTag);
}

at::Tensor& unwrapMaybeDisposed(const Napi::Value& value, const char* what) {
  return *unwrapTagged<at::Tensor>(value, kTensorTag, std::string("Tensor for ") + what);
}

at::Tensor& unwrap(const Napi::Value& value, const char* what) {
  at::Tensor& tensor = unwrapMaybeDisposed(value, what);
  if (!tensor.defined()) {
    throw Napi::Error::New(value.Env(), std::string("Tensor (") + what +
                                            ") was disposed and cannot be used again; keep it out "
                                            "of tidy() or clone it before disposing");
  }
  return tensor;
}

Napi::Value wrapGenerator(Napi::Env env, at::Generator generator) {
  return wrapTagged(env, new at::Generator(std::move(generator)), kGeneratorTag);
}

at::Generator& unwrapGenerator(const Napi::Value& value) {
  return *unwrapTagged<at::Generator>(value, kGeneratorTag, "Generator");
}

bool isAbsent(const Napi::Value& value) { return value.IsUndefined() || value.IsNull(); }

c10::optional<at::Tensor> unwrapOptional(const Napi::Value& value) {
  if (isAbsent(value)) return c10::nullopt;
  return unwrap(value);
}

Napi::Array wrapList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  Napi::Array out = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); i++) out.Set(i, wrap(env, tensors[i]));
  return out;
}

std::vector<at::Tensor> unwrapList(const Napi::Value& value) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), "expected an array of Tensors");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) out.push_back(unwrap(array.Get(i), "list element"));
  return out;
}

std::vector<int64_t> intList(const Napi::Value& value, const char* what) {
  if (value.IsNumber()) return {toInt(value, what)};
  if (!value.IsArray()) {
    throw Napi::TypeError::New(value.Env(), std::string("expected an array of integers for ") + what);
  }
  Napi::Array array = value.As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) out[i] = toInt(array.Get(i), what);
  return out;
}

int64_t toInt(const Napi::Value& value, const char* what) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string("expected an integer for ") + what);
  double number = value.As<Napi::Number>().DoubleValue();
  // -2^63 and 2^63 are exact doubles; NaN fails both comparisons.
  bool inRange = number >= -9223372036854775808.0 && number < 9223372036854775808.0;
  if (!inRange || std::trunc(number) != number) {
    throw Napi::RangeError::New(value.Env(), std::string("expected an integer for ") + what + ", got " +
                                                 value.ToString().Utf8Value());
  }
  return static_cast<int64_t>(number);
}

uint64_t toUnsigned(const Napi::Value& value, const char* what) {
  int64_t number = toInt(value, what);
  if (number < 0) {
    throw Napi::RangeError::New(value.Env(), std::string("expected a non-negative integer for ") + what +
                                                 ", got " + std::to_string(number));
  }
  return static_cast<uint64_t>(number);
}

double toDouble(const Napi::Value& value, const char* what) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string("expected a number for ") + what);
  return value.As<Napi::Number>().DoubleValue();
}

bool toBool(const Napi::Value& value, const char* what) {
  if (!value.IsBoolean()) throw Napi::TypeError::New(value.Env(), std::string("expected a boolean for ") + what);
  return value.As<Napi::Boolean>().Value();
}

std::string toString(const Napi::Value& value, const char* what) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string("expected a string for ") + what);
  return value.As<Napi::String>().Utf8Value();
}

bool isScalar(const Napi::Value& value) { return value.IsNumber() || value.IsBigInt() || value.IsBoolean(); }

// The caller chose the scalar's kind (it decides PyTorch's type promotion): a bigint is an int64
// scalar, a number a double scalar, a boolean a bool scalar.
at::Scalar toScalar(const Napi::Value& value, const char* what) {
  if (value.IsBoolean()) return at::Scalar(value.As<Napi::Boolean>().Value());
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t integer = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(value.Env(), std::string("integer out of int64 range for ") + what);
    return at::Scalar(integer);
  }
  return at::Scalar(toDouble(value, what));
}

struct DtypeEntry {
  const char* name;
  at::ScalarType type;
};
static const DtypeEntry kDtypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf}, {"bfloat16", at::kBFloat16},
    {"int64", at::kLong},    {"int32", at::kInt},      {"int16", at::kShort},  {"int8", at::kChar},
    {"uint8", at::kByte},    {"bool", at::kBool},
};

at::ScalarType toDtype(const Napi::Value& value) {
  std::string name = toString(value, "dtype");
  for (const auto& entry : kDtypes) {
    if (name == entry.name) return entry.type;
  }
  throw Napi::TypeError::New(value.Env(), "unknown dtype '" + name +
                                              "'; expected float32, float64, float16, bfloat16, int64, "
                                              "int32, int16, int8, uint8 or bool");
}

const char* dtypeName(at::ScalarType type) {
  for (const auto& entry : kDtypes) {
    if (type == entry.type) return entry.name;
  }
  return "unsupported";
}

at::Device toDevice(const Napi::Value& value) {
  if (isAbsent(value)) return at::Device(at::kCPU);
  return at::Device(toString(value, "device"));
}

}  // namespace pe

static Napi::Object init(Napi::Env env, Napi::Object exports) {
  pe::installCountingAllocator();
  for (const auto& entry : pe::exportTable()) {
    exports.Set(entry.name, Napi::Function::New(env, entry.function, entry.name));
  }
  return exports;
}

NODE_API_MODULE(pareto_edge, init)
