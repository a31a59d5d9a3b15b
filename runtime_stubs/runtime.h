// The Go runtime model: the goroutine (g, its stack and TLS), the heap, and the runtime
// functions compiled code calls (defer, stack growth, prints, ...), chosen by name from a
// registry. Each model reproduces the observable behaviour of the Go runtime of the object's
// release (src/runtime/panic.go, stack.go, print.go), reading its arguments under that
// release's ABI.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "loader/image.h"
#include "runtime_stubs/events.h"
#include "runtime_stubs/guest.h"
#include "runtime_stubs/runtime_profile.h"
#include "runtime_stubs/system.h"
#include "runtime_stubs/types.h"
#include "runtime_stubs/unwind.h"

namespace gd::rt {

// Fixed addresses: traces are identical from run to run.
inline constexpr uint64_t kHeapBase = 0xc000000000;
inline constexpr uint64_t kTlsBlock = kHeapBase;      // [FS-8] / [GS+0x30] hold g
inline constexpr uint64_t kGAddr = kHeapBase + 0x100; // the goroutine's g
inline constexpr uint64_t kHeapAllocStart = kHeapBase + 0x1000;
inline constexpr uint64_t kHeapChunk = 16ull << 20; // heap grows in 16 MiB steps
inline constexpr uint64_t kStackHi = 0xc200000000;  // the goroutine stack's top
inline constexpr uint64_t kBadDefer = 1; // badDefer(): a range-over-func list head poisoned

enum class StubStatus : uint8_t {
  Continue,    // registers updated; resume at RIP
  Exit,        // the program ends (fatal error, unrecovered panic): exitStatus, message printed
  Unsupported, // a runtime function we do not model: message names it and the caller
  Fault,       // the model could not read or write guest memory it needed
};

struct StubResult {
  StubStatus status = StubStatus::Continue;
  int exitStatus = 0;
  std::string message;
};

class RuntimeListener {
public:
  virtual ~RuntimeListener() = default;
  virtual void runtimeEvent(const RuntimeEvent& e) = 0;
  virtual void guestOutput(const GuestOutput& o) = 0;
  // Whether runtime events are looked at now: when not, the model skips describing its
  // operations (names of functions, the g._defer chain), which would cost more than the
  // operations themselves.
  virtual bool wantsRuntimeEvents() const { return true; }
};

struct RuntimeOptions {
  uint64_t maxStack = 1000000000; // runtime.maxstacksize (debug.SetMaxStack)
};

class Runtime {
public:
  Runtime(const loader::Image& img, const RuntimeProfile& prof, RuntimeOptions opts = {});
  ~Runtime();

  // Which undefined symbols are runtime data (and how big) or runtime code that must exist as
  // instructions (duffzero, duffcopy), for loader::layout.
  static loader::ExternSpec classify(const loader::Symbol& s, const RuntimeProfile& prof);

  // Whether a runtime function of this name has a model (a call to any other stops the run).
  static bool isModelled(const std::string& name);

  // Maps and initialises the goroutine: TLS, g, its first stack, the heap, runtime data.
  bool setup(Guest& g);
  // What goroutine 1 runs (runtime.main's main.main in Go; here the called function), as the
  // goroutine list names it.
  void setMainFunction(std::string name) { mainFn_ = std::move(name); }

  // Called when execution reaches the extern area at `pc` (a runtime function's slot, or a
  // continuation inside one). Updates the guest and says how to go on.
  StubResult onExtern(Guest& g, uint64_t pc);

  // ---- the operating system (syscalls.cpp, system.cpp; the process's facts: system.h) ----
  // Go code executed the SYSCALL instruction at `pc` (RIP is already past it): the Linux x86-64
  // system call AX(DI, SI, DX, R10, R8, R9), answered as the model's process would, the result
  // in AX (-errno on failure); exit and exit_group end the run with their status.
  StubResult syscall(Guest& g, uint64_t pc);
  // The program's name (argv[0]) and the clock's readings (both advance the clock).
  std::string programName() const;
  int64_t wallNanos();
  int64_t monoNanos();

  void setListener(RuntimeListener* l) { listener_ = l; }
  const RuntimeProfile& profile() const { return prof_; }
  const loader::Image& image() const { return img_; }

  uint64_t gAddr() const { return kGAddr; }
  uint64_t stackLo() const { return run_.stackLo; }
  uint64_t stackHi() const { return run_.stackHi; }
  // Where the first frame's stack pointer goes, leaving `argBytes` above the return address.
  uint64_t entrySp(uint64_t argBytes) const;

  // The defer chain g._defer, newest first: record addresses.
  std::vector<uint64_t> deferChain(const Guest& g, size_t limit = 10000) const;
  // The function a funcval points to, by name ("main.c.func1"), or hex.
  std::string funcvalName(const Guest& g, uint64_t fn) const;

