// A Session owns one run of one function: the image, the runtime model chosen by the object's
// Go version, and the machine. It calls a function under its ABI, advances instruction by
// instruction, turns runtime calls into model invocations, and reports everything as events.
// Stepping returns a plain stop reason (as rr's Session::step does) instead of printing.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "emulator/engine/callabi.h"
#include "emulator/engine/events.h"
#include "emulator/engine/machine.h"
#include "loader/disasm.h"
#include "loader/image.h"
#include "loader/vars.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::emu {

struct SessionOptions {
  // Stop with exit status 3 after this many instructions (0: no limit).
  uint64_t maxInstructions = 0;
  // Stop with exit status 3 when a run (start to finish) has taken this long (0: no limit): what
  // stops a runaway guest without cutting a long real program short.
  std::chrono::milliseconds timeLimit{0};
  uint64_t maxStack = 1'000'000'000; // runtime.maxstacksize
  loader::Syntax syntax = loader::Syntax::Go;
  std::vector<std::string> sourceDirs;
  bool trace = true; // per-instruction events (off for -q: faster)
  // Count instructions (Session::instructions). Off, an untraced run has no callback at all;
  // --max-insns, traces and the debugger count.
  bool count = true;
  // Per-instruction events inside other packages too; by default a call from the user's code
  // into another package is one CallEvent and its ReturnEvent (the code runs untraced).
  bool traceAll = false;
};

enum class StopKind : uint8_t {
  Stepped,    // the requested number of instructions ran
  Returned,   // the called function returned to us: results are in the ReturnEvent
  Exited,     // the guest died as a Go program would (panic, fatal error): exitStatus
  Error,      // the tool cannot go on: unmodelled runtime call, fault it cannot explain, limit
  Breakpoint, // the machine stopped for its owner (a debugger's breakpoint, watchpoint or stop)
};

struct StopReason {
  StopKind kind = StopKind::Stepped;
  int exitStatus = 0;
  std::string message;
  uint64_t pc = 0;
};

// A named variable of the called function's frame that the session watches.
struct WatchedVar {
  loader::VarInfo info;
  uint64_t addr = 0;
  uint32_t size = 8;
  std::string owner;
  bool isString = false;              // not a scalar: its text depends on more than its first word
  std::optional<rt::TypeFacts> facts; // rt::builtinTypeFacts(info.type), looked up once
  const rt::GoType* shape = nullptr;  // composite values: read through it
};

// An argument of Session::start: a typed value, converted to the parameter's type (integers
// range-checked), or a command-line word read by the parameter's type: "42", "-0x10", "true",
// "1.5", "hello" or "\"hello\"" (Go's quoting), "[1 2 3]" or "1,2,3" for a slice.
struct Arg {
  using Bytes = std::vector<uint8_t>;
  std::variant<int64_t, uint64_t, bool, double, std::string, std::vector<int64_t>, Bytes> value;
  bool word = false; // value holds a command-line word (a std::string)

  Arg(int v) : value(int64_t(v)) {}
  Arg(long v) : value(int64_t(v)) {}
  Arg(long long v) : value(int64_t(v)) {}
  Arg(unsigned long v) : value(uint64_t(v)) {}
  Arg(unsigned long long v) : value(uint64_t(v)) {}
  Arg(bool v) : value(v) {}
  Arg(double v) : value(v) {}
  Arg(std::string v) : value(std::move(v)) {}
  Arg(const char* v) : value(std::string(v)) {}
  Arg(std::vector<int64_t> v) : value(std::move(v)) {}
  Arg(Bytes v) : value(std::move(v)) {}
  static Arg fromWord(std::string w) {
    Arg a(std::move(w));
    a.word = true;
    return a;
  }
};

class Session : private MachineObserver, private rt::RuntimeListener {
public:
  static Expected<std::unique_ptr<Session>> open(const std::string& path, SessionOptions opts);
  static Expected<std::unique_ptr<Session>> open(std::shared_ptr<loader::Object> obj,
                                                 SessionOptions opts);
  ~Session() override;

  void addSink(EventSink* s) { sinks_.push_back(s); }
  // Muted, the session emits no events (time travel re-executing what was already reported).
  void setMuted(bool on) { muted_ = on; }
  // For tests: a traced instruction's register changes from every general register instead of
  // the ones the decoder says it writes (the two must give the same trace).
  void setTraceEveryRegister(bool on) { traceEveryRegister_ = on; }

