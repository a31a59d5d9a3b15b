// The print/println family of src/runtime/print.go, byte for byte. Output goes to fd 2.
#include <charconv>
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

std::string formatGoFloatShortest(double v, int bits) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest round-trip digits and decimal exponent (std::to_chars implements the same
  // shortest-uniqueness rule as strconv's Ryū path), then ftoa.go's %g choice: %e when the
  // exponent is < -4 or >= 6 (the precision used for the decision when shortest), else %f.
  char buf[64];
  auto r = bits == 32
               ? std::to_chars(buf, buf + sizeof buf, float(v), std::chars_format::scientific)
               : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  int exp = std::stoi(sci.substr(e + 1));
  std::string digits = sci.substr(0, 1) + (e > 2 ? sci.substr(2, e - 2) : "");
  if (v == 0) return sign + "0";
  if (exp < -4 || exp >= 6) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    int a = exp < 0 ? -exp : exp;
    if (a < 10) out += "0";
    return out + std::to_string(a);
  }
  int dp = exp + 1; // digits before the decimal point
  if (dp <= 0) return sign + "0." + std::string(size_t(-dp), '0') + digits;
  if (size_t(dp) >= digits.size()) return sign + digits + std::string(dp - digits.size(), '0');
  return sign + digits.substr(0, size_t(dp)) + "." + digits.substr(size_t(dp));
}

std::string formatGoComplexShortest(double re, double im, int bits) {
  std::string i = formatGoFloatShortest(im, bits / 2);
  if (i[0] != '+' && i[0] != '-') i = "+" + i;
  return "(" + formatGoFloatShortest(re, bits / 2) + i + "i)";
}

std::string formatGoInt(int64_t v) {
  return fmt::format_int(v).str();
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

// Go 1.26+: printfloat64, printfloat32 (X0 holds a float32), printcomplex128, printcomplex64.
StubResult Runtime::printfloatShortest(Guest& g, Call& c) {
  bool f32 = c.name() == "runtime.printfloat32";
  auto v = f32 ? c.float32Arg() : c.floatArg();
  if (!v) return fault(c.name() + ": cannot read its argument");
  output(formatGoFloatShortest(*v, f32 ? 32 : 64));
  return returnToCaller(g);
}

StubResult Runtime::printcomplexShortest(Guest& g, Call& c) {
  bool c64 = c.name() == "runtime.printcomplex64";
  auto re = c64 ? c.float32Arg() : c.floatArg();
  auto im = c64 ? c.float32Arg() : c.floatArg();
  if (!re || !im) return fault(c.name() + ": cannot read its argument");
  output(formatGoComplexShortest(*re, *im, c64 ? 64 : 128));
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