  // The shape of the Go type a type string names ("main.P", "[]int", "map[string]int"): from the
  // object's descriptor of that name, else from the string itself; nullptr when neither tells (a
  // named type the object has no descriptor for). Shapes never change, so they are kept.
  const GoType* goType(const Guest& g, const std::string& name) const;
  // The shape of the type whose descriptor is at `typ` (an interface's dynamic type).
  const GoType* goTypeAt(const Guest& g, uint64_t typ) const;
  // The dynamic type's descriptor of an interface value whose first word is `word` (the type
  // itself for interface {}, else its itab); 0 for a nil interface.
  uint64_t dynamicType(const Guest& g, uint64_t word, bool emptyInterface) const;
  // The entries of the map whose header is at `m`: (key, element) addresses in slot order, at
  // most `limit` of them.
  std::vector<std::pair<uint64_t, uint64_t>> mapEntries(const Guest& g, uint64_t m,
                                                        size_t limit = 1000) const;

  // How many times each model ran ("runtime.deferreturn" -> 2).
  const std::map<std::string, int>& callCounts() const { return calls_; }

  // Heap allocation, zeroed, aligned as mallocgc would round small sizes.
  // size bytes of zeroed heap; size 0 gives &runtime.zerobase, as mallocgc does.
  std::optional<uint64_t> alloc(Guest& g, uint64_t size);
  // A heap copy of `bytes` (a Go string's or slice's backing array).
  std::optional<uint64_t> allocCopy(Guest& g, std::string_view bytes);

  // Frames from (pc, sp), innermost first, up to the first frame (the one that returns to the
  // emulator's sentinel): Go code by its pcsp tables, the models' frames as they know them.
  std::vector<Frame> unwind(const Guest& g, uint64_t pc, uint64_t sp, size_t max = 100000) const;
  const StackWalker& walker() const { return walker_; }

  // A fault in Go code at `pc` touching `addr`: what the signal handler and sigpanic do (a
  // nil dereference becomes a recoverable runtime error; other addresses are fatal).
  StubResult memoryFault(Guest& g, uint64_t pc, uint64_t addr);

  // One panic (or, from Go 1.22, one deferreturn) in progress: the runtime's own frame that
  // calls deferred functions and resumes when they return.
  struct PanicRun {
    uint64_t p = 0;       // the _panic record in guest memory
    uint64_t entrySp = 0; // [entrySp] = return address into the panicking frame
    uint64_t callSp = 0;  // SP at which deferred calls are made: p.argp = callSp + 8
    uint64_t d = 0;       // Go 1.15-1.21: the record being run
    bool runningOpen = false;
    // Go 1.22+: the frame _panic.nextFrame found (sp, fp), where its walk goes on from
    // (cursorPc/cursorSp: p.lr/p.fp, Go 1.27 p.pc/p.sp; cursorPc 0 when the stack is done), and
    // the open-coded state of the frame
    uint64_t fp = 0, sp = 0, cursorPc = 0, cursorSp = 0, retpc = 0, deferBitsPtr = 0, slotsPtr = 0;
    // runtime.Goexit's record: its loop ends the goroutine instead of printing the panic
    bool goexit = false;
    // [signal ...] line of a fault
    bool signal = false;
    uint64_t sigAddr = 0, sigPc = 0;
    bool operator==(const PanicRun&) const = default;
  };

  // What the model keeps of the running goroutine besides its g struct (at kGAddr) and
  // registers: its stack bounds, its defer depth, its panics in progress. The others keep theirs
  // in their Goroutine record until they run again.
  struct GoroutineState {
    uint64_t stackLo = 0, stackHi = kStackHi, mappedLo = 0;
    uint64_t deferDepth = 0; // records on g._defer
    std::vector<PanicRun> panics;
    // Go 1.15 open-coded calls with stack arguments made by deferreturn: (SP after the callee
    // returns, deferreturn's own SP) to restore.
    std::vector<std::pair<uint64_t, uint64_t>> deferreturnResume;
    bool operator==(const GoroutineState&) const = default;
  };

