// `go tool objdump OBJECT`, reproduced byte for byte (cmd/internal/objfile/disasm.go and
// goobj.go of each release): which symbols are listed and under what names, the address space
// (file offsets for Go 1.15, object offsets later), file:line from the pc tables, relocation
// annotations, and the tab-writer layout.
#include "loader/objdump.h"

#include <algorithm>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "loader/disasm.h"
#include "loader/tabwriter.h"

namespace gd::loader {
namespace {

constexpr uint16_t kAbiStatic = 0xFFFF;

// A symbol as objdump's symbol table holds it (objfile.Sym).
struct ListedSym {
  std::string name;
  uint64_t addr = 0;
  uint64_t size = 0;
  SymId id = kNoSym;
};

// pcValue of goobj.go: the value at `target` (an offset from the entry), -1 when the table
// ends first. Like Go, a zero value delta ends the table only after the pc has moved.
int32_t pcValue(std::span<const uint8_t> tab, uint64_t target) {
  size_t pos = 0;
  auto uvarint = [&](uint32_t& v) {
    v = 0;
    for (uint32_t shift = 0;; shift += 7) {
      if (pos >= tab.size()) return false;
      uint8_t b = tab[pos++];
      if (shift < 32) v |= uint32_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
  };
  int32_t val = -1;
  uint64_t pc = 0;
  while (true) {
    bool first = pc == 0;
    uint32_t uv, pcDelta;
    if (!uvarint(uv) || (uv == 0 && !first) || !uvarint(pcDelta)) return -1;
    int32_t delta = (uv & 1) ? int32_t(~(uv >> 1)) : int32_t(uv >> 1);
    pc += pcDelta;
    val += delta;
    if (target < pc) return val;
  }
}

// filepath.Base as disasm.go's base(): the text after the last '/' and then the last '\'.
std::string_view baseName(std::string_view path) {
  if (size_t k = path.rfind('/'); k != std::string_view::npos) path.remove_prefix(k + 1);
  if (size_t k = path.rfind('\\'); k != std::string_view::npos) path.remove_prefix(k + 1);
  return path;
}

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t k = s.find(from); k != std::string::npos; k = s.find(from, k + to.size()))
    s.replace(k, from.size(), to);
  return s;
}

std::string hexBytes(std::span<const uint8_t> b) {
  std::string s;
  s.reserve(b.size() * 2);
  for (uint8_t c : b) fmt::format_to(std::back_inserter(s), "{:02x}", c);
  return s;
}

class Printer {
public:
  explicit Printer(const Object& obj)
      : obj_(obj), minor_(obj.profile ? obj.profile->minor : kLatestGoMinor) {
    listSymbols();
  }

  void print(const std::optional<std::regex>& filter, std::ostream& out) {
    TabWriter tw(out, 18, 8, 1, '\t', TabWriter::StripEscape);
    bool printed = false;
    for (const ListedSym& ls : syms_) {
      if (!obj_.sym(ls.id).isText()) continue;
      if (filter && !std::regex_search(ls.name, *filter)) continue;
      if (printed) out << '\n';
      printed = true;
      printSymbol(ls, tw, out);
    }
  }

private:
  // Go 1.15 objdump prints file offsets; later releases offsets within the object.
  uint64_t addrOf(const Symbol& s) const {
    return (minor_ <= 15 ? obj_.baseOffset : 0) + s.dataOffset;
  }

  // Defined symbols as goobj.go lists them: static ones get `<1>`, and Go 1.15 shows the
  // package placeholder `"".` as `%22%22.`.
  std::string listedName(const Symbol& s) const {
    std::string name = minor_ <= 15 ? replaceAll(s.name, "\"\".", "%22%22.") : s.name;
    if (s.abi == kAbiStatic) name += "<1>";
    return name;
  }

  // A relocation target as resolveSymRef names it (never escaped): from Go 1.16 builtins carry
  // their ABI and static symbols `<1>`; Go 1.15 prints the bare name.
  std::string targetName(SymId id) const {
    if (id == kNoSym || id >= obj_.symbols.size()) return {};
    const Symbol& s = obj_.sym(id);
    if (minor_ <= 15) return s.name;
    if (s.origin == SymOrigin::Builtin && s.abi != 0) return fmt::format("{}<{}>", s.name, s.abi);
    if (s.defined() && s.abi == kAbiStatic) return s.name + "<1>";
    return s.name;
  }

  void listSymbols() {
    for (SymId id = 0; id < obj_.symbols.size(); id++) {
      const Symbol& s = obj_.sym(id);
      if (!s.defined() || s.origin == SymOrigin::Synthetic || s.name.empty()) continue;
      syms_.push_back({listedName(s), addrOf(s), s.size, id});
    }
    // Undefined symbols sit at address 0 in Go's table and can never be found by lookup.
    std::stable_sort(syms_.begin(), syms_.end(),
                     [](const ListedSym& a, const ListedSym& b) { return a.addr < b.addr; });
  }

