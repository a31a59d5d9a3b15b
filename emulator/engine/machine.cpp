#include "emulator/engine/machine.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <sys/mman.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace gd::emu {
namespace {

int ucReg(rt::Reg r) {
  static const int map[] = {UC_X86_REG_RAX, UC_X86_REG_RBX,     UC_X86_REG_RCX,    UC_X86_REG_RDX,
                            UC_X86_REG_RSI, UC_X86_REG_RDI,     UC_X86_REG_RBP,    UC_X86_REG_RSP,
                            UC_X86_REG_R8,  UC_X86_REG_R9,      UC_X86_REG_R10,    UC_X86_REG_R11,
                            UC_X86_REG_R12, UC_X86_REG_R13,     UC_X86_REG_R14,    UC_X86_REG_R15,
                            UC_X86_REG_RIP, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE};
  return map[size_t(r)];
}

uint32_t ucPerm(uint8_t p) {
  uint32_t out = 0;
  if (p & loader::kRead) out |= UC_PROT_READ;
  if (p & loader::kWrite) out |= UC_PROT_WRITE;
  if (p & loader::kExec) out |= UC_PROT_EXEC;
  return out;
}

} // namespace

Expected<std::unique_ptr<Machine>> Machine::create(const loader::Image& img) {
  std::unique_ptr<Machine> m(new Machine());
  if (uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &m->uc_); e != UC_ERR_OK)
    return fail("cannot start the Unicorn engine: {}", uc_strerror(e));
  for (const auto& seg : img.segments) {
    if (uc_err e = m->mapRegion(seg.addr, seg.size, ucPerm(seg.perm)); e != UC_ERR_OK)
      return fail("cannot map {} at {:#x} ({} bytes): {}", seg.name, seg.addr, seg.size,
                  uc_strerror(e));
    if (!seg.bytes.empty() &&
        uc_mem_write(m->uc_, seg.addr, seg.bytes.data(), seg.bytes.size()) != UC_ERR_OK)
      return fail("cannot load {} at {:#x}", seg.name, seg.addr);
    if (seg.perm & loader::kExec) m->code_.push_back({seg.addr, seg.addr + seg.size});
  }
  // Fast mode counts per translated block (setCounting); stepping (setStepping) adds a code
  // hook.
  uc_hook_add(m->uc_, &m->unmappedHook_,
              UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED | UC_HOOK_MEM_FETCH_UNMAPPED |
                  UC_HOOK_MEM_WRITE_PROT | UC_HOOK_MEM_FETCH_PROT,
              (void*)&Machine::onUnmapped, m.get(), 1, 0);
  // SYSCALL: the engine stops after it, and the session asks the runtime model.
  uc_hook_add(m->uc_, &m->syscallHook_, UC_HOOK_INSN, (void*)&Machine::onSyscall, m.get(), 1, 0,
              UC_X86_INS_SYSCALL);
  return m;
}

Machine::~Machine() {
  if (watchThreadStarted_) {
    {
      std::lock_guard<std::mutex> lock(watchMutex_);
      quit_ = true;
    }
    watchCv_.notify_all();
    pthread_join(watchThread_, nullptr);
  }
  if (uc_) uc_close(uc_);
  for (const auto& h : host_)
    munmap(h.host, h.end - h.begin);
}

// Writable, non-executable memory (data, bss, stack, heap) is this object's own: mmap'd and
// handed to Unicorn with uc_mem_map_ptr, so the runtime model, snapshots and traces read and
// write it with memcpy. Through uc_mem_read/uc_mem_write every access looks the region up and
// every write invalidates translated code on its page (a GTree allocated per call in Unicorn
// 2.0.1); no code lives there. Text and rodata stay Unicorn's.
uc_err Machine::mapRegion(uint64_t addr, uint64_t size, uint32_t perms) {
  if ((perms & UC_PROT_EXEC) || !(perms & UC_PROT_WRITE)) return uc_mem_map(uc_, addr, size, perms);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return UC_ERR_NOMEM;
  if (uc_err e = uc_mem_map_ptr(uc_, addr, size, perms, p); e != UC_ERR_OK) {
    munmap(p, size);
    return e;
  }
  HostRegion h{addr, addr + size, static_cast<uint8_t*>(p)};
  host_.insert(
      std::upper_bound(host_.begin(), host_.end(), h,
                       [](const HostRegion& a, const HostRegion& b) { return a.begin < b.begin; }),
      h);
  return UC_ERR_OK;
}

