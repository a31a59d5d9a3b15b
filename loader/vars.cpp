// Variables of a function from its go.info/go.loc aux symbols (docs/go-internals.md §6), or
// from its Go source when the object has no DWARF (Go 1.15 without -p).
//
// The DIE reader is generic: it reads an abbrev code, looks the code up in the toolchain's
// table (dwarf_abbrev.cpp) and decodes each attribute by its form. What the compiler writes
// into a function's DIE tree is cmd/internal/dwarf/dwarf.go PutDefaultFunc/putscope/putvar:
// a subprogram DIE, its variables and formal parameters, lexical blocks with more of them,
// inlined subroutines (whose variables belong to the callee), and a 0 that ends each list.
#include "loader/vars.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loader/dwarf_abbrev.h"
#include "loader/gosource.h"
#include "loader/pctab.h"

namespace gd::loader {

namespace {

using dwarf::At;
using dwarf::Form;
using dwarf::Tag;

constexpr int kMaxNesting = 48; // lexical blocks and inlined calls nested this deep
constexpr int kMaxRefChain = 4; // type/abstract-origin references followed in a row
constexpr size_t kMaxListEntries = 1u << 16;

// Sequential little-endian reader that remembers where it first ran out of bytes.
class Cursor {
public:
  Cursor(std::span<const uint8_t> d, size_t off = 0) : d_(d), off_(off) {
    if (off > d.size()) fail();
  }
  bool ok() const { return ok_; }
  size_t off() const { return off_; }
  bool atEnd() const { return off_ >= d_.size(); }

  uint64_t fixed(unsigned n) {
    if (!need(n)) return 0;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i)
      v |= uint64_t(d_[off_ + i]) << (8 * i);
    off_ += n;
    return v;
  }
  uint64_t uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (!need(1)) return 0;
      uint8_t b = d_[off_++];
      if (shift < 64) v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      if (shift > 70) return fail(), 0; // longer than any 64-bit value
    }
  }
  int64_t sleb() {
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    do {
      if (!need(1)) return 0;
      b = d_[off_++];
      if (shift < 64) v |= uint64_t(b & 0x7f) << shift;
      shift += 7;
      if (shift > 77) return fail(), 0;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) v |= ~uint64_t(0) << shift;
    return int64_t(v);
  }
  std::string_view cstr() {
    size_t end = off_;
    while (end < d_.size() && d_[end] != 0)
      ++end;
    if (end >= d_.size()) return fail(), std::string_view{};
    std::string_view s(reinterpret_cast<const char*>(d_.data() + off_), end - off_);
    off_ = end + 1;
    return s;
  }
  std::span<const uint8_t> bytes(uint64_t n) {
    if (!need(n)) return {};
    auto s = d_.subspan(off_, n);
    off_ += n;
    return s;
  }

private:
  bool need(uint64_t n) {
    if (!ok_ || off_ > d_.size() || n > d_.size() - off_) return fail();
    return true;
  }
  bool fail() {
    ok_ = false;
    return false;
  }
  std::span<const uint8_t> d_;
  size_t off_;
  bool ok_ = true;
};

struct AttrVal {
  At at = At::Name;
  Form form = Form::String;
  uint32_t off = 0; // where the value starts in the symbol's data (relocations sit there)
  uint64_t u = 0;
  int64_t s = 0;
  std::string_view str;
  std::span<const uint8_t> block;
};

struct Die {
  uint32_t off = 0;
  uint64_t code = 0;
  const dwarf::Abbrev* abbrev = nullptr;
  std::vector<AttrVal> attrs;

  const AttrVal* get(At a) const {
    for (const auto& v : attrs)
      if (v.at == a) return &v;
    return nullptr;
  }
  Tag tag() const { return abbrev ? abbrev->tag : Tag::Null; }
};

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

uint32_t clampPc(uint64_t v) {
  return v > UINT32_MAX ? UINT32_MAX : uint32_t(v);
}

// Everything the DIE walk needs about one function.
class DwarfReader {
public:
  DwarfReader(const Object& obj, SymId fn, const dwarf::AbbrevTable& table, bool dwarf5)
      : obj_(obj), fn_(fn), table_(table), dwarf5_(dwarf5) {}

