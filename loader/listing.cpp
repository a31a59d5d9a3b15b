// A saved `go tool objdump` listing (like the seed, shared/seed/deferr-objdump.txt) as an
// Object: each TEXT block becomes a text symbol with its instruction bytes, its relocations and
// pc-line tables rebuilt from the file:line column. Prose around the listing (a README, a
// Markdown fence) is skipped; anything unreadable inside a TEXT block is an error naming the
// line.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <span>

#include "loader/disasm.h"
#include "loader/goobj.h"
#include "loader/pctab.h"

namespace gd::loader {
namespace {

std::string unescape(std::string_view s) {
  // objdump escapes `"` as %22 in symbol names (cmd/internal/objabi.PathToPrefix).
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size()) {
      unsigned v = 0;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec == std::errc() && p == s.data() + i + 3) {
        out.push_back(char(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::string_view> splitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find('\t', i);
    if (j == std::string_view::npos) j = line.size();
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool parseHex(std::string_view s, uint64_t& v) {
  if (!s.starts_with("0x")) return false;
  auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  return ec == std::errc() && p == s.data() + s.size() && s.size() > 2;
}

bool parseBytes(std::string_view s, std::vector<uint8_t>& out) {
  if (s.empty() || s.size() % 2) return false;
  for (size_t i = 0; i < s.size(); i += 2) {
    unsigned v;
    auto [p, ec] = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
    if (ec != std::errc() || p != s.data() + i + 2) return false;
    out.push_back(uint8_t(v));
  }
  return true;
}

struct PendingReloc {
  int32_t off;
  uint8_t size;
  std::string type, target;
  bool abiInternal;
  int64_t add;
};

// `[5:9]R_TLS_LE`, `[1:5]R_CALL:runtime.deferreturn`, `[3:7]R_PCREL:main.x+8`,
// `[1:5]R_CALL:main.f<1>`.
bool parseReloc(std::string_view s, PendingReloc& r) {
  if (!s.starts_with("[")) return false;
  size_t colon = s.find(':'), close = s.find(']');
  if (colon == std::string_view::npos || close == std::string_view::npos || colon > close)
    return false;
  int a, b;
  if (std::from_chars(s.data() + 1, s.data() + colon, a).ec != std::errc() ||
      std::from_chars(s.data() + colon + 1, s.data() + close, b).ec != std::errc() || b < a)
    return false;
  r.off = a;
  r.size = uint8_t(b - a);
  std::string_view rest = s.substr(close + 1);
  size_t c2 = rest.find(':');
  r.type = std::string(rest.substr(0, c2));
  r.add = 0;
  r.abiInternal = false;
  if (c2 == std::string_view::npos) return !r.type.empty();
  std::string_view target = rest.substr(c2 + 1);
  // A trailing +N (decimal, maybe negative) is the addend.
  size_t plus = target.rfind('+');
  if (plus != std::string_view::npos) {
    int64_t add;
    auto tail = target.substr(plus + 1);
    auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), add);
    if (ec == std::errc() && p == tail.data() + tail.size()) {
      r.add = add;
      target = target.substr(0, plus);
    }
  }
  if (target.ends_with("<1>")) {
    r.abiInternal = true;
    target.remove_suffix(3);
  }
  r.target = unescape(target);
  return true;
}

struct Block {
  std::string name, file;
  size_t line; // listing line of the TEXT header, for messages
  uint64_t start = 0, next = 0;
  std::vector<uint8_t> code;
  std::vector<PendingReloc> relocs;
  std::vector<std::pair<std::string, int32_t>> lines; // per pc range
  std::vector<PcRange> lineRanges, fileRanges;
  std::vector<std::string> files;
};

// "$0x60, SP" -> 0x60
std::optional<int64_t> immediateToSp(const std::string& text, const char* mnemonic) {
  std::string head = std::string(mnemonic) + " $";
  if (!text.starts_with(head) || !text.ends_with(", SP")) return std::nullopt;
  std::string num = text.substr(head.size(), text.size() - head.size() - 4);
  int64_t v = 0;
  bool neg = num.starts_with("-");
  if (neg) num = num.substr(1);
  int base = 10;
  if (num.starts_with("0x")) {
    num = num.substr(2);
    base = 16;
  }
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v, base);
  if (ec != std::errc() || p != num.data() + num.size()) return std::nullopt;
  return neg ? -v : v;
}

// A listing carries no pcsp table; this derives one from the instructions, as the compiler
// would have written it: the depth changes with SUBQ/ADDQ $n, SP and PUSHQ/POPQ; after a RET
// the body's depth applies again (more paths follow); the stack-check trailer (the target of
// the prologue's first forward conditional jump: CALL morestack; JMP entry) runs at depth 0.
std::vector<uint8_t> derivePcsp(std::span<const uint8_t> code, uint64_t base,
                                const X86asmRules& rules) {
  std::vector<PcRange> ranges;
  int64_t depth = 0, body = 0;
  std::optional<uint64_t> trailer;
  bool framed = false;
  for (uint32_t off = 0; off < code.size();) {
    auto insn = disassemble(code.subspan(off), base + off, Syntax::Go, {}, rules);
    if (trailer && base + off >= *trailer) depth = 0;
    ranges.push_back({off, off + insn.length, int32_t(depth)});
    if (!framed && insn.isJump && insn.branchTarget && !insn.text.starts_with("JMP") && !trailer &&
        *insn.branchTarget > base + off)
      trailer = *insn.branchTarget;
    if (auto n = immediateToSp(insn.text, "SUBQ"))
      depth += *n, framed = true;
    else if (auto m = immediateToSp(insn.text, "ADDQ"))
      depth -= *m;
    else if (insn.text.starts_with("PUSHQ"))
      depth += 8, framed = true;
    else if (insn.text.starts_with("POPQ"))
      depth -= 8;
    body = std::max(body, depth);
    if (insn.isRet) depth = body;
    off += insn.length;
  }
  return encodePcTable(ranges);
}

// Guesses the Go generation of a listing from what the compiler of each era writes.
const GoProfile* guessProfile(std::string_view text) {
  bool registerAbi =
      text.find("<1>") != std::string_view::npos || text.find("(R14)") != std::string_view::npos;
  if (!registerAbi) return profileByName("go1.15");
  if (text.find("gofile..") != std::string_view::npos) {
    // Go 1.21's objdump prints the stack check as `CMPQ SP, 0x10(R14)`, 1.19's the other way
    // round; 1.21 also names types `type:`.
    bool is121 = text.find("type:") != std::string_view::npos ||
                 text.find("CMPQ SP, 0x10(R14)") != std::string_view::npos;
    return profileByName(is121 ? "go1.21" : "go1.19");
  }
  return profileByName("go1.22");
}

} // namespace

bool looksLikeListing(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    if (line.starts_with("TEXT ") && line.find("(SB)") != std::string_view::npos) return true;
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return false;
}

namespace {

// One instruction line of a TEXT block: `  file:line\taddress\tbytes\ttext\t[relocations]`.
Expected<void> readInstruction(Block& blk, std::string_view line, size_t lineNo) {
  auto cells = splitTabs(line);
  if (cells.size() < 4)
    return fail("line {}: cannot read instruction line `{}` (want file:line, address, bytes, "
                "text)",
                lineNo, trim(line));
  std::string_view where = trim(cells[0]);
  size_t colon = where.rfind(':');
  int32_t srcLine = 0;
  uint64_t addr = 0;
  std::vector<uint8_t> bytes;
  if (colon == std::string_view::npos ||
      std::from_chars(where.data() + colon + 1, where.data() + where.size(), srcLine).ec !=
          std::errc())
    return fail("line {}: bad file:line `{}`", lineNo, where);
  if (!parseHex(cells[1], addr)) return fail("line {}: bad address `{}`", lineNo, cells[1]);
  if (!parseBytes(cells[2], bytes))
    return fail("line {}: bad instruction bytes `{}`", lineNo, cells[2]);
  if (blk.code.empty()) {
    blk.start = blk.next = addr;
  } else if (addr != blk.next) {
    return fail("line {}: address {:#x} does not follow the previous instruction (want {:#x})",
                lineNo, addr, blk.next);
  }
  uint32_t off = uint32_t(addr - blk.start);
  std::string file(where.substr(0, colon));
  auto fit = std::find(blk.files.begin(), blk.files.end(), file);
  int32_t fileIdx = int32_t(fit - blk.files.begin());
  if (fit == blk.files.end()) blk.files.push_back(file);
  blk.lineRanges.push_back({off, off + uint32_t(bytes.size()), srcLine});
  blk.fileRanges.push_back({off, off + uint32_t(bytes.size()), fileIdx});
  for (size_t k = 4; k < cells.size(); k++) {
    // Several relocations in one cell are separated by single spaces before each `[`.
    std::string_view cell = cells[k];
    while (!cell.empty()) {
      size_t nextRel = cell.find(" [");
      std::string_view one = cell.substr(0, nextRel);
      PendingReloc r;
      if (!parseReloc(trim(one), r))
        return fail("line {}: cannot read relocation `{}`", lineNo, one);
      if (r.off < 0 || size_t(r.off) + r.size > bytes.size())
        return fail("line {}: relocation [{}:{}] outside the {}-byte instruction", lineNo, r.off,
                    r.off + r.size, bytes.size());
      r.off += int32_t(off);
      blk.relocs.push_back(std::move(r));
      cell = nextRel == std::string_view::npos ? std::string_view() : cell.substr(nextRel + 1);
    }
  }
  blk.code.insert(blk.code.end(), bytes.begin(), bytes.end());
  blk.next = addr + bytes.size();
  return {};
}

// The blocks as text symbols with the FuncInfo a compiler would give them (pcline, pcfile
// from the listing; pcsp derived from the instructions).
Expected<void> addFunctions(Object& obj, std::vector<Block>& blocks) {
  for (Block& b : blocks) {
    if (b.code.empty()) return fail("line {}: TEXT block {} has no instructions", b.line, b.name);
    Symbol s;
    s.name = b.name;
    s.abi = 1;
    s.origin = SymOrigin::Defined;
    s.kind = SymKind::Text;
    s.size = uint32_t(b.code.size());
    s.data = std::move(b.code);
    s.dataOffset = b.start;
    FuncInfo fi;
    fi.pcline = encodePcTable(b.lineRanges);
    fi.pcsp = derivePcsp(s.data, s.dataOffset, obj.profile->x86asm);
    fi.pcfile = encodePcTable(b.fileRanges);
    // The TEXT line names the full path of the entry's file; other files only by base name.
    fi.files = b.files;
    if (!fi.files.empty()) fi.files[0] = b.file;
    s.func = std::move(fi);
    obj.symbols.push_back(std::move(s));
  }
  return {};
}

// Relocation targets: this listing's functions, or references by name.
Expected<void> resolveRelocations(Object& obj, const std::vector<Block>& blocks) {
  std::map<std::string, SymId> refs;
  for (size_t i = 0; i < blocks.size(); i++) {
    for (const PendingReloc& p : blocks[i].relocs) {
      Reloc r;
      r.off = p.off;
      r.size = p.size;
      r.add = p.add;
      r.kind = relocKindFromGoName(p.type);
      if (r.kind == RelocKind::Unknown)
        return fail("TEXT {}: unknown relocation type {} at offset {:#x}", blocks[i].name, p.type,
                    p.off);
      if (!p.target.empty()) {
        auto local = std::find_if(blocks.begin(), blocks.end(),
                                  [&](const Block& b) { return b.name == p.target; });
        if (local != blocks.end()) {
          r.sym = SymId(local - blocks.begin());
        } else if (auto it = refs.find(p.target); it != refs.end()) {
          r.sym = it->second;
        } else {
          Symbol ref;
          ref.name = p.target;
          ref.origin = SymOrigin::NonPkgRef;
          ref.abi = p.abiInternal ? 1 : 0;
          r.sym = SymId(obj.symbols.size());
          refs[p.target] = r.sym;
          obj.symbols.push_back(std::move(ref));
        }
      }
      obj.symbols[i].relocs.push_back(r);
    }
  }
  return {};
}

} // namespace

Expected<void> parseListing(Object& obj, std::string_view text) {
  obj.profile = guessProfile(text);
  obj.header.version = std::string(obj.profile->name);
  obj.header.goarch = "amd64";
  obj.header.goos = text.find("GS:") != std::string_view::npos ? "darwin" : "linux";
  obj.header.packageMain = true;

  std::vector<Block> blocks;
  Block* cur = nullptr;
  size_t lineNo = 0, pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    lineNo++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("TEXT ")) {
      size_t sb = line.find("(SB)");
      if (sb == std::string_view::npos) return fail("line {}: TEXT line without (SB)", lineNo);
      Block b;
      b.name = unescape(line.substr(5, sb - 5));
      b.file = std::string(trim(line.substr(sb + 4)));
      b.line = lineNo;
      blocks.push_back(std::move(b));
      cur = &blocks.back();
      continue;
    }
    if (!cur) continue; // prose before the first TEXT block
    if (!line.starts_with("  ")) {
      cur = nullptr; // a blank line or prose ends the block
      continue;
    }
    if (auto r = readInstruction(*cur, line, lineNo); !r) return r;
  }
  if (blocks.empty()) return fail("listing has no TEXT blocks");

  if (auto r = addFunctions(obj, blocks); !r) return r;
  return resolveRelocations(obj, blocks);
}

} // namespace gd::loader