  // A goroutine (sched.go). The running one lives where the single-goroutine model keeps its
  // state (the g struct at kGAddr, run_); the others keep copies here, with their registers,
  // until they run again.
  enum class GStatus : uint8_t { Runnable, Running, Waiting, Dead };
  struct Goroutine {
    uint64_t goid = 0;
    GStatus status = GStatus::Runnable;
    std::string waitReason;                  // "chan receive", "select", ... while Waiting
    std::string startFn;                     // the function `go` started
    uint64_t creatorGoid = 0, createdPc = 0; // who ran the go statement; newproc's return pc
    std::array<uint64_t, 17> regs{};         // in kRegOrder (saved while not running)
    static constexpr std::array<Reg, 17> kRegOrder = {
        Reg::RAX, Reg::RBX, Reg::RCX, Reg::RDX, Reg::RSI, Reg::RDI, Reg::RBP, Reg::RSP, Reg::R8,
        Reg::R9,  Reg::R10, Reg::R11, Reg::R12, Reg::R13, Reg::R14, Reg::R15, Reg::RIP};
    static constexpr size_t regIndex(Reg r) {
      for (size_t i = 0; i < kRegOrder.size(); i++)
        if (kRegOrder[i] == r) return i;
      return kRegOrder.size();
    }
    static constexpr size_t kRegRdx = 3, kRegRsp = 7, kRegRip = 16; // in kRegOrder
    std::vector<uint8_t> gStruct;                                   // the g struct's bytes
    GoroutineState run;
    // Why it was woken: a channel operation completed (success), or the channel was closed; the
    // select case that fired.
    bool success = false;
    int64_t selectCase = -1;
    // A timer function's run (time.go's unlockAndRun, which Go runs on the scheduler's own
    // stack): no goroutine of the program, never listed, goid 0.
    bool timerRun = false;
    bool operator==(const Goroutine&) const = default;
  };
  // A timer (time.go): set by package time (Timer, Ticker, AfterFunc) or by time.Sleep for the
  // sleeping goroutine. Pending while when > 0.
  struct Timer {
    uint64_t t = 0; // the guest's runtimeTimer (Go 1.15-1.22) or timeTimer (Go 1.23+); 0: Sleep
    int64_t when = 0, period = 0;
    uint64_t f = 0, argType = 0, argData = 0, seq = 0;
    uint64_t chan = 0;    // Go 1.23+ channel timer: the channel whose hchan.timer it is
    int64_t sleeper = -1; // time.Sleep: the goroutine to make ready
    uint64_t order = 0;   // timers due at one instant run in the order they were set
    bool operator==(const Timer&) const = default;
  };
  // A goroutine blocked on a channel (a sudog): where the value comes from or goes to, and the
  // select case it stands for (-1 outside select).
  struct Waiter {
    size_t gi = 0;
    uint64_t elem = 0;
    int64_t selectCase = -1;
    bool operator==(const Waiter&) const = default;
  };
  struct ChanQueues {
    std::vector<Waiter> recvq, sendq;
    bool operator==(const ChanQueues&) const = default;
  };
  struct Scheduler {
    std::vector<Goroutine> gs; // index 0: the main goroutine
    size_t current = 0;
    int64_t runnext = -1;
    std::vector<size_t> runq;          // the P's local run queue, FIFO
    std::vector<size_t> free;          // dead goroutines whose stacks can be reused
    uint64_t nextGoid = 0;             // assigned on first `go`
    uint64_t rng = 0x9e3779b97f4a7c15; // select's poll order (fastrand): a fixed seed
    uint64_t slice = 0; // channel operations since the last switch (sysmon's preemption)
    std::map<uint64_t, ChanQueues> chans;
    // sync.cpp: goroutines parked on a semaphore address (sema.go's semaRoot queues), and on a
    // notify list (sync.Cond) with their tickets.
    std::map<uint64_t, std::vector<size_t>> semas;
    std::map<uint64_t, std::vector<std::pair<uint32_t, size_t>>> notifyWaiters;
    std::vector<Timer> timers; // timer.cpp
    uint64_t timerOrder = 0;
    bool operator==(const Scheduler&) const = default;
  };
  const Scheduler& scheduler() const { return sched_; }
  uint64_t deferDepth() const { return run_.deferDepth; } // records on the running g._defer
  uint64_t currentGoid() const { return sched_.gs.empty() ? 1 : sched_.gs[sched_.current].goid; }

  // The copyable part of the model's state (for time travel: restored with the memory).
  struct State {
    GoroutineState run;
    uint64_t heapNext, heapMapped;
    std::map<std::string, int> calls;
    uint64_t errorType = 0; // allocated on first use: undone with the heap
    Scheduler sched;
    SystemState sys; // the operating system's side (system.h)
    bool operator==(const State&) const = default;
  };
  State state() const;
  void restore(const State& s);

  // Everything a stub needs to read its arguments and write its results under the object's ABI.
  class Call;
  using Model = StubResult (Runtime::*)(Guest&, Call&);

private:
  friend class Call;
  void emit(RuntimeEvent e);
  // An Alloc event for `size` bytes at `addr`, allocated by the modelled call c.
  void emitAlloc(const Call& c, uint64_t addr, uint64_t size);
  void output(const std::string& bytes);
  // The first kChainShown names of g._defer (the event's chain; its length is run_.deferDepth).
  std::vector<std::string> chainNames(const Guest& g) const;
  // Someone looks at runtime events (see RuntimeListener::wantsRuntimeEvents).
  bool observed() const { return listener_ && listener_->wantsRuntimeEvents(); }
  // Every change to g._defer's chain goes through here: `slot` is g._defer or a record's link,
  // `delta` the records that adds (+1) or removes (-1), so the chain's length is known without
  // walking it (a walk per event is quadratic in deep recursion).
  void linkDefer(Guest& g, uint64_t slot, uint64_t value, int delta);

