#include "emulator/debugger/unwind.h"

#include <cstring>

namespace gd::emu {
const loader::PcTable* Unwinder::table(loader::SymId id) {
  if (tables_.size() <= id) tables_.resize(size_t(id) + 1);
  auto& t = tables_[id];
  if (!t) {
    const auto& sym = s_.object().sym(id);
    t = sym.func ? loader::PcTable::decode(sym.func->pcsp) : loader::PcTable{{}, false};
  }
  return &*t;
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
