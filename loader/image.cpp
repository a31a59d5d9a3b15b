#include "loader/image.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>

#include "loader/pctab.h"

namespace gd::loader {
namespace {

constexpr uint64_t kPage = 0x1000;
constexpr uint64_t kFuncAlign = 32; // cmd/link: funcAlign on amd64

uint64_t roundUp(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

enum class Region { Text, RoData, Data, Bss, None };

Region regionOf(const Symbol& s) {
  switch (s.kind) {
  case SymKind::Text:
    return Region::Text;
  case SymKind::RoData:
    return Region::RoData;
  case SymKind::Data:
  case SymKind::NoPtrData:
    return Region::Data;
  case SymKind::Bss:
  case SymKind::NoPtrBss:
  case SymKind::TlsBss:
    return Region::Bss;
  default:
    return Region::None; // DWARF and tool-only symbols are never mapped
  }
}

// `$f64.3ff8000000000000`, `$f32.3fc00000`, `$i64.…`: Go 1.15 constants the linker makes from
// their names (cmd/link/internal/loader).
std::optional<std::vector<uint8_t>> constantFromName(const std::string& name) {
  size_t width = 0;
  if (name.starts_with("$f64.") || name.starts_with("$i64."))
    width = 8;
  else if (name.starts_with("$f32.") || name.starts_with("$i32."))
    width = 4;
  if (!width || name.size() != 5 + 2 * width) return std::nullopt;
  uint64_t v = 0;
  for (char c : name.substr(5)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | uint64_t(d);
  }
  std::vector<uint8_t> b(width);
  std::memcpy(b.data(), &v, width);
  return b;
}

struct Placement {
  SymId id;
  Region region;
  uint64_t size;
  uint64_t align;
};

} // namespace

std::string objdumpBase(const std::string& recorded) {
  size_t slash = recorded.rfind('/');
  if (slash == std::string::npos) return recorded;
  return recorded.substr(slash + 1);
}

std::string displayFile(const std::string& recorded) {
  std::string base = objdumpBase(recorded);
  if (base.starts_with("gofile..")) base = base.substr(8);
  return base;
}

namespace {

// The linker's work for one object, step by step (cmd/link/internal/ld: symbols synthesised,
// duplicates unified, sections laid out, data copied, relocations applied).
struct Linker {
  Object& obj;
  Image& img;
  const LayoutOptions& opts;
  std::vector<std::pair<SymId, SymId>> funcvals; // funcval symbol -> function
  std::vector<std::pair<SymId, SymId>> aliases;  // reference -> definition
  std::vector<bool> isAlias;
  std::vector<Placement> places;
  std::vector<SymId> externFuncs, externData;
  std::vector<uint32_t> externDataSize;

  Linker(Object& o, Image& i, const LayoutOptions& op)
      : obj(o), img(i), opts(op), isAlias(o.symbols.size(), false) {}

  Segment* segFor(uint64_t a) {
    for (auto& seg : img.segments)
      if (a >= seg.addr && a < seg.addr + seg.size) return &seg;
    return nullptr;
  }
  const Segment* rodataSegment() const {
    for (const auto& seg : img.segments)
      if (seg.name == "rodata") return &seg;
    return nullptr;
  }

  // runtime.zerobase when the release's linker gives it to the object's zero-sized variables.
  std::optional<SymId> zerobase;

  static bool isZeroSizedNoPtrBss(const Symbol& s) {
    return s.defined() && s.kind == SymKind::NoPtrBss && s.memSize() == 0;
  }