  // defer.cpp
  StubResult deferprocStack(Guest& g, Call& c);
  StubResult deferproc(Guest& g, Call& c);
  StubResult deferrangefunc(Guest& g, Call& c);
  // sched.cpp: goroutines
  StubResult newproc(Guest& g, Call& c);
  StubResult gosched(Guest& g, Call& c);
  StubResult goexit(Guest& g);              // a goroutine's function returned into the goexit slot
  StubResult goexitCall(Guest& g, Call& c); // runtime.Goexit
  // timer.cpp
  StubResult timeStartTimer(Guest& g, Call& c); // Go 1.15-1.22 startTimer/modTimer/resetTimer
  StubResult timeStopTimer(Guest& g, Call& c);  // stopTimer, both generations
  StubResult timeNewTimer(Guest& g, Call& c);   // Go 1.23+ newTimer
  StubResult timeResetTimer(Guest& g, Call& c); // Go 1.23+ resetTimer
  StubResult sysSleep(Guest& g, Call& c);       // time.Sleep
  Timer* findTimer(uint64_t t);
  void setTimer(Timer t);
  void dropTimer(const Timer* t);
  Timer readRuntimeTimer(const Guest& g, uint64_t t, int64_t when) const;
  std::optional<Timer> timerArgs(Call& c);
  bool drainTimerChan(Guest& g, uint64_t ch);                 // chan.cpp
  std::optional<StubResult> runDueTimer(Guest& g, bool idle); // schedule(): a timer due now
  StubResult runTimerFunc(Guest& g, const Timer& t, int64_t delay);
  Expected<size_t> newGoroutineSlot(Guest& g); // gfget or a new g with its stack
  int64_t clockNow() const;                    // the monotonic clock without reading it (no step)
  StubResult deferredCallsDone(Guest& g);      // the panic or Goexit loop found no more defers
  std::optional<StubResult> resumeGoexit(Guest& g, uint64_t p); // recovery meets a Goexit
  // Parks the running goroutine in the runtime function being modelled (it resumes by
  // re-entering that function as a continuation) and runs the next one.
  StubResult park(Guest& g, const std::string& reason);
  void ready(size_t gi); // runqput(next=true)
  StubResult schedule(Guest& g);
  void saveRunning(Guest& g, uint64_t rip);
  void switchTo(Guest& g, size_t gi);
  void ensureMainGoroutine();
  // A channel operation that completed returns to its caller; a goroutine that has completed
  // many of them without blocking while others wait to run is preempted there, as sysmon
  // preempts one that runs too long.
  StubResult returnOrPreempt(Guest& g);
  std::string goroutineHeader() const; // "goroutine 1 [running]:"
  // Go frames from (pc, sp) up, as traceback.go prints them at GOTRACEBACK=single:
  // `function(args)`, then a tab, file:line and the pc's offset in the function. Runtime model
  // frames are left out, as Go hides runtime frames. signal: pc is a faulting instruction, not
  // a return address.
  std::string tracebackFrames(const Guest& g, uint64_t pc, uint64_t sp, bool signal) const;
  // A goroutine that is not running: its frames, then `created by` (goroutines other than 1).
  std::string goroutineFrames(const Guest& g, const Goroutine& gr) const;
  std::string createdBy(const Goroutine& gr) const;
  // sync.cpp: what sync, sync/atomic, internal/sync and internal/poll ask of the runtime
  bool canSemacquire(Guest& g, uint64_t addr);
  StubResult semacquire(Guest& g, Call& c);
  StubResult semrelease(Guest& g, Call& c);
  StubResult notifyListAdd(Guest& g, Call& c);
  StubResult notifyListWait(Guest& g, Call& c);
  StubResult notifyListNotify(Guest& g, Call& c);
  StubResult syncTrivial(Guest& g, Call& c);
  StubResult syncFatal(Guest& g, Call& c);
  // chan.cpp: channels and select
  StubResult makechan(Guest& g, Call& c);
  StubResult chansend1(Guest& g, Call& c);
  StubResult chanrecv1(Guest& g, Call& c);
  StubResult chanrecv2(Guest& g, Call& c);
  StubResult closechan(Guest& g, Call& c);
  StubResult selectgo(Guest& g, Call& c);
  StubResult selectnbsend(Guest& g, Call& c);
  StubResult selectnbrecv(Guest& g, Call& c);
  StubResult selectnbrecv2(Guest& g, Call& c);
  StubResult block(Guest& g, Call& c);
  StubResult chanlen(Guest& g, Call& c); // chanlen/chancap (Go 1.23+: len and cap call them)
  // One send or receive attempted without blocking: true when it happened (received: whether a
  // value came, false for a closed channel's zero value). A send on a closed channel panics:
  // `sendClosed` set.
  bool trySend(Guest& g, uint64_t ch, uint64_t elem, bool& sendClosed);
  bool tryRecv(Guest& g, uint64_t ch, uint64_t elem, bool& received);
  void dequeueSelect(size_t gi);
  void dropIfIdle(uint64_t ch); // a channel nobody waits on keeps no queues
  StubResult chanPanic(Guest& g, Call& c, const std::string& text);
  StubResult deferprocat(Guest& g, Call& c);
  // Go 1.23+ deferconvert: the records a range-over-func loop body pushed on d's head move onto
  // g._defer in d's place (taking d's sp and pc); d leaves the chain. Returns false when d is
  // not such a record.
  bool deferconvert(Guest& g, uint64_t d);
  StubResult deferreturn(Guest& g, Call& c);
  StubResult deferreturnJmp(Guest& g, Call& c);
  StubResult deferreturnLoop(Guest& g, Call& c);
  StubResult deferreturnOpen(Guest& g, Call& c, uint64_t d);
  std::optional<StubResult> runOpenSlot(Guest& g, Call& c, uint64_t d);
  // stack.cpp
  StubResult morestack(Guest& g, Call& c);
  StubResult morestackNoctxt(Guest& g, Call& c);
  StubResult stackOverflow(Guest& g, uint64_t sp, uint64_t newSize);
  // print.cpp
  StubResult printlock(Guest& g, Call& c);
  StubResult printint(Guest& g, Call& c);
  StubResult printuint(Guest& g, Call& c);
  StubResult printhex(Guest& g, Call& c);
  StubResult printbool(Guest& g, Call& c);
  StubResult printfloat(Guest& g, Call& c);
  StubResult printcomplex(Guest& g, Call& c);
  StubResult printfloatShortest(Guest& g, Call& c);   // printfloat64, printfloat32 (Go 1.26+)
  StubResult printcomplexShortest(Guest& g, Call& c); // printcomplex128, printcomplex64
  StubResult printstring(Guest& g, Call& c);
  StubResult printpointer(Guest& g, Call& c);
  StubResult printslice(Guest& g, Call& c);
  StubResult printeface(Guest& g, Call& c);
  StubResult printnl(Guest& g, Call& c);
  StubResult printsp(Guest& g, Call& c);
  // panic.cpp
  StubResult gopanic(Guest& g, Call& c);
  StubResult gorecover(Guest& g, Call& c);
  StubResult startPanic(Guest& g, uint64_t entrySp, uint64_t type, uint64_t data,
                        const PanicRun& signal);
  StubResult panicContinue(Guest& g);
  StubResult panicLoopDeferChain(Guest& g);
  StubResult panicLoopNextFrame(Guest& g);
  bool nextFrame(const Guest& g, PanicRun& r);
  StubResult callDeferred(Guest& g, PanicRun& r, uint64_t fn, uint64_t args, uint32_t siz);
  StubResult recover115(Guest& g, uint64_t sp, uint64_t pc);
  StubResult recover122(Guest& g, PanicRun& r);
  StubResult fatalPanic(Guest& g);
  // throw(text): `fatal error: text` and the traceback header; exit 2, not recoverable.
  StubResult fatalError(const std::string& text);
  std::string panicValueText(const Guest& g, uint64_t type, uint64_t data) const;
  bool recoverableFromHere(const Guest& g, Call& c, uint64_t p) const;
  struct LogicalFrame {
    loader::SymId fn;
    uint8_t funcId;
    uint64_t pc; // where it executes: pc, or the inline mark of its call in its caller
    bool inlined;
  };
  std::vector<LogicalFrame> logicalFrames(uint64_t pc) const;
  // Whether values of the type at `type` are stored directly in an interface's data word.
  bool isDirectIface(const Guest& g, uint64_t type) const;
  std::string traceArgs(const Guest& g, loader::SymId fn, uint64_t argp, uint64_t pc) const;
  // opencoded.cpp: the next open-coded defer of a frame (FUNCDATA_OpenCodedDeferInfo at fd,
  // the frame's varp), highest deferBits bit first, with its bit cleared; nullopt when none.
  struct OpenSlot {
    uint64_t closure = 0;
    uint64_t argWidth = 0;                     // Go 1.15: bytes of arguments
    std::vector<std::array<uint64_t, 3>> args; // Go 1.15: (offset, length, call offset)
  };
  std::optional<OpenSlot> takeOpenSlot(Guest& g, uint64_t fd, uint64_t varp) const;
  uint64_t deferBitsAddr(const Guest& g, uint64_t fd, uint64_t varp) const;
  // Calls Go code at fn's code with `returnTo` as its return address at `sp` (DX = fn; R14 = g
  // and X15 = 0 for the register ABI), the way runtime code calls a closure.
  StubResult enterClosure(Guest& g, uint64_t sp, uint64_t returnTo, uint64_t fn);
  // Whether fn is a func value whose code pointer can be read (a deferred call of it is made).
  bool callable(const Guest& g, uint64_t fn) const { return fn && g.u64(fn).has_value(); }
  // A deferred call of a nil (or unreadable) func value: it faults where the runtime function
  // making the call loads the code pointer, in that function's frame ([frameSp] = its return
  // address).
  StubResult deferredCallFault(Guest& g, uint64_t frameSp, uint64_t fn);
  // Resumes a frame after recovery: SP, PC, AX = 1 (deferproc "returns" 1), BP if known.
  StubResult resumeRecovered(Guest& g, uint64_t sp, uint64_t pc, std::optional<uint64_t> bp);
  StubResult deferreturnDone(Guest& g, Call& c);
  StubResult pushDefer(Guest& g, Call& c, uint64_t d, bool heap, uint64_t argBytes);
  RuntimeEvent deferEvent(const Guest& g, RuntimeEventKind kind, std::string stub, uint64_t pc,
                          uint64_t record, uint64_t sp, uint64_t fn) const;
  uint64_t runtimeError(Guest& g, const std::string& message);
  uint64_t addOneOpenDeferFrame(Guest& g, uint64_t pc, uint64_t sp, uint64_t skipSp);
  bool openDeferInfo(const Guest& g, uint64_t pc, uint64_t& fd) const;
  // errors.cpp
  StubResult panicBounds(Guest& g, Call& c);
  StubResult panicBoundsPcdata(Guest& g, Call& c); // Go 1.26+ runtime.panicBounds
  StubResult panicdivide(Guest& g, Call& c);
  StubResult panicshift(Guest& g, Call& c);
  StubResult panicoverflow(Guest& g, Call& c);
  StubResult raise(Guest& g, Call& c, const std::string& message);
  StubResult convT(Guest& g, Call& c);
  StubResult convT2E(Guest& g, Call& c);
  // memory.cpp
  StubResult newobject(Guest& g, Call& c);
  StubResult mallocgc(Guest& g, Call& c);
  StubResult makeslice(Guest& g, Call& c);
  StubResult gcWriteBarrier(Guest& g, Call& c);
  StubResult gcWriteBarrierN(Guest& g, Call& c);
  // strings.cpp (string.go, utf8.go; alg.go equality)
  StubResult concatstrings(Guest& g, Call& c); // concatstring2..5, concatstrings
  StubResult cmpstring(Guest& g, Call& c);
  StubResult strminmax(Guest& g, Call& c); // strmin, strmax (Go 1.21+ min/max of strings)
  StubResult complex128div(Guest& g, Call& c);
  StubResult intstring(Guest& g, Call& c);
  StubResult slicebytetostring(Guest& g, Call& c); // and slicebytetostringtmp
  StubResult stringtoslicebyte(Guest& g, Call& c);
  StubResult stringtoslicerune(Guest& g, Call& c);
  StubResult slicerunetostring(Guest& g, Call& c);
  StubResult decoderune(Guest& g, Call& c);
  StubResult countrunes(Guest& g, Call& c);
  StubResult memequal(Guest& g, Call& c); // memequal*, strequal, f32/f64/c64/c128equal
  // slices.cpp (slice.go, mbarrier.go, memmove/memclr)
  StubResult growslice(Guest& g, Call& c); // and growsliceNoAlias
  StubResult growTo(Guest& g, Call& c, uint64_t et, uint64_t oldPtr, int64_t oldLen, int64_t oldCap,
                    int64_t newLen);
  StubResult growsliceBuf(Guest& g, Call& c); // and growsliceBufNoAlias
  StubResult moveSlice(Guest& g, Call& c);    // moveSlice, moveSliceNoScan, NoCap, NoCapNoScan
  StubResult memmove(Guest& g, Call& c);
  StubResult typedmemmove(Guest& g, Call& c);
  StubResult slicecopy(Guest& g, Call& c); // slicecopy, typedslicecopy, slicestringcopy
  StubResult memclr(Guest& g, Call& c);    // memclrNoHeapPointers, memclrHasPointers, typedmemclr
  // iface.cpp (iface.go, alg.go, error.go; preprintpanics of panic.go)
  StubResult assertE2I(Guest& g, Call& c); // assertE2I, assertE2I2, assertI2I, assertI2I2, convI2I
  StubResult typeAssert(Guest& g, Call& c);
  StubResult interfaceSwitch(Guest& g, Call& c);
  StubResult panicdottype(Guest& g, Call& c); // panicdottypeE, panicdottypeI, panicnildottype
  StubResult efaceeq(Guest& g, Call& c);      // efaceeq, ifaceeq, nilinterequal, interequal
  StubResult panicwrap(Guest& g, Call& c);
  StubResult errorErrorWrapper(Guest& g, Call& c);
  // maps.cpp (map.go / internal/runtime/maps: our own table in guest memory)
  StubResult makemap(Guest& g, Call& c);   // makemap_small, makemap, makemap64
  StubResult mapaccess(Guest& g, Call& c); // mapaccess1/2 and _fast32/_fast64/_faststr/_fat
  StubResult mapassign(Guest& g, Call& c); // mapassign and _fast32/_fast64(ptr)/_faststr
  StubResult mapdelete(Guest& g, Call& c); // mapdelete and _fast32/_fast64/_faststr
  StubResult mapclear(Guest& g, Call& c);
  StubResult mapiterinit(Guest& g, Call& c); // mapiterinit, mapIterStart
  StubResult mapiternext(Guest& g, Call& c); // mapiternext, mapIterNext
  StubResult fastrand(Guest& g, Call& c);    // fastrand, rand32, rand
  StubResult unhashableKey(Guest& g, Call& c, uint64_t type, bool emptyLookup);
  // getitab: the itab for (inter, typ), 0 when typ lacks a method; with !canfail the panic's
  // message instead (`missing` set).
  uint64_t getitab(Guest& g, uint64_t inter, uint64_t typ, bool canfail, std::string* missing);
  StubResult typeAssertionPanic(Guest& g, Call& c, uint64_t iface, uint64_t concrete,
                                uint64_t asserted, const std::string& missing);
  std::string typeString(const Guest& g, uint64_t typ) const; // the runtime's t.string()
  // ---- reflect.cpp: what reflect, internal/reflectlite, hash/maphash and runtime.Caller's
  // users call (runtime1.go, type.go, malloc.go, mbarrier.go, map.go, chan.go, iface.go,
  // alg.go, symtab.go, traceback.go) ----
  void setupBuiltinTypes(Guest& g);         // complete the predeclared types' descriptors
  StubResult resolveOff(Guest& g, Call& c); // resolveNameOff, resolveTypeOff, resolveTextOff
  StubResult addReflectOff(Guest& g, Call& c);
  StubResult typelinks(Guest& g, Call& c);
  StubResult unsafeNew(Guest& g, Call& c); // unsafe_New, unsafe_NewArray
  StubResult typedmemmovepartial(Guest& g, Call& c);
  StubResult typedmemclrReflect(Guest& g, Call& c); // typedmemclr(partial), typedarrayclear
  StubResult typedslicecopyReflect(Guest& g, Call& c);
  StubResult reflectGrowslice(Guest& g, Call& c);
  StubResult makeslicecopy(Guest& g, Call& c);
  StubResult verifyNotInHeapPtr(Guest& g, Call& c);
  StubResult maplen(Guest& g, Call& c);
  StubResult mapiterField(Guest& g, Call& c); // mapiterkey, mapiterelem
  StubResult ifaceE2I(Guest& g, Call& c);
  StubResult reflectChansend(Guest& g, Call& c);
  StubResult reflectChanrecv(Guest& g, Call& c);
  StubResult memhash(Guest& g, Call& c); // memhash*, strhash, f*hash, c*hash, interhash, typehash
  StubResult caller(Guest& g, Call& c);
  StubResult callers(Guest& g, Call& c);
  StubResult funcForPC(Guest& g, Call& c);
  StubResult funcMethod(Guest& g, Call& c); // (*Func).Name, Entry, FileLine
  StubResult callersFrames(Guest& g, Call& c);
  StubResult framesNext(Guest& g, Call& c);
  StubResult makeNoZero(Guest& g, Call& c);    // internal/bytealg.MakeNoZero
  StubResult atomicPointer(Guest& g, Call& c); // sync/atomic.*Pointer, atomic.storePointer, ...
  StubResult getStaticuint64s(Guest& g, Call& c);
  StubResult unsafeslice(Guest& g, Call& c); // reflect.unsafeslice
  StubResult panicMake(Guest& g, Call& c);   // panicmakeslicelen/cap, panicunsafeslice*/string*
  std::vector<uint64_t> typelinkTypes(const Guest& g) const;
  struct PcInfo;
  std::optional<PcInfo> pcInfo(uint64_t pc) const;
  std::vector<uint64_t> callerPcs(const Guest& g, Call& c, uint64_t selfPc) const;
  // ---- end reflect.cpp ----
  // Runtime slots 1..3: returns into the runtime from Go code it called (slot 1), and the
  // Error/RuntimeError methods of the runtime's error values (slots 2, 3).
  StubResult runtimeSlotCall(Guest& g, int slot);
  // For the unwinder: at `pc` in slot 1 with `sp`, the model's frame (its entry SP) and name.
  std::optional<std::pair<uint64_t, std::string>> runtimeCallFrame(const Guest& g, uint64_t pc,
                                                                   uint64_t sp) const;
  // preprintpanics: calls Error/String of the panic values before they are printed; a
  // result when it started such a call (fatalPanic resumes when it returns).
  std::optional<StubResult> preprintPanics(Guest& g);
  void setupHeapModel(Guest& g); // runtime.staticuint64s, hashes of predeclared types
  uint64_t externAddress(const std::string& name) const; // an undefined symbol's address

