// Go maps (src/runtime/map.go, map_fast*.go of Go 1.15-1.23; internal/runtime/maps of Go
// 1.24's swiss maps). What compiled code observes is kept faithful: the int at offset 0 of
// the header (hmap.count / Map.used) is the entry count `len(m)` reads, element pointers stay
// valid until the map grows, iteration visits every entry once (entries deleted before they
// are reached are skipped), writes to a nil map panic with the plainError
// "assignment to entry in nil map". The bucket layout itself is our own: an open-addressing
// table in guest memory (never host state, so time travel restores it with the memory),
// reached from the header's word at offset 16 (hmap.buckets / Map.dirPtr). A small map that
// compiled code built on its stack points there to a zeroed Go bucket/group instead; the
// table's magic word tells ours apart, and the first write replaces it.
//
// Table: {magic, cap (power of two), used (full + deleted slots), keySize, elemSize, keyType
// (the key's type descriptor), slotSize, zero (elemSize zero bytes for misses)} then cap slots
// of {state u64 (0 empty, 1 full, 2 deleted), key (rounded to 8), elem (rounded to 8)}.
// Keys are compared and hashed as the runtime does, by their type (mapkey.h: NaN never equal,
// ±0 equal, strings by content, interfaces by dynamic type and value, arrays and structs field
// by field); a key whose dynamic type cannot be hashed panics as Go's hash functions do.
// Iterators (hiter / maps.Iter, allocated by compiled code): key@0 and elem@8 as the
// runtime's; we keep typ@16, map@24, the table iterated@32 and the next slot@40.
#include <cstring>
#include <expected>

#include <fmt/format.h>

#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/mapkey.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

constexpr uint64_t kMagic = 0x7061'6d2d'6466'6467ull; // "gdfd-map"
constexpr uint64_t kHdrSize = 48;                     // sizeof(hmap) and sizeof(maps.Map)
constexpr uint64_t kHdrTable = 16;                    // hmap.buckets / Map.dirPtr
enum : uint64_t {
  TMagic = 0,
  TCap = 8,
  TUsed = 16,
  TKeySize = 24,
  TElemSize = 32,
  TKeyType = 40,
  TSlotSize = 48,
  TZero = 56,
  TSlots = 64
};
enum : uint64_t { SEmpty = 0, SFull = 1, SDeleted = 2 };
// maptype / abi.MapType / abi.SwissMapType: Key *Type and Elem *Type follow the 48-byte header.
constexpr uint64_t kMapTypeKey = 48, kMapTypeElem = 56;
// hiter / maps.Iter
enum : uint64_t { IKey = 0, IElem = 8, ITyp = 16, IMap = 24, ITable = 32, INext = 40 };

uint64_t round8(uint64_t n) {
  return (n + 7) & ~uint64_t(7);
}

struct KeyType {
  uint64_t type = 0, size = 0, elemSize = 0;
};

// A key argument: the bytes a slot stores, and its identity.
struct Key {
  std::string raw;
  MapKey id;
};

} // namespace

