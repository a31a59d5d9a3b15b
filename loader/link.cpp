// Linking the objects of a program into one Object (loader/link.h).
#include "loader/link.h"

#include <map>
#include <unordered_map>

namespace gd::loader {

std::string symbolPackage(std::string_view name) {
  size_t slash = name.rfind('/', name.find_first_of("(["));
  size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  size_t dot = name.find('.', start);
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string_view pkg = name.substr(0, dot);
  if (pkg.find_first_of(":*\"()[] ") != std::string_view::npos) return {};
  return std::string(pkg);
}

namespace {

constexpr uint16_t kStaticAbi = 0xFFFF;

std::string expandName(const std::string& name, const std::string& pkg) {
  if (name.find("\"\".") == std::string::npos) return name;
  std::string out;
  for (size_t i = 0; i < name.size();) {
    if (name.compare(i, 3, "\"\".") == 0) {
      out += pkg + ".";
      i += 3;
    } else {
      out += name[i++];
    }
  }
  return out;
}

struct Key {
  std::string name;
  uint16_t abi;
  bool operator==(const Key&) const = default;
};
struct KeyHash {
  size_t operator()(const Key& k) const { return std::hash<std::string>()(k.name) * 31 + k.abi; }
};

class Linker {
public:
  explicit Linker(std::vector<LinkUnit> units) : units_(std::move(units)) {}

  Expected<std::shared_ptr<Object>> run() {
    if (units_.empty() || units_[0].objects.empty()) return fail("nothing to link");
    out_ = std::make_shared<Object>();
    const Object& first = *units_[0].objects[0];
    out_->path = first.path;
    out_->source = first.source;
    out_->header = first.header;
    out_->profile = first.profile;
    out_->versionAssumed = first.versionAssumed;
    out_->magic = first.magic;
    out_->flags = first.flags;
    out_->baseOffset = first.baseOffset;
    out_->refNameCount = first.refNameCount;
    out_->packages = first.packages;
    out_->files = first.files;
    for (size_t u = 0; u < units_.size(); u++) {
      const LinkUnit& lu = units_[u];
      out_->units.push_back({lu.pkgPath, lu.path, lu.user});
      for (size_t m = 0; m < lu.objects.size(); m++) {
        const Object& o = *lu.objects[m];
        if (o.header.version != first.header.version)
          return fail("{} ({}) was compiled by {}, {} by {}: every package of a program must "
                      "come from one release",
                      lu.path, lu.pkgPath, o.header.version, first.path, first.header.version);
        if (!pkgIndex_.contains(lu.pkgPath)) pkgIndex_[lu.pkgPath] = {u, m};
      }
    }
    // Objects compiled without -p (Go 1.15's assembler, say) call their own package `""`; the
    // linker expands it to the package's path (cmd/link's expandName). The main package keeps
    // its `"".` names, which the rest of the tool reads as main's.
    for (size_t u = 1; u < units_.size(); u++)
      for (auto& o : units_[u].objects)
        for (auto& s : o->symbols)
          s.name = expandName(s.name, units_[u].pkgPath);
    // Definitions first (in unit order, so the main package wins nothing by accident: DUPOK
    // copies are identical by contract), then every reference against all of them.
    maps_.resize(units_.size());
    for (size_t u = 0; u < units_.size(); u++) {
      maps_[u].resize(units_[u].objects.size());
      for (size_t m = 0; m < units_[u].objects.size(); m++)
        if (auto r = define(u, m); !r) return std::unexpected(r.error());
    }
    for (size_t u = 0; u < units_.size(); u++)
      for (size_t m = 0; m < units_[u].objects.size(); m++)
        resolveRefs(u, m);
    for (size_t u = 0; u < units_.size(); u++)
      for (size_t m = 0; m < units_[u].objects.size(); m++)
        copyBodies(u, m);
    followAbiAliases();
    out_->reindex();
    return out_;
  }

private:
  Expected<void> define(size_t u, size_t m) {
    Object& o = *units_[u].objects[m];
    auto& map = maps_[u][m];
    map.assign(o.symbols.size(), kNoSym);
    for (SymId i = 0; i < o.symbols.size(); i++) {
      Symbol& s = o.symbols[i];
      if (!s.defined()) continue;
      if (s.abi == kStaticAbi || s.name.empty()) {
        map[i] = add(s, u);
        continue;
      }
      Key k{s.name, s.abi};
      auto it = defs_.find(k);
      if (it == defs_.end()) {
        SymId id = add(s, u);
        defs_.emplace(std::move(k), id);
        map[i] = id;
        continue;
      }
      const Symbol& prev = out_->symbols[it->second];
      bool dup = (s.flag & symflag::kDupok) || (prev.flag & symflag::kDupok) ||
                 s.origin == SymOrigin::Hashed64 || s.origin == SymOrigin::Hashed ||
                 prev.kind == SymKind::AbiAlias || s.kind == SymKind::AbiAlias;
      // Two packages may both declare a linknamed variable without content (Go 1.27's
      // runtime.zeroVal in reflect and internal/runtime/maps): the one with content wins,
      // else the larger (cmd/link's loader, "duplicated definition" rules).
      bool isData = [](const Symbol& x) {
        return x.kind == SymKind::Data || x.kind == SymKind::Bss || x.kind == SymKind::NoPtrBss ||
               x.kind == SymKind::NoPtrData || x.kind == SymKind::RoData;
      }(prev) && !prev.func;
      if (!dup && isData && (s.data.empty() || !content_[it->second])) {
        uint32_t size = std::max(s.size, prev.size);
        if (!s.data.empty()) { // the new one has content: it takes the place of the old
          Symbol& d = out_->symbols[it->second];
          d.kind = s.kind;
          d.flag = s.flag;
          d.unit = uint16_t(u);
          content_[it->second] = true;
        }
        out_->symbols[it->second].size = size;
        map[i] = it->second;
        continue;
      }
      if (!dup)
        return fail("symbol {} (ABI {}) is defined twice: in {} ({}) and in {} ({})", s.name, s.abi,
                    out_->units[prev.unit].pkgPath, out_->units[prev.unit].path, units_[u].pkgPath,
                    units_[u].path);
      // A real definition beats an ABI alias of the same name (Go 1.15); what was bound to
      // the alias reaches the alias's target, the same function.
      if (prev.kind == SymKind::AbiAlias && s.kind != SymKind::AbiAlias) it->second = add(s, u);
      map[i] = it->second;
    }
    return {};
  }

