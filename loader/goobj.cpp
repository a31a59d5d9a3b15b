// The binary Go object formats go115ld (cmd/internal/goobj2, Go 1.15) and go118ld/go120ld
// (cmd/internal/goobj, Go 1.18-1.24). The layout is written down in docs/go-internals.md §2; Go's
// reader trusts offsets, ours checks every one and names the block, symbol and offset it
// rejects.
#include "loader/goobj.h"

#include <map>

#include "loader/bytes.h"

namespace gd::loader {
namespace {

// Block numbers per format (docs/go-internals.md §2).
struct Layout {
  int nblk;
  int symSize, relocSize;
  int autolib, pkgidx, file, symdef, hashed64def, hasheddef, nonpkgdef, nonpkgref;
  int relocIdx, auxIdx, dataIdx, reloc, aux, data, pcdata, refname, end;
};
constexpr Layout kGo115{15, 20, 22, 0, 1, 2, 3, -1, -1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
constexpr Layout kGo118{19, 21, 23, 0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, -1, 17, 18};

enum AuxType : uint8_t {
  AuxGotype = 0,
  AuxFuncInfo = 1,
  AuxFuncdata = 2,
  AuxDwarfInfo = 3,
  AuxDwarfLoc = 4,
  AuxDwarfRanges = 5,
  AuxDwarfLines = 6,
  AuxPcsp = 7, // go118ld and later
  AuxPcfile = 8,
  AuxPcline = 9,
  AuxPcinline = 10,
  AuxPcdata = 11,
};

struct RawRef {
  uint32_t pkg, idx;
};

class Parser {
public:
  Parser(Object& obj, std::span<const uint8_t> bin) : obj_(obj), v_(bin) {}

  Expected<void> run() {
    const GoProfile& p = *obj_.profile;
    L_ = p.format == ObjFormat::Go115 ? kGo115 : kGo118;
    if (auto r = readHeader(); !r) return r;
    if (auto r = readTables(); !r) return r;
    if (auto r = readSymbols(); !r) return r;
    if (auto r = readRelocsAndData(); !r) return r;
    if (auto r = readAux(); !r) return r;
    obj_.reindex();
    return {};
  }

private:
  std::unexpected<Error> bad(const std::string& what, uint64_t off) {
    return fail("{} (object offset {:#x})", what, off);
  }

  uint64_t blk(int k) const { return offsets_[k]; }
  uint64_t blkSize(int k) const { return offsets_[k + 1] - offsets_[k]; }

  Expected<std::string> stringRef(uint64_t at) {
    auto len = v_.u32(at), off = v_.u32(at + 4);
    if (!len || !off) return bad("string reference cut short", at);
    auto s = v_.str(*off, *len);
    if (!s)
      return bad(fmt::format("string of {} bytes at {:#x} runs past the end", *len, *off), at);
    return std::string(*s);
  }

  Expected<void> readHeader() {
    size_t hdr = 8 + 8 + 4 + 4 * size_t(L_.nblk);
    if (v_.size() < hdr) return bad("object header truncated", 0);
    flags_ = *v_.u32(16);
    obj_.flags = flags_;
    offsets_.resize(L_.nblk);
    uint64_t prev = hdr;
    for (int k = 0; k < L_.nblk; k++) {
      uint32_t o = *v_.u32(20 + 4 * k);
      if (o < prev || o > v_.size())
        return bad(fmt::format("block {} offset {:#x} out of order or past the end ({:#x} bytes)",
                               k, o, v_.size()),
                   20 + 4 * k);
      offsets_[k] = o;
      prev = o;
    }
    return {};
  }

  Expected<void> readTables() {
    for (uint64_t at = blk(L_.pkgidx); at + 8 <= blk(L_.pkgidx + 1); at += 8) {
      auto s = stringRef(at);
      if (!s) return std::unexpected(s.error());
      obj_.packages.push_back(*s);
    }
    for (uint64_t at = blk(L_.file); at + 8 <= blk(L_.file + 1); at += 8) {
      auto s = stringRef(at);
      if (!s) return std::unexpected(s.error());
      obj_.files.push_back(*s);
    }
    // RefName: {SymRef, name} records naming other packages' symbols.
    obj_.refNameCount = uint32_t(blkSize(L_.refname) / 16);
    for (uint64_t at = blk(L_.refname); at + 16 <= blk(L_.refname + 1); at += 16) {
      auto s = stringRef(at + 8);
      if (!s) return std::unexpected(s.error());
      refNames_[{*v_.u32(at), *v_.u32(at + 4)}] = *s;
    }
    return {};
  }

  uint32_t count(int k, int elem) const { return k < 0 ? 0 : uint32_t(blkSize(k) / elem); }

  Expected<void> readSymbols() {
    nSymdef_ = count(L_.symdef, L_.symSize);
    nHashed64_ = count(L_.hashed64def, L_.symSize);
    nHashed_ = count(L_.hasheddef, L_.symSize);
    nNonpkgdef_ = count(L_.nonpkgdef, L_.symSize);
    nNonpkgref_ = count(L_.nonpkgref, L_.symSize);
    nDefs_ = nSymdef_ + nHashed64_ + nHashed_ + nNonpkgdef_;
    struct Span {
      int block;
      uint32_t n;
      SymOrigin origin;
    };
    const Span spans[] = {{L_.symdef, nSymdef_, SymOrigin::Defined},
                          {L_.hashed64def, nHashed64_, SymOrigin::Hashed64},
                          {L_.hasheddef, nHashed_, SymOrigin::Hashed},
                          {L_.nonpkgdef, nNonpkgdef_, SymOrigin::NonPkgDef},
                          {L_.nonpkgref, nNonpkgref_, SymOrigin::NonPkgRef}};
    const bool go115 = obj_.profile->format == ObjFormat::Go115;
    for (const auto& sp : spans) {
      for (uint32_t i = 0; i < sp.n; i++) {
        uint64_t at = blk(sp.block) + uint64_t(i) * L_.symSize;
        auto name = stringRef(at);
        if (!name) return std::unexpected(name.error());
        Symbol s;
        s.name = *name;
        s.origin = sp.origin;
        s.abi = *v_.u16(at + 8);
        s.kind = symKindFor(*obj_.profile, *v_.u8(at + 10));
        s.flag = *v_.u8(at + 11);
        if (go115) {
          s.size = *v_.u32(at + 12);
          s.align = *v_.u32(at + 16);
        } else {
          s.flag2 = *v_.u8(at + 12);
          s.size = *v_.u32(at + 13);
          s.align = *v_.u32(at + 17);
        }
        obj_.symbols.push_back(std::move(s));
      }
    }
    return {};
  }

  // Resolves a SymRef to our symbol index, creating entries for builtins and other packages'
  // symbols on first use.
  Expected<SymId> resolve(RawRef r, uint64_t at) {
    const GoProfile& p = *obj_.profile;
    if (r.pkg == 0 && r.idx == 0) return kNoSym;
    auto outOfRange = [&](const char* space, uint32_t n) {
      return bad(fmt::format("symbol reference {{{:#x}, {}}} out of range: {} has {} entries",
                             r.pkg, r.idx, space, n),
                 at);
    };
    if (r.pkg == p.pkgIdxSelf) {
      if (r.idx >= nSymdef_) return outOfRange("Symdef", nSymdef_);
      return r.idx;
    }
    if (r.pkg == p.pkgIdxNone) {
      if (r.idx >= nNonpkgdef_ + nNonpkgref_)
        return outOfRange("Nonpkgdef+Nonpkgref", nNonpkgdef_ + nNonpkgref_);
      return nSymdef_ + nHashed64_ + nHashed_ + r.idx; // refs follow the defs
    }
    if (p.format != ObjFormat::Go115 && r.pkg == p.pkgIdxHashed64) {
      if (r.idx >= nHashed64_) return outOfRange("Hashed64def", nHashed64_);
      return nSymdef_ + r.idx;
    }
    if (p.format != ObjFormat::Go115 && r.pkg == p.pkgIdxHashed) {
      if (r.idx >= nHashed_) return outOfRange("Hasheddef", nHashed_);
      return nSymdef_ + nHashed64_ + r.idx;
    }
    auto key = std::pair{r.pkg, r.idx};
    if (auto it = extRefs_.find(key); it != extRefs_.end()) return it->second;
    Symbol s;
    if (r.pkg == p.pkgIdxBuiltin) {
      if (r.idx >= p.builtins.size())
        return outOfRange("the builtin table", uint32_t(p.builtins.size()));
      std::string_view n = p.builtins[r.idx];
      s.origin = SymOrigin::Builtin;
      s.abi = 1;
      if (n.ends_with("/0")) {
        n.remove_suffix(2);
        s.abi = 0;
      }
      s.name = std::string(n);
    } else {
      if (r.pkg >= obj_.packages.size())
        return outOfRange("PkgIdx", uint32_t(obj_.packages.size()));
      s.origin = SymOrigin::PkgRef;
      s.abi = 1;
      s.refPkg = obj_.packages[r.pkg];
      s.refIdx = r.idx;
      auto it = refNames_.find(key);
      s.name = it != refNames_.end() ? it->second
                                     : fmt::format("{}.<sym {}>", obj_.packages[r.pkg], r.idx);
    }
    SymId id = SymId(obj_.symbols.size());
    obj_.symbols.push_back(std::move(s));
    extRefs_[key] = id;
    return id;
  }

  Expected<std::pair<uint32_t, uint32_t>> indexRange(int block, uint32_t i, uint32_t limit,
                                                     const char* what) {
    uint64_t at = blk(block) + 4ull * i;
    auto a = v_.u32(at), b = v_.u32(at + 4);
    if (!a || !b || at + 8 > blk(block + 1))
      return bad(fmt::format("{} index of symbol {} missing", what, i), at);
    if (*a > *b || *b > limit)
      return bad(fmt::format("{} index [{}, {}) of symbol {} ({}) out of range (limit {})", what,
                             *a, *b, i, obj_.symbols[i].name, limit),
                 at);
    return std::pair{*a, *b};
  }

  Expected<void> readRelocsAndData() {
    uint32_t nRelocs = count(L_.reloc, L_.relocSize);
    uint64_t dataSize = blkSize(L_.data);
    const bool go115 = obj_.profile->format == ObjFormat::Go115;
    for (uint32_t i = 0; i < nDefs_; i++) {
      auto rr = indexRange(L_.relocIdx, i, nRelocs, "reloc");
      if (!rr) return std::unexpected(rr.error());
      for (uint32_t k = rr->first; k < rr->second; k++) {
        uint64_t at = blk(L_.reloc) + uint64_t(k) * L_.relocSize;
        Reloc r;
        r.off = int32_t(*v_.u32(at));
        r.size = *v_.u8(at + 4);
        RawRef ref;
        if (go115) {
          r.rawType = *v_.u8(at + 5);
          r.add = int64_t(*v_.u64(at + 6));
          ref = {*v_.u32(at + 14), *v_.u32(at + 18)};
        } else {
          r.rawType = *v_.u16(at + 5);
          r.add = int64_t(*v_.u64(at + 7));
          ref = {*v_.u32(at + 15), *v_.u32(at + 19)};
        }
        r.kind = relocKindFor(*obj_.profile, r.rawType);
        auto target = resolve(ref, at);
        if (!target)
          return std::unexpected(target.error().context("symbol " + obj_.symbols[i].name));
        r.sym = *target;
        obj_.symbols[i].relocs.push_back(r); // resolve() may grow the vector: index afresh
      }
      auto dr =
          indexRange(L_.dataIdx, i, uint32_t(std::min<uint64_t>(dataSize, UINT32_MAX)), "data");
      if (!dr) return std::unexpected(dr.error());
      Symbol& s2 = obj_.symbols[i];
      auto d = v_.bytes(blk(L_.data) + dr->first, dr->second - dr->first);
      s2.data.assign(d->begin(), d->end());
      s2.dataOffset = blk(L_.data) + dr->first;
      for (const Reloc& r : s2.relocs) {
        if (r.size != 0 && (r.off < 0 || uint64_t(r.off) + r.size > s2.memSize()))
          return bad(fmt::format("symbol {}: relocation at offset {:#x} size {} outside its {} "
                                 "bytes",
                                 s2.name, r.off, r.size, s2.memSize()),
                     blk(L_.reloc));
      }
    }
    return {};
  }

  // The data of an aux symbol (FuncInfo payload, pc table), which must be defined here.
  Expected<const std::vector<uint8_t>*> auxData(SymId id, uint64_t at) {
    if (id == kNoSym) return nullptr;
    if (id >= nDefs_) return bad("aux record points at an undefined symbol", at);
    return &obj_.symbols[id].data;
  }

  Expected<void> readAux() {
    uint32_t nAux = count(L_.aux, 9);
    for (uint32_t i = 0; i < nDefs_; i++) {
      auto ar = indexRange(L_.auxIdx, i, nAux, "aux");
      if (!ar) return std::unexpected(ar.error());
      FuncInfo fi;
      bool isFunc = false;
      SymId funcInfoSym = kNoSym;
      uint64_t funcInfoAt = 0;
      for (uint32_t k = ar->first; k < ar->second; k++) {
        uint64_t at = blk(L_.aux) + uint64_t(k) * 9;
        uint8_t type = *v_.u8(at);
        auto id = resolve({*v_.u32(at + 1), *v_.u32(at + 5)}, at);
        if (!id) return std::unexpected(id.error().context("symbol " + obj_.symbols[i].name));
        auto table = [&](std::vector<uint8_t>& dst) -> Expected<void> {
          auto d = auxData(*id, at);
          if (!d) return std::unexpected(d.error());
          if (*d) dst = **d;
          return {};
        };
        Expected<void> r;
        switch (type) {
        case AuxGotype:
          obj_.symbols[i].gotype = *id;
          break;
        case AuxFuncInfo:
          isFunc = true;
          funcInfoSym = *id;
          funcInfoAt = at;
          break;
        case AuxFuncdata:
          fi.funcdata.push_back(*id);
          break;
        case AuxDwarfInfo:
          fi.dwarfInfo = *id;
          break;
        case AuxDwarfLoc:
          fi.dwarfLoc = *id;
          break;
        case AuxDwarfRanges:
          fi.dwarfRanges = *id;
          break;
        case AuxDwarfLines:
          fi.dwarfLines = *id;
          break;
        case AuxPcsp:
          r = table(fi.pcsp);
          break;
        case AuxPcfile:
          r = table(fi.pcfile);
          break;
        case AuxPcline:
          r = table(fi.pcline);
          break;
        case AuxPcinline:
          r = table(fi.pcinline);
          break;
        case AuxPcdata:
          r = table(fi.pcdata.emplace_back());
          break;
        default:
          break; // Wasm and SEH records: nothing for amd64 emulation
        }
        if (!r) return std::unexpected(r.error());
      }
      if (!isFunc) continue;
      auto payload = auxData(funcInfoSym, funcInfoAt);
      if (!payload) return std::unexpected(payload.error());
      if (!*payload) return bad("FuncInfo aux record is nil", funcInfoAt);
      auto r = obj_.profile->format == ObjFormat::Go115 ? readFuncInfo115(**payload, fi)
                                                        : readFuncInfo116(**payload, fi);
      if (!r)
        return std::unexpected(r.error().context(
            fmt::format("symbol {}: FuncInfo (aux at {:#x})", obj_.symbols[i].name, funcInfoAt)));
      obj_.symbols[i].func = std::move(fi);
    }
    return {};
  }

  // Go 1.15 FuncInfo (goobj2/funcinfo.go): offsets into the Pcdata block, files as SymRefs.
  Expected<void> readFuncInfo115(const std::vector<uint8_t>& b, FuncInfo& fi) {
    ByteView v{b};
    uint64_t pos = 0;
    auto u32 = [&]() -> std::optional<uint32_t> {
      auto x = v.u32(pos);
      pos += 4;
      return x;
    };
    auto args = u32(), locals = u32();
    uint32_t pcs[4];
    for (auto& o : pcs) {
      auto x = u32();
      if (!x) return fail("truncated");
      o = *x;
    }
    auto npcdata = u32();
    if (!args || !locals || !npcdata || *npcdata > b.size() / 4) return fail("truncated");
    fi.args = *args;
    fi.locals = *locals;
    std::vector<uint32_t> bounds(pcs, pcs + 4);
    for (uint32_t k = 0; k < *npcdata; k++) {
      auto x = u32();
      if (!x) return fail("truncated pcdata offsets");
      bounds.push_back(*x);
    }
    auto end = u32();
    auto nfuncdataoff = u32();
    if (!end || !nfuncdataoff || *nfuncdataoff > b.size() / 4) return fail("truncated");
    bounds.push_back(*end);
    pos += 4ull * *nfuncdataoff;
    auto nfile = u32();
    if (!nfile || *nfile > b.size() / 8) return fail("truncated file list");
    for (uint32_t k = 0; k < *nfile; k++) {
      auto pkg = u32(), idx = u32();
      if (!pkg || !idx) return fail("truncated file list");
      auto id = resolve({*pkg, *idx}, 0);
      if (!id) return std::unexpected(id.error());
      fi.files.push_back(*id == kNoSym ? "" : obj_.symbols[*id].name);
    }
    auto ninl = u32();
    if (!ninl || *ninl > b.size() / 28) return fail("truncated inline tree");
    for (uint32_t k = 0; k < *ninl; k++) {
      auto parent = v.u32(pos), fpkg = v.u32(pos + 4), fidx = v.u32(pos + 8),
           line = v.u32(pos + 12), gpkg = v.u32(pos + 16), gidx = v.u32(pos + 20),
           ppc = v.u32(pos + 24);
      if (!ppc) return fail("truncated inline tree");
      pos += 28;
      InlineNode n{int32_t(*parent), "", int32_t(*line), kNoSym, int32_t(*ppc)};
      auto file = resolve({*fpkg, *fidx}, 0);
      auto fn = resolve({*gpkg, *gidx}, 0);
      if (!file || !fn) return fail("bad inline tree reference");
      if (*file != kNoSym) n.file = obj_.symbols[*file].name;
      n.func = *fn;
      fi.inlineTree.push_back(n);
    }
    // The pc tables live in the Pcdata block; each ends where the next begins.
    uint64_t pcBase = blk(L_.pcdata), pcLen = blkSize(L_.pcdata);
    std::vector<uint8_t>* dst[4] = {&fi.pcsp, &fi.pcfile, &fi.pcline, &fi.pcinline};
    for (size_t k = 0; k + 1 < bounds.size(); k++) {
      if (bounds[k] > bounds[k + 1] || bounds[k + 1] > pcLen)
        return fail("pc table [{:#x}, {:#x}) outside the Pcdata block ({:#x} bytes)", bounds[k],
                    bounds[k + 1], pcLen);
      auto d = v_.bytes(pcBase + bounds[k], bounds[k + 1] - bounds[k]);
      std::vector<uint8_t>& t = k < 4 ? *dst[k] : fi.pcdata.emplace_back();
      t.assign(d->begin(), d->end());
    }
    return {};
  }

  // Go 1.16+ FuncInfo (goobj/funcinfo.go): CU file indices; StartLine from Go 1.20.
  Expected<void> readFuncInfo116(const std::vector<uint8_t>& b, FuncInfo& fi) {
    ByteView v{b};
    bool startLine = obj_.profile->funcInfoStartLine;
    uint64_t pos = startLine ? 16 : 12;
    if (!v.has(0, pos + 4)) return fail("truncated");
    fi.args = *v.u32(0);
    fi.locals = *v.u32(4);
    fi.funcId = *v.u8(8);
    fi.funcFlag = *v.u8(9);
    if (startLine) fi.startLine = int32_t(*v.u32(12));
    uint32_t nfile = *v.u32(pos);
    pos += 4;
    if (!v.has(pos, 4ull * nfile)) return fail("truncated file list ({} files)", nfile);
    for (uint32_t k = 0; k < nfile; k++) {
      uint32_t cu = *v.u32(pos + 4ull * k);
      if (cu >= obj_.files.size())
        return fail("file index {} out of range ({} files)", cu, obj_.files.size());
    }
    pos += 4ull * nfile;
    // pcfile values index the object's File block directly.
    fi.files = obj_.files;
    auto ninl = v.u32(pos);
    if (!ninl) return fail("truncated inline tree count");
    pos += 4;
    if (!v.has(pos, 24ull * *ninl)) return fail("truncated inline tree ({} nodes)", *ninl);
    for (uint32_t k = 0; k < *ninl; k++, pos += 24) {
      InlineNode n{int32_t(*v.u32(pos)), "", int32_t(*v.u32(pos + 8)), kNoSym,
                   int32_t(*v.u32(pos + 20))};
      uint32_t file = *v.u32(pos + 4);
      if (file < obj_.files.size()) n.file = obj_.files[file];
      auto fn = resolve({*v.u32(pos + 12), *v.u32(pos + 16)}, 0);
      if (!fn) return std::unexpected(fn.error());
      n.func = *fn;
      fi.inlineTree.push_back(n);
    }
    return {};
  }

  Object& obj_;
  ByteView v_;
  Layout L_{};
  uint32_t flags_ = 0;
  std::vector<uint64_t> offsets_;
  uint32_t nSymdef_ = 0, nHashed64_ = 0, nHashed_ = 0, nNonpkgdef_ = 0, nNonpkgref_ = 0, nDefs_ = 0;
  std::map<std::pair<uint32_t, uint32_t>, std::string> refNames_;
  std::map<std::pair<uint32_t, uint32_t>, SymId> extRefs_;
};

} // namespace

Expected<void> parseGoObject(Object& obj, std::span<const uint8_t> bin) {
  static constexpr std::pair<std::string_view, ObjFormat> kMagics[] = {
      {std::string_view("\0go115ld", 8), ObjFormat::Go115},
      {std::string_view("\0go116ld", 8), ObjFormat::Go116},
      {std::string_view("\0go117ld", 8), ObjFormat::Go116},
      {std::string_view("\0go118ld", 8), ObjFormat::Go118},
      {std::string_view("\0go120ld", 8), ObjFormat::Go120},
  };
  if (bin.size() < 8) return fail("object data truncated before the magic");
  std::string_view magic(reinterpret_cast<const char*>(bin.data()), 8);
  std::optional<ObjFormat> format;
  for (auto [m, f] : kMagics)
    if (m == magic) format = f;
  if (!format) return fail("unknown object magic {:?} at offset {:#x}", magic, obj.baseOffset);
  obj.magic = std::string(magic.substr(1));
  if (*format != obj.profile->format)
    return fail("object magic {} does not match the header's version {} (expected the {} "
                "format)",
                obj.magic, obj.header.version, obj.profile->name);
  return Parser(obj, bin).run();
}

} // namespace gd::loader
