// The CPU and memory: a Unicorn x86-64 engine owned by this object (closed in the destructor),
// with the image's segments mapped at their fixed addresses. Hooks never throw through C: they
// record what happened and stop the engine; run() returns it as a value.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <string>
#include <unordered_set>
#include <vector>

#include <unicorn/unicorn.h>

#include "emulator/engine/decode.h"
#include "loader/error.h"
#include "loader/image.h"
#include "runtime_stubs/guest.h"

namespace gd::emu {

enum class HaltKind : uint8_t {
  CountDone,     // ran the requested number of instructions
  FetchUnmapped, // execution reached an unmapped address (the extern area: a runtime call)
  ReadUnmapped,  // a load from an unmapped address (nil dereference...)
  WriteUnmapped,
  WriteProtected, // a store into read-only memory (text, rodata)
  InvalidInsn,    // an instruction Unicorn cannot execute
  Stopped,        // a hook asked to stop (breakpoint, watch)
  TimeLimit,      // the wall-clock deadline passed (setDeadline)
  Error,          // any other engine error
  // A SYSCALL instruction ran (Halt::addr: its address; RIP is past it): the session hands it
  // to the runtime model's system calls.
  Syscall,
};

struct Halt {
  HaltKind kind = HaltKind::CountDone;
  uint64_t pc = 0;   // where execution stands now
  uint64_t addr = 0; // faulting data/fetch address
  std::string engineError;
  // False when a run without per-instruction hooks stopped where RIP cannot be trusted: a fault
  // whose instruction the registers alone do not tell (the session finds it by re-executing the
  // run, Session::locateFault), or a time limit under -q.
  bool pcExact = true;
  // With pcExact false: where Unicorn's knowledge ends — a fault's translated block (and the
  // instruction count before it), or, for a time limit under -q, where the stopped stretch of
  // guest code was entered.
  uint64_t blockStart = 0;
  uint64_t blockCount = 0;
};

// Called before each executed instruction (when enabled) and for each guest store.
class MachineObserver {
public:
  virtual ~MachineObserver() = default;
  virtual void beforeInstruction(uint64_t pc) = 0;
  virtual void beforeWrite(uint64_t addr, uint32_t size) = 0;
};

// Time travel and stop conditions (emulator/engine/timeline.h): sees every guest store and may stop
// execution before an instruction runs.
class MachineRecorder {
public:
  virtual ~MachineRecorder() = default;
  // Before the instruction at `pc` runs (and is counted); false: stop without running it.
  virtual bool beforeInstruction(uint64_t pc) = 0;
  // Before a guest store or a write() through the Guest interface (runtime models).
  virtual void beforeWrite(uint64_t addr, size_t size) = 0;
  // After mapRW mapped a new region.
  virtual void mapped(uint64_t addr, uint64_t size) = 0;
  // Whether beforeInstruction must run now; false lets the engine run at full speed (stores
  // are still reported).
  virtual bool wantsInstructions() const { return true; }
  // The engine returned from run(): whatever changes next is done by the session or the runtime
  // model, outside instructions.
  virtual void afterRun() = 0;
};

// A copy of the machine's state for time travel (emulator/engine/timeline.h): the CPU (a
// uc_context: every register Unicorn keeps), the mapped regions, and their contents in 4 KiB pages.
// Pages are immutable and shared: a snapshot made from a base snapshot copies only the pages
// written since (or, without a record of writes, those whose bytes differ), and every all-zero page
// is one page.
class MachineSnapshot {
public:
  static constexpr uint64_t kPage = 4096;
  using Page = std::array<uint8_t, kPage>;
  uint64_t instructions = 0;
  // Bytes this snapshot holds besides its pages (page table, CPU context).
  uint64_t overheadBytes() const { return overhead_; }

private:
  friend class Machine;
  struct CtxFree {
    void operator()(uc_context* c) const { uc_context_free(c); }
  };
  struct Region {
    uint64_t begin = 0, end = 0;
    uint32_t perms = 0;
    std::vector<std::shared_ptr<const Page>> pages;
  };
  std::unique_ptr<uc_context, CtxFree> cpu_;
  std::vector<Region> regions_;
  uint64_t overhead_ = 0;
};

class Machine final : public rt::Guest {
public:
  static Expected<std::unique_ptr<Machine>> create(const loader::Image& img);
  ~Machine() override;
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // rt::Guest
  uint64_t reg(rt::Reg r) const override;
  void setReg(rt::Reg r, uint64_t v) override;
  double xmmLow(int n) const override;
  void setXmmLow(int n, uint64_t bits) override;
  void zeroX15() override;
  bool read(uint64_t addr, void* dst, size_t n) const override;
  bool write(uint64_t addr, const void* src, size_t n) override;
  bool mapRW(uint64_t addr, uint64_t size) override;

