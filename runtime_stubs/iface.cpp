// Interfaces as the runtime runs them (src/runtime/iface.go, alg.go, error.go of each
// release): itabs (the object's own go:itab.* symbols first, as itabsinit registers them, then
// ones built by getitab from the type's method table), type assertions and switches with
// runtime.TypeAssertionError's messages, interface equality through the type's equal
// function, and preprintpanics, which calls a panic value's Error or String method before the
// value is printed.
//
// Metadata is read the way the runtime reads it, with one shortcut: a nameOff/typeOff field is
// resolved through the object's relocation at that field (R_ADDROFF, R_METHODOFF) rather than
// from section-relative offsets, and method types are compared by their type strings.
//
// Guest calls made by the runtime (a type's equal function under ABI0, Error/String methods)
// return into runtime slot 1; what to do then is recorded in the guest's stack, so time travel
// restores it with the memory.
#include <algorithm>

#include <fmt/format.h>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/heaprules.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

constexpr uint8_t kTFlagUncommon = 1, kTFlagExtraStar = 2;
constexpr uint64_t kInterMethods = 56; // interfacetype: Type (48), PkgPath (8), Methods []Imethod
constexpr uint64_t kItabFun = 24;      // itab: inter, _type, hash u32, pad, fun[]
// Records in the frame of a guest call that returns into runtime slot 1 (at call SP + 40).
constexpr uint64_t kTagEqual = 0x6c61757165ull;          // "equal": bool result to store
constexpr uint64_t kTagPreprint = 0x746e697270657270ull; // "preprint": a method's string

struct Method {
  std::string name, type;
  uint64_t ifn = 0;
};

const loader::Reloc* relocAt(const loader::Image& img, uint64_t a) {
  auto id = img.symbolAt(a);
  if (!id || !img.obj->sym(*id).defined()) return nullptr;
  int64_t off = int64_t(a - img.address(*id));
  for (const auto& r : img.obj->sym(*id).relocs)
    if (r.off == off && r.size > 0 && r.sym != loader::kNoSym) return &r;
  return nullptr;
}

// The name a nameOff field at `a` refers to.
std::optional<std::string> nameAt(const loader::Image& img, const Guest& g, uint64_t a,
                                  NameLength len) {
  const loader::Reloc* r = relocAt(img, a);
  if (!r || !img.address(r->sym)) return std::nullopt;
  return readName(g, img.address(r->sym) + uint64_t(r->add), len);
}

// The type a typeOff field at `a` refers to, as a type string.
std::string typeRefAt(const loader::Image& img, uint64_t a) {
  const loader::Reloc* r = relocAt(img, a);
  return r ? typeStringOfSymbol(img.obj->sym(r->sym).name) : "";
}

// The methods of type `typ` (abi.UncommonType's table, sorted by name): each entry is {name
// nameOff, mtyp typeOff, ifn textOff, tfn textOff}; the compiler writes the last three with
// R_METHODOFF (dmethodptrOff), so an entry is a run of three at +4, +8, +12. Ifn is what an
// interface call reaches (for a value method of a non-pointer type, its pointer wrapper).
std::vector<Method> methodTable(const loader::Image& img, const Guest& g, uint64_t typ,
                                NameLength len) {
  std::vector<Method> out;
  auto id = img.symbolAt(typ);
  if (!id || img.address(*id) != typ || !img.obj->sym(*id).defined()) return out;
  std::vector<const loader::Reloc*> offs;
  for (const auto& r : img.obj->sym(*id).relocs)
    if (r.kind == loader::RelocKind::MethodOff && r.size == 4) offs.push_back(&r);
  for (size_t k = 0; k + 2 < offs.size(); k++) {
    const loader::Reloc *mtyp = offs[k], *ifn = offs[k + 1], *tfn = offs[k + 2];
    if (ifn->off != mtyp->off + 4 || tfn->off != mtyp->off + 8 || mtyp->off < 4) continue;
    uint64_t entry = typ + uint64_t(mtyp->off) - 4;
    out.push_back(
        {nameAt(img, g, entry, len).value_or("?"),
         mtyp->sym != loader::kNoSym ? typeStringOfSymbol(img.obj->sym(mtyp->sym).name) : "",
         ifn->sym != loader::kNoSym ? img.address(ifn->sym) : 0});
    k += 2;
  }
  return out;
}

} // namespace

