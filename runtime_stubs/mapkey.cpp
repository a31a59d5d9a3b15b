#include "runtime_stubs/mapkey.h"

#include <cmath>
#include <cstring>

#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

// abi.ArrayType: Type, Elem *Type, Slice *Type, Len uintptr.
constexpr uint64_t kArrayElem = 48, kArrayLen = 64;
// abi.StructType: Type, PkgPath Name, Fields []StructField{Name Name, Typ *Type, Offset}.
// abi.InterfaceType: Type, PkgPath Name, Methods []Imethod.
constexpr uint64_t kStructFields = 56, kInterMethods = 56, kFieldSize = 24;
constexpr int kMaxDepth = 64;

void append(std::string& s, uint64_t v) {
  s.append(reinterpret_cast<const char*>(&v), 8);
}

} // namespace

uint64_t mapKeyHash(const MapKey& k) {
  uint64_t h = 14695981039346656037ull; // FNV-1a
  for (unsigned char ch : k.id)
    h = (h ^ ch) * 1099511628211ull;
  return h ^ (h >> 29);
}

bool MapKeyCodec::declaredByUs(uint64_t t) const {
  auto id = img_.symbolAt(t);
  return !id || img_.address(*id) != t || !img_.obj->sym(*id).defined();
}

bool MapKeyCodec::directIface(const Guest& g, uint64_t t) const {
  if (prof_.directIfaceInTFlag) return g.u8(t + typeoff::TFlag).value_or(0) & kTFlagDirectIface;
  return g.u8(t + typeoff::Kind).value_or(0) & kind::DirectIface;
}

bool MapKeyCodec::emptyInterface(const Guest& g, uint64_t t) const {
  if (declaredByUs(t)) { // `error` and `interface {}` are the runtime's descriptors
    auto id = img_.symbolAt(t);
    return !id || typeStringOfSymbol(img_.obj->sym(*id).name) != "error";
  }
  return g.u64(t + kInterMethods + 8).value_or(0) == 0;
}

bool MapKeyCodec::comparable(const Guest& g, uint64_t t) const {
  if (!declaredByUs(t)) return g.u64(t + typeoff::Equal).value_or(0) != 0;
  switch (g.u8(t + typeoff::Kind).value_or(0) & kind::Mask) {
  case kind::Func:
  case kind::Map:
  case kind::Slice:
    return false;
  default:
    return true;
  }
}

bool MapKeyCodec::needKeyUpdate(const Guest& g, uint64_t t) const {
  switch (g.u8(t + typeoff::Kind).value_or(0) & kind::Mask) {
  case kind::Float32:
  case kind::Float64:
  case kind::Complex64:
  case kind::Complex128:
  case kind::String:
  case kind::Interface:
    return true;
  case kind::Array:
    if (declaredByUs(t)) return false;
    return needKeyUpdate(g, g.u64(t + kArrayElem).value_or(0));
  case kind::Struct: {
    if (declaredByUs(t)) return false;
    uint64_t fp = g.u64(t + kStructFields).value_or(0),
             n = g.u64(t + kStructFields + 8).value_or(0);
    for (uint64_t i = 0; i < n && i < 4096; i++)
      if (needKeyUpdate(g, g.u64(fp + kFieldSize * i + 8).value_or(0))) return true;
    return false;
  }
  default:
    return false;
  }
}

// A value of a scalar kind held in `b`.
bool MapKeyCodec::encodeBytes(const Guest&, uint8_t k, const char* b, uint64_t size,
                              MapKey& key) const {
  auto floatPart = [&](const char* p, bool wide) {
    double v;
    if (wide) {
      std::memcpy(&v, p, 8);
    } else {
      float f;
      std::memcpy(&f, p, 4);
      v = f;
    }
    if (std::isnan(v)) key.nan = true;
    if (v == 0) { // +0 and -0
      key.id.append(wide ? 8 : 4, '\0');
      return;
    }
    key.id.append(p, wide ? 8 : 4);
  };
  switch (k) {
  case kind::Float32:
    floatPart(b, false);
    return true;
  case kind::Float64:
    floatPart(b, true);
    return true;
  case kind::Complex64:
    floatPart(b, false), floatPart(b + 4, false);
    return true;
  case kind::Complex128:
    floatPart(b, true), floatPart(b + 8, true);
    return true;
  default:
    key.id.append(b, size);
    return true;
  }
}

