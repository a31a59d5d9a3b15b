// `go tool objdump OBJECT`, reproduced byte for byte (cmd/internal/objfile/disasm.go and
// goobj.go of each release): which symbols are listed and under what names, the address space
// (file offsets for Go 1.15, object offsets later), file:line from the pc tables, relocation
// annotations, and the tab-writer layout.
#include "loader/objdump.h"

#include <algorithm>
#include <array>
#include <regex>
#include <set>

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
  for (uint8_t c : b)
    fmt::format_to(std::back_inserter(s), "{:02x}", c);
  return s;
}

// ----------------------------------------------------------------------------------------------
// Go's sort.Sort / slices.SortFunc, step for step. objdump sorts its symbol table by address
// with an unstable sort, so symbols sharing an address (empty functions, zero-size data) end up
// in the order these exact algorithms leave them, which decides both the order of TEXT blocks
// and which symbol a lookup finds.

template <class T, class Less> class GoSort {
public:
  GoSort(std::vector<T>& v, Less less) : v_(v), less_(less) {}

  // sort.Sort of Go 1.19-1.23 and slices.SortFunc of Go 1.24: pattern-defeating quicksort.
  // The pattern breaker's xorshift shifts changed from 13/17/5 to 13/7/17 in Go 1.24.
  void pdqsort(SymbolSort variant) {
    xorshift_ = variant == SymbolSort::Pdq13_7_17 ? std::array{13, 7, 17} : std::array{13, 17, 5};
    int n = int(v_.size());
    if (n > 1) pdq(0, n, bitLen(uint64_t(n)));
  }
  // sort.Sort of Go 1.15: introsort with median-of-three pivots.
  void quickSort() { quick(0, int(v_.size()), maxDepth(int(v_.size()))); }

private:
  bool less(int i, int j) const { return less_(v_[size_t(i)], v_[size_t(j)]); }
  void swap(int i, int j) { std::swap(v_[size_t(i)], v_[size_t(j)]); }
  static int bitLen(uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }
  static int maxDepth(int n) {
    int depth = 0;
    for (int i = n; i > 0; i >>= 1)
      depth++;
    return depth * 2;
  }

  void insertionSort(int a, int b) {
    for (int i = a + 1; i < b; i++)
      for (int j = i; j > a && less(j, j - 1); j--)
        swap(j, j - 1);
  }

  void siftDown(int lo, int hi, int first) {
    int root = lo;
    while (true) {
      int child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && less(first + child, first + child + 1)) child++;
      if (!less(first + root, first + child)) return;
      swap(first + root, first + child);
      root = child;
    }
  }

  void heapSort(int a, int b) {
    int first = a, hi = b - a;
    for (int i = (hi - 1) / 2; i >= 0; i--)
      siftDown(i, hi, first);
    for (int i = hi - 1; i >= 0; i--) {
      swap(first, first + i);
      siftDown(0, i, first);
    }
  }

  // --- pdqsort (sort/zsortinterface.go) ---
  enum Hint { Unknown, Increasing, Decreasing };

  void pdq(int a, int b, int limit) {
    constexpr int maxInsertion = 12;
    bool wasBalanced = true, wasPartitioned = true;
    while (true) {
      int length = b - a;
      if (length <= maxInsertion) {
        insertionSort(a, b);
        return;
      }
      if (limit == 0) {
        heapSort(a, b);
        return;
      }
      if (!wasBalanced) {
        breakPatterns(a, b);
        limit--;
      }
      auto [pivot, hint] = choosePivot(a, b);
      if (hint == Decreasing) {
        reverseRange(a, b);
        pivot = (b - 1) - (pivot - a);
        hint = Increasing;
      }
      if (wasBalanced && wasPartitioned && hint == Increasing && partialInsertionSort(a, b)) return;
      if (a > 0 && !less(a - 1, pivot)) {
        a = partitionEqual(a, b, pivot);
        continue;
      }
      auto [mid, alreadyPartitioned] = partition(a, b, pivot);
      wasPartitioned = alreadyPartitioned;
      int leftLen = mid - a, rightLen = b - mid, balanceThreshold = length / 8;
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= balanceThreshold;
        pdq(a, mid, limit);
        a = mid + 1;
      } else {
        wasBalanced = rightLen >= balanceThreshold;
        pdq(mid + 1, b, limit);
        b = mid;
      }
    }
  }

  std::pair<int, bool> partition(int a, int b, int pivot) {
    swap(a, pivot);
    int i = a + 1, j = b - 1;
    while (i <= j && less(i, a))
      i++;
    while (i <= j && !less(j, a))
      j--;
    if (i > j) {
      swap(j, a);
      return {j, true};
    }
    swap(i, j);
    i++;
    j--;
    while (true) {
      while (i <= j && less(i, a))
        i++;
      while (i <= j && !less(j, a))
        j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    swap(j, a);
    return {j, false};
  }

  int partitionEqual(int a, int b, int pivot) {
    swap(a, pivot);
    int i = a + 1, j = b - 1;
    while (true) {
      while (i <= j && !less(a, i))
        i++;
      while (i <= j && less(a, j))
        j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    return i;
  }

  bool partialInsertionSort(int a, int b) {
    constexpr int maxSteps = 5, shortestShifting = 50;
    int i = a + 1;
    for (int step = 0; step < maxSteps; step++) {
      while (i < b && !less(i, i - 1))
        i++;
      if (i == b) return true;
      if (b - a < shortestShifting) return false;
      swap(i, i - 1);
      if (i - a >= 2) {
        for (int j = i - 1; j >= 1; j--) {
          if (!less(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
      if (b - i >= 2) {
        for (int j = i + 1; j < b; j++) {
          if (!less(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
    }
    return false;
  }

  void breakPatterns(int a, int b) {
    int length = b - a;
    if (length < 8) return;
    uint64_t random = uint64_t(length); // xorshift seeded with the length
    uint64_t modulus = uint64_t(1) << bitLen(uint64_t(length));
    for (int idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
      random ^= random << xorshift_[0];
      random ^= random >> xorshift_[1];
      random ^= random << xorshift_[2];
      int other = int(random & (modulus - 1));
      if (other >= length) other -= length;
      swap(idx, a + other);
    }
  }

  std::pair<int, Hint> choosePivot(int a, int b) {
    constexpr int shortestNinther = 50, maxSwaps = 4 * 3;
    int l = b - a, swaps = 0;
    int i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
    if (l >= 8) {
      if (l >= shortestNinther) {
        i = median(i - 1, i, i + 1, swaps);
        j = median(j - 1, j, j + 1, swaps);
        k = median(k - 1, k, k + 1, swaps);
      }
      j = median(i, j, k, swaps);
    }
    if (swaps == 0) return {j, Increasing};
    if (swaps == maxSwaps) return {j, Decreasing};
    return {j, Unknown};
  }

  int median(int a, int b, int c, int& swaps) {
    auto order2 = [&](int& x, int& y) {
      if (less(y, x)) {
        swaps++;
        std::swap(x, y);
      }
    };
    order2(a, b);
    order2(b, c);
    order2(a, b);
    return b;
  }

  void reverseRange(int a, int b) {
    for (int i = a, j = b - 1; i < j; i++, j--)
      swap(i, j);
  }

  // --- quickSort (Go 1.15 sort/sort.go) ---
  void medianOfThree(int m1, int m0, int m2) {
    if (less(m1, m0)) swap(m1, m0);
    if (less(m2, m1)) {
      swap(m2, m1);
      if (less(m1, m0)) swap(m1, m0);
    }
  }

  std::pair<int, int> doPivot(int lo, int hi) {
    int m = int(unsigned(lo + hi) >> 1);
    if (hi - lo > 40) {
      int s = (hi - lo) / 8;
      medianOfThree(lo, lo + s, lo + 2 * s);
      medianOfThree(m, m - s, m + s);
      medianOfThree(hi - 1, hi - 1 - s, hi - 1 - 2 * s);
    }
    medianOfThree(lo, m, hi - 1);
    int pivot = lo, a = lo + 1, c = hi - 1;
    for (; a < c && less(a, pivot); a++) {
    }
    int b = a;
    while (true) {
      for (; b < c && !less(pivot, b); b++) {
      }
      for (; b < c && less(pivot, c - 1); c--) {
      }
      if (b >= c) break;
      swap(b, c - 1);
      b++;
      c--;
    }
    bool protect = hi - c < 5;
    if (!protect && hi - c < (hi - lo) / 4) {
      int dups = 0;
      if (!less(pivot, hi - 1)) {
        swap(c, hi - 1);
        c++;
        dups++;
      }
      if (!less(b - 1, pivot)) {
        b--;
        dups++;
      }
      if (!less(m, pivot)) {
        swap(m, b - 1);
        b--;
        dups++;
      }
      protect = dups > 1;
    }
    if (protect) {
      while (true) {
        for (; a < b && !less(b - 1, pivot); b--) {
        }
        for (; a < b && less(a, pivot); a++) {
        }
        if (a >= b) break;
        swap(a, b - 1);
        a++;
        b--;
      }
    }
    swap(pivot, b - 1);
    return {b - 1, c};
  }

  void quick(int a, int b, int depth) {
    while (b - a > 12) {
      if (depth == 0) {
        heapSort(a, b);
        return;
      }
      depth--;
      auto [mlo, mhi] = doPivot(a, b);
      if (mlo - a < b - mhi) {
        quick(a, mlo, depth);
        a = mhi;
      } else {
        quick(mhi, b, depth);
        b = mlo;
      }
    }
    if (b - a > 1) {
      for (int i = a + 6; i < b; i++)
        if (less(i, i - 6)) swap(i, i - 6);
      insertionSort(a, b);
    }
  }

  std::vector<T>& v_;
  Less less_;
  std::array<int, 3> xorshift_{};
};

// regexp.MatchString: anywhere in the name. A pattern too costly for std::regex matches nothing.
bool matches(const std::regex& re, const std::string& name) {
  try {
    return std::regex_search(name, re);
  } catch (const std::regex_error&) {
    return false;
  }
}

class Printer {
public:
  explicit Printer(const Object& obj)
      : obj_(obj), prof_(obj.profile ? *obj.profile : newestProfile()), x86asm_(prof_.x86asm) {
    listSymbols();
    indexLineSpans();
  }

  void print(const std::optional<std::regex>& filter, Syntax syntax, std::ostream& out) {
    syntax_ = syntax;
    TabWriter tw(out, 18, 8, 1, '\t', TabWriter::StripEscape);
    bool printed = false;
    for (const ListedSym& ls : syms_) {
      if (ls.id == kNoSym || !obj_.sym(ls.id).isText()) continue;
      if (filter && !matches(*filter, ls.name)) continue;
      if (printed) out << '\n';
      printed = true;
      printSymbol(ls, tw, out);
    }
  }

private:
  // Go 1.15 objdump prints file offsets; later releases offsets within the object.
  uint64_t addrOf(const Symbol& s) const {
    return (goobj115() ? obj_.baseOffset : 0) + s.dataOffset;
  }

  // Defined symbols as goobj.go lists them: static ones get `<1>`, and Go 1.15 shows the
  // package placeholder `"".` as `%22%22.`.
  std::string escapedName(const Symbol& s) const {
    return goobj115() ? replaceAll(s.name, "\"\".", "%22%22.") : s.name;
  }
  std::string listedName(const Symbol& s) const {
    return s.abi == kAbiStatic ? escapedName(s) + "<1>" : escapedName(s);
  }

  // A relocation target as resolveSymRef names it (never escaped): from Go 1.16 builtins carry
  // their ABI and static symbols `<1>`; Go 1.15 prints the bare name.
  std::string targetName(SymId id) const {
    if (id == kNoSym || id >= obj_.symbols.size()) return {};
    const Symbol& s = obj_.sym(id);
    if (goobj115()) return s.name;
    if (s.origin == SymOrigin::Builtin && s.abi != 0) return fmt::format("{}<{}>", s.name, s.abi);
    // A saved listing keeps the `<1>` it showed as the ABI of a by-name reference.
    if (obj_.source == SourceKind::Listing && s.origin == SymOrigin::NonPkgRef && s.abi == 1)
      return s.name + "<1>";
    if (s.defined() && s.abi == kAbiStatic) return s.name + "<1>";
    return s.name;
  }

  // objfile's symbol table in Go's order: the named defined symbols in object order, then one
  // entry at address 0 per undefined symbol, sorted by address as that release sorts.
  void listSymbols() {
    for (SymId id = 0; id < obj_.symbols.size(); id++) {
      const Symbol& s = obj_.sym(id);
      if (!s.defined() || s.origin == SymOrigin::Synthetic || s.name.empty()) continue;
      syms_.push_back({listedName(s), addrOf(s), s.size, id});
    }
    syms_.resize(syms_.size() + undefinedCount());
    auto byAddr = [](const ListedSym& a, const ListedSym& b) { return a.addr < b.addr; };
    GoSort sorter(syms_, byAddr);
    if (prof_.symbolSort == SymbolSort::IntroSort)
      sorter.quickSort();
    else
      sorter.pdqsort(prof_.symbolSort);
  }

  // How many undefined entries objdump's table has. Go 1.16+: one per Nonpkgref record and one
  // per RefName record (the other-package symbols the object references). Go 1.15: one per
  // distinct relocation target that is not a listed symbol, keyed by raw name and version, so
  // the own package's `"".x` targets count too (the listed names are escaped).
  size_t undefinedCount() const {
    size_t n = 0;
    if (!goobj115()) {
      size_t pkgRefs = 0;
      for (const Symbol& s : obj_.symbols) {
        if (s.origin == SymOrigin::NonPkgRef) n++;
        if (s.origin == SymOrigin::PkgRef) pkgRefs++;
      }
      return n + refNameRecords().value_or(pkgRefs);
    }
    std::set<std::pair<std::string, int>> seen;
    for (const Symbol& s : obj_.symbols)
      if (s.defined() && s.origin != SymOrigin::Synthetic && !s.name.empty())
        seen.insert({escapedName(s), s.abi == kAbiStatic ? 1 : 0});
    for (const Symbol& s : obj_.symbols) {
      if (!s.defined() || s.origin == SymOrigin::Synthetic || s.name.empty()) continue;
      for (const Reloc& r : s.relocs) {
        std::pair<std::string, int> key{"", 0};
        if (r.sym != kNoSym && r.sym < obj_.symbols.size()) {
          const Symbol& t = obj_.sym(r.sym);
          int version = t.origin == SymOrigin::Builtin  ? t.abi
                        : t.origin == SymOrigin::PkgRef ? 0
                        : t.abi == kAbiStatic           ? 1
                                                        : 0;
          key = {t.name, version};
        }
        if (seen.insert(key).second) n++;
      }
    }
    return n;
  }

  // The number of RefName records of a Go 1.16+ object (the loader may create more
  // other-package symbols than there are records, as references to them are met).
  std::optional<size_t> refNameRecords() const {
    if (obj_.source != SourceKind::Object) return std::nullopt;
    return obj_.refNameCount;
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

  // PCToLine of goobj.go answers with the first symbol in object order whose range holds the pc:
  // from Go 1.16 the first function ([addr, addr+size)); in Go 1.15 the first symbol at all
  // ([addr, addr+data length)), giving up when that one has no FuncInfo. The candidate ranges
  // are indexed by start so a function's lookups only consider the ranges overlapping it.
  struct LineSpan {
    uint64_t start, end;
    SymId id; // object order
  };

  void indexLineSpans() {
    for (SymId id = 0; id < obj_.symbols.size(); id++) {
      const Symbol& s = obj_.sym(id);
      if (!s.defined() || s.origin == SymOrigin::Synthetic) continue;
      uint64_t addr = addrOf(s);
      if (goobj115() && !s.name.empty()) lineSpans_.push_back({addr, addr + s.data.size(), id});
      if (!goobj115() && s.func) lineSpans_.push_back({addr, addr + s.size, id});
    }
    std::sort(lineSpans_.begin(), lineSpans_.end(),
              [](const LineSpan& a, const LineSpan& b) { return a.start < b.start; });
    uint64_t maxEnd = 0;
    for (const LineSpan& sp : lineSpans_)
      spanMaxEnd_.push_back(maxEnd = std::max(maxEnd, sp.end));
  }

  // The candidate ranges overlapping [lo, hi).
  std::vector<LineSpan> lineSpansOverlapping(uint64_t lo, uint64_t hi) const {
    std::vector<LineSpan> out;
    auto it = std::lower_bound(lineSpans_.begin(), lineSpans_.end(), hi,
                               [](const LineSpan& sp, uint64_t v) { return sp.start < v; });
    for (size_t i = size_t(it - lineSpans_.begin()); i-- > 0 && spanMaxEnd_[i] > lo;)
      if (lineSpans_[i].end > lo) out.push_back(lineSpans_[i]);
    return out;
  }

  std::pair<std::string, int> pcToLine(const std::vector<LineSpan>& candidates, uint64_t pc) const {
    const LineSpan* first = nullptr;
    for (const LineSpan& sp : candidates)
      if (sp.start <= pc && pc < sp.end && (!first || sp.id < first->id)) first = &sp;
    if (!first || !obj_.sym(first->id).func) return {"", 0};
    const FuncInfo& f = *obj_.sym(first->id).func;
    int32_t line = pcValue(f.pcline, pc - first->start);
    int32_t file = pcValue(f.pcfile, pc - first->start);
    std::string name = file >= 0 && size_t(file) < f.files.size() ? f.files[size_t(file)] : "";
    return {name, line};
  }

  // goobjReloc.String: offsets relative to the instruction holding the relocation.
  std::string relocString(const Reloc& r, uint64_t insnOffset) const {
    int64_t delta = int64_t(r.off) - int64_t(insnOffset);
    std::string type;
    if (!goobj115() && (r.rawType & 0x8000))
      type = fmt::format("RelocType({})", int16_t(r.rawType));
    else if (r.kind == RelocKind::Unknown)
      type = fmt::format("RelocType({})", r.rawType);
    else
      type = relocName(r.kind);
    std::string s = fmt::format("[{}:{}]{}", delta, delta + r.size, type);
    std::string target = targetName(r.sym);
    if (!target.empty())
      return r.add != 0 ? fmt::format("{}:{}+{}", s, target, r.add)
                        : fmt::format("{}:{}", s, target);
    return r.add != 0 ? fmt::format("{}:{}", s, r.add) : s;
  }

  void printSymbol(const ListedSym& ls, TabWriter& tw, std::ostream& out) const {
    const Symbol& s = obj_.sym(ls.id);
    tw.flush(); // nothing pending; keeps the TEXT line after earlier output
    auto spans = lineSpansOverlapping(ls.addr, ls.addr + std::max<uint64_t>(ls.size, 1));
    out << fmt::format("TEXT {}(SB) {}\n", ls.name, pcToLine(spans, ls.addr).first);

    SymbolLookup look = [this](uint64_t a) { return lookup(a); };
    std::span<const uint8_t> code(s.data);
    code = code.first(std::min<size_t>(code.size(), ls.size));
    size_t nextReloc = 0;
    for (uint64_t off = 0; off < code.size();) {
      uint64_t pc = ls.addr + off;
      Instruction in = disassemble(code.subspan(off), pc, syntax_, look, x86asm_);
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
      auto [file, line] = pcToLine(spans, pc);
      tw.write(fmt::format("  {}:{}\t{:#x}\t{}\t{}\t\n", baseName(file), line, pc,
                           hexBytes(code.subspan(off, size)), text));
      off += size;
    }
    tw.flush();
  }

  const Object& obj_;
  const GoProfile& prof_;
  bool goobj115() const { return prof_.objdump == ObjdumpStyle::Goobj115; }
  X86asmRules x86asm_;
  Syntax syntax_ = Syntax::Go;
  std::vector<ListedSym> syms_;      // sorted by address
  std::vector<LineSpan> lineSpans_;  // sorted by start
  std::vector<uint64_t> spanMaxEnd_; // the largest end among lineSpans_[0..i]
};

} // namespace

Expected<void> printObjdump(const Object& obj, const ObjdumpOptions& opts, std::ostream& out) {
  std::optional<std::regex> filter;
  if (opts.symbolRegex) {
    try {
      filter.emplace(*opts.symbolRegex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return failKind(ErrorKind::Usage, "invalid -s regexp {:?}: {}", *opts.symbolRegex, e.what());
    }
  }
  Printer(obj).print(filter, opts.syntax, out);
  return {};
}

} // namespace gd::loader
