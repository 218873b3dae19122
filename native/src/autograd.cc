// Autograd: gradient flags, backward, .grad access, the global grad mode and CPU autocast.
#include <ATen/autocast_mode.h>
#include <c10/core/GradMode.h>

#include "common.h"

namespace pe {
namespace {

PE_FN(requiresGrad) { return Napi::Boolean::New(info.Env(), unwrap(info[0]).requires_grad()); }

PE_FN(setRequiresGrad) {
  unwrap(info[0]).requires_grad_(toBool(info[1], "requiresGrad"));
  return info.Env().Undefined();
}

PE_FN(isLeaf) { return Napi::Boolean::New(info.Env(), unwrap(info[0]).is_leaf()); }

// grad(tensor): the accumulated gradient as a new handle sharing its storage, or null.
PE_FN(grad) {
  const at::Tensor& g = unwrap(info[0]).grad();
  if (!g.defined()) return info.Env().Null();
  return wrap(info.Env(), g);
}

// setGrad(tensor, grad | null): null drops the gradient (zero_grad with set_to_none).
PE_FN(setGrad) {
  at::Tensor& t = unwrap(info[0]);
  t.mutable_grad() = isAbsent(info[1]) ? at::Tensor() : unwrap(info[1], "grad");
  return info.Env().Undefined();
}

// backward(tensor, gradient | undefined, retainGraph)
PE_FN(backward) {
  at::Tensor gradient = isAbsent(info[1]) ? at::Tensor() : unwrap(info[1], "gradient");
  bool retain = isAbsent(info[2]) ? false : toBool(info[2], "retainGraph");
  unwrap(info[0]).backward(gradient, retain);
  return info.Env().Undefined();
}

PE_FN(detach) { return wrap(info.Env(), unwrap(info[0]).detach()); }

PE_FN(setGradEnabled) {
  c10::GradMode::set_enabled(toBool(info[0], "enabled"));
  return info.Env().Undefined();
}

PE_FN(isGradEnabled) { return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled()); }

// CPU autocast: the thread-local switches torch.autocast('cpu') drives. When and how they are set is
// src/engine/autocast.ts's business.
PE_FN(isAutocastCpuEnabled) { return Napi::Boolean::New(info.Env(), at::autocast::is_cpu_enabled()); }

PE_FN(setAutocastCpuEnabled) {
  at::autocast::set_cpu_enabled(toBool(info[0], "enabled"));
  return info.Env().Undefined();
}

PE_FN(autocastCpuDtype) {
  return Napi::String::New(info.Env(), dtypeName(at::autocast::get_autocast_cpu_dtype()));
}

PE_FN(setAutocastCpuDtype) {
  at::autocast::set_autocast_cpu_dtype(toDtype(info[0]));
  return info.Env().Undefined();
}

PE_FN(autocastIncrementNesting) { return Napi::Number::New(info.Env(), at::autocast::increment_nesting()); }

PE_FN(autocastDecrementNesting) { return Napi::Number::New(info.Env(), at::autocast::decrement_nesting()); }

// Drops the lower-precision copies of weights cast inside the autocast region.
PE_FN(clearAutocastCache) {
  at::autocast::clear_cache();
  return info.Env().Undefined();
}

}  // namespace
}  // namespace pe
