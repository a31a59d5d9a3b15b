#include "emulator/frontends/repl/repl.h"

#include "emulator/engine/values.h"

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "emulator/frontends/trace/sinks.h"

namespace gd::emu {
namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<uint64_t> count(const std::string& args, uint64_t dflt = 1) {
  std::string a = trim(args);
  if (a.empty()) return dflt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), v);
  if (ec != std::errc() || p != a.data() + a.size()) return std::nullopt;
  return v;
}

std::string shown(const Value& v) {
  return v.type == "string" ? fmt::format("{:?}", v.text) : v.text;
}

Debugger* gInterruptTarget = nullptr;
void onSigint(int) {
  if (gInterruptTarget) gInterruptTarget->interrupt();
}

} // namespace

Repl::Repl(std::ostream& out, std::ostream& err, ReplOptions o)
    : out_(out), err_(err), opts_(std::move(o)) {}

Repl::~Repl() {
  if (gInterruptTarget == dbg_.get()) gInterruptTarget = nullptr;
}

std::string Repl::paint(const char* code, const std::string& s) const {
  return opts_.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
}

Expected<void> Repl::open(Debugger::Options o) {
  dopts_ = o;
  auto d = Debugger::open(o, this);
  if (!d) return std::unexpected(d.error());
  dbg_ = std::move(*d);
  insp_ = std::make_unique<Inspector>(*dbg_);
  gInterruptTarget = dbg_.get();
  Session& s = dbg_->session();
  auto id = s.image().symbolAt(s.machine().reg(rt::Reg::RIP));
  out_ << "Stopped at the entry of "
       << (id ? s.object().displayName(*id) : s.object().displayName(s.function()))
       << ". Type help for the commands.\n";
  regsSnapshot();
  showContext();
  return {};
}

// ---- events: what happens while a command runs ----

void Repl::onEvent(const Event& e) {
  if (opts_.forward) opts_.forward->onEvent(e);
  if (auto* s = std::get_if<StartEvent>(&e)) {
    std::vector<std::string> args;
    for (const auto& a : s->args)
      args.push_back(a.name + "=" + shown(a));
    std::string line =
        paint("1", fmt::format("{}: {} {}/{}, {} — {}", s->object, s->goVersion, s->goos, s->goarch,
                               s->abi, s->signature.empty() ? s->function + "()" : s->signature));
    if (!args.empty()) line += fmt::format(" with {}", fmt::join(args, ", "));
    line += fmt::format("   [names from {}]", s->namesFrom);
    out_ << line << "\n";
  } else if (auto* r = std::get_if<rt::RuntimeEvent>(&e)) {
    out_ << "  " << paint("36", "» " + describeRuntimeEvent(*r)) << "\n";
  } else if (auto* o = std::get_if<rt::GuestOutput>(&e)) {
    out_.flush();
    err_ << o->bytes;
    err_.flush();
  }
}

// ---- commands ----

