// Map keys as the runtime compares and hashes them (alg.go typehash, mapKeyError2 and the
// compiler's generated equal functions): a key of any comparable type is reduced to an identity
// string, equal for two keys exactly when Go's == says they are equal, walking the type
// descriptor by kind as typehash does:
//   bool, integers, uintptr, pointers, unsafe.Pointer, channels: their bytes (identity)
//   float32/64: +0 for both zeros, the bytes otherwise; a NaN marks the key as equal to nothing
//   complex64/128: their two floats
//   string: length and contents
//   interface: the dynamic type's descriptor (an itab's type for non-empty interfaces; nil: 0),
//     then the value by that type; a dynamic type without an equal function (slices, maps,
//     funcs and structs/arrays holding them) is unhashable: the runtime panics
//   array: the elements; struct: the fields but blank (`_`) ones; padding is never read
// The model's tables hash the identity with FNV-1a (64-bit, offset basis 14695981039346656037),
// a fixed seed: Go randomises its seed per map, so only the iteration order could tell, and Go
// leaves it unspecified.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "loader/image.h"
#include "runtime_stubs/guest.h"
#include "runtime_stubs/runtime_profile.h"

namespace gd::rt {

struct MapKey {
  std::string id;          // the identity (see above)
  bool nan = false;        // holds a NaN: equal to no key, itself included
  uint64_t unhashable = 0; // the descriptor of a dynamic type that cannot be hashed
  bool operator==(const MapKey&) const = delete;
};

// Whether two keys are the same key of a map (Go's ==).
inline bool sameKey(const MapKey& a, const MapKey& b) {
  return !a.nan && !b.nan && a.id == b.id;
}
uint64_t mapKeyHash(const MapKey& k);

class MapKeyCodec {
public:
  MapKeyCodec(const loader::Image& img, const RuntimeProfile& prof) : img_(img), prof_(prof) {}
  // The key of type `t` stored at guest address `p`; nullopt when memory cannot be read.
  // k.unhashable is set (and the rest incomplete) when hashing it would panic.
  std::optional<MapKey> at(const Guest& g, uint64_t t, uint64_t p) const;
  // The key held in `raw` (the key's bytes, as the _fast* entry points receive them).
  std::optional<MapKey> ofBytes(const Guest& g, uint64_t t, const std::string& raw) const;
  // t.NeedKeyUpdate(): an assignment to an existing key stores the new key's bytes (+0 / -0,
  // strings and interfaces that are equal but not identical).
  bool needKeyUpdate(const Guest& g, uint64_t t) const;
  // Whether values of type t have an equal function (t.Equal != nil).
  bool comparable(const Guest& g, uint64_t t) const;

private:
  bool encode(const Guest& g, uint64_t t, uint64_t p, MapKey& k, int depth) const;
  bool encodeBytes(const Guest& g, uint8_t kind, const char* b, uint64_t size, MapKey& k) const;
  bool declaredByUs(uint64_t t) const; // a predeclared type's descriptor (not in the object)
  bool directIface(const Guest& g, uint64_t t) const;
  bool emptyInterface(const Guest& g, uint64_t t) const;
  const loader::Image& img_;
  const RuntimeProfile& prof_;
};

} // namespace gd::rt