  void synthesize() {
    // Go 1.21+ linkers sort zero-sized noptrbss symbols (`var x [0]int`) just before
    // runtime.zerobase in its section, so they all have its address, the one mallocgc returns for
    // size 0 (cmd/link/internal/ld/data.go, dodataSect). runtime.zerobase becomes an extern of
    // the object if it is not one already.
    if (obj.profile && obj.profile->zeroSizedDataAtZerobase &&
        std::ranges::any_of(obj.symbols, isZeroSizedNoPtrBss)) {
      for (SymId i = 0; i < obj.symbols.size() && !zerobase; i++)
        if (obj.symbols[i].name == "runtime.zerobase") zerobase = i;
      if (!zerobase) {
        Symbol z;
        z.name = "runtime.zerobase";
        z.origin = SymOrigin::NonPkgRef;
        obj.symbols.push_back(std::move(z));
        isAlias.push_back(false);
        zerobase = SymId(obj.symbols.size() - 1);
      }
    }
    // Synthesise what the linker would: `X·f` funcvals of defined functions (listings do not carry
    // them) and Go 1.15 `$f64.*` constants.
    for (SymId i = 0; i < obj.symbols.size(); i++) {
      Symbol& s = obj.symbols[i];
      if (s.defined()) continue;
      if (auto c = constantFromName(s.name)) {
        s.origin = SymOrigin::Synthetic;
        s.kind = SymKind::RoData;
        s.data = *c;
        s.size = uint32_t(c->size());
        continue;
      }
      constexpr std::string_view kF = "·f";
      if (s.name.ends_with(kF)) {
        if (auto fn = obj.find(s.name.substr(0, s.name.size() - kF.size()));
            fn && obj.symbols[*fn].isText()) {
          s.origin = SymOrigin::Synthetic;
          s.kind = SymKind::RoData;
          s.data.assign(8, 0);
          s.size = 8;
          funcvals.push_back({i, *fn});
        }
      }
    }
  }

  void unifyUnlinkable() {
    // Go 1.21+ objects compiled without -p name main's own symbols both `main.X` and
    // `<unlinkable>.X`: types and itabs are emitted under both names (code uses either), method
    // wrappers are defined as `main.(*T).M` but referred to as `<unlinkable>.(*T).M`. The linker
    // substitutes the package path for `<unlinkable>`, which makes each pair one (dupok) symbol;
    // so do we: a symbol whose name reads as another's with `<unlinkable>.` as `main.` takes that
    // one's address (a defined `main.` one first), and is not placed itself.
    {
      constexpr std::string_view kUnlinkable = "<unlinkable>.";
      auto canonical = [&](std::string n) {
        for (size_t pos; (pos = n.find(kUnlinkable)) != std::string::npos;)
          n.replace(pos, kUnlinkable.size(), "main.");
        return n;
      };
      std::unordered_map<std::string, SymId> rep; // canonical name + ABI -> representative
      auto key = [](const std::string& n, uint16_t abi) { return n + '\0' + std::to_string(abi); };
      bool any = false;
      for (int pass = 0; pass < 2; pass++) // defined `main.` names first, then `<unlinkable>.` ones
        for (SymId i = 0; i < obj.symbols.size(); i++) {
          const Symbol& s = obj.symbols[i];
          bool unl = s.name.find(kUnlinkable) != std::string::npos;
          any |= unl;
          if (s.defined() && unl == (pass == 1)) rep.emplace(key(canonical(s.name), s.abi), i);
        }
      // Each `<unlinkable>.` symbol, and each reference by a `main.` name (Go 1.18+
      // dictionaries of instantiations with no local type argument, `main..dict.f[int]`, are
      // defined as `<unlinkable>..dict.f[int]` and referred to by both names).
      for (SymId i = 0; any && i < obj.symbols.size(); i++) {
        const Symbol& s = obj.symbols[i];
        if (s.name.find(kUnlinkable) == std::string::npos &&
            (s.defined() || !s.name.starts_with("main.")))
          continue;
        auto it = rep.find(key(canonical(s.name), s.abi));
        if (it == rep.end() && !s.defined()) { // a reference: any ABI of the definition will do
          for (uint16_t abi : {uint16_t(1), uint16_t(0)}) {
            it = rep.find(key(canonical(s.name), abi));
            if (it != rep.end()) break;
          }
        }
        if (it == rep.end() || it->second == i) continue;
        aliases.push_back({i, it->second});
        isAlias[i] = true;
      }
    }
  }

