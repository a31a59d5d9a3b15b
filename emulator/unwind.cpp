#include "emulator/unwind.h"

#include <charconv>

#include "loader/disasm.h"

namespace gd::emu {
namespace {

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

} // namespace

const loader::PcTable* Unwinder::table(loader::SymId id) {
  if (tables_.size() <= id) tables_.resize(size_t(id) + 1);
  auto& t = tables_[id];
  if (!t) {
    const auto& sym = s_.object().sym(id);
    if (sym.func && !sym.func->pcsp.empty())
      t = loader::PcTable::decode(sym.func->pcsp);
    else
      t = derive(id);
  }
  return &*t;
}

// A pcsp table from the instructions, for listings: the depth changes with SUBQ/ADDQ $n, SP and
// PUSHQ/POPQ; after a RET the body's depth applies again (more paths follow); the stack-check
// trailer (the target of the prologue's first conditional jump: CALL morestack; JMP entry) runs
// at depth 0.
loader::PcTable Unwinder::derive(loader::SymId id) {
  loader::PcTable t;
  const auto& sym = s_.object().sym(id);
  uint64_t base = s_.image().address(id);
  std::vector<uint8_t> code(sym.memSize());
  if (!base || code.empty() || !s_.machine().read(base, code.data(), code.size())) {
    t.ok = false;
    return t;
  }
  int64_t depth = 0, body = 0;
  std::optional<uint64_t> trailer;
  bool framed = false;
  for (uint32_t off = 0; off < code.size();) {
    auto insn = loader::disassemble(std::span<const uint8_t>(code).subspan(off), base + off,
                                    loader::Syntax::Go);
    if (trailer && base + off >= *trailer) depth = 0;
    t.ranges.push_back({off, off + insn.length, int32_t(depth)});
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
  return t;
}

std::optional<int64_t> Unwinder::spDelta(uint64_t pc) {
  const loader::Image& img = s_.image();
  if (pc >= img.externStart && pc < img.externEnd) return 0;
  auto id = img.symbolAt(pc);
  if (!id || !s_.object().sym(*id).isText()) return std::nullopt;
  const loader::PcTable* t = table(*id);
  uint32_t off = uint32_t(pc - img.address(*id));
  auto v = t->lookup(off);
  if (!v && off) v = t->lookup(off - 1); // a return address at the very end
  if (!v) return std::nullopt;
  return std::max<int64_t>(*v, 0);
}

std::pair<std::string, int> Unwinder::position(uint64_t pc) {
  auto pos = s_.image().position(pc);
  if (!pos) return {"", 0};
  return {loader::displayFile(pos->file), pos->line};
}

std::vector<Frame> Unwinder::frames(size_t max) {
  std::vector<Frame> out;
  const loader::Image& img = s_.image();
  const loader::Object& obj = s_.object();
  Machine& m = s_.machine();
  uint64_t pc = m.reg(rt::Reg::RIP), sp = m.reg(rt::Reg::RSP);
  while (out.size() < max && pc && pc != img.sentinel()) {
    Frame f;
    f.index = int(out.size());
    f.pc = pc;
    f.sp = sp;
    f.lookupPc = out.empty() ? pc : pc - 1;
    if (pc >= img.externStart && pc < img.externEnd) {
      f.runtime = true;
      auto id = img.externAt(pc);
      f.name = id ? obj.sym(*id).name : img.describe(pc);
      // The runtime model knows its own frames (gopanic's spans up to its entry).
      auto rf = s_.runtime().unwind(m, pc, sp);
      f.cfa = !rf.empty() ? rf[0].fp : sp + 8;
      if (!rf.empty() && !rf[0].function.empty() && !id) f.name = rf[0].function;
    } else {
      auto id = img.symbolAt(pc);
      if (!id || !obj.sym(*id).isText()) break;
      f.fn = *id;
      f.name = obj.displayName(*id);
      auto c = cfa(out.empty() ? pc : pc - 1, sp);
      if (!c) break;
      f.cfa = *c;
      if (!out.empty()) {
        // Go 1.15's jmpdefer: the deferred call returns onto `CALL runtime.deferreturn`.
        uint8_t call[5] = {};
        if (m.read(pc, call, 5) && call[0] == 0xE8) {
          int32_t rel;
          std::memcpy(&rel, call + 1, 4);
          auto target = img.externAt(pc + 5 + uint64_t(int64_t(rel)));
          if (target && obj.sym(*target).name == "runtime.deferreturn") {
            f.jmpdefer = true;
            f.lookupPc = pc;
            f.cfa = *cfa(pc, sp);
          }
        }
      }
      auto [file, line] = position(f.lookupPc);
      f.file = file;
      f.line = line;
    }
    out.push_back(f);
    auto ret = m.u64(f.cfa - 8);
    if (!ret) break;
    pc = *ret;
    sp = f.cfa;
  }
  return out;
}

} // namespace gd::emu