  // Prepares a call of `function` (`c`, `main.c`, `"".c`) with `args`, checked against its
  // parameters (count, type, range) when the object or the source gives them.
  Expected<void> start(const std::string& function, const std::vector<Arg>& args);
  // Runs until the function returns, the guest exits, or something stops it.
  StopReason run();
  // Runs at most `n` instructions (runtime calls count as part of the CALL that made them).
  StopReason step(uint64_t n);

  const std::vector<Value>& results() const { return results_; }
  const loader::Image& image() const { return *image_; }
  const loader::Object& object() const { return *obj_; }
  Machine& machine() { return *machine_; }
  rt::Runtime& runtime() { return *runtime_; }
  const loader::FuncVars& vars() const { return vars_; }
  uint64_t instructions() const { return machine_->instructionsExecuted(); }
  bool finished() const { return finished_; }
  loader::SymId function() const { return function_; }
  uint64_t entrySp() const { return entrySp_; }
  const SessionOptions& options() const { return opts_; }

  // A call from the user's code into another package that runs untraced (traceAll off): the
  // callee, and the SP and return address that mark its return.
  struct OutsideCall {
    loader::SymId fn = loader::kNoSym;
    uint64_t sp = 0, ret = 0;
  };

  // The session's own part of the run's state, for time travel (emulator/engine/timeline.h):
  // restored together with the machine and the runtime model.
  struct State {
    bool finished = false;
    std::vector<Value> results, watchedValues;
    std::vector<loader::SymId> initQueue;
    bool pendingMain = false;
    uint64_t faults = 0;
    std::vector<OutsideCall> outside;
  };
  State saveState() const {
    return {finished_, results_, watchedValues_, initQueue_, pendingMain_, faults_, outside_};
  }
  void restoreState(const State& s) {
    finished_ = s.finished;
    results_ = s.results;
    watchedValues_ = s.watchedValues;
    watchedBits_.assign(watched_.size(), std::nullopt);
    initQueue_ = s.initQueue;
    pendingMain_ = s.pendingMain;
    faults_ = s.faults;
    outside_ = s.outside;
    userRange_ = {};
  }

  // Formats a value of Go type `type` found at `addr` (or in `raw` for register values).
  Value readValue(const std::string& type, uint64_t addr) const;
  // The results of `fn` just after it returned (its caller's SP is `area`, where ABI0 and
  // stack-assigned results are), by the names and types the object or the source gives; empty
  // when they are unknown.
  std::vector<Value> returnedValues(loader::SymId fn, uint64_t area) const;
  // The shape of a Go type by its type string (nullptr when the object does not describe it).
  const rt::GoType* goType(const std::string& type) const;
  // A value of any type from its bytes or from memory (values.h ValueReader).
  Value decodeValue(const rt::GoType* t, std::span<const uint8_t> bytes) const;
  Value readValue(const rt::GoType* t, uint64_t addr) const;
  Value valueFromBits(const std::string& type, uint64_t bits) const;

private:
  Session() = default;
  StopReason advance(uint64_t budget);
  std::vector<uint8_t> placedBytes(const Placement& p, const rt::GoType* t, uint64_t area) const;
  Expected<std::vector<uint8_t>> encodeArg(const Arg& a, const rt::GoType* t,
                                           const std::string& param);
  void logLayout() const;
  StopReason handleHalt(Halt h);
  bool locateFault(Halt& h);
  StopReason finishCall();
  std::vector<loader::SymId> initFunctions() const;
  // Whether pc is in the user's packages (cached by function range).
  bool userPc(uint64_t pc);
  // beforeInstruction's part for other packages: false when the instruction is not traced.
  bool traceBoundary(uint64_t pc);
  std::vector<OutsideCall> outside_;
  struct {
    uint64_t lo = 0, hi = 0;
    bool user = true;
  } userRange_;
  // The called function's arguments as start() placed them (registers, the stack argument
  // area), placed again when the imported packages' initialisation has run first.
  struct EntryArgs {
    struct Reg {
      bool isFloat;
      int reg;
      uint64_t bits;
    };
    std::vector<Reg> regs;
    std::vector<uint8_t> stack;
  } entryArgs_;
  void callNextInit();
  void callReturningToUs(uint64_t address);
  void emit(const Event& e);
  // Completes the traced instruction's events, reading every general register (at the end of a
  // run) or only the ones the instruction writes (before the next one).
  void flushInstruction(bool everyRegister = true);
  // Emits a VarEvent for each watched variable whose value changed, written at pc by `writer`
  // (nullptr: the function at pc, named only if something changed); `touched`: bit k set when
  // watched_[k] may have changed (those past the 64th are always looked at).
  void checkVars(const std::string* writer, uint64_t pc, uint64_t touched = ~0ull);
  std::string where(uint64_t pc) const;

