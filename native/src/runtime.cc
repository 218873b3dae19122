// Threads, build configuration, version and random seeds.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>

#include "common.h"

namespace pe {
namespace {

PE_FN(setNumThreads) {
  int64_t threads = toInt(info[0], "threads");
  if (threads != static_cast<int>(threads)) {
    throw Napi::RangeError::New(info.Env(), "threads " + std::to_string(threads) + " does not fit an int");
  }
  at::set_num_threads(static_cast<int>(threads));
  return info.Env().Undefined();
}

PE_FN(getNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

PE_FN(buildConfig) { return Napi::String::New(info.Env(), at::show_config()); }

PE_FN(parallelInfo) { return Napi::String::New(info.Env(), at::get_parallel_info()); }

PE_FN(version) { return Napi::String::New(info.Env(), TORCH_VERSION); }

PE_FN(manualSeed) {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(toUnsigned(info[0], "seed"));
  return info.Env().Undefined();
}

// The default generator's full state, as a uint8 tensor, so checkpoints can restore randomness.
PE_FN(getRngState) {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return wrap(info.Env(), generator.get_state());
}

PE_FN(setRngState) {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(unwrap(info[0], "state"));
  return info.Env().Undefined();
}

PE_FN(newGenerator) {
  return wrapGenerator(info.Env(), at::make_generator<at::CPUGeneratorImpl>(toUnsigned(info[0], "seed")));
}

}  // namespace


}  // namespace pe