  Expected<FuncVars> run(SymId info) {
    const Symbol& s = obj_.sym(info);
    Cursor cur(s.data);
    auto top = readDie(info, cur);
    if (!top) return std::unexpected(top.error());
    if (top->tag() != Tag::Subprogram)
      return failAt(info, top->off, "expected a subprogram DIE, found abbrev {} ({})", top->code,
                    top->abbrev ? top->abbrev->name : "end of list");
    FuncVars out;
    out.source = VarSource::Dwarf;
    if (const AttrVal* f = top->get(At::DeclFile); f && f->u >= 1 && f->u <= obj_.files.size())
      out.sourceFile = stripFilePrefix(obj_.files[f->u - 1]);
    if (top->abbrev->children) {
      if (auto r = walk(info, cur, 0, nullptr, true, out.vars); !r)
        return std::unexpected(r.error());
    }
    // Abstract and concrete parameters carry no decl_line (Go issue 23374); the function's
    // own line (Go 1.21+) is where they are declared.
    int funcLine = 0;
    if (const AttrVal* l = top->get(At::DeclLine))
      funcLine = int(std::min<uint64_t>(l->u, INT32_MAX));
    if (const AttrVal* ao = top->get(At::AbstractOrigin); ao && !funcLine)
      if (auto abs = referencedDie(info, *ao))
        if (const AttrVal* l = abs->second.get(At::DeclLine))
          funcLine = int(std::min<uint64_t>(l->u, INT32_MAX));
    for (auto& v : out.vars)
      if (v.declLine == 0 && v.role != VarRole::Local) v.declLine = funcLine;
    mergeDuplicates(out.vars);
    std::stable_partition(out.vars.begin(), out.vars.end(),
                          [](const VarInfo& v) { return v.role != VarRole::Local; });
    std::stable_partition(out.vars.begin(), out.vars.end(),
                          [](const VarInfo& v) { return v.role == VarRole::Param; });
    return out;
  }

  // Optimised code can describe one variable twice (a result moved to the heap gets a second,
  // location-less DIE). One entry per variable: later duplicates give their pieces to the first.
  static void mergeDuplicates(std::vector<VarInfo>& vars) {
    std::vector<VarInfo> out;
    for (auto& v : vars) {
      auto same = std::find_if(out.begin(), out.end(), [&](const VarInfo& o) {
        return o.name == v.name && o.role == v.role && o.type == v.type && o.declLine == v.declLine;
      });
      if (same == out.end()) {
        out.push_back(std::move(v));
        continue;
      }
      for (auto& l : v.locations)
        same->locations.push_back(std::move(l));
    }
    vars = std::move(out);
  }

  static std::string stripFilePrefix(std::string_view f) {
    if (f.starts_with("gofile..")) f.remove_prefix(8);
    return std::string(f);
  }

private:
  template <class... Args>
  std::unexpected<Error> failAt(SymId sym, uint64_t off, fmt::format_string<Args...> f,
                                Args&&... args) const {
    return fail("{}: {}: DWARF {} +{:#x}: {}", obj_.path, obj_.displayName(fn_), symLabel(sym), off,
                fmt::format(f, std::forward<Args>(args)...));
  }

  std::string symLabel(SymId sym) const {
    const Symbol& s = obj_.sym(sym);
    if (!s.name.empty()) return s.name;
    const auto& fi = obj_.sym(fn_).func;
    if (fi) {
      if (sym == fi->dwarfInfo) return "info";
      if (sym == fi->dwarfLoc) return "loc";
      if (sym == fi->dwarfRanges) return "ranges";
    }
    return fmt::format("symbol #{}", sym);
  }

  Expected<Die> readDie(SymId sym, Cursor& cur) const {
    Die d;
    d.off = uint32_t(cur.off());
    d.code = cur.uleb();
    if (!cur.ok()) return failAt(sym, d.off, "truncated abbrev code");
    if (d.code == 0) return d;
    if (d.code >= table_.byCode.size() || table_.byCode[d.code].tag == Tag::Null)
      return failAt(sym, d.off, "abbrev code {} is not in the {} table", d.code, table_.name);
    d.abbrev = &table_.byCode[d.code];
    for (const auto& af : d.abbrev->attrs) {
      AttrVal v;
      v.at = af.at;
      v.form = dwarf::expandForm(af.form, obj_.header.goos, dwarf5_);
      v.off = uint32_t(cur.off());
      switch (v.form) {
      case Form::Addr:
      case Form::Data8:
      case Form::Ref8:
        v.u = cur.fixed(8);
        break;
      case Form::Data4:
      case Form::Ref4:
      case Form::RefAddr:
      case Form::SecOffset:
      case Form::Strp:
        v.u = cur.fixed(4);
        break;
      case Form::Data2:
      case Form::Ref2:
        v.u = cur.fixed(2);
        break;
      case Form::Data1:
      case Form::Ref1:
      case Form::Flag:
        v.u = cur.fixed(1);
        break;
      case Form::FlagPresent:
        v.u = 1;
        break;
      case Form::Udata:
      case Form::RefUdata:
        v.u = cur.uleb();
        break;
      case Form::Sdata:
        v.s = cur.sleb();
        v.u = uint64_t(v.s);
        break;
      case Form::String:
        v.str = cur.cstr();
        break;
      case Form::Block1:
        v.block = cur.bytes(cur.fixed(1));
        break;
      case Form::Block2:
        v.block = cur.bytes(cur.fixed(2));
        break;
      case Form::Block4:
        v.block = cur.bytes(cur.fixed(4));
        break;
      case Form::Block:
      case Form::Exprloc:
        v.block = cur.bytes(cur.uleb());
        break;
      case Form::Addrx: {
        auto width = addrxWidth(sym, v.off);
        if (!width) return std::unexpected(width.error());
        if (*width) {
          cur.bytes(*width); // zeros the linker turns into the .debug_addr index
        } else {
          v.u = cur.uleb();
        }
        break;
      }
      case Form::Indirect:
      case Form::UdataPseudo:
      case Form::LoPcPseudo:
      case Form::HiPcPseudo:
        return failAt(sym, v.off, "form {} is not supported", dwarf::formName(v.form));
      }
      if (!cur.ok())
        return failAt(sym, v.off, "truncated {} attribute {:#x} of {} DIE", dwarf::formName(v.form),
                      unsigned(v.at), d.abbrev->name);
      d.attrs.push_back(v);
    }
    return d;
  }

