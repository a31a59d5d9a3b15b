#include "emulator/frontends/dap/dap.h"

#include "emulator/frontends/listen.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "emulator/debugger/inspect.h"
#include "emulator/frontends/repl/repl.h"
#include "loader/object.h"
#include "loader/program.h"
#include "loader/vars.h"

namespace gd::emu {
namespace {

using json = nlohmann::json;

// Reads DAP messages (Content-Length framed JSON) from a file descriptor.
class Reader {
public:
  explicit Reader(int fd) : fd_(fd) {}
  // The next message; nullopt at the end of input. A malformed body gives a json string
  // holding the parse error.
  std::optional<json> next() {
    while (true) {
      size_t hdrEnd = buf_.find("\r\n\r\n");
      if (hdrEnd != std::string::npos) {
        std::string hdr = buf_.substr(0, hdrEnd);
        size_t len = 0;
        bool have = false;
        std::istringstream lines(hdr);
        for (std::string l; std::getline(lines, l);) {
          if (!l.empty() && l.back() == '\r') l.pop_back();
          if (l.rfind("Content-Length:", 0) == 0) {
            len = std::strtoull(l.c_str() + 15, nullptr, 10);
            have = true;
          }
        }
        if (!have || len > (64u << 20)) {
          buf_.erase(0, hdrEnd + 4);
          return json("malformed header: no usable Content-Length");
        }
        if (buf_.size() >= hdrEnd + 4 + len) {
          std::string body = buf_.substr(hdrEnd + 4, len);
          buf_.erase(0, hdrEnd + 4 + len);
          json j = json::parse(body, nullptr, false);
          if (j.is_discarded() || !j.is_object())
            return json("malformed JSON body: " + body.substr(0, 80));
          return j;
        }
      }
      char tmp[65536];
      ssize_t n = read(fd_, tmp, sizeof tmp);
      if (n <= 0) return std::nullopt;
      buf_.append(tmp, size_t(n));
    }
  }

private:
  int fd_;
  std::string buf_;
};

class Server final : public EventSink {
public:
  Server(int in, int out) : in_(in), out_(out) {}
  int run();
  void onEvent(const Event& e) override;

private:
  struct Ref {
    enum class Kind { Locals, Results, Registers, Defers, Value } kind;
    size_t frame = 0;
    Value value;
  };

  void send(json j);
  void respond(const json& req, json body = json::object());
  void fail(const json& req, const std::string& message);
  void event(const std::string& name, json body = json::object());
  void handle(const json& req);
  void launch(const json& req);
  void applyBreakpoints(const json& req);
  void stopped(const DebugStop& s, const std::string& stepReason = "step");
  json frameJson(const Frame& f);
  std::string sourcePath(const Frame& f);
  int addRef(Ref r);
  json variables(int ref);
  json valueVar(const std::string& name, const Value& v);
  std::string shown(const Value& v) const {
    return v.kind == ValueKind::String || v.type == "string" ? fmt::format("{:?}", v.text)
                                                             : v.display();
  }

