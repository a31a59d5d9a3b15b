// What packages sync, sync/atomic, internal/sync and internal/poll ask of the runtime
// (src/runtime/sema.go, proc.go's sync_runtime_* and the notify list): semaphores that park
// goroutines on an address, the notify list behind sync.Cond, spinning and P pinning. The
// model runs one P, as GOMAXPROCS=1 does: a mutex never spins, procPin returns P 0, and
// waiters wake in the order sema.go wakes them (FIFO, LIFO for a waiter that waited before).
#include <fmt/format.h>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {
namespace {

bool nameEnds(const std::string& name, std::string_view suffix) {
  return name.ends_with(suffix);
}

// notifyList (sema.go): wait atomic.Uint32, notify uint32, lock, head, tail — the same in every
// supported release.
constexpr uint64_t kNotifyWait = 0, kNotifyNotify = 4;

// less(a, b) of sema.go: ticket order with wraparound.
bool ticketLess(uint32_t a, uint32_t b) {
  return int32_t(a - b) < 0;
}

} // namespace

// cansemacquire: take one unit of the semaphore if it has any.
bool Runtime::canSemacquire(Guest& g, uint64_t addr) {
  auto v = g.u32(addr);
  if (!v || *v == 0) return false;
  g.put32(addr, *v - 1);
  return true;
}

// sync_runtime_Semacquire(addr), poll_runtime_Semacquire(addr),
// sync_runtime_SemacquireMutex(addr, lifo, skipframes) and the RWMutex forms,
// sync_runtime_SemacquireWaitGroup(addr[, synctestDurable]): semacquire1.
StubResult Runtime::semacquire(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto addr = c.intArg();
  if (!addr) return fault(c.name() + ": cannot read its argument");
  const std::string& n = c.name();
  bool lifo = false;
  if (nameEnds(n, "SemacquireMutex") || nameEnds(n, "SemacquireRWMutexR") ||
      nameEnds(n, "SemacquireRWMutex")) {
    auto l = c.intArg();
    lifo = l && (*l & 0xff);
  }
  if (c.continuation()) {
    // Woken by semrelease: with a ticket (direct handoff) the unit is ours; else try again.
    if (sched_.gs[sched_.current].success || canSemacquire(g, *addr)) return returnToCaller(g);
  } else if (canSemacquire(g, *addr)) {
    return returnToCaller(g);
  }
  auto& q = sched_.semas[*addr];
  if (lifo)
    q.insert(q.begin(), sched_.current);
  else
    q.push_back(sched_.current);
  std::string reason = "semacquire";
  if (prof_.semaWaitReasons) {
    if (nameEnds(n, "SemacquireMutex"))
      reason = "sync.Mutex.Lock";
    else if (nameEnds(n, "SemacquireRWMutexR"))
      reason = "sync.RWMutex.RLock";
    else if (nameEnds(n, "SemacquireRWMutex"))
      reason = "sync.RWMutex.Lock";
    else if (nameEnds(n, "SemacquireWaitGroup"))
      reason = "sync.WaitGroup.Wait";
  }
  return park(g, reason);
}

// sync_runtime_Semrelease(addr, handoff, skipframes), poll_runtime_Semrelease(addr):
// semrelease1. The first waiter on the address is made ready (runnext); with handoff and a unit
// to give, it gets the unit directly and the releaser yields to it (goyield: the tail of the
// run queue).
StubResult Runtime::semrelease(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto addr = c.intArg();
  if (!addr) return fault(c.name() + ": cannot read its argument");
  bool handoff = false;
  if (!c.name().starts_with("internal/poll.")) {
    auto h = c.intArg();
    handoff = h && (*h & 0xff);
  }
  auto v = g.u32(*addr);
  if (!v) return fault(fmt::format("{}: cannot read the semaphore at {:#x}", c.name(), *addr));
  g.put32(*addr, *v + 1);
  auto it = sched_.semas.find(*addr);
  if (it == sched_.semas.end() || it->second.empty()) return returnToCaller(g);
  size_t gi = it->second.front();
  it->second.erase(it->second.begin());
  if (it->second.empty()) sched_.semas.erase(it);
  bool ticket = handoff && canSemacquire(g, *addr);
  ready(gi);
  sched_.gs[gi].success = ticket;
  if (!ticket) return returnToCaller(g);
  saveRunning(g, c.returnAddress());
  Goroutine& cur = sched_.gs[sched_.current];
  cur.regs[Goroutine::kRegRsp] = c.callerSp();
  cur.status = GStatus::Runnable;
  sched_.runq.push_back(sched_.current);
  return schedule(g);
}

