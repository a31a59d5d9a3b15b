#include "emulator/engine/session.h"

#include <algorithm>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emulator/engine/values.h"
#include "loader/pctab.h"
#include "runtime_stubs/abi.h"
#include "runtime_stubs/format.h"

namespace gd::emu {
namespace {

constexpr auto& kIntRegs = rt::abi::kIntRegs;
constexpr size_t kTracedRegs = size_t(rt::Reg::RIP); // RAX..R15

std::string cleanFile(const std::string& recorded) {
  return loader::displayFile(recorded);
}

} // namespace

Expected<std::unique_ptr<Session>> Session::open(const std::string& path, SessionOptions opts) {
  auto obj = loader::loadFile(path);
  if (!obj) return std::unexpected(obj.error());
  return open(*obj, std::move(opts));
}

Expected<std::unique_ptr<Session>> Session::open(std::shared_ptr<loader::Object> obj,
                                                 SessionOptions opts) {
  std::unique_ptr<Session> s(new Session());
  s->opts_ = std::move(opts);
  s->obj_ = obj;
  s->rprof_ = rt::runtimeProfileFor(obj->profile->minor);
  if (!s->rprof_) return fail("{}: no runtime model for {}", obj->path, obj->header.version);
  loader::LayoutOptions lo;
  const rt::RuntimeProfile* rp = s->rprof_;
  lo.classify = [rp](const loader::Symbol& sym) { return rt::Runtime::classify(sym, *rp); };
  auto img = loader::layout(obj, lo);
  if (!img) return std::unexpected(img.error().context(obj->path));
  s->image_ = std::make_unique<loader::Image>(std::move(*img));
  auto m = Machine::create(*s->image_);
  if (!m) return std::unexpected(m.error());
  s->machine_ = std::move(*m);
  rt::RuntimeOptions ro;
  ro.maxStack = s->opts_.maxStack;
  s->runtime_ = std::make_unique<rt::Runtime>(*s->image_, *s->rprof_, ro);
  s->runtime_->setListener(s.get());
  if (!s->runtime_->setup(*s->machine_))
    return fail("{}: cannot map the goroutine's memory", obj->path);
  s->machine_->setObserver(s.get());
  s->logLayout();
  return s;
}

// What was loaded and where it went, for `--verbose` (spdlog at debug level, on stderr).
void Session::logLayout() const {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const loader::Object& o = *obj_;
  spdlog::debug("{}: {} {}/{} {}, {} symbols, runtime model {} ({})", o.path, o.header.version,
                o.header.goos, o.header.goarch, o.magic.empty() ? "listing" : o.magic,
                o.symbols.size(), rprof_->name, rprof_->registerAbi ? "ABIInternal" : "ABI0");
  for (const auto& seg : image_->segments)
    spdlog::debug("  {:<7} [{:#x}, {:#x})", seg.name, seg.addr, seg.addr + seg.size);
  std::set<loader::SymId> called; // targets of calls and of funcvals' code words
  for (const auto& sym : o.symbols)
    for (const auto& r : sym.relocs)
      if ((r.kind == loader::RelocKind::Call || r.kind == loader::RelocKind::Addr) &&
          r.sym != loader::kNoSym)
        called.insert(r.sym);
  std::vector<std::string> modelled, missing;
  for (loader::SymId id : called)
    if (image_->externAt(image_->address(id)) == id)
      (rt::Runtime::isModelled(o.sym(id).name) ? modelled : missing).push_back(o.sym(id).name);
  spdlog::debug("  runtime functions with a model: {}", fmt::join(modelled, " "));
  if (!missing.empty())
    spdlog::debug("  referenced without a model (a call stops the run): {}",
                  fmt::join(missing, " "));
}

Session::~Session() = default;

void Session::emit(const Event& e) {
  if (muted_) return;
  for (EventSink* s : sinks_)
    s->onEvent(e);
}

std::string Session::where(uint64_t pc) const {
  std::string s = image_->describe(pc);
  if (auto pos = image_->position(pc))
    s += fmt::format(" ({}:{})", cleanFile(pos->file), pos->line);
  return s;
}

Value Session::valueFromBits(const std::string& type, uint64_t bits) const {
  return formatValue(type, rt::builtinTypeFacts(type), bits,
                     rprof_->floats == rt::FloatFormat::Shortest);
}

// A value of a predeclared kind from its words, as println prints it: strings, slices
// ([len/cap]0xptr), interfaces and errors ((0xtype,0xdata)), complex numbers and floats in the
// release's print format; any other type from its first word.
Value Session::resultValue(const std::string& type, const WordSource& src) const {
  bool shortest = rprof_->floats == rt::FloatFormat::Shortest;
  auto reader = [this](uint64_t a, void* dst, size_t n) { return machine_->read(a, dst, n); };
  auto asDouble = [](uint64_t bits, int bytes) {
    if (bytes == 4) {
      float f;
      uint32_t b = uint32_t(bits);
      std::memcpy(&f, &b, 4);
      return double(f);
    }
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  };
  Value v;
  if (type == "string") {
    uint64_t p = src.nextInt(), n = src.nextInt();
    v = formatString(p, n, reader);
  } else if (type.starts_with("[]")) {
    uint64_t p = src.nextInt(), len = src.nextInt(), cap = src.nextInt();
    v.text = fmt::format("[{}/{}]{:#x}", len, cap, p);
  } else if (type == "error" || type == "any" || type.starts_with("interface {") ||
             type.starts_with("interface{")) {
    uint64_t tab = src.nextInt(), data = src.nextInt();
    v.text = fmt::format("({:#x},{:#x})", tab, data);
  } else if (type == "complex128" || type == "complex64") {
    int bytes = type == "complex128" ? 8 : 4;
    double re = asDouble(src.nextFloat(bytes), bytes);
    double im = asDouble(src.nextFloat(bytes), bytes);
    v.text = shortest ? rt::formatGoComplexShortest(re, im, 8 * bytes)
                      : "(" + rt::formatGoFloat(re) + rt::formatGoFloat(im) + "i)";
  } else if (type == "float64" || type == "float32") {
    int bytes = type == "float64" ? 8 : 4;
    uint64_t bits = src.nextFloat(bytes);
    v = valueFromBits(type, bytes == 4 ? bits & 0xffffffff : bits); // a float32: the low half

  } else {
    v = valueFromBits(type, src.nextInt());
  }
  v.type = type;
  return v;
}

Value Session::readValue(const std::string& type, uint64_t addr) const {
  uint32_t size = goTypeSize(type);
  if (size == 16 && type == "string") {
    uint64_t w[2] = {};
    machine_->read(addr, w, 16);
    Value v = formatString(
        w[0], w[1], [this](uint64_t a, void* dst, size_t n) { return machine_->read(a, dst, n); });
    return v;
  }
  uint64_t bits = 0;
  machine_->read(addr, &bits, std::min<uint32_t>(size ? size : 8, 8));
  return valueFromBits(type, bits);
}

// A call of the function at `address` from the emulator: its return address is the sentinel
// (execution reaching it ends the call), no closure context, and what Go code may assume at
// entry.
void Session::callReturningToUs(uint64_t address) {
  Machine& m = *machine_;
  m.put64(entrySp_, image_->sentinel());
  m.setReg(rt::Reg::RSP, entrySp_);
  m.setReg(rt::Reg::RIP, address);
  m.setReg(rt::Reg::RDX, 0);
  rt::abi::enterGoCode(m, rprof_->registerAbi, runtime_->gAddr());
}

Expected<void> Session::start(const std::string& function, const std::vector<int64_t>& args) {
  auto fn = obj_->findFunction(function);
  if (!fn) return fail("{}: no function {} in this object", obj_->path, function);
  function_ = *fn;
  startName_ = function;
  startArgs_ = args;
  starts_++;
  nargs_ = args.size();
  const loader::Symbol& sym = obj_->sym(*fn);
  vars_ = loader::functionVars(*obj_, *fn, opts_.sourceDirs);
  uint64_t argBytes = sym.func ? sym.func->args : 0;
  argBytes = std::max<uint64_t>(argBytes, 8 * (args.size() + 4));
  entrySp_ = runtime_->entrySp(argBytes);
  runtime_->setMainFunction(obj_->displayName(*fn));
  Machine& m = *machine_;
  callReturningToUs(image_->address(*fn));

  StartEvent se;
  se.object = obj_->path;
  se.goVersion = obj_->header.version;
  se.goos = obj_->header.goos;
  se.goarch = obj_->header.goarch;
  se.abi = rprof_->registerAbi ? "ABIInternal" : "ABI0";
  se.function = obj_->displayName(*fn);

  // Arguments: by the names and types we know, else as integers in order.
  std::vector<const loader::VarInfo*> params;
  for (const auto& v : vars_.vars)
    if (v.role == loader::VarRole::Param) params.push_back(&v);
  // The parameter list is known when the object's DWARF or the source gave the variables.
  bool signatureKnown = vars_.source != loader::VarSource::None;
  if ((signatureKnown || !params.empty()) && params.size() != args.size())
    return fail("{} takes {} argument(s), {} given", se.function, params.size(), args.size());
  size_t intReg = 0;
  for (size_t k = 0; k < args.size(); k++) {
    std::string type = k < params.size() ? params[k]->type : "int";
    if (!isIntegerType(type))
      return fail("{}: parameter {} has type {}; only integer arguments can be given", se.function,
                  params[k]->name, type);
    if (std::string range = integerRangeMiss(type, args[k]); !range.empty())
      return fail("{}: argument {} is out of range for parameter {} {} ({})", se.function, args[k],
                  params[k]->name, type, range);
    uint64_t bits = uint64_t(args[k]);
    if (rprof_->registerAbi) {
      if (intReg >= std::size(kIntRegs)) return fail("too many arguments for the register ABI");
      m.setReg(kIntRegs[intReg++], bits);
    } else {
      int64_t off = 8 * int64_t(k);
      if (k < params.size() && !params[k]->locations.empty())
        off = params[k]->locations.front().offset;
      m.write(entrySp_ + 8 + uint64_t(off), &bits, goTypeSize(type));
    }
    Value v = valueFromBits(type, bits);
    v.name = k < params.size() ? params[k]->name : fmt::format("arg{}", k);
    v.type = type;
    se.args.push_back(v);
  }

  // Watch the frame's named slots (results, params, locals with a stack location).
  watched_.clear();
  watchedValues_.clear();
  watchedBits_.clear();
  for (const auto& v : vars_.vars) {
    auto loc = std::find_if(v.locations.begin(), v.locations.end(), [](const auto& l) {
      return l.kind == loader::VarLocation::Kind::CfaOffset;
    });
    if (loc == v.locations.end()) continue;
    WatchedVar w{v,
                 entrySp_ + 8 + uint64_t(loc->offset),
                 goTypeSize(v.type),
                 se.function,
                 v.type == "string",
                 rt::builtinTypeFacts(v.type)};
    if (w.size == 0) w.size = 8;
    watched_.push_back(w);
    watchedValues_.push_back(readValue(v.type, w.addr));
    watchedBits_.emplace_back();
  }

  std::vector<std::string> ps, rs;
  for (const auto& v : vars_.vars) {
    if (v.role == loader::VarRole::Param) ps.push_back(v.name + " " + v.type);
    if (v.role == loader::VarRole::Result) rs.push_back(v.name + " " + v.type);
  }
  std::string shortName = se.function.substr(
      se.function.rfind('.') == std::string::npos ? 0 : se.function.find('.') + 1);
  if (vars_.source != loader::VarSource::None) {
    se.signature = fmt::format("{}({})", shortName, fmt::join(ps, ", "));
    if (rs.size() == 1 && rs[0].starts_with("~"))
      se.signature += " " + rs[0].substr(rs[0].find(' ') + 1);
    else if (!rs.empty())
      se.signature += fmt::format(" ({})", fmt::join(rs, ", "));
  }
  se.namesFrom = vars_.source == loader::VarSource::Dwarf      ? "DWARF"
                 : vars_.source == loader::VarSource::GoSource ? cleanFile(vars_.sourceFile)
                                                               : "position";
  emit(se);

  machine_->setInstructionHook(opts_.trace);
  machine_->setCounting(opts_.count); // a trace steps and a limit counts regardless
  machine_->setWriteHook(opts_.trace);
  finished_ = false;
  deadlineSet_ = false;
  machine_->setDeadline(std::nullopt);
  // A whole program: the package's initialisation runs first, as runtime.main does (doInit of
  // the package's inittask), then main.main.
  initQueue_.clear();
  if (se.function == "main.main") {
    initQueue_ = initFunctions();
    if (!initQueue_.empty()) {
      callNextInit();
      pendingMain_ = true;
    }
  }
  return {};
}

std::vector<loader::SymId> Session::initFunctions() const {
  // The inittask (`""..inittask` in Go 1.15, `main..inittask` later) lists the init functions
  // to run, in order, as address relocations to them; other entries point at imported packages'
  // inittasks (data), which have no code here.
  std::vector<loader::SymId> fns;
  for (const char* name : {"\"\"..inittask", "main..inittask"}) {
    auto task = obj_->find(name);
    if (!task) continue;
    std::vector<loader::Reloc> relocs = obj_->sym(*task).relocs;
    std::sort(relocs.begin(), relocs.end(),
              [](const auto& a, const auto& b) { return a.off < b.off; });
    for (const auto& r : relocs)
      if (r.kind == loader::RelocKind::Addr && r.sym != loader::kNoSym &&
          obj_->sym(r.sym).defined() && obj_->sym(r.sym).isText())
        fns.push_back(r.sym);
  }
  return fns;
}

// Calls the next init function instead of main.main; it returns to the sentinel like main.main
// will, and finishCall moves on.
void Session::callNextInit() {
  loader::SymId fn = initQueue_.front();
  initQueue_.erase(initQueue_.begin());
  callReturningToUs(image_->address(fn));
  rt::RuntimeEvent e{rt::RuntimeEventKind::Call, "runtime.doInit"};
  e.fnName = obj_->displayName(fn);
  e.detail = "package initialisation: calling " + e.fnName;
  emit(e);
}

StopReason Session::run() {
  return advance(UINT64_MAX);
}

StopReason Session::step(uint64_t n) {
  return advance(n);
}

StopReason Session::advance(uint64_t budget) {
  if (finished_) return {StopKind::Returned};
  uint64_t startCount = machine_->instructionsExecuted();
  uint64_t target = budget > UINT64_MAX - startCount ? UINT64_MAX : startCount + budget;
  bool limited = opts_.maxInstructions != 0;
  if (opts_.timeLimit.count() > 0 && !deadlineSet_) {
    machine_->setDeadline(std::chrono::steady_clock::now() + opts_.timeLimit);
    deadlineSet_ = true;
  }
  uint64_t modelCallsInARow = 0;
  while (true) {
    uint64_t done = machine_->instructionsExecuted();
    uint64_t pc = machine_->reg(rt::Reg::RIP);
    if (pc >= image_->externStart && pc < image_->externEnd) {
      // Runtime models run without guest instructions; a guest that only ever calls them
      // (a corrupt funcval chain, say) must still hit a limit.
      if (++modelCallsInARow > 1'000'000) {
        finished_ = true;
        std::string msg = fmt::format("runtime calls without progress at {}", where(pc));
        emit(ExitEvent{3, msg, done});
        return {StopKind::Error, 3, msg, pc};
      }
      StopReason r = handleHalt(Halt{HaltKind::FetchUnmapped, pc, pc});
      if (r.kind != StopKind::Stepped) return r;
      continue;
    }
    modelCallsInARow = 0;
    if (limited && done >= opts_.maxInstructions) {
      flushInstruction();
      finished_ = true;
      std::string msg =
          fmt::format("instruction limit ({}) reached at {}", opts_.maxInstructions, where(pc));
      emit(ExitEvent{3, msg, done});
      return {StopKind::Error, 3, msg, pc};
    }
    if (done >= target) {
      flushInstruction();
      return {StopKind::Stepped, 0, "", pc};
    }
    uint64_t count = target == UINT64_MAX ? 0 : target - done;
    if (limited && (count == 0 || count > opts_.maxInstructions - done))
      count = opts_.maxInstructions - done;
    Halt h = machine_->run(count);
    flushInstruction();
    if (h.kind == HaltKind::CountDone) {
      // The engine returned without running anything (HLT, a privileged instruction): the
      // guest cannot go on, and looping would hang.
      if (machine_->instructionsExecuted() == done && machine_->reg(rt::Reg::RIP) == pc) {
        finished_ = true;
        std::string msg = fmt::format("the CPU stopped at {} and cannot go on", where(pc));
        emit(ExitEvent{3, msg, done});
        return {StopKind::Error, 3, msg, pc};
      }
      continue;
    }
    StopReason r = handleHalt(h);
    if (r.kind != StopKind::Stepped) return r;
  }
}

// A fault placed only on its translated block (Halt::pcExact false): the run is deterministic,
// so a twin session repeats it from the start and stops at the fault with the same ordinal,
// which is this one. When this run did not count (so knew no block), the twin first runs at full
// speed counting per block, which places most faults; otherwise, or when that is ambiguous too,
// it runs with a code hook on every instruction.
bool Session::locateFault(Halt& h) {
  if (starts_ != 1) return false;
  for (bool stepped : {false, true}) {
    if (!stepped && machine_->counting()) continue; // it would meet the same ambiguity
    SessionOptions o = opts_;
    o.trace = false;
    o.count = true;
    auto twin = Session::open(obj_, o);
    if (!twin || !(*twin)->start(startName_, startArgs_)) return false;
    Session& t = **twin;
    t.faultProbe_ = faults_; // this fault's ordinal
    t.machine_->setStepAlways(stepped);
    t.run();
    if (!t.probed_) return false;
    if (!t.probedExact_) continue;
    spdlog::debug("fault at {:#x} placed by re-execution{}: {:#x}, instruction {}", h.blockStart,
                  stepped ? ", instruction by instruction" : "", t.probed_->first,
                  t.probed_->second);
    h.pc = t.probed_->first;
    h.pcExact = true;
    machine_->setReg(rt::Reg::RIP, h.pc);
    if (machine_->counting()) machine_->setInstructionsExecuted(t.probed_->second);
    return true;
  }
  return false;
}

StopReason Session::handleHalt(Halt h) {
  auto die = [&](int status, const std::string& msg) {
    finished_ = true;
    emit(ExitEvent{status, msg, machine_->instructionsExecuted()});
    return StopReason{status == 3 ? StopKind::Error : StopKind::Exited, status, msg, h.pc};
  };
  if (h.kind == HaltKind::ReadUnmapped || h.kind == HaltKind::WriteUnmapped ||
      h.kind == HaltKind::WriteProtected) {
    if (++faults_ == faultProbe_) { // a twin, at the fault it was started for
      probed_ = {h.pc, machine_->instructionsExecuted()};
      probedExact_ = h.pcExact;
      finished_ = true;
      return {StopKind::Error, 3, "fault located", h.pc};
    }
  }
  switch (h.kind) {
  case HaltKind::FetchUnmapped: {
    uint64_t target = h.addr;
    if (target < image_->externStart || target >= image_->externEnd)
      return die(3, fmt::format("jumped to unmapped address {:#x}", target));
    machine_->setReg(rt::Reg::RIP, target);
    if (target == image_->sentinel()) return finishCall();
    rt::StubResult r = runtime_->onExtern(*machine_, target);
    switch (r.status) {
    case rt::StubStatus::Continue:
      checkVars(nullptr, target);
      return {StopKind::Stepped};
    case rt::StubStatus::Exit:
      return die(r.exitStatus, r.message);
    case rt::StubStatus::Unsupported:
    case rt::StubStatus::Fault:
      return die(3, r.message);
    }
    return die(3, "unknown runtime outcome");
  }
  case HaltKind::ReadUnmapped:
  case HaltKind::WriteUnmapped:
    if (!h.pcExact && !locateFault(h))
      return die(3, fmt::format("{} of unmapped address {:#x} in the block at {}: cannot tell "
                                "which instruction faulted",
                                h.kind == HaltKind::ReadUnmapped ? "read" : "write", h.addr,
                                where(h.blockStart)));
    if (image_->symbolAt(h.pc)) { // a fault in Go code: what sigpanic makes of it
      rt::StubResult r = runtime_->memoryFault(*machine_, h.pc, h.addr);
      if (r.status == rt::StubStatus::Continue) return {StopKind::Stepped};
      return die(r.status == rt::StubStatus::Exit ? r.exitStatus : 3, r.message);
    }
    return die(3, fmt::format("{} of unmapped address {:#x} at {}",
                              h.kind == HaltKind::ReadUnmapped ? "read" : "write", h.addr,
                              where(h.pc)));
  case HaltKind::WriteProtected:
    if (!h.pcExact) locateFault(h);
    return die(3, fmt::format("write to read-only address {:#x} at {}", h.addr, where(h.pc)));
  case HaltKind::InvalidInsn:
    return die(3, fmt::format("invalid instruction at {}", where(h.pc)));
  case HaltKind::Stopped:
    return {StopKind::Breakpoint, 0, "", h.pc};
  case HaltKind::TimeLimit:
    if (!h.pcExact) // -q runs with no callback: only where this stretch of guest code began
      return die(3, fmt::format("time limit ({} s) reached in code entered at {} (--time-limit "
                                "sets it)",
                                double(opts_.timeLimit.count()) / 1000, where(h.blockStart)));
    return die(3, fmt::format("time limit ({} s) reached at {} (--time-limit sets it)",
                              double(opts_.timeLimit.count()) / 1000, where(h.pc)));
  case HaltKind::Error:
  case HaltKind::CountDone:
    break;
  }
  return die(3, fmt::format("emulation error at {}: {}", where(h.pc), h.engineError));
}

StopReason Session::finishCall() {
  Machine& m = *machine_;
  if (!initQueue_.empty() || pendingMain_) {
    if (!initQueue_.empty()) {
      callNextInit();
      pendingMain_ = true;
      return {StopKind::Stepped};
    }
    // Initialisation done: now main.main.
    pendingMain_ = false;
    callReturningToUs(image_->address(function_));
    return {StopKind::Stepped};
  }
  results_.clear();
  std::string namesFrom = "DWARF";
  std::vector<const loader::VarInfo*> res;
  for (const auto& v : vars_.vars)
    if (v.role == loader::VarRole::Result) res.push_back(&v);
  size_t intReg = 0, floatReg = 0;
  for (const auto* v : res) {
    // The result's words where the ABI puts them: ABIInternal's next integer and float
    // registers; ABI0's result slot in the argument area, field after field.
    WordSource src;
    uint64_t at = entrySp_ + 8 + uint64_t(v->locations.empty() ? 0 : v->locations.front().offset);
    if (rprof_->registerAbi) {
      src.nextInt = [&] { return intReg < 9 ? m.reg(kIntRegs[intReg++]) : 0; };
      src.nextFloat = [&](int) {
        uint64_t bits;
        double d = m.xmmLow(int(floatReg++));
        std::memcpy(&bits, &d, 8);
        return bits;
      };
    } else {
      auto word = [&](int n) {
        at = (at + uint64_t(n) - 1) & ~uint64_t(n - 1);
        uint64_t bits = 0;
        m.read(at, &bits, size_t(n));
        at += uint64_t(n);
        return bits;
      };
      src.nextInt = [word] { return word(8); };
      src.nextFloat = word;
    }
    Value val = resultValue(v->type, src);
    val.name = v->name;
    val.type = v->type;
    results_.push_back(val);
  }
  if (vars_.source == loader::VarSource::GoSource) namesFrom = cleanFile(vars_.sourceFile);
  if (vars_.source == loader::VarSource::None) {
    // No names: by position. ABI0 results follow the arguments in the argument area; with
    // register ABI the first result is in AX.
    namesFrom = "position";
    if (!rprof_->registerAbi) {
      const loader::Symbol& sym = obj_->sym(function_);
      uint64_t area = sym.func ? sym.func->args : 0;
      for (uint64_t off = 8 * nargs_; off + 8 <= area; off += 8) {
        Value val = readValue("int", entrySp_ + 8 + off);
        val.name = fmt::format("word{}", off / 8);
        val.type = "";
        results_.push_back(val);
      }
    } else {
      Value val = valueFromBits("int", m.reg(rt::Reg::RAX));
      val.name = "AX";
      val.type = "";
      results_.push_back(val);
    }
  }
  finished_ = true;
  ReturnEvent re{obj_->displayName(function_), results_, namesFrom, m.instructionsExecuted(),
                 runtime_->callCounts()};
  emit(re);
  return {StopKind::Returned, 0, "", m.reg(rt::Reg::RIP)};
}

void Session::checkVars(const std::string* writer, uint64_t pc, uint64_t touched) {
  std::string described;
  for (size_t k = 0; k < watched_.size(); k++) {
    if (k < 64 && !(touched >> k & 1)) continue;
    const WatchedVar& w = watched_[k];
    std::optional<uint64_t> bits;
    if (!w.isString) { // a string's text also depends on the bytes it points to
      uint64_t b = 0;
      machine_->read(w.addr, &b, std::min<uint32_t>(w.size, 8));
      if (watchedBits_[k] == b) continue;
      bits = b;
    }
    Value now = bits ? formatValue(w.info.type, w.facts, *bits) : readValue(w.info.type, w.addr);
    watchedBits_[k] = bits;
    if (now.text == watchedValues_[k].text) continue;
    VarEvent& e = std::get<VarEvent>(varEvent_);
    e.name = w.info.name;
    e.type = w.info.type;
    if (!writer) writer = &(described = image_->describe(pc));
    e.function = *writer;
    e.owner = w.owner;
    e.pc = pc;
    e.addr = w.addr;
    e.before = std::move(watchedValues_[k]);
    watchedValues_[k] = std::move(now);
    e.after = watchedValues_[k];
    e.before.name = e.after.name = e.name;
    emit(varEvent_);
  }
}

void Session::beforeInstruction(uint64_t pc) {
  if (pending_.active)
    flushInstruction(traceEveryRegister_);
  else // the first traced instruction of a run: the registers may have changed since the last
    machine_->readGprs(0xffff, pending_.regs);
  const TracedPc& t = tracedPc(pc);
  pending_.active = true;
  pending_.pc = pc;
  pending_.index = machine_->instructionsExecuted();
  pending_.at = &t;
  pending_.nWrites = 0;
}

void Session::beforeWrite(uint64_t addr, uint32_t size) {
  if (!pending_.active) return;
  if (pending_.nWrites == pending_.writesSeen.size()) pending_.writesSeen.emplace_back(MemEvent{});
  MemEvent& e = std::get<MemEvent>(pending_.writesSeen[pending_.nWrites++]);
  e.pc = pending_.pc;
  e.addr = addr;
  e.size = size;
  e.var.clear();
  e.before.resize(size);
  machine_->read(addr, e.before.data(), size);
}

const Session::TracedPc& Session::tracedPc(uint64_t pc) {
  auto& hot = hotPcs_[(pc ^ (pc >> 12)) & (kHotPcs - 1)];
  if (hot.second && hot.first == pc) return *hot.second;
  auto it = tracedPcs_.find(pc);
  if (it == tracedPcs_.end()) {
    auto info = std::make_shared<InsnInfo>();
    uint8_t code[16] = {};
    size_t avail = 16;
    while (avail && !machine_->read(pc, code, avail))
      avail--;
    auto lookup = [this](uint64_t a) -> std::optional<loader::SymbolHit> {
      auto id = image_->symbolAt(a);
      if (!id) return std::nullopt;
      return loader::SymbolHit{obj_->displayName(*id), image_->address(*id)};
    };
    auto insn = loader::disassemble(std::span<const uint8_t>(code, avail), pc, opts_.syntax, lookup,
                                    obj_->profile->x86asm);
    info->id = nextInsnId_++;
    info->bytes.assign(code, code + std::min<size_t>(insn.length, avail));
    info->text = insn.text;
    if (auto id = image_->symbolAt(pc)) info->function = obj_->displayName(*id);
    if (auto pos = image_->position(pc)) {
      info->file = cleanFile(pos->file);
      info->line = pos->line;
    }
    const DecodedInsn& d = machine_->decoded(pc);
    it = tracedPcs_.emplace(pc, TracedPc{std::move(info), d.ok ? d.writes : 0xffffu}).first;
  }
  hot = {pc, &it->second};
  return it->second;
}

void Session::flushInstruction(bool everyRegister) {
  if (!pending_.active) return;
  pending_.active = false;
  InsnEvent& ie = std::get<InsnEvent>(insnEvent_);
  ie.index = pending_.index;
  ie.pc = pending_.pc;
  ie.info = pending_.at->info;
  ie.changes.clear();
  uint32_t mask = everyRegister ? 0xffffu : pending_.at->writes;
  uint64_t now[16];
  machine_->readGprs(mask, now);
  for (uint32_t m = mask; m; m &= m - 1) {
    int r = __builtin_ctz(m);
    if (now[r] == pending_.regs[r]) continue;
    ie.changes.push_back({rt::Reg(r), pending_.regs[r], now[r]});
    pending_.regs[r] = now[r];
  }
  emit(insnEvent_);
  uint64_t touched = 0;
  for (size_t k = 0; k < pending_.nWrites; k++) {
    MemEvent& w = std::get<MemEvent>(pending_.writesSeen[k]);
    w.after.resize(w.size);
    machine_->read(w.addr, w.after.data(), w.size);
    for (size_t j = 0; j < watched_.size(); j++) {
      const WatchedVar& v = watched_[j];
      if (w.addr < v.addr + v.size && v.addr < w.addr + w.size) {
        w.var = v.info.name;
        touched |= j < 64 ? uint64_t(1) << j : ~0ull;
      }
    }
    emit(pending_.writesSeen[k]);
  }
  pending_.nWrites = 0;
  if (touched) checkVars(&pending_.at->info->function, ie.pc, touched);
}

void Session::runtimeEvent(const rt::RuntimeEvent& e) {
  emit(e);
}

bool Session::wantsRuntimeEvents() const {
  if (muted_) return false;
  for (const EventSink* s : sinks_)
    if (s->wantsRuntimeEvents()) return true;
  return false;
}

void Session::guestOutput(const rt::GuestOutput& o) {
  emit(o);
}

std::string formatResultsLine(const std::vector<Value>& results) {
  std::string out;
  for (size_t k = 0; k < results.size(); k++) {
    if (k) out += " ";
    out += results[k].text;
  }
  return out;
}

} // namespace gd::emu