  // Children up to and including the 0 that ends them. `collect` is false inside inlined calls.
  Expected<void> walk(SymId sym, Cursor& cur, int depth, const Ranges* scope, bool collect,
                      std::vector<VarInfo>& out) {
    if (depth > kMaxNesting)
      return failAt(sym, cur.off(), "DIEs nested deeper than {}", kMaxNesting);
    for (;;) {
      if (cur.atEnd()) return failAt(sym, cur.off(), "DIE list ends without its terminator");
      auto d = readDie(sym, cur);
      if (!d) return std::unexpected(d.error());
      if (d->code == 0) return {};
      Tag tag = d->tag();
      if (collect && (tag == Tag::Variable || tag == Tag::FormalParameter)) {
        auto v = makeVar(sym, *d, scope);
        if (!v) return std::unexpected(v.error());
        out.push_back(std::move(*v));
      }
      if (!d->abbrev->children) continue;
      Ranges blockRanges;
      const Ranges* inner = scope;
      bool innerCollect = collect && tag == Tag::LexicalBlock;
      if (tag == Tag::LexicalBlock && collect) {
        auto r = rangesOf(sym, *d);
        if (!r) return std::unexpected(r.error());
        blockRanges = std::move(*r);
        if (!blockRanges.empty()) inner = &blockRanges;
      }
      if (auto r = walk(sym, cur, depth + 1, inner, innerCollect, out); !r) return r;
    }
  }

  // The width of an addrx slot: the compiler writes R_DWTXTADDR_Ux with x zero bytes (Go 1.25+
  // obj.LSym.WriteDwTxtAddrx; x from the package's function count), which a ULEB reader would
  // take for one byte. 0 when no relocation sits there (a real ULEB index).
  Expected<unsigned> addrxWidth(SymId sym, uint32_t off) const {
    const Reloc* r = relocAt(obj_.sym(sym), off);
    if (!r) return 0u;
    if (r->kind != RelocKind::DwarfTextAddr || r->size < 1 || r->size > 4)
      return failAt(sym, off, "addrx slot has relocation {} of size {}, not R_DWTXTADDR_U1..U4",
                    relocName(r->kind), r->size);
    return unsigned(r->size);
  }

  // The pc offset from the function entry that an addrx slot names: its R_DWTXTADDR_Ux must
  // point at this function (lists and DIEs are relative to it).
  Expected<uint64_t> addrxPc(SymId sym, uint32_t off) const {
    const Reloc* r = relocAt(obj_.sym(sym), off);
    if (!r || r->kind != RelocKind::DwarfTextAddr)
      return failAt(sym, off, "addrx without an R_DWTXTADDR relocation");
    if (r->sym != fn_)
      return failAt(sym, off, "addrx names {}, not the function",
                    r->sym < obj_.symbols.size() ? obj_.displayName(r->sym) : "no symbol");
    return uint64_t(r->add);
  }

  const Reloc* relocAt(const Symbol& s, uint32_t off) const {
    for (const auto& r : s.relocs)
      if (uint32_t(r.off) == off && r.size > 0) return &r;
    return nullptr;
  }