namespace {

struct Table {
  uint64_t addr = 0, cap = 0, used = 0, keySize = 0, elemSize = 0, slotSize = 0, zero = 0;
  uint64_t keyType = 0;
  uint64_t slot(uint64_t i) const { return addr + TSlots + i * slotSize; }
  uint64_t keyAt(uint64_t i) const { return slot(i) + 8; }
  uint64_t elemAt(uint64_t i) const { return slot(i) + 8 + round8(keySize); }
};

std::optional<Table> readTable(const Guest& g, uint64_t t) {
  if (!t) return std::nullopt;
  auto magic = g.u64(t + TMagic);
  if (!magic || *magic != kMagic) return std::nullopt;
  Table tb;
  tb.addr = t;
  tb.cap = g.u64(t + TCap).value_or(0);
  tb.used = g.u64(t + TUsed).value_or(0);
  tb.keySize = g.u64(t + TKeySize).value_or(0);
  tb.elemSize = g.u64(t + TElemSize).value_or(0);
  tb.keyType = g.u64(t + TKeyType).value_or(0);
  tb.slotSize = g.u64(t + TSlotSize).value_or(0);
  tb.zero = g.u64(t + TZero).value_or(0);
  if (!tb.cap || !tb.slotSize) return std::nullopt;
  return tb;
}

// The slot holding `k` (found = true), else the first free slot of its probe sequence.
struct Probe {
  uint64_t index = 0;
  bool found = false;
};

std::optional<Probe> probe(const Guest& g, const MapKeyCodec& codec, const Table& tb,
                           const MapKey& k) {
  uint64_t mask = tb.cap - 1, i = mapKeyHash(k) & mask;
  std::optional<uint64_t> firstFree;
  for (uint64_t n = 0; n < tb.cap; n++, i = (i + 1) & mask) {
    auto st = g.u64(tb.slot(i));
    if (!st) return std::nullopt;
    if (*st == SEmpty) return Probe{firstFree.value_or(i), false};
    if (*st == SDeleted) {
      if (!firstFree) firstFree = i;
      continue;
    }
    if (k.nan) continue; // equal to no key: only the probe sequence's end matters
    auto other = codec.at(g, tb.keyType, tb.keyAt(i));
    if (!other) return std::nullopt;
    if (sameKey(*other, k)) return Probe{i, true};
  }
  if (firstFree) return Probe{*firstFree, false};
  return std::nullopt; // full: cannot happen, tables grow at 3/4
}

} // namespace

// ---- helpers shared by the models ----

namespace {

std::optional<KeyType> keyType(const Guest& g, uint64_t t) {
  auto key = g.u64(t + kMapTypeKey), elem = g.u64(t + kMapTypeElem);
  if (!key || !elem || !*key || !*elem) return std::nullopt;
  KeyType kt;
  kt.type = *key;
  kt.size = g.u64(*key + typeoff::Size).value_or(0);
  kt.elemSize = g.u64(*elem + typeoff::Size).value_or(0);
  return kt;
}

} // namespace

// A new, empty table for at least `hint` entries, with its zero area.
static std::optional<uint64_t> newTable(Runtime& rt, Guest& g, const KeyType& kt, uint64_t hint) {
  uint64_t cap = 8;
  while (cap * 3 / 4 < hint + 1)
    cap *= 2;
  uint64_t slotSize = 8 + round8(kt.size) + round8(kt.elemSize);
  auto t = rt.alloc(g, TSlots + cap * slotSize);
  auto zero = rt.alloc(g, std::max<uint64_t>(kt.elemSize, 8));
  if (!t || !zero) return std::nullopt;
  g.put64(*t + TMagic, kMagic);
  g.put64(*t + TCap, cap);
  g.put64(*t + TUsed, 0);
  g.put64(*t + TKeySize, kt.size);
  g.put64(*t + TElemSize, kt.elemSize);
  g.put64(*t + TKeyType, kt.type);
  g.put64(*t + TSlotSize, slotSize);
  g.put64(*t + TZero, *zero);
  return *t;
}

// Reads the key argument of a map call by its variant: _fast32 (uint32 value), _fast64 and
// _fast64ptr (8-byte value), _faststr (string header), otherwise a pointer to the key.
static std::optional<Key> readKeyArg(Guest& g, Runtime::Call& c, const KeyType& kt,
                                     const MapKeyCodec& codec) {
  // reflect.mapassign_faststr0 (Go 1.22+) is reflect_mapassign_faststr.
  std::string n =
      c.name().ends_with("_faststr0") ? c.name().substr(0, c.name().size() - 1) : c.name();
  Key k;
  std::optional<MapKey> id;
  if (n.ends_with("_fast32") || n.ends_with("_fast32ptr")) {
    auto v = c.int32Arg();
    if (!v) return std::nullopt;
    k.raw.assign(reinterpret_cast<const char*>(&*v), 4);
    id = codec.ofBytes(g, kt.type, k.raw);
  } else if (n.ends_with("_fast64") || n.ends_with("_fast64ptr")) {
    auto v = c.intArg();
    if (!v) return std::nullopt;
    k.raw.assign(reinterpret_cast<const char*>(&*v), 8);
    id = codec.ofBytes(g, kt.type, k.raw);
  } else if (n.ends_with("_faststr")) {
    auto p = c.intArg(), len = c.intArg();
    if (!p || !len) return std::nullopt;
    uint64_t hdr[2] = {*p, *len};
    k.raw.assign(reinterpret_cast<const char*>(hdr), 16);
    id = codec.ofBytes(g, kt.type, k.raw);
  } else {
    auto p = c.intArg();
    if (!p) return std::nullopt;
    auto raw = readBytes(g, *p, kt.size);
    if (!raw) return std::nullopt;
    k.raw = *raw;
    id = codec.at(g, kt.type, *p);
  }
  if (!id) return std::nullopt;
  k.id = std::move(*id);
  return k;
}

