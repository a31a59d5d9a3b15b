#include "emulator/debugger/debugger.h"

#include <algorithm>
#include <charconv>
#include <climits>

#include "loader/disasm.h"
#include "loader/pctab.h"

namespace gd::emu {
namespace {

constexpr size_t kRsp = size_t(rt::Reg::RSP);

std::optional<uint64_t> parseNumber(std::string_view s) {
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

} // namespace

Expected<std::unique_ptr<Debugger>> Debugger::open(Options o, EventSink* sink) {
  std::unique_ptr<Debugger> d(new Debugger());
  d->opts_ = std::move(o);
  d->opts_.session.trace = false;
  d->sink_ = sink;
  if (auto r = d->begin(); !r) return std::unexpected(r.error());
  return d;
}

Debugger::~Debugger() {
  timeline_.reset(); // detach from the machine before the session goes
}

Expected<void> Debugger::begin() {
  std::shared_ptr<loader::Object> obj = std::move(opts_.loaded); // layout changes it: once
  if (!obj) {
    auto read = loader::loadInput(opts_.object, opts_.input);
    if (!read) return std::unexpected(read.error());
    obj = *read;
  }
  auto s = Session::open(obj, opts_.session);
  if (!s) return std::unexpected(s.error());
  if (sink_) (*s)->addSink(sink_);
  if (auto r = (*s)->start(opts_.function, opts_.args); !r) return std::unexpected(r.error());
  timeline_.reset();
  unwinder_.reset();
  session_ = std::move(*s);
  timeline_ = std::make_unique<Timeline>(*session_, opts_.timeline);
  timeline_->setPolicy(this);
  session_->machine().setInterruptFlag(&interrupt_);
  unwinder_ = std::make_unique<Unwinder>(*session_);
  const loader::Image& img = session_->image();
  lines_.assign(img.textEnd > img.textStart ? img.textEnd - img.textStart : 0, INT32_MIN);
  invalidate();
  updateWatchRanges();
  refreshWatches();
  return {};
}

Expected<void> Debugger::restart() {
  return begin();
}

void Debugger::invalidate() {
  frames_.reset();
  selected_ = 0;
  viewGoid_.reset();
}

Expected<void> Debugger::selectGoroutine(uint64_t goid) {
  const rt::Runtime& rt = session_->runtime();
  bool known = goid == rt.currentGoid();
  for (const auto& g : rt.scheduler().gs)
    if (g.goid == goid) {
      if (g.status == rt::Runtime::GStatus::Dead) return fail("goroutine {} has exited", goid);
      known = true;
    }
  if (!known) return fail("no goroutine {}", goid);
  frames_.reset();
  selected_ = 0;
  viewGoid_ = goid == rt.currentGoid() ? std::nullopt : std::optional<uint64_t>(goid);
  return {};
}

uint64_t Debugger::selectedGoroutine() const {
  return viewGoid_ ? *viewGoid_ : session_->runtime().currentGoid();
}

int Debugger::lineAt(uint64_t pc) {
  const loader::Image& img = session_->image();
  bool text = pc >= img.textStart && pc < img.textEnd;
  if (text && lines_[pc - img.textStart] != INT32_MIN) return lines_[pc - img.textStart];
  auto pos = img.position(pc);
  int line = pos ? pos->line : 0;
  if (text) lines_[pc - img.textStart] = line;
  return line;
}

Debugger::Key Debugger::keyAt(uint64_t pc, uint64_t sp) {
  const loader::Image& img = session_->image();
  Key k;
  if (pc >= img.externStart && pc < img.externEnd) {
    k.cfa = sp + 8;
    return k;
  }
  auto id = img.symbolAt(pc);
  if (!id) return k;
  k.fn = *id;
  k.line = lineAt(pc);
  k.cfa = unwinder_->cfa(pc, sp).value_or(sp + 8);
  return k;
}

Debugger::Key Debugger::currentKey() {
  Machine& m = session_->machine();
  return keyAt(m.reg(rt::Reg::RIP), m.reg(rt::Reg::RSP));
}

bool Debugger::isCall(uint64_t pc) {
  return session_->machine().decoded(pc).isCall;
}

// ---- watchpoints ----

Value Debugger::watchValue(const Watchpoint& w) const {
  if (!w.type.empty()) return session_->readValue(w.type, w.addr);
  uint64_t bits = 0;
  session_->machine().read(w.addr, &bits, std::min<uint32_t>(w.size, 8));
  Value v;
  v.text = fmt::format("{:#x}", bits);
  return v;
}

void Debugger::refreshWatches() {
  for (auto& w : watches_)
    w.last = watchValue(w);
}

void Debugger::updateWatchRanges() {
  std::vector<std::pair<uint64_t, uint64_t>> r;
  for (const auto& w : watches_)
    r.push_back({w.addr, w.size});
  if (timeline_) timeline_->setWatchRanges(std::move(r));
}

const Watchpoint* Debugger::addWatch(const std::string& spec, uint64_t addr, uint32_t size,
                                     const std::string& type) {
  Watchpoint w;
  w.id = nextId_++;
  w.spec = spec;
  w.addr = addr;
  w.size = size ? size : 8;
  w.type = type;
  w.last = watchValue(w);
  watches_.push_back(w);
  updateWatchRanges();
  return &watches_.back();
}

// ---- breakpoints ----

// Where `break FUNC` stops, as gdb and Delve do: past the prologue (stack check, frame set-up,
// argument spills, all on the function's first line) at the first instruction of the next line,
// when the function has a prologue (it checks the stack bound, calling runtime.morestack*, or it
// sets up a frame) and a new line begins before any call or return; for a one-line body with a
// prologue, past the frame set-up and the spills and closure-context loads after it. Otherwise
// (frameless NOSPLIT functions) the first instruction.
uint64_t Debugger::afterPrologue(loader::SymId id) {
  const loader::Image& img = session_->image();
  const loader::Object& obj = session_->object();
  const loader::Symbol& sym = obj.sym(id);
  uint64_t entry = img.address(id), end = entry + sym.memSize();
  bool prologue = false;
  for (const auto& r : sym.relocs)
    if (r.kind == loader::RelocKind::Call && r.sym != loader::kNoSym &&
        obj.sym(r.sym).name.starts_with("runtime.morestack"))
      prologue = true;
  int entryLine = lineAt(entry);
  const rt::StackWalker& walker = session_->runtime().walker();
  for (uint64_t a = entry; a < end;) {
    int line = lineAt(a);
    if (line && line != entryLine) return prologue ? a : entry;
    if (walker.spDelta(a).value_or(0) > 0) prologue = true;
    const DecodedInsn& insn = session_->machine().decoded(a);
    if (!insn.ok || insn.isCall || insn.isRet) break;
    a += insn.length;
  }
  if (!prologue) return entry;
  // A one-line body: past the frame set-up (SP at the frame's full size) and what follows it
  // on that line before the body proper: stores into the frame (argument spills), loads
  // through DX (a closure's captured variables) and the frame pointer's set-up.
  int64_t full = 0;
  for (uint64_t a = entry; a < end; a++)
    full = std::max<int64_t>(full, walker.spDelta(a).value_or(0));
  auto reg = [](rt::Reg r) { return uint8_t(r); };
  for (uint64_t a = entry; a < end;) {
    const DecodedInsn& insn = session_->machine().decoded(a);
    if (!insn.ok || insn.isRet) break;
    if (walker.spDelta(a).value_or(0) == full && full > 0) {
      const MemAccess* m = insn.mem.size() == 1 ? &insn.mem[0] : nullptr;
      bool spill = m && m->write && !m->read &&
                   (m->base == reg(rt::Reg::RSP) || m->base == reg(rt::Reg::RBP));
      bool context = m && m->read && !m->write && m->base == reg(rt::Reg::RDX);
      bool framePointer = insn.mem.empty() && insn.writes == (1u << uint8_t(rt::Reg::RBP));
      if (!spill && !context && !framePointer) return a;
    }
    if (insn.isCall) break;
    a += insn.length;
  }
  return entry;
}

Expected<std::vector<uint64_t>> Debugger::resolveLocation(const std::string& specIn) {
  std::string spec = specIn;
  const loader::Object& obj = session_->object();
  const loader::Image& img = session_->image();
  if (spec.starts_with("*")) {
    std::string rest = spec.substr(1);
    if (auto n = parseNumber(rest)) return std::vector<uint64_t>{*n};
    if (auto id = obj.findFunction(rest)) return std::vector<uint64_t>{img.address(*id)};
    return fail("cannot read the address {}", rest);
  }
  std::string file;
  std::optional<uint64_t> line;
  if (auto colon = spec.rfind(':'); colon != std::string::npos) {
    file = spec.substr(0, colon);
    line = parseNumber(spec.substr(colon + 1));
    if (!line) return fail("{}: not a line number", spec.substr(colon + 1));
  } else if (auto n = parseNumber(spec); n && !spec.starts_with("0x")) {
    line = n;
    const auto& fr = frames();
    if (!fr.empty() && !fr[0].file.empty())
      file = fr[selected_ < int(fr.size()) ? selected_ : 0].file;
    if (file.empty())
      if (auto pos = img.position(img.address(session_->function())))
        file = loader::displayFile(pos->file);
  }
  if (!line) {
    if (auto n = parseNumber(spec)) return std::vector<uint64_t>{*n};
    auto id = obj.findFunction(spec);
    if (!id) {
      for (loader::SymId k = 0; k < obj.symbols.size() && !id; k++)
        if (obj.sym(k).isText() && img.address(k) && obj.displayName(k) == spec) id = k;
    }
    if (!id || !img.address(*id)) return fail("no function {} in this object", spec);
    return std::vector<uint64_t>{afterPrologue(*id)};
  }
  std::string base = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
  std::vector<uint64_t> out;
  for (loader::SymId k = 0; k < obj.symbols.size(); k++) {
    const auto& sym = obj.sym(k);
    if (!sym.isText() || !sym.func || !img.address(k)) continue;
    auto lines = loader::PcTable::decode(sym.func->pcline);
    auto files = loader::PcTable::decode(sym.func->pcfile);
    for (const auto& r : lines.ranges) {
      if (r.value != int32_t(*line)) continue;
      auto f = files.lookup(r.start);
      if (!f || *f < 0 || size_t(*f) >= sym.func->files.size()) continue;
      if (!base.empty() && loader::displayFile(sym.func->files[*f]) != base) continue;
      out.push_back(img.address(k) + r.start);
      break; // the first instruction of the line in this function
    }
  }
  if (out.empty()) return fail("no code for line {}{}", base.empty() ? "" : base + ":", *line);
  std::sort(out.begin(), out.end());
  return out;
}

Expected<const Breakpoint*> Debugger::addBreakpoint(const std::string& spec) {
  auto addrs = resolveLocation(spec);
  if (!addrs) return std::unexpected(addrs.error());
  Breakpoint b;
  b.id = nextId_++;
  b.spec = spec;
  b.addrs = *addrs;
  for (uint64_t a : b.addrs)
    bpAddrs_.insert(a);
  breakpoints_.push_back(b);
  return &breakpoints_.back();
}

bool Debugger::remove(int id) {
  auto b = std::find_if(breakpoints_.begin(), breakpoints_.end(),
                        [id](const Breakpoint& x) { return x.id == id; });
  if (b != breakpoints_.end()) {
    breakpoints_.erase(b);
    bpAddrs_.clear();
    for (const auto& x : breakpoints_)
      bpAddrs_.insert(x.addrs.begin(), x.addrs.end());
    return true;
  }
  auto w = std::find_if(watches_.begin(), watches_.end(),
                        [id](const Watchpoint& x) { return x.id == id; });
  if (w == watches_.end()) return false;
  watches_.erase(w);
  updateWatchRanges();
  return true;
}

void Debugger::removeAll() {
  breakpoints_.clear();
  watches_.clear();
  bpAddrs_.clear();
  updateWatchRanges();
}

// ---- frames ----

const std::vector<Frame>& Debugger::frames() {
  if (!frames_) {
    const rt::Runtime::Goroutine* parked = nullptr;
    for (const auto& g : session_->runtime().scheduler().gs)
      if (viewGoid_ && g.goid == *viewGoid_) parked = &g;
    frames_ = parked
                  ? unwinder_->frames(parked->regs[parked->kRegRip], parked->regs[parked->kRegRsp])
                  : unwinder_->frames();
  }
  return *frames_;
}

const Frame* Debugger::selectedFrame() {
  const auto& f = frames();
  if (f.empty()) return nullptr;
  return &f[size_t(std::min<int>(selected_, int(f.size()) - 1))];
}

bool Debugger::select(int n) {
  if (n < 0 || n >= int(frames().size())) return false;
  selected_ = n;
  return true;
}

// ---- forward ----

bool Debugger::stopBefore(uint64_t pc, const uint64_t* regs, bool wroteWatched) {
  if (interrupt_.load(std::memory_order_relaxed) && interrupt_.exchange(false)) {
    pending_ = DebugStop{StopWhy::Interrupted};
    return true;
  }
  if (wroteWatched) {
    for (auto& w : watches_) {
      Value now = watchValue(w);
      if (now.text == w.last.text) continue;
      w.hits++;
      pending_ = DebugStop{StopWhy::Watch, w.id, w.last, now};
      w.last = now;
      return true;
    }
  }
  // The instruction the command starts at does not stop it (it may hold the breakpoint that
  // stopped the previous one). Counted, not flagged: at full speed the policy is first asked
  // only at the first block with a breakpoint.
  bool first = session_->instructions() == startCount_;
  if (!first && !bpAddrs_.empty() && bpAddrs_.count(pc)) {
    for (auto& b : breakpoints_)
      if (std::find(b.addrs.begin(), b.addrs.end(), pc) != b.addrs.end()) {
        b.hits++;
        pending_ = DebugStop{StopWhy::Breakpoint, b.id};
        return true;
      }
  }
  if (first) return false;
  // Stepping by line or frame follows one goroutine, as gdb's follows one thread: while another
  // runs (the stepped one parked on a channel), its lines and frames are not the step's.
  if (mode_ != Mode::Insns && mode_ != Mode::Continue && session_->runtime().currentGoid() != goid_)
    return false;
  uint64_t sp = regs[kRsp];
  bool stop = false;
  switch (mode_) {
  case Mode::Insns:
  case Mode::Continue:
    break;
  case Mode::NextInsn:
  case Mode::Finish:
    stop = sp >= spLimit_;
    break;
  case Mode::Step: {
    Key k = keyAt(pc, sp);
    stop = k.line && !(k == start_) && userCode(pc);
    break;
  }
  case Mode::Next: {
    Key k = keyAt(pc, sp);
    stop = k.line && k.cfa >= start_.cfa && !(k == start_) && userCode(pc);
    break;
  }
  case Mode::Until: {
    Key k = keyAt(pc, sp);
    if (!k.line || k.cfa < start_.cfa) break;
    stop = k.cfa > start_.cfa || (k.fn == start_.fn && k.line > start_.line);
    break;
  }
  case Mode::UntilAddr:
    if (sp >= spLimit_)
      stop = true;
    else if (std::find(untilAddrs_.begin(), untilAddrs_.end(), pc) != untilAddrs_.end())
      stop = keyAt(pc, sp).cfa >= start_.cfa;
    break;
  }
  if (stop) pending_ = DebugStop{StopWhy::Step};
  return stop;
}

// Line steps stop in the user's packages only (another package's code runs through, as the
// trace shows a call into it as one line), unless the session traces everything.
bool Debugger::userCode(uint64_t pc) const {
  if (session_->options().traceAll || session_->object().units.empty()) return true;
  auto id = session_->image().symbolAt(pc);
  return !id || session_->object().userSymbol(*id);
}

DebugStop Debugger::fromSession(const StopReason& r) {
  switch (r.kind) {
  case StopKind::Breakpoint:
    if (pending_) return *pending_;
    return {StopWhy::Step};
  case StopKind::Stepped:
    return {StopWhy::Step};
  case StopKind::Returned:
    return {StopWhy::Returned};
  case StopKind::Exited:
    return {StopWhy::Exited, 0, {}, {}, r.exitStatus, r.message};
  case StopKind::Error:
    return {StopWhy::Error, 0, {}, {}, r.exitStatus, r.message};
  }
  return {StopWhy::Step};
}

DebugStop Debugger::resume(Mode mode, uint64_t budget) {
  if (session_->finished())
    return {StopWhy::NotRunning, 0, {}, {}, 0, "the function has already returned"};
  mode_ = mode;
  goid_ = session_->runtime().currentGoid();
  startCount_ = session_->instructions();
  pending_.reset();
  interrupt_ = false; // a Ctrl-C at the prompt is not for this command
  // `continue` with no watchpoint runs at full speed: only the blocks holding a breakpoint are
  // stepped with the policy (a watched store must stop right after its instruction: stepped).
  bool sparse = mode == Mode::Continue && watches_.empty();
  if (sparse) {
    attendBreakpoints(true);
    timeline_->setSparse(true);
  }
  StopReason r = timeline_->advance(budget);
  if (sparse) {
    attendBreakpoints(false);
    timeline_->setSparse(false);
  }
  if (r.kind == StopKind::Breakpoint && !pending_ && interrupt_.exchange(false))
    pending_ = DebugStop{StopWhy::Interrupted};
  mode_ = Mode::Continue;
  invalidate();
  DebugStop d = fromSession(r);
  if (d.why == StopWhy::Step) { // a watched value may have changed in the last step
    for (auto& w : watches_) {
      Value now = watchValue(w);
      if (now.text == w.last.text) continue;
      w.hits++;
      d = DebugStop{StopWhy::Watch, w.id, w.last, now};
      break;
    }
  }
  refreshWatches();
  return d;
}

DebugStop Debugger::stepi(uint64_t n) {
  return resume(Mode::Insns, std::max<uint64_t>(n, 1));
}

DebugStop Debugger::nexti(uint64_t n) {
  DebugStop d{StopWhy::Step};
  for (uint64_t k = 0; k < std::max<uint64_t>(n, 1); k++) {
    Machine& m = session_->machine();
    if (isCall(m.reg(rt::Reg::RIP))) {
      spLimit_ = m.reg(rt::Reg::RSP);
      d = resume(Mode::NextInsn);
    } else {
      d = resume(Mode::Insns, 1);
    }
    if (d.why != StopWhy::Step) break;
  }
  return d;
}

DebugStop Debugger::step() {
  start_ = currentKey();
  DebugStop s = resume(Mode::Step);
  // Into a call: on past its prologue to its first body line, as `break FUNC` stops.
  if (s.why != StopWhy::Step) return s;
  uint64_t pc = session_->machine().reg(rt::Reg::RIP);
  auto id = session_->image().symbolAt(pc);
  if (!id || session_->image().address(*id) != pc || !session_->object().sym(*id).isText())
    return s;
  uint64_t body = afterPrologue(*id);
  if (body == pc) return s;
  return until(body);
}

DebugStop Debugger::next() {
  start_ = currentKey();
  return resume(Mode::Next);
}

DebugStop Debugger::finish() {
  const Frame* f = selectedFrame();
  if (!f) return resume(Mode::Continue);
  spLimit_ = f->cfa;
  return resume(Mode::Finish);
}

DebugStop Debugger::until(std::optional<uint64_t> addr) {
  start_ = currentKey();
  if (!addr) return resume(Mode::Until);
  untilAddrs_ = {*addr};
  const Frame* f = selectedFrame();
  spLimit_ = f ? f->cfa : UINT64_MAX;
  return resume(Mode::UntilAddr);
}

DebugStop Debugger::cont() {
  return resume(Mode::Continue);
}

// At full speed, the blocks holding a breakpoint are stepped (Machine::setAttention).
void Debugger::attendBreakpoints(bool on) {
  session_->machine().setAttention(on ? std::vector<uint64_t>(bpAddrs_.begin(), bpAddrs_.end())
                                      : std::vector<uint64_t>{});
}

// ---- backward ----
//
// Reverse execution asks the timeline for the latest earlier position where something stops
// it: a breakpoint at the position's pc, a watched value changed by the position's instruction
// (reported in forward order: old is the value before it), or the command's own condition. The
// timeline replays the intervals between its checkpoints from the newest back, visiting every
// position, until one has such a stop; then it seeks there. Ranks order stops found at the same
// position, as the one-step-at-a-time undo this replaces checked them: a boundary of the run of
// a line first (kBoundary), then a watch, a breakpoint, the condition.

std::optional<Debugger::Found> Debugger::searchBack(uint64_t before, const Cond& cond,
                                                    int condRank) {
  Timeline& t = *timeline_;
  if (!cond && watches_.empty() && bpAddrs_.empty()) return std::nullopt; // nothing can stop it
  std::vector<uint64_t> cps = t.checkpointCounts();
  uint64_t hi = before;
  for (size_t k = cps.size(); k-- > 0;) {
    uint64_t lo = cps[k];
    if (lo >= hi) continue;
    if (interrupt_.exchange(false)) return Found{lo, kInterrupt, 0, 0, {StopWhy::Interrupted}};
    std::optional<Found> best;
    auto consider = [&](Found f) {
      if (!best || f.count > best->count || (f.count == best->count && f.rank > best->rank))
        best = std::move(f);
    };
    std::vector<Value> last(watches_.size());
    bool first = true;
    // Breakpoints alone need only the blocks that hold them visited.
    bool sparse = !cond && watches_.empty();
    if (sparse) attendBreakpoints(true);
    t.replay(
        lo, hi,
        [&](const Timeline::Position& p) {
          uint64_t sp = p.regs[size_t(rt::Reg::RSP)];
          if (first || p.wroteWatched) {
            for (size_t w = 0; w < watches_.size(); w++) {
              Value v = watchValue(watches_[w]);
              if (!first && v.text != last[w].text)
                consider({p.count - 1, kRankWatch, 0, 0,
                          DebugStop{StopWhy::Watch, watches_[w].id, last[w], v}});
              last[w] = v;
            }
          }
          first = false;
          if (p.count >= hi) return;
          if (!bpAddrs_.empty() && bpAddrs_.count(p.pc))
            for (const auto& b : breakpoints_)
              if (std::find(b.addrs.begin(), b.addrs.end(), p.pc) != b.addrs.end()) {
                consider(
                    {p.count, kRankBreakpoint, p.pc, sp, DebugStop{StopWhy::Breakpoint, b.id}});
                break;
              }
          if (cond)
            if (auto s = cond(p.pc, sp)) consider({p.count, condRank, p.pc, sp, *s});
        },
        sparse);
    if (sparse) attendBreakpoints(false);
    if (best) return best;
    hi = lo;
  }
  return std::nullopt;
}

// Seeks to a stop found backward and reports it (counting the hit).
DebugStop Debugger::stopAt(const Found& f) {
  timeline_->seek(f.count);
  DebugStop d = f.stop;
  if (d.why == StopWhy::Breakpoint)
    for (auto& b : breakpoints_)
      if (b.id == d.id) b.hits++;
  if (d.why == StopWhy::Watch)
    for (auto& w : watches_)
      if (w.id == d.id) w.hits++;
  return afterReverse(d);
}

DebugStop Debugger::historyStart() {
  timeline_->seek(timeline_->origin());
  return afterReverse(DebugStop{StopWhy::HistoryStart});
}

DebugStop Debugger::afterReverse(std::optional<DebugStop> why) {
  invalidate();
  refreshWatches();
  return why.value_or(DebugStop{StopWhy::Step});
}

// By instructions: breakpoints and watches do not stop it.
DebugStop Debugger::reverseStepi(uint64_t n) {
  interrupt_ = false;
  n = std::max<uint64_t>(n, 1);
  uint64_t now = timeline_->now(), origin = timeline_->origin();
  if (n > now - origin) return historyStart();
  timeline_->seek(now - n);
  return afterReverse(std::nullopt);
}

// Back to the previous line (into calls and deferred calls): to the latest earlier position in
// a different line, then back to the start of that line's run.
DebugStop Debugger::reverseStep() {
  interrupt_ = false;
  Key k0 = currentKey();
  auto a = searchBack(
      timeline_->now(),
      [&](uint64_t pc, uint64_t sp) -> std::optional<DebugStop> {
        Key k = keyAt(pc, sp);
        if (k.line && !(k == k0)) return DebugStop{StopWhy::Step};
        return std::nullopt;
      },
      kRankCondition);
  if (!a) return historyStart();
  if (a->rank != kRankCondition) return stopAt(*a);
  Key k = keyAt(a->pc, a->sp);
  return backToRunStart(*a, [&](const Key& kp) { return !(kp == k); });
}

DebugStop Debugger::reverseNext() {
  interrupt_ = false;
  Key k0 = currentKey();
  if (k0.fn == loader::kNoSym) k0.cfa = 0; // returned: every frame counts
  auto a = searchBack(
      timeline_->now(),
      [&](uint64_t pc, uint64_t sp) -> std::optional<DebugStop> {
        Key k = keyAt(pc, sp);
        if (k.line && k.cfa >= k0.cfa && !(k == k0)) return DebugStop{StopWhy::Step};
        return std::nullopt;
      },
      kRankCondition);
  if (!a) return historyStart();
  if (a->rank != kRankCondition) return stopAt(*a);
  Key k = keyAt(a->pc, a->sp);
  return backToRunStart(*a,
                        [&](const Key& kp) { return !(kp == k) && kp.cfa >= k.cfa && kp.line; });
}

// From position `at`, back over the positions that belong to its run (those before it for which
// `ends` is false): stops at the first position of the run, or earlier at a breakpoint or a
// watch inside it.
DebugStop Debugger::backToRunStart(const Found& at, const std::function<bool(const Key&)>& ends) {
  auto b = searchBack(
      at.count,
      [&](uint64_t pc, uint64_t sp) -> std::optional<DebugStop> {
        if (ends(keyAt(pc, sp))) return DebugStop{StopWhy::Step};
        return std::nullopt;
      },
      kBoundary);
  if (!b) { // the run reaches back to the start of the recording
    timeline_->seek(timeline_->origin());
    return afterReverse(std::nullopt);
  }
  if (b->rank != kBoundary) return stopAt(*b);
  timeline_->seek(b->count + 1);
  return afterReverse(std::nullopt);
}

DebugStop Debugger::reverseFinish() {
  interrupt_ = false;
  const Frame* f = selectedFrame();
  uint64_t limit = f ? f->cfa : 0;
  auto a = searchBack(
      timeline_->now(),
      [&](uint64_t, uint64_t sp) -> std::optional<DebugStop> {
        if (sp >= limit) return DebugStop{StopWhy::Step};
        return std::nullopt;
      },
      kRankCondition);
  if (!a) return historyStart();
  return stopAt(*a);
}

DebugStop Debugger::reverseContinue() {
  interrupt_ = false;
  auto a = searchBack(timeline_->now(), nullptr, kRankCondition);
  if (!a) return historyStart();
  return stopAt(*a);
}

} // namespace gd::emu
