#include "emulator/values.h"

#include <cstring>
#include <map>

#include <fmt/format.h>

#include "runtime_stubs/format.h"

namespace gd::emu {
namespace {

struct Scalar {
  uint32_t size;
  enum Kind { Signed, Unsigned, Bool, Float, Pointer } kind;
};

const std::map<std::string, Scalar, std::less<>>& scalars() {
  static const std::map<std::string, Scalar, std::less<>> m = {
      {"int", {8, Scalar::Signed}},
      {"int64", {8, Scalar::Signed}},
      {"int32", {4, Scalar::Signed}},
      {"rune", {4, Scalar::Signed}},
      {"int16", {2, Scalar::Signed}},
      {"int8", {1, Scalar::Signed}},
      {"uint", {8, Scalar::Unsigned}},
      {"uint64", {8, Scalar::Unsigned}},
      {"uintptr", {8, Scalar::Unsigned}},
      {"uint32", {4, Scalar::Unsigned}},
      {"uint16", {2, Scalar::Unsigned}},
      {"uint8", {1, Scalar::Unsigned}},
      {"byte", {1, Scalar::Unsigned}},
      {"bool", {1, Scalar::Bool}},
      {"float64", {8, Scalar::Float}},
      {"float32", {4, Scalar::Float}},
      {"unsafe.Pointer", {8, Scalar::Pointer}},
  };
  return m;
}

} // namespace

uint32_t goTypeSize(const std::string& t) {
  if (auto it = scalars().find(t); it != scalars().end()) return it->second.size;
  if (t.starts_with("*") || t.starts_with("func") || t.starts_with("map[") ||
      t.starts_with("chan "))
    return 8;
  if (t == "string" || t == "error" || t.starts_with("interface")) return 16;
  if (t.starts_with("[]")) return 24;
  if (t == "complex128") return 16;
  if (t == "complex64") return 8;
  return 0;
}

bool isIntegerType(const std::string& t) {
  auto it = scalars().find(t);
  return it != scalars().end() &&
         (it->second.kind == Scalar::Signed || it->second.kind == Scalar::Unsigned);
}

Value formatValue(const std::string& type, uint64_t bits, const MemReader&) {
  Value v;
  v.type = type;
  auto it = scalars().find(type);
  if (it == scalars().end()) {
    // Pointers, funcs, maps, chans and anything we cannot decode: println prints them in hex.
    v.text = fmt::format("{:#x}", bits);
    return v;
  }
  uint32_t size = it->second.size;
  uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
  bits &= mask;
  switch (it->second.kind) {
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
    v.text = fmt::format("{}", bits);
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
    v.text = rt::formatGoFloat(d);
    break;
  }
  case Scalar::Pointer:
    v.text = fmt::format("{:#x}", bits);
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