const std::vector<Repl::Command>& Repl::commands() {
  static const std::vector<Command> c = {
      {"break",
       {"b"},
       "break [FUNC | FILE:LINE | LINE | *ADDRESS | *FUNC]",
       "Stop before the instruction at a location: FUNC past its prologue (the first "
       "instruction of its body), the first instruction of a line in each function, an "
       "address, or *FUNC exactly at its entry; none: here.",
       &Repl::cmdBreak},
      {"tbreak",
       {},
       "tbreak LOCATION",
       "A breakpoint that is deleted when it is first hit.",
       &Repl::cmdTbreak},
      {"condition",
       {},
       "condition N [EXPR]",
       "Stop at breakpoint N only when EXPR (a comparison such as i == 2, or a value: non-zero "
       "is true) holds; without EXPR, always.",
       &Repl::cmdCondition},
      {"display",
       {},
       "display [EXPR]",
       "Print EXPR after every stop (none: print the displays now).",
       &Repl::cmdDisplay},
      {"undisplay",
       {},
       "undisplay [N...]",
       "Stop displaying expression N (none: all).",
       &Repl::cmdUndisplay},
      {"delete",
       {"d"},
       "delete [N...]",
       "Delete breakpoints and watchpoints (none given: all).",
       &Repl::cmdDelete},
      {"continue",
       {"c", "cont"},
       "continue",
       "Run until a breakpoint, a watchpoint or the end.",
       &Repl::cmdContinue},
      {"step",
       {"s"},
       "step [N]",
       "Run to a different source line, entering calls (also the deferred call deferreturn "
       "makes).",
       &Repl::cmdStep},
      {"next",
       {"n"},
       "next [N]",
       "Run to a different source line of this frame or a caller.",
       &Repl::cmdNext},
      {"stepi",
       {"si"},
       "stepi [N]",
       "Run N instructions (a runtime call is one).",
       &Repl::cmdStepi},
      {"nexti",
       {"ni"},
       "nexti [N]",
       "Run one instruction; a CALL runs until it returns.",
       &Repl::cmdNexti},
      {"finish", {"fin"}, "finish", "Run until the selected frame returns.", &Repl::cmdFinish},
      {"until",
       {"u"},
       "until [LOCATION]",
       "Run until a line after this one in this frame (not back round a loop), or to LOCATION.",
       &Repl::cmdUntil},
      {"watch",
       {},
       "watch NAME | [*]ADDRESS",
       "Stop when a variable of the selected frame (or the 8 bytes at ADDRESS) changes.",
       &Repl::cmdWatch},
      {"print",
       {"p"},
       "print EXPR",
       "Show a value: a variable of the selected frame (i, *p, &i), a register ($rax, AX, $pc) "
       "or memory (*0xADDRESS); + and - work on numbers.",
       &Repl::cmdPrint},
      {"regs",
       {"registers"},
       "regs [-a]",
       "Show the registers (-a: with X0-X15); * marks those changed since the last stop.",
       &Repl::cmdRegs},
      {"x",
       {},
       "x[/NFU] ADDRESS",
       "Examine memory: N units of U (b h w g) in format F (x d u o t a c s i).",
       &Repl::cmdExamine},
      {"bt",
       {"backtrace", "where"},
       "bt",
       "Show the stack frames, innermost first.",
       &Repl::cmdBacktrace},
      {"frame",
       {"f"},
       "frame [N]",
       "Select frame N (or show the selected frame).",
       &Repl::cmdFrame},
      {"up", {}, "up [N]", "Select the caller's frame.", &Repl::cmdUp},
      {"down", {}, "down [N]", "Select the callee's frame.", &Repl::cmdDown},
      {"info",
       {"i"},
       "info locals|args|frame|breakpoints|registers|record",
       "Show the selected frame's variables, its layout, the breakpoints, the registers or the "
       "recording.",
       &Repl::cmdInfo},
      {"defers",
       {},
       "defers",
       "Show the goroutine's defer chain (g._defer, newest first): record, frame, function.",
       &Repl::cmdDefers},
      {"goroutines",
       {},
       "goroutines",
       "List the goroutines: id, state (running, runnable, waiting and why, dead), the function "
       "each was started with, and the run queue.",
       &Repl::cmdGoroutines},
      {"goroutine",
       {},
       "goroutine [N [bt]]",
       "Select goroutine N for bt, frame, up, down, info and print (until the next stop), and "
       "show its innermost frame; with bt, its backtrace. Without N: the selected goroutine.",
       &Repl::cmdGoroutine},
      {"list",
       {"l"},
       "list [LINE | FUNC | FILE:LINE]",
       "Show source lines (again: the next ones).",
       &Repl::cmdList},
      {"disas",
       {"disassemble"},
       "disas [FUNC | ADDRESS]",
       "Disassemble a function (the selected frame's by default).",
       &Repl::cmdDisas},
      {"context", {"ctx"}, "context", "Show the context view again.", &Repl::cmdContext},
      {"restart",
       {"run", "r"},
       "restart",
       "Start the call again (breakpoints stay).",
       &Repl::cmdRestart},
      {"reverse-stepi",
       {"rsi"},
       "reverse-stepi [N]",
       "Go back N instructions.",
       &Repl::cmdReverseStepi},
      {"reverse-step",
       {"rs"},
       "reverse-step [N]",
       "Go back to the start of the previous source line, entering calls.",
       &Repl::cmdReverseStep},
      {"reverse-next",
       {"rn"},
       "reverse-next [N]",
       "Go back to the start of the previous source line of this frame or a caller.",
       &Repl::cmdReverseNext},
      {"reverse-finish",
       {"rf"},
       "reverse-finish",
       "Go back to the call of the selected frame.",
       &Repl::cmdReverseFinish},
      {"reverse-continue",
       {"rc"},
       "reverse-continue",
       "Go back to the previous breakpoint or watchpoint hit, or the start.",
       &Repl::cmdReverseContinue},
      {"record", {}, "record", "Show what the time-travel recording holds.", &Repl::cmdRecord},
      {"help",
       {"h", "?"},
       "help [COMMAND]",
       "Show the commands, or one in detail.",
       &Repl::cmdHelp},
      {"quit", {"q", "exit"}, "quit", "Leave.", &Repl::cmdQuit},
  };
  return c;
}

