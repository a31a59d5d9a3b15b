// The REPL's views: the context shown after each stop, and the commands that only look (bt,
// frame layout, registers, memory, the defer chain, source, disassembly).
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "emulator/frontends/repl/repl.h"
#include "loader/disasm.h"

namespace gd::emu {
namespace {

std::string hexBytes(const uint8_t* b, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; i++)
    s += fmt::format("{:02x}", b[i]);
  return s;
}

std::string flagsText(uint64_t f) {
  static const std::pair<int, const char*> bits[] = {{0, "CF"}, {2, "PF"},  {4, "AF"},
                                                     {6, "ZF"}, {7, "SF"},  {8, "TF"},
                                                     {9, "IF"}, {10, "DF"}, {11, "OF"}};
  std::vector<std::string> on;
  for (auto [b, n] : bits)
    if (f & (1ull << b)) on.push_back(n);
  return on.empty() ? "[ ]" : fmt::format("[ {} ]", fmt::join(on, " "));
}

const char* regLabel(size_t i) {
  if (i == size_t(rt::Reg::FsBase)) return "FSBASE";
  if (i == size_t(rt::Reg::GsBase)) return "GSBASE";
  if (i == Machine::kRegFile - 1) return "EFLAGS";
  return rt::regName(rt::Reg(i));
}

} // namespace

std::string Repl::rule(const std::string& title) const {
  std::string line = "── " + title + " ";
  size_t width = 0; // columns: UTF-8 continuation bytes take none
  for (unsigned char c : line)
    width += (c & 0xC0) != 0x80;
  std::string fill;
  for (size_t k = width; k < 78; k++)
    fill += "─";
  return paint("34", line + fill);
}

std::string Repl::location(uint64_t pc) {
  const loader::Image& img = dbg_->session().image();
  if (pc >= img.externStart && pc < img.externEnd) {
    auto id = img.externAt(pc);
    return id ? dbg_->session().object().sym(*id).name + " (runtime model)" : img.describe(pc);
  }
  auto id = img.symbolAt(pc);
  auto [file, line] = dbg_->unwinder().position(pc);
  if (!id || !line) return img.describe(pc);
  return fmt::format("{} at {}:{}", dbg_->session().object().displayName(*id), file, line);
}

std::string Repl::frameLine(const Frame& f) {
  if (f.model) return fmt::format("#{:<2} {:#x} in {} (runtime model)", f.index, f.pc, f.name);
  std::string s = fmt::format("#{:<2} {:#x} in {}", f.index, f.pc, f.name);
  // The arguments, as gdb's bt shows them (those not readable here as ?).
  std::vector<std::string> args;
  for (const auto& v : insp_->frameVars(f))
    if (v.info.role == loader::VarRole::Param)
      args.push_back(v.info.name + "=" + (v.value ? v.value->text : std::string("?")));
  if (!args.empty()) s += fmt::format(" ({})", fmt::join(args, ", "));
  if (f.line) s += fmt::format(" at {}:{}", f.file, f.line);
  if (f.jmpdefer) s += "   [jmpdefer: returns onto CALL runtime.deferreturn]";
  return s;
}

std::string Repl::insnText(uint64_t pc, uint8_t* len) {
  Session& s = dbg_->session();
  uint8_t code[16] = {};
  size_t n = sizeof code;
  while (n && !s.machine().read(pc, code, n))
    n--;
  auto lookup = [&s](uint64_t a) -> std::optional<loader::SymbolHit> {
    auto id = s.image().symbolAt(a);
    if (!id) return std::nullopt;
    return loader::SymbolHit{s.object().displayName(*id), s.image().address(*id)};
  };
  auto insn = loader::disassemble(std::span<const uint8_t>(code, n), pc, s.options().syntax, lookup,
                                  s.object().profile ? s.object().profile->x86asm
                                                     : loader::newestProfile().x86asm);
  if (len) *len = insn.length;
  return fmt::format("{:<20}  {}", hexBytes(code, std::min<size_t>(insn.length, n)), insn.text);
}

