// runtime/complex.go: complex128div, the division the compiler calls for complex64 and
// complex128 (complex64 operands are widened by the caller). The same algorithm in every
// release from Go 1.15 to 1.27: Smith's (CACM 5(8), 1962), then C99 Annex G's corrections when
// both parts came out NaN. Plain double arithmetic, no fused multiply-add, as Go's amd64 code.
#include <cmath>

#include "runtime_stubs/runtime.h"

namespace gd::rt {

namespace {

// inf2one: a signed 1 if f is an infinity, a signed 0 otherwise; the sign is f's.
double inf2one(double f) {
  return std::copysign(std::isinf(f) ? 1.0 : 0.0, f);
}

} // namespace

// complex128div(n, m complex128) complex128: arguments real(n), imag(n), real(m), imag(m) in
// X0-X3 (ABIInternal) or four stack words (ABI0); the result's two parts in X0, X1 or the next
// two words.
StubResult Runtime::complex128div(Guest& g, Call& c) {
  auto a0 = c.floatArg(), b0 = c.floatArg(), c0 = c.floatArg(), d0 = c.floatArg();
  if (!a0 || !b0 || !c0 || !d0) return fault("complex128div: cannot read its arguments");
  const double nr = *a0, ni = *b0, mr = *c0, mi = *d0;
  const double inf = HUGE_VAL;
  double e, f;
  if (std::fabs(mr) >= std::fabs(mi)) {
    double ratio = mi / mr;
    double denom = mr + ratio * mi;
    e = (nr + ni * ratio) / denom;
    f = (ni - nr * ratio) / denom;
  } else {
    double ratio = mr / mi;
    double denom = mi + ratio * mr;
    e = (nr * ratio + ni) / denom;
    f = (ni * ratio - nr) / denom;
  }
  if (std::isnan(e) && std::isnan(f)) {
    double a = nr, b = ni, cc = mr, d = mi;
    auto finite = [](double x) { return std::isfinite(x); };
    if (mr == 0 && mi == 0 && (!std::isnan(a) || !std::isnan(b))) {
      e = std::copysign(inf, cc) * a;
      f = std::copysign(inf, cc) * b;
    } else if ((std::isinf(a) || std::isinf(b)) && finite(cc) && finite(d)) {
      a = inf2one(a);
      b = inf2one(b);
      e = inf * (a * cc + b * d);
      f = inf * (b * cc - a * d);
    } else if ((std::isinf(cc) || std::isinf(d)) && finite(a) && finite(b)) {
      cc = inf2one(cc);
      d = inf2one(d);
      e = 0 * (a * cc + b * d);
      f = 0 * (b * cc - a * d);
    }
  }
  c.floatResult(e);
  c.floatResult(f);
  return returnToCaller(g);
}

} // namespace gd::rt
