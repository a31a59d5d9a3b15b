#include "emulator/engine/values.h"

#include <algorithm>
#include <cmath>
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
    v.kind = ValueKind::Int;
    v.isInt = true;
    v.intValue = s;
    v.text = rt::formatGoInt(s);
    break;
  }
  case Scalar::Unsigned:
    v.kind = ValueKind::Uint;
    v.isInt = true;
    v.intValue = int64_t(bits);
    v.text = fmt::format_int(bits).str();
    break;
  case Scalar::Bool:
    v.kind = ValueKind::Bool;
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
    v.kind = ValueKind::Float;
    v.real = d;
    v.size = size;
    v.text = formatFloat(d, int(8 * size), shortestFloats);
    v.plus = rt::formatGoFloatShortest(d, int(8 * size)); // fmt's %v
    if (v.plus == v.text) v.plus.clear();
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

// ---- values of any type ----

namespace {

constexpr int kMaxDepth = 32;
constexpr uint64_t kMaxValueBytes = 1 << 20;

uint64_t word(const uint8_t* b) {
  uint64_t w;
  std::memcpy(&w, b, 8);
  return w;
}

// fmtsort's order of two map keys of the same type (internal/fmtsort.compare): numbers, strings,
// bools and pointers by value; other keys keep their slot order (0).
int compareKeys(const Value& a, const Value& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : x > y ? 1 : 0; };
  switch (a.kind) {
  case ValueKind::Int:
    return cmp(a.intValue, b.intValue);
  case ValueKind::Uint:
    return cmp(uint64_t(a.intValue), uint64_t(b.intValue));
  case ValueKind::Bool:
    return cmp(a.intValue, b.intValue);
  case ValueKind::String:
    return a.text.compare(b.text) < 0 ? -1 : a.text == b.text ? 0 : 1;
  case ValueKind::Float:
    if (std::isnan(a.real) || std::isnan(b.real))
      return std::isnan(a.real) && std::isnan(b.real) ? 0 : std::isnan(a.real) ? -1 : 1;
    return cmp(a.real, b.real);
  case ValueKind::Pointer:
  case ValueKind::Chan:
    return cmp(a.addr, b.addr);
  default:
    return 0;
  }
}

} // namespace

Value ValueReader::read(const rt::GoType* t, uint64_t addr) const {
  nodes_ = 0;
  Value v = nodeAt(t, addr, 0);
  finish(v);
  return v;
}

Value ValueReader::decode(const rt::GoType* t, std::span<const uint8_t> bytes) const {
  Value v;
  if (!t || bytes.size() < t->size) {
    v.text = "<unknown>";
    return v;
  }
  nodes_ = 0;
  v = node(t, bytes.data(), 0);
  finish(v);
  return v;
}

Value ValueReader::nodeAt(const rt::GoType* t, uint64_t addr, int depth) const {
  Value v;
  if (!t) {
    v.text = "<unknown type>";
    return v;
  }
  if (t->size > kMaxValueBytes) {
    v.type = t->name;
    v.text = fmt::format("<{} of {} bytes at {:#x}>", t->name, t->size, addr);
    return v;
  }
  std::vector<uint8_t> b(t->size);
  if (t->size && !mem_.read(addr, b.data(), b.size())) {
    v.type = t->name;
    v.text = fmt::format("<unreadable at {:#x}>", addr);
    return v;
  }
  return node(t, b.data(), depth);
}