std::vector<std::pair<uint64_t, std::string>> Repl::disassembleAround(uint64_t pc, int before,
                                                                      int after) {
  std::vector<std::pair<uint64_t, std::string>> all;
  const loader::Image& img = dbg_->session().image();
  auto id = img.symbolAt(pc);
  if (!id || !dbg_->session().object().sym(*id).isText() ||
      (pc >= img.externStart && pc < img.externEnd))
    return all;
  uint64_t a = img.address(*id), end = a + dbg_->session().object().sym(*id).memSize();
  size_t at = 0;
  while (a < end) {
    uint8_t len = 1;
    std::string t = insnText(a, &len);
    if (a == pc) at = all.size();
    all.push_back({a, t});
    a += len ? len : 1;
  }
  if (before < 0) return all;
  size_t from = at > size_t(before) ? at - size_t(before) : 0;
  size_t to = std::min(all.size(), at + size_t(after) + 1);
  return {all.begin() + long(from), all.begin() + long(to)};
}

const std::vector<std::string>* Repl::sourceFile(const Frame& f) {
  if (!f.fn || f.file.empty()) return nullptr;
  auto it = sources_.find(f.file);
  if (it == sources_.end()) {
    std::vector<std::string> lines;
    for (const auto& path : loader::sourceCandidates(dbg_->session().object(), *f.fn,
                                                     dbg_->session().options().sourceDirs)) {
      if (std::filesystem::path(path).filename() != f.file) continue;
      std::ifstream in(path);
      std::string l;
      while (std::getline(in, l))
        lines.push_back(l);
      break;
    }
    it = sources_.emplace(f.file, std::move(lines)).first;
  }
  return it->second.empty() ? nullptr : &it->second;
}

std::vector<std::string> Repl::sourceLines(const Frame& f, int from, int to) {
  std::vector<std::string> out;
  const auto* lines = sourceFile(f);
  if (!lines) return out;
  for (int n = std::max(from, 1); n <= to && n <= int(lines->size()); n++) {
    std::string text = fmt::format("{:>5}  {}", n, (*lines)[size_t(n - 1)]);
    out.push_back(n == f.line ? paint("1;32", " => " + text) : "    " + text);
  }
  return out;
}

void Repl::regsSnapshot() {
  dbg_->session().machine().readRegFile(prevRegs_);
  havePrevRegs_ = true;
  listNext_ = 0;
}

std::vector<std::string> Repl::deferLines(bool detailed) {
  Session& s = dbg_->session();
  Machine& m = s.machine();
  const rt::DeferLayout& L = s.runtime().profile().defer;
  std::vector<std::string> out;
  const auto& frames = dbg_->frames();
  int k = 0;
  for (uint64_t d : s.runtime().deferChain(m)) {
    uint64_t fn = m.u64(d + L.fn).value_or(0);
    uint64_t sp = m.u64(d + L.sp).value_or(0);
    uint64_t pc = m.u64(d + L.pc).value_or(0);
    bool heap = L.heap >= 0 && m.u8(d + uint64_t(L.heap)).value_or(0);
    bool open = L.openDefer >= 0 && m.u8(d + uint64_t(L.openDefer)).value_or(0);
    bool started = L.started >= 0 && m.u8(d + uint64_t(L.started)).value_or(0);
    std::string name = fn ? s.runtime().funcvalName(m, fn) : "<open-coded frame>";
    std::string owner;
    for (const auto& f : frames)
      if (f.sp == sp && !f.model) owner = f.name;
    std::string where =
        owner.empty() ? fmt::format("sp={:#x}", sp) : fmt::format("sp={:#x} ({})", sp, owner);
    std::string kind = open ? "open-coded" : heap ? "heap" : "stack";
    if (!detailed) {
      out.push_back(
          fmt::format("{:#x}  {}  {}  {}{}", d, name, where, kind, started ? ", started" : ""));
      continue;
    }
    std::string extra;
    if (L.siz >= 0)
      if (uint32_t siz = m.u32(d + uint64_t(L.siz)).value_or(0))
        extra = fmt::format(", {} bytes of arguments", siz);
    out.push_back(
        fmt::format("#{:<2} record {:#x} ({} record{}{})  defer {}  frame {}  pc={:#x} ({})", k++,
                    d, kind, started ? ", started" : "", extra, name, where, pc, location(pc)));
  }
  return out;
}