uint64_t Runtime::externAddress(const std::string& name) const {
  for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++)
    if (img_.obj->sym(id).name == name && img_.address(id)) return img_.address(id);
  return 0;
}

void Runtime::setupHeapModel(Guest& g) {
  zeroBase_ = externAddress("runtime.zerobase");
  if (!zeroBase_) zeroBase_ = kZeroBase;
  if ((staticUint64s_ = externAddress("runtime.staticuint64s")))
    for (uint64_t i = 0; i < 256; i++)
      g.put64(staticUint64s_ + 8 * i, i);
  // abi.Type.Hash of the predeclared types' descriptors, which type switches compare.
  for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++) {
    const auto& s = img_.obj->sym(id);
    if (s.defined() || !img_.address(id)) continue;
    std::string t = typeStringOfSymbol(s.name);
    auto facts = builtinTypeFacts(t);
    if (!facts) continue;
    uint64_t a = img_.address(id);
    g.put32(a + typeoff::Hash, goTypeHash(t, prof_.typeHash));
    // PtrBytes: the prefix holding pointers (growslice and rawbyteslice size classes use it).
    uint64_t ptrdata = 0;
    switch (facts->kind & kind::Mask) {
    case kind::String:
    case kind::Slice:
    case kind::Pointer:
    case kind::UnsafePointer:
    case kind::Func:
    case kind::Map:
    case kind::Chan:
      ptrdata = 8;
      break;
    case kind::Interface:
      ptrdata = 16;
      break;
    default:
      break;
    }
    g.put64(a + typeoff::PtrData, ptrdata);
  }
}

std::string Runtime::typeString(const Guest& g, uint64_t typ) const {
  if (!typ) return "nil";
  if (typ == errorType_) return "runtime.errorString";
  auto id = img_.symbolAt(typ);
  if (!id) return fmt::format("{:#x}", typ);
  if (img_.obj->sym(*id).defined())
    if (auto s = nameAt(img_, g, typ + typeoff::Str, prof_.nameLength)) {
      if ((g.u8(typ + typeoff::TFlag).value_or(0) & kTFlagExtraStar) && !s->empty())
        return s->substr(1);
      return *s;
    }
  return typeStringOfSymbol(img_.obj->sym(*id).name);
}

namespace {

// The methods of interface type `inter` (abi.InterfaceType.Methods), sorted by name.
std::vector<Method> interfaceMethods(const loader::Image& img, const Guest& g, uint64_t inter,
                                     NameLength len) {
  auto id = img.symbolAt(inter);
  if (id && !img.obj->sym(*id).defined() &&
      typeStringOfSymbol(img.obj->sym(*id).name) == "error") // a predeclared type: not in objects
    return {{"Error", "func() string", 0}};
  std::vector<Method> out;
  uint64_t p = g.u64(inter + kInterMethods).value_or(0);
  uint64_t n = g.u64(inter + kInterMethods + 8).value_or(0);
  for (uint64_t i = 0; i < n && i < 4096; i++) {
    auto name = nameAt(img, g, p + 8 * i, len);
    out.push_back({name.value_or("?"), typeRefAt(img, p + 8 * i + 4), 0});
  }
  return out;
}

} // namespace