  // The DIE a ref_addr points at, when it lies in a symbol of this object we have data for.
  std::optional<std::pair<SymId, Die>> referencedDie(SymId sym, const AttrVal& a) const {
    const Reloc* r = relocAt(obj_.sym(sym), a.off);
    if (!r || r->sym == kNoSym || r->sym >= obj_.symbols.size()) return std::nullopt;
    const Symbol& t = obj_.sym(r->sym);
    if (!t.defined() || t.data.empty() || r->add < 0) return std::nullopt;
    Cursor cur(t.data, size_t(r->add));
    if (!cur.ok()) return std::nullopt;
    auto d = readDie(r->sym, cur);
    if (!d || d->code == 0) return std::nullopt;
    return std::pair{r->sym, std::move(*d)};
  }

  // Type refs are R_DWARFSECREF to `go.info.<type>` (`go:info.<type>` from Go 1.21); the
  // linker makes those DIEs, so the name is all we get. A ref into a DWARF symbol we hold
  // (a generic function's dictionary typedef) is followed to its own type.
  std::string typeOf(SymId sym, const AttrVal& a, int chain = 0) const {
    const Reloc* r = relocAt(obj_.sym(sym), a.off);
    if (!r || r->sym == kNoSym || r->sym >= obj_.symbols.size()) return "";
    std::string_view n = obj_.sym(r->sym).name;
    for (std::string_view p : {"go.info.", "go:info."})
      if (n.starts_with(p)) return std::string(n.substr(p.size()));
    if (chain >= kMaxRefChain) return "";
    if (auto ref = referencedDie(sym, a))
      if (const AttrVal* t = ref->second.get(At::Type)) return typeOf(ref->first, *t, chain + 1);
    return "";
  }

  Expected<VarInfo> makeVar(SymId sym, const Die& d, const Ranges* scope) const {
    VarInfo v;
    // Concrete variables (optimised code with inlining) keep name, type and flags in the
    // abstract function's DIE, which the abstract_origin ref points into.
    const Die* named = &d;
    SymId namedSym = sym;
    std::optional<std::pair<SymId, Die>> origin;
    if (const AttrVal* ao = d.get(At::AbstractOrigin)) {
      origin = referencedDie(sym, *ao);
      if (!origin) return failAt(sym, ao->off, "unresolvable abstract_origin");
      named = &origin->second;
      namedSym = origin->first;
    }
    if (const AttrVal* n = named->get(At::Name)) v.name = std::string(n->str);
    if (const AttrVal* t = named->get(At::Type)) v.type = typeOf(namedSym, *t);
    const AttrVal* line = d.get(At::DeclLine);
    if (!line) line = named->get(At::DeclLine);
    if (line) v.declLine = int(std::min<uint64_t>(line->u, INT32_MAX));
    if (d.tag() == Tag::FormalParameter) {
      const AttrVal* out = named->get(At::VariableParameter);
      v.role = out && out->u ? VarRole::Result : VarRole::Param;
    } else {
      v.role = VarRole::Local;
    }
    if (const AttrVal* loc = d.get(At::Location)) {
      if (loc->form == Form::SecOffset) {
        auto list = locList(sym, *loc);
        if (!list) return std::unexpected(list.error());
        v.locations = std::move(*list);
      } else if (!loc->block.empty()) {
        auto one = expr(sym, loc->off, loc->block);
        if (!one) return std::unexpected(one.error());
        if (*one) {
          if (!scope) {
            v.locations.push_back(**one);
          } else {
            for (auto [lo, hi] : *scope) {
              VarLocation l = **one;
              l.lo = lo, l.hi = hi;
              v.locations.push_back(std::move(l));
            }
          }
        }
      }
    }
    return v;
  }