const Repl::Command* Repl::find(const std::string& word) const {
  for (const auto& c : commands()) {
    if (c.name == word) return &c;
    for (const auto& a : c.aliases)
      if (a == word) return &c;
  }
  const Command* hit = nullptr;
  for (const auto& c : commands()) {
    bool match = c.name.starts_with(word);
    for (const auto& a : c.aliases)
      match = match || a.starts_with(word);
    if (!match || hit == &c) continue;
    if (hit) return nullptr; // ambiguous
    hit = &c;
  }
  return hit;
}

bool Repl::execute(const std::string& lineIn) {
  std::string line = trim(lineIn);
  if (line.empty() || line.starts_with("#")) return !quit_;
  size_t end = line.find_first_of(" \t/");
  std::string word = line.substr(0, end);
  std::string args = end == std::string::npos ? "" : line.substr(end);
  if (!args.empty() && args[0] != '/') args = trim(args);
  const Command* c = find(word);
  if (!c) {
    out_ << fmt::format("Undefined command: \"{}\". Try \"help\".\n", word);
    return true;
  }
  if (!args.empty() && args[0] == '/' && c->name != "x" && c->name != "print") {
    out_ << fmt::format("{} takes no /FORMAT\n", c->name);
    return true;
  }
  reversing_ = c->name.starts_with("reverse-");
  (this->*(c->run))(args);
  out_.flush();
  return !quit_;
}

bool Repl::runStream(std::istream& in) {
  std::string line;
  while (!quit_ && std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t.starts_with("#")) continue;
    if (opts_.echo) out_ << opts_.prompt << t << "\n";
    if (!execute(t)) return false;
  }
  return !quit_;
}

const Frame* Repl::frame() {
  return dbg_->selectedFrame();
}

void Repl::report(const DebugStop& s, bool context) {
  Session& ses = dbg_->session();
  switch (s.why) {
  case StopWhy::Step:
    break;
  case StopWhy::Breakpoint: {
    uint64_t pc = ses.machine().reg(rt::Reg::RIP);
    bool temp = temporary_.erase(s.id) > 0;
    out_ << paint("1;32",
                  fmt::format("{}Breakpoint {}, {}", temp ? "Temporary " : "", s.id, location(pc)))
         << "\n";
    if (temp) {
      dbg_->remove(s.id);
      conditions_.erase(s.id);
    }
    break;
  }
  case StopWhy::Watch: {
    std::string spec;
    for (const auto& w : dbg_->watches())
      if (w.id == s.id) spec = w.spec;
    out_ << paint("1;32", fmt::format("Watchpoint {}: {}", s.id, spec)) << "\n";
    // Going backwards the change is seen the other way round: from the later value to the
    // earlier one.
    if (reversing_)
      out_ << fmt::format("Old value = {}\nNew value = {}   (going backwards)\n", shown(s.newValue),
                          shown(s.oldValue));
    else
      out_ << fmt::format("Old value = {}\nNew value = {}\n", shown(s.oldValue), shown(s.newValue));
    break;
  }
  case StopWhy::Returned: {
    ended_ = s;
    std::vector<std::string> res;
    for (const auto& v : ses.results())
      res.push_back(fmt::format("{} = {}", v.name, shown(v)));
    out_ << paint("1", fmt::format("{} returned {}", ses.object().displayName(ses.function()),
                                   res.empty() ? "(no results)"
                                               : fmt::format("{}", fmt::join(res, ", "))))
         << fmt::format("   ({} instructions)\n", ses.instructions());
    regsSnapshot();
    return;
  }
  case StopWhy::Exited:
    ended_ = s;
    out_ << paint("31;1", fmt::format("The program died: {} (exit status {}, {} instructions)",
                                      s.message, s.exitStatus, ses.instructions()))
         << "\n";
    regsSnapshot();
    return;
  case StopWhy::Error:
    out_ << paint("31;1", "godefer-emu: " + s.message) << "\n";
    regsSnapshot();
    return;
  case StopWhy::HistoryStart:
    out_ << "No more reverse-execution history."
         << (s.message.empty() ? "" : " (" + s.message + ")") << "\n";
    break;
  case StopWhy::Interrupted:
    out_ << "Interrupted.\n";
    break;
  case StopWhy::NotRunning:
    if (ended_ && ended_->why == StopWhy::Exited)
      out_ << fmt::format("The program has exited ({}, exit status {}): reverse-step, "
                          "reverse-continue or restart go on.\n",
                          ended_->message, ended_->exitStatus);
    else
      out_ << "The function has returned: reverse-step, reverse-continue or restart go on.\n";
    return;
  }
  if (context) showContext();
  showDisplays();
  regsSnapshot();
}

