// The debugger behind `godefer-emu -i`: one Session, run untraced under a Timeline, with
// breakpoints, watchpoints and stepping by instruction, source line and frame, forward and
// backward. It decides when to stop (as a StopPolicy, before each instruction) and reports why
// as a value; the REPL (emulator/frontends/repl/repl.h) does all the printing.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "emulator/engine/session.h"
#include "loader/program.h"
#include <functional>

#include "emulator/debugger/unwind.h"
#include "emulator/engine/timeline.h"

namespace gd::emu {

struct Breakpoint {
  int id = 0;
  std::string spec;            // as typed: "c.func1", "deferr.go:9", "*0x400120"
  std::vector<uint64_t> addrs; // every location
  int hits = 0;
};

struct Watchpoint {
  int id = 0;
  std::string spec; // "i", "*0xc1ffffffa0"
  uint64_t addr = 0;
  uint32_t size = 8;
  std::string type; // Go type of the variable; "" for a raw address (shown in hex)
  Value last;
  int hits = 0;
};

enum class StopWhy : uint8_t {
  Step,         // the command's own condition
  Breakpoint,   // id
  Watch,        // id, oldValue -> newValue (in forward order)
  Returned,     // the called function returned (Session::results)
  Exited,       // the guest died as a Go program would: exitStatus, message
  Error,        // the tool cannot go on: message
  HistoryStart, // reverse execution reached the start of the recording
  Interrupted,  // Ctrl-C
  NotRunning,   // nothing to do: the function has already returned
};

struct DebugStop {
  StopWhy why = StopWhy::Step;
  int id = 0;
  Value oldValue, newValue;
  int exitStatus = 0;
  std::string message;
};

class Debugger final : private StopPolicy {
public:
  struct Options {
    std::string object; // reloaded by restart
    loader::InputOptions input; // how `object` is read again (Go source: not rebuilt)
    std::shared_ptr<loader::Object> loaded; // the object already read, for the first start
    SessionOptions session; // trace is forced off: the debugger has its own recording
    std::string function = "main.main";
    std::vector<Arg> args;
    TimelineOptions timeline;
  };

  static Expected<std::unique_ptr<Debugger>> open(Options o, EventSink* sink);
  ~Debugger() override;

  // A fresh run of the same call; breakpoints and watchpoints stay.
  Expected<void> restart();

  Session& session() { return *session_; }
  const Session& session() const { return *session_; }
  Timeline& timeline() { return *timeline_; }
  Unwinder& unwinder() { return *unwinder_; }
  bool finished() const { return session_->finished(); }

  // ---- forward ----
  DebugStop stepi(uint64_t n);
  DebugStop nexti(uint64_t n);
  DebugStop step();   // to a different source line, into calls (and into deferred calls)
  DebugStop next();   // to a different source line of this frame or a caller
  DebugStop finish(); // until the selected frame returns
  DebugStop until(std::optional<uint64_t> addr); // past the current line / to addr, this frame
  DebugStop cont();

  // ---- backward ----
  DebugStop reverseStepi(uint64_t n);
  DebugStop reverseStep();
  DebugStop reverseNext();
  DebugStop reverseFinish(); // back to the call of the selected frame
  DebugStop reverseContinue();

  // ---- breakpoints and watchpoints ----
  // FUNC (past its prologue, at the first instruction of its body), FILE:LINE or LINE (the
  // first instruction of the line in each function), *ADDRESS or *FUNC (exactly there).
  Expected<std::vector<uint64_t>> resolveLocation(const std::string& spec);
  Expected<const Breakpoint*> addBreakpoint(const std::string& spec);
  // Stops when the `size` bytes at addr change (the REPL resolves NAME or ADDRESS).
  const Watchpoint* addWatch(const std::string& spec, uint64_t addr, uint32_t size,
                             const std::string& type);
  Value watchValue(const Watchpoint& w) const;
  bool remove(int id);
  void removeAll();
  const std::vector<Breakpoint>& breakpoints() const { return breakpoints_; }
  const std::vector<Watchpoint>& watches() const { return watches_; }

