// Timers (src/runtime/time.go, src/time/sleep.go, tick.go): time.Sleep, Timer, Ticker, After,
// AfterFunc. The model keeps the P's timer heap as a list of Timer records and runs them where
// Go's scheduler does: each time it looks for the next goroutine (checkTimers), a timer whose
// time has come runs first; when nothing can run, the clock jumps to the earliest timer that
// can wake someone (Go would sleep in the network poller until then), so programs that wait for
// timers take no real time and every run is the same.
//
// A timer runs its function f(arg, seq[, delay]) (time.sendTime for channels, time.goFunc for
// AfterFunc) as Go code. Go runs it on the scheduler's own stack; the model runs it as a
// goroutine of its own (goid 0, never listed) that ends into the goexit slot, after which the
// scheduler goes on. time.Sleep's timer readies the sleeping goroutine (goroutineReady).
//
// Two generations (RuntimeProfile::goroutines.timers, runtime_profile.h):
//  - Go 1.15-1.22: package time's runtimeTimer {pp, when, period, f, arg, seq, nextwhen,
//    status}; startTimer, stopTimer, resetTimer(t, when), modTimer(t, when, period, f, arg,
//    seq); f(arg, seq).
//  - Go 1.23+: newTimer allocates a timeTimer {c, init, timer} for package time; stopTimer and
//    resetTimer(t, when, period); f(arg, seq, delay). A channel timer is linked from its
//    channel (hchan.timer): the channel's len and cap read 0, and Stop and Reset drain a value
//    the timer sent but nobody received (timerchandrain), so no stale value is ever received.
//    Go sends on such a channel only when someone receives (maybeRunChan) or is blocked on it;
//    the model sends when the timer is due at a scheduling point, which a receive cannot tell
//    apart (the value is Now() less the delay), and counts a channel timer among the ones that
//    can wake someone only while a goroutine is blocked on its channel (as blockTimerChan puts
//    it in the heap), so checkdead's verdicts are Go's.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/system.h"

