// Goroutines (src/runtime/proc.go), scheduled as one P schedules them: `go` puts the new
// goroutine in runnext (the previous runnext moves to the tail of the run queue), a goroutine
// made ready by a channel operation likewise; a goroutine that blocks parks and the scheduler
// takes runnext, then the run queue's head. Nothing runs in parallel and nothing is preempted,
// so a run is deterministic; programs whose output Go makes deterministic (by synchronising)
// print what they print natively.
//
// The running goroutine's state is where the single-goroutine model keeps it: the g struct at
// kGAddr (which R14 and TLS point to), the stack bounds, the panics in progress. A switch saves
// those and the registers into the goroutine's record and loads the next one's. A goroutine
// parked inside a runtime function resumes by re-entering it as a continuation (RIP = its
// extern slot + 8), which then finishes the operation (a received value, a select case).
#include <algorithm>

#include <fmt/format.h>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {
namespace {

// Goroutine k >= 1's stack region: 1 GiB each (room to grow to runtime.maxstacksize), above
// the heap and the main goroutine's stack.
constexpr uint64_t kGoStackBase = 0x10000000000;
constexpr uint64_t kGoStackSpan = 0x40000000;
constexpr uint64_t kGoStackMapping = 64 * 1024;
// The first goroutine a program starts is goroutine 5: the runtime's own (forcegc, bgsweep,
// bgscavenge, the finalizer goroutine) come first (checked natively on Go 1.15, 1.22, 1.27).
constexpr uint64_t kFirstUserGoid = 5;
// sysmon preempts a goroutine that has run for 10 ms; we count channel operations instead (a
// deterministic stand-in for time) and preempt at the next one after this many.
constexpr uint64_t kPreemptAfter = 10000;

constexpr auto kSaved = Runtime::Goroutine::kRegOrder;
constexpr size_t kRsp = Runtime::Goroutine::kRegRsp, kRdx = Runtime::Goroutine::kRegRdx,
                 kRip = Runtime::Goroutine::kRegRip;

} // namespace

void Runtime::ensureMainGoroutine() {
  if (!sched_.gs.empty()) return;
  Goroutine m;
  m.goid = 1;
  m.status = GStatus::Running;
  m.startFn = mainFn_;
  sched_.gs.push_back(std::move(m));
  sched_.current = 0;
  sched_.nextGoid = kFirstUserGoid;
}

std::string Runtime::goroutineHeader() const {
  return fmt::format("goroutine {} [running]:", currentGoid());
}

void Runtime::ready(size_t gi) {
  sched_.gs[gi].status = GStatus::Runnable;
  if (sched_.runnext >= 0) sched_.runq.push_back(size_t(sched_.runnext));
  sched_.runnext = int64_t(gi);
}

void Runtime::saveRunning(Guest& g, uint64_t rip) {
  Goroutine& cur = sched_.gs[sched_.current];
  for (size_t i = 0; i < kSaved.size(); i++)
    cur.regs[i] = g.reg(kSaved[i]);
  cur.regs[kRip] = rip;
  cur.gStruct.resize(prof_.g.size);
  g.read(kGAddr, cur.gStruct.data(), cur.gStruct.size());
  cur.run = run_;
}

void Runtime::switchTo(Guest& g, size_t gi) {
  Goroutine& n = sched_.gs[gi];
  g.write(kGAddr, n.gStruct.data(), n.gStruct.size());
  run_ = n.run;
  for (size_t i = 0; i < kSaved.size(); i++)
    g.setReg(kSaved[i], n.regs[i]);
  abi::enterGoCode(g, prof_.registerAbi, kGAddr);
  n.status = GStatus::Running;
  sched_.current = gi;
  sched_.slice = 0;
}

StubResult Runtime::returnOrPreempt(Guest& g) {
  StubResult r = returnToCaller(g);
  if (r.status != StubStatus::Continue || ++sched_.slice < kPreemptAfter ||
      (sched_.runnext < 0 && sched_.runq.empty()))
    return r;
  Goroutine& cur = sched_.gs[sched_.current];
  saveRunning(g, g.reg(Reg::RIP));
  cur.status = GStatus::Runnable;
  sched_.runq.push_back(sched_.current);
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.preemptone"};
  e.pc = g.reg(Reg::RIP);
  e.detail = fmt::format("goroutine {} is preempted after {} channel operations without blocking",
                         cur.goid, kPreemptAfter);
  emit(std::move(e));
  return schedule(g);
}