// makemap_small() / makemap(t, hint, h) / makemap64(t, hint int64, h): the header (h when
// compiled code passes one), with a table sized for the hint.
StubResult Runtime::makemap(Guest& g, Call& c) {
  uint64_t t = 0, hint = 0, h = 0;
  if (c.name() == "reflect.makemap") { // reflect_makemap(t, cap): makemap(t, cap, nil)
    auto a = c.intArg(), b = c.intArg();
    if (!a || !b) return fault(c.name() + ": cannot read its arguments");
    t = *a, hint = int64_t(*b) < 0 ? 0 : *b;
    uint64_t key = g.u64(t + kMapTypeKey).value_or(0);
    if (!key || !g.u64(key + typeoff::Equal).value_or(0))
      return fatalError("runtime.reflect_makemap: unsupported map key type");
  } else if (c.name() != "runtime.makemap_small") {
    auto a = c.intArg(), b = c.intArg(), d = c.intArg();
    if (!a || !b || !d) return fault(c.name() + ": cannot read its arguments");
    t = *a, hint = int64_t(*b) < 0 ? 0 : *b, h = *d;
  }
  if (!h) {
    auto p = alloc(g, kHdrSize);
    if (!p) return fault(c.name() + ": heap exhausted");
    h = *p;
  }
  if (prof_.mapHeader == MapHeader::Swiss)
    g.put64(h + 8, 0x9e3779b97f4a7c15ull); // Map.seed
  else
    g.put32(h + 12, 0x9e3779b9); // hmap.hash0
  if (t && hint > 8) {
    auto kt = keyType(g, t);
    if (!kt) return fault(c.name() + ": cannot read the map type");
    auto tb = newTable(*this, g, *kt, hint);
    if (!tb) return fault(c.name() + ": heap exhausted");
    g.put64(h + kHdrTable, *tb);
  }
  c.intResult(h);
  return returnToCaller(g);
}

// The arguments access, assign and delete share: (maptype, map, key).
struct MapCall {
  uint64_t t = 0, h = 0;
  KeyType kt;
  Key key;
};

static std::expected<MapCall, std::string> readMapCall(Guest& g, Runtime::Call& c,
                                                       const MapKeyCodec& codec) {
  MapCall mc;
  auto t = c.intArg(), h = c.intArg();
  if (!t || !h) return std::unexpected(c.name() + ": cannot read its arguments");
  mc.t = *t, mc.h = *h;
  auto kt = keyType(g, mc.t);
  if (!kt) return std::unexpected(c.name() + ": cannot read the map type");
  mc.kt = *kt;
  auto key = readKeyArg(g, c, mc.kt, codec);
  if (!key) return std::unexpected(c.name() + ": cannot read the key");
  mc.key = std::move(*key);
  return mc;
}

// The panic of hashing a key whose dynamic type has no equal function: errorString "hash of
// unhashable type T" (alg.go typehash/interhash), or, for a lookup or delete on a nil or empty
// map from Go 1.25, maps.unhashableTypeError (mapKeyError).
StubResult Runtime::unhashableKey(Guest& g, Call& c, uint64_t type, bool emptyLookup) {
  std::string t = typeString(g, type);
  std::string msg = emptyLookup && prof_.emptyMapKeyError == EmptyMapKeyError::UnhashableTypeError
                        ? "hash of unhashable type: " + t
                        : "runtime error: hash of unhashable type " + t;
  uint64_t v = runtimeError(g, msg);
  if (!v) return fault("cannot allocate the runtime error");
  return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
}