// getitab (iface.go) and itab.init: the interface's methods looked up in the type's method
// table; the itab records the code each method call through the interface reaches (Ifn).
uint64_t Runtime::getitab(Guest& g, uint64_t inter, uint64_t typ, bool canfail,
                          std::string* missing) {
  std::vector<Method> imethods = interfaceMethods(img_, g, inter, prof_.nameLength);
  if (imethods.empty()) {
    if (missing) *missing = "?";
    return 0; // Go throws "internal error - misuse of itab"; compiled code never asks
  }
  uint8_t tflag = g.u8(typ + typeoff::TFlag).value_or(0);
  if (typ != errorType_ && !(tflag & kTFlagUncommon)) { // no methods at all
    if (!canfail && missing) *missing = imethods[0].name;
    return 0;
  }
  auto typeMethods = [&]() {
    if (typ == errorType_) // runtime errors: methods of ours in runtime slots
      return std::vector<Method>{{"Error", "func() string", img_.runtimeSlot(2)},
                                 {"RuntimeError", "func()", img_.runtimeSlot(3)}};
    return methodTable(img_, g, typ, prof_.nameLength);
  };
  auto init = [&](std::vector<uint64_t>& fun) -> std::string {
    std::vector<Method> tm = typeMethods();
    for (const Method& im : imethods) {
      auto it = std::find_if(tm.begin(), tm.end(), [&](const Method& m) {
        return m.name == im.name && m.type == im.type;
      });
      if (it == tm.end()) return im.name;
      fun.push_back(it->ifn);
    }
    return "";
  };
  // itabTable: the object's own itabs, then ours.
  if (!staticItabs_) {
    staticItabs_.emplace();
    for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++) {
      const auto& s = img_.obj->sym(id);
      if (s.defined() && img_.address(id) &&
          (s.name.starts_with("go:itab.") || s.name.starts_with("go.itab.")))
        staticItabs_->push_back(img_.address(id));
    }
  }
  uint64_t m = 0;
  for (uint64_t a : *staticItabs_)
    if (g.u64(a).value_or(0) == inter && g.u64(a + 8).value_or(0) == typ) m = a;
  for (uint64_t node = g.u64(kItabListHead).value_or(0); !m && node; node = g.u64(node).value_or(0))
    if (g.u64(node + 8).value_or(0) == inter && g.u64(node + 16).value_or(0) == typ) m = node + 8;
  if (!m) {
    std::vector<uint64_t> fun;
    std::string miss = init(fun);
    auto node = alloc(g, 8 + kItabFun + 8 * imethods.size());
    if (!node) return 0;
    m = *node + 8;
    g.put64(m, inter);
    g.put64(m + 8, typ);
    g.put32(m + 16, 0); // dynamically built itabs never take part in type switches
    if (miss.empty())
      for (size_t k = 0; k < fun.size(); k++)
        g.put64(m + kItabFun + 8 * k, fun[k]);
    g.put64(*node, g.u64(kItabListHead).value_or(0));
    g.put64(kItabListHead, *node);
    RuntimeEvent e{RuntimeEventKind::Call, "runtime.getitab"};
    e.record = m;
    e.detail = miss.empty() ? fmt::format("itab {:#x} for {} as {}", m, typeString(g, typ),
                                          typeString(g, inter))
                            : fmt::format("{} is not {}: missing method {} (cached)",
                                          typeString(g, typ), typeString(g, inter), miss);
    emit(std::move(e));
  }
  if (g.u64(m + kItabFun).value_or(0)) return m;
  if (!canfail && missing) {
    std::vector<uint64_t> fun;
    *missing = init(fun); // the cached negative result does not say which method was missing
  }
  return 0;
}

// panic(&TypeAssertionError{iface, concrete, asserted, missing}).
StubResult Runtime::typeAssertionPanic(Guest& g, Call& c, uint64_t iface, uint64_t concrete,
                                       uint64_t asserted, const std::string& missing) {
  std::string text =
      typeAssertionText(iface ? typeString(g, iface) : "", concrete ? typeString(g, concrete) : "",
                        typeString(g, asserted), missing);
  uint64_t v = runtimeError(g, text);
  if (!v) return fault("cannot allocate the type assertion error");
  return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
}

std::string typeAssertionText(const std::string& iface, const std::string& concrete,
                              const std::string& asserted, const std::string& missing) {
  std::string inter = iface.empty() ? "interface" : iface;
  if (concrete.empty()) return "interface conversion: " + inter + " is nil, not " + asserted;
  if (missing.empty()) {
    std::string msg = "interface conversion: " + inter + " is " + concrete + ", not " + asserted;
    if (concrete == asserted) msg += " (types from different scopes)"; // one package: main
    return msg;
  }
  return "interface conversion: " + concrete + " is not " + asserted + ": missing method " +
         missing;
}