std::string Runtime::goroutineFrames(const Guest& g, const Goroutine& gr) const {
  return tracebackFrames(g, gr.regs[kRip], gr.regs[kRsp], false) + createdBy(gr);
}

// printcreatedby: the function whose go statement made the goroutine, where (the pc after its
// call of newproc), and from Go 1.21 by which goroutine. Nothing for goroutine 1.
std::string Runtime::createdBy(const Goroutine& gr) const {
  auto id = gr.createdPc ? img_.symbolAt(gr.createdPc) : std::nullopt;
  if (!id) return "";
  std::string text = "created by " + img_.obj->displayName(*id);
  if (prof_.goroutines.createdByNamesGoroutine && gr.creatorGoid) // a timer's: on g0
    text += fmt::format(" in goroutine {}", gr.creatorGoid);
  std::string where;
  if (auto pos = img_.position(gr.createdPc - 1))
    where = fmt::format("{}:{}", loader::displayFile(pos->file), pos->line);
  return text + fmt::format("\n\t{} +{:#x}\n", where, gr.createdPc - img_.address(*id));
}

StubResult Runtime::schedule(Guest& g) {
  // checkTimers: a timer whose time has come runs before the next goroutine (timer.cpp); with
  // nothing to run, the clock moves on to the next timer that can wake someone.
  if (auto r = runDueTimer(g, false)) return *r;
  if (sched_.runnext < 0 && sched_.runq.empty())
    if (auto r = runDueTimer(g, true)) return *r;
  size_t next;
  if (sched_.runnext >= 0) {
    next = size_t(sched_.runnext);
    sched_.runnext = -1;
  } else if (!sched_.runq.empty()) {
    next = sched_.runq.front();
    sched_.runq.erase(sched_.runq.begin());
  } else {
    // checkdead: nothing can run and nothing will wake anyone. fatal() on g0, so dopanic_m
    // prints every goroutine (tracebackothers): each one not dead, in the order they were made.
    // No goroutine at all is left when the main goroutine called Goexit and the others ended.
    if (std::all_of(sched_.gs.begin(), sched_.gs.end(),
                    [](const Goroutine& gr) { return gr.status == GStatus::Dead; })) {
      const char* what = "no goroutines (main called runtime.Goexit) - deadlock!";
      output(fmt::format("fatal error: {}\n", what));
      return {StubStatus::Exit, 2, fmt::format("fatal error: {}", what)};
    }
    std::string text = "fatal error: all goroutines are asleep - deadlock!\n";
    for (const Goroutine& gr : sched_.gs)
      if (gr.status != GStatus::Dead && !gr.timerRun)
        text +=
            fmt::format("\ngoroutine {} [{}]:\n{}", gr.goid, gr.waitReason, goroutineFrames(g, gr));
    output(text);
    return {StubStatus::Exit, 2, "fatal error: all goroutines are asleep - deadlock!"};
  }
  Goroutine& n = sched_.gs[next];
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.schedule"};
  e.pc = n.regs[kRip];
  e.detail = fmt::format("goroutine {} runs{}", n.goid,
                         n.waitReason.empty() ? " " + n.startFn : " again after " + n.waitReason);
  n.waitReason.clear();
  switchTo(g, next);
  emit(std::move(e));
  return {};
}

StubResult Runtime::park(Guest& g, const std::string& reason) {
  ensureMainGoroutine();
  Goroutine& cur = sched_.gs[sched_.current];
  cur.status = GStatus::Waiting;
  cur.waitReason = reason;
  cur.success = false;
  cur.selectCase = -1;
  uint64_t rip = g.reg(Reg::RIP);
  auto id = img_.externAt(rip);
  saveRunning(g, (id ? img_.address(*id) : rip) + 8);
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.gopark"};
  e.pc = g.u64(g.reg(Reg::RSP)).value_or(5) - 5;
  e.detail = fmt::format("goroutine {} parks: {}", cur.goid, reason);
  emit(std::move(e));
  return schedule(g);
}