void Repl::showContext() {
  Session& s = dbg_->session();
  Machine& m = s.machine();
  const auto& frames = dbg_->frames();
  const Frame* f = frame();
  uint64_t pc = m.reg(rt::Reg::RIP);
  std::string title = frames.empty() ? location(pc) : location(frames[0].pc);
  out_ << rule(fmt::format("{} ── pc {:#x} ── instruction {}", title, pc, s.instructions()))
       << "\n";
  if (!frames.empty()) {
    auto src = sourceLines(frames[0], frames[0].line - 1, frames[0].line + 1);
    if (src.empty() && frames[0].line)
      out_ << fmt::format("    ({} not found: --source-dir DIR tells where it is)\n",
                          frames[0].file);
    for (const auto& l : src)
      out_ << l << "\n";
  }
  out_ << rule("code") << "\n";
  for (const auto& [a, t] : disassembleAround(pc, 2, 3))
    out_ << (a == pc ? paint("1;32", fmt::format(" => {:#x}  {}", a, t))
                     : fmt::format("    {:#x}  {}", a, t))
         << "\n";
  uint64_t now[Machine::kRegFile];
  m.readRegFile(now);
  std::vector<std::string> changed;
  for (size_t i = 0; i < Machine::kRegFile; i++) {
    if (i == size_t(rt::Reg::RIP) || !havePrevRegs_ || now[i] == prevRegs_[i]) continue;
    changed.push_back(paint("33", regLabel(i)) +
                      fmt::format(" {:#x} → {:#x}", prevRegs_[i], now[i]));
  }
  out_ << rule("registers changed") << "\n";
  out_ << "    " << (changed.empty() ? "(none)" : fmt::format("{}", fmt::join(changed, "   ")))
       << "\n";
  if (f) {
    out_ << rule(fmt::format("frame #{} {}", f->index, f->name)) << "\n";
    std::vector<std::string> vars;
    for (const auto& v : insp_->frameVars(*f))
      vars.push_back(v.value ? fmt::format("{} = {}", v.info.name, v.value->text)
                             : fmt::format("{} <{}>", v.info.name, v.note));
    out_ << "    "
         << (vars.empty() ? std::string("(no named slots known)")
                          : fmt::format("{}", fmt::join(vars, "   ")))
         << "\n";
  }
  out_ << rule("defers (g._defer, newest first)") << "\n";
  auto defers = deferLines(false);
  if (defers.empty()) out_ << "    (empty)\n";
  for (const auto& d : defers)
    out_ << "    " << d << "\n";
}

void Repl::cmdBacktrace(const std::string&) {
  const auto& frames = dbg_->frames();
  if (frames.empty()) return void(out_ << "No stack: the function has returned.\n");
  for (const auto& f : frames)
    out_ << frameLine(f) << "\n";
}

void Repl::cmdDefers(const std::string&) {
  auto lines = deferLines(true);
  if (lines.empty()) return void(out_ << "g._defer is empty: no deferred calls pending.\n");
  out_ << "g._defer (newest first):\n";
  for (const auto& l : lines)
    out_ << "  " << l << "\n";
}

void Repl::cmdGoroutines(const std::string&) {
  const rt::Runtime::Scheduler& s = dbg_->session().runtime().scheduler();
  if (s.gs.empty()) return void(out_ << "* goroutine 1 running (the only goroutine so far)\n");
  using St = rt::Runtime::GStatus;
  for (size_t i = 0; i < s.gs.size(); i++) {
    const auto& g = s.gs[i];
    std::string state = g.status == St::Running    ? "running"
                        : g.status == St::Runnable ? "runnable"
                        : g.status == St::Waiting  ? "waiting: " + g.waitReason
                                                   : "dead";
    if (g.timerRun && g.status == St::Dead) continue; // a timer's function that returned
    out_ << fmt::format("{} goroutine {:<4} {:<28} {} {}{}\n", i == s.current ? "*" : " ", g.goid,
                        state, g.timerRun ? "a timer's function:" : "started as", g.startFn,
                        g.goid == dbg_->selectedGoroutine() && i != s.current ? " (selected)" : "");
  }
  std::string queue;
  if (s.runnext >= 0) queue += fmt::format(" runnext={}", s.gs[size_t(s.runnext)].goid);
  for (size_t gi : s.runq)
    queue += fmt::format(" {}", s.gs[gi].goid);
  out_ << "run queue:" << (queue.empty() ? " (empty)" : queue) << "\n";
}

