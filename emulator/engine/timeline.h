// Time travel by checkpoints and deterministic re-execution, as rr and WinDbg's TTD do it.
//
// The guest is deterministic (the runtime model is part of the state), so the past need not be
// logged instruction by instruction: every `interval` instructions of forward execution the
// timeline keeps a checkpoint (the machine's snapshot, whose 4 KiB pages are shared with the
// previous checkpoint unless written since, plus the runtime model's and the session's state).
// Any earlier instruction count is reached by restoring the nearest checkpoint at or before it
// and running forward to it at full speed; a backward search (reverse-continue, reverse-step)
// replays the intervals from the newest back, visiting every position, until one has what it
// looks for. Past `maxBytes` of pages, checkpoints are thinned (every other one of the older
// half goes; the first is kept, so the start of the run stays reachable).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "emulator/engine/machine.h"
#include "emulator/engine/session.h"

namespace gd::emu {

// Decides before each instruction whether forward execution stops there (breakpoints,
// watchpoints, the condition of a step command). `regs` is the register file at that point
// (Machine::kRegFile values: rt::Reg order, then EFLAGS); `wroteWatched` says the previous
// instruction (or the runtime call it made) stored into one of the watch ranges.
class StopPolicy {
public:
  virtual ~StopPolicy() = default;
  virtual bool stopBefore(uint64_t pc, const uint64_t* regs, bool wroteWatched) = 0;
};

struct TimelineOptions {
  uint64_t interval = 1 << 20;      // instructions between checkpoints
  uint64_t maxBytes = 256ull << 20; // checkpoint pages kept before thinning
};

class Timeline final : public MachineRecorder {
public:
  // Attaches to a started session's machine (and detaches in the destructor); the first
  // checkpoint is the state now.
  explicit Timeline(Session& s, TimelineOptions opts = {});
  ~Timeline() override;
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  void setPolicy(StopPolicy* p) { policy_ = p; }
  // Stores overlapping these (addr, size) ranges set `wroteWatched`.
  void setWatchRanges(std::vector<std::pair<uint64_t, uint64_t>> ranges) {
    watchRanges_ = std::move(ranges);
  }

  // Runs the session forward by at most `budget` instructions (UINT64_MAX: until it stops),
  // asking the policy before each instruction and keeping checkpoints on the way.
  StopReason advance(uint64_t budget);
  // Sparse: the policy (in advance) and the visitor (in replay) are asked only inside the
  // translated blocks holding one of the machine's attention addresses (Machine::setAttention);
  // everything else runs at full speed.
  void setSparse(bool on) { sparse_ = on; }

  // The earliest instruction count reachable backward (the first checkpoint's).
  uint64_t origin() const { return cps_.front().count; }
  uint64_t now() const { return session_.instructions(); }
  // Puts the session exactly where it was after `count` instructions (origin() <= count <=
  // now()). Events are not repeated. Checkpoints past `count` are forgotten.
  void seek(uint64_t count);

  // A position during a replay: before the instruction with index `count` (that many have run).
  struct Position {
    uint64_t count;
    uint64_t pc;
    const uint64_t* regs; // Machine::kRegFile values
    bool wroteWatched;    // the step into this position stored into a watch range
  };
  using Visitor = std::function<void(const Position&)>;
  // Replays [from, to]: seeks to `from`, then runs to `to`, calling `visit` at every position
  // from `from` to `to` inclusive (`sparse`: only at the positions of blocks holding an attention
  // address, and at `to`). Ends at `to`.
  void replay(uint64_t from, uint64_t to, const Visitor& visit, bool sparse = false);
  // The checkpoint counts, oldest first (replay intervals for backward searches).
  std::vector<uint64_t> checkpointCounts() const;

  size_t checkpoints() const { return cps_.size(); }
  uint64_t bytes() const; // pages held by the checkpoints, shared pages once
  bool thinned() const { return thinned_; }
  const TimelineOptions& options() const { return opts_; }

  // MachineRecorder
  bool beforeInstruction(uint64_t pc) override;
  void beforeWrite(uint64_t addr, size_t size) override;
  void mapped(uint64_t addr, uint64_t size) override;
  void afterRun() override {}
  bool wantsInstructions() const override {
    return visitor_ ? !sparse_ : policy_ && !seeking_ && !sparse_;
  }

private:
  struct Checkpoint {
    uint64_t count = 0;
    std::unordered_set<uint64_t> writtenAfter; // pages written until the next checkpoint
    std::shared_ptr<MachineSnapshot> machine;
    rt::Runtime::State runtime;
    Session::State session;
  };
  void checkpoint();
  void thin();

  Session& session_;
  Machine& machine_;
  TimelineOptions opts_;
  StopPolicy* policy_ = nullptr;
  const Visitor* visitor_ = nullptr;
  std::vector<std::pair<uint64_t, uint64_t>> watchRanges_;
  std::vector<Checkpoint> cps_;          // by count
  std::unordered_set<uint64_t> written_; // pages written since the last checkpoint
  bool seeking_ = false;
  bool sparse_ = false;
  bool wroteWatched_ = false;
  bool thinned_ = false;
  uint64_t regs_[Machine::kRegFile] = {};
};

} // namespace gd::emu
