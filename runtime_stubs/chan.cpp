// Channels and select (src/runtime/chan.go, select.go). The hchan lives in guest memory with
// Go's layout (compiled code reads qcount and dataqsiz for len and cap); the queues of blocked
// goroutines (Go's sudogs) are kept by the model. Values move as Go moves them: a send to a
// waiting receiver copies straight into the receiver's variable, a receive from a full buffer
// with a waiting sender takes the head and puts the sender's value at the tail. select polls
// its cases in a random order; ours comes from a fixed seed (fastrand with a constant seed), so
// runs are deterministic.
#include <fmt/format.h>

#include <algorithm>

#include "runtime_stubs/runtime.h"

namespace gd::rt {
namespace {

using namespace hchan;                 // kQcount, kDataqsiz, kBuf, kElemsize, kClosed
constexpr uint64_t kChantypeElem = 48; // chantype: the _type header, then elem
constexpr uint64_t kMaxAlloc = 1ull << 48;

} // namespace

StubResult Runtime::chanPanic(Guest& g, Call& c, const std::string& text) {
  uint64_t v = runtimeError(g, text); // a plainError: printed without "runtime error: "
  if (!v) return fault("cannot allocate the panic value");
  return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
}

// makechan(t *chantype, size int) / makechan64(t, size int64).
StubResult Runtime::makechan(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto t = c.intArg(), size = c.intArg();
  if (!t || !size) return fault(c.name() + ": cannot read its arguments");
  uint64_t elem = g.u64(*t + kChantypeElem).value_or(0);
  uint64_t esize = elem ? g.u64(elem).value_or(0) : 0;
  const ChanLayout& L = prof_.goroutines.chan;
  int64_t n = int64_t(*size);
  if (n < 0 || (esize && uint64_t(n) > (kMaxAlloc - L.size) / esize))
    return chanPanic(g, c, "makechan: size out of range");
  uint64_t mem = uint64_t(n) * esize;
  auto h = alloc(g, L.size + mem);
  if (!h) return fault("makechan: heap exhausted");
  g.put64(*h + kDataqsiz, uint64_t(n));
  g.put64(*h + kBuf, mem ? *h + L.size : *h + kBuf); // no buffer: c.raceaddr()
  g.write(*h + kElemsize, &esize, 2);
  g.put64(*h + L.elemtype, elem);
  RuntimeEvent e{RuntimeEventKind::Alloc, c.name()};
  e.record = *h;
  e.newSize = L.size + mem;
  if (observed()) e.fnName = fmt::format("chan, {} buffered elements of {} bytes", n, esize);
  emit(std::move(e));
  c.intResult(*h);
  return returnToCaller(g);
}

bool Runtime::trySend(Guest& g, uint64_t ch, uint64_t elem, bool& sendClosed) {
  const ChanLayout& L = prof_.goroutines.chan;
  if (g.u32(ch + kClosed).value_or(0)) {
    sendClosed = true;
    return true;
  }
  uint16_t esize = g.u16(ch + kElemsize).value_or(0);
  // Queues exist only while someone waits (the model's state stays as small as the waiting).
  auto qi = sched_.chans.find(ch);
  if (qi != sched_.chans.end() && !qi->second.recvq.empty()) { // a receiver waits: straight to it
    Waiter w = qi->second.recvq.front();
    qi->second.recvq.erase(qi->second.recvq.begin());
    dropIfIdle(ch);
    if (w.elem && esize) g.copy(w.elem, elem, esize);
    Goroutine& r = sched_.gs[w.gi];
    r.success = true;
    r.selectCase = w.selectCase;
    if (w.selectCase >= 0) dequeueSelect(w.gi);
    ready(w.gi);
    return true;
  }
  uint64_t qcount = g.u64(ch + kQcount).value_or(0), size = g.u64(ch + kDataqsiz).value_or(0);
  if (qcount < size) {
    uint64_t sendx = g.u64(ch + L.sendx).value_or(0);
    if (esize) g.copy(g.u64(ch + kBuf).value_or(0) + sendx * esize, elem, esize);
    g.put64(ch + L.sendx, sendx + 1 == size ? 0 : sendx + 1);
    g.put64(ch + kQcount, qcount + 1);
    return true;
  }
  return false;
}

bool Runtime::tryRecv(Guest& g, uint64_t ch, uint64_t elem, bool& received) {
  const ChanLayout& L = prof_.goroutines.chan;
  uint16_t esize = g.u16(ch + kElemsize).value_or(0);
  uint64_t qcount = g.u64(ch + kQcount).value_or(0), size = g.u64(ch + kDataqsiz).value_or(0);
  auto zero = [&](uint64_t at) { g.clear(at, esize); };
  if (g.u32(ch + kClosed).value_or(0) && qcount == 0) {
    if (elem) zero(elem);
    received = false;
    return true;
  }
  uint64_t buf = g.u64(ch + kBuf).value_or(0);
  auto qi = sched_.chans.find(ch);
  if (qi != sched_.chans.end() && !qi->second.sendq.empty()) {
    Waiter w = qi->second.sendq.front();
    qi->second.sendq.erase(qi->second.sendq.begin());
    dropIfIdle(ch);
    if (size == 0) {
      if (elem && esize) g.copy(elem, w.elem, esize);
    } else { // full buffer: take the head, the sender's value goes to the tail
      uint64_t recvx = g.u64(ch + L.recvx).value_or(0);
      if (elem && esize) g.copy(elem, buf + recvx * esize, esize);
      if (esize) g.copy(buf + recvx * esize, w.elem, esize);
      recvx = recvx + 1 == size ? 0 : recvx + 1;
      g.put64(ch + L.recvx, recvx);
      g.put64(ch + L.sendx, recvx);
    }
    Goroutine& s = sched_.gs[w.gi];
    s.success = true;
    s.selectCase = w.selectCase;
    if (w.selectCase >= 0) dequeueSelect(w.gi);
    ready(w.gi);
    received = true;
    return true;
  }
  if (qcount > 0) {
    uint64_t recvx = g.u64(ch + L.recvx).value_or(0);
    if (elem && esize) g.copy(elem, buf + recvx * esize, esize);
    zero(buf + recvx * esize);
    g.put64(ch + L.recvx, recvx + 1 == size ? 0 : recvx + 1);
    g.put64(ch + kQcount, qcount - 1);
    received = true;
    return true;
  }
  return false;
}

void Runtime::dequeueSelect(size_t gi) {
  for (auto it = sched_.chans.begin(); it != sched_.chans.end();) {
    auto drop = [&](std::vector<Waiter>& v) {
      v.erase(std::remove_if(v.begin(), v.end(), [&](const Waiter& w) { return w.gi == gi; }),
              v.end());
    };
    drop(it->second.recvq);
    drop(it->second.sendq);
    it = it->second.recvq.empty() && it->second.sendq.empty() ? sched_.chans.erase(it) : ++it;
  }
}

void Runtime::dropIfIdle(uint64_t ch) {
  auto it = sched_.chans.find(ch);
  if (it != sched_.chans.end() && it->second.recvq.empty() && it->second.sendq.empty())
    sched_.chans.erase(it);
}

// chansend1(c *hchan, elem unsafe.Pointer)
StubResult Runtime::chansend1(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto ch = c.intArg(), elem = c.intArg();
  if (!ch || !elem) return fault("chansend1: cannot read its arguments");
  if (c.continuation()) { // woken: the value was taken, or the channel closed
    if (!sched_.gs[sched_.current].success) return chanPanic(g, c, "send on closed channel");
    return returnToCaller(g);
  }
  if (!*ch) return park(g, "chan send (nil chan)");
  bool closed = false;
  if (trySend(g, *ch, *elem, closed)) {
    if (closed) return chanPanic(g, c, "send on closed channel");
    return returnOrPreempt(g);
  }
  sched_.chans[*ch].sendq.push_back({sched_.current, *elem, -1});
  return park(g, "chan send");
}

// chanrecv1(c *hchan, elem unsafe.Pointer); chanrecv2(c, elem) (received bool)
StubResult Runtime::chanrecv1(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto ch = c.intArg(), elem = c.intArg();
  if (!ch || !elem) return fault(c.name() + ": cannot read its arguments");
  bool two = c.name() == "runtime.chanrecv2";
  bool received = false;
  if (c.continuation()) {
    received = sched_.gs[sched_.current].success;
  } else if (!*ch) {
    return park(g, "chan receive (nil chan)");
  } else if (!tryRecv(g, *ch, *elem, received)) {
    sched_.chans[*ch].recvq.push_back({sched_.current, *elem, -1});
    return park(g, "chan receive");
  }
  if (two) c.intResult(received ? 1 : 0);
  return returnOrPreempt(g);
}

StubResult Runtime::chanrecv2(Guest& g, Call& c) {
  return chanrecv1(g, c);
}

// closechan(c *hchan): every waiting receiver gets the zero value, every waiting sender will
// panic; they are made ready in the order Go's glist gives (last released first).
StubResult Runtime::closechan(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto ch = c.intArg();
  if (!ch) return fault("closechan: cannot read its argument");
  if (!*ch) return chanPanic(g, c, "close of nil channel");
  if (g.u32(*ch + kClosed).value_or(0)) return chanPanic(g, c, "close of closed channel");
  g.put32(*ch + kClosed, 1);
  uint16_t esize = g.u16(*ch + kElemsize).value_or(0);
  std::vector<size_t> glist;
  std::vector<Waiter> recvq, sendq;
  if (auto it = sched_.chans.find(*ch); it != sched_.chans.end()) {
    recvq = std::move(it->second.recvq);
    sendq = std::move(it->second.sendq);
    sched_.chans.erase(it);
  }
  for (const Waiter& w : recvq) {
    if (w.elem) g.clear(w.elem, esize);
    sched_.gs[w.gi].success = false;
    sched_.gs[w.gi].selectCase = w.selectCase;
    if (w.selectCase >= 0) dequeueSelect(w.gi);
    glist.push_back(w.gi);
  }
  for (const Waiter& w : sendq) {
    sched_.gs[w.gi].success = false;
    sched_.gs[w.gi].selectCase = w.selectCase;
    if (w.selectCase >= 0) dequeueSelect(w.gi);
    glist.push_back(w.gi);
  }
  for (auto it = glist.rbegin(); it != glist.rend(); ++it)
    ready(*it);
  RuntimeEvent e{RuntimeEventKind::Goroutine, c.name()};
  e.pc = c.callSite();
  e.record = *ch;
  e.detail = fmt::format("channel {:#x} closed; {} waiting goroutine{} made ready", *ch,
                         glist.size(), glist.size() == 1 ? "" : "s");
  emit(std::move(e));
  return returnToCaller(g);
}

// selectgo. Go 1.16+: (cas0 *scase, order0 *uint16, pc0 *uintptr, nsends, nrecvs int,
// block bool) (int, bool) with scase{c, elem}, sends first. Go 1.15: (cas0, order0, ncases)
// with scase{c, elem, kind uint16, pc, releasetime}: kinds nil 0, recv 1, send 2, default 3.
StubResult Runtime::selectgo(Guest& g, Call& c) {
  ensureMainGoroutine();
  bool kinded = prof_.goroutines.select == SelectAbi::KindedCases;
  auto cas0 = c.intArg(), order0 = c.intArg(); // order0: scratch for pollorder/lockorder
  if (!order0) return fault("selectgo: cannot read its arguments");
  uint64_t ncases = 0, nsends = 0, stride = kinded ? 40 : 16;
  bool block = true;
  if (kinded) {
    auto n = c.intArg();
    if (!cas0 || !n) return fault("selectgo: cannot read its arguments");
    ncases = *n;
  } else {
    auto pc0 = c.intArg(), ns = c.intArg(), nr = c.intArg(), b = c.intArg();
    if (!cas0 || !pc0 || !ns || !nr || !b) return fault("selectgo: cannot read its arguments");
    nsends = *ns;
    ncases = *ns + *nr;
    block = (*b & 0xff) != 0;
  }
  if (ncases > 65536) return fault(fmt::format("selectgo: {} cases", ncases));
  struct Case {
    uint64_t ch, elem;
    bool send;
  };
  std::vector<Case> cases;
  int64_t dflt = -1;
  for (uint64_t i = 0; i < ncases; i++) {
    uint64_t at = *cas0 + i * stride;
    Case k{g.u64(at).value_or(0), g.u64(at + 8).value_or(0), i < nsends};
    if (kinded) {
      uint16_t kind = g.u16(at + 16).value_or(0);
      if (kind == 3) {
        dflt = int64_t(i);
        block = false;
        k.ch = 0;
      }
      k.send = kind == 2;
    }
    cases.push_back(k);
  }
  auto finish = [&](int64_t casi, bool recvOK) {
    c.intResult(uint64_t(casi));
    c.intResult(recvOK ? 1 : 0);
    return returnOrPreempt(g);
  };
  if (c.continuation()) { // woken by one of the channels
    const Goroutine& cur = sched_.gs[sched_.current];
    int64_t casi = cur.selectCase;
    if (casi < 0 || uint64_t(casi) >= cases.size())
      return fault(fmt::format("selectgo: woken for case {} of {}", casi, cases.size()));
    if (cases[size_t(casi)].send && !cur.success) return chanPanic(g, c, "send on closed channel");
    return finish(casi, cases[size_t(casi)].send ? false : cur.success);
  }
  // pollorder: a random permutation of the cases with channels (fastrandn, fixed seed).
  std::vector<size_t> order;
  for (size_t i = 0; i < cases.size(); i++) {
    if (!cases[i].ch) continue;
    sched_.rng ^= sched_.rng << 13;
    sched_.rng ^= sched_.rng >> 7;
    sched_.rng ^= sched_.rng << 17;
    size_t j = size_t(sched_.rng % (order.size() + 1));
    order.push_back(0);
    order.back() = order[j];
    order[j] = i;
  }
  for (size_t i : order) {
    const Case& k = cases[i];
    if (k.send) {
      bool closed = false;
      if (trySend(g, k.ch, k.elem, closed)) {
        if (closed) return chanPanic(g, c, "send on closed channel");
        return finish(int64_t(i), false);
      }
    } else {
      bool received = false;
      if (tryRecv(g, k.ch, k.elem, received)) return finish(int64_t(i), received);
    }
  }
  if (!block) return finish(kinded ? dflt : -1, false);
  for (size_t i : order) {
    auto& q = sched_.chans[cases[i].ch];
    (cases[i].send ? q.sendq : q.recvq).push_back({sched_.current, cases[i].elem, int64_t(i)});
  }
  return park(g, "select");
}

// selectnbsend(c, elem) (selected bool): `select { case c <- v: ...; default: ... }`
StubResult Runtime::selectnbsend(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto ch = c.intArg(), elem = c.intArg();
  if (!ch || !elem) return fault("selectnbsend: cannot read its arguments");
  bool closed = false, done = *ch && trySend(g, *ch, *elem, closed);
  if (closed) return chanPanic(g, c, "send on closed channel");
  c.intResult(done ? 1 : 0);
  return returnOrPreempt(g);
}

// selectnbrecv: Go 1.16+ (elem, c) (selected, received bool); Go 1.15 (elem, c) (selected bool).
StubResult Runtime::selectnbrecv(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto elem = c.intArg(), ch = c.intArg();
  if (!ch || !elem) return fault("selectnbrecv: cannot read its arguments");
  bool received = false, done = *ch && tryRecv(g, *ch, *elem, received);
  c.intResult(done ? 1 : 0);
  if (prof_.goroutines.select == SelectAbi::SendsRecvs) c.intResult(received ? 1 : 0);
  return returnOrPreempt(g);
}

// Go 1.15 selectnbrecv2(elem, received *bool, c) (selected bool).
StubResult Runtime::selectnbrecv2(Guest& g, Call& c) {
  ensureMainGoroutine();
  auto elem = c.intArg(), okp = c.intArg(), ch = c.intArg();
  if (!ch || !elem || !okp) return fault("selectnbrecv2: cannot read its arguments");
  bool received = false, done = *ch && tryRecv(g, *ch, *elem, received);
  if (done && *okp) g.put8(*okp, received ? 1 : 0);
  c.intResult(done ? 1 : 0);
  return returnOrPreempt(g);
}

// timerchandrain (time.go): empties a timer channel's buffer, as receives that nobody sees;
// whether there was a value. (Nobody sends to a timer channel but its timer, which never blocks.)
bool Runtime::drainTimerChan(Guest& g, uint64_t ch) {
  bool any = false, received = false;
  while (g.u64(ch + kQcount).value_or(0) && tryRecv(g, ch, 0, received))
    any = true;
  return any;
}

// chanlen(c) / chancap(c): 0 for a nil channel, else qcount / dataqsiz; Go 1.23+: 0 for a
// (synchronous) timer channel, which presents itself as unbuffered (timer.cpp).
StubResult Runtime::chanlen(Guest& g, Call& c) {
  auto ch = c.intArg();
  if (!ch) return fault(c.name() + ": cannot read its argument");
  uint64_t off = c.name().ends_with(".chancap") ? kDataqsiz : kQcount; // reflect.chancap too
  int32_t timer = prof_.goroutines.timers.hchanTimer;
  bool timerChan = *ch && timer >= 0 && g.u64(*ch + uint64_t(timer)).value_or(0);
  c.intResult(*ch && !timerChan ? g.u64(*ch + off).value_or(0) : 0);
  return returnToCaller(g);
}

// block(): `select {}` parks forever.
StubResult Runtime::block(Guest& g, Call&) {
  return park(g, "select (no cases)");
}

} // namespace gd::rt