void Repl::cmdRegs(const std::string& args) {
  Machine& m = dbg_->session().machine();
  uint64_t now[Machine::kRegFile];
  m.readRegFile(now);
  std::string line;
  int col = 0;
  for (size_t i = 0; i + 1 < Machine::kRegFile; i++) {
    bool changed = havePrevRegs_ && now[i] != prevRegs_[i];
    std::string cell = fmt::format("{:<6} {:#018x}{}", regLabel(i), now[i], changed ? "*" : " ");
    line += (col ? "  " : "") + (changed ? paint("33", cell) : cell);
    if (++col == 3) {
      while (line.ends_with(' '))
        line.pop_back();
      out_ << line << "\n";
      line.clear();
      col = 0;
    }
  }
  while (line.ends_with(' '))
    line.pop_back();
  if (!line.empty()) out_ << line << "\n";
  uint64_t fl = now[Machine::kRegFile - 1];
  bool changed = havePrevRegs_ && fl != prevRegs_[Machine::kRegFile - 1];
  out_ << fmt::format("EFLAGS {:#x}{} {}\n", fl, changed ? "*" : "", flagsText(fl));
  if (args.find("-a") != std::string::npos) {
    for (int k = 0; k < 16; k++) {
      uint8_t b[16];
      m.readXmm(k, b);
      uint64_t lo, hi;
      std::memcpy(&lo, b, 8);
      std::memcpy(&hi, b + 8, 8);
      out_ << fmt::format("X{:<5} {{{:#018x}, {:#018x}}}\n", k, lo, hi);
    }
  }
}

void Repl::cmdExamine(const std::string& argsIn) {
  std::string args = argsIn;
  std::string fmtSpec;
  if (args.starts_with("/")) {
    size_t sp = args.find_first_of(" \t");
    fmtSpec = args.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
    args = sp == std::string::npos ? "" : args.substr(sp + 1);
  }
  // N, then format and unit letters in any order (as gdb).
  uint64_t n = 0;
  char format = xFormat_[xFormat_.size() - 2], unit = xFormat_.back();
  size_t i = 0;
  while (i < fmtSpec.size() && std::isdigit(static_cast<unsigned char>(fmtSpec[i])))
    n = n * 10 + uint64_t(fmtSpec[i++] - '0');
  if (i == 0) n = 1;
  for (; i < fmtSpec.size(); i++) {
    char c = fmtSpec[i];
    if (std::string_view("bhwg").find(c) != std::string_view::npos)
      unit = c;
    else if (std::string_view("xduotacsi").find(c) != std::string_view::npos)
      format = c;
    else
      return void(out_ << fmt::format("x: unknown format letter {}\n", c));
  }
  xFormat_ = fmt::format("{}{}{}", n, format, unit);
  const Frame* f = frame();
  if (args.empty() || !f) return void(out_ << "usage: x[/NFU] ADDRESS\n");
  auto addr = insp_->address(args, *f);
  if (!addr) return void(out_ << addr.error().message << "\n");
  Machine& m = dbg_->session().machine();
  uint64_t a = *addr;
  if (format == 'i') {
    for (uint64_t k = 0; k < n; k++) {
      uint8_t len = 1;
      std::string t = insnText(a, &len);
      out_ << fmt::format("{}{:#x}  {}\n", a == m.reg(rt::Reg::RIP) ? " => " : "    ", a, t);
      a += len ? len : 1;
    }
    return;
  }
  if (format == 's') {
    for (uint64_t k = 0; k < n; k++) {
      std::string s;
      uint8_t c = 0;
      uint64_t p = a;
      while (s.size() < 200 && m.read(p, &c, 1) && c)
        s += char(c), p++;
      out_ << fmt::format("{:#x}:  {:?}\n", a, s);
      a = p + 1;
    }
    return;
  }
  size_t size = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
  size_t perLine = size == 8 ? 2 : size == 4 ? 4 : 8;
  std::string line;
  for (uint64_t k = 0; k < n; k++) {
    if (k % perLine == 0) {
      if (!line.empty()) out_ << line << "\n";
      line = fmt::format("{:#x}:", a + k * size);
    }
    uint64_t v = 0;
    if (!m.read(a + k * size, &v, size)) {
      out_ << line << fmt::format("  <cannot read {:#x}>\n", a + k * size);
      return;
    }
    int64_t sv = size == 8 ? int64_t(v) : int64_t(v << (64 - 8 * size)) >> (64 - 8 * size);
    std::string cell;
    switch (format) {
    case 'd':
      cell = fmt::format("{}", sv);
      break;
    case 'u':
      cell = fmt::format("{}", v);
      break;
    case 'o':
      cell = fmt::format("{:#o}", v);
      break;
    case 't':
      cell = fmt::format("{:0{}b}", v, size * 8);
      break;
    case 'c':
      cell = fmt::format("{:?}", char(v));
      break;
    case 'a':
      cell = fmt::format("{:#x} <{}>", v, dbg_->session().image().describe(v));
      break;
    default:
      cell = fmt::format("{:#0{}x}", v, size * 2 + 2);
      break;
    }
    line += "  " + cell;
  }
  if (!line.empty()) out_ << line << "\n";
}