  SymId add(const Symbol& s, size_t u) {
    Symbol c;
    c.name = s.name;
    c.abi = s.abi;
    c.origin = s.origin;
    c.kind = s.kind;
    c.flag = s.flag;
    c.flag2 = s.flag2;
    c.size = s.size;
    c.align = s.align;
    c.dataOffset = s.dataOffset;
    c.refPkg = s.refPkg;
    c.refIdx = s.refIdx;
    c.unit = uint16_t(u);
    out_->symbols.push_back(std::move(c));
    content_.push_back(!s.data.empty());
    return SymId(out_->symbols.size() - 1);
  }

  // The merged id of an undefined symbol: another package's definition, or one shared
  // undefined entry per (name, ABI) for the runtime model to bind.
  SymId resolveOne(const Symbol& s, size_t u) {
    if (s.origin == SymOrigin::PkgRef) {
      if (auto it = pkgIndex_.find(s.refPkg); it != pkgIndex_.end()) {
        auto [du, dm] = it->second;
        const Object& d = *units_[du].objects[dm];
        if (s.refIdx < d.symbols.size() && d.symbols[s.refIdx].origin == SymOrigin::Defined) {
          SymId id = maps_[du][dm][s.refIdx];
          if (id != kNoSym) return id;
        }
      }
    }
    if (!s.name.empty() && s.name.find("<sym ") == std::string::npos) {
      if (auto it = defs_.find(Key{s.name, s.abi}); it != defs_.end()) return it->second;
      // Before the register ABI, ABI0 and ABIInternal are one calling convention; the linker
      // bound either name to the one definition.
      if (out_->profile && out_->profile->abi == Abi::Abi0Only)
        if (auto it = defs_.find(Key{s.name, uint16_t(s.abi ^ 1)}); it != defs_.end())
          return it->second;
    }
    Key k{s.name, s.abi};
    if (auto it = undef_.find(k); it != undef_.end()) return it->second;
    SymId id = add(s, u);
    undef_.emplace(std::move(k), id);
    return id;
  }

