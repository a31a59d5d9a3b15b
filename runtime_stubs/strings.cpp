// Strings as the runtime builds them (src/runtime/string.go, utf8.go) and the equality
// functions of alg.go and the assembly memequal that compiled code and type descriptors'
// `equal` funcvals call. Results follow the Go sources of the object's release: what is
// observable is the bytes and lengths, and the capacity of []byte(s) and []rune(s) (the
// caller's 32-element buffer when it passes one and the result fits, else a size class).
#include <cstring>

#include <fmt/format.h>

#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/heaprules.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {
namespace {

constexpr uint64_t kTmpStringBufSize = 32; // string.go tmpStringBufSize
constexpr int32_t kRuneError = 0xFFFD, kMaxRune = 0x10FFFF;

} // namespace

// ---- UTF-8 (utf8.go) ----

std::string encodeRune(int32_t r) {
  uint32_t i = uint32_t(r);
  std::string p;
  if (i <= 0x7F) return std::string(1, char(r));
  if (i <= 0x7FF) {
    p += char(0xC0 | (r >> 6));
    p += char(0x80 | (r & 0x3F));
    return p;
  }
  if (i > uint32_t(kMaxRune) || (i >= 0xD800 && i <= 0xDFFF)) r = kRuneError, i = uint32_t(r);
  if (i <= 0xFFFF) {
    p += char(0xE0 | (r >> 12));
    p += char(0x80 | ((r >> 6) & 0x3F));
    p += char(0x80 | (r & 0x3F));
    return p;
  }
  p += char(0xF0 | (r >> 18));
  p += char(0x80 | ((r >> 12) & 0x3F));
  p += char(0x80 | ((r >> 6) & 0x3F));
  p += char(0x80 | (r & 0x3F));
  return p;
}

Decoded decodeRune(const std::string& str, uint64_t k) {
  if (k >= str.size()) return {kRuneError, k + 1};
  auto s = [&](uint64_t i) { return uint8_t(str[k + i]); };
  uint64_t n = str.size() - k;
  auto cont = [&](uint64_t i) { return s(i) >= 0x80 && s(i) <= 0xBF; };
  if (s(0) >= 0xC0 && s(0) < 0xE0) {
    if (n > 1 && cont(1)) {
      int32_t r = int32_t(s(0) & 0x1F) << 6 | int32_t(s(1) & 0x3F);
      if (r > 0x7F) return {r, k + 2};
    }
  } else if (s(0) >= 0xE0 && s(0) < 0xF0) {
    if (n > 2 && cont(1) && cont(2)) {
      int32_t r = int32_t(s(0) & 0x0F) << 12 | int32_t(s(1) & 0x3F) << 6 | int32_t(s(2) & 0x3F);
      if (r > 0x7FF && !(r >= 0xD800 && r <= 0xDFFF)) return {r, k + 3};
    }
  } else if (s(0) >= 0xF0 && s(0) < 0xF8) {
    if (n > 3 && cont(1) && cont(2) && cont(3)) {
      int32_t r = int32_t(s(0) & 0x07) << 18 | int32_t(s(1) & 0x3F) << 12 |
                  int32_t(s(2) & 0x3F) << 6 | int32_t(s(3) & 0x3F);
      if (r > 0xFFFF && r <= kMaxRune) return {r, k + 4};
    }
  }
  return {kRuneError, k + 1};
}

namespace {
// `for _, r := range s` as compiled code does it: ASCII inline, decoderune otherwise.
std::vector<int32_t> rangeRunes(const std::string& s) {
  std::vector<int32_t> out;
  for (uint64_t k = 0; k < s.size();) {
    if (uint8_t(s[k]) < 0x80) {
      out.push_back(uint8_t(s[k]));
      k++;
    } else {
      Decoded d = decodeRune(s, k);
      out.push_back(d.r);
      k = d.next;
    }
  }
  return out;
}
} // namespace

// ---- concatenation ----

