// The runtime as package reflect, internal/reflectlite, hash/maphash and runtime.Caller's users
// see it (src/runtime/runtime1.go, type.go, malloc.go, mbarrier.go, map.go, chan.go, iface.go,
// alg.go, stubs.go, slice.go, symtab.go, traceback.go of each release):
//
// - Offsets in type descriptors. The loader writes nameOff/typeOff (R_ADDROFF) relative to the
//   module's types base, the rodata segment's start, and textOff (R_METHODOFF) relative to the
//   text segment's start, as cmd/link writes them relative to moduledata.types and .text. The
//   module spans [rodata, end of bss): the predeclared types' descriptors (type:int, type:error,
//   ...), which only the runtime package defines, are extern data after the object's bss and
//   completed here (name, uncommon type, Elem, methods of error) so that reflect reads them as
//   it reads the runtime's. Pointers outside the module (types reflect makes at run time) are
//   resolved through reflectOffs: addReflectOff gives them negative ids, as the runtime does.
//   reflectOffs lives in guest memory (a list at kReflectOffs), so time travel restores it.
// - typelinks: the object's unnamed pointer, array, chan, func, map, slice and struct types,
//   sorted by their strings (cmd/link typelink.go), so reflect.PointerTo / SliceOf / MapOf find
//   the descriptors the compiler wrote instead of making new ones.
// - Hashes (memhash, strhash, interhash, typehash, ...): Go seeds them randomly, so what a
//   program can observe is only that equal values hash alike; the values come from the map
//   model's key identity (mapkey.h), which also decides map iteration order.
// - runtime.Caller/Callers/FuncForPC/CallersFrames: the frames the stack walker finds, expanded
//   through inline trees (logicalFrames); names and files as Go prints them.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/heaprules.h"
#include "runtime_stubs/mapkey.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

constexpr uint8_t kTFlagUncommon = 1, kTFlagNamed = 4;
constexpr uint64_t kUncommonSize = 16; // abi.UncommonType: PkgPath, Mcount, Xcount, Moff, _
constexpr uint64_t kPtrElem = 48;      // abi.PtrType.Elem
// abi.InterfaceType: PkgPath Name (a pointer), Methods []Imethod{Name nameOff, Typ typeOff}.
constexpr uint64_t kIfacePkgPath = 48, kIfaceMethods = 56, kIfaceSize = 80;
// reflectOffs: {next, ptr, id} nodes, newest first; the head and the next id in our runtime data.
constexpr uint64_t kReflectOffs = kRuntimeDataBase + 0x40, kReflectOffsNext = kReflectOffs + 8;
// runtime.Func as we hand it out: {entry, pc, symbol id + 1 of the (innermost) function}.
constexpr uint64_t kFuncSize = 24;
// Our runtime.staticuint64s when the program has none (Go 1.27 getStaticuint64s).
constexpr uint64_t kStaticUint64s = kRuntimeDataBase + 0x50;

struct Module {
  uint64_t types = 0, etypes = 0, text = 0, etext = 0;
};

// moduledata of the one module: types/etypes span rodata to the end of bss (the runtime's
// descriptors are extern data there), text/etext the text segment.
Module moduleOf(const loader::Image& img) {
  Module m;
  m.text = img.textStart, m.etext = img.textEnd;
  for (const auto& s : img.segments) {
    if (s.name == "rodata") m.types = s.addr;
    if (m.types && s.name != "text") m.etypes = std::max(m.etypes, s.addr + s.size);
  }
  return m;
}

bool isBool(uint64_t v) {
  return (v & 0xff) != 0;
}