  void resolveRefs(size_t u, size_t m) {
    Object& o = *units_[u].objects[m];
    auto& map = maps_[u][m];
    for (SymId i = 0; i < o.symbols.size(); i++)
      if (map[i] == kNoSym && !o.symbols[i].defined()) map[i] = resolveOne(o.symbols[i], u);
  }

  void copyBodies(size_t u, size_t m) {
    Object& o = *units_[u].objects[m];
    const auto& map = maps_[u][m];
    auto remap = [&](SymId id) { return id == kNoSym || id >= map.size() ? kNoSym : map[id]; };
    for (SymId i = 0; i < o.symbols.size(); i++) {
      Symbol& s = o.symbols[i];
      SymId to = map[i];
      if (!s.defined() || to == kNoSym) continue;
      Symbol& d = out_->symbols[to];
      if (d.unit != u || (bodyDone_.size() > to && bodyDone_[to])) continue; // a DUPOK copy
      if (bodyDone_.size() <= to) bodyDone_.resize(out_->symbols.size());
      bodyDone_[to] = true;
      d.data = std::move(s.data);
      d.relocs = std::move(s.relocs);
      for (auto& r : d.relocs)
        r.sym = remap(r.sym);
      d.gotype = remap(s.gotype);
      if (s.func) {
        d.func = std::move(s.func);
        for (auto& f : d.func->funcdata)
          f = remap(f);
        for (auto& n : d.func->inlineTree)
          n.func = remap(n.func);
        d.func->dwarfInfo = remap(d.func->dwarfInfo);
        d.func->dwarfLoc = remap(d.func->dwarfLoc);
        d.func->dwarfRanges = remap(d.func->dwarfRanges);
        d.func->dwarfLines = remap(d.func->dwarfLines);
      }
    }
  }

  // Go 1.15 writes an ABI0 alias for a Go function that assembly calls (SABIALIAS, one
  // relocation to the ABIInternal function); the linker binds references to the target.
  void followAbiAliases() {
    std::vector<SymId> target(out_->symbols.size(), kNoSym);
    bool any = false;
    for (SymId i = 0; i < out_->symbols.size(); i++) {
      const Symbol& s = out_->symbols[i];
      if (s.kind == SymKind::AbiAlias && s.relocs.size() == 1 && s.relocs[0].sym != kNoSym) {
        target[i] = s.relocs[0].sym;
        any = true;
      }
    }
    if (!any) return;
    for (auto& s : out_->symbols)
      for (auto& r : s.relocs)
        if (r.sym != kNoSym && target[r.sym] != kNoSym) r.sym = target[r.sym];
  }

  std::vector<LinkUnit> units_;
  std::shared_ptr<Object> out_;
  std::unordered_map<std::string, std::pair<size_t, size_t>> pkgIndex_; // the package's _go_.o
  std::vector<std::vector<std::vector<SymId>>> maps_; // [unit][member][local id] -> merged id
  std::unordered_map<Key, SymId, KeyHash> defs_, undef_;
  std::vector<bool> bodyDone_;
  std::vector<bool> content_; // per merged id: the definition has bytes (not just a size)
};

} // namespace

Expected<std::shared_ptr<Object>> link(std::vector<LinkUnit> units) {
  return Linker(std::move(units)).run();
}

} // namespace gd::loader