Value ValueReader::node(const rt::GoType* t, const uint8_t* b, int depth) const {
  Value v;
  v.type = t->name;
  v.size = t->size;
  if (depth > kMaxDepth || ++nodes_ > kMaxNodes) {
    v.text = "...";
    return v;
  }
  uint64_t bits = 0;
  if (t->size) std::memcpy(&bits, b, std::min<uint64_t>(t->size, 8));
  auto composite = [&] {
    v.text = formatV(v, false, depth);
    v.plus = formatV(v, true, depth);
    if (v.plus == v.text) v.plus.clear();
  };
  namespace k = rt::kind;
  switch (t->kind) {
  case k::Bool:
    v.kind = ValueKind::Bool;
    v.isBool = true;
    v.intValue = (bits & 0xff) != 0;
    v.text = v.intValue ? "true" : "false";
    break;
  case k::Int:
  case k::Int8:
  case k::Int16:
  case k::Int32:
  case k::Int64: {
    unsigned shift = unsigned(64 - 8 * std::min<uint64_t>(t->size, 8));
    v.kind = ValueKind::Int;
    v.isInt = true;
    v.intValue = shift == 64 ? 0 : int64_t(bits << shift) >> shift;
    v.text = rt::formatGoInt(v.intValue);
    break;
  }
  case k::Uint:
  case k::Uint8:
  case k::Uint16:
  case k::Uint32:
  case k::Uint64:
  case k::Uintptr: {
    if (t->size < 8) bits &= (uint64_t(1) << (8 * t->size)) - 1;
    v.kind = ValueKind::Uint;
    v.isInt = true;
    v.intValue = int64_t(bits);
    v.text = fmt::format_int(bits).str();
    break;
  }
  case k::Float32:
  case k::Float64: {
    v.kind = ValueKind::Float;
    if (t->size == 4) {
      float f;
      std::memcpy(&f, b, 4);
      v.real = f;
    } else {
      std::memcpy(&v.real, b, 8);
    }
    v.text = rt::formatGoFloatShortest(v.real, int(8 * t->size));
    break;
  }
  case k::Complex64:
  case k::Complex128: {
    v.kind = ValueKind::Complex;
    if (t->size == 8) {
      float re, im;
      std::memcpy(&re, b, 4);
      std::memcpy(&im, b + 4, 4);
      v.real = re;
      v.imag = im;
    } else {
      std::memcpy(&v.real, b, 8);
      std::memcpy(&v.imag, b + 8, 8);
    }
    v.text = rt::formatGoComplexShortest(v.real, v.imag, int(8 * t->size));
    break;
  }
  case k::String: {
    v.kind = ValueKind::String;
    v.addr = word(b);
    v.len = word(b + 8);
    Value s = formatString(v.addr, v.len,
                           [this](uint64_t a, void* d, size_t n) { return mem_.read(a, d, n); });
    v.text = std::move(s.text);
    break;
  }
  case k::Pointer:
  case k::UnsafePointer:
    v.kind = ValueKind::Pointer;
    v.addr = bits;
    v.nil = bits == 0;
    // fmt prints &{...} for a top-level pointer to a struct, array, slice or map.
    if (depth == 0 && !v.nil && t->elem &&
        (t->elem->kind == k::Struct || t->elem->kind == k::Array || t->elem->kind == k::Slice ||
         t->elem->kind == k::Map))
      v.elems.push_back(nodeAt(t->elem, v.addr, depth + 1));
    composite();
    break;
  case k::Chan:
  case k::Func:
    v.kind = t->kind == k::Chan ? ValueKind::Chan : ValueKind::Func;
    v.addr = bits;
    v.nil = bits == 0;
    composite();
    break;
  case k::Slice: {
    v.kind = ValueKind::Slice;
    v.addr = word(b);
    v.len = word(b + 8);
    v.cap = word(b + 16);
    v.nil = v.addr == 0;
    if (t->elem)
      for (uint64_t i = 0; i < v.len && i < kMaxElems && nodes_ <= kMaxNodes; i++)
        v.elems.push_back(nodeAt(t->elem, v.addr + i * t->elem->size, depth + 1));
    v.truncated = v.elems.size() < v.len;
    composite();
    break;
  }
  case k::Array:
    v.kind = ValueKind::Array;
    v.len = t->len;
    if (t->elem)
      for (uint64_t i = 0; i < t->len && i < kMaxElems && nodes_ <= kMaxNodes; i++)
        v.elems.push_back(node(t->elem, b + i * t->elem->size, depth + 1));
    v.truncated = v.elems.size() < v.len;
    composite();
    break;
  case k::Struct:
    v.kind = ValueKind::Struct;
    for (const auto& f : t->fields) {
      Value fv = f.type && f.offset + f.type->size <= t->size
                     ? node(f.type, b + f.offset, depth + 1)
                     : Value{};
      fv.name = f.name;
      v.elems.push_back(std::move(fv));
    }
    composite();
    break;
  case k::Map: {
    v.kind = ValueKind::Map;
    v.addr = bits;
    v.nil = bits == 0;
    v.len = v.nil ? 0 : mem_.u64(bits).value_or(0); // hmap.count / Map.used
    std::vector<std::pair<Value, Value>> entries;
    if (t->key && t->elem)
      for (auto [ka, ea] : rt_.mapEntries(mem_, bits, kMaxElems))
        entries.emplace_back(nodeAt(t->key, ka, depth + 1), nodeAt(t->elem, ea, depth + 1));
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return compareKeys(a.first, b.first) < 0;
    });
    for (auto& [key, val] : entries) {
      v.elems.push_back(std::move(key));
      v.elems.push_back(std::move(val));
    }
    v.truncated = entries.size() < v.len;
    composite();
    break;
  }
  case k::Interface: {
    v.kind = ValueKind::Interface;
    uint64_t w0 = word(b), w1 = word(b + 8);
    v.tab = w0;
    v.addr = w1;
    v.nil = w0 == 0;
    if (!v.nil) {
      uint64_t dyn = rt_.dynamicType(mem_, w0, t->emptyInterface);
      const rt::GoType* dt = rt_.goTypeAt(mem_, dyn);
      v.dynType = dt ? dt->name : fmt::format("{:#x}", dyn);
      if (dt) {
        // fmt formats the dynamic value in the interface's place (a top-level operand is the
        // dynamic value itself).
        int d = depth == 0 ? 0 : depth + 1;
        uint8_t direct[8];
        std::memcpy(direct, &w1, 8);
        v.elems.push_back(dt->directIface && dt->size <= 8 ? node(dt, direct, d)
                                                           : nodeAt(dt, w1, d));
      }
    }
    composite();
    break;
  }
  default:
    v.text = fmt::format("{:#x}", bits);
    break;
  }
  return v;
}