  // Runs from the current RIP for at most `count` instructions (0: no limit).
  //
  // Two speeds. With nothing that needs each instruction (no trace, a recorder that does not
  // want them) the engine runs its translated code untouched, or, when counting (setCounting, a
  // count, attention addresses), with one callback per translated block, which adds the block's
  // instruction count (decoded once per block) or stops before a block that would cross `count`
  // or holds an attention address, so that it is stepped; a fault inside a block is placed on its
  // instruction by the addresses its memory operands compute to (placeFault). Otherwise a code
  // hook runs before every instruction: it counts, stops at `count`, and calls the observer and
  // the recorder. Switching removes the text's translated blocks (uc_ctl_remove_cache).
  Halt run(uint64_t count);
  // A wall-clock deadline for run(): a watchdog thread stops the engine when it passes, and run()
  // returns HaltKind::TimeLimit. nullopt: none.
  void setDeadline(std::optional<std::chrono::steady_clock::time_point> deadline);
  // Asks a running engine to stop after the current instruction (from an observer).
  void requestStop();

  void setObserver(MachineObserver* o) { observer_ = o; }
  void setRecorder(MachineRecorder* r);
  MachineRecorder* recorder() const { return recorder_; }
  // Per-instruction callbacks cost time; they are on only while someone needs them.
  void setInstructionHook(bool on);
  void setWriteHook(bool on);
  // Addresses where, at full speed, the recorder still sees every instruction: a translated
  // block holding one is stepped with the code hook (breakpoints). Empty: none.
  void setAttention(std::vector<uint64_t> addrs) {
    std::sort(addrs.begin(), addrs.end());
    attention_ = std::move(addrs);
  }
  // Checked before every translated block at full speed: true stops the run (HaltKind::Stopped).
  void setInterruptFlag(const std::atomic<bool>* f) { interrupt_ = f; }
  // Always run with the code hook (exact faults without inference; twin sessions).
  void setStepAlways(bool on) { stepAlways_ = on; }

  // Counting in fast mode costs one callback per translated block; without it the engine runs
  // untouched, and instructionsExecuted() stands still (a run with a count still counts).
  void setCounting(bool on) { counting_ = on; }
  bool counting() const { return counting_ || stepAlways_ || insnHookOn_ || recorder_; }
  uint64_t instructionsExecuted() const { return executed_; }
  void setInstructionsExecuted(uint64_t n) { executed_ = n; }

  // All mapped regions [begin, end), for state comparison.
  std::vector<std::pair<uint64_t, uint64_t>> regions() const;
  void readXmm(int n, uint8_t out[16]) const;
  void writeXmm(int n, const uint8_t in[16]);
  uint64_t eflags() const;
  void setEflags(uint64_t v);
  // The registers the undo log compares at every instruction, read in one engine call:
  // rt::Reg order (RAX..R15, RIP, FsBase, GsBase), then EFLAGS.
  static constexpr size_t kRegFile = size_t(rt::Reg::Count) + 1;
  void readRegFile(uint64_t out[kRegFile]) const;
  // The general registers whose bits are set in `mask` (bit i: rt::Reg(i), RAX..R15) into
  // out[i], in one engine call; the other entries of `out` are left alone.
  void readGprs(uint32_t mask, uint64_t out[16]) const;
  // The instruction at pc, decoded once (length, memory operands, registers it writes).
  const DecodedInsn& decoded(uint64_t pc) { return decode_.at(pc); }
  void writeRegFileEntry(size_t index, uint64_t v);
  // Any Unicorn x86 register by its UC_X86_REG_* id (for state comparison: MXCSR, x87, ...).
  bool readEngineReg(int ucRegId, void* out) const;
  bool writeEngineReg(int ucRegId, const void* in);