  // disasm.go's lookup: the symbol containing addr, found by binary search.
  std::optional<SymbolHit> lookup(uint64_t addr) const {
    auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                               [](uint64_t a, const ListedSym& s) { return a < s.addr; });
    if (it == syms_.begin()) return std::nullopt;
    const ListedSym& s = *std::prev(it);
    if (s.addr != 0 && s.addr <= addr && addr < s.addr + s.size) return SymbolHit{s.name, s.addr};
    return std::nullopt;
  }

  // PCToLine of goobj.go: the first function (in object order) covering pc.
  std::pair<std::string, int> pcToLine(uint64_t pc) const {
    for (const Symbol& s : obj_.symbols) {
      if (!s.defined() || s.origin == SymOrigin::Synthetic) continue;
      uint64_t addr = addrOf(s);
      if (minor_ <= 15) {
        // Go 1.15 matches on the stored data and gives up at the first match without FuncInfo.
        if (s.name.empty() || pc < addr || pc >= addr + s.data.size()) continue;
        if (!s.func) return {"", 0};
      } else if (pc < addr || pc >= addr + s.size || !s.func) {
        continue;
      }
      const FuncInfo& f = *s.func;
      int32_t line = pcValue(f.pcline, pc - addr);
      int32_t file = pcValue(f.pcfile, pc - addr);
      std::string name = file >= 0 && size_t(file) < f.files.size() ? f.files[file] : "";
      return {name, line};
    }
    return {"", 0};
  }

  // goobjReloc.String: offsets relative to the instruction holding the relocation.
  std::string relocString(const Reloc& r, uint64_t insnOffset) const {
    int64_t delta = int64_t(r.off) - int64_t(insnOffset);
    std::string type;
    if (minor_ > 15 && (r.rawType & 0x8000)) type = fmt::format("RelocType({})", int16_t(r.rawType));
    else if (r.kind == RelocKind::Unknown) type = fmt::format("RelocType({})", r.rawType);
    else type = relocName(r.kind);
    std::string s = fmt::format("[{}:{}]{}", delta, delta + r.size, type);
    std::string target = targetName(r.sym);
    if (!target.empty()) return r.add != 0 ? fmt::format("{}:{}+{}", s, target, r.add)
                                           : fmt::format("{}:{}", s, target);
    return r.add != 0 ? fmt::format("{}:{}", s, r.add) : s;
  }

  void printSymbol(const ListedSym& ls, TabWriter& tw, std::ostream& out) const {
    const Symbol& s = obj_.sym(ls.id);
    tw.flush(); // nothing pending; keeps the TEXT line after earlier output
    out << fmt::format("TEXT {}(SB) {}\n", ls.name, pcToLine(ls.addr).first);

    SymbolLookup look = [this](uint64_t a) { return lookup(a); };
    std::span<const uint8_t> code(s.data);
    code = code.first(std::min<size_t>(code.size(), ls.size));
    size_t nextReloc = 0;
    for (uint64_t off = 0; off < code.size();) {
      uint64_t pc = ls.addr + off;
      Instruction in = disassemble(code.subspan(off), pc, Syntax::Go, look, minor_);
      size_t size = in.length == 0 ? 1 : in.length;
      std::string text = in.text;
      const char* sep = "\t";
      while (nextReloc < s.relocs.size()) {
        const Reloc& r = s.relocs[nextReloc];
        uint64_t relocAddr = ls.addr + uint64_t(int64_t(r.off));
        if (relocAddr >= pc + size) break;
        text += sep + relocString(r, off);
        sep = " ";
        nextReloc++;
      }
      auto [file, line] = pcToLine(pc);
      tw.write(fmt::format("  {}:{}\t{:#x}\t{}\t{}\t\n", baseName(file), line, pc,
                           hexBytes(code.subspan(off, size)), text));
      off += size;
    }
    tw.flush();
  }

  const Object& obj_;
  int minor_;
  std::vector<ListedSym> syms_; // sorted by address
};

} // namespace

Expected<void> printObjdump(const Object& obj, const ObjdumpOptions& opts, std::ostream& out) {
  std::optional<std::regex> filter;
  if (opts.symbolRegex) {
    try {
      filter.emplace(*opts.symbolRegex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return failKind(ErrorKind::Usage, "invalid -s regexp {:?}: {}", *opts.symbolRegex,
                      e.what());
    }
  }
  Printer(obj).print(filter, out);
  return {};
}

} // namespace gd::loader