// Go 1.15:      convI2I, assertI2I (inter, i iface) iface; assertI2I2 (inter, i iface) (iface,
//               bool); assertE2I (inter, e eface) iface; assertE2I2 (inter, e eface) (iface, bool).
// Go 1.19/1.21: convI2I (dst, src *itab) *itab; assertI2I (inter, tab *itab) *itab; assertI2I2
//               (inter, i iface) iface; assertE2I (inter, t *_type) *itab; assertE2I2 (inter,
//               e eface) iface.
// Go 1.22+:     assertE2I, assertE2I2 (inter, t *_type) *itab.
StubResult Runtime::assertE2I(Guest& g, Call& c) {
  std::string n = c.name().substr(std::string("runtime.").size());
  AssertCalls calls = prof_.asserts;
  bool fromIface = n == "convI2I" || n.starts_with("assertI2I");
  bool two = n.ends_with("2");
  // Which arguments this release passes: the second word of an eface/iface only where the
  // result is a whole interface value.
  bool wholeValue = calls == AssertCalls::Eface115 ||
                    (calls == AssertCalls::Itab119 && (n == "assertI2I2" || n == "assertE2I2"));
  auto inter = c.intArg(), word = c.intArg();
  std::optional<uint64_t> data = wholeValue ? c.intArg() : std::optional<uint64_t>(0);
  if (!inter || !word || !data) return fault(c.name() + ": cannot read its arguments");
  uint64_t tab = fromIface ? *word : 0;
  uint64_t typ = fromIface ? (tab ? g.u64(tab + 8).value_or(0) : 0) : *word;
  std::vector<uint64_t> results;
  auto fail = [&] { // a nil or non-matching value: the zero iface (and false)
    if (wholeValue)
      results = {0, 0};
    else
      results = {0};
    if (calls == AssertCalls::Eface115 && two) results.push_back(0);
  };
  auto ok = [&](uint64_t itab) {
    if (wholeValue)
      results = {itab, *data};
    else
      results = {itab};
    if (calls == AssertCalls::Eface115 && two) results.push_back(1);
  };
  if (!typ) {
    if (!two && n != "convI2I") return typeAssertionPanic(g, c, 0, 0, *inter, "");
    fail();
  } else if (fromIface && g.u64(tab).value_or(0) == *inter) {
    ok(tab);
  } else {
    std::string missing;
    uint64_t itab = getitab(g, *inter, typ, two, &missing);
    if (!itab && !two) return typeAssertionPanic(g, c, 0, typ, *inter, missing);
    if (itab)
      ok(itab);
    else
      fail();
  }
  for (uint64_t v : results)
    c.intResult(v);
  return returnToCaller(g);
}

// Go 1.22+ typeAssert(s *abi.TypeAssert, t *_type) *itab; s = {Cache, Inter, CanFail}. The
// runtime updates s.Cache about once in 1024 calls (cheaprand); the model never does, which
// changes only how often compiled code calls here.
StubResult Runtime::typeAssert(Guest& g, Call& c) {
  auto s = c.intArg(), t = c.intArg();
  if (!s || !t) return fault("typeAssert: cannot read its arguments");
  uint64_t inter = g.u64(*s + 8).value_or(0);
  bool canFail = g.u8(*s + 16).value_or(0);
  uint64_t tab = 0;
  if (!*t) {
    if (!canFail) return typeAssertionPanic(g, c, 0, 0, inter, "");
  } else {
    std::string missing;
    tab = getitab(g, inter, *t, canFail, &missing);
    if (!tab && !canFail) return typeAssertionPanic(g, c, 0, *t, inter, missing);
  }
  c.intResult(tab);
  return returnToCaller(g);
}

// Go 1.22+ interfaceSwitch(s *abi.InterfaceSwitch, t *_type) (int, *itab): the first case
// interface t implements, or (NCases, nil). The cache is never updated (see typeAssert).
StubResult Runtime::interfaceSwitch(Guest& g, Call& c) {
  auto s = c.intArg(), t = c.intArg();
  if (!s || !t) return fault("interfaceSwitch: cannot read its arguments");
  uint64_t n = g.u64(*s + 8).value_or(0);
  uint64_t which = n, tab = 0;
  for (uint64_t i = 0; *t && i < n && i < 4096; i++) {
    uint64_t inter = g.u64(*s + 16 + 8 * i).value_or(0);
    if ((tab = getitab(g, inter, *t, true, nullptr))) {
      which = i;
      break;
    }
  }
  c.intResult(which);
  c.intResult(tab);
  return returnToCaller(g);
}