  int in_, out_;
  std::mutex outMu_;
  int seq_ = 1;
  std::ostringstream replOut_;
  std::unique_ptr<Repl> repl_;
  std::unique_ptr<Inspector> insp_;
  Debugger* dbg_ = nullptr;
  std::atomic<Debugger*>* running_ = nullptr; // the reader thread's: pause interrupts it
  bool stopOnEntry_ = false, configured_ = false, launched_ = false, ended_ = false;
  std::map<std::string, std::vector<int>> sourceBps_;
  std::vector<int> functionBps_, instructionBps_, dataBps_;
  std::vector<Ref> refs_;
  std::vector<json> early_; // breakpoint requests before launch
  std::string function_;
};

void Server::send(json j) {
  std::lock_guard lock(outMu_);
  j["seq"] = seq_++;
  std::string body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string msg = fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
  for (size_t at = 0; at < msg.size();) {
    ssize_t n = write(out_, msg.data() + at, msg.size() - at);
    if (n <= 0) return;
    at += size_t(n);
  }
}

void Server::respond(const json& req, json body) {
  send({{"type", "response"},
        {"request_seq", req.value("seq", 0)},
        {"success", true},
        {"command", req.value("command", "")},
        {"body", std::move(body)}});
}

void Server::fail(const json& req, const std::string& message) {
  send({{"type", "response"},
        {"request_seq", req.value("seq", 0)},
        {"success", false},
        {"command", req.value("command", "")},
        {"message", message},
        {"body", {{"error", {{"id", 1}, {"format", message}}}}}});
}

void Server::event(const std::string& name, json body) {
  send({{"type", "event"}, {"event", name}, {"body", std::move(body)}});
}

void Server::onEvent(const Event& e) {
  if (auto* o = std::get_if<rt::GuestOutput>(&e))
    event("output", {{"category", o->fd == 1 ? "stdout" : "stderr"}, {"output", o->bytes}});
}

int Server::addRef(Ref r) {
  refs_.push_back(std::move(r));
  return int(refs_.size());
}

std::string Server::sourcePath(const Frame& f) {
  if (!f.fn || f.file.empty()) return "";
  for (const auto& p : loader::sourceCandidates(dbg_->session().object(), *f.fn,
                                                dbg_->session().options().sourceDirs))
    if (std::filesystem::path(p).filename() == f.file)
      return std::filesystem::absolute(p).lexically_normal().string();
  return "";
}

json Server::frameJson(const Frame& f) {
  json j = {{"id", f.index + 1},
            {"name", f.model ? f.name + " (runtime model)" : f.name},
            {"line", f.line},
            {"column", f.line ? 1 : 0},
            {"instructionPointerReference", fmt::format("{:#x}", f.pc)}};
  if (f.model) j["presentationHint"] = "subtle";
  if (std::string path = sourcePath(f); !path.empty())
    j["source"] = {{"name", f.file}, {"path", path}};
  else if (!f.file.empty())
    j["source"] = {{"name", f.file}};
  return j;
}

json Server::valueVar(const std::string& name, const Value& v) {
  json j = {{"name", name}, {"value", shown(v)}, {"type", v.type}, {"variablesReference", 0}};
  if (!v.elems.empty() &&
      (v.kind == ValueKind::Struct || v.kind == ValueKind::Array || v.kind == ValueKind::Slice ||
       v.kind == ValueKind::Map || v.kind == ValueKind::Pointer || v.kind == ValueKind::Interface))
    j["variablesReference"] = addRef({Ref::Kind::Value, 0, v});
  return j;
}

json Server::variables(int ref) {
  json vars = json::array();
  if (ref <= 0 || size_t(ref) > refs_.size()) return vars;
  Ref r = refs_[size_t(ref - 1)]; // a copy: addRef may grow refs_
  Session& s = dbg_->session();
  const auto& frames = dbg_->frames();
  if (r.kind == Ref::Kind::Value) {
    const Value& v = r.value;
    if (v.kind == ValueKind::Map) {
      for (size_t i = 0; i + 1 < v.elems.size(); i += 2)
        vars.push_back(valueVar(shown(v.elems[i]), v.elems[i + 1]));
    } else if (v.kind == ValueKind::Pointer || v.kind == ValueKind::Interface) {
      if (!v.elems.empty())
        vars.push_back(valueVar(v.kind == ValueKind::Pointer ? "*" : v.dynType, v.elems[0]));
    } else {
      for (size_t i = 0; i < v.elems.size(); i++)
        vars.push_back(valueVar(
            v.kind == ValueKind::Struct ? v.elems[i].name : fmt::format("[{}]", i), v.elems[i]));
    }
    return vars;
  }
  if (r.frame >= frames.size()) return vars;
  const Frame& f = frames[r.frame];
  switch (r.kind) {
  case Ref::Kind::Locals:
  case Ref::Kind::Results:
    for (const auto& fv : insp_->frameVars(f)) {
      bool result = fv.info.role == loader::VarRole::Result;
      if (result != (r.kind == Ref::Kind::Results)) continue;
      Value v;
      const rt::GoType* t = s.goType(fv.info.type);
      if (fv.addr && t)
        v = s.readValue(t, *fv.addr);
      else if (fv.value)
        v = *fv.value;
      else
        v.text = "<" + (fv.note.empty() ? std::string("not available") : fv.note) + ">";
      v.type = fv.info.type;
      vars.push_back(valueVar(fv.info.name, v));
    }
    break;
  case Ref::Kind::Registers: {
    Machine& m = s.machine();
    for (size_t i = 0; i < size_t(rt::Reg::Count); i++) {
      auto reg = rt::Reg(i);
      vars.push_back({{"name", rt::regName(reg)},
                      {"value", fmt::format("{:#x}", m.reg(reg))},
                      {"variablesReference", 0}});
    }
    vars.push_back({{"name", "EFLAGS"},
                    {"value", fmt::format("{:#x}", m.eflags())},
                    {"variablesReference", 0}});
    break;
  }
  case Ref::Kind::Defers: {
    auto lines = repl_->deferLines(true);
    for (size_t i = 0; i < lines.size(); i++) {
      std::string l = lines[i];
      if (size_t sp = l.find("  "); l.starts_with("#") && sp != std::string::npos)
        l = l.substr(sp + 2);
      vars.push_back({{"name", fmt::format("#{}", i)}, {"value", l}, {"variablesReference", 0}});
    }
    break;
  }
  default:
    break;
  }
  return vars;
}

void Server::stopped(const DebugStop& s, const std::string& stepReason) {
  refs_.clear();
  switch (s.why) {
  case StopWhy::Returned: {
    std::vector<std::string> rs;
    for (const auto& v : dbg_->session().results())
      rs.push_back(v.name + " = " + shown(v));
    event("output", {{"category", "console"},
                     {"output", fmt::format("{} returned {}\n", function_, fmt::join(rs, ", "))}});
    event("exited", {{"exitCode", 0}});
    event("terminated");
    ended_ = true;
    return;
  }
  case StopWhy::Exited:
    event("exited", {{"exitCode", s.exitStatus}});
    event("terminated");
    ended_ = true;
    return;
  case StopWhy::Error:
    event("output", {{"category", "stderr"}, {"output", "godefer-emu: " + s.message + "\n"}});
    event("exited", {{"exitCode", 3}});
    event("terminated");
    ended_ = true;
    return;
  default:
    break;
  }
  json body = {{"threadId", dbg_->session().runtime().currentGoid()}, {"allThreadsStopped", true}};
  switch (s.why) {
  case StopWhy::Breakpoint:
    body["reason"] = "breakpoint";
    body["hitBreakpointIds"] = {s.id};
    break;
  case StopWhy::Watch:
    body["reason"] = "data breakpoint";
    body["hitBreakpointIds"] = {s.id};
    body["description"] =
        fmt::format("changed from {} to {}", shown(s.oldValue), shown(s.newValue));
    break;
  case StopWhy::Interrupted:
    body["reason"] = "pause";
    break;
  case StopWhy::HistoryStart:
    body["reason"] = "step";
    body["description"] = "the start of the recording";
    break;
  default:
    body["reason"] = stepReason;
    break;
  }
  event("stopped", body);
}

void Server::launch(const json& req) {
  json a = req.value("arguments", json::object());
  if (!a.contains("program") || !a["program"].is_string())
    return fail(req, "launch: `program` (an object file) is required");
  std::string program = a["program"];
  if (a.contains("cwd") && a["cwd"].is_string() && std::filesystem::path(program).is_relative())
    program = (std::filesystem::path(a["cwd"].get<std::string>()) / program).string();
  Debugger::Options o;
  o.object = program;
  function_ = a.value("function", std::string("main.main"));
  o.function = function_;
  if (a.contains("args")) {
    if (!a["args"].is_array()) return fail(req, "launch: `args` must be an array of strings");
    for (const auto& x : a["args"])
      o.args.push_back(Arg::fromWord(x.is_string() ? x.get<std::string>() : x.dump()));
  }
  if (a.contains("sourceDirs") && a["sourceDirs"].is_array())
    for (const auto& d : a["sourceDirs"])
      if (d.is_string()) o.session.sourceDirs.push_back(d);
  o.session.sourceDirs.push_back(std::filesystem::path(program).parent_path().string());
  stopOnEntry_ = a.value("stopOnEntry", false);
  if (a.contains("importcfg") && a["importcfg"].is_string()) o.input.importcfg = a["importcfg"];
  if (a.contains("go") && a["go"].is_string()) o.input.go.goCommand = a["go"];
  o.input.go.optimize = a.value("optimize", false);
  o.session.traceAll = a.value("traceAll", false);
  auto obj = loader::loadInput(program, o.input);
  if (!obj) return fail(req, obj.error().message);
  o.loaded = *obj;
  ReplOptions ro;
  ro.forward = this;
  repl_ = std::make_unique<Repl>(replOut_, replOut_, ro);
  if (auto r = repl_->open(o); !r) return fail(req, r.error().message);
  dbg_ = &repl_->debugger();
  function_ = dbg_->session().object().displayName(dbg_->session().function());
  insp_ = std::make_unique<Inspector>(*dbg_);
  launched_ = true;
  respond(req);
  event("initialized");
  for (const auto& e : early_)
    applyBreakpoints(e);
  early_.clear();
}

void Server::applyBreakpoints(const json& req) {
  std::string cmd = req.value("command", "");
  json a = req.value("arguments", json::object());
  json out = json::array();
  auto add = [&](const std::string& spec, std::vector<int>& ids, json extra = json::object()) {
    auto b = dbg_->addBreakpoint(spec);
    json j = extra;
    if (b) {
      ids.push_back((*b)->id);
      j["id"] = (*b)->id;
      j["verified"] = true;
      if (!(*b)->addrs.empty())
        j["instructionReference"] = fmt::format("{:#x}", (*b)->addrs.front());
    } else {
      j["verified"] = false;
      j["message"] = b.error().message;
    }
    out.push_back(j);
  };
  if (cmd == "setBreakpoints") {
    std::string path = a.value("source", json::object()).value("path", std::string());
    std::string base = std::filesystem::path(path).filename().string();
    for (int id : sourceBps_[path])
      dbg_->remove(id);
    sourceBps_[path].clear();
    for (const auto& b : a.value("breakpoints", json::array())) {
      int line = b.value("line", 0);
      add(fmt::format("{}:{}", base, line), sourceBps_[path], {{"line", line}});
    }
  } else if (cmd == "setFunctionBreakpoints") {
    for (int id : functionBps_)
      dbg_->remove(id);
    functionBps_.clear();
    for (const auto& b : a.value("breakpoints", json::array()))
      add(b.value("name", std::string()), functionBps_);
  } else if (cmd == "setInstructionBreakpoints") {
    for (int id : instructionBps_)
      dbg_->remove(id);
    instructionBps_.clear();
    for (const auto& b : a.value("breakpoints", json::array())) {
      uint64_t at =
          std::strtoull(b.value("instructionReference", std::string("0")).c_str(), nullptr, 0) +
          uint64_t(b.value("offset", int64_t(0)));
      add(fmt::format("*{:#x}", at), instructionBps_);
    }
  }
  respond(req, {{"breakpoints", out}});
}

void Server::handle(const json& req) {
  std::string cmd = req.value("command", "");
  json a = req.value("arguments", json::object());
  if (cmd == "initialize") {
    return respond(req, {{"supportsConfigurationDoneRequest", true},
                         {"supportsFunctionBreakpoints", true},
                         {"supportsInstructionBreakpoints", true},
                         {"supportsDataBreakpoints", true},
                         {"supportsDisassembleRequest", true},
                         {"supportsSteppingGranularity", true},
                         {"supportsEvaluateForHovers", true},
                         {"supportsStepBack", true},
                         {"supportsTerminateRequest", true},
                         {"supportsReadMemoryRequest", false}});
  }
  if (cmd == "launch") return launch(req);
  if (cmd == "disconnect" || cmd == "terminate") {
    respond(req);
    if (!ended_) event("terminated");
    ended_ = true;
    return;
  }
  static const std::set<std::string> known = {"setBreakpoints",
                                              "setFunctionBreakpoints",
                                              "setInstructionBreakpoints",
                                              "setExceptionBreakpoints",
                                              "configurationDone",
                                              "threads",
                                              "stackTrace",
                                              "scopes",
                                              "variables",
                                              "evaluate",
                                              "dataBreakpointInfo",
                                              "setDataBreakpoints",
                                              "disassemble",
                                              "pause",
                                              "continue",
                                              "next",
                                              "stepIn",
                                              "stepOut",
                                              "stepBack",
                                              "reverseContinue"};
  if (!known.count(cmd))
    return fail(req, "unknown request " + (cmd.empty() ? std::string("(no command)") : cmd));
  if (!launched_) {
    if (cmd == "setBreakpoints" || cmd == "setFunctionBreakpoints" ||
        cmd == "setInstructionBreakpoints") {
      early_.push_back(req);
      return;
    }
    if (cmd == "configurationDone") return respond(req);
    return fail(req, cmd + ": nothing is launched yet");
  }
  if (cmd == "setBreakpoints" || cmd == "setFunctionBreakpoints" ||
      cmd == "setInstructionBreakpoints")
    return applyBreakpoints(req);
  if (cmd == "setExceptionBreakpoints") return respond(req, {{"breakpoints", json::array()}});
  if (cmd == "configurationDone") {
    respond(req);
    configured_ = true;
    if (stopOnEntry_) return stopped({StopWhy::Step}, "entry");
    *running_ = dbg_;
    DebugStop s = dbg_->cont();
    *running_ = nullptr;
    return stopped(s);
  }
  if (cmd == "threads") {
    json ts = json::array();
    const auto& sch = dbg_->session().runtime().scheduler();
    for (const auto& g : sch.gs)
      if (g.status != rt::Runtime::GStatus::Dead && !g.timerRun) // a timer's run: no goroutine
        ts.push_back(
            {{"id", g.goid}, {"name", fmt::format("goroutine {} ({})", g.goid, g.startFn)}});
    if (ts.empty()) ts.push_back({{"id", 1}, {"name", "goroutine 1 (" + function_ + ")"}});
    return respond(req, {{"threads", ts}});
  }
  if (cmd == "stackTrace") {
    uint64_t tid = a.value("threadId", uint64_t(1));
    if (tid != dbg_->session().runtime().currentGoid()) {
      if (auto r = dbg_->selectGoroutine(tid); !r) return fail(req, r.error().message);
    }
    json fs = json::array();
    size_t start = a.value("startFrame", size_t(0)), levels = a.value("levels", size_t(0));
    const auto& frames = dbg_->frames();
    for (size_t i = start; i < frames.size() && (levels == 0 || i < start + levels); i++)
      fs.push_back(frameJson(frames[i]));
    return respond(req, {{"stackFrames", fs}, {"totalFrames", frames.size()}});
  }
  if (cmd == "scopes") {
    size_t f = size_t(std::max(1, a.value("frameId", 1)) - 1);
    return respond(req, {{"scopes",
                          {{{"name", "Locals"},
                            {"presentationHint", "locals"},
                            {"variablesReference", addRef({Ref::Kind::Locals, f, {}})},
                            {"expensive", false}},
                           {{"name", "Results"},
                            {"variablesReference", addRef({Ref::Kind::Results, f, {}})},
                            {"expensive", false}},
                           {{"name", "Registers"},
                            {"presentationHint", "registers"},
                            {"variablesReference", addRef({Ref::Kind::Registers, f, {}})},
                            {"expensive", false}},
                           {{"name", "Defers"},
                            {"variablesReference", addRef({Ref::Kind::Defers, f, {}})},
                            {"expensive", false}}}}});
  }
  if (cmd == "variables")
    return respond(req, {{"variables", variables(a.value("variablesReference", 0))}});
  if (cmd == "evaluate") {
    std::string expr = a.value("expression", std::string());
    const auto& frames = dbg_->frames();
    size_t f = size_t(std::max(1, a.value("frameId", 1)) - 1);
    if (frames.empty()) return fail(req, "no frames");
    if (f >= frames.size()) f = 0;
    auto r = insp_->print(expr, frames[f]);
    if (!r) return fail(req, r.error().message);
    return respond(req, {{"result", *r}, {"variablesReference", 0}});
  }
  if (cmd == "dataBreakpointInfo") {
    std::string name = a.value("name", std::string());
    int ref = a.value("variablesReference", 0);
    size_t f = 0;
    if (ref > 0 && size_t(ref) <= refs_.size()) f = refs_[size_t(ref - 1)].frame;
    const auto& frames = dbg_->frames();
    if (f >= frames.size()) return respond(req, {{"dataId", nullptr}, {"description", "no frame"}});
    auto slot = insp_->variableSlot(name, frames[f]);
    if (!slot) return respond(req, {{"dataId", nullptr}, {"description", slot.error().message}});
    auto [addr, size, type] = *slot;
    return respond(req, {{"dataId", fmt::format("{}@{:#x}:{}:{}", name, addr, size, type)},
                         {"description", fmt::format("{} ({} bytes at {:#x})", name, size, addr)},
                         {"accessTypes", {"write"}},
                         {"canPersist", false}});
  }
  if (cmd == "setDataBreakpoints") {
    for (int id : dataBps_)
      dbg_->remove(id);
    dataBps_.clear();
    json out = json::array();
    for (const auto& b : a.value("breakpoints", json::array())) {
      std::string id = b.value("dataId", std::string());
      size_t at = id.find('@'), c1 = id.find(':', at), c2 = id.find(':', c1 + 1);
      if (at == std::string::npos || c1 == std::string::npos || c2 == std::string::npos) {
        out.push_back({{"verified", false}, {"message", "unknown dataId " + id}});
        continue;
      }
      uint64_t addr = std::strtoull(id.c_str() + at + 1, nullptr, 0);
      uint32_t size = uint32_t(std::strtoul(id.c_str() + c1 + 1, nullptr, 10));
      const Watchpoint* w = dbg_->addWatch(id.substr(0, at), addr, size, id.substr(c2 + 1));
      dataBps_.push_back(w->id);
      out.push_back({{"verified", true}, {"id", w->id}});
    }
    return respond(req, {{"breakpoints", out}});
  }
  if (cmd == "disassemble") {
    uint64_t at = std::strtoull(a.value("memoryReference", std::string("0")).c_str(), nullptr, 0) +
                  uint64_t(a.value("offset", int64_t(0)));
    int64_t skip = a.value("instructionOffset", int64_t(0));
    int64_t count = std::min<int64_t>(a.value("instructionCount", int64_t(0)), 4096);
    const loader::Image& img = dbg_->session().image();
    // Back to an instruction boundary: decode from the start of the symbol holding `at`.
    std::vector<uint64_t> pcs;
    if (auto id = img.symbolAt(at); id && at >= img.textStart && at < img.textEnd) {
      uint64_t p = img.address(*id);
      while (p < at) {
        pcs.push_back(p);
        uint8_t len = 1;
        repl_->insnText(p, &len);
        p += len ? len : 1;
      }
    }
    json insns = json::array();
    int64_t before = std::min<int64_t>(std::max<int64_t>(-skip, 0), int64_t(pcs.size()));
    uint64_t p = before ? pcs[pcs.size() - size_t(before)] : at;
    for (int64_t i = -before; i < -skip; i++) { // requested before what we can decode
      insns.push_back({{"address", fmt::format("{:#x}", at)},
                       {"instruction", "??"},
                       {"presentationHint", "invalid"}});
      if (int64_t(insns.size()) >= count) break;
    }
    while (int64_t(insns.size()) < count) {
      uint8_t len = 1;
      bool text = p >= img.textStart && p < img.textEnd;
      std::string t = text ? repl_->insnText(p, &len) : "??";
      json j = {{"address", fmt::format("{:#x}", p)}, {"instruction", t}};
      if (!text) j["presentationHint"] = "invalid";
      if (auto pos = img.position(p); pos && text) {
        j["line"] = pos->line;
        j["location"] = {{"name", loader::displayFile(pos->file)}};
      }
      insns.push_back(j);
      p += len ? len : 1;
    }
    return respond(req, {{"instructions", insns}});
  }
  if (cmd == "pause") return respond(req); // the reader thread interrupted the run
  if (cmd == "continue" || cmd == "next" || cmd == "stepIn" || cmd == "stepOut" ||
      cmd == "stepBack" || cmd == "reverseContinue") {
    if (ended_) return fail(req, "the run has ended");
    bool insn = a.value("granularity", std::string()) == "instruction";
    respond(req, cmd == "continue" ? json{{"allThreadsContinued", true}} : json::object());
    *running_ = dbg_;
    DebugStop s;
    if (cmd == "continue")
      s = dbg_->cont();
    else if (cmd == "next")
      s = insn ? dbg_->nexti(1) : dbg_->next();
    else if (cmd == "stepIn")
      s = insn ? dbg_->stepi(1) : dbg_->step();
    else if (cmd == "stepOut")
      s = dbg_->finish();
    else if (cmd == "stepBack")
      s = insn ? dbg_->reverseStepi(1) : dbg_->reverseNext();
    else
      s = dbg_->reverseContinue();
    *running_ = nullptr;
    return stopped(s, cmd == "continue" || cmd == "reverseContinue" ? "pause" : "step");
  }
  fail(req, "unknown request " + (cmd.empty() ? std::string("(no command)") : cmd));
}

int Server::run() {
  // Requests are read on their own thread so that `pause` reaches a running command. What the
  // thread shares lives as long as the thread does (it may still be blocked in read() when the
  // session ends).
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<json> queue;
    bool eof = false;
    std::atomic<Debugger*> running{nullptr};
  };
  auto sh = std::make_shared<Shared>();
  running_ = &sh->running;
  std::thread reader([sh, fd = in_] {
    Reader r(fd);
    while (auto m = r.next()) {
      if (m->is_object() && m->value("command", "") == "pause")
        if (Debugger* d = sh->running.load()) d->interrupt();
      std::lock_guard lock(sh->mu);
      sh->queue.push_back(std::move(*m));
      sh->cv.notify_one();
    }
    std::lock_guard lock(sh->mu);
    sh->eof = true;
    sh->cv.notify_one();
  });
  int status = 0;
  while (true) {
    json m;
    {
      std::unique_lock lock(sh->mu);
      sh->cv.wait(lock, [&] { return !sh->queue.empty() || sh->eof; });
      if (sh->queue.empty()) break;
      m = std::move(sh->queue.front());
      sh->queue.pop_front();
    }
    if (m.is_string()) { // a malformed message: say so and go on
      event("output",
            {{"category", "console"}, {"output", "godefer-emu: " + m.get<std::string>() + "\n"}});
      continue;
    }
    if (m.value("type", "") != "request") continue;
    std::string cmd = m.value("command", "");
    try {
      handle(m);
    } catch (const std::exception& e) { // a field of the wrong JSON type
      fail(m, cmd + ": bad arguments: " + e.what());
    }
    if (cmd == "disconnect" || cmd == "terminate") break;
  }
  sh->running = nullptr;
  running_ = nullptr;
  if (sh->eof) {
    reader.join();
  } else {
    // The client disconnected but keeps its end open: the reader stays blocked in read();
    // it owns what it touches, so the process can end without it.
    shutdown(in_, SHUT_RD);
    reader.detach();
  }
  return status;
}

} // namespace

int serveDap(int in, int out) {
  Server s(in, out);
  return s.run();
}

Expected<int> serveDapSocket(const std::string& hostPort) {
  auto fd = acceptOneClient("--dap", hostPort, [](const std::string& ip, int port) {
    std::cerr << fmt::format("godefer-emu: listening for a DAP client on {}:{}\n", ip, port)
              << std::flush;
  });
  if (!fd) return std::unexpected(fd.error());
  int status = serveDap(*fd, *fd);
  close(*fd);
  return status;
}

} // namespace gd::emu
