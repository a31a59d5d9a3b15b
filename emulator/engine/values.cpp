#include "emulator/engine/values.h"

#include <cstring>

#include <fmt/format.h>

#include "runtime_stubs/format.h"
#include "runtime_stubs/types.h"

namespace gd::emu {
namespace {

// The scalar class of a Go type, from the runtime model's table of predeclared types.
enum class Scalar { None, Signed, Unsigned, Bool, Float };

Scalar scalarOf(uint8_t k) {
  switch (k & rt::kind::Mask) {
  case rt::kind::Int:
  case rt::kind::Int8:
  case rt::kind::Int16:
  case rt::kind::Int32:
  case rt::kind::Int64:
    return Scalar::Signed;
  case rt::kind::Uint:
  case rt::kind::Uint8:
  case rt::kind::Uint16:
  case rt::kind::Uint32:
  case rt::kind::Uint64:
  case rt::kind::Uintptr:
    return Scalar::Unsigned;
  case rt::kind::Bool:
    return Scalar::Bool;
  case rt::kind::Float32:
  case rt::kind::Float64:
    return Scalar::Float;
  default:
    return Scalar::None;
  }
}

} // namespace

uint32_t goTypeSize(const std::string& t) {
  if (auto f = rt::builtinTypeFacts(t)) return uint32_t(f->size);
  return 0;
}

bool isIntegerType(const std::string& t) {
  auto f = rt::builtinTypeFacts(t);
  if (!f) return false;
  Scalar s = scalarOf(f->kind);
  return s == Scalar::Signed || s == Scalar::Unsigned;
}

std::string integerRangeMiss(const std::string& type, int64_t v) {
  auto f = rt::builtinTypeFacts(type);
  if (!f || f->size == 0 || f->size > 8) return "";
  unsigned bits = unsigned(8 * f->size);
  if (scalarOf(f->kind) == Scalar::Unsigned) {
    uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
    if (v >= 0 && uint64_t(v) <= max) return "";
    return fmt::format("0..{}", max);
  }
  if (bits == 64) return "";
  int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
  if (v >= lo && v <= hi) return "";
  return fmt::format("{}..{}", lo, hi);
}

Value formatValue(const std::string& type, uint64_t bits, const MemReader&) {
  return formatValue(type, rt::builtinTypeFacts(type), bits);
}

std::string formatFloat(double d, int bits, bool shortest) {
  return shortest ? rt::formatGoFloatShortest(d, bits) : rt::formatGoFloat(d);
}

Value formatValue(const std::string& type, const std::optional<rt::TypeFacts>& facts, uint64_t bits,
                  bool shortestFloats) {
  Value v;
  v.type = type;
  Scalar kind = facts ? scalarOf(facts->kind) : Scalar::None;
  if (kind == Scalar::None) {
    // Pointers, funcs, maps, chans and anything we cannot decode: println prints them in hex.
    v.text = fmt::format("{:#x}", bits);
    return v;
  }
  uint32_t size = uint32_t(facts->size);
  uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
  bits &= mask;
  switch (kind) {
  case Scalar::Signed: {
    int64_t s = int64_t(bits << (64 - 8 * size)) >> (64 - 8 * size);
    v.isInt = true;
    v.intValue = s;
    v.text = rt::formatGoInt(s);
    break;
  }
  case Scalar::Unsigned:
    v.isInt = true;
    v.intValue = int64_t(bits);
    v.text = fmt::format_int(bits).str();
    break;
  case Scalar::Bool:
    v.isBool = true;
    v.intValue = bits != 0;
    v.text = bits ? "true" : "false";
    break;
  case Scalar::Float: {
    double d;
    if (size == 4) {
      float f;
      uint32_t b32 = uint32_t(bits);
      std::memcpy(&f, &b32, 4);
      d = f;
    } else {
      std::memcpy(&d, &bits, 8);
    }
    v.text = formatFloat(d, int(8 * size), shortestFloats);
    break;
  }
  case Scalar::None:
    break;
  }
  return v;
}

Value formatString(uint64_t ptr, uint64_t len, const MemReader& read) {
  Value v;
  v.type = "string";
  if (len > (1u << 20)) {
    v.text = fmt::format("<string at {:#x} with implausible length {}>", ptr, len);
    return v;
  }
  std::string s(len, '\0');
  if (len && !read(ptr, s.data(), len)) {
    v.text = fmt::format("<unreadable string at {:#x}>", ptr);
    return v;
  }
  v.text = s;
  return v;
}

} // namespace gd::emu