// The bytes of an abi.Name (runtime.name): flags, the length (Go 1.15: 2 bytes big-endian;
// later: uvarint), the bytes.
std::string encodeName(const std::string& s, bool exported, NameLength len) {
  std::string out(1, char(exported ? 1 : 0));
  if (len == NameLength::BigEndian16) {
    out += char(s.size() >> 8);
    out += char(s.size() & 0xff);
  } else {
    for (uint64_t n = s.size();; n >>= 7) {
      out += char((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      if (n < 0x80) break;
    }
  }
  return out + s;
}

// funcNameForPrint: the type arguments of an instantiation print as `[...]`.
std::string nameForPrint(std::string n) {
  size_t open = n.find('[');
  if (open == std::string::npos) return n;
  size_t depth = 0, i = open;
  for (; i < n.size(); i++) {
    if (n[i] == '[') depth++;
    if (n[i] == ']' && --depth == 0) break;
  }
  if (i >= n.size()) return n;
  return n.substr(0, open) + "[...]" + nameForPrint(n.substr(i + 1));
}

std::string fileForPrint(const std::string& f) {
  return f.starts_with("gofile..") ? f.substr(8) : f;
}

// The equal function of a predeclared type (alg.go), by the funcval symbol the compiler refers
// to for it.
const char* equalFuncval(uint8_t k, uint64_t size) {
  switch (k) {
  case kind::Float32:
    return "runtime.f32equal·f";
  case kind::Float64:
    return "runtime.f64equal·f";
  case kind::Complex64:
    return "runtime.c64equal·f";
  case kind::Complex128:
    return "runtime.c128equal·f";
  case kind::String:
    return "runtime.strequal·f";
  case kind::Interface:
    return nullptr; // set by the caller: nilinterequal / interequal
  default:
    switch (size) {
    case 1:
      return "runtime.memequal8·f";
    case 2:
      return "runtime.memequal16·f";
    case 4:
      return "runtime.memequal32·f";
    case 8:
      return "runtime.memequal64·f";
    default:
      return nullptr;
    }
  }
}

} // namespace

// ---- the predeclared types' descriptors ----

// The runtime package alone writes the descriptors of the basic types, any and error, pointers
// to them and slices of them (reflectdata.WriteBasicTypes); here they are extern data of 256
// bytes each (Runtime::classify): the header, the kind's part and the uncommon type, then
// their names; a pointer or slice type whose element the program never refers to carries that
// element's descriptor at +96.
void Runtime::setupBuiltinTypes(Guest& g) {
  Module md = moduleOf(img_);
  std::map<std::string, uint64_t> byString, symbols;
  for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++) {
    uint64_t a = img_.address(id);
    if (!a) continue;
    const std::string& n = img_.obj->sym(id).name;
    symbols.emplace(n, a);
    if (auto t = typeStringOfSymbol(n); !t.empty()) byString.emplace(t, a);
  }
  auto off = [&](uint64_t a) { return uint32_t(int32_t(int64_t(a) - int64_t(md.types))); };
  auto putName = [&](uint64_t at, const std::string& s, bool exported) {
    std::string b = encodeName(s, exported, prof_.nameLength);
    g.write(at, b.data(), b.size());
    return at + b.size();
  };
  auto funcvalAddr = [&](const char* name) -> uint64_t {
    if (!name) return 0;
    auto it = symbols.find(name);
    return it == symbols.end() ? 0 : it->second;
  };
  // One descriptor of type string `t` at `a` (header facts written by setup(), or here for a
  // nested one); returns false when it is not one of the kinds completed here.
  auto complete = [&](auto& self, const std::string& t, uint64_t a, bool nested) -> bool {
    auto facts = builtinTypeFacts(t);
    if (!facts) return false;
    uint8_t k = facts->kind & kind::Mask;
    bool named = t.find_first_of("*[( {") == std::string::npos || t == "unsafe.Pointer";
    bool pointer = t.starts_with("*"), slice = t.starts_with("[]"); // *T, []T: Elem at +48
    if (!named && !pointer && !slice && t != "interface {}") return false;
    if (nested) { // what setup() and setupHeapModel() write for the extern ones
      g.put64(a + typeoff::Size, facts->size);
      g.put8(a + typeoff::Align, facts->align);
      g.put8(a + typeoff::FieldAlign, facts->align);
      bool direct = facts->kind & kind::DirectIface;
      g.put8(a + typeoff::Kind, prof_.directIfaceInTFlag ? k : facts->kind);
      if (prof_.directIfaceInTFlag && direct) g.put8(a + typeoff::TFlag, kTFlagDirectIface);
      g.put32(a + typeoff::Hash, goTypeHash(t, prof_.typeHash));
      uint64_t ptrdata = k == kind::Interface ? 16 : (direct || k == kind::String) ? 8 : 0;
      g.put64(a + typeoff::PtrData, ptrdata);
    }
    uint8_t tflag = g.u8(a + typeoff::TFlag).value_or(0);
    uint64_t equal = funcvalAddr(equalFuncval(k, facts->size));
    if (k == kind::Interface)
      equal = funcvalAddr(t == "interface {}" ? "runtime.nilinterequal·f" : "runtime.interequal·f");
    if (pointer || k == kind::UnsafePointer) equal = funcvalAddr("runtime.memequal64·f");
    g.put64(a + typeoff::Equal, equal);
    uint64_t nameAt = a + 48;
    if (pointer || slice) {
      std::string elem = t.substr(pointer ? 1 : 2);
      uint64_t e = 0;
      if (auto it = byString.find(elem); it != byString.end())
        e = it->second;
      else if (!nested && self(self, elem, a + 96, true))
        e = a + 96;
      g.put64(a + kPtrElem, e);
      if (pointer && e && !g.u32(e + typeoff::PtrToThis).value_or(0))
        g.put32(e + typeoff::PtrToThis, off(a));
      nameAt = a + 56;
    } else if (k == kind::Interface) {
      g.put64(a + kIfacePkgPath, 0);
      g.put64(a + kIfaceMethods, 0);
      g.put64(a + kIfaceMethods + 8, 0);
      g.put64(a + kIfaceMethods + 16, 0);
      nameAt = a + kIfaceSize;
      if (t == "error") { // Methods: {Error, func() string}
        nameAt += kUncommonSize;
        g.put64(a + kIfaceMethods, a + 96);
        g.put64(a + kIfaceMethods + 8, 1);
        g.put64(a + kIfaceMethods + 16, 1);
        g.put32(a + 96, off(a + 120));
        putName(a + 120, "Error", true);
        auto fn = byString.find("func() string");
        g.put32(a + 100, fn == byString.end() ? 0 : off(fn->second));
        nameAt = a + 104;
      }
    }
    if (named) { // uncommon type: no package path, no methods
      uint64_t u = k == kind::Interface ? a + kIfaceSize : a + 48;
      g.clear(u, kUncommonSize);
      g.put32(u + 8, uint32_t(kUncommonSize)); // Moff: methods would follow
      if (nameAt < u + kUncommonSize && k != kind::Interface) nameAt = u + kUncommonSize;
      tflag |= kTFlagUncommon | kTFlagNamed;
    }
    g.put8(a + typeoff::TFlag, tflag);
    g.put32(a + typeoff::Str, off(nameAt));
    putName(nameAt, t, false);
    return true;
  };
  for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++) {
    const auto& s = img_.obj->sym(id);
    uint64_t a = img_.address(id);
    if (s.defined() || !a) continue;
    if (auto owner = img_.symbolAt(a); owner && img_.obj->sym(*owner).defined()) continue;
    std::string t = typeStringOfSymbol(s.name);
    if (!t.empty()) complete(complete, t, a, false);
  }
}

// ---- offsets: resolveNameOff, resolveTypeOff, resolveTextOff, addReflectOff ----

namespace {

// reflectOffs.m[id], 0 when absent.
uint64_t reflectOffLookup(const Guest& g, int32_t id) {
  uint64_t n = g.u64(kReflectOffs).value_or(0);
  for (int steps = 0; n && steps < 1 << 20; steps++, n = g.u64(n).value_or(0))
    if (int32_t(g.u64(n + 16).value_or(0)) == id) return g.u64(n + 8).value_or(0);
  return 0;
}

} // namespace