// mapaccess1*(t, h, key) *elem and mapaccess2*(t, h, key) (*elem, bool); the _fat forms pass
// the zero value to return on a miss; reflect.mapaccess(_faststr) returns nil on a miss.
StubResult Runtime::mapaccess(Guest& g, Call& c) {
  MapKeyCodec codec(img_, prof_);
  auto mc = readMapCall(g, c, codec);
  if (!mc) return fault(mc.error());
  auto& [t, h, kt, key] = *mc;
  bool fat = c.name().ends_with("_fat");
  std::optional<uint64_t> zero;
  if (fat) zero = c.intArg();
  bool two = c.name().starts_with("runtime.mapaccess2");
  bool nilOnMiss = c.name().starts_with("reflect.");
  bool empty = !h || g.u64(h).value_or(0) == 0;
  if (key.id.unhashable) return unhashableKey(g, c, key.id.unhashable, empty);
  std::optional<Table> tb;
  if (!empty) tb = readTable(g, g.u64(h + kHdrTable).value_or(0));
  uint64_t result = 0;
  bool found = false;
  if (tb) {
    auto p = probe(g, codec, *tb, key.id);
    if (!p) return fault(c.name() + ": cannot read the table");
    if (p->found) result = tb->elemAt(p->index), found = true;
  }
  if (!found) {
    if (nilOnMiss)
      result = 0;
    else if (zero)
      result = *zero;
    else if (tb)
      result = tb->zero;
    else {
      auto z = alloc(g, std::max<uint64_t>(kt.elemSize, 8));
      if (!z) return fault(c.name() + ": heap exhausted");
      result = *z;
    }
  }
  c.intResult(result);
  if (two) c.intResult(found ? 1 : 0);
  return returnToCaller(g);
}

// Copies the entries of `old` (if any) into a new table sized for count+1 entries, installed
// in the header. Old element pointers then no longer alias the map (as after Go's growth).
static std::optional<Table> rehash(Runtime& rt, Guest& g, const MapKeyCodec& codec, uint64_t h,
                                   const KeyType& kt, const std::optional<Table>& old,
                                   uint64_t count) {
  auto t = newTable(rt, g, kt, count * 2 + 1);
  if (!t) return std::nullopt;
  auto nt = readTable(g, *t);
  if (!nt) return std::nullopt;
  if (old) {
    uint64_t used = 0;
    for (uint64_t i = 0; i < old->cap; i++) {
      if (g.u64(old->slot(i)).value_or(0) != SFull) continue;
      auto k = codec.at(g, old->keyType, old->keyAt(i));
      auto raw = readBytes(g, old->keyAt(i), old->keySize);
      auto e = readBytes(g, old->elemAt(i), old->elemSize);
      if (!k || !raw || !e) return std::nullopt;
      auto p = probe(g, codec, *nt, *k);
      if (!p) return std::nullopt;
      g.put64(nt->slot(p->index), SFull);
      g.write(nt->keyAt(p->index), raw->data(), raw->size());
      if (!e->empty()) g.write(nt->elemAt(p->index), e->data(), e->size());
      used++;
    }
    g.put64(nt->addr + TUsed, used);
    nt->used = used;
  }
  g.put64(h + kHdrTable, nt->addr);
  return nt;
}