// concatstring2..5(buf *tmpBuf, a0, ..., an string) and concatstrings(buf, a []string). Go 1.15
// passes the operands as an array on the stack, the same words; with the register ABI a fifth
// operand does not fit the nine integer registers and is passed on the stack.
StubResult Runtime::concatstrings(Guest& g, Call& c) {
  const std::string& name = c.name();
  auto buf = c.intArg();
  if (!buf) return fault(name + ": cannot read its arguments");
  std::vector<std::pair<uint64_t, uint64_t>> parts;
  if (name == "runtime.concatstrings") {
    auto p = c.intArg(), n = c.intArg(), cap = c.intArg();
    if (!p || !n || !cap || *n > 1000000) return fault(name + ": cannot read its arguments");
    for (uint64_t i = 0; i < *n; i++) {
      auto sp = g.u64(*p + 16 * i), sn = g.u64(*p + 16 * i + 8);
      if (!sp || !sn) return fault(name + ": cannot read the operands");
      parts.push_back({*sp, *sn});
    }
  } else {
    int count = name.back() - '0';
    uint64_t stackOff = 8; // ABIInternal: operands past the registers start at entry SP+8
    for (int i = 0; i < count; i++) {
      std::optional<uint64_t> sp, sn;
      if (prof_.registerAbi && i == 4) {
        sp = g.u64(c.entrySp() + stackOff), sn = g.u64(c.entrySp() + stackOff + 8);
        stackOff += 16;
      } else {
        sp = c.intArg(), sn = c.intArg();
      }
      if (!sp || !sn) return fault(name + ": cannot read its arguments");
      parts.push_back({*sp, *sn});
    }
  }
  uint64_t total = 0, count = 0, idx = 0;
  for (size_t i = 0; i < parts.size(); i++) {
    if (!parts[i].second) continue;
    total += parts[i].second;
    count++;
    idx = i;
  }
  uint64_t resPtr = 0, resLen = 0;
  if (count == 1) {
    // The one non-empty operand itself, unless its bytes are on the stack and the result may
    // outlive the frame (buf == nil).
    uint64_t lo = g.u64(kGAddr + prof_.g.stackLo).value_or(0);
    uint64_t hi = g.u64(kGAddr + prof_.g.stackHi).value_or(0);
    bool onStack = lo <= parts[idx].first && parts[idx].first < hi;
    if (*buf || !onStack) resPtr = parts[idx].first, resLen = parts[idx].second;
  }
  if (count && !resLen) {
    if (*buf && total <= kTmpStringBufSize) {
      resPtr = *buf;
    } else {
      auto a = alloc(g, total);
      if (!a) return fault(name + ": heap exhausted");
      resPtr = *a;
    }
    uint64_t off = 0;
    for (auto [p, n] : parts) {
      auto bytes = readBytes(g, p, n);
      if (!bytes || !g.write(resPtr + off, bytes->data(), n))
        return fault(fmt::format("{}: cannot copy {} bytes from {:#x}", name, n, p));
      off += n;
    }
    resLen = total;
  }
  c.intResult(resPtr);
  c.intResult(resLen);
  return returnToCaller(g);
}

// cmpstring(a, b string) int: -1, 0, +1 by bytes, then by length.
StubResult Runtime::cmpstring(Guest& g, Call& c) {
  auto ap = c.intArg(), an = c.intArg(), bp = c.intArg(), bn = c.intArg();
  if (!ap || !an || !bp || !bn) return fault("cmpstring: cannot read its arguments");
  auto a = readBytes(g, *ap, *an), b = readBytes(g, *bp, *bn);
  if (!a || !b) return fault("cmpstring: cannot read the strings");
  int r = a->compare(*b);
  c.intResult(uint64_t(int64_t(r < 0 ? -1 : r > 0 ? 1 : 0)));
  return returnToCaller(g);
}

// strmin(x, y string) string, strmax(x, y string) string (runtime/minmax.go): y when y < x
// (strmin) or y > x (strmax) by bytes, x otherwise (so x when they are equal).
StubResult Runtime::strminmax(Guest& g, Call& c) {
  auto xp = c.intArg(), xn = c.intArg(), yp = c.intArg(), yn = c.intArg();
  if (!xp || !xn || !yp || !yn) return fault(c.name() + ": cannot read its arguments");
  auto x = readBytes(g, *xp, *xn), y = readBytes(g, *yp, *yn);
  if (!x || !y) return fault(c.name() + ": cannot read the strings");
  int r = y->compare(*x);
  bool takeY = c.name() == "runtime.strmax" ? r > 0 : r < 0;
  c.intResult(takeY ? *yp : *xp);
  c.intResult(takeY ? *yn : *xn);
  return returnToCaller(g);
}

// ---- conversions ----

// intstring(buf *[4]byte, v int64) string: the UTF-8 of rune(v), U+FFFD when v is no rune.
StubResult Runtime::intstring(Guest& g, Call& c) {
  auto buf = c.intArg(), v = c.intArg();
  if (!buf || !v) return fault("intstring: cannot read its arguments");
  int64_t x = int64_t(*v);
  if (int64_t(int32_t(x)) != x) x = kRuneError;
  std::string s = encodeRune(int32_t(x));
  uint64_t p = *buf;
  if (!p) {
    auto a = alloc(g, 4);
    if (!a) return fault("intstring: heap exhausted");
    p = *a;
  }
  g.write(p, s.data(), s.size());
  c.intResult(p);
  c.intResult(s.size());
  return returnToCaller(g);
}