  // ---- snapshots (time travel) ----
  // A snapshot of everything. `base`: a snapshot to share unchanged pages with; `written`: the
  // pages (address / kPage) written since `base` was made, or nullptr to compare every page.
  std::unique_ptr<MachineSnapshot> snapshot(const MachineSnapshot* base,
                                            const std::unordered_set<uint64_t>* written);
  // Puts the machine back in the snapshot's state: registers, mappings, memory, count. `dirty`:
  // the only pages (address / kPage) that can differ from the snapshot's in regions both have,
  // or nullptr for all.
  void restore(const MachineSnapshot& s, const std::unordered_set<uint64_t>* dirty);
  // Bytes held by the pages of all this machine's live snapshots (shared pages counted once).
  uint64_t snapshotBytes() const { return *livePages_ * MachineSnapshot::kPage; }

private:
  Machine() = default;
  Halt runEngine(uint64_t count);
  // One uc_emu_start: with the code hook (`step`) or at full speed, stopping before `stopAt`
  // (0: no count); `askRecorder`: the code hook calls the recorder before each instruction.
  Halt runOnce(uint64_t stopAt, bool step, bool askRecorder);
  void updateWriteHook();
  void watchdog();
  void setStepping(bool on);
  void setBlockHook(bool on);
  void retranslate();
  // retranslate() flushes the whole translation cache once this many instructions have run
  // since the last flush (machine.cpp says why).
  static constexpr uint64_t kFlushAfter = 64'000'000;
  uint64_t flushedAt_ = 0;
  void stopBeforeBlock(HaltKind kind, uint64_t addr);
  uc_err mapRegion(uint64_t addr, uint64_t size, uint32_t perms);
  uc_err unmapRegion(uint64_t addr, uint64_t size);
  uint8_t* hostPtr(uint64_t addr, size_t n) const; // nullptr unless inside one host region
  void placeFault(Halt& h);
  static void onCode(uc_engine*, uint64_t addr, uint32_t size, void* self);
  static void onBlock(uc_engine*, uint64_t addr, uint32_t size, void* self);
  static bool onUnmapped(uc_engine*, uc_mem_type type, uint64_t addr, int size, int64_t value,
                         void* self);
  static void onWrite(uc_engine*, uc_mem_type type, uint64_t addr, int size, int64_t value,
                      void* self);
  static void onSyscall(uc_engine*, void* self);

  uc_engine* uc_ = nullptr;
  uc_hook codeHook_ = 0, blockHook_ = 0, writeHook_ = 0, unmappedHook_ = 0, syscallHook_ = 0;
  bool stepping_ = false; // the code hook is installed
  bool stepAlways_ = false;
  bool counting_ = true;
  std::vector<std::pair<uint64_t, uint64_t>> code_; // executable segments [begin, end)
  struct HostRegion {
    uint64_t begin, end;
    uint8_t* host;
  };
  std::vector<HostRegion> host_; // guest RAM this object owns (mapRegion), by address
  mutable size_t lastHost_ = 0;
  uint64_t stopAt_ = 0; // stop before the instruction with this count (0: none)
  // The translated block running now (fast mode): address, size, and the count before it.
  uint64_t blockAddr_ = 0, blockCountBefore_ = 0;
  uint32_t blockSize_ = 0;
  bool blockLimitHit_ = false;
  bool attentionHit_ = false;
  bool askRecorder_ = false; // the code hook calls the recorder (decided once per run)
  uint32_t attentionCount_ = 0;
  std::vector<uint64_t> attention_;
  const std::atomic<bool>* interrupt_ = nullptr;
  std::shared_ptr<uint64_t> livePages_ = std::make_shared<uint64_t>(0);
  DecodeCache decode_{[this](uint64_t a, void* d, size_t n) { return read(a, d, n); }};
  MachineObserver* observer_ = nullptr;
  MachineRecorder* recorder_ = nullptr;
  bool insnHookOn_ = false;
  bool writeHookWanted_ = false;
  uint64_t executed_ = 0;
  std::optional<Halt> pending_; // what a hook recorded before stopping the engine
  // The watchdog: running_ and fired_ are shared with its thread under watchMutex_.
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  pthread_t watchThread_{};
  bool watchThreadStarted_ = false;
  std::mutex watchMutex_;
  std::condition_variable watchCv_;
  bool running_ = false, fired_ = false, quit_ = false;
  bool runWithBlocks_ = false;              // this run has the block callback (set under the mutex)
  std::atomic<bool> deadlinePassed_{false}; // checked by the block callback
};

} // namespace gd::emu