  // ---- system.cpp: the runtime's services to os, syscall, internal/poll, time, godebug ----
  StubResult sysArgs(Guest& g, Call& c);     // os.runtime_args
  StubResult sysEnvs(Guest& g, Call& c);     // syscall.runtime_envs
  StubResult sysNoop(Guest& g, Call& c);     // entersyscall, GC, godebug hooks, ... (no effect)
  StubResult sysExit(Guest& g, Call& c);     // syscall.Exit
  StubResult sysSigpipe(Guest& g, Call& c);  // os.sigpipe
  StubResult sysRefuse(Guest& g, Call& c);   // fork and exec
  StubResult sysPageSize(Guest& g, Call& c); // syscall.Getpagesize
  StubResult sysGomaxprocs(Guest& g, Call& c);
  StubResult sysNumCPU(Guest& g, Call& c);
  StubResult sysFalse(Guest& g, Call& c);       // predicates that are false here
  StubResult sysPollOpen(Guest& g, Call& c);    // internal/poll.runtime_pollOpen
  StubResult sysTimeNow(Guest& g, Call& c);     // time.now, time.runtimeNow
  StubResult sysNanotime(Guest& g, Call& c);    // runtime.nanotime, time.runtimeNano, ...
  StubResult sysGoroot(Guest& g, Call& c);      // runtime.GOROOT
  StubResult sysGogetenv(Guest& g, Call& c);    // runtime.gogetenv
  std::string goroot() const;                   // Debian's GOROOT of the release
  StubResult sysRawSyscall6(Guest& g, Call& c); // syscall.RawSyscall6 (Go 1.21-1.26)
  StubResult sysFcntl(Guest& g, Call& c);       // runtime.fcntl (Go 1.20+)
  // The system call in the registers, made at pc (SYSCALL's address, or a model's call site)
  // by the frame whose SP is sp.
  StubResult systemCall(Guest& g, uint64_t pc, uint64_t sp);
  std::string callerOfSyscall(const Guest& g, uint64_t pc, uint64_t sp) const;
  SystemState sys_;