// slicebytetostring(buf *tmpBuf, ptr *byte, n int) string; slicebytetostringtmp(ptr, n) aliases
// the bytes.
StubResult Runtime::slicebytetostring(Guest& g, Call& c) {
  bool tmp = c.name() == "runtime.slicebytetostringtmp";
  auto buf = tmp ? std::optional<uint64_t>(0) : c.intArg();
  auto ptr = c.intArg(), n = c.intArg();
  if (!buf || !ptr || !n) return fault(c.name() + ": cannot read its arguments");
  uint64_t p = 0;
  if (tmp) {
    p = *ptr;
  } else if (*n) {
    auto bytes = readBytes(g, *ptr, *n);
    if (!bytes) return fault(fmt::format("{}: cannot read {} bytes at {:#x}", c.name(), *n, *ptr));
    if (*n == 1 && staticUint64s_) {
      p = staticUint64s_ + 8 * uint8_t((*bytes)[0]); // the shared one-byte strings
    } else {
      if (*buf && *n <= kTmpStringBufSize) {
        p = *buf;
      } else {
        auto a = alloc(g, *n);
        if (!a) return fault(c.name() + ": heap exhausted");
        p = *a;
      }
      g.write(p, bytes->data(), *n);
    }
  }
  c.intResult(*n ? p : 0);
  c.intResult(*n);
  return returnToCaller(g);
}

// stringtoslicebyte(buf *tmpBuf, s string) []byte: the caller's buffer (cap 32) when given and
// large enough, else rawbyteslice: a size class of len(s) bytes.
StubResult Runtime::stringtoslicebyte(Guest& g, Call& c) {
  auto buf = c.intArg(), sp = c.intArg(), sn = c.intArg();
  if (!buf || !sp || !sn) return fault("stringtoslicebyte: cannot read its arguments");
  auto s = readBytes(g, *sp, *sn);
  if (!s) return fault("stringtoslicebyte: cannot read the string");
  uint64_t p, cap;
  if (*buf && *sn <= kTmpStringBufSize) {
    g.clear(*buf, kTmpStringBufSize);
    p = *buf, cap = kTmpStringBufSize;
  } else {
    cap = roundupsize(*sn, true, prof_.heap);
    auto a = alloc(g, cap);
    if (!a) return fault("stringtoslicebyte: heap exhausted");
    p = *a;
  }
  g.write(p, s->data(), s->size());
  c.intResult(p);
  c.intResult(*sn);
  c.intResult(cap);
  return returnToCaller(g);
}

// stringtoslicerune(buf *[32]rune, s string) []rune.
StubResult Runtime::stringtoslicerune(Guest& g, Call& c) {
  auto buf = c.intArg(), sp = c.intArg(), sn = c.intArg();
  if (!buf || !sp || !sn) return fault("stringtoslicerune: cannot read its arguments");
  auto s = readBytes(g, *sp, *sn);
  if (!s) return fault("stringtoslicerune: cannot read the string");
  std::vector<int32_t> runes = rangeRunes(*s);
  uint64_t n = runes.size(), p, cap;
  if (*buf && n <= kTmpStringBufSize) {
    g.clear(*buf, 4 * kTmpStringBufSize);
    p = *buf, cap = kTmpStringBufSize;
  } else {
    uint64_t mem = roundupsize(n * 4, true, prof_.heap); // rawruneslice
    auto a = alloc(g, mem);
    if (!a) return fault("stringtoslicerune: heap exhausted");
    p = *a, cap = mem / 4;
  }
  if (n) g.write(p, runes.data(), 4 * n);
  c.intResult(p);
  c.intResult(n);
  c.intResult(cap);
  return returnToCaller(g);
}

// slicerunetostring(buf *tmpBuf, a []rune) string.
StubResult Runtime::slicerunetostring(Guest& g, Call& c) {
  auto buf = c.intArg(), ap = c.intArg(), an = c.intArg(), acap = c.intArg();
  if (!buf || !ap || !an || !acap) return fault("slicerunetostring: cannot read its arguments");
  auto raw = readBytes(g, *ap, *an * 4);
  if (!raw) return fault("slicerunetostring: cannot read the runes");
  std::string s;
  for (uint64_t i = 0; i < *an; i++) {
    int32_t r;
    std::memcpy(&r, raw->data() + 4 * i, 4);
    s += encodeRune(r);
  }
  uint64_t need = s.size() + 3, p; // rawstringtmp(buf, size1+3)
  if (*buf && need <= kTmpStringBufSize) {
    p = *buf;
  } else {
    auto a = alloc(g, need);
    if (!a) return fault("slicerunetostring: heap exhausted");
    p = *a;
  }
  g.write(p, s.data(), s.size());
  c.intResult(p);
  c.intResult(s.size());
  return returnToCaller(g);
}