void ValueReader::finish(Value& v) const {
  auto hex = [](uint64_t x) { return fmt::format("{:#x}", x); };
  switch (v.kind) {
  case ValueKind::Float:
    v.plus = v.text;
    v.text = formatFloat(v.real, v.size == 4 ? 32 : 64, shortest_);
    break;
  case ValueKind::Complex: {
    v.plus = v.text;
    if (!shortest_) v.text = "(" + rt::formatGoFloat(v.real) + rt::formatGoFloat(v.imag) + "i)";
    break;
  }
  case ValueKind::Pointer:
  case ValueKind::Chan:
  case ValueKind::Func:
  case ValueKind::Map:
    v.plus = formatV(v, true, 0);
    v.text = hex(v.addr);
    break;
  case ValueKind::Slice:
    v.plus = formatV(v, true, 0);
    v.text = fmt::format("[{}/{}]{:#x}", v.len, v.cap, v.addr);
    break;
  case ValueKind::Interface: {
    v.plus = formatV(v, true, 0);
    // println prints the interface's two words: (itab or type, data).
    v.text = fmt::format("({:#x},{:#x})", v.tab, v.addr);
    break;
  }
  default:
    break;
  }
  if (v.plus == v.text) v.plus.clear();
}

std::string formatV(const Value& v, bool plus, int depth) {
  auto join = [&](size_t from, size_t step, auto&& one) {
    std::string out;
    for (size_t i = from; i < v.elems.size(); i += step) {
      if (!out.empty() || i > from) out += ' ';
      out += one(i);
    }
    if (v.truncated) out += " ...";
    return out;
  };
  switch (v.kind) {
  case ValueKind::Pointer:
    if (v.nil) return "<nil>";
    if (depth == 0 && !v.elems.empty()) return "&" + formatV(v.elems[0], plus, depth + 1);
    return fmt::format("{:#x}", v.addr);
  case ValueKind::Chan:
  case ValueKind::Func:
    return v.nil ? "<nil>" : fmt::format("{:#x}", v.addr);
  case ValueKind::Slice:
  case ValueKind::Array:
    return "[" + join(0, 1, [&](size_t i) { return formatV(v.elems[i], plus, depth + 1); }) + "]";
  case ValueKind::Struct:
    return "{" +
           join(0, 1,
                [&](size_t i) {
                  std::string f = formatV(v.elems[i], plus, depth + 1);
                  return plus ? v.elems[i].name + ":" + f : f;
                }) +
           "}";
  case ValueKind::Map:
    return "map[" +
           join(0, 2,
                [&](size_t i) {
                  return formatV(v.elems[i], plus, depth + 1) + ":" +
                         (i + 1 < v.elems.size() ? formatV(v.elems[i + 1], plus, depth + 1) : "");
                }) +
           "]";
  case ValueKind::Interface:
    if (v.nil) return "<nil>";
    if (v.elems.empty()) return fmt::format("({}) {:#x}", v.dynType, v.addr);
    return formatV(v.elems[0], plus, depth == 0 ? 0 : depth + 1);
  case ValueKind::Float:
  case ValueKind::Complex:
    return v.plus.empty() ? v.text : v.plus; // the %v form (a top-level text is println's)
  default:
    return v.text;
  }
}

} // namespace gd::emu