void Repl::cmdBreak(const std::string& args) {
  std::string spec = args;
  if (spec.empty()) spec = fmt::format("*{:#x}", dbg_->session().machine().reg(rt::Reg::RIP));
  if (auto where = dbg_->resolveLocation(spec); where)
    for (uint64_t a : *where)
      for (const auto& other : dbg_->breakpoints())
        if (std::find(other.addrs.begin(), other.addrs.end(), a) != other.addrs.end())
          out_ << fmt::format("Note: breakpoint {} also set at pc {:#x}.\n", other.id, a);
  auto b = dbg_->addBreakpoint(spec);
  if (!b) {
    out_ << b.error().message << "\n";
    return;
  }
  const Breakpoint& bp = **b;
  if (bp.addrs.size() == 1) {
    out_ << fmt::format("Breakpoint {} at {:#x}: {}\n", bp.id, bp.addrs[0], location(bp.addrs[0]));
    return;
  }
  out_ << fmt::format("Breakpoint {} at {} locations:\n", bp.id, bp.addrs.size());
  for (uint64_t a : bp.addrs)
    out_ << fmt::format("  {:#x}: {}\n", a, location(a));
}

void Repl::cmdDelete(const std::string& args) {
  if (args.empty()) {
    dbg_->removeAll();
    out_ << "Deleted all breakpoints and watchpoints.\n";
    return;
  }
  std::istringstream in(args);
  std::string tok;
  while (in >> tok) {
    auto n = count(tok, 0);
    if (!n || !dbg_->remove(int(*n)))
      out_ << fmt::format("No breakpoint or watchpoint {}.\n", tok);
    else
      out_ << fmt::format("Deleted {}.\n", *n);
  }
}

void Repl::cmdContinue(const std::string&) {
  report(conditional(&Debugger::cont));
}

DebugStop Repl::conditional(DebugStop (Debugger::*move)()) {
  while (true) {
    DebugStop s = ((*dbg_).*move)();
    if (s.why != StopWhy::Breakpoint || conditions_.empty()) return s;
    // Every breakpoint at this pc: the stop stands when one has no condition or a true one.
    uint64_t pc = dbg_->session().machine().reg(rt::Reg::RIP);
    const Frame* f = frame();
    if (!f) return s;
    for (const auto& b : dbg_->breakpoints()) {
      if (std::find(b.addrs.begin(), b.addrs.end(), pc) == b.addrs.end()) continue;
      auto c = conditions_.find(b.id);
      if (c == conditions_.end()) {
        s.id = b.id;
        return s;
      }
      auto e = insp_->evaluate(c->second, *f);
      if (!e) {
        out_ << fmt::format("Error in the condition of breakpoint {}: {}\n", b.id,
                            e.error().message);
        s.id = b.id;
        return s;
      }
      if (e->bits != 0) {
        s.id = b.id;
        return s;
      }
    }
  }
}

void Repl::cmdTbreak(const std::string& args) {
  if (args.empty()) return void(out_ << "usage: tbreak LOCATION\n");
  size_t before = dbg_->breakpoints().size();
  cmdBreak(args);
  if (dbg_->breakpoints().size() > before) {
    temporary_.insert(dbg_->breakpoints().back().id);
    out_ << fmt::format("(temporary: deleted when hit)\n");
  }
}