  // A location expression as Go writes them (cmd/compile/internal/ssa/debug.go): one of
  // call_frame_cfa, fbreg N, regN, regx N per piece, pieces separated by DW_OP_piece size.
  // nullopt: no location we can describe (empty, or an operation Go does not emit).
  Expected<std::optional<VarLocation>> expr(SymId sym, uint64_t where,
                                            std::span<const uint8_t> bytes) const {
    Cursor c(bytes);
    std::vector<VarLocation::Piece> pieces;
    std::optional<VarLocation::Piece> cur;
    bool sawPiece = false;
    while (!c.atEnd()) {
      uint8_t op = uint8_t(c.fixed(1));
      VarLocation::Piece p;
      if (op == 0x9c) { // DW_OP_call_frame_cfa
        p.kind = VarLocation::Kind::CfaOffset;
        cur = p;
      } else if (op == 0x91) { // DW_OP_fbreg; frame_base is call_frame_cfa
        p.kind = VarLocation::Kind::CfaOffset;
        p.offset = c.sleb();
        cur = p;
      } else if (op >= 0x50 && op <= 0x6f) { // DW_OP_reg0..31
        p.kind = VarLocation::Kind::Register;
        p.reg = op - 0x50;
        cur = p;
      } else if (op == 0x90) { // DW_OP_regx
        p.kind = VarLocation::Kind::Register;
        p.reg = int(std::min<uint64_t>(c.uleb(), INT32_MAX));
        cur = p;
      } else if (op == 0x93) { // DW_OP_piece
        sawPiece = true;
        uint64_t size = c.uleb();
        VarLocation::Piece piece = cur.value_or(VarLocation::Piece{});
        piece.known = cur.has_value();
        piece.size = uint32_t(std::min<uint64_t>(size, UINT32_MAX));
        pieces.push_back(piece);
        cur.reset();
      } else {
        return std::optional<VarLocation>{}; // not something Go writes: no location
      }
      if (!c.ok()) return failAt(sym, where, "truncated location expression");
    }
    VarLocation loc;
    if (!sawPiece) {
      if (!cur) return std::optional<VarLocation>{};
      loc.kind = cur->kind, loc.offset = cur->offset, loc.reg = cur->reg;
      return std::optional<VarLocation>{loc};
    }
    if (cur) pieces.push_back(*cur); // a trailing place without its DW_OP_piece
    auto first = std::find_if(pieces.begin(), pieces.end(), [](auto& p) { return p.known; });
    if (first == pieces.end()) return std::optional<VarLocation>{};
    loc.kind = first->kind, loc.offset = first->offset, loc.reg = first->reg;
    loc.pieces = std::move(pieces);
    return std::optional<VarLocation>{loc};
  }

  // The symbol and offset a sec_offset attribute points at (R_DWARFSECREF, Add = offset).
  std::pair<SymId, uint64_t> secTarget(SymId sym, const AttrVal& a, SymId fallback) const {
    if (const Reloc* r = relocAt(obj_.sym(sym), a.off); r && r->sym != kNoSym)
      return {r->sym, uint64_t(r->add)};
    return {fallback, a.u};
  }

  // The list symbol a DW_AT_location/DW_AT_ranges offset names, and a cursor at the offset.
  Expected<std::pair<const Symbol*, Cursor>> openList(SymId listSym, uint64_t off) const {
    if (listSym == kNoSym || listSym >= obj_.symbols.size())
      return failAt(obj_.sym(fn_).func->dwarfInfo, 0, "list reference without a target");
    const Symbol& s = obj_.sym(listSym);
    Cursor cur(s.data, off);
    if (!cur.ok())
      return failAt(listSym, off, "list offset past the end ({:#x} bytes)", s.data.size());
    return std::pair<const Symbol*, Cursor>{&s, cur};
  }

  // Address pairs of a .debug_loc/.debug_ranges list (DWARF 4 style): a base-address entry
  // (start ~0, end R_ADDR to the function), pairs relative to it, and a 0,0 terminator. On
  // darwin there is no base entry and each address is an R_ADDRCUOFF relocation instead.
  template <class OnEntry>
  Expected<void> addressList(SymId listSym, uint64_t off, bool withExpr, OnEntry&& onEntry) const {
    auto opened = openList(listSym, off);
    if (!opened) return std::unexpected(opened.error());
    const Symbol& s = *opened->first;
    Cursor cur = opened->second;
    uint64_t base = 0;
    for (size_t n = 0; n < kMaxListEntries; ++n) {
      uint32_t at = uint32_t(cur.off());
      uint64_t start = cur.fixed(8), end = cur.fixed(8);
      if (!cur.ok()) return failAt(listSym, at, "truncated list entry");
      const Reloc* rs = relocAt(s, at);
      const Reloc* re = relocAt(s, at + 8);
      if (!rs && start == ~uint64_t(0)) {
        base = re ? uint64_t(re->add) : end;
        continue;
      }
      if (!rs && !re && start == 0 && end == 0) return {};
      uint64_t lo = rs ? uint64_t(rs->add) : base + start;
      uint64_t hi = re ? uint64_t(re->add) : base + end;
      std::span<const uint8_t> e;
      if (withExpr) {
        e = cur.bytes(cur.fixed(2));
        if (!cur.ok()) return failAt(listSym, at, "truncated location list expression");
      }
      if (auto r = onEntry(clampPc(lo), clampPc(hi), e, at); !r) return r;
    }
    return failAt(listSym, off, "list has more than {} entries", kMaxListEntries);
  }