  // MachineObserver
  void beforeInstruction(uint64_t pc) override;
  void beforeWrite(uint64_t addr, uint32_t size) override;
  // RuntimeListener
  void runtimeEvent(const rt::RuntimeEvent& e) override;
  void guestOutput(const rt::GuestOutput& o) override;
  bool wantsRuntimeEvents() const override;

  SessionOptions opts_;
  std::shared_ptr<loader::Object> obj_;
  std::unique_ptr<loader::Image> image_;
  const rt::RuntimeProfile* rprof_ = nullptr;
  std::unique_ptr<rt::Runtime> runtime_;
  std::unique_ptr<Machine> machine_;
  std::vector<EventSink*> sinks_;
  bool muted_ = false;

  loader::SymId function_ = loader::kNoSym;
  loader::FuncVars vars_;
  std::vector<WatchedVar> watched_;
  std::vector<Value> watchedValues_;
  std::vector<Value> results_;
  uint64_t entrySp_ = 0;
  size_t nargs_ = 0;
  std::vector<loader::SymId> initQueue_; // init functions still to run before main.main
  bool pendingMain_ = false;
  bool finished_ = false;
  bool deadlineSet_ = false; // timeLimit counts from the first run after start()
  // What start() was given, so that a twin session can repeat the run (locateFault).
  std::string startName_;
  std::vector<Arg> startArgs_;
  // Where the call's parameters and results are (when their types are known).
  std::optional<CallLayout> layout_;
  std::vector<const rt::GoType*> resultTypes_;
  int starts_ = 0;
  // Memory faults met so far (nil dereferences become panics and the run goes on).
  uint64_t faults_ = 0;
  // In a twin: stop at the memory fault with this ordinal (1-based), and keep where it was.
  std::optional<uint64_t> faultProbe_;
  std::optional<std::pair<uint64_t, uint64_t>> probed_; // (pc, count)
  bool probedExact_ = false;

  // What a traced instruction's events need to know about its pc, found once: the static part
  // of its events and the general registers it writes (bit i: rt::Reg(i); all when Zydis cannot
  // tell). The hot pcs sit in a direct-mapped table in front of the map (whose nodes never move).
  struct TracedPc {
    std::shared_ptr<const InsnInfo> info;
    uint32_t writes = 0;
  };
  const TracedPc& tracedPc(uint64_t pc);
  std::unordered_map<uint64_t, TracedPc> tracedPcs_;
  static constexpr size_t kHotPcs = 4096;
  std::array<std::pair<uint64_t, const TracedPc*>, kHotPcs> hotPcs_{};
  uint32_t nextInsnId_ = 0;

  // The instruction being traced: events are complete only once it has run. Between its
  // instructions the engine changes only what an instruction writes, so `regs` (the general
  // registers as they stand) is refreshed from the registers the finished instruction writes;
  // the first instruction of a run reads them all, as does the end of a run.
  struct Pending {
    bool active = false;
    uint64_t pc = 0;
    uint64_t index = 0; // 1-based: the machine counts an instruction before it runs
    const TracedPc* at = nullptr;
    uint64_t regs[16] = {};
    std::vector<Event> writesSeen; // MemEvents; the first `nWrites` are this instruction's
    size_t nWrites = 0;
  } pending_;
  // Reused events: their strings and lists keep their capacity.
  Event insnEvent_{InsnEvent{}};
  Event varEvent_{VarEvent{}};
  // For tests: read every general register after each traced instruction, not only the ones
  // Zydis says it writes.
  bool traceEveryRegister_ = false;
  // The bits of watched variables (non-string ones, which format from their bytes alone) as
  // last formatted, so that a write that leaves a variable's bytes alone formats nothing.
  std::vector<std::optional<uint64_t>> watchedBits_;
};

// Formats results as `println` would print them, space-separated ("2", "-1 false").
std::string formatResultsLine(const std::vector<Value>& results);

// What --expect checks. Each of `wants` is the results line as -q prints it ("3 true x"), or
// NAME=VALUE for the result named NAME (VALUE as -q or as fmt's %+v prints it: p={7 21} or
// p={X:7 Y:21}), or the values separated by commas (3,true). Empty when all hold; else a diff,
// "- want" and "+ got" lines.
std::string expectMismatch(const std::vector<Value>& results,
                           const std::vector<std::string>& wants);

} // namespace gd::emu