  // What goes where: defined symbols by region, runtime code the classifier supplies, extern
  // functions (slots) and extern data (after bss).
  void collect() {
    for (SymId i = 0; i < obj.symbols.size(); i++) {
      const Symbol& s = obj.symbols[i];
      if (!s.defined()) {
        if (s.name.empty() || isAlias[i]) continue;
        ExternSpec spec = opts.classify ? opts.classify(s) : ExternSpec{};
        if (!spec.code.empty()) { // runtime code: becomes a text symbol of ours
          Symbol& rs = obj.symbols[i];
          rs.origin = SymOrigin::Synthetic;
          rs.kind = SymKind::Text;
          rs.size = uint32_t(spec.code.size());
          rs.data = std::move(spec.code);
          places.push_back({i, Region::Text, rs.data.size(), kFuncAlign});
        } else if (spec.isData) {
          externData.push_back(i);
          externDataSize.push_back(std::max<uint32_t>(spec.size, 8));
        } else {
          externFuncs.push_back(i);
        }
        continue;
      }
      Region r = regionOf(s);
      if (r == Region::None || isAlias[i]) continue;
      uint64_t align = r == Region::Text ? kFuncAlign : std::clamp<uint64_t>(s.align, 1, 64);
      places.push_back({i, r, s.memSize(), align});
    }
  }

  void placeSegments() {
    img.addr.assign(obj.symbols.size(), 0);
    uint64_t cursor = opts.base;
    auto placeRegion = [&](Region r, const char* name, uint8_t perm) {
      Segment seg;
      seg.name = name;
      seg.addr = cursor;
      seg.perm = perm;
      uint64_t off = 0;
      for (const Placement& p : places) {
        if (p.region != r) continue;
        off = roundUp(off, p.align);
        img.addr[p.id] = seg.addr + off;
        off += std::max<uint64_t>(p.size, 1);
      }
      if (r != Region::Bss) seg.bytes.assign(off, r == Region::Text ? 0xCC : 0);
      seg.size = roundUp(std::max<uint64_t>(off, 1), kPage);
      cursor = seg.addr + seg.size;
      return seg;
    };
    img.segments.push_back(placeRegion(Region::Text, "text", kRead | kExec));
    img.textStart = img.segments[0].addr;
    img.textEnd = img.segments[0].addr + img.segments[0].bytes.size();
    // Extern function slots: left unmapped, so a call there stops the CPU with a fetch fault that
    // the emulator turns into a runtime call. One extra slot is the return sentinel.
    img.externStart = cursor;
    for (size_t k = 0; k < externFuncs.size(); k++)
      img.addr[externFuncs[k]] = img.externStart + k * Image::kExternSlot;
    img.externEnd =
        img.externStart + (externFuncs.size() + 1 + Image::kRuntimeSlots) * Image::kExternSlot;
    cursor = roundUp(img.externEnd, kPage) + kPage; // an unmapped guard page
    img.segments.push_back(placeRegion(Region::RoData, "rodata", kRead));
    img.segments.push_back(placeRegion(Region::Data, "data", kRead | kWrite));
    Segment bss = placeRegion(Region::Bss, "bss", kRead | kWrite);
    // Runtime data the object refers to (runtime.writeBarrier, type descriptors of builtin types)
    // lives after the object's own bss; the runtime model fills it.
    uint64_t off = bss.bytes.size();
    for (const Placement& p : places)
      if (p.region == Region::Bss) off = std::max(off, img.addr[p.id] + p.size - bss.addr);
    for (size_t k = 0; k < externData.size(); k++) {
      off = roundUp(off, 8);
      img.addr[externData[k]] = bss.addr + off;
      off += externDataSize[k];
    }
    bss.size = roundUp(std::max<uint64_t>(off, 1), kPage);
    img.segments.push_back(std::move(bss));
    if (zerobase)
      for (const Placement& p : places)
        if (isZeroSizedNoPtrBss(obj.symbols[p.id])) img.addr[p.id] = img.addr[*zerobase];
    for (auto [ref, def] : aliases)
      img.addr[ref] = img.addr[def];
  }