// panicdottypeE(have, want, iface *_type), panicdottypeI(have *itab, want, iface *_type),
// panicnildottype(want *_type).
StubResult Runtime::panicdottype(Guest& g, Call& c) {
  const std::string& n = c.name();
  auto a = c.intArg();
  if (!a) return fault(n + ": cannot read its arguments");
  if (n == "runtime.panicnildottype") return typeAssertionPanic(g, c, 0, 0, *a, "");
  auto want = c.intArg(), iface = c.intArg();
  if (!want || !iface) return fault(n + ": cannot read its arguments");
  uint64_t have = *a;
  if (n == "runtime.panicdottypeI") have = have ? g.u64(have + 8).value_or(0) : 0;
  if (have && have == *want) {
    // Compiled code calls here only after its comparison failed, and in a linked program the
    // two descriptors differ. The same one here means the compiler folded the comparison: an
    // object compiled without -p (Go 1.21+) names main's types both `main.T` and
    // `<unlinkable>.T`, which the compiler may take for two types when it knows the dynamic
    // type (after inlining) and drop the success path. The linker, and our layout, make them
    // one, so the assertion would succeed; the code that would run then is not in the object.
    std::string t = typeString(g, have), where = img_.describe(c.callSite());
    if (auto pos = img_.position(c.callSite()))
      where += fmt::format(" at {}:{}", loader::displayFile(pos->file), pos->line);
    return {StubStatus::Unsupported, 3,
            fmt::format("the type assertion to {} in {} cannot fail, but the compiler made it "
                        "always panic: the object was compiled without -p, which names main's "
                        "types both main.T and <unlinkable>.T (compile with -p main)",
                        t, where)};
  }
  return typeAssertionPanic(g, c, *iface, have, *want, "");
}

// panicwrap (error.go): a pointer wrapper `pkg.(*T).M` of a value method got a nil receiver.
StubResult Runtime::panicwrap(Guest& g, Call& c) {
  auto id = img_.symbolAt(c.returnAddress());
  std::string name = id ? img_.obj->displayName(*id) : "?";
  size_t i = name.find('(');
  size_t j = i == std::string::npos ? i : name.find(')', i);
  if (i == std::string::npos || i < 1 || name.compare(i - 1, 3, ".(*") != 0 ||
      j == std::string::npos || name.compare(j, 2, ").") != 0) {
    output("fatal error: panicwrap: unexpected name " + name + "\n");
    return {StubStatus::Exit, 2, "panicwrap: unexpected name " + name};
  }
  std::string pkg = name.substr(0, i - 1), typ = name.substr(i + 2, j - i - 2),
              meth = name.substr(j + 2);
  uint64_t v = runtimeError(g, "value method " + pkg + "." + typ + "." + meth +
                                   " called using nil *" + typ + " pointer"); // a plainError
  if (!v) return fault("panicwrap: heap exhausted");
  return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
}

// go:builtin.error.Error, the method value or expression of the predeclared error type
// (`f := err.Error`, `error.Error`), which the compiler leaves to the runtime package to define
// (Go 1.22+): the wrapper calls the interface's Error method, fun[0] of its itab, with the data
// word as receiver. The model jumps there with the caller's return address in place, as the
// wrapper's tail would return; a nil error faults loading the itab (addr 0x18, fun[0]'s offset).
StubResult Runtime::errorErrorWrapper(Guest& g, Call& c) {
  if (!prof_.registerAbi)
    return fault("go:builtin.error.Error under the stack-based ABI (its releases compile the "
                 "wrapper into the calling package)");
  uint64_t tab = g.reg(Reg::RAX), data = g.reg(Reg::RBX);
  if (tab < 0x1000) {
    g.setReg(Reg::RSP, c.entrySp() + 8);
    return memoryFault(g, c.returnAddress(), tab + kItabFun);
  }
  auto fn = g.u64(tab + kItabFun); // fun[0]: error's only method
  if (!fn) return fault(fmt::format("go:builtin.error.Error: cannot read the itab {:#x}", tab));
  g.setReg(Reg::RAX, data);
  g.setReg(Reg::RIP, *fn);
  abi::enterGoCode(g, prof_.registerAbi, kGAddr);
  return {};
}