namespace gd::rt {
namespace {

constexpr int64_t kMaxWhen = std::numeric_limits<int64_t>::max(); // time.go maxWhen
// runtimeTimer (time/sleep.go, Go 1.15-1.22): pp, when, period, f, arg, seq, nextwhen, status.
constexpr uint64_t kRtWhen = 8, kRtPeriod = 16, kRtF = 24, kRtArg = 32, kRtSeq = 48;
// timeTimer (runtime/time.go, Go 1.23+): c, init, then the runtime's timer; the model keeps the
// timer's state in its records, so the guest holds c and init (what package time reads) and
// room for the rest.
constexpr uint64_t kTtInit = 8, kTtTimer = 16, kTtSize = 128;

} // namespace

int64_t Runtime::clockNow() const {
  return int64_t(kMonoStart + sys_.elapsed);
}

Runtime::Timer* Runtime::findTimer(uint64_t t) {
  for (Timer& x : sched_.timers)
    if (x.t == t && t) return &x;
  return nullptr;
}

// Sets (or replaces) the record of timer t.t; a new `order` makes it run after the timers
// already due at the same instant.
void Runtime::setTimer(Timer t) {
  t.order = sched_.timerOrder++;
  if (Timer* x = findTimer(t.t)) {
    *x = t;
    return;
  }
  sched_.timers.push_back(t);
}

void Runtime::dropTimer(const Timer* t) {
  sched_.timers.erase(sched_.timers.begin() + (t - sched_.timers.data()));
}

// A Go 1.15-1.22 runtimeTimer's period, f, arg and seq (what modtimer leaves and the timer
// runs with), with `when`.
Runtime::Timer Runtime::readRuntimeTimer(const Guest& g, uint64_t t, int64_t when) const {
  Timer x;
  x.t = t;
  x.when = when;
  x.period = int64_t(g.u64(t + kRtPeriod).value_or(0));
  x.f = g.u64(t + kRtF).value_or(0);
  x.argType = g.u64(t + kRtArg).value_or(0);
  x.argData = g.u64(t + kRtArg + 8).value_or(0);
  x.seq = g.u64(t + kRtSeq).value_or(0);
  return x;
}

// The arguments (when, period int64, f func, arg any) that modTimer and newTimer begin with.
std::optional<Runtime::Timer> Runtime::timerArgs(Call& c) {
  auto when = c.intArg(), period = c.intArg(), f = c.intArg(), at = c.intArg(), ad = c.intArg();
  if (!when || !period || !f || !at || !ad) return std::nullopt;
  Timer x;
  x.when = int64_t(*when);
  x.period = int64_t(*period);
  x.f = *f;
  x.argType = *at;
  x.argData = *ad;
  return x;
}

// Go 1.15-1.22: time.startTimer(t), time.resetTimer(t, when) bool, time.modTimer(t, when,
// period, f, arg, seq): addtimer / modtimer. modtimer's result (was it pending) is resetTimer's.
StubResult Runtime::timeStartTimer(Guest& g, Call& c) {
  ensureMainGoroutine();
  const std::string& n = c.name();
  auto t = c.intArg();
  if (!t || !*t) return fault(n + ": cannot read its timer");
  Timer* old = findTimer(*t);
  bool pending = old && old->when > 0;
  Timer x;
  if (n == "time.startTimer") {
    if (pending) return fatalError("addtimer called with initialized timer");
    x = readRuntimeTimer(g, *t, int64_t(g.u64(*t + kRtWhen).value_or(0)));
  } else if (n == "time.resetTimer") {
    auto when = c.intArg();
    if (!when) return fault(n + ": cannot read when");
    x = readRuntimeTimer(g, *t, int64_t(*when));
  } else { // time.modTimer(t, when, period, f, arg, seq)
    auto args = timerArgs(c);
    auto seq = c.intArg();
    if (!args || !seq) return fault(n + ": cannot read its arguments");
    x = *args;
    x.t = *t;
    x.seq = *seq;
    g.put64(*t + kRtPeriod, uint64_t(x.period)); // modtimer stores them in the timer
    g.put64(*t + kRtF, x.f);
    g.put64(*t + kRtArg, x.argType);
    g.put64(*t + kRtArg + 8, x.argData);
    g.put64(*t + kRtSeq, x.seq);
  }
  if (x.when < 0) x.when = kMaxWhen; // addtimer / resettimer: overflow
  g.put64(*t + kRtWhen, uint64_t(x.when));
  setTimer(x);
  if (n == "time.resetTimer") c.intResult(pending ? 1 : 0);
  return returnToCaller(g);
}

// time.stopTimer(t) bool. Go 1.15-1.22 deltimer: whether t was pending. Go 1.23+ stop: the same,
// and a channel timer's channel is drained (a drained value counts as pending).
StubResult Runtime::timeStopTimer(Guest& g, Call& c) {
  auto t = c.intArg();
  if (!t || !*t) return fault("time.stopTimer: cannot read its timer");
  Timer* x = findTimer(*t);
  bool pending = x && x->when > 0;
  if (x && prof_.goroutines.timers.api == TimerApi::RuntimeTimer) {
    dropTimer(x); // deltimer
  } else if (x) { // Go 1.23+: the record stays with the timeTimer (Reset keeps f and arg)
    x->when = 0;
    if (x->chan) x->seq++; // stops a send with a stale value
    if (x->chan && drainTimerChan(g, x->chan)) pending = true;
  }
  c.intResult(pending ? 1 : 0);
  return returnToCaller(g);
}

// Go 1.23+ time.newTimer(when, period int64, f func(any, uintptr, int64), arg any,
// cp unsafe.Pointer) *Timer.
StubResult Runtime::timeNewTimer(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto args = timerArgs(c);
  auto cp = c.intArg();
  if (!args || !cp) return fault("time.newTimer: cannot read its arguments");
  if (args->when <= 0) return fatalError("timer when must be positive");
  if (args->period < 0) return fatalError("timer period must be non-negative");
  auto t = alloc(g, kTtSize);
  if (!t) return fault("time.newTimer: heap exhausted");
  if (*cp) {
    if (prof_.goroutines.timers.hchanTimer < 0)
      return fault("time.newTimer: this release's channels have no timer field");
    g.put64(*cp + uint64_t(prof_.goroutines.timers.hchanTimer), *t + kTtTimer);
    if (!g.u64(*cp + hchan::kDataqsiz).value_or(0))
      return fatalError("invalid timer channel: no capacity");
  }
  g.put8(*t + kTtInit, 1);
  Timer x = *args;
  x.t = *t;
  x.chan = *cp;
  setTimer(x);
  emitAlloc(c, *t, kTtSize);
  c.intResult(*t);
  return returnToCaller(g);
}

// Go 1.23+ time.resetTimer(t, when, period) bool: modify(when, period, nil, nil, 0) (Go
// 1.15-1.22's resetTimer(t, when): timeStartTimer).
StubResult Runtime::timeResetTimer(Guest& g, Call& c) {
  if (prof_.goroutines.timers.api == TimerApi::RuntimeTimer) return timeStartTimer(g, c);
  auto t = c.intArg(), when = c.intArg(), period = c.intArg();
  if (!t || !*t || !when || !period) return fault("time.resetTimer: cannot read its arguments");
  if (int64_t(*when) <= 0) return fatalError("timer when must be positive");
  if (int64_t(*period) < 0) return fatalError("timer period must be non-negative");
  Timer* x = findTimer(*t);
  if (!x) return fault(fmt::format("time.resetTimer: {:#x} is no timer newTimer made", *t));
  bool pending = x->when > 0;
  x->when = int64_t(*when);
  x->period = int64_t(*period);
  x->order = sched_.timerOrder++;
  if (x->chan) x->seq++;
  if (x->chan && drainTimerChan(g, x->chan)) pending = true;
  c.intResult(pending ? 1 : 0);
  return returnToCaller(g);
}

// time.Sleep(ns): timeSleep parks the goroutine ("sleep") on a timer that readies it.
StubResult Runtime::sysSleep(Guest& g, Call& c) {
  if (c.continuation()) return returnToCaller(g); // the timer woke it
  auto ns = c.intArg();
  if (!ns) return fault("time.Sleep: cannot read its argument");
  if (int64_t(*ns) <= 0) return returnToCaller(g);
  ensureMainGoroutine();
  Timer x;
  int64_t now = clockNow();
  x.when = now + int64_t(*ns) < now ? kMaxWhen : now + int64_t(*ns);
  x.sleeper = int64_t(sched_.current);
  setTimer(x);
  return park(g, "sleep");
}

// checkTimers / findRunnable: runs the timers due now (earliest `when`, then the order they were
// set) and, when `idle` (nothing can run), the earliest that can wake someone, with the clock
// moved on to its time. A sleeper's timer readies it and the search goes on; a timer function
// is started (it runs next: the result says so); nullopt when none was.
std::optional<StubResult> Runtime::runDueTimer(Guest& g, bool idle) {
  auto blockedOn = [&](uint64_t ch) {
    auto q = sched_.chans.find(ch);
    return q != sched_.chans.end() && !q->second.recvq.empty();
  };
  while (true) {
    int64_t now = clockNow();
    Timer* best = nullptr;
    for (Timer& x : sched_.timers) {
      if (x.when <= 0) continue;
      bool due = x.when <= now;
      if (!due && (!idle || (x.chan && !blockedOn(x.chan)))) continue;
      if (!best || x.when < best->when || (x.when == best->when && x.order < best->order))
        best = &x;
    }
    if (!best) return std::nullopt;
    if (best->when > now) sys_.elapsed = uint64_t(best->when) - kMonoStart; // nothing ran meanwhile
    Timer t = *best;
    int64_t delay = clockNow() - t.when;
    if (t.sleeper >= 0) { // goroutineReady
      dropTimer(best);
      RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.goroutineReady"};
      e.detail = fmt::format("goroutine {}'s sleep is over", sched_.gs[size_t(t.sleeper)].goid);
      emit(std::move(e));
      ready(size_t(t.sleeper));
      idle = false;
      continue;
    }
    // unlockAndRun: a periodic timer's next time, else it is no longer pending.
    int64_t next = 0;
    if (t.period > 0) {
      next = t.when + t.period * (1 + delay / t.period);
      if (next < 0) next = kMaxWhen;
    }
    best->when = next;
    if (prof_.goroutines.timers.api == TimerApi::RuntimeTimer) {
      g.put64(t.t + kRtWhen, uint64_t(next));
      if (!next) dropTimer(best);
    }
    return runTimerFunc(g, t, delay);
  }
}

// Starts the timer function f(arg, seq[, delay]) on a goroutine of its own, returning into the
// goexit slot.
StubResult Runtime::runTimerFunc(Guest& g, const Timer& t, int64_t delay) {
  auto code = t.f ? g.u64(t.f) : std::nullopt;
  if (!code) return fault(fmt::format("timer: its function {:#x} is unreadable", t.f));
  auto gi = newGoroutineSlot(g);
  if (!gi) return fault("timer: " + gi.error().message);
  Goroutine& n = sched_.gs[*gi];
  n.goid = 0;
  n.timerRun = true;
  n.startFn = funcvalName(g, t.f);
  uint64_t sp = n.run.stackHi - 64;
  if (prof_.registerAbi) { // arg (two words), seq, delay (a Go 1.15-1.22 f ignores it)
    const std::array<uint64_t, 4> args = {t.argType, t.argData, t.seq, uint64_t(delay)};
    for (size_t i = 0; i < args.size(); i++)
      n.regs[Goroutine::regIndex(abi::kIntRegs[i])] = args[i];
  } else { // Go 1.15: f(arg interface{}, seq uintptr) on the stack
    g.put64(sp + 8, t.argType);
    g.put64(sp + 16, t.argData);
    g.put64(sp + 24, t.seq);
  }
  g.put64(sp, img_.runtimeSlot(loader::Image::kGoexitSlot));
  n.regs[Goroutine::kRegRsp] = sp;
  n.regs[Goroutine::kRegRdx] = t.f;
  n.regs[Goroutine::kRegRip] = *code;
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.runtimer"};
  e.pc = *code;
  e.fn = t.f;
  e.fnCode = *code;
  e.fnName = n.startFn;
  e.detail = fmt::format("a timer fires{}: {} runs",
                         delay > 0 ? fmt::format(" {} ns late", delay) : "", n.startFn);
  switchTo(g, *gi);
  emit(std::move(e));
  return {};
}

} // namespace gd::rt