  void copyData() {
    // Copy the data of every placed symbol.
    for (const Placement& p : places) {
      const Symbol& s = obj.symbols[p.id];
      if (p.region == Region::Bss || s.data.empty()) continue;
      Segment* seg = segFor(img.addr[p.id]);
      std::copy(s.data.begin(), s.data.end(), seg->bytes.begin() + (img.addr[p.id] - seg->addr));
    }
    for (auto [fv, fn] : funcvals) {
      Segment* seg = segFor(img.addr[fv]);
      uint64_t target = img.addr[fn];
      std::memcpy(seg->bytes.data() + (img.addr[fv] - seg->addr), &target, 8);
    }
  }

  Expected<void> relocate() {
    // Apply relocations (cmd/link/internal/ld/data.go relocsym, amd64 cases).
    const bool darwin = obj.header.goos == "darwin";
    for (const Placement& p : places) {
      if (p.region == Region::Bss) continue;
      const Symbol& s = obj.symbols[p.id];
      Segment* seg = segFor(img.addr[p.id]);
      for (const Reloc& r : s.relocs) {
        if (r.size == 0 || relocIsMarker(r.kind)) continue;
        uint64_t P = img.addr[p.id] + uint64_t(r.off);
        uint64_t S = r.sym != kNoSym ? img.addr[r.sym] : 0;
        bool targetMissing = r.sym != kNoSym && S == 0;
        int64_t v = 0;
        auto where = [&] {
          return fmt::format("symbol {} offset {:#x}: relocation {} (type {})", s.name, r.off,
                             relocName(r.kind), r.rawType);
        };
        switch (r.kind) {
        case RelocKind::Addr:
          v = int64_t(S) + r.add;
          break;
        case RelocKind::WeakAddr:
          v = targetMissing ? 0 : int64_t(S) + r.add;
          break;
        case RelocKind::Call:
        case RelocKind::PcRel:
          v = int64_t(S) + r.add - int64_t(P + r.size);
          break;
        case RelocKind::TlsLe:
          v = (darwin ? 0x30 : -8) + r.add;
          break;
        case RelocKind::AddrOff:
        case RelocKind::WeakAddrOff: {
          // Relative to the module's types base (moduledata.types: the rodata segment, which
          // the runtime's resolveNameOff/resolveTypeOff add the offset back to), whichever
          // segment S is in: the runtime's own descriptors live after the bss.
          const Segment* types = rodataSegment();
          v = targetMissing || !types ? 0 : int64_t(S) + r.add - int64_t(types->addr);
          break;
        }
        case RelocKind::MethodOff: {
          // Relative to the target's section (cmd/link relocsym): text for Ifn/Tfn, the types
          // base for Mtyp, which the compiler writes with R_METHODOFF too (dmethodptrOff).
          const Segment* types = rodataSegment();
          if (targetMissing)
            v = -1;
          else if (S >= img.textStart && S < img.textEnd)
            v = int64_t(S - img.textStart);
          else
            v = types ? int64_t(S) + r.add - int64_t(types->addr) : -1;
          break;
        }
        case RelocKind::Const:
          v = r.add;
          break;
        case RelocKind::Size:
          v = int64_t(r.sym != kNoSym ? obj.symbols[r.sym].memSize() : 0) + r.add;
          break;
        case RelocKind::GotPcRel:
        case RelocKind::TlsIe:
          return fail("{}: objects built with -shared or -dynlink are not supported", where());
        case RelocKind::DwarfSecRef:
        case RelocKind::DwarfTextAddr:
        case RelocKind::AddrCuOff:
        case RelocKind::PeImageOff:
        case RelocKind::GotOff:
          return fail("{}: not valid in mapped code or data", where());
        default:
          return fail("{}: unknown relocation", where());
        }
        if (targetMissing && r.kind != RelocKind::WeakAddr && r.kind != RelocKind::MethodOff &&
            r.kind != RelocKind::WeakAddrOff)
          return fail("{}: target {} has no address", where(), obj.symbols[r.sym].name);
        uint64_t at = P - seg->addr;
        if (r.size == 8) {
          std::memcpy(seg->bytes.data() + at, &v, 8);
        } else if (r.size == 4) {
          if (r.kind == RelocKind::Call || r.kind == RelocKind::PcRel) {
            if (v < INT32_MIN || v > INT32_MAX) return fail("{}: displacement overflows", where());
          }
          int32_t v32 = int32_t(v);
          std::memcpy(seg->bytes.data() + at, &v32, 4);
        } else {
          return fail("{}: unsupported size {}", where(), r.size);
        }
      }
    }

    return {};
  }
};

} // namespace

Expected<Image> layout(std::shared_ptr<Object> objPtr, const LayoutOptions& opts) {
  Image img;
  img.obj = objPtr;
  Linker l(*objPtr, img, opts);
  l.synthesize();
  l.unifyUnlinkable();
  l.collect();
  l.placeSegments();
  l.copyData();
  if (auto r = l.relocate(); !r) return std::unexpected(r.error());
  img.externs_ = std::move(l.externFuncs);
  // The address index: defined symbols and runtime data, not extern slots or aliases.
  for (SymId i = 0; i < objPtr->symbols.size(); i++)
    if (img.addr[i] && !img.externAt(img.addr[i]) && !l.isAlias[i])
      img.sorted_.push_back({img.addr[i], i});
  std::sort(img.sorted_.begin(), img.sorted_.end());
  return img;
}

std::optional<SymId> Image::externAt(uint64_t a) const {
  if (a < externStart || a >= externEnd) return std::nullopt;
  size_t k = (a - externStart) / kExternSlot;
  if (k >= externs_.size()) return std::nullopt;
  return externs_[k];
}

std::optional<SymId> Image::symbolAt(uint64_t a) const {
  if (auto e = externAt(a)) return e;
  auto it = std::upper_bound(sorted_.begin(), sorted_.end(), std::pair{a, kNoSym});
  if (it == sorted_.begin()) return std::nullopt;
  --it;
  const Symbol& s = obj->sym(it->second);
  if (a < it->first + std::max<uint64_t>(s.memSize(), 1)) return it->second;
  return std::nullopt;
}

std::string Image::describe(uint64_t a) const {
  if (a == sentinel()) return "<return to godefer-emu>";
  // The runtime model's own continuation slots (runtime_stubs: 0 gopanic running deferred
  // calls, 1-3 runtime code calling Go code: equality functions, methods).
  for (int k = 0; k < kRuntimeSlots; k++)
    if (a >= runtimeSlot(k) && a < runtimeSlot(k) + kExternSlot)
      return k == 0             ? "runtime.gopanic"
             : k == kGoexitSlot ? "runtime.goexit"
                                : "runtime (calling Go code)";
  auto id = symbolAt(a);
  if (!id) return fmt::format("{:#x}", a);
  std::string name = obj->displayName(*id);
  uint64_t off = a - address(*id);
  return off ? fmt::format("{}+{:#x}", name, off) : name;
}

std::optional<Image::Position> Image::position(uint64_t pc) const {
  auto id = symbolAt(pc);
  if (!id) return std::nullopt;
  const Symbol& s = obj->sym(*id);
  if (!s.func) return std::nullopt;
  uint32_t off = uint32_t(pc - address(*id));
  if (lines_.size() < obj->symbols.size()) lines_.resize(obj->symbols.size());
  Lines& l = lines_[*id];
  if (!l.ready) {
    l.line = PcTable::decode(s.func->pcline);
    l.file = PcTable::decode(s.func->pcfile);
    l.ready = true;
  }
  auto line = l.line.lookup(off);
  auto file = l.file.lookup(off);
  if (!line || !file || *file < 0 || size_t(*file) >= s.func->files.size()) return std::nullopt;
  return Position{s.func->files[*file], *line};
}

} // namespace gd::loader