// efaceeq(t *_type, x, y unsafe.Pointer) bool, ifaceeq(tab *itab, x, y) bool, and the equal
// functions of interface types nilinterequal(p, q) and interequal(p, q) bool. Equal values of
// a type compare with its equal function (t.Equal), called as Go calls it; pointer-shaped
// types compare their data words; types without one panic "comparing uncomparable type".
StubResult Runtime::efaceeq(Guest& g, Call& c) {
  const std::string& n = c.name();
  bool pair = n == "runtime.nilinterequal" || n == "runtime.interequal";
  auto a = c.intArg(), b = c.intArg();
  if (!a || !b) return fault(n + ": cannot read its arguments");
  uint64_t t = 0, x, y, resultOff; // ABI0: where the bool result goes, from the entry SP
  if (pair) {
    auto x0 = g.u64(*a), x1 = g.u64(*a + 8), y0 = g.u64(*b), y1 = g.u64(*b + 8);
    if (!x0 || !x1 || !y0 || !y1) return fault(n + ": cannot read the interface values");
    if (*x0 != *y0) {
      c.intResult(0);
      return returnToCaller(g);
    }
    t = n == "runtime.interequal" ? (*x0 ? g.u64(*x0 + 8).value_or(0) : 0) : *x0;
    x = *x1, y = *y1, resultOff = 24;
  } else {
    auto third = c.intArg();
    if (!third) return fault(n + ": cannot read its arguments");
    t = n == "runtime.ifaceeq" ? (*a ? g.u64(*a + 8).value_or(0) : 0) : *a;
    x = *b, y = *third, resultOff = 32;
  }
  auto result = [&](bool v) {
    c.intResult(v ? 1 : 0);
    return returnToCaller(g);
  };
  if (!t) return result(true);
  if (t == errorType_) return result(readStringHeader(g, x) == readStringHeader(g, y));
  uint64_t eq = g.u64(t + typeoff::Equal).value_or(0);
  uint8_t k = g.u8(t + typeoff::Kind).value_or(0);
  auto id = img_.symbolAt(t);
  if (!eq && id && !img_.obj->sym(*id).defined()) {
    // A predeclared type's descriptor (ours): its equal function by kind, as the runtime's.
    uint64_t size = g.u64(t + typeoff::Size).value_or(0);
    switch (k & kind::Mask) {
    case kind::Func:
    case kind::Map:
    case kind::Slice:
    case kind::Interface:
      break; // uncomparable
    case kind::String:
      return result(readStringHeader(g, x) == readStringHeader(g, y));
    case kind::Float32:
    case kind::Float64:
    case kind::Complex64:
    case kind::Complex128: {
      bool wide = (k & kind::Mask) == kind::Float64 || (k & kind::Mask) == kind::Complex128;
      int parts = (k & kind::Mask) >= kind::Complex64 ? 2 : 1;
      bool same = true;
      for (int i = 0; i < parts; i++) {
        double u, v;
        if (wide) {
          uint64_t p = g.u64(x + 8 * i).value_or(0), q = g.u64(y + 8 * i).value_or(0);
          std::memcpy(&u, &p, 8), std::memcpy(&v, &q, 8);
        } else {
          uint32_t p = g.u32(x + 4 * i).value_or(0), q = g.u32(y + 4 * i).value_or(0);
          float fu, fv;
          std::memcpy(&fu, &p, 4), std::memcpy(&fv, &q, 4);
          u = fu, v = fv;
        }
        same = same && u == v;
      }
      return result(same);
    }
    default:
      if (isDirectIface(g, t)) return result(x == y);
      return result(readBytes(g, x, size) == readBytes(g, y, size));
    }
  }
  if (!eq) return raise(g, c, "comparing uncomparable type " + typeString(g, t));
  if (isDirectIface(g, t)) return result(x == y);
  auto code = g.u64(eq);
  if (!code) return fault(fmt::format("{}: cannot read the equal function at {:#x}", n, eq));
  if (prof_.registerAbi) { // a tail call: eq returns its bool to our caller
    g.setReg(Reg::RAX, x);
    g.setReg(Reg::RBX, y);
    g.setReg(Reg::RDX, eq);
    g.setReg(Reg::RIP, *code);
    abi::enterGoCode(g, true, kGAddr);
    return {};
  }
  // ABI0: call eq(x, y) below our frame; it returns into slot 1, which stores its result.
  uint64_t entry = c.entrySp(), sp = entry - 72;
  g.put64(sp, img_.runtimeSlot(1));
  g.put64(sp + 8, x);
  g.put64(sp + 16, y);
  g.put64(sp + 40, kTagEqual);
  g.put64(sp + 48, entry + resultOff);
  g.put64(sp + 56, entry);
  g.setReg(Reg::RSP, sp);
  g.setReg(Reg::RDX, eq);
  g.setReg(Reg::RIP, *code);
  return {};
}