// reflect.resolveNameOff(ptrInModule, off) / resolveTypeOff(rtype, off) / resolveTextOff(rtype,
// off) and the internal/reflectlite ones (type.go resolveNameOff, resolveTypeOff, textOff).
StubResult Runtime::resolveOff(Guest& g, Call& c) {
  auto base = c.intArg();
  auto off32 = c.int32Arg();
  if (!base || !off32) return fault(c.name() + ": cannot read its arguments");
  int32_t off = int32_t(*off32);
  const std::string& n = c.name();
  enum {
    Name,
    Type,
    Text
  } what = n.ends_with("NameOff")   ? Name
           : n.ends_with("TypeOff") ? Type
                                    : Text;
  Module md = moduleOf(img_);
  uint64_t res = 0;
  if (what == Name && off == 0) return c.intResult(0), returnToCaller(g);
  if (what == Type && (off == 0 || (off == -1 && prof_.reflect.minusOneUnreachable)))
    return c.intResult(0), returnToCaller(g);
  if (what == Text && off == -1 && prof_.reflect.minusOneUnreachable) {
    // runtime.unreachableMethod: the object's reference to it, if any (the linker points
    // unreachable methods there; calling one throws "unreachable method called").
    c.intResult(externAddress("runtime.unreachableMethod"));
    return returnToCaller(g);
  }
  bool inModule = *base >= md.types && *base < md.etypes;
  if (!inModule) {
    res = reflectOffLookup(g, off);
    if (!res) {
      const char* kindName = what == Name ? "nameOff" : what == Type ? "typeOff" : "textOff";
      output(
          fmt::format("runtime: {} {:#x} base {:#x} not in ranges:\n\ttypes {:#x} etypes {:#x}\n",
                      kindName, uint32_t(off), *base, md.types, md.etypes));
      return fatalError(
          fmt::format("runtime: {} offset base pointer out of range", what == Name   ? "name"
                                                                      : what == Type ? "type"
                                                                                     : "text"));
    }
  } else if (what == Text) {
    res = md.text + uint64_t(int64_t(off));
    if (res > md.etext) {
      output(fmt::format("runtime: textOff {:#x} out of range {:#x}-{:#x}\n", uint32_t(off),
                         md.text, md.etext));
      return fatalError("runtime: text offset out of range");
    }
  } else {
    res = md.types + uint64_t(int64_t(off));
    if (res > md.etypes) {
      output(fmt::format("runtime: {} {:#x} out of range {:#x}-{:#x}\n",
                         what == Name ? "nameOff" : "typeOff", uint32_t(off), md.types, md.etypes));
      return fatalError(what == Name ? "runtime: name offset out of range"
                                     : "runtime: type offset out of range");
    }
  }
  c.intResult(res);
  return returnToCaller(g);
}

// reflect.addReflectOff(ptr) int32: the pointer's id, a new negative one the first time.
StubResult Runtime::addReflectOff(Guest& g, Call& c) {
  auto p = c.intArg();
  if (!p) return fault(c.name() + ": cannot read its argument");
  uint64_t n = g.u64(kReflectOffs).value_or(0);
  for (int steps = 0; n && steps < 1 << 20; steps++, n = g.u64(n).value_or(0))
    if (g.u64(n + 8).value_or(0) == *p) {
      c.intResult(uint64_t(uint32_t(int32_t(g.u64(n + 16).value_or(0)))));
      return returnToCaller(g);
    }
  int64_t id = int64_t(g.u64(kReflectOffsNext).value_or(0)) - 1; // -1, -2, ...
  auto node = alloc(g, 24);
  if (!node) return fault(c.name() + ": heap exhausted");
  g.put64(*node, g.u64(kReflectOffs).value_or(0));
  g.put64(*node + 8, *p);
  g.put64(*node + 16, uint64_t(id));
  g.put64(kReflectOffs, *node);
  g.put64(kReflectOffsNext, uint64_t(id));
  c.intResult(uint64_t(uint32_t(int32_t(id))));
  return returnToCaller(g);
}

// The descriptors cmd/link lists as typelinks: unnamed ptr/array/chan/func/map/slice/struct
// types (the compiler's MakeTypelink), no noalg ones, the runtime's included, sorted by type
// string (typelink.go).
std::vector<uint64_t> Runtime::typelinkTypes(const Guest& g) const {
  Module md = moduleOf(img_);
  std::vector<std::pair<std::string, uint64_t>> links;
  std::set<uint64_t> seen;
  for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++) {
    const auto& s = img_.obj->sym(id);
    uint64_t a = img_.address(id);
    if (!a || a < md.types || a >= md.etypes) continue;
    auto owner = img_.symbolAt(a); // one name per descriptor: the defined one
    if (owner && *owner != id && img_.obj->sym(*owner).defined()) continue;
    if (!seen.insert(a).second) continue;
    std::string t = typeStringOfSymbol(s.name);
    if (t.empty() || t.starts_with(".") || s.name.find("noalg.") != std::string::npos) continue;
    uint8_t tflag = g.u8(a + typeoff::TFlag).value_or(0);
    uint8_t k = g.u8(a + typeoff::Kind).value_or(0) & kind::Mask;
    if (tflag & kTFlagNamed) continue;
    if (k != kind::Pointer && k != kind::Array && k != kind::Chan && k != kind::Func &&
        k != kind::Map && k != kind::Slice && k != kind::Struct)
      continue;
    links.emplace_back(typeString(g, a), a);
  }
  std::stable_sort(links.begin(), links.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<uint64_t> out;
  for (const auto& l : links)
    out.push_back(l.second);
  return out;
}