uc_err Machine::unmapRegion(uint64_t addr, uint64_t size) {
  uc_err e = uc_mem_unmap(uc_, addr, size);
  if (e != UC_ERR_OK) return e;
  for (auto it = host_.begin(); it != host_.end(); ++it)
    if (it->begin == addr && it->end == addr + size) {
      munmap(it->host, size);
      host_.erase(it);
      break;
    }
  lastHost_ = 0;
  return UC_ERR_OK;
}

uint8_t* Machine::hostPtr(uint64_t addr, size_t n) const {
  if (lastHost_ < host_.size()) {
    const HostRegion& h = host_[lastHost_];
    if (addr >= h.begin && addr + n <= h.end && addr + n >= addr) return h.host + (addr - h.begin);
  }
  auto it = std::upper_bound(host_.begin(), host_.end(), addr,
                             [](uint64_t a, const HostRegion& h) { return a < h.begin; });
  if (it == host_.begin()) return nullptr;
  --it;
  if (addr + n > it->end || addr + n < addr) return nullptr;
  lastHost_ = size_t(it - host_.begin());
  return it->host + (addr - it->begin);
}

uint64_t Machine::reg(rt::Reg r) const {
  uint64_t v = 0;
  uc_reg_read(uc_, ucReg(r), &v);
  return v;
}

void Machine::setReg(rt::Reg r, uint64_t v) {
  uc_reg_write(uc_, ucReg(r), &v);
}

void Machine::readXmm(int n, uint8_t out[16]) const {
  uc_reg_read(uc_, UC_X86_REG_XMM0 + n, out);
}

void Machine::writeXmm(int n, const uint8_t in[16]) {
  uc_reg_write(uc_, UC_X86_REG_XMM0 + n, in);
}

double Machine::xmmLow(int n) const {
  uint8_t b[16];
  readXmm(n, b);
  double d;
  std::memcpy(&d, b, 8);
  return d;
}

void Machine::setXmmLow(int n, uint64_t bits) {
  uint8_t b[16] = {};
  std::memcpy(b, &bits, 8);
  writeXmm(n, b);
}

void Machine::zeroX15() {
  uint8_t z[16] = {};
  writeXmm(15, z);
}

uint64_t Machine::eflags() const {
  uint64_t v = 0;
  uc_reg_read(uc_, UC_X86_REG_EFLAGS, &v);
  return v;
}

void Machine::setEflags(uint64_t v) {
  uc_reg_write(uc_, UC_X86_REG_EFLAGS, &v);
}

bool Machine::read(uint64_t addr, void* dst, size_t n) const {
  if (uint8_t* p = hostPtr(addr, n)) {
    std::memcpy(dst, p, n);
    return true;
  }
  return uc_mem_read(uc_, addr, dst, n) == UC_ERR_OK;
}

bool Machine::write(uint64_t addr, const void* src, size_t n) {
  if (recorder_) recorder_->beforeWrite(addr, n);
  if (uint8_t* p = hostPtr(addr, n)) {
    std::memcpy(p, src, n);
    return true;
  }
  return uc_mem_write(uc_, addr, src, n) == UC_ERR_OK;
}

bool Machine::mapRW(uint64_t addr, uint64_t size) {
  if (mapRegion(addr, size, UC_PROT_READ | UC_PROT_WRITE) != UC_ERR_OK) return false;
  if (recorder_) recorder_->mapped(addr, size);
  return true;
}

void Machine::readRegFile(uint64_t out[kRegFile]) const {
  static const std::array<int, kRegFile> ids = [] {
    std::array<int, kRegFile> a{};
    for (size_t i = 0; i < size_t(rt::Reg::Count); i++)
      a[i] = ucReg(rt::Reg(i));
    a[kRegFile - 1] = UC_X86_REG_EFLAGS;
    return a;
  }();
  void* ptrs[kRegFile];
  for (size_t i = 0; i < kRegFile; i++) {
    out[i] = 0; // EFLAGS is written as 32 bits
    ptrs[i] = &out[i];
  }
  uc_reg_read_batch(uc_, const_cast<int*>(ids.data()), ptrs, int(kRegFile));
}

