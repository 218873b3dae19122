// Elementwise arithmetic, comparisons, reductions, matmul and the in-place updates optimizers use.
#include "common.h"

namespace pe {
namespace {

// Binary operations accept a tensor or a scalar (see toScalar) as the second operand.
#define PE_BINARY(name, expr_tensor, expr_scalar)                         \
  PE_FN(name) {                                                           \
    const at::Tensor& a = unwrap(info[0], "left operand");                \
    if (isScalar(info[1])) {                                              \
      at::Scalar b = toScalar(info[1], "right operand");                  \
      return wrap(info.Env(), expr_scalar);                               \
    }                                                                     \
    const at::Tensor& b = unwrap(info[1], "right operand");               \
    return wrap(info.Env(), expr_tensor);                                 \
  }

PE_BINARY(add, at::add(a, b), at::add(a, b))
PE_BINARY(sub, at::sub(a, b), at::sub(a, b))
PE_BINARY(mul, at::mul(a, b), at::mul(a, b))
PE_BINARY(div, at::div(a, b), at::div(a, b))
PE_BINARY(pow, at::pow(a, b), at::pow(a, b))
PE_BINARY(remainder, at::remainder(a, b), at::remainder(a, b))
PE_BINARY(maximum, at::maximum(a, b), at::clamp_min(a, b))
PE_BINARY(minimum, at::minimum(a, b), at::clamp_max(a, b))
PE_BINARY(eq, at::eq(a, b), at::eq(a, b))
PE_BINARY(ne, at::ne(a, b), at::ne(a, b))
PE_BINARY(lt, at::lt(a, b), at::lt(a, b))
PE_BINARY(le, at::le(a, b), at::le(a, b))
PE_BINARY(gt, at::gt(a, b), at::gt(a, b))
PE_BINARY(ge, at::ge(a, b), at::ge(a, b))
PE_BINARY(logicalAnd, at::logical_and(a, b), at::logical_and(a, at::scalar_tensor(b, a.options())))
PE_BINARY(logicalOr, at::logical_or(a, b), at::logical_or(a, at::scalar_tensor(b, a.options())))

#define PE_UNARY(name, expr)                        \
  PE_FN(name) {                                     \
    const at::Tensor& a = unwrap(info[0]);          \
    return wrap(info.Env(), expr);                  \
  }

PE_UNARY(neg, at::neg(a))
PE_UNARY(abs, at::abs(a))
PE_UNARY(exp, at::exp(a))
PE_UNARY(log, at::log(a))
PE_UNARY(sqrt, at::sqrt(a))
PE_UNARY(rsqrt, at::rsqrt(a))
PE_UNARY(square, at::square(a))
PE_UNARY(sign, at::sign(a))
PE_UNARY(floor, at::floor(a))
PE_UNARY(ceil, at::ceil(a))
PE_UNARY(round, at::round(a))
PE_UNARY(tanh, at::tanh(a))
PE_UNARY(sin, at::sin(a))
PE_UNARY(cos, at::cos(a))
PE_UNARY(logicalNot, at::logical_not(a))
PE_UNARY(isnan, at::isnan(a))
PE_UNARY(isfinite, at::isfinite(a))
PE_UNARY(clone, a.clone())

PE_FN(clamp) {
  const at::Tensor& a = unwrap(info[0]);
  c10::optional<at::Scalar> low, high;
  if (!isAbsent(info[1])) low = toScalar(info[1], "min");
  if (!isAbsent(info[2])) high = toScalar(info[2], "max");
  return wrap(info.Env(), at::clamp(a, low, high));
}

PE_FN(where) {
  return wrap(info.Env(), at::where(unwrap(info[0], "condition"), unwrap(info[1], "x"), unwrap(info[2], "y")));
}

PE_FN(matmul) { return wrap(info.Env(), at::matmul(unwrap(info[0], "left"), unwrap(info[1], "right"))); }

PE_FN(allclose) {
  return Napi::Boolean::New(info.Env(), at::allclose(unwrap(info[0]), unwrap(info[1]), toDouble(info[2], "rtol"),
                                                     toDouble(info[3], "atol")));
}

// Reductions: (tensor, dims | undefined, keepdim). Without dims they reduce over every element.
#define PE_REDUCE(name, all_expr, dims_expr)                              \
  PE_FN(name) {                                                           \
    const at::Tensor& a = unwrap(info[0]);                                \
    if (isAbsent(info[1])) return wrap(info.Env(), all_expr);             \
    std::vector<int64_t> dims = intList(info[1], "dims");                 \
    bool keepdim = isAbsent(info[2]) ? false : toBool(info[2], "keepdim"); \
    return wrap(info.Env(), dims_expr);                                   \
  }

PE_REDUCE(sum, at::sum(a), at::sum(a, dims, keepdim))
PE_REDUCE(mean, at::mean(a), at::mean(a, dims, keepdim))
PE_REDUCE(amax, at::amax(a), at::amax(a, dims, keepdim))
PE_REDUCE(amin, at::amin(a), at::amin(a, dims, keepdim))
PE_REDUCE(prod, at::prod(a), at::prod(a, dims[0], keepdim))

PE_FN(variance) {
  const at::Tensor& a = unwrap(info[0]);
  bool unbiased = isAbsent(info[3]) ? true : toBool(info[3], "unbiased");
  if (isAbsent(info[1])) return wrap(info.Env(), at::var(a, unbiased));
  bool keepdim = isAbsent(info[2]) ? false : toBool(info[2], "keepdim");
  return wrap(info.Env(), at::var(a, at::IntArrayRef(intList(info[1], "dims")), unbiased, keepdim));
}

PE_FN(argmax) {
  const at::Tensor& a = unwrap(info[0]);
  if (isAbsent(info[1])) return wrap(info.Env(), at::argmax(a));
  bool keepdim = isAbsent(info[2]) ? false : toBool(info[2], "keepdim");
  return wrap(info.Env(), at::argmax(a, toInt(info[1], "dim"), keepdim));
}

PE_FN(argmin) {
  const at::Tensor& a = unwrap(info[0]);
  if (isAbsent(info[1])) return wrap(info.Env(), at::argmin(a));
  bool keepdim = isAbsent(info[2]) ? false : toBool(info[2], "keepdim");
  return wrap(info.Env(), at::argmin(a, toInt(info[1], "dim"), keepdim));
}

// topk(tensor, k, dim, largest, sorted) -> [values, indices]
PE_FN(topk) {
  auto result = at::topk(unwrap(info[0]), toInt(info[1], "k"), toInt(info[2], "dim"), toBool(info[3], "largest"),
                         toBool(info[4], "sorted"));
  return wrapList(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

// In-place updates. They return nothing: the JavaScript object keeps pointing at the same tensor.
PE_FN(add_) {
  at::Tensor& a = unwrap(info[0], "target");
  at::Scalar alpha = isAbsent(info[2]) ? at::Scalar(int64_t{1}) : toScalar(info[2], "alpha");
  if (isScalar(info[1])) {
    a.add_(toScalar(info[1], "value"), alpha);
  } else {
    a.add_(unwrap(info[1], "value"), alpha);
  }
  return info.Env().Undefined();
}

PE_FN(mul_) {
  at::Tensor& a = unwrap(info[0], "target");
  if (isScalar(info[1])) {
    a.mul_(toScalar(info[1], "value"));
  } else {
    a.mul_(unwrap(info[1], "value"));
  }
  return info.Env().Undefined();
}

PE_FN(div_) {
  at::Tensor& a = unwrap(info[0], "target");
  if (isScalar(info[1])) {
    a.div_(toScalar(info[1], "value"));
  } else {
    a.div_(unwrap(info[1], "value"));
  }
  return info.Env().Undefined();
}

PE_FN(addcmul_) {
  unwrap(info[0], "target").addcmul_(unwrap(info[1], "tensor1"), unwrap(info[2], "tensor2"), toScalar(info[3], "value"));
  return info.Env().Undefined();
}

PE_FN(addcdiv_) {
  unwrap(info[0], "target").addcdiv_(unwrap(info[1], "tensor1"), unwrap(info[2], "tensor2"), toScalar(info[3], "value"));
  return info.Env().Undefined();
}

PE_FN(lerp_) {
  unwrap(info[0], "target").lerp_(unwrap(info[1], "end"), toScalar(info[2], "weight"));
  return info.Env().Undefined();
}

PE_FN(sqrt_) {
  unwrap(info[0], "target").sqrt_();
  return info.Env().Undefined();
}

PE_FN(copy_) {
  unwrap(info[0], "target").copy_(unwrap(info[1], "source"));
  return info.Env().Undefined();
}

PE_FN(zero_) {
  unwrap(info[0], "target").zero_();
  return info.Env().Undefined();
}

PE_FN(fill_) {
  unwrap(info[0], "target").fill_(toScalar(info[1], "value"));
  return info.Env().Undefined();
}

PE_FN(clampMin_) {
  unwrap(info[0], "target").clamp_min_(toScalar(info[1], "min"));
  return info.Env().Undefined();
}

}  // namespace


}  // namespace pe