// mapassign*(t, h, key) *elem: the element slot for key, inserting it (zeroed) when missing.
// reflect.mapassign(0)/mapassign_faststr(0)(t, h, key, elem) then copy *elem into it
// (typedmemmove) and return nothing.
StubResult Runtime::mapassign(Guest& g, Call& c) {
  MapKeyCodec codec(img_, prof_);
  auto mc = readMapCall(g, c, codec);
  if (!mc) return fault(mc.error());
  auto& [t, h, kt, key] = *mc;
  std::optional<uint64_t> from;
  if (c.name().starts_with("reflect.")) {
    from = c.intArg();
    if (!from) return fault(c.name() + ": cannot read its arguments");
  }
  if (!h) {
    uint64_t v = runtimeError(g, "assignment to entry in nil map"); // a plainError
    if (!v) return fault("cannot allocate the runtime error");
    return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
  }
  if (key.id.unhashable) return unhashableKey(g, c, key.id.unhashable, false);
  uint64_t count = g.u64(h).value_or(0);
  auto tb = readTable(g, g.u64(h + kHdrTable).value_or(0));
  std::optional<Probe> p;
  if (tb) {
    p = probe(g, codec, *tb, key.id);
    if (!p) return fault(c.name() + ": cannot read the table");
  }
  if (!tb || (!p->found && (tb->used + 1) * 4 > tb->cap * 3)) {
    tb = rehash(*this, g, codec, h, kt, tb, count);
    if (!tb) return fault(c.name() + ": cannot grow the map");
    p = probe(g, codec, *tb, key.id);
    if (!p) return fault(c.name() + ": cannot read the table");
  }
  uint64_t i = p->index;
  if (!p->found) {
    bool reuse = g.u64(tb->slot(i)).value_or(0) == SDeleted;
    g.put64(tb->slot(i), SFull);
    if (!reuse) g.put64(tb->addr + TUsed, tb->used + 1);
    g.put64(h, count + 1);
    g.clear(tb->elemAt(i), round8(tb->elemSize));
  }
  // New keys are stored; an existing key is overwritten when t.NeedKeyUpdate() (+0 by -0,
  // strings and interfaces: equal, not identical).
  if (!p->found || codec.needKeyUpdate(g, kt.type))
    g.write(tb->keyAt(i), key.raw.data(), key.raw.size());
  if (from) {
    if (!g.copy(tb->elemAt(i), *from, kt.elemSize))
      return fault(fmt::format("{}: cannot copy the element from {:#x}", c.name(), *from));
    return returnToCaller(g);
  }
  c.intResult(tb->elemAt(i));
  return returnToCaller(g);
}

// mapdelete*(t, h, key): nothing for a nil map or a missing key.
StubResult Runtime::mapdelete(Guest& g, Call& c) {
  MapKeyCodec codec(img_, prof_);
  auto mc = readMapCall(g, c, codec);
  if (!mc) return fault(mc.error());
  auto& [t, h, kt, key] = *mc;
  bool empty = !h || g.u64(h).value_or(0) == 0;
  if (key.id.unhashable) return unhashableKey(g, c, key.id.unhashable, empty);
  if (empty) return returnToCaller(g);
  auto tb = readTable(g, g.u64(h + kHdrTable).value_or(0));
  if (!tb) return returnToCaller(g);
  auto p = probe(g, codec, *tb, key.id);
  if (!p) return fault(c.name() + ": cannot read the table");
  if (p->found) {
    g.put64(tb->slot(p->index), SDeleted);
    g.clear(tb->keyAt(p->index), tb->slotSize - 8);
    g.put64(h, g.u64(h).value_or(1) - 1);
  }
  return returnToCaller(g);
}

// mapclear(t, h): count 0 and no table (the next write makes a new one).
StubResult Runtime::mapclear(Guest& g, Call& c) {
  auto t = c.intArg(), h = c.intArg();
  if (!t || !h) return fault(c.name() + ": cannot read its arguments");
  if (*h) {
    g.put64(*h, 0);
    if (readTable(g, g.u64(*h + kHdrTable).value_or(0))) g.put64(*h + kHdrTable, 0);
  }
  return returnToCaller(g);
}

// Sets it.key / it.elem to the next full slot of the iterated table at or after it.next (key
// nil at the end). If the map has a new table since (growth, clear), each entry is looked up
// there: deleted ones are skipped, and the pointers are the current ones (a NaN key, which no
// lookup finds, is then skipped too).
static std::optional<bool> iterAdvance(Guest& g, const MapKeyCodec& codec, uint64_t it) {
  uint64_t h = g.u64(it + IMap).value_or(0);
  auto tb = readTable(g, g.u64(it + ITable).value_or(0));
  uint64_t i = g.u64(it + INext).value_or(0);
  uint64_t key = 0, elem = 0;
  if (tb && h) {
    uint64_t cur = g.u64(h + kHdrTable).value_or(0);
    auto now = cur == tb->addr ? tb : readTable(g, cur);
    for (; i < tb->cap && !key; i++) {
      if (g.u64(tb->slot(i)).value_or(0) != SFull) continue;
      if (now && now->addr == tb->addr) {
        key = tb->keyAt(i), elem = tb->elemAt(i);
        continue;
      }
      if (!now) continue;
      auto k = codec.at(g, tb->keyType, tb->keyAt(i));
      if (!k) return std::nullopt;
      auto p = probe(g, codec, *now, *k);
      if (!p) return std::nullopt;
      if (p->found) key = now->keyAt(p->index), elem = now->elemAt(p->index);
    }
  }
  g.put64(it + IKey, key);
  g.put64(it + IElem, elem);
  g.put64(it + INext, i);
  return true;
}

