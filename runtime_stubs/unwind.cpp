#include "runtime_stubs/unwind.h"

#include <algorithm>

#include "runtime_stubs/guest.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {

const loader::PcTable* StackWalker::table(loader::SymId id) const {
  if (tables_.size() <= id) tables_.resize(size_t(id) + 1);
  auto& t = tables_[id];
  if (!t) {
    const auto& sym = img_.obj->sym(id);
    t = sym.func ? loader::PcTable::decode(sym.func->pcsp) : loader::PcTable{{}, false};
  }
  return &*t;
}

std::optional<int64_t> StackWalker::spDelta(uint64_t pc) const {
  if (pc >= img_.externStart && pc < img_.externEnd) return 0;
  auto id = img_.symbolAt(pc);
  if (!id || !img_.obj->sym(*id).func) return std::nullopt;
  uint32_t off = uint32_t(pc - img_.address(*id));
  auto v = table(*id)->lookup(off);
  if (!v && off) v = table(*id)->lookup(off - 1); // a return address at the very end
  if (!v) return std::nullopt;
  return std::max<int64_t>(*v, 0);
}

uint64_t StackWalker::deferreturnCall(loader::SymId fn) const {
  if (deferreturn_.size() <= fn) deferreturn_.resize(size_t(fn) + 1);
  auto& d = deferreturn_[fn];
  if (!d) {
    d = 0;
    const auto& sym = img_.obj->sym(fn);
    for (const auto& r : sym.relocs)
      if (r.kind == loader::RelocKind::Call && r.sym != loader::kNoSym &&
          img_.obj->sym(r.sym).name == "runtime.deferreturn") {
        d = img_.address(fn) + uint64_t(r.off) - 1; // CALL rel32: the opcode precedes the field
        break;
      }
  }
  return *d;
}

std::optional<Frame> StackWalker::goFrame(uint64_t pc, uint64_t sp, bool outer,
                                          bool jmpdeferReturns) const {
  Frame f;
  f.pc = pc;
  f.sp = sp;
  f.lookupPc = outer ? pc - 1 : pc;
  auto id = img_.symbolAt(f.lookupPc);
  if (!id || !img_.obj->sym(*id).func) return std::nullopt;
  if (outer && jmpdeferReturns && pc == deferreturnCall(*id)) {
    f.jmpdefer = true;
    f.lookupPc = pc;
  }
  auto c = cfa(f.lookupPc, sp);
  if (!c) return std::nullopt;
  f.fn = *id;
  f.name = img_.obj->displayName(*id);
  f.cfa = *c;
  return f;
}

// ---- Runtime: Go frames through the models' own ----

std::vector<Frame> Runtime::unwind(const Guest& g, uint64_t pc, uint64_t sp, size_t max) const {
  std::vector<Frame> frames;
  bool jmpdefer = prof_.deferReturn == DeferReturnStyle::JmpDefer;
  while (frames.size() < max && pc && pc != img_.sentinel()) {
    Frame f;
    if (pc >= img_.externStart && pc < img_.externEnd) {
      f.pc = f.lookupPc = pc;
      f.sp = sp;
      f.model = true;
      f.name = img_.describe(pc);
      f.cfa = sp + 8; // runtime model frames hold just their return address...
      for (const PanicRun& r : run_.panics)
        if (r.callSp + 8 == sp) { // ...except gopanic's, which spans up to its entry
          f.cfa = r.entrySp + 8;
          f.name = "runtime.gopanic";
        }
      if (auto call = runtimeCallFrame(g, pc, sp)) { // iface.cpp: Go code a model called
        f.cfa = call->first + 8;
        f.name = call->second;
      }
      if (auto id = img_.externAt(pc)) f.name = img_.obj->sym(*id).name;
    } else {
      auto gf = walker_.goFrame(pc, sp, !frames.empty(), jmpdefer);
      if (!gf) break;
      f = std::move(*gf);
    }
    auto lr = g.u64(f.cfa - 8);
    f.lr = lr.value_or(0);
    frames.push_back(std::move(f));
    if (!lr) break;
    pc = *lr;
    sp = frames.back().cfa;
  }
  return frames;
}

} // namespace gd::rt