// gfget, or a new g: a goroutine record with a fresh initial stack (a dead goroutine's stack
// region, as grown, is reused) and its g struct's stack fields; Runnable, no goid yet.
Expected<size_t> Runtime::newGoroutineSlot(Guest& g) {
  size_t gi;
  if (!sched_.free.empty()) { // gfget: a dead goroutine's g and stack
    gi = sched_.free.back();
    sched_.free.pop_back();
  } else {
    gi = sched_.gs.size();
    sched_.gs.emplace_back();
    uint64_t hi = kGoStackBase + uint64_t(gi) * kGoStackSpan;
    if (!g.mapRW(hi - kGoStackMapping, kGoStackMapping))
      return fail("cannot map the goroutine's stack at {:#x}", hi - kGoStackMapping);
    sched_.gs[gi].run.stackHi = hi;
    sched_.gs[gi].run.mappedLo = hi - kGoStackMapping;
  }
  Goroutine& n = sched_.gs[gi];
  uint64_t hi = n.run.stackHi, mappedLo = n.run.mappedLo;
  n = Goroutine{};
  n.run.stackHi = hi;
  n.run.mappedLo = mappedLo;
  n.run.stackLo = hi - prof_.initialStack;
  n.gStruct.assign(prof_.g.size, 0);
  auto put = [&](uint32_t off, uint64_t v) { std::memcpy(n.gStruct.data() + off, &v, 8); };
  put(prof_.g.stackLo, n.run.stackLo);
  put(prof_.g.stackHi, hi);
  put(prof_.g.stackguard0, n.run.stackLo + prof_.stackGuard);
  put(prof_.g.stackguard1, n.run.stackLo + prof_.stackGuard);
  put(prof_.g.m, g.u64(kGAddr + prof_.g.m).value_or(0));
  return gi;
}

// newproc: Go 1.15 newproc(siz int32, fn *funcval, args...), Go 1.17+ newproc(fn *funcval).
StubResult Runtime::newproc(Guest& g, Call& c) {
  ensureMainGoroutine();
  uint32_t siz = 0;
  if (prof_.goroutines.newprocCopiesArgs) {
    auto s = c.int32Arg();
    if (!s) return fault("newproc: cannot read siz");
    siz = *s;
  }
  auto fn = c.intArg();
  if (!fn) return fault("newproc: cannot read fn");
  if (!*fn) return fatalError("go of nil func value");
  auto code = g.u64(*fn);
  if (!code) return fault(fmt::format("newproc: cannot read the funcval {:#x}", *fn));
  auto slot = newGoroutineSlot(g);
  if (!slot) return fault("newproc: " + slot.error().message);
  size_t gi = *slot;
  Goroutine& n = sched_.gs[gi];
  uint64_t hi = n.run.stackHi;
  n.goid = sched_.nextGoid++;
  n.startFn = funcvalName(g, *fn);
  n.creatorGoid = currentGoid();
  n.createdPc = c.returnAddress();
  // newproc1: the arguments at the top of the new stack, then gostartcallfn's return address
  // (goexit) below them.
  uint64_t sp = hi - ((32 + uint64_t(siz) + 15) & ~uint64_t(15));
  if (siz && !g.copy(sp, c.entrySp() + 24, siz))
    return fault("newproc: cannot copy the goroutine's arguments");
  sp -= 8;
  g.put64(sp, img_.runtimeSlot(loader::Image::kGoexitSlot));
  n.regs[kRsp] = sp;
  n.regs[kRdx] = *fn;
  n.regs[kRip] = *code;
  ready(gi);
  RuntimeEvent e{RuntimeEventKind::Goroutine, c.name()};
  e.pc = c.callSite();
  e.fn = *fn;
  e.fnCode = *code;
  e.fnName = n.startFn;
  e.detail = fmt::format("goroutine {} created to run {}; runnable", n.goid, n.startFn);
  emit(std::move(e));
  return returnToCaller(g);
}

// Gosched: the running goroutine goes to the back of the queue; the next one runs.
StubResult Runtime::gosched(Guest& g, Call& c) {
  ensureMainGoroutine();
  saveRunning(g, c.returnAddress());
  Goroutine& cur = sched_.gs[sched_.current];
  cur.regs[kRsp] = c.callerSp();
  cur.status = GStatus::Runnable;
  sched_.runq.push_back(sched_.current);
  return schedule(g);
}

// goexit0: the goroutine's function returned; its g and stack go to the free list.
StubResult Runtime::goexit(Guest& g) {
  ensureMainGoroutine();
  Goroutine& cur = sched_.gs[sched_.current];
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.goexit"};
  e.detail = cur.timerRun ? fmt::format("the timer's {} returns", cur.startFn)
                          : fmt::format("goroutine {} exits", cur.goid);
  cur.status = GStatus::Dead;
  cur.run.mappedLo = run_.mappedLo; // the stack (as grown) is reused by the next goroutine
  cur.run.stackHi = run_.stackHi;
  cur.gStruct.clear();
  cur.run.panics.clear();
  sched_.free.push_back(sched_.current);
  emit(std::move(e));
  return schedule(g);
}

} // namespace gd::rt
