// The print/println family of src/runtime/print.go, byte for byte. Output goes to fd 2.
#include <cmath>

#include <fmt/format.h>

#include "runtime_stubs/format.h"
#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {

// runtime.printfloat: sign, one digit, '.', six digits, 'e', sign, three exponent digits,
// rounded by adding 5e-7 to the normalised mantissa.
std::string formatGoFloat(double v) {
  if (v != v) return "NaN";
  if (v + v == v && v > 0) return "+Inf";
  if (v + v == v && v < 0) return "-Inf";
  constexpr int n = 7;
  char buf[n + 7];
  buf[0] = '+';
  int e = 0;
  if (v == 0) {
    if (std::signbit(v)) buf[0] = '-';
  } else {
    if (v < 0) {
      v = -v;
      buf[0] = '-';
    }
    while (v >= 10) {
      e++;
      v /= 10;
    }
    while (v < 1) {
      e--;
      v *= 10;
    }
    double h = 5.0;
    for (int i = 0; i < n; i++)
      h /= 10;
    v += h;
    if (v >= 10) {
      e++;
      v /= 10;
    }
  }
  for (int i = 0; i < n; i++) {
    int s = int(v);
    buf[i + 2] = char(s + '0');
    v -= double(s);
    v *= 10;
  }
  buf[1] = buf[2];
  buf[2] = '.';
  buf[n + 2] = 'e';
  buf[n + 3] = '+';
  if (e < 0) {
    e = -e;
    buf[n + 3] = '-';
  }
  buf[n + 4] = char(e / 100 + '0');
  buf[n + 5] = char((e / 10) % 10 + '0');
  buf[n + 6] = char(e % 10 + '0');
  return std::string(buf, sizeof buf);
}

std::string formatGoInt(int64_t v) {
  return fmt::format("{}", v);
}

StubResult Runtime::printlock(Guest& g, Call&) {
  return returnToCaller(g);
}

StubResult Runtime::printint(Guest& g, Call& c) {
  auto v = c.intArg();
  if (!v) return fault("printint: cannot read its argument");
  output(formatGoInt(int64_t(*v)));
  return returnToCaller(g);
}

StubResult Runtime::printuint(Guest& g, Call& c) {
  auto v = c.intArg();
  if (!v) return fault("printuint: cannot read its argument");
  output(fmt::format("{}", *v));
  return returnToCaller(g);
}

StubResult Runtime::printhex(Guest& g, Call& c) {
  auto v = c.intArg();
  if (!v) return fault("printhex: cannot read its argument");
  output(fmt::format("{:#x}", *v));
  return returnToCaller(g);
}

StubResult Runtime::printpointer(Guest& g, Call& c) {
  return printhex(g, c);
}

StubResult Runtime::printbool(Guest& g, Call& c) {
  auto v = c.intArg();
  if (!v) return fault("printbool: cannot read its argument");
  output((*v & 0xFF) ? "true" : "false");
  return returnToCaller(g);
}

StubResult Runtime::printfloat(Guest& g, Call& c) {
  auto v = c.floatArg();
  if (!v) return fault("printfloat: cannot read its argument");
  output(formatGoFloat(*v));
  return returnToCaller(g);
}

StubResult Runtime::printcomplex(Guest& g, Call& c) {
  auto re = c.floatArg();
  auto im = c.floatArg();
  if (!re || !im) return fault("printcomplex: cannot read its argument");
  output("(" + formatGoFloat(*re) + formatGoFloat(*im) + "i)");
  return returnToCaller(g);
}

StubResult Runtime::printstring(Guest& g, Call& c) {
  auto p = c.intArg();
  auto n = c.intArg();
  if (!p || !n) return fault("printstring: cannot read its argument");
  auto s = readBytes(g, *p, *n);
  if (!s) return fault(fmt::format("printstring: cannot read {} bytes at {:#x}", *n, *p));
  output(*s);
  return returnToCaller(g);
}

StubResult Runtime::printslice(Guest& g, Call& c) {
  auto p = c.intArg(), len = c.intArg(), cap = c.intArg();
  if (!p || !len || !cap) return fault("printslice: cannot read its argument");
  output(fmt::format("[{}/{}]{:#x}", int64_t(*len), int64_t(*cap), *p));
  return returnToCaller(g);
}

StubResult Runtime::printeface(Guest& g, Call& c) {
  auto t = c.intArg(), d = c.intArg();
  if (!t || !d) return fault("printeface: cannot read its argument");
  output(fmt::format("({:#x},{:#x})", *t, *d));
  return returnToCaller(g);
}

StubResult Runtime::printnl(Guest& g, Call&) {
  output("\n");
  return returnToCaller(g);
}

StubResult Runtime::printsp(Guest& g, Call&) {
  output(" ");
  return returnToCaller(g);
}

} // namespace gd::rt