  // ---- goroutines ----
  // Selects goroutine goid for the frame commands (frames(), select, the selected frame's
  // variables), as gdb's `thread N`: a goroutine that is not running is unwound from the
  // registers it was parked with. Until the next stop; then the running one is selected again.
  Expected<void> selectGoroutine(uint64_t goid);
  uint64_t selectedGoroutine() const; // the running goroutine unless another was selected

  // ---- frames ----
  const std::vector<Frame>& frames(); // unwound once per stop (of the selected goroutine)
  int selected() const { return selected_; }
  const Frame* selectedFrame();
  bool select(int n);

  // Interrupts a running command (from a SIGINT handler).
  void interrupt() { interrupt_ = true; }

  // Source line of pc (0 when unknown), cached per instruction.
  int lineAt(uint64_t pc);

private:
  enum class Mode : uint8_t { Insns, NextInsn, Step, Next, Finish, Until, UntilAddr, Continue };
  struct Key {
    loader::SymId fn = loader::kNoSym;
    int line = 0;
    uint64_t cfa = 0;
    bool operator==(const Key&) const = default;
  };

  Debugger() = default;
  Expected<void> begin();
  bool stopBefore(uint64_t pc, const uint64_t* regs, bool wroteWatched) override;
  DebugStop resume(Mode mode, uint64_t budget = UINT64_MAX);
  bool userCode(uint64_t pc) const;
  DebugStop fromSession(const StopReason& r);
  DebugStop afterReverse(std::optional<DebugStop> why);
  Key keyAt(uint64_t pc, uint64_t sp);
  Key currentKey();
  // A stop found by a backward search: where, how it ranks against others at the same position,
  // the pc and stack pointer there, and what it is.
  struct Found {
    uint64_t count = 0;
    int rank = 0;
    uint64_t pc = 0, sp = 0;
    DebugStop stop;
  };
  static constexpr int kRankCondition = 1, kRankBreakpoint = 2, kRankWatch = 3, kBoundary = 4,
                       kInterrupt = 5;
  using Cond = std::function<std::optional<DebugStop>(uint64_t pc, uint64_t sp)>;
  std::optional<Found> searchBack(uint64_t before, const Cond& cond, int condRank);
  DebugStop stopAt(const Found& f);
  DebugStop historyStart();
  void attendBreakpoints(bool on);
  DebugStop backToRunStart(const Found& at, const std::function<bool(const Key&)>& ends);
  void refreshWatches();
  void updateWatchRanges();
  void invalidate();
  bool isCall(uint64_t pc);
  uint64_t afterPrologue(loader::SymId fn);

  Options opts_;
  EventSink* sink_ = nullptr;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Timeline> timeline_;
  std::unique_ptr<Unwinder> unwinder_;
  std::optional<uint64_t> viewGoid_; // a goroutine selected by selectGoroutine

  std::vector<Breakpoint> breakpoints_;
  std::vector<Watchpoint> watches_;
  std::unordered_set<uint64_t> bpAddrs_;
  int nextId_ = 1;

  std::optional<std::vector<Frame>> frames_;
  int selected_ = 0;

  // The running command.
  Mode mode_ = Mode::Continue;
  uint64_t goid_ = 1; // the goroutine a line or frame step belongs to (other goroutines run on)
  uint64_t startCount_ = 0; // the instruction count the running command started at
  Key start_;
  uint64_t spLimit_ = 0; // NextInsn/Finish/Until: stop once RSP >= spLimit_
  std::vector<uint64_t> untilAddrs_;
  std::optional<DebugStop> pending_;
  std::atomic<bool> interrupt_{false};

  std::vector<int32_t> lines_; // per text byte: INT32_MIN unknown
};

} // namespace gd::emu