void Repl::cmdCondition(const std::string& args) {
  std::istringstream in(args);
  int id = 0;
  if (!(in >> id)) return void(out_ << "usage: condition N [EXPR]\n");
  std::string expr;
  std::getline(in, expr);
  expr.erase(0, expr.find_first_not_of(' '));
  bool known = std::any_of(dbg_->breakpoints().begin(), dbg_->breakpoints().end(),
                           [&](const Breakpoint& b) { return b.id == id; });
  if (!known) return void(out_ << fmt::format("No breakpoint number {}.\n", id));
  if (expr.empty()) {
    conditions_.erase(id);
    out_ << fmt::format("Breakpoint {} now unconditional.\n", id);
  } else {
    conditions_[id] = expr;
  }
}

void Repl::cmdDisplay(const std::string& args) {
  if (args.empty()) return showDisplays();
  displays_.emplace_back(nextDisplay_++, args);
  const Frame* f = frame();
  if (!f) return;
  auto v = insp_->print(args, *f);
  out_ << fmt::format("{}: {} = {}\n", displays_.back().first, args,
                      v ? *v : "<" + v.error().message + ">");
}

void Repl::cmdUndisplay(const std::string& args) {
  if (args.empty()) return displays_.clear();
  std::istringstream in(args);
  for (int n; in >> n;)
    std::erase_if(displays_, [n](const auto& d) { return d.first == n; });
}

void Repl::showDisplays() {
  const Frame* f = frame();
  if (!f) return;
  for (const auto& [n, expr] : displays_) {
    auto v = insp_->print(expr, *f);
    out_ << fmt::format("{}: {} = {}\n", n, expr, v ? *v : "<" + v.error().message + ">");
  }
}

// `step N` and its kin: the move N times, stopping early at anything but an ordinary step.
void Repl::repeatLineStep(const std::string& args, const char* name,
                          DebugStop (Debugger::*move)()) {
  auto n = count(args);
  if (!n) return void(out_ << name << " takes a count\n");
  DebugStop s;
  for (uint64_t k = 0; k < *n && s.why == StopWhy::Step; k++)
    s = ((*dbg_).*move)();
  report(s);
}

void Repl::cmdStep(const std::string& args) {
  repeatLineStep(args, "step", &Debugger::step);
}

void Repl::cmdNext(const std::string& args) {
  repeatLineStep(args, "next", &Debugger::next);
}

void Repl::cmdStepi(const std::string& args) {
  auto n = count(args);
  if (!n) return void(out_ << "stepi takes a count\n");
  report(dbg_->stepi(*n));
}

void Repl::cmdNexti(const std::string& args) {
  auto n = count(args);
  if (!n) return void(out_ << "nexti takes a count\n");
  report(dbg_->nexti(*n));
}

void Repl::cmdFinish(const std::string&) {
  const Frame* f = frame();
  if (f && !dbg_->finished()) out_ << "Run till exit from " << frameLine(*f) << "\n";
  std::optional<loader::SymId> fn = f && !f->model ? f->fn : std::nullopt;
  uint64_t cfa = f ? f->cfa : 0;
  DebugStop s = dbg_->finish();
  Session& ses = dbg_->session();
  // Back in the caller: what the function returned (the called function's own return is
  // reported as such).
  if (fn && s.why == StopWhy::Step && ses.machine().reg(rt::Reg::RSP) >= cfa) {
    std::vector<std::string> vals;
    for (const auto& v : ses.returnedValues(*fn, cfa))
      vals.push_back(fmt::format("{} = {}", v.name, shown(v)));
    if (!vals.empty()) out_ << fmt::format("Value returned: {}\n", fmt::join(vals, ", "));
  }
  report(s);
}

void Repl::cmdUntil(const std::string& args) {
  if (args.empty()) return report(dbg_->until(std::nullopt));
  auto a = dbg_->resolveLocation(args);
  if (!a) return void(out_ << a.error().message << "\n");
  report(dbg_->until(a->front()));
}