void Machine::readGprs(uint32_t mask, uint64_t out[16]) const {
  int ids[16];
  void* ptrs[16];
  int n = 0;
  for (uint32_t m = mask & 0xffff; m; m &= m - 1) {
    int r = __builtin_ctz(m);
    ids[n] = ucReg(rt::Reg(r));
    ptrs[n++] = &out[r];
  }
  if (n) uc_reg_read_batch(uc_, ids, ptrs, n);
}

void Machine::writeRegFileEntry(size_t index, uint64_t v) {
  if (index + 1 == kRegFile)
    setEflags(v);
  else
    setReg(rt::Reg(index), v);
}

bool Machine::readEngineReg(int ucRegId, void* out) const {
  return uc_reg_read(uc_, ucRegId, out) == UC_ERR_OK;
}

bool Machine::writeEngineReg(int ucRegId, const void* in) {
  return uc_reg_write(uc_, ucRegId, in) == UC_ERR_OK;
}

std::vector<std::pair<uint64_t, uint64_t>> Machine::regions() const {
  uc_mem_region* r = nullptr;
  uint32_t n = 0;
  std::vector<std::pair<uint64_t, uint64_t>> out;
  if (uc_mem_regions(uc_, &r, &n) != UC_ERR_OK) return out;
  for (uint32_t i = 0; i < n; i++)
    out.push_back({r[i].begin, r[i].end + 1});
  uc_free(r);
  return out;
}

void Machine::setInstructionHook(bool on) {
  insnHookOn_ = on;
}

void Machine::setDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
  {
    std::lock_guard<std::mutex> lock(watchMutex_);
    deadline_ = deadline;
    fired_ = false;
  }
  if (deadline && !watchThreadStarted_) {
    // A plain pthread with a small stack: the thread allocates nothing (a std::thread frees its
    // state in the new thread, which makes glibc set up a malloc arena for it), and its start
    // and end cost a few microseconds of a short run's few milliseconds.
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    auto body = [](void* self) -> void* {
      static_cast<Machine*>(self)->watchdog();
      return nullptr;
    };
    watchThreadStarted_ = pthread_create(&watchThread_, &attr, body, this) == 0;
    pthread_attr_destroy(&attr);
  }
  watchCv_.notify_all();
}