void Repl::cmdInfo(const std::string& args) {
  std::istringstream in(args);
  std::string what, rest;
  in >> what;
  std::getline(in, rest);
  const Frame* f = frame();
  if (what == "locals" || what == "args") {
    if (!f) return void(out_ << "No frame.\n");
    bool any = false;
    for (const auto& v : insp_->frameVars(*f)) {
      bool isArg = v.info.role != loader::VarRole::Local;
      if (isArg != (what == "args")) continue;
      any = true;
      std::string role = v.info.role == loader::VarRole::Result ? "   (result)" : "";
      out_ << (v.value ? fmt::format("{} = {}{}", v.info.name, v.value->text, role)
                       : fmt::format("{} <{}>{}", v.info.name, v.note, role))
           << "\n";
    }
    if (!any) out_ << (what == "args" ? "No arguments.\n" : "No locals.\n");
  } else if (what == "display") {
    if (displays_.empty()) return void(out_ << "There are no auto-display expressions now.\n");
    out_ << "Auto-display expressions now in effect:\nNum Expression\n";
    for (const auto& [n, expr] : displays_)
      out_ << fmt::format("{:<3} {}\n", n, expr);
  } else if (what == "frame") {
    if (!f) return void(out_ << "No frame.\n");
    out_ << fmt::format("Stack frame #{}: {}\n", f->index,
                        f->model ? f->name : location(f->lookupPc));
    out_ << fmt::format(
        "  pc = {:#x}, sp = {:#x}, cfa = {:#x} (frame size {} bytes below the return "
        "address)\n",
        f->pc, f->sp, f->cfa, f->cfa - 8 - f->sp);
    const auto& frames = dbg_->frames();
    uint64_t ret = dbg_->session().machine().u64(f->cfa - 8).value_or(0);
    if (size_t(f->index) + 1 < frames.size())
      out_ << fmt::format("  returns to {:#x} in frame #{} {}\n", ret, f->index + 1,
                          frames[size_t(f->index) + 1].name);
    else
      out_ << fmt::format("  returns to {:#x} ({})\n", ret, dbg_->session().image().describe(ret));
    for (const auto& v : insp_->frameVars(*f))
      if (v.addr)
        out_ << fmt::format("  {} at {:#x} (cfa{:+})\n", v.info.name, *v.addr,
                            int64_t(*v.addr - f->cfa));
  } else if (what == "breakpoints" || what == "break" || what == "b" || what == "watchpoints") {
    if (dbg_->breakpoints().empty() && dbg_->watches().empty())
      return void(out_ << "No breakpoints or watchpoints.\n");
    out_ << fmt::format("{:<4} {:<11} {:<5} {}\n", "Num", "Type", "Hits", "Where");
    for (const auto& b : dbg_->breakpoints()) {
      std::vector<std::string> at;
      for (uint64_t a : b.addrs)
        at.push_back(fmt::format("{:#x} {}", a, location(a)));
      out_ << fmt::format("{:<4} {:<11} {:<5} {}: {}\n", b.id, "breakpoint", b.hits, b.spec,
                          fmt::join(at, "; "));
    }
    for (const auto& w : dbg_->watches())
      out_ << fmt::format("{:<4} {:<11} {:<5} {} ({} bytes at {:#x}) = {}\n", w.id, "watchpoint",
                          w.hits, w.spec, w.size, w.addr, w.last.text);
  } else if (what == "registers" || what == "reg" || what == "r" || what == "all-registers") {
    cmdRegs(what == "all-registers" ? "-a" : rest);
  } else if (what == "record") {
    cmdRecord("");
  } else {
    out_ << "info locals|args|frame|breakpoints|registers|record\n";
  }
}