// reflect.typelinks() ([]unsafe.Pointer, [][]int32): the one module's types base and its
// typelinks as offsets from it. Go 1.27 reflect.compiledTypelinks() ([]*abi.Type,
// [][]*abi.Type): the module's typelinks, and no other modules.
StubResult Runtime::typelinks(Guest& g, Call& c) {
  Module md = moduleOf(img_);
  std::vector<uint64_t> links = typelinkTypes(g);
  bool pointers = c.name().ends_with("compiledTypelinks");
  auto arr = alloc(g, links.size() * (pointers ? 8 : 4));
  if (!arr) return fault(c.name() + ": heap exhausted");
  for (size_t i = 0; i < links.size(); i++) {
    if (pointers)
      g.put64(*arr + 8 * i, links[i]);
    else
      g.put32(*arr + 4 * i, uint32_t(links[i] - md.types));
  }
  uint64_t first = links.empty() ? zeroBase_ : *arr, n = links.size();
  if (pointers) {
    for (uint64_t v : {first, n, n, uint64_t(0), uint64_t(0), uint64_t(0)})
      c.intResult(v);
    return returnToCaller(g);
  }
  auto sections = alloc(g, 8), outer = alloc(g, 24);
  if (!sections || !outer) return fault(c.name() + ": heap exhausted");
  g.put64(*sections, md.types);
  g.put64(*outer, first);
  g.put64(*outer + 8, n);
  g.put64(*outer + 16, n);
  for (uint64_t v : {*sections, uint64_t(1), uint64_t(1), *outer, uint64_t(1), uint64_t(1)})
    c.intResult(v);
  return returnToCaller(g);
}

// ---- memory: unsafe_New, unsafe_NewArray, typed copies and clears ----

// unsafe_New(typ) / unsafe_NewArray(typ, n): mallocgc(typ.size [* n], typ, true); an array too
// big panics with plainError "runtime: allocation size out of range".
StubResult Runtime::unsafeNew(Guest& g, Call& c) {
  auto typ = c.intArg();
  if (!typ) return fault(c.name() + ": cannot read its arguments");
  uint64_t size = g.u64(*typ + typeoff::Size).value_or(0);
  if (c.name().ends_with("NewArray")) {
    auto n = c.intArg();
    if (!n) return fault(c.name() + ": cannot read its arguments");
    constexpr uint64_t kMaxAlloc = 1ull << 48;
    if (int64_t(*n) < 0 || (size && *n > kMaxAlloc / size)) {
      uint64_t v = runtimeError(g, "runtime: allocation size out of range");
      if (!v) return fault("cannot allocate the panic value");
      return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
    }
    size *= *n;
  }
  auto p = alloc(g, size);
  if (!p) return fault(c.name() + ": heap exhausted");
  emitAlloc(c, *p, size);
  c.intResult(*p);
  return returnToCaller(g);
}

// Go 1.15 typedmemmovepartial(typ, dst, src, off, size): dst and src already point at off; size
// bytes (write barriers are off).
StubResult Runtime::typedmemmovepartial(Guest& g, Call& c) {
  auto typ = c.intArg(), dst = c.intArg(), src = c.intArg(), off = c.intArg(), size = c.intArg();
  if (!typ || !dst || !src || !off || !size) return fault(c.name() + ": cannot read its arguments");
  if (*size > kMaxGuestString || !g.copy(*dst, *src, *size))
    return fault(
        fmt::format("{}: cannot copy {} bytes from {:#x} to {:#x}", c.name(), *size, *src, *dst));
  return returnToCaller(g);
}

// typedmemclr(typ, ptr): typ.size bytes; typedmemclrpartial(typ, ptr, off, size): size bytes at
// ptr (already offset); typedarrayclear(typ, ptr, len): typ.size * len bytes.
StubResult Runtime::typedmemclrReflect(Guest& g, Call& c) {
  auto typ = c.intArg(), p = c.intArg();
  if (!typ || !p) return fault(c.name() + ": cannot read its arguments");
  uint64_t size = g.u64(*typ + typeoff::Size).value_or(0);
  if (c.name().ends_with("partial")) {
    auto off = c.intArg(), n = c.intArg();
    if (!off || !n) return fault(c.name() + ": cannot read its arguments");
    size = *n;
  } else if (c.name().ends_with("arrayclear")) {
    auto len = c.intArg();
    if (!len) return fault(c.name() + ": cannot read its arguments");
    size *= *len;
  }
  if (size > kMaxGuestString || !g.clear(*p, size))
    return fault(fmt::format("{}: cannot clear {} bytes at {:#x}", c.name(), size, *p));
  return returnToCaller(g);
}

// reflect.typedslicecopy(elemType, dst, src slice) int: min(len) elements.
StubResult Runtime::typedslicecopyReflect(Guest& g, Call& c) {
  auto et = c.intArg(), dp = c.intArg(), dl = c.intArg(), dc = c.intArg(), sp = c.intArg(),
       sl = c.intArg(), sc = c.intArg();
  if (!et || !dp || !dl || !dc || !sp || !sl || !sc)
    return fault(c.name() + ": cannot read its arguments");
  uint64_t width = g.u64(*et + typeoff::Size).value_or(0);
  int64_t n = std::min(int64_t(*dl), int64_t(*sl));
  if (n < 0) n = 0;
  if (n && width && !g.copy(*dp, *sp, uint64_t(n) * width))
    return fault(fmt::format("{}: cannot copy {} elements from {:#x}", c.name(), n, *sp));
  c.intResult(uint64_t(n));
  return returnToCaller(g);
}