// notifyListAdd(l) uint32: the next ticket.
StubResult Runtime::notifyListAdd(Guest& g, Call& c) {
  auto l = c.intArg();
  auto t = l ? g.u32(*l + kNotifyWait) : std::nullopt;
  if (!t) return fault("notifyListAdd: cannot read the notify list");
  g.put32(*l + kNotifyWait, *t + 1);
  c.intResult(*t);
  return returnToCaller(g);
}

// notifyListWait(l, t): returns at once if ticket t was already notified, else parks until
// it is (sync.Cond.Wait).
StubResult Runtime::notifyListWait(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto l = c.intArg(), t = c.intArg();
  if (!l || !t) return fault("notifyListWait: cannot read its arguments");
  if (c.continuation()) return returnToCaller(g);
  auto notify = g.u32(*l + kNotifyNotify);
  if (!notify) return fault("notifyListWait: cannot read the notify list");
  if (ticketLess(uint32_t(*t), *notify)) return returnToCaller(g);
  sched_.notifyWaiters[*l].push_back({uint32_t(*t), sched_.current});
  return park(g, "sync.Cond.Wait");
}

// notifyListNotifyAll(l) / notifyListNotifyOne(l) (sync.Cond.Broadcast / Signal).
StubResult Runtime::notifyListNotify(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto l = c.intArg();
  if (!l) return fault(c.name() + ": cannot read its argument");
  auto wait = g.u32(*l + kNotifyWait), notify = g.u32(*l + kNotifyNotify);
  if (!wait || !notify) return fault(c.name() + ": cannot read the notify list");
  if (*wait == *notify) return returnToCaller(g);
  auto it = sched_.notifyWaiters.find(*l);
  if (nameEnds(c.name(), "NotifyAll")) {
    g.put32(*l + kNotifyNotify, *wait);
    if (it != sched_.notifyWaiters.end()) {
      for (const auto& [ticket, gi] : it->second)
        ready(gi);
      sched_.notifyWaiters.erase(it);
    }
    return returnToCaller(g);
  }
  uint32_t t = *notify;
  g.put32(*l + kNotifyNotify, t + 1);
  if (it != sched_.notifyWaiters.end()) {
    auto& ws = it->second;
    for (size_t k = 0; k < ws.size(); k++) {
      if (ws[k].first != t) continue;
      size_t gi = ws[k].second;
      ws.erase(ws.begin() + ptrdiff_t(k));
      if (ws.empty()) sched_.notifyWaiters.erase(it);
      ready(gi);
      break;
    }
  }
  return returnToCaller(g);
}

// sync_runtime_canSpin(i) bool: false with one P (gomaxprocs <= npidle+nmspinning+1).
// procPin() int: the P's id, 0. registerPoolCleanup(f): the model never collects garbage, so
// the pools are never cleared. notifyListCheck(size), doSpin(), procUnpin(): nothing to do.
// internal/synctest (Go 1.24+): IsInBubble() false and acquire() nil, since no goroutine runs
// in a bubble (synctest.Run is not modelled); the other hooks are only reached inside one.
StubResult Runtime::syncTrivial(Guest& g, Call& c) {
  const std::string& n = c.name();
  if (nameEnds(n, "runtime_canSpin") || nameEnds(n, "runtime_procPin") ||
      n == "internal/synctest.IsInBubble")
    c.intResult(0);
  if (n == "internal/synctest.acquire") { // any(nil): no goroutine is in a synctest bubble
    c.intResult(0);
    c.intResult(0);
  }
  return returnToCaller(g);
}

// sync.throw / sync.fatal (and internal/sync's): "fatal error: " and the message, as
// runtime.throw and runtime.fatal print it ("sync: unlock of unlocked mutex").
StubResult Runtime::syncFatal(Guest& g, Call& c) {
  auto p = c.intArg(), n = c.intArg();
  std::string msg;
  if (p && n && *n < 4096) {
    msg.resize(*n);
    if (*n && !g.read(*p, msg.data(), *n)) msg = "?";
  }
  return fatalError(msg);
}

} // namespace gd::rt