bool MapKeyCodec::encode(const Guest& g, uint64_t t, uint64_t p, MapKey& key, int depth) const {
  if (depth > kMaxDepth || !t) return false;
  uint8_t k = g.u8(t + typeoff::Kind).value_or(0) & kind::Mask;
  uint64_t size = g.u64(t + typeoff::Size).value_or(0);
  switch (k) {
  case kind::String: {
    auto s = readStringHeader(g, p);
    if (!s) return false;
    append(key.id, s->size());
    key.id += *s;
    return true;
  }
  case kind::Interface: {
    auto w0 = g.u64(p), w1 = g.u64(p + 8);
    if (!w0 || !w1) return false;
    uint64_t dyn = emptyInterface(g, t) ? *w0 : (*w0 ? g.u64(*w0 + 8).value_or(0) : 0);
    append(key.id, dyn);
    if (!dyn) return true;
    if (!comparable(g, dyn)) {
      key.unhashable = dyn;
      return true;
    }
    return encode(g, dyn, directIface(g, dyn) ? p + 8 : *w1, key, depth + 1);
  }
  case kind::Array:
    if (!declaredByUs(t)) {
      uint64_t elem = g.u64(t + kArrayElem).value_or(0), n = g.u64(t + kArrayLen).value_or(0);
      uint64_t esize = g.u64(elem + typeoff::Size).value_or(0);
      for (uint64_t i = 0; i < n && !key.unhashable; i++)
        if (!encode(g, elem, p + i * esize, key, depth + 1)) return false;
      return true;
    }
    break;
  case kind::Struct:
    if (!declaredByUs(t)) {
      uint64_t fp = g.u64(t + kStructFields).value_or(0);
      uint64_t n = g.u64(t + kStructFields + 8).value_or(0);
      for (uint64_t i = 0; i < n && i < 4096 && !key.unhashable; i++) {
        uint64_t f = fp + kFieldSize * i;
        auto name = g.u64(f), ft = g.u64(f + 8), off = g.u64(f + 16);
        if (!name || !ft || !off) return false;
        // abi.Name: a flags byte, the length (Go 1.15: 2 bytes big-endian; later a uvarint),
        // the bytes. Blank fields take no part in == (nor in the generated hash).
        uint64_t q = *name + 1, len;
        if (prof_.nameLength == NameLength::BigEndian16) {
          len = uint64_t(g.u8(q).value_or(0)) << 8 | g.u8(q + 1).value_or(0);
          q += 2;
        } else {
          len = g.uvarint(q);
        }
        if (len == 1 && g.u8(q).value_or(0) == '_') continue;
        uint64_t offset =
            prof_.structFieldOffset == StructFieldOffset::OffsetAnon ? *off >> 1 : *off;
        if (!encode(g, *ft, p + offset, key, depth + 1)) return false;
      }
      return true;
    }
    break;
  default:
    break;
  }
  auto raw = readBytes(g, p, size);
  if (!raw) return false;
  return encodeBytes(g, k, raw->data(), raw->size(), key);
}

std::optional<MapKey> MapKeyCodec::at(const Guest& g, uint64_t t, uint64_t p) const {
  MapKey k;
  if (!encode(g, t, p, k, 0)) return std::nullopt;
  return k;
}

std::optional<MapKey> MapKeyCodec::ofBytes(const Guest& g, uint64_t t,
                                           const std::string& raw) const {
  MapKey k;
  uint8_t kd = g.u8(t + typeoff::Kind).value_or(0) & kind::Mask;
  if (kd == kind::String) {
    if (raw.size() < 16) return std::nullopt;
    uint64_t p, len;
    std::memcpy(&p, raw.data(), 8);
    std::memcpy(&len, raw.data() + 8, 8);
    auto s = readBytes(g, p, len);
    if (!s) return std::nullopt;
    append(k.id, s->size());
    k.id += *s;
    return k;
  }
  // The _fast32/_fast64 entry points serve keys of 4 and 8 bytes compared as memory.
  if (!encodeBytes(g, kd, raw.data(), raw.size(), k)) return std::nullopt;
  return k;
}

} // namespace gd::rt