// reflect.growslice(et, old slice, num) slice (Go 1.20+): growslice to old.cap+num-(cap-len)
// elements past the capacity, keeping old.len as the length.
StubResult Runtime::reflectGrowslice(Guest& g, Call& c) {
  auto et = c.intArg(), p = c.intArg(), len = c.intArg(), cap = c.intArg(), num = c.intArg();
  if (!et || !p || !len || !cap || !num) return fault(c.name() + ": cannot read its arguments");
  int64_t extra = int64_t(*num) - (int64_t(*cap) - int64_t(*len));
  Call inner(*this, g, c.name(), false);
  StubResult r = growTo(g, inner, *et, *p, int64_t(*cap), int64_t(*cap), int64_t(*cap) + extra);
  if (r.status == StubStatus::Continue && prof_.registerAbi) g.setReg(Reg::RBX, *len);
  return r;
}

// runtime.makeslicecopy(et, tolen, fromlen, from) unsafe.Pointer (slice.go): make + copy.
StubResult Runtime::makeslicecopy(Guest& g, Call& c) {
  auto et = c.intArg(), tolen = c.intArg(), fromlen = c.intArg(), from = c.intArg();
  if (!et || !tolen || !fromlen || !from) return fault(c.name() + ": cannot read its arguments");
  uint64_t size = g.u64(*et + typeoff::Size).value_or(0);
  constexpr uint64_t kMaxAlloc = 1ull << 48;
  uint64_t tomem, copymem;
  if (*tolen > *fromlen) { // as uintptrs
    if (int64_t(*tolen) < 0 || (size && *tolen > kMaxAlloc / size))
      return raise(g, c, "makeslice: len out of range");
    tomem = size * *tolen, copymem = size * *fromlen;
  } else {
    tomem = copymem = size * *tolen;
  }
  auto p = alloc(g, tomem);
  if (!p) return fault(c.name() + ": heap exhausted");
  if (copymem && !g.copy(*p, *from, copymem))
    return fault(fmt::format("{}: cannot copy {} bytes from {:#x}", c.name(), copymem, *from));
  c.intResult(*p);
  return returnToCaller(g);
}

// reflect.verifyNotInHeapPtr(p) bool: p is not a heap address.
StubResult Runtime::verifyNotInHeapPtr(Guest& g, Call& c) {
  auto p = c.intArg();
  if (!p) return fault(c.name() + ": cannot read its argument");
  bool inHeap = *p >= kHeapAllocStart && *p < heapMapped_;
  c.intResult(inHeap ? 0 : 1);
  return returnToCaller(g);
}

// ---- maps, channels, interfaces ----

// maplen(h): 0 for nil, else the count at offset 0 (hmap.count, maps.Map.used).
StubResult Runtime::maplen(Guest& g, Call& c) {
  auto h = c.intArg();
  if (!h) return fault(c.name() + ": cannot read its argument");
  c.intResult(*h ? g.u64(*h).value_or(0) : 0);
  return returnToCaller(g);
}

// reflect.mapiterkey(it) / mapiterelem(it): it.key / it.elem.
StubResult Runtime::mapiterField(Guest& g, Call& c) {
  auto it = c.intArg();
  if (!it) return fault(c.name() + ": cannot read its argument");
  c.intResult(g.u64(*it + (c.name().ends_with("elem") ? 8 : 0)).value_or(0));
  return returnToCaller(g);
}

// reflect.ifaceE2I(inter, e eface, dst *iface): *dst = {getitab(inter, e.type), e.data}; a nil
// or non-implementing value panics with a *TypeAssertionError.
StubResult Runtime::ifaceE2I(Guest& g, Call& c) {
  auto inter = c.intArg(), typ = c.intArg(), data = c.intArg(), dst = c.intArg();
  if (!inter || !typ || !data || !dst) return fault(c.name() + ": cannot read its arguments");
  if (!*typ) return typeAssertionPanic(g, c, 0, 0, *inter, "");
  std::string missing;
  uint64_t tab = getitab(g, *inter, *typ, false, &missing);
  if (!tab) return typeAssertionPanic(g, c, 0, *typ, *inter, missing);
  g.put64(*dst, tab);
  g.put64(*dst + 8, *data);
  return returnToCaller(g);
}

// reflect.chansend(c, elem, nb) bool (Go 1.22+: chansend0): a send, without blocking when nb;
// a blocking one parks as chansend1 does.
StubResult Runtime::reflectChansend(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto ch = c.intArg(), elem = c.intArg(), nb = c.intArg();
  if (!ch || !elem || !nb) return fault(c.name() + ": cannot read its arguments");
  auto result = [&](bool selected) {
    if (prof_.registerAbi)
      c.intResult(selected);
    else
      g.put8(c.entrySp() + 32, selected);
    return returnOrPreempt(g);
  };
  if (c.continuation()) {
    if (!sched_.gs[sched_.current].success) return chanPanic(g, c, "send on closed channel");
    return result(true);
  }
  if (!*ch) return isBool(*nb) ? result(false) : park(g, "chan send (nil chan)");
  bool closed = false;
  if (trySend(g, *ch, *elem, closed)) {
    if (closed) return chanPanic(g, c, "send on closed channel");
    return result(true);
  }
  if (isBool(*nb)) return result(false);
  sched_.chans[*ch].sendq.push_back({sched_.current, *elem, -1});
  return park(g, "chan send");
}

// reflect.chanrecv(c, nb, elem) (selected, received bool).
StubResult Runtime::reflectChanrecv(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto ch = c.intArg(), nb = c.intArg(), elem = c.intArg();
  if (!ch || !nb || !elem) return fault(c.name() + ": cannot read its arguments");
  auto result = [&](bool selected, bool received) {
    if (prof_.registerAbi) {
      c.intResult(selected);
      c.intResult(received);
    } else { // ABI0: two bools packed after the arguments
      g.put8(c.entrySp() + 32, selected);
      g.put8(c.entrySp() + 33, received);
    }
    return returnOrPreempt(g);
  };
  if (c.continuation()) return result(true, sched_.gs[sched_.current].success);
  if (!*ch) return isBool(*nb) ? result(false, false) : park(g, "chan receive (nil chan)");
  bool received = false;
  if (tryRecv(g, *ch, *elem, received)) return result(true, received);
  if (isBool(*nb)) return result(false, false);
  sched_.chans[*ch].recvq.push_back({sched_.current, *elem, -1});
  return park(g, "chan receive");
}

