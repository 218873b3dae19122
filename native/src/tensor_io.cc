// Tensor creation, copying data in and out of JavaScript typed arrays, metadata and disposal.
#include <cstring>

#include "common.h"

namespace pe {
namespace {

at::TensorOptions options(const Napi::Value& dtype, const Napi::Value& device) {
  at::TensorOptions opts = at::TensorOptions().dtype(isAbsent(dtype) ? at::kFloat : toDtype(dtype));
  return opts.device(toDevice(device));
}

c10::optional<at::Generator> generatorArg(const Napi::Value& value) {
  if (isAbsent(value)) return c10::nullopt;
  return unwrapGenerator(value);
}

// fromBuffer(typedArray, shape, dtype): copies the array's bytes into a new CPU tensor. The element
// size of the array must match the dtype; TypeScript picks the array type.
PE_FN(fromBuffer) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "fromBuffer expects a typed array");
  Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = intList(info[1], "shape");
  at::ScalarType dtype = toDtype(info[2]);
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(dtype));
  size_t bytes = static_cast<size_t>(out.numel()) * out.element_size();
  if (bytes != array.ByteLength()) {
    throw Napi::RangeError::New(info.Env(), "data has " + std::to_string(array.ByteLength()) +
                                                " bytes but shape and dtype need " + std::to_string(bytes));
  }
  uint8_t* source = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  if (bytes > 0) std::memcpy(out.data_ptr(), source, bytes);
  return wrap(info.Env(), out);
}

// toBuffer(tensor): a copy of the tensor's elements, contiguous and on the CPU, as an ArrayBuffer.
PE_FN(toBuffer) {
  at::Tensor source = unwrap(info[0]).detach().to(at::kCPU).contiguous();
  size_t bytes = static_cast<size_t>(source.numel()) * source.element_size();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes > 0) std::memcpy(buffer.Data(), source.data_ptr(), bytes);
  return buffer;
}

PE_FN(dispose) {
  unwrapMaybeDisposed(info[0]) = at::Tensor();
  return info.Env().Undefined();
}

PE_FN(isDisposed) {
  return Napi::Boolean::New(info.Env(), !unwrapMaybeDisposed(info[0]).defined());
}

PE_FN(shape) {
  const at::Tensor& t = unwrap(info[0]);
  Napi::Array out = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) out.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), t.size(i)));
  return out;
}

PE_FN(strides) {
  const at::Tensor& t = unwrap(info[0]);
  Napi::Array out = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) out.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), t.stride(i)));
  return out;
}

PE_FN(dtype) { return Napi::String::New(info.Env(), dtypeName(unwrap(info[0]).scalar_type())); }

PE_FN(device) { return Napi::String::New(info.Env(), unwrap(info[0]).device().str()); }

PE_FN(numel) { return Napi::Number::New(info.Env(), static_cast<double>(unwrap(info[0]).numel())); }

PE_FN(nbytes) {
  const at::Tensor& t = unwrap(info[0]);
  return Napi::Number::New(info.Env(), static_cast<double>(t.numel() * t.element_size()));
}

PE_FN(isContiguous) {
  std::string format = isAbsent(info[1]) ? "contiguous" : toString(info[1], "memory format");
  at::MemoryFormat memoryFormat = format == "channels_last" ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  return Napi::Boolean::New(info.Env(), unwrap(info[0]).is_contiguous(memoryFormat));
}

PE_FN(item) {
  const at::Tensor& t = unwrap(info[0]);
  if (t.scalar_type() == at::kBool) return Napi::Boolean::New(info.Env(), t.item<bool>());
  return Napi::Number::New(info.Env(), t.item<double>());
}

PE_FN(to) {
  const at::Tensor& t = unwrap(info[0]);
  at::ScalarType dtype = isAbsent(info[1]) ? t.scalar_type() : toDtype(info[1]);
  at::Device device = isAbsent(info[2]) ? t.device() : toDevice(info[2]);
  return wrap(info.Env(), t.to(device, dtype));
}

PE_FN(zeros) { return wrap(info.Env(), at::zeros(intList(info[0], "shape"), options(info[1], info[2]))); }
PE_FN(ones) { return wrap(info.Env(), at::ones(intList(info[0], "shape"), options(info[1], info[2]))); }
PE_FN(empty) { return wrap(info.Env(), at::empty(intList(info[0], "shape"), options(info[1], info[2]))); }

PE_FN(full) {
  return wrap(info.Env(), at::full(intList(info[0], "shape"), toScalar(info[1], "value"), options(info[2], info[3])));
}

PE_FN(arange) {
  return wrap(info.Env(), at::arange(toScalar(info[0], "start"), toScalar(info[1], "end"), toScalar(info[2], "step"),
                                     options(info[3], info[4])));
}

PE_FN(linspace) {
  return wrap(info.Env(), at::linspace(toScalar(info[0], "start"), toScalar(info[1], "end"), toInt(info[2], "steps"),
                                       options(info[3], info[4])));
}

PE_FN(eye) { return wrap(info.Env(), at::eye(toInt(info[0], "n"), options(info[1], info[2]))); }

PE_FN(rand) {
  return wrap(info.Env(), at::rand(intList(info[0], "shape"), generatorArg(info[3]), options(info[1], info[2])));
}

PE_FN(randn) {
  return wrap(info.Env(), at::randn(intList(info[0], "shape"), generatorArg(info[3]), options(info[1], info[2])));
}

PE_FN(randint) {
  return wrap(info.Env(), at::randint(toInt(info[0], "low"), toInt(info[1], "high"), intList(info[2], "shape"),
                                      generatorArg(info[5]), options(info[3], info[4])));
}

PE_FN(randperm) {
  return wrap(info.Env(), at::randperm(toInt(info[0], "n"), generatorArg(info[3]), options(info[1], info[2])));
}

// In-place initialisers used by weight initialisation; they return nothing.
PE_FN(uniform_) {
  unwrap(info[0]).uniform_(toDouble(info[1], "from"), toDouble(info[2], "to"), generatorArg(info[3]));
  return info.Env().Undefined();
}

PE_FN(normal_) {
  unwrap(info[0]).normal_(toDouble(info[1], "mean"), toDouble(info[2], "std"), generatorArg(info[3]));
  return info.Env().Undefined();
}

}  // namespace


}  // namespace pe