  // A DWARF 5 .debug_loclists/.debug_rnglists list as Go writes them (ssa/debug.go
  // PutLocationListDwarf5, dwarf.go PutRngListRanges): a base_addressx entry whose addrx slot
  // is an R_DWTXTADDR_Ux to the function, offset_pair entries (ULEB start and end from it; a
  // location list adds a ULEB length and the expression), and end_of_list. The LLE and RLE
  // codes Go uses are the same numbers (0 end, 1 base_addressx, 4 offset_pair).
  template <class OnEntry>
  Expected<void> list5(SymId listSym, uint64_t off, bool withExpr, OnEntry&& onEntry) const {
    constexpr uint8_t kEnd = 0x00, kBaseAddressx = 0x01, kOffsetPair = 0x04;
    auto opened = openList(listSym, off);
    if (!opened) return std::unexpected(opened.error());
    Cursor cur = opened->second;
    std::optional<uint64_t> base;
    for (size_t n = 0; n < kMaxListEntries; ++n) {
      uint32_t at = uint32_t(cur.off());
      uint8_t kind = uint8_t(cur.fixed(1));
      if (!cur.ok()) return failAt(listSym, at, "list ends without end_of_list");
      if (kind == kEnd) return {};
      if (kind == kBaseAddressx) {
        uint32_t slot = uint32_t(cur.off());
        auto width = addrxWidth(listSym, slot);
        if (!width) return std::unexpected(width.error());
        if (*width == 0) return failAt(listSym, slot, "base_addressx without a relocation");
        cur.bytes(*width);
        auto pc = addrxPc(listSym, slot);
        if (!pc) return std::unexpected(pc.error());
        base = *pc;
      } else if (kind == kOffsetPair) {
        uint64_t start = cur.uleb(), end = cur.uleb();
        std::span<const uint8_t> e;
        if (withExpr) e = cur.bytes(cur.uleb());
        if (!cur.ok()) return failAt(listSym, at, "truncated offset_pair entry");
        if (!base) return failAt(listSym, at, "offset_pair before any base_addressx");
        if (auto r = onEntry(clampPc(*base + start), clampPc(*base + end), e, at); !r) return r;
      } else {
        return failAt(listSym, at, "list entry kind {:#x} is not one Go writes", kind);
      }
      if (!cur.ok()) return failAt(listSym, at, "truncated list entry");
    }
    return failAt(listSym, off, "list has more than {} entries", kMaxListEntries);
  }

  Expected<std::vector<VarLocation>> locList(SymId sym, const AttrVal& a) const {
    const auto& fi = obj_.sym(fn_).func;
    auto [listSym, off] = secTarget(sym, a, fi ? fi->dwarfLoc : kNoSym);
    std::vector<VarLocation> out;
    auto onEntry = [&](uint32_t lo, uint32_t hi, std::span<const uint8_t> e,
                       uint32_t at) -> Expected<void> {
      auto l = expr(listSym, at, e);
      if (!l) return std::unexpected(l.error());
      if (*l && lo < hi) {
        (*l)->lo = lo, (*l)->hi = hi;
        out.push_back(std::move(**l));
      }
      return {};
    };
    auto r =
        dwarf5_ ? list5(listSym, off, true, onEntry) : addressList(listSym, off, true, onEntry);
    if (!r) return std::unexpected(r.error());
    return out;
  }

  // pc ranges of a lexical block: low_pc/high_pc (R_ADDR to the function, Add = pc offset)
  // or a ranges list in the DwarfRanges aux symbol.
  Expected<Ranges> rangesOf(SymId sym, const Die& d) const {
    Ranges out;
    const Symbol& s = obj_.sym(sym);
    auto pc = [&](const AttrVal* a) -> uint64_t {
      const Reloc* r = relocAt(s, a->off);
      return r ? uint64_t(r->add) : a->u;
    };
    const AttrVal* lo = d.get(At::LowPc);
    const AttrVal* hi = d.get(At::HighPc);
    if (lo && hi) {
      uint64_t l = pc(lo);
      if (lo->form == Form::Addrx) {
        auto a = addrxPc(sym, lo->off);
        if (!a) return std::unexpected(a.error());
        l = *a;
      }
      // DWARF 5 high_pc is udata: the length from low_pc.
      uint64_t h = hi->form == Form::Udata ? l + hi->u : pc(hi);
      out.emplace_back(clampPc(l), clampPc(h));
      return out;
    }
    if (const AttrVal* rg = d.get(At::Ranges)) {
      const auto& fi = obj_.sym(fn_).func;
      auto [listSym, off] = secTarget(sym, *rg, fi ? fi->dwarfRanges : kNoSym);
      auto onPair = [&](uint32_t l, uint32_t h, std::span<const uint8_t>,
                        uint32_t) -> Expected<void> {
        out.emplace_back(l, h);
        return {};
      };
      auto r =
          dwarf5_ ? list5(listSym, off, false, onPair) : addressList(listSym, off, false, onPair);
      if (!r) return std::unexpected(r.error());
    }
    return out;
  }