void Repl::listAround(const std::string& file, const std::vector<std::string>& lines, int center,
                      int mark) {
  int from = std::max(1, center - 5);
  int to = std::min(int(lines.size()), from + 9);
  for (int n = from; n <= to; n++) {
    std::string text = fmt::format("{:>5}  {}", n, lines[size_t(n - 1)]);
    out_ << (n == mark ? paint("1;32", " => " + text) : "    " + text) << "\n";
  }
  listFile_ = file;
  listNext_ = to + 1 + 5;
}

void Repl::cmdList(const std::string& args) {
  const Frame* f = frame();
  Frame where = f ? *f : Frame{};
  int center = where.line, mark = f ? f->line : 0;
  if (args.empty() && listNext_ && listFile_ == where.file) {
    center = listNext_;
  } else if (!args.empty()) {
    auto addrs = dbg_->resolveLocation(args);
    if (!addrs) return void(out_ << addrs.error().message << "\n");
    uint64_t a = addrs->front();
    auto id = dbg_->session().image().symbolAt(a);
    if (!id) return void(out_ << "no source for " << args << "\n");
    where.fn = *id;
    auto [file, line] = dbg_->unwinder().position(a);
    where.file = file;
    center = line;
    if (!f || f->file != file) mark = 0;
  }
  const auto* lines = sourceFile(where);
  if (!lines) {
    out_ << fmt::format("{} not found (the object records where it was compiled; "
                        "--source-dir DIR tells where it is now)\n",
                        where.file.empty() ? "The source" : where.file);
    return;
  }
  if (center > int(lines->size())) return void(out_ << "Line number out of range.\n");
  listAround(where.file, *lines, center, mark);
}

void Repl::cmdDisas(const std::string& args) {
  const Frame* f = frame();
  uint64_t pc = f ? f->pc : dbg_->session().machine().reg(rt::Reg::RIP);
  uint64_t at = pc;
  if (!args.empty()) {
    auto a = dbg_->resolveLocation(args);
    if (!a) return void(out_ << a.error().message << "\n");
    at = a->front();
  }
  const loader::Image& img = dbg_->session().image();
  auto id = img.symbolAt(at);
  if (!id || (at >= img.externStart && at < img.externEnd))
    return void(
        out_ << fmt::format("No code at {:#x} (runtime models are not instructions).\n", at));
  uint64_t base = img.address(*id);
  out_ << fmt::format("Dump of {}:\n", dbg_->session().object().displayName(*id));
  for (const auto& [a, t] : disassembleAround(base, -1, 0)) {
    auto [file, line] = dbg_->unwinder().position(a);
    std::string text =
        fmt::format("{:#x} {:<7} {:>4}  {}", a, fmt::format("<+{}>", a - base), line, t);
    out_ << (a == pc ? paint("1;32", " => " + text) : "    " + text) << "\n";
  }
}

} // namespace gd::emu