// ---- runtime slots ----

std::optional<std::pair<uint64_t, std::string>>
Runtime::runtimeCallFrame(const Guest& g, uint64_t pc, uint64_t sp) const {
  uint64_t slot = img_.runtimeSlot(1);
  if (pc < slot || pc >= slot + loader::Image::kExternSlot) return std::nullopt;
  uint64_t tag = g.u64(sp + 32).value_or(0);
  if (tag != kTagEqual && tag != kTagPreprint) return std::nullopt;
  return std::pair{g.u64(sp + 48).value_or(0),
                   std::string(tag == kTagEqual ? "runtime.efaceeq" : "runtime.preprintpanics")};
}

StubResult Runtime::runtimeSlotCall(Guest& g, int slot) {
  if (slot == loader::Image::kGoexitSlot) return goexit(g);
  uint64_t sp = g.reg(Reg::RSP);
  if (slot == 2 || slot == 3) { // (runtime error).Error() string / RuntimeError()
    Call c(*this, g, slot == 2 ? "runtime.(*errorString).Error" : "runtime.RuntimeError", false);
    auto recv = c.intArg();
    if (!recv) return fault("Error: cannot read the receiver");
    if (slot == 2) {
      c.intResult(g.u64(*recv).value_or(0));
      c.intResult(g.u64(*recv + 8).value_or(0));
    }
    return returnToCaller(g);
  }
  if (slot != 1) return fault(fmt::format("execution reached runtime slot {}", slot));
  // A guest call made by the runtime returned: RSP = call SP + 8.
  uint64_t tag = g.u64(sp + 32).value_or(0);
  if (tag == kTagEqual) {
    uint8_t v = prof_.registerAbi ? uint8_t(g.reg(Reg::RAX)) : g.u8(sp + 16).value_or(0);
    g.put8(g.u64(sp + 40).value_or(0), v);
    g.setReg(Reg::RSP, g.u64(sp + 48).value_or(0));
    return returnToCaller(g);
  }
  if (tag == kTagPreprint) {
    uint64_t p = g.u64(sp + 40).value_or(0);
    uint64_t ptr = prof_.registerAbi ? g.reg(Reg::RAX) : g.u64(sp + 8).value_or(0);
    uint64_t len = prof_.registerAbi ? g.reg(Reg::RBX) : g.u64(sp + 16).value_or(0);
    if (!errorType_ && !runtimeError(g, "")) return fault("preprintpanics: heap exhausted");
    auto hdr = alloc(g, 16);
    if (!hdr) return fault("preprintpanics: heap exhausted");
    g.put64(*hdr, ptr);
    g.put64(*hdr + 8, len);
    g.put64(p + prof_.panic.arg, errorType_); // p.arg = v.Error(): a string from now on
    g.put64(p + prof_.panic.arg + 8, *hdr);
    return fatalPanic(g);
  }
  return fault(fmt::format("return into the runtime at sp={:#x} with no call pending", sp));
}