// Stops the engine once the deadline has passed while it runs. uc_emu_stop from another thread
// is how Unicorn's own timeout works; a stop that lands between two runs is repeated.
void Machine::watchdog() {
  std::unique_lock<std::mutex> lock(watchMutex_);
  while (!quit_) {
    if (!deadline_) {
      watchCv_.wait(lock);
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (now < *deadline_) {
      watchCv_.wait_until(lock, *deadline_);
      continue;
    }
    if (running_) {
      fired_ = true;
      // With a block callback the stop is taken before the next block, where RIP is known;
      // otherwise Unicorn stops at once (RIP then names a block the run went through earlier).
      deadlinePassed_.store(true, std::memory_order_relaxed);
      if (!runWithBlocks_) uc_emu_stop(uc_);
    }
    watchCv_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

void Machine::setWriteHook(bool on) {
  writeHookWanted_ = on;
  updateWriteHook();
}

void Machine::setRecorder(MachineRecorder* r) {
  recorder_ = r;
  updateWriteHook();
}

void Machine::updateWriteHook() {
  bool on = writeHookWanted_ || recorder_;
  if (on && !writeHook_) {
    uc_hook_add(uc_, &writeHook_, UC_HOOK_MEM_WRITE, (void*)&Machine::onWrite, this, 1, 0);
  } else if (!on && writeHook_) {
    uc_hook_del(uc_, writeHook_);
    writeHook_ = 0;
  }
}

void Machine::requestStop() {
  if (!pending_) pending_ = Halt{HaltKind::Stopped};
  uc_emu_stop(uc_);
}

// Drops the text's translated blocks. uc_ctl_remove_cache per executable segment costs
// microseconds, a whole tb_flush (uc_ctl_flush_tlb in Unicorn 2.0.1) 0.1-0.7 s; but after a long
// run Unicorn 2.0.1's per-page block lists can hold a dangling block (its tb_invalidate_phys_range
// then crashes in page_collection_lock; unicorn-engine/unicorn#1946, seen here after 200 M
// instructions of Go 1.15's fixedbugs/issue16249), so once kFlushAfter instructions have run
// since the last flush the whole cache goes, which a flush's cost is small beside.
void Machine::retranslate() {
  if (executed_ - flushedAt_ >= kFlushAfter || executed_ < flushedAt_) {
    uc_ctl_flush_tlb(uc_);
    flushedAt_ = executed_;
    return;
  }
  for (auto [begin, end] : code_)
    uc_ctl_remove_cache(uc_, begin, end);
}

void Machine::setStepping(bool on) {
  if (on == stepping_) return;
  if (on)
    uc_hook_add(uc_, &codeHook_, UC_HOOK_CODE, (void*)&Machine::onCode, this, 1, 0);
  else
    uc_hook_del(uc_, codeHook_);
  // Translated blocks carry the hook calls they were made with: translate the code again.
  retranslate();
  stepping_ = on;
}

void Machine::setBlockHook(bool on) {
  if (on == (blockHook_ != 0)) return;
  if (on) {
    uc_hook_add(uc_, &blockHook_, UC_HOOK_BLOCK, (void*)&Machine::onBlock, this, 1, 0);
  } else {
    uc_hook_del(uc_, blockHook_);
    blockHook_ = 0;
  }
  retranslate();
}

// Stops the engine before the block at `addr` runs (a stop in a block callback keeps the block
// from running). Unicorn's RIP can be stale here (a chained block does not store it), so the
// halt says where execution stands and runOnce puts it in RIP.
void Machine::stopBeforeBlock(HaltKind kind, uint64_t addr) {
  blockLimitHit_ = true;
  if (!pending_) pending_ = Halt{kind, addr};
  uc_emu_stop(uc_);
}

void Machine::onBlock(uc_engine*, uint64_t addr, uint32_t size, void* self) {
  auto* m = static_cast<Machine*>(self);
  if (m->stepping_) return; // the code hook counts
  if (m->deadlinePassed_.load(std::memory_order_relaxed))
    return m->stopBeforeBlock(HaltKind::TimeLimit, addr);
  uint32_t n = m->decode_.countIn(addr, size);
  if (m->interrupt_ && m->interrupt_->load(std::memory_order_relaxed))
    return m->stopBeforeBlock(HaltKind::Stopped, addr);
  if (!m->attention_.empty()) {
    // A block the recorder must see instruction by instruction (a breakpoint in it): runEngine
    // steps it.
    auto it = std::lower_bound(m->attention_.begin(), m->attention_.end(), addr);
    if (it != m->attention_.end() && *it < addr + size) {
      m->attentionHit_ = true;
      m->attentionCount_ = n;
      return m->stopBeforeBlock(HaltKind::CountDone, addr);
    }
  }
  // A block that would cross the count: runEngine steps the rest.
  if (m->stopAt_ && m->executed_ + n > m->stopAt_)
    return m->stopBeforeBlock(HaltKind::CountDone, addr);
  m->blockAddr_ = addr;
  m->blockSize_ = size;
  m->blockCountBefore_ = m->executed_;
  m->executed_ += n;
}

void Machine::onCode(uc_engine*, uint64_t addr, uint32_t, void* self) {
  auto* m = static_cast<Machine*>(self);
  if (m->stopAt_ && m->executed_ >= m->stopAt_) {
    if (!m->pending_) m->pending_ = Halt{HaltKind::CountDone};
    uc_emu_stop(m->uc_);
    return;
  }
  if (m->askRecorder_ && !m->recorder_->beforeInstruction(addr)) {
    m->requestStop(); // the instruction does not run and is not counted
    return;
  }
  m->executed_++;
  if (m->insnHookOn_ && m->observer_) m->observer_->beforeInstruction(addr);
}

void Machine::onWrite(uc_engine*, uc_mem_type, uint64_t addr, int size, int64_t, void* self) {
  auto* m = static_cast<Machine*>(self);
  if (m->recorder_) m->recorder_->beforeWrite(addr, size_t(size));
  if (m->observer_ && m->writeHookWanted_) m->observer_->beforeWrite(addr, uint32_t(size));
}

bool Machine::onUnmapped(uc_engine*, uc_mem_type type, uint64_t addr, int, int64_t, void* self) {
  auto* m = static_cast<Machine*>(self);
  HaltKind k = HaltKind::Error;
  switch (type) {
  case UC_MEM_FETCH_UNMAPPED:
  case UC_MEM_FETCH_PROT:
    k = HaltKind::FetchUnmapped;
    break;
  case UC_MEM_READ_UNMAPPED:
    k = HaltKind::ReadUnmapped;
    break;
  case UC_MEM_WRITE_UNMAPPED:
    k = HaltKind::WriteUnmapped;
    break;
  case UC_MEM_WRITE_PROT:
    k = HaltKind::WriteProtected;
    break;
  default:
    break;
  }
  m->pending_ = Halt{k, 0, addr};
  return false; // stop: the session decides what the fault means
}

// Unicorn calls this while executing SYSCALL, with RIP at the instruction, and moves RIP past it
// afterwards; SYSCALL ends its translated block, so the engine stops right after it.
void Machine::onSyscall(uc_engine*, void* self) {
  auto* m = static_cast<Machine*>(self);
  uint64_t pc = m->reg(rt::Reg::RIP);
  if (!m->pending_) m->pending_ = Halt{HaltKind::Syscall, pc, pc};
  uc_emu_stop(m->uc_);
}

Halt Machine::run(uint64_t count) {
  Halt h = runEngine(count);
  if (recorder_) recorder_->afterRun();
  return h;
}

Halt Machine::runEngine(uint64_t count) {
  uint64_t target = count ? executed_ + count : 0;
  while (true) {
    bool wants = recorder_ && recorder_->wantsInstructions();
    bool step = stepAlways_ || insnHookOn_ || wants;
    Halt h = runOnce(target, step, wants);
    if (step || !blockLimitHit_ || h.kind != HaltKind::CountDone) return h;
    if (!attentionHit_) // stopped before the block that would have crossed the count
      return executed_ < target ? runOnce(target, true, false) : h;
    // A block with an attention address: step through it asking the recorder at every
    // instruction, then go on at full speed.
    uint64_t end = executed_ + attentionCount_;
    if (target) end = std::min(end, target);
    h = runOnce(end, true, recorder_ != nullptr);
    if (h.kind != HaltKind::CountDone || executed_ != end || (target && executed_ >= target))
      return h;
  }
}

Halt Machine::runOnce(uint64_t stopAt, bool step, bool askRecorder) {
  pending_.reset();
  uint64_t start = reg(rt::Reg::RIP);
  uint64_t before = executed_;
  setStepping(step);
  setBlockHook(!step && (counting() || stopAt || !attention_.empty() || interrupt_));
  askRecorder_ = askRecorder;
  stopAt_ = stopAt;
  blockAddr_ = 0;
  blockLimitHit_ = false;
  attentionHit_ = false;
  if (deadline_) {
    std::lock_guard<std::mutex> lock(watchMutex_);
    if (fired_ || std::chrono::steady_clock::now() >= *deadline_)
      return Halt{HaltKind::TimeLimit, start};
    running_ = true;
    runWithBlocks_ = blockHook_ && !step;
    deadlinePassed_.store(false, std::memory_order_relaxed);
  }
  // No `count` for Unicorn: it would add a code hook of its own that stays in the translations.
  uc_err e = uc_emu_start(uc_, start, 0, 0, 0);
  if (deadline_) {
    std::lock_guard<std::mutex> lock(watchMutex_);
    running_ = false;
    if (fired_ && !pending_) {
      pending_ = Halt{HaltKind::TimeLimit};
      // Stopped from the other thread with no code hook and no block callback: RIP is stale.
      if (!step) {
        pending_->pcExact = false;
        pending_->blockStart = start;
      }
    }
  }
  Halt h = pending_.value_or(Halt{});
  if (blockLimitHit_ && pending_) setReg(rt::Reg::RIP, pending_->pc);
  h.pc = reg(rt::Reg::RIP);
  if (pending_) {
    if (h.kind == HaltKind::FetchUnmapped) h.pc = h.addr;
    if (h.kind == HaltKind::ReadUnmapped || h.kind == HaltKind::WriteUnmapped ||
        h.kind == HaltKind::WriteProtected) {
      // The faulting instruction did not complete: it is not counted.
      if (!stepping_)
        placeFault(h);
      else if (executed_ > before)
        executed_--;
    }
    return h;
  }
  if (e == UC_ERR_INSN_INVALID) {
    if (!stepping_) {
      if (blockAddr_ && h.pc >= blockAddr_ && h.pc < blockAddr_ + blockSize_) {
        executed_ = blockCountBefore_;
        for (uint64_t pc = blockAddr_; pc < h.pc; pc += decode_.at(pc).length)
          executed_++;
      }
    } else if (executed_ > before) {
      executed_--;
    }
    return Halt{HaltKind::InvalidInsn, h.pc, 0, uc_strerror(e)};
  }
  if (e != UC_ERR_OK) return Halt{HaltKind::Error, h.pc, 0, uc_strerror(e)};
  return h; // CountDone
}

// A fault in fast mode: Unicorn's RIP is the start of the translated block, the other registers
// are those the faulting instruction saw (the instructions before it in the block have run). The
// faulting instruction is one whose memory operand, computed from the registers now, is the
// faulting address (with the same direction). An earlier instruction of the block can compute to
// it too when a register it used changed after it ran; the instruction is known when exactly one
// candidate is consistent: candidate c is possible only if every earlier candidate j had one of
// its address registers written by an instruction in [j, c) (otherwise j would have faulted).
void Machine::placeFault(Halt& h) {
  h.pcExact = false;
  if (!blockHook_) {
    // Not counting: no block hook said which block ran, and Unicorn's RIP is then the start of
    // the run's first block, not of the faulting one. The session re-executes (locateFault).
    h.blockStart = h.pc;
    return;
  }
  h.blockStart = blockAddr_;
  h.blockCount = blockCountBefore_;
  if (!blockAddr_) return;
  h.pc = blockAddr_;
  executed_ = blockCountBefore_;
  uint64_t regs[kRegFile];
  readRegFile(regs);
  bool wantWrite = h.kind != HaltKind::ReadUnmapped;
  struct Candidate {
    size_t index;
    uint64_t pc;
    uint32_t addrRegs;
  };
  std::vector<Candidate> cands;
  std::vector<uint32_t> writes; // per instruction of the block
  size_t i = 0;
  for (uint64_t pc = blockAddr_; pc < blockAddr_ + blockSize_; i++) {
    const DecodedInsn& d = decode_.at(pc);
    writes.push_back(d.writes);
    for (const MemAccess& m : d.mem) {
      if ((wantWrite ? !m.write : !m.read) || effectiveAddress(m, regs, pc + d.length) != h.addr)
        continue;
      uint32_t used = 0;
      for (uint8_t r : {m.base, m.index, m.segment})
        if (r < 16) used |= 1u << r;
      cands.push_back({i, pc, used});
      break;
    }
    pc += d.length;
  }
  const Candidate* found = nullptr;
  int consistent = 0;
  for (size_t c = 0; c < cands.size(); c++) {
    bool ok = true;
    for (size_t j = 0; j < c && ok; j++) {
      uint32_t w = 0;
      for (size_t k = cands[j].index; k < cands[c].index; k++)
        w |= writes[k];
      ok = (w & cands[j].addrRegs) != 0;
    }
    if (ok) {
      consistent++;
      found = &cands[c];
    }
  }
  spdlog::debug("fault on {:#x} in the block at {:#x} ({} bytes): {} candidate(s), {} consistent",
                h.addr, blockAddr_, blockSize_, cands.size(), consistent);
  if (consistent != 1) return;
  h.pc = found->pc;
  h.pcExact = true;
  executed_ = blockCountBefore_ + found->index;
  setReg(rt::Reg::RIP, h.pc);
}

// ---- snapshots ----

namespace {

const std::shared_ptr<const MachineSnapshot::Page>& zeroPage() {
  static const auto z = std::make_shared<const MachineSnapshot::Page>();
  return z;
}

bool allZero(const uint8_t* p, size_t n) {
  static const MachineSnapshot::Page z{};
  return std::memcmp(p, z.data(), n) == 0;
}

} // namespace

std::unique_ptr<MachineSnapshot> Machine::snapshot(const MachineSnapshot* base,
                                                   const std::unordered_set<uint64_t>* written) {
  constexpr uint64_t kPage = MachineSnapshot::kPage;
  auto s = std::make_unique<MachineSnapshot>();
  uc_context* ctx = nullptr;
  uc_context_alloc(uc_, &ctx);
  uc_context_save(uc_, ctx);
  s->cpu_.reset(ctx);
  s->instructions = executed_;
  uc_mem_region* r = nullptr;
  uint32_t n = 0;
  uc_mem_regions(uc_, &r, &n);
  std::vector<uint8_t> buf;
  std::shared_ptr<uint64_t> live = livePages_;
  for (uint32_t i = 0; i < n; i++) {
    MachineSnapshot::Region reg{r[i].begin, r[i].end + 1, r[i].perms, {}};
    const MachineSnapshot::Region* old = nullptr;
    if (base)
      for (const auto& b : base->regions_)
        if (b.begin == reg.begin && b.end == reg.end) old = &b;
    uint64_t pages = (reg.end - reg.begin + kPage - 1) / kPage;
    reg.pages.resize(pages);
    buf.resize(kPage);
    for (uint64_t k = 0; k < pages; k++) {
      uint64_t addr = reg.begin + k * kPage;
      bool mustRead = !old || !written || written->count(addr / kPage);
      if (!mustRead) {
        reg.pages[k] = old->pages[k];
        continue;
      }
      uint64_t len = std::min(kPage, reg.end - addr);
      std::fill(buf.begin(), buf.end(), 0);
      read(addr, buf.data(), len);
      if (old && std::memcmp(old->pages[k]->data(), buf.data(), kPage) == 0) {
        reg.pages[k] = old->pages[k];
      } else if (allZero(buf.data(), kPage)) {
        reg.pages[k] = zeroPage();
      } else {
        auto* p = new MachineSnapshot::Page;
        std::memcpy(p->data(), buf.data(), kPage);
        ++*live;
        reg.pages[k] =
            std::shared_ptr<const MachineSnapshot::Page>(p, [live](const MachineSnapshot::Page* q) {
              --*live;
              delete q;
            });
      }
    }
    s->overhead_ += reg.pages.size() * sizeof(reg.pages[0]) + sizeof(reg);
    s->regions_.push_back(std::move(reg));
  }
  uc_free(r);
  s->overhead_ += uc_context_size(uc_);
  return s;
}

void Machine::restore(const MachineSnapshot& s, const std::unordered_set<uint64_t>* dirty) {
  constexpr uint64_t kPage = MachineSnapshot::kPage;
  // Mappings: unmap what the snapshot does not have, map what it has and the machine lacks.
  auto now = regions();
  auto has = [&](uint64_t b, uint64_t e) {
    for (const auto& r : s.regions_)
      if (r.begin == b && r.end == e) return true;
    return false;
  };
  for (auto [b, e] : now)
    if (!has(b, e)) unmapRegion(b, e - b);
  now = regions();
  for (const auto& r : s.regions_) {
    bool fresh = std::find(now.begin(), now.end(), std::make_pair(r.begin, r.end)) == now.end();
    if (fresh) mapRegion(r.begin, r.end - r.begin, r.perms);
    if (!fresh && !(r.perms & UC_PROT_WRITE)) continue; // text and rodata never change
    for (size_t k = 0; k < r.pages.size(); k++) {
      uint64_t addr = r.begin + k * kPage;
      if (!fresh && dirty && !dirty->count(addr / kPage)) continue;
      uint64_t len = std::min(kPage, r.end - addr);
      if (uint8_t* p = hostPtr(addr, len))
        std::memcpy(p, r.pages[k]->data(), len);
      else
        uc_mem_write(uc_, addr, r.pages[k]->data(), len);
    }
  }
  uc_context_restore(uc_, s.cpu_.get());
  executed_ = s.instructions;
}

} // namespace gd::emu