  const Object& obj_;
  SymId fn_;
  const dwarf::AbbrevTable& table_;
  bool dwarf5_; // DWARF 5 forms and lists (usesDwarf5): addrx, loclists, rnglists
};

// How the object's compiler names unnamed and blank parameters and results (DwarfRules).
const DwarfRules& namingRules(const Object& obj) {
  return (obj.profile ? *obj.profile : newestProfile()).dwarf;
}

std::string baseName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

} // namespace

Expected<FuncVars> readDwarfVars(const Object& obj, SymId fn) {
  if (fn >= obj.symbols.size()) return fail("{}: no symbol #{}", obj.path, fn);
  const auto& fi = obj.sym(fn).func;
  if (!fi || fi->dwarfInfo == kNoSym || fi->dwarfInfo >= obj.symbols.size() ||
      obj.sym(fi->dwarfInfo).data.empty())
    return FuncVars{};
  if (!obj.profile)
    return fail("{}: {}: unknown Go version, no DWARF table", obj.path, obj.displayName(fn));
  const dwarf::AbbrevTable* table = dwarf::abbrevTableFor(obj.profile->minor);
  if (!table)
    return failKind(ErrorKind::Unsupported, "{}: {}: no DWARF abbrev table for {}", obj.path,
                    obj.displayName(fn), obj.profile->name);
  return DwarfReader(obj, fn, *table,
                     usesDwarf5(*obj.profile, obj.header.goos, obj.header.experiments))
      .run(fi->dwarfInfo);
}

Expected<FuncVars> readSourceVars(const Object& obj, SymId fn, const std::string& goFile) {
  if (fn >= obj.symbols.size()) return fail("{}: no symbol #{}", obj.path, fn);
  FuncVars out;
  gosrc::FuncRef ref = gosrc::parseFuncSymbol(obj.sym(fn).name);
  if (ref.kind == gosrc::FuncRef::Kind::NoSource) {
    out.warning =
        fmt::format("{} has no declaration in the source ({})", obj.displayName(fn), ref.why);
    return out;
  }
  std::ifstream in(goFile, std::ios::binary);
  if (!in) return fail("{}: cannot read {}", obj.displayName(fn), goFile);
  std::stringstream buf;
  buf << in.rdbuf();
  auto file = gosrc::SourceFile::parse(buf.str());
  const gosrc::FuncDecl* decl = file.find(ref);
  // `(*T).M` for a value method M is the compiler's wrapper: M's signature with a *T receiver.
  std::optional<gosrc::FuncDecl> wrapper;
  if (!decl && ref.kind == gosrc::FuncRef::Kind::Method && ref.recvPointer) {
    gosrc::FuncRef value = ref;
    value.recvPointer = false;
    if (const gosrc::FuncDecl* m = file.find(value); m && m->receiver) {
      wrapper = *m;
      gosrc::TypeNode ptr;
      ptr.kind = gosrc::TypeNode::Kind::Pointer;
      ptr.elem.push_back(std::move(wrapper->receiver->type));
      wrapper->receiver->type = std::move(ptr);
      wrapper->recvPointer = true;
      if (!namingRules(obj).wrapperReceiver.empty())
        wrapper->receiver->name = std::string(namingRules(obj).wrapperReceiver);
      decl = &*wrapper;
    }
  }
  if (!decl) {
    out.warning = fmt::format("{} not found in {}", obj.displayName(fn), goFile);
    return out;
  }

  const DwarfRules& rule = namingRules(obj);
  std::vector<const gosrc::Param*> all;
  if (decl->receiver) all.push_back(&*decl->receiver);
  for (const auto& p : decl->params)
    all.push_back(&p);
  size_t nIn = all.size();
  for (const auto& r : decl->results)
    all.push_back(&r);

  bool abi0 = obj.profile && obj.profile->abi == Abi::Abi0Only;
  auto offsets = abi0 ? gosrc::abi0Offsets(file, *decl) : std::vector<std::optional<int64_t>>{};
  size_t unnamedResults = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const gosrc::Param& p = *all[i];
    VarInfo v;
    v.role = i < nIn ? VarRole::Param : VarRole::Result;
    v.type = file.typeString(p.type, decl->typeParams);
    v.declLine = p.line;
    bool blank = p.name.empty() || p.name == "_";
    if (!blank) {
      v.name = p.name;
    } else if (v.role == VarRole::Param) {
      v.name = rule.unnamedParam.empty() ? "_" : fmt::format("{}{}", rule.unnamedParam, i);
    } else {
      size_t k = i - nIn;
      size_t index = rule.resultsAfterParams ? decl->params.size() + unnamedResults : k;
      v.name = fmt::format("{}{}", p.name.empty() ? "~r" : rule.blankResult, index);
      ++unnamedResults;
    }
    if (i < offsets.size() && offsets[i])
      v.locations.push_back({0, UINT32_MAX, VarLocation::Kind::CfaOffset, *offsets[i], -1, {}});
    out.vars.push_back(std::move(v));
  }
  out.source = VarSource::GoSource;
  out.sourceFile = goFile;
  return out;
}