// decoderune(s string, k int) (r rune, pos int).
StubResult Runtime::decoderune(Guest& g, Call& c) {
  auto sp = c.intArg(), sn = c.intArg(), k = c.intArg();
  if (!sp || !sn || !k) return fault("decoderune: cannot read its arguments");
  auto s = readBytes(g, *sp, *sn);
  if (!s) return fault("decoderune: cannot read the string");
  Decoded d = decodeRune(*s, *k);
  c.intResult(uint64_t(uint32_t(d.r)));
  c.intResult(d.next);
  return returnToCaller(g);
}

// countrunes(s string) int: len([]rune(s)).
StubResult Runtime::countrunes(Guest& g, Call& c) {
  auto sp = c.intArg(), sn = c.intArg();
  if (!sp || !sn) return fault("countrunes: cannot read its arguments");
  auto s = readBytes(g, *sp, *sn);
  if (!s) return fault("countrunes: cannot read the string");
  c.intResult(rangeRunes(*s).size());
  return returnToCaller(g);
}

// ---- equality (alg.go, memequal_amd64.s) ----

// memequal(a, b, size) bool; memequal0/8/16/32/64/128(p, q) bool; memequal_varlen(p, q) with the
// size in its closure (8(DX)); f32equal, f64equal, c64equal, c128equal (IEEE: NaN != NaN,
// +0 == -0); strequal (two string headers).
StubResult Runtime::memequal(Guest& g, Call& c) {
  const std::string& n = c.name();
  auto p = c.intArg(), q = c.intArg();
  if (!p || !q) return fault(n + ": cannot read its arguments");
  bool eq = false;
  auto bytesEqual = [&](uint64_t size) -> std::optional<bool> {
    if (*p == *q || size == 0) return true;
    auto a = readBytes(g, *p, size), b = readBytes(g, *q, size);
    if (!a || !b) return std::nullopt;
    return *a == *b;
  };
  auto floats = [&](int count, bool wide) -> std::optional<bool> {
    for (int i = 0; i < count; i++) {
      double x, y;
      if (wide) {
        auto a = g.u64(*p + 8 * i), b = g.u64(*q + 8 * i);
        if (!a || !b) return std::nullopt;
        std::memcpy(&x, &*a, 8), std::memcpy(&y, &*b, 8);
      } else {
        auto a = g.u32(*p + 4 * i), b = g.u32(*q + 4 * i);
        if (!a || !b) return std::nullopt;
        float fx, fy;
        std::memcpy(&fx, &*a, 4), std::memcpy(&fy, &*b, 4);
        x = fx, y = fy;
      }
      if (!(x == y)) return false;
    }
    return true;
  };
  std::optional<bool> r;
  if (n == "runtime.memequal") {
    auto size = c.intArg();
    if (!size) return fault(n + ": cannot read its arguments");
    r = bytesEqual(*size);
  } else if (n == "runtime.memequal_varlen") {
    auto size = g.u64(g.reg(Reg::RDX) + 8);
    if (!size) return fault("memequal_varlen: cannot read the size in its closure");
    r = bytesEqual(*size);
  } else if (n == "runtime.strequal") {
    auto ap = g.u64(*p), an = g.u64(*p + 8), bp = g.u64(*q), bn = g.u64(*q + 8);
    if (!ap || !an || !bp || !bn) return fault("strequal: cannot read the strings");
    if (*an != *bn)
      r = false;
    else if (*ap == *bp)
      r = true;
    else {
      auto a = readBytes(g, *ap, *an), b = readBytes(g, *bp, *bn);
      if (a && b) r = *a == *b;
    }
  } else if (n == "runtime.f32equal") {
    r = floats(1, false);
  } else if (n == "runtime.f64equal") {
    r = floats(1, true);
  } else if (n == "runtime.c64equal") {
    r = floats(2, false);
  } else if (n == "runtime.c128equal") {
    r = floats(2, true);
  } else { // memequal0, memequal8, ..., memequal128
    r = bytesEqual(std::stoull(n.substr(std::string("runtime.memequal").size())) / 8);
  }
  if (!r) return fault(fmt::format("{}: cannot read the values at {:#x}, {:#x}", n, *p, *q));
  eq = *r;
  c.intResult(eq ? 1 : 0);
  return returnToCaller(g);
}

} // namespace gd::rt