// ---- hashes ----

namespace {

uint64_t mix(uint64_t h, uint64_t seed) {
  h ^= seed + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

} // namespace

// memhash(p, h, s), memhash8/16/32/64/128(p, h), strhash, f32hash, f64hash, c64hash, c128hash,
// interhash, nilinterhash (p, h) uintptr; typehash(t, p, h) uintptr. Equal values hash alike
// (±0, strings by content, interfaces by dynamic type and value); a NaN hashes by its address
// (Go: randomly); an unhashable dynamic type panics "hash of unhashable type T".
StubResult Runtime::memhash(Guest& g, Call& c) {
  std::string n = c.name().substr(c.name().find('.') + 1);
  std::optional<uint64_t> t;
  if (n == "typehash") t = c.intArg();
  auto p = c.intArg(), seed = c.intArg();
  if (!p || !seed || (n == "typehash" && !t))
    return fault(c.name() + ": cannot read its arguments");
  MapKeyCodec codec(img_, prof_);
  std::optional<MapKey> k;
  auto floatKey = [&](uint64_t at, int bits) { // +0 and -0 alike; NaN equal to nothing
    MapKey key;
    if (bits == 32) {
      float f;
      uint32_t u = g.u32(at).value_or(0);
      std::memcpy(&f, &u, 4);
      key.nan = f != f;
      if (f == 0) u = 0;
      key.id.assign(reinterpret_cast<const char*>(&u), 4);
    } else {
      double d;
      uint64_t u = g.u64(at).value_or(0);
      std::memcpy(&d, &u, 8);
      key.nan = d != d;
      if (d == 0) u = 0;
      key.id.assign(reinterpret_cast<const char*>(&u), 8);
    }
    return key;
  };
  if (n == "typehash") {
    k = codec.at(g, *t, *p);
  } else if (n.starts_with("memhash")) {
    uint64_t size = 0;
    if (n == "memhash") {
      auto s = c.intArg();
      if (!s) return fault(c.name() + ": cannot read its arguments");
      size = *s;
    } else {
      size = std::stoull(n.substr(7)) / 8; // memhash0, 8, 16, 32, 64, 128
    }
    auto raw = readBytes(g, *p, size);
    if (!raw) return fault(c.name() + ": cannot read the value");
    k = MapKey{};
    k->id = *raw;
  } else if (n == "strhash") {
    auto s = readStringHeader(g, *p);
    if (!s) return fault(c.name() + ": cannot read the string");
    k = MapKey{};
    k->id = *s;
  } else if (n == "f32hash" || n == "f64hash") {
    k = floatKey(*p, n == "f32hash" ? 32 : 64);
  } else if (n == "c64hash" || n == "c128hash") {
    int bits = n == "c64hash" ? 32 : 64;
    MapKey re = floatKey(*p, bits), im = floatKey(*p + uint64_t(bits / 8), bits);
    k = MapKey{};
    k->id = re.id + im.id;
    k->nan = re.nan || im.nan;
  } else if (n == "interhash" || n == "nilinterhash") {
    uint64_t w = g.u64(*p).value_or(0);
    uint64_t typ = n == "interhash" && w ? g.u64(w + 8).value_or(0) : w;
    if (!typ) {
      c.intResult(*seed);
      return returnToCaller(g);
    }
    if (!codec.comparable(g, typ)) return unhashableKey(g, c, typ, false);
    uint64_t data = isDirectIface(g, typ) ? *p + 8 : g.u64(*p + 8).value_or(0);
    k = codec.at(g, typ, data);
  } else {
    return unsupported(g, c.name());
  }
  if (!k) return fault(c.name() + ": cannot read the value");
  if (k->unhashable) return unhashableKey(g, c, k->unhashable, false);
  uint64_t h = k->nan ? mix(*p, 0x4e614e) : mapKeyHash(*k);
  c.intResult(mix(h, *seed));
  return returnToCaller(g);
}

// ---- runtime.Caller, Callers, FuncForPC, CallersFrames ----

// The pcs runtime.Callers stores from the caller of the model at `c` upwards (tracebackPCs):
// return addresses, and for inlined calls their inline mark + 1; the first is the model itself
// (runtime.Callers' frame in Go), its slot + 1. Wrappers are left out, as Go elides them.
std::vector<uint64_t> Runtime::callerPcs(const Guest& g, Call& c, uint64_t selfPc) const {
  std::vector<uint64_t> pcs{selfPc + 1};
  for (const Frame& f : unwind(g, c.returnAddress(), c.callerSp())) {
    if (f.model) continue;
    for (const LogicalFrame& lf : logicalFrames(f.pc - 1)) {
      if (lf.funcId == prof_.funcIdWrapper) continue;
      pcs.push_back(lf.pc + 1);
    }
  }
  return pcs;
}

// What Frames.Next tells of a pc from Callers: the function (the innermost inlined one), file,
// line and the physical function's entry.
struct Runtime::PcInfo {
  std::string function, file;
  int64_t line = 0;
  uint64_t pc = 0, entry = 0;
  std::optional<loader::SymId> fn;
};

std::optional<Runtime::PcInfo> Runtime::pcInfo(uint64_t pc) const {
  auto id = img_.symbolAt(pc);
  if (!id) return std::nullopt;
  PcInfo info;
  info.entry = img_.address(*id);
  info.pc = pc > info.entry ? pc - 1 : pc;
  auto lfs = logicalFrames(info.pc);
  if (lfs.empty()) return std::nullopt;
  info.fn = lfs[0].fn;
  info.function = lfs[0].fn != loader::kNoSym ? nameForPrint(img_.obj->displayName(lfs[0].fn)) : "";
  if (auto pos = img_.position(info.pc)) {
    info.file = fileForPrint(pos->file);
    info.line = pos->line;
  }
  return info;
}

// runtime.Caller(skip) (pc uintptr, file string, line int, ok bool).
StubResult Runtime::caller(Guest& g, Call& c) {
  auto skip = c.intArg();
  if (!skip) return fault(c.name() + ": cannot read its argument");
  auto pcs = callerPcs(g, c, g.reg(Reg::RIP)); // [0]: runtime.Caller's own
  size_t i = size_t(int64_t(*skip)) + 1;       // 0: Caller's caller
  std::optional<PcInfo> info;
  if (int64_t(*skip) >= 0 && i < pcs.size()) info = pcInfo(pcs[i]);
  std::string file = info ? info->file : "";
  uint64_t str = 0;
  if (!file.empty()) {
    auto p = allocCopy(g, file);
    if (!p) return fault(c.name() + ": heap exhausted");
    str = *p;
  }
  c.intResult(info ? info->pc : 0);
  c.intResult(str);
  c.intResult(file.size());
  c.intResult(info ? uint64_t(info->line) : 0);
  c.intResult(info ? 1 : 0);
  return returnToCaller(g);
}

// runtime.Callers(skip, pc []uintptr) int; runtime.callers(skip, pcbuf) int, which optimized
// code calls where runtime.Callers was inlined: its walk starts in its caller (the inlined
// runtime.Callers and the function around it), so no frame of its own comes first.
StubResult Runtime::callers(Guest& g, Call& c) {
  auto skip = c.intArg(), p = c.intArg(), len = c.intArg(), cap = c.intArg();
  if (!skip || !p || !len || !cap) return fault(c.name() + ": cannot read its arguments");
  auto pcs = callerPcs(g, c, g.reg(Reg::RIP));
  if (c.name() == "runtime.callers") pcs.erase(pcs.begin());
  uint64_t n = 0;
  for (size_t i = size_t(std::max<int64_t>(0, int64_t(*skip))); i < pcs.size() && n < *len; i++)
    g.put64(*p + 8 * n++, pcs[i]);
  c.intResult(n);
  return returnToCaller(g);
}

// runtime.FuncForPC(pc) *Func: ours is {entry, pc, symbol + 1}; nil outside Go code.
StubResult Runtime::funcForPC(Guest& g, Call& c) {
  auto pc = c.intArg();
  if (!pc) return fault(c.name() + ": cannot read its argument");
  uint64_t f = 0;
  if (auto id = img_.symbolAt(*pc); id && img_.obj->sym(*id).func) {
    auto lfs = logicalFrames(*pc);
    auto p = alloc(g, kFuncSize);
    if (!p) return fault(c.name() + ": heap exhausted");
    f = *p;
    g.put64(f, img_.address(*id));
    g.put64(f + 8, *pc);
    g.put64(f + 16, uint64_t(lfs.empty() ? *id : lfs[0].fn) + 1);
  }
  c.intResult(f);
  return returnToCaller(g);
}

// (*Func).Name() string, (*Func).Entry() uintptr, (*Func).FileLine(pc) (file string, line int).
StubResult Runtime::funcMethod(Guest& g, Call& c) {
  auto f = c.intArg();
  if (!f) return fault(c.name() + ": cannot read its arguments");
  auto str = [&](const std::string& s) -> bool {
    uint64_t p = 0;
    if (!s.empty()) {
      auto a = alloc(g, s.size());
      if (!a) return false;
      g.write(*a, s.data(), s.size());
      p = *a;
    }
    c.intResult(p);
    c.intResult(s.size());
    return true;
  };
  if (c.name().ends_with("Entry")) {
    c.intResult(*f ? g.u64(*f).value_or(0) : 0);
  } else if (c.name().ends_with("Name")) {
    std::string name;
    if (*f) {
      uint64_t id = g.u64(*f + 16).value_or(0);
      if (id && id - 1 < img_.obj->symbols.size())
        name = nameForPrint(img_.obj->displayName(loader::SymId(id - 1)));
    }
    if (!str(name)) return fault(c.name() + ": heap exhausted");
  } else { // FileLine
    auto pc = c.intArg();
    if (!pc) return fault(c.name() + ": cannot read its arguments");
    auto pos = img_.position(*pc);
    if (!str(pos ? fileForPrint(pos->file) : "?")) return fault(c.name() + ": heap exhausted");
    c.intResult(pos ? uint64_t(int64_t(pos->line)) : 0);
  }
  return returnToCaller(g);
}

// runtime.CallersFrames(callers []uintptr) *Frames: ours is {pcs, remaining}.
StubResult Runtime::callersFrames(Guest& g, Call& c) {
  auto p = c.intArg(), len = c.intArg(), cap = c.intArg();
  if (!p || !len || !cap) return fault(c.name() + ": cannot read its arguments");
  auto fr = alloc(g, 16);
  if (!fr) return fault(c.name() + ": heap exhausted");
  g.put64(*fr, *p);
  g.put64(*fr + 8, *len);
  c.intResult(*fr);
  return returnToCaller(g);
}

// (*Frames).Next() (frame Frame, more bool). Frame {PC, Func, Function, File, Line, [startLine
// (Go 1.21+)], Entry, funcInfo} does not fit the argument registers: it is returned on the
// stack after the return address, `more` in AX (ABI0: after the frame).
StubResult Runtime::framesNext(Guest& g, Call& c) {
  auto fr = c.intArg();
  if (!fr) return fault(c.name() + ": cannot read its argument");
  uint64_t words = prof_.reflect.frameStartLine ? 11 : 10;
  uint64_t out = c.entrySp() + 8 + (prof_.registerAbi ? 0 : 8);
  g.clear(out, words * 8);
  uint64_t pcs = g.u64(*fr).value_or(0), left = *fr ? g.u64(*fr + 8).value_or(0) : 0;
  std::optional<PcInfo> info;
  while (left && !info) { // pcs outside Go code are skipped, as Next skips them
    info = pcInfo(g.u64(pcs).value_or(0));
    pcs += 8, left--;
  }
  if (*fr) {
    g.put64(*fr, pcs);
    g.put64(*fr + 8, left);
  }
  auto str = [&](uint64_t at, const std::string& s) {
    if (s.empty()) return true;
    auto a = alloc(g, s.size());
    if (!a) return false;
    g.write(*a, s.data(), s.size());
    return g.put64(at, *a) && g.put64(at + 8, s.size());
  };
  if (info) {
    g.put64(out, info->pc);
    if (!str(out + 16, info->function) || !str(out + 32, info->file))
      return fault(c.name() + ": heap exhausted");
    g.put64(out + 48, uint64_t(info->line));
    g.put64(out + (prof_.reflect.frameStartLine ? 64 : 56), info->entry);
  }
  bool more = left > 0;
  if (prof_.registerAbi)
    c.intResult(more);
  else
    g.put8(out + words * 8, more);
  return returnToCaller(g);
}

// ---- what strings.Builder, fmt's sync.Pool and reflect's caches need ----

// internal/bytealg.MakeNoZero(len) []byte (slice.go): len bytes in a block of the size class,
// cap the whole block.
StubResult Runtime::makeNoZero(Guest& g, Call& c) {
  auto len = c.intArg();
  if (!len) return fault(c.name() + ": cannot read its argument");
  constexpr uint64_t kMaxAlloc = 1ull << 48;
  if (*len > kMaxAlloc) return raise(g, c, "makeslice: len out of range");
  uint64_t cap = roundupsize(*len, true, prof_.heap);
  auto p = alloc(g, cap);
  if (!p) return fault(c.name() + ": heap exhausted");
  c.intResult(*p);
  c.intResult(*len);
  c.intResult(cap);
  return returnToCaller(g);
}

// sync/atomic.StorePointer(ptr, new), SwapPointer(ptr, new) old, CompareAndSwapPointer(ptr, old,
// new) bool, and the runtime's storePointer / casPointer: one goroutine runs at a time, and
// write barriers are off (atomic_pointer.go).
StubResult Runtime::atomicPointer(Guest& g, Call& c) {
  const std::string& n = c.name();
  bool cas = n.ends_with("CompareAndSwapPointer") || n.ends_with("casPointer");
  auto ptr = c.intArg();
  std::optional<uint64_t> old = cas ? c.intArg() : std::optional<uint64_t>(0);
  auto val = c.intArg();
  if (!ptr || !old || !val) return fault(n + ": cannot read its arguments");
  auto cur = g.u64(*ptr);
  if (!cur) return memoryFault(g, c.returnAddress() - 1, *ptr);
  if (cas) {
    bool swapped = *cur == *old;
    if (swapped) g.put64(*ptr, *val);
    c.intResult(swapped);
  } else {
    g.put64(*ptr, *val);
    if (n.ends_with("SwapPointer")) c.intResult(*cur);
  }
  return returnToCaller(g);
}

// runtime.getStaticuint64s() *[256]uint64 (Go 1.27): runtime.staticuint64s, ours when the
// program does not refer to it (made once, its address kept in our runtime data).
StubResult Runtime::getStaticuint64s(Guest& g, Call& c) {
  uint64_t t = staticUint64s_ ? staticUint64s_ : g.u64(kStaticUint64s).value_or(0);
  if (!t) {
    auto p = alloc(g, 256 * 8);
    if (!p) return fault(c.name() + ": heap exhausted");
    for (uint64_t i = 0; i < 256; i++)
      g.put64(*p + 8 * i, i);
    g.put64(kStaticUint64s, *p);
    t = *p;
  }
  c.intResult(t);
  return returnToCaller(g);
}

namespace {

// The runtime errors (errorString: "runtime error: ...") of make and unsafe.Slice/String.
const std::map<std::string, std::string, std::less<>> kMakePanics = {
    {"runtime.panicmakeslicelen", "makeslice: len out of range"},
    {"runtime.panicmakeslicecap", "makeslice: cap out of range"},
    {"runtime.panicunsafeslicelen", "unsafe.Slice: len out of range"},
    {"runtime.panicunsafeslicenilptr", "unsafe.Slice: ptr is nil and len is not zero"},
    {"runtime.panicunsafestringlen", "unsafe.String: len out of range"},
    {"runtime.panicunsafestringnilptr", "unsafe.String: ptr is nil and len is not zero"},
};

} // namespace

StubResult Runtime::panicMake(Guest& g, Call& c) {
  auto it = kMakePanics.find(c.name());
  if (it == kMakePanics.end()) return unsupported(g, c.name());
  return raise(g, c, it->second);
}

// reflect.unsafeslice(et, ptr, len) (unsafe.go unsafeslice): the checks of unsafe.Slice.
StubResult Runtime::unsafeslice(Guest& g, Call& c) {
  auto et = c.intArg(), ptr = c.intArg(), len = c.intArg();
  if (!et || !ptr || !len) return fault(c.name() + ": cannot read its arguments");
  if (int64_t(*len) < 0) return raise(g, c, kMakePanics.at("runtime.panicunsafeslicelen"));
  uint64_t size = g.u64(*et + typeoff::Size).value_or(0);
  if (size == 0 && !*ptr && *len > 0)
    return raise(g, c, kMakePanics.at("runtime.panicunsafeslicenilptr"));
  unsigned __int128 mem = (unsigned __int128)size * *len;
  if (mem > (unsigned __int128)(0 - *ptr)) {
    if (!*ptr) return raise(g, c, kMakePanics.at("runtime.panicunsafeslicenilptr"));
    return raise(g, c, kMakePanics.at("runtime.panicunsafeslicelen"));
  }
  return returnToCaller(g);
}

} // namespace gd::rt