// mapiterinit(t, h, it) (Go 1.15-1.23) / mapIterStart(t, m, it) (Go 1.24): the first entry.
// Go 1.15's reflect.mapiterinit(t, h) *hiter allocates the iterator (12 words) and returns it.
// Go 1.24+ reflect calls internal/runtime/maps' (*Iter).Init(t, m) itself, then Next: Init
// leaves key and elem nil.
StubResult Runtime::mapiterinit(Guest& g, Call& c) {
  bool allocates = c.name() == "reflect.mapiterinit" && prof_.reflect.mapiterinitAllocates;
  bool initOnly = c.name().ends_with(".(*Iter).Init");
  std::optional<uint64_t> t, h, it;
  if (initOnly) it = c.intArg();
  t = c.intArg(), h = c.intArg();
  if (!initOnly) it = allocates ? alloc(g, 96) : c.intArg();
  if (!t || !h || !it) return fault(c.name() + ": cannot read its arguments");
  if (allocates) c.intResult(*it);
  uint64_t table = 0;
  if (*h && g.u64(*h).value_or(0) > 0) table = g.u64(*h + kHdrTable).value_or(0);
  g.put64(*it + ITyp, *t);
  g.put64(*it + IMap, *h);
  g.put64(*it + ITable, table);
  g.put64(*it + INext, 0);
  if (initOnly) {
    g.put64(*it + IKey, 0);
    g.put64(*it + IElem, 0);
    return returnToCaller(g);
  }
  if (!iterAdvance(g, MapKeyCodec(img_, prof_), *it))
    return fault(c.name() + ": cannot read the table");
  return returnToCaller(g);
}

// mapiternext(it) / mapIterNext(it).
StubResult Runtime::mapiternext(Guest& g, Call& c) {
  auto it = c.intArg();
  if (!it) return fault(c.name() + ": cannot read its arguments");
  if (!iterAdvance(g, MapKeyCodec(img_, prof_), *it))
    return fault(c.name() + ": cannot read the table");
  return returnToCaller(g);
}

// fastrand() uint32 (Go 1.15-1.21), rand32() uint32 (1.22, 1.23), rand() uint64 (1.24):
// compiled code only seeds maps with it, which changes nothing observable but iteration
// order; a fixed value keeps runs reproducible.
StubResult Runtime::fastrand(Guest& g, Call& c) {
  c.intResult(c.name() == "runtime.rand" ? 0x9e3779b97f4a7c15ull : 0x9e3779b9ull);
  return returnToCaller(g);
}

} // namespace gd::rt

namespace gd::rt {

std::vector<std::pair<uint64_t, uint64_t>> Runtime::mapEntries(const Guest& g, uint64_t m,
                                                               size_t limit) const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  if (!m) return out;
  uint64_t t = g.u64(m + kHdrTable).value_or(0);
  if (!t || g.u64(t + TMagic).value_or(0) != kMagic) return out; // never written: empty
  uint64_t cap = g.u64(t + TCap).value_or(0), slot = g.u64(t + TSlotSize).value_or(0),
           keySize = g.u64(t + TKeySize).value_or(0);
  for (uint64_t i = 0; i < cap && i < (1u << 24) && out.size() < limit; i++) {
    uint64_t s = t + TSlots + i * slot;
    if (g.u64(s).value_or(SEmpty) != SFull) continue;
    out.emplace_back(s + 8, s + 8 + round8(keySize));
  }
  return out;
}

} // namespace gd::rt