std::vector<std::string> sourceCandidates(const Object& obj, SymId fn,
                                          const std::vector<std::string>& sourceDirs) {
  namespace fs = std::filesystem;
  std::vector<std::string> recorded;
  auto addFiles = [&](const FuncInfo& fi, bool entryFirst) {
    if (entryFirst) {
      auto idx = PcTable::decode(fi.pcfile).lookup(0);
      if (idx && *idx >= 0 && size_t(*idx) < fi.files.size()) recorded.push_back(fi.files[*idx]);
    }
    for (const auto& f : fi.files)
      if (f.ends_with(".go")) recorded.push_back(f);
  };
  if (fn < obj.symbols.size())
    if (const auto& fi = obj.sym(fn).func) addFiles(*fi, true);
  // Wrappers are `<autogenerated>`: their methods come from the package's other files.
  if (std::none_of(recorded.begin(), recorded.end(), [](auto& f) { return f.ends_with(".go"); })) {
    for (const auto& f : obj.files)
      if (f.ends_with(".go")) recorded.push_back(f);
    for (const auto& s : obj.symbols)
      if (s.isText() && s.defined() && s.func) addFiles(*s.func, false);
  }
  fs::path objDir = fs::path(obj.path).parent_path();
  std::vector<std::string> bases;
  std::vector<fs::path> tries;
  for (auto& r : recorded) {
    std::string f = r.starts_with("gofile..") ? r.substr(8) : r;
    if (f.empty() || f.starts_with("<")) continue;
    fs::path p(f);
    tries.push_back(p.is_absolute() ? p : objDir / p);
    bases.push_back(baseName(f));
  }
  if (bases.empty()) bases.push_back(fs::path(obj.path).stem().string() + ".go");
  for (const auto& b : bases)
    tries.push_back(objDir / b);
  for (const auto& d : sourceDirs)
    for (const auto& b : bases)
      tries.push_back(fs::path(d) / b);

  std::vector<std::string> out;
  std::vector<fs::path> seen;
  for (const auto& p : tries) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) continue;
    fs::path canon = fs::weakly_canonical(p, ec);
    if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    out.push_back(p.string());
  }
  return out;
}

FuncVars functionVars(const Object& obj, SymId fn, const std::vector<std::string>& sourceDirs) {
  std::string warning;
  auto d = readDwarfVars(obj, fn);
  if (d && d->source == VarSource::Dwarf) return *d;
  if (!d) warning = "DWARF unreadable: " + d.error().message;

  auto join = [](std::string a, const std::string& b) {
    if (b.empty()) return a;
    return a.empty() ? b : a + "; " + b;
  };
  if (fn < obj.symbols.size() &&
      gosrc::parseFuncSymbol(obj.sym(fn).name).kind == gosrc::FuncRef::Kind::NoSource) {
    auto r = readSourceVars(obj, fn, "");
    FuncVars none;
    none.warning = join(warning, r ? r->warning : r.error().message);
    return none;
  }
  auto candidates = sourceCandidates(obj, fn, sourceDirs);
  for (const auto& path : candidates) {
    auto r = readSourceVars(obj, fn, path);
    if (r && r->source == VarSource::GoSource) {
      r->warning = warning;
      return *r;
    }
    warning = join(warning, r ? r->warning : r.error().message);
  }
  FuncVars none;
  none.warning = candidates.empty() ? join(warning, "no Go source found") : warning;
  return none;
}

std::string_view roleName(VarRole r) {
  switch (r) {
  case VarRole::Param:
    return "param";
  case VarRole::Result:
    return "result";
  case VarRole::Local:
    return "local";
  }
  return "?";
}

std::string_view sourceName(VarSource s) {
  switch (s) {
  case VarSource::Dwarf:
    return "dwarf";
  case VarSource::GoSource:
    return "source";
  case VarSource::None:
    return "none";
  }
  return "?";
}

} // namespace gd::loader