  StubResult unsupported(Guest& g, const std::string& name);
  StubResult fault(const std::string& what);
  StubResult returnToCaller(Guest& g);

  static const std::map<std::string, Model>& registry();

  const loader::Image& img_;
  const RuntimeProfile& prof_;
  StackWalker walker_;
  RuntimeOptions opts_;
  RuntimeListener* listener_ = nullptr;
  GoroutineState run_; // the running goroutine's
  Scheduler sched_;
  uint64_t heapNext_ = kHeapAllocStart, heapMapped_ = 0;
  std::map<std::string, int> calls_;
  uint64_t errorType_ = 0; // our descriptor for runtime error values (runtime.Error)
  // iface.cpp: facts of the image, found once (not state: they never change)
  mutable std::optional<std::vector<uint64_t>> staticItabs_; // go:itab.* / go.itab.* symbols
  uint64_t staticUint64s_ = 0;                               // runtime.staticuint64s
  // &runtime.zerobase, what mallocgc returns for size 0: the image's when the object refers to
  // it (or, Go 1.21+, has zero-sized variables, which the linker puts there), else our own.
  uint64_t zeroBase_ = 0; // set by setupHeapModel
  std::string mainFn_ = "main.main";
  // typetree.cpp: shapes of types read so far (by name and by descriptor; never state)
  mutable std::deque<GoType> types_;
  mutable std::map<std::string, const GoType*> typesByName_;
  mutable std::map<uint64_t, const GoType*> typesByAddr_;
};
static_assert(Runtime::Goroutine::regIndex(Reg::RDX) == Runtime::Goroutine::kRegRdx &&
              Runtime::Goroutine::regIndex(Reg::RSP) == Runtime::Goroutine::kRegRsp &&
              Runtime::Goroutine::regIndex(Reg::RIP) == Runtime::Goroutine::kRegRip);

// The call being modelled: where it came from and its arguments under the object's ABI
// (ABI0: stack words after the return address; ABIInternal: RAX, RBX, RCX, RDI, RSI, R8-R11
// and X0-X14).
class Runtime::Call {
public:
  Call(Runtime& rt, Guest& g, std::string name, bool continuation);
  const std::string& name() const { return name_; }
  bool continuation() const { return continuation_; }
  uint64_t entrySp() const { return sp_; } // RSP at entry: [sp] is the return address
  uint64_t returnAddress() const { return ret_; }
  uint64_t callerSp() const { return sp_ + 8; }  // getcallersp()
  uint64_t callSite() const { return ret_ - 5; } // the CALL rel32 instruction

  // Next integer-class argument (8 bytes; smaller ones are read from a full slot/register).
  std::optional<uint64_t> intArg();
  std::optional<uint32_t> int32Arg(); // ABI0 packs int32 in 4 bytes
  std::optional<double> floatArg();
  std::optional<double> float32Arg(); // a float32 argument, widened
  // Results, in order, after all arguments were read.
  bool intResult(uint64_t v);
  bool floatResult(double v); // ABIInternal: X0, X1, ...; ABI0: the next 8-byte stack slot

private:
  Runtime& rt_;
  Guest& g_;
  std::string name_;
  bool continuation_;
  uint64_t sp_, ret_;
  uint64_t stackOff_ = 8; // ABI0 cursor past the return address
  int intRegs_ = 0, floatRegs_ = 0, intResults_ = 0, floatResults_ = 0;
};

} // namespace gd::rt