void Repl::cmdWatch(const std::string& args) {
  if (args.empty()) return void(out_ << "usage: watch NAME | [*]ADDRESS\n");
  const Frame* f = frame();
  if (!f) return void(out_ << "No frame.\n");
  uint64_t addr = 0;
  uint32_t size = 8;
  std::string type;
  bool raw = args.starts_with("*") || std::isdigit(static_cast<unsigned char>(args[0]));
  if (raw) {
    auto a = insp_->address(args.starts_with("*") ? args.substr(1) : args, *f);
    if (!a) return void(out_ << a.error().message << "\n");
    addr = *a;
  } else {
    auto slot = insp_->variableSlot(args, *f);
    if (!slot) return void(out_ << slot.error().message << "\n");
    std::tie(addr, size, type) = *slot;
  }
  const Watchpoint* w = dbg_->addWatch(args, addr, size, type);
  out_ << fmt::format("Watchpoint {}: {} ({}{} bytes at {:#x}) = {}\n", w->id, w->spec,
                      type.empty() ? "" : type + ", ", size, addr, shown(w->last));
}

void Repl::cmdPrint(const std::string& in) {
  std::string args = in;
  char fmtLetter = 0;
  if (args.starts_with("/")) { // print/x EXPR, as gdb's formats: x d u o t c
    size_t sp = args.find(' ');
    std::string f = args.substr(1, sp == std::string::npos ? sp : sp - 1);
    if (f.size() != 1 || std::string("xduotc").find(f[0]) == std::string::npos)
      return void(out_ << "print/FMT: FMT is one of x d u o t c\n");
    fmtLetter = f[0];
    args = sp == std::string::npos ? "" : args.substr(sp + 1);
  }
  if (args.empty()) return void(out_ << "usage: print[/FMT] EXPR\n");
  const Frame* f = frame();
  if (!f) return void(out_ << "No frame: the function has returned.\n");
  if (fmtLetter) {
    auto e = insp_->evaluate(args, *f);
    if (!e) return void(out_ << e.error().message << "\n");
    if (e->text || (!e->type.empty() && !isIntegerType(e->type) && e->type != "bool" &&
                    !e->type.starts_with("*") && !e->type.starts_with("unsafe")))
      return void(out_ << fmt::format("print/{}: {} is not a number\n", fmtLetter, args));
    uint64_t b = e->bits;
    uint32_t size = e->type.empty() ? 8 : std::max<uint32_t>(goTypeSize(e->type), 1);
    if (size < 8) b &= (uint64_t(1) << (8 * size)) - 1;
    int64_t sv = size < 8 ? int64_t(b << (64 - 8 * size)) >> (64 - 8 * size) : int64_t(b);
    std::string text = fmtLetter == 'x'   ? fmt::format("{:#x}", b)
                       : fmtLetter == 'd' ? fmt::format("{}", sv)
                       : fmtLetter == 'u' ? fmt::format("{}", b)
                       : fmtLetter == 'o' ? fmt::format("0{:o}", b)
                       : fmtLetter == 't' ? fmt::format("{:b}", b)
                                          : fmt::format("{} {:?}", sv, char(b & 0x7f));
    out_ << args << " = " << text << "\n";
    return;
  }
  auto v = insp_->print(args, *f);
  if (!v) return void(out_ << v.error().message << "\n");
  out_ << args << " = " << *v << "\n";
}

void Repl::cmdUp(const std::string& args) {
  auto n = count(args);
  if (!n) return void(out_ << "up takes a count\n");
  if (!dbg_->select(dbg_->selected() + int(*n))) {
    if (dbg_->frames().empty()) return void(out_ << "No stack.\n");
    dbg_->select(int(dbg_->frames().size()) - 1);
    out_ << "Initial frame selected; you cannot go up.\n";
    return;
  }
  cmdFrame("");
}

void Repl::cmdDown(const std::string& args) {
  auto n = count(args);
  if (!n) return void(out_ << "down takes a count\n");
  if (!dbg_->select(dbg_->selected() - int(*n))) {
    dbg_->select(0);
    out_ << "Bottom (innermost) frame selected; you cannot go down.\n";
    return;
  }
  cmdFrame("");
}

void Repl::cmdFrame(const std::string& args) {
  if (!args.empty()) {
    auto n = count(args);
    if (!n || !dbg_->select(int(*n))) return void(out_ << fmt::format("No frame {}.\n", args));
  }
  const Frame* f = frame();
  if (!f) return void(out_ << "No stack.\n");
  out_ << frameLine(*f) << "\n";
  if (f->line) {
    auto src = sourceLines(*f, f->line, f->line);
    if (!src.empty()) out_ << src[0] << "\n";
  }
}