// preprintpanics (panic.go): for each panic, newest first, p.arg = v.Error() for error values
// and v.String() for Stringers. Each call is a real guest call through the method the
// value's itab would hold; fatalPanic runs again when it returns (runtimeSlotCall).
std::optional<StubResult> Runtime::preprintPanics(Guest& g) {
  if (run_.panics.empty()) return std::nullopt;
  const PanicRun& r = run_.panics.back();
  // A panic inside such a method: preprintpanics' deferred recover turns it into a throw.
  for (size_t k = 0; k + 1 < run_.panics.size(); k++) {
    uint64_t callSp = run_.panics[k].callSp - 64;
    if (r.entrySp < callSp && g.u64(callSp).value_or(0) == img_.runtimeSlot(1) &&
        g.u64(callSp + 40).value_or(0) == kTagPreprint) {
      std::string text = "panic while printing panic value";
      if (prof_.panicWhilePrintingNamesString) {
        uint64_t t = g.u64(r.p + prof_.panic.arg).value_or(0);
        uint64_t d = g.u64(r.p + prof_.panic.arg + 8).value_or(0);
        auto facts = builtinTypeFacts(typeString(g, t));
        if (t && facts && (facts->kind & kind::Mask) == kind::String)
          text += ": " + readStringHeader(g, d).value_or("");
        else
          text +=
              ": type " + (t == errorType_ ? std::string("runtime.errorString") : typeString(g, t));
      }
      std::string sig; // throw prints the signal that caused the panic, as fatalpanic does
      if (r.signal)
        sig = fmt::format("[signal SIGSEGV: segmentation violation code=0x1 addr={:#x} pc={:#x}]\n",
                          r.sigAddr, r.sigPc);
      output("fatal error: " + text + "\n" + sig + "\ngoroutine 1 [running]:\n");
      return StubResult{StubStatus::Exit, 2, "fatal error: " + text};
    }
  }
  const PanicLayout& P = prof_.panic;
  for (uint64_t p = g.u64(kGAddr + prof_.g.panic).value_or(0), n = 0; p && n < 1000;
       p = g.u64(p + P.link).value_or(0), n++) {
    uint64_t t = g.u64(p + P.arg).value_or(0), data = g.u64(p + P.arg + 8).value_or(0);
    if (P.repanicked >= 0) { // Go 1.25+: the same value as the panic it recovered from
      uint64_t link = g.u64(p + P.link).value_or(0);
      uint64_t linkRepanicked = link + uint64_t(P.repanicked);
      // Marked on an earlier pass (this loop restarts after each method call): only p marks it.
      if (link && g.u8(linkRepanicked).value_or(0)) continue;
      if (link && g.u64(link + P.arg).value_or(0) == t &&
          g.u64(link + P.arg + 8).value_or(0) == data) {
        g.put8(linkRepanicked, 1);
        continue;
      }
    }
    if (!t || t == errorType_) continue;
    if (!(g.u8(t + typeoff::TFlag).value_or(0) & kTFlagUncommon)) continue;
    // `case error:`, then `case stringer:`: the method getitab would put in the itab.
    std::vector<Method> methods = methodTable(img_, g, t, prof_.nameLength);
    uint64_t code = 0;
    for (const char* want : {"Error", "String"}) {
      for (const Method& m : methods)
        if (m.name == want && m.type == "func() string") code = m.ifn;
      if (code) break;
    }
    if (!code) continue;
    std::string method = img_.describe(code);
    uint64_t sp = r.callSp - 64;
    g.put64(sp, img_.runtimeSlot(1));
    g.put64(sp + 8, data); // ABI0 receiver (the interface's data word)
    g.put64(sp + 40, kTagPreprint);
    g.put64(sp + 48, p);
    g.put64(sp + 56, r.entrySp); // the frame the unwinder continues with (fatalpanic's)
    RuntimeEvent e{RuntimeEventKind::Call, "runtime.preprintpanics"};
    e.record = p;
    e.fnCode = code;
    e.fnName = method;
    e.detail = fmt::format("calls {} for the panic value before printing it", method);
    emit(std::move(e));
    g.setReg(Reg::RSP, sp);
    g.setReg(Reg::RAX, data);
    g.setReg(Reg::RIP, code);
    abi::enterGoCode(g, prof_.registerAbi, kGAddr);
    return StubResult{};
  }
  return std::nullopt;
}

} // namespace gd::rt
