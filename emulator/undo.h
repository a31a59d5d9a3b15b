// Time travel: an undo log of everything each executed instruction changed, so that execution
// can be taken back one instruction at a time, exactly.
//
// The log is a MachineRecorder. Before each instruction it closes the previous step: the
// general registers and EFLAGS are read in one engine call and compared with the values the log
// last knew, and the old values of those that changed are kept; XMM0-15 and MXCSR are compared
// only after instructions that can touch them (0F/VEX/EVEX opcodes) and after runtime calls.
// Guest stores and writes by the runtime models (rt::Guest::write) keep the bytes they are
// about to overwrite; regions mapped while running (stack growth, heap chunks) are unmapped on
// undo. When the engine returns to the session (a runtime call, a fault, the end of a step
// command), the runtime model's and the session's state are kept once for the step, because
// only what happens there changes them.
//
// Undo restores the bytes in reverse order, the registers, the mappings and those states, and
// forgets the step: going forward again re-executes (the machine is deterministic). Memory use is
// a few dozen bytes per instruction; past `maxBytes` the oldest steps are dropped in chunks.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "emulator/machine.h"
#include "emulator/session.h"

namespace gd::emu {

// Decides before each instruction whether execution stops there (breakpoints, watchpoints, the
// condition of a step command). `regs` is the register file at that point (Machine::kRegFile
// values: rt::Reg order, then EFLAGS); `wroteWatched` says the previous step stored into one of
// the log's watch ranges.
class StopPolicy {
public:
  virtual ~StopPolicy() = default;
  virtual bool stopBefore(uint64_t pc, const uint64_t* regs, bool wroteWatched) = 0;
};

struct UndoOptions {
  uint64_t maxBytes = 1ull << 30; // history kept; older steps are dropped
};

class UndoLog final : public MachineRecorder {
public:
  // One executed instruction, with the runtime model's work that followed it (a CALL into a
  // runtime stub is one step, as it is one instruction in the count).
  struct Step {
    uint64_t pc = 0;     // RIP before the step
    uint64_t sp = 0;     // RSP before the step
    uint64_t count = 0;  // Machine::instructionsExecuted() before the step
    uint64_t offset = 0; // first record in its chunk's bytes
  };

  // Attaches to the session's machine (and detaches in the destructor). The session must have
  // been started and run untraced (SessionOptions::trace = false).
  explicit UndoLog(Session& s, UndoOptions opts = {});
  ~UndoLog() override;
  UndoLog(const UndoLog&) = delete;
  UndoLog& operator=(const UndoLog&) = delete;

  void setPolicy(StopPolicy* p) { policy_ = p; }
  // Stores overlapping these [addr, addr+size) ranges set the `wroteWatched` flag.
  void setWatchRanges(std::vector<std::pair<uint64_t, uint64_t>> ranges) {
    watchRanges_ = std::move(ranges);
  }

  // Closes the step in progress (after the session returned from a run or a step).
  void sync();

  // Undoes the last step. nullopt when there is none; otherwise whether it had written into a
  // watch range.
  std::optional<bool> undo();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The j-th step from the end (0: the last one); nullptr past the start.
  const Step* back(size_t j = 0) const;
  // Steps forgotten to stay under maxBytes (the history starts after them).
  uint64_t dropped() const { return dropped_; }
  uint64_t bytes() const;

  // MachineRecorder
  bool beforeInstruction(uint64_t pc) override;
  void beforeWrite(uint64_t addr, size_t size) override;
  void mapped(uint64_t addr, uint64_t size) override;
  void afterRun() override;

private:
  struct Chunk {
    std::vector<Step> steps;
    std::vector<uint8_t> bytes;
  };
  struct Side {
    rt::Runtime::State runtime;
    Session::State session;
  };
  static constexpr size_t kVecRegs = 17; // XMM0-15, MXCSR
  using VecFile = std::array<std::array<uint8_t, 16>, kVecRegs>;

  void openStep(uint64_t pc);
  void closeStep();
  bool touchesVectors(uint64_t pc);
  void readVectors(VecFile& out) const;
  void writeVector(size_t i, const uint8_t* v);
  template <class T> void put(const T& v);
  void putBytes(const void* p, size_t n);
  void trim();
  static size_t recordSize(const std::vector<uint8_t>& bytes, size_t off);

  Session& session_;
  Machine& machine_;
  UndoOptions opts_;
  StopPolicy* policy_ = nullptr;
  std::vector<std::pair<uint64_t, uint64_t>> watchRanges_;

  std::deque<Chunk> chunks_;
  std::deque<Side> sides_;
  size_t size_ = 0;
  uint64_t dropped_ = 0;

  uint64_t cur_[Machine::kRegFile] = {}; // registers as of the last step boundary
  VecFile curVec_{};
  bool open_ = false, openVectors_ = false, sideKept_ = false, touchedWatch_ = false;
  bool replaying_ = false;
  uint64_t openPc_ = 0;
  std::vector<uint8_t> vecKind_; // per text byte: 0 unknown, 1 scalar, 2 touches XMM/MXCSR
  std::vector<size_t> scratch_;
  std::vector<uint8_t> oldBytes_;
};

} // namespace gd::emu