void Repl::cmdGoroutine(const std::string& args) {
  std::istringstream in(args);
  std::string id, what, extra;
  in >> id >> what >> extra;
  if (id.empty())
    return void(out_ << fmt::format("The selected goroutine is {}.\n", dbg_->selectedGoroutine()));
  auto n = count(id);
  if (!n || (!what.empty() && what != "bt") || !extra.empty())
    return void(out_ << "Usage: goroutine [N [bt]]\n");
  if (auto r = dbg_->selectGoroutine(*n); !r) return void(out_ << r.error().message << ".\n");
  out_ << fmt::format("[Switching to goroutine {}]\n", *n);
  if (what == "bt") return cmdBacktrace("");
  cmdFrame("");
}

void Repl::cmdContext(const std::string&) {
  if (dbg_->finished()) return void(out_ << "The function has returned.\n");
  showContext();
}

void Repl::cmdRestart(const std::string&) {
  auto r = dbg_->restart();
  if (!r) return void(out_ << r.error().message << "\n");
  insp_ = std::make_unique<Inspector>(*dbg_);
  out_ << "Restarted.\n";
  regsSnapshot();
  showContext();
}

void Repl::cmdHelp(const std::string& args) {
  if (!args.empty()) {
    const Command* c = find(args);
    if (!c) return void(out_ << fmt::format("Undefined command: \"{}\".\n", args));
    out_ << c->usage;
    if (!c->aliases.empty()) out_ << fmt::format("   (aliases: {})", fmt::join(c->aliases, ", "));
    out_ << "\n  " << c->help << "\n";
    return;
  }
  out_ << "Commands (aliases in brackets; help COMMAND for more):\n";
  for (const auto& c : commands()) {
    std::string names = c.name;
    if (!c.aliases.empty()) names += fmt::format(" [{}]", fmt::join(c.aliases, " "));
    out_ << fmt::format("  {:<28} {}\n", names, c.usage);
  }
}

void Repl::cmdQuit(const std::string&) {
  quit_ = true;
}

void Repl::cmdReverseStepi(const std::string& args) {
  auto n = count(args);
  if (!n) return void(out_ << "reverse-stepi takes a count\n");
  report(dbg_->reverseStepi(*n));
}

void Repl::cmdReverseStep(const std::string& args) {
  repeatLineStep(args, "reverse-step", &Debugger::reverseStep);
}

void Repl::cmdReverseNext(const std::string& args) {
  repeatLineStep(args, "reverse-next", &Debugger::reverseNext);
}

void Repl::cmdReverseFinish(const std::string&) {
  report(dbg_->reverseFinish());
}

void Repl::cmdReverseContinue(const std::string&) {
  report(conditional(&Debugger::reverseContinue));
}

void Repl::cmdRecord(const std::string&) {
  Timeline& t = dbg_->timeline();
  out_ << fmt::format("At instruction {}; reverse execution reaches back to instruction {} "
                      "through {} checkpoint{} ({:.1f} MiB, one every {} instructions{}).\n",
                      t.now(), t.origin(), t.checkpoints(), t.checkpoints() == 1 ? "" : "s",
                      double(t.bytes()) / (1 << 20), t.options().interval,
                      t.thinned() ? "; older ones thinned to stay under the memory limit" : "");
}

// ---- entry point ----

int runRepl(const Debugger::Options& o, const std::string& script, bool noColor) {
  bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  ReplOptions ro;
  ro.color = !noColor && !std::getenv("NO_COLOR") && isatty(STDOUT_FILENO);
  ro.echo = !tty;
  Repl repl(std::cout, std::cerr, ro);
  if (auto r = repl.open(o); !r) {
    std::cerr << "godefer-emu: " << r.error().message << "\n";
    return 3;
  }
  struct sigaction sa {};
  sa.sa_handler = onSigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  if (!script.empty()) {
    std::ifstream in(script);
    if (!in) {
      std::cerr << "godefer-emu: cannot read " << script << "\n";
      return 3;
    }
    repl.setEcho(true);
    if (!repl.runStream(in)) return 0;
    repl.setEcho(ro.echo);
  }
  if (tty)
    repl.runInteractive();
  else
    repl.runStream(std::cin);
  std::cout.flush();
  return 0;
}

} // namespace gd::emu
