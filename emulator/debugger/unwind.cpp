#include "emulator/debugger/unwind.h"

namespace gd::emu {

std::pair<std::string, int> Unwinder::position(uint64_t pc) {
  auto pos = s_.image().position(pc);
  if (!pos) return {"", 0};
  return {loader::displayFile(pos->file), pos->line};
}

std::vector<Frame> Unwinder::frames(size_t max) {
  Machine& m = s_.machine();
  return frames(m.reg(rt::Reg::RIP), m.reg(rt::Reg::RSP), max);
}

std::vector<Frame> Unwinder::frames(uint64_t pc, uint64_t sp, size_t max) {
  Machine& m = s_.machine();
  std::vector<Frame> out;
  for (rt::Frame& rf : s_.runtime().unwind(m, pc, sp, max)) {
    Frame f;
    static_cast<rt::Frame&>(f) = std::move(rf);
    f.index = int(out.size());
    if (!f.model) std::tie(f.file, f.line) = position(f.lookupPc);
    out.push_back(std::move(f));
  }
  return out;
}

} // namespace gd::emu
