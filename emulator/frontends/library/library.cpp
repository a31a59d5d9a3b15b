// The public library (include/godefer/emu.h): a front end over the engine's Session, like the
// command line, that keeps the events and values instead of printing them.
#include "godefer/emu.h"

#include <algorithm>
#include <chrono>

#include "emulator/engine/session.h"
#include "emulator/frontends/trace/sinks.h"
#include "loader/object.h"
#include "loader/program.h"

namespace godefer {

struct ValueAccess {
  static Value from(const gd::emu::Value& v) {
    Value out;
    out.name_ = v.name;
    out.type_ = v.type;
    out.text_ = v.text;
    out.str_ = v.plus;
    out.dynType_ = v.dynType;
    out.kind_ = Kind(int(v.kind));
    out.int_ = v.intValue;
    out.real_ = v.real;
    out.imag_ = v.imag;
    out.addr_ = v.addr;
    out.len_ = v.len;
    out.cap_ = v.cap;
    out.nil_ = v.nil;
    out.truncated_ = v.truncated;
    for (const auto& e : v.elems)
      out.elems_.push_back(from(e));
    return out;
  }
  static void setErrorText(Value& v, std::string s) { v.errorText_ = std::move(s); }
};

namespace {

static_assert(int(Kind::Func) == int(gd::emu::ValueKind::Func), "the kinds match one to one");

Error toError(const gd::Error& e) {
  return Error{Error::Kind(int(e.kind)), e.message};
}

// Keeps what a Call reports.
struct Keep : gd::emu::EventSink {
  bool events = true;
  std::vector<Event>* out = nullptr;
  std::string stdoutText, stderrText;
  const gd::emu::Session* session = nullptr;
  bool wantsRuntimeEvents() const override { return events; }
  void onEvent(const gd::emu::Event& e) override {
    uint64_t n = session ? session->instructions() : 0;
    if (auto* o = std::get_if<gd::rt::GuestOutput>(&e)) {
      (o->fd == 1 ? stdoutText : stderrText) += o->bytes;
      if (events) {
        Event ev;
        ev.kind = Event::Kind::Output;
        ev.what = o->fd == 1 ? "stdout" : "stderr";
        ev.text = o->bytes;
        ev.instruction = n;
        out->push_back(std::move(ev));
      }
    } else if (!events) {
      return;
    } else if (auto* r = std::get_if<gd::rt::RuntimeEvent>(&e)) {
      Event ev;
      ev.kind = Event::Kind::Runtime;
      ev.what = gd::emu::runtimeEventKindName(r->kind);
      ev.function = r->fnName;
      ev.text = gd::emu::describeRuntimeEvent(*r);
      ev.pc = r->pc;
      ev.instruction = n;
      out->push_back(std::move(ev));
    } else if (auto* v = std::get_if<gd::emu::VarEvent>(&e)) {
      Event ev;
      ev.kind = Event::Kind::Variable;
      ev.name = v->name;
      ev.function = v->function;
      ev.before = ValueAccess::from(v->before);
      ev.value = ValueAccess::from(v->after);
      ev.text = v->name + " = " + v->after.display();
      ev.pc = v->pc;
      ev.instruction = n;
      out->push_back(std::move(ev));
    }
  }
};

const Value& missing() {
  static const Value none;
  return none;
}

// The method a value of dynamic type `dyn` has for `method`: "*main.E" -> "main.(*E).Error",
// "main.T" -> "main.T.Error".
std::string methodSymbol(const std::string& dyn, const std::string& method) {
  if (dyn.starts_with("*")) {
    std::string t = dyn.substr(1);
    size_t dot = t.rfind('.');
    if (dot == std::string::npos) return "";
    return t.substr(0, dot) + ".(*" + t.substr(dot + 1) + ")." + method;
  }
  return dyn + "." + method;
}

} // namespace

const Value* Value::field(std::string_view name) const {
  if (kind_ != Kind::Struct) return nullptr;
  for (const auto& e : elems_)
    if (e.name_ == name) return &e;
  return nullptr;
}

const Value& Call::result(size_t i) const {
  return i < results_.size() ? results_[i] : missing();
}

const Value& Call::result(std::string_view name) const {
  for (const auto& r : results_)
    if (r.name() == name) return r;
  return missing();
}

std::string Call::resultsLine() const {
  std::string out;
  for (size_t k = 0; k < results_.size(); k++) {
    if (k) out += ' ';
    out += results_[k].text();
  }
  return out;
}

struct Program::Impl {
  std::shared_ptr<gd::loader::Object> obj;
};

Program::Program(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

Result<Program> Program::open(const std::string& path) {
  gd::loader::InputOptions in;
  auto obj = gd::loader::loadInput(path, in);
  if (!obj) return std::unexpected(toError(obj.error()));
  auto impl = std::make_unique<Impl>();
  impl->obj = *obj;
  return Program(std::move(impl));
}

const std::string& Program::path() const {
  return impl_->obj->path;
}

const std::string& Program::goVersion() const {
  return impl_->obj->header.version;
}

std::vector<std::string> Program::functions() const {
  std::vector<std::string> out;
  const auto& o = *impl_->obj;
  for (gd::loader::SymId id = 0; id < o.symbols.size(); id++)
    if (o.sym(id).defined() && o.sym(id).func) out.push_back(o.displayName(id));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<Call> Program::call(const std::string& function, const std::vector<Arg>& args,
                           const CallOptions& opts) const {
  gd::emu::SessionOptions so;
  so.maxInstructions = opts.maxInstructions;
  so.timeLimit = std::chrono::milliseconds(int64_t(opts.timeLimitSeconds * 1000));
  so.sourceDirs = opts.sourceDirs;
  so.trace = opts.events;
  so.count = true;
  auto session = gd::emu::Session::open(impl_->obj, so);
  if (!session) return std::unexpected(toError(session.error()));
  gd::emu::Session& s = **session;
  Call call;
  Keep keep;
  keep.events = opts.events;
  keep.out = &call.events_;
  keep.session = &s;
  s.addSink(&keep);
  std::vector<gd::emu::Arg> engineArgs;
  for (const auto& a : args) {
    gd::emu::Arg e = std::visit([](const auto& x) { return gd::emu::Arg(x); }, a.value);
    e.word = a.word;
    engineArgs.push_back(std::move(e));
  }
  if (auto r = s.start(function, engineArgs); !r) {
    Error e = toError(r.error());
    if (e.message.find("no function") != std::string::npos ||
        e.message.find("argument(s)") != std::string::npos)
      e.kind = Error::Kind::Usage;
    return std::unexpected(e);
  }
  gd::emu::StopReason stop = s.run();
  call.instructions_ = s.instructions();
  if (stop.kind == gd::emu::StopKind::Error) {
    bool limit = stop.message.find("limit") != std::string::npos;
    bool unmodelled = stop.message.find("not modelled") != std::string::npos;
    return std::unexpected(Error{limit        ? Error::Kind::Limit
                                 : unmodelled ? Error::Kind::Unsupported
                                              : Error::Kind::BadInput,
                                 impl_->obj->path + ": " + stop.message});
  }
  call.stdout_ = keep.stdoutText;
  call.stderr_ = keep.stderrText;
  if (stop.kind == gd::emu::StopKind::Exited) {
    call.stop_ = Call::Stop::Panicked;
    call.exitStatus_ = stop.exitStatus;
    // Go's first line of the crash ("panic: boom", "fatal error: all goroutines are asleep").
    std::string first = keep.stderrText;
    for (size_t at = 0; at < first.size();) {
      size_t nl = first.find('\n', at);
      std::string line = first.substr(at, nl == std::string::npos ? nl : nl - at);
      if (line.starts_with("panic: ") || line.starts_with("fatal error: ")) {
        call.message_ = line;
        break;
      }
      if (nl == std::string::npos) break;
      at = nl + 1;
    }
    if (call.message_.empty()) call.message_ = stop.message;
    return call;
  }
  for (const auto& v : s.results())
    call.results_.push_back(ValueAccess::from(v));
  // An error result's text: its Error method, called in the program after the function
  // returned (the program's memory as the function left it).
  std::vector<gd::emu::Value> results = s.results();
  for (size_t k = 0; k < results.size(); k++) {
    const auto& v = results[k];
    if (v.kind != gd::emu::ValueKind::Interface || v.nil || v.type != "error") continue;
    std::string method = methodSymbol(v.dynType, "Error");
    if (method.empty() || !impl_->obj->findFunction(method)) continue;
    bool pointerShaped = v.dynType.starts_with("*");
    if (!pointerShaped) continue; // a value receiver would need the value's bytes as arguments
    s.setMuted(true);
    if (!s.start(method, {gd::emu::Arg(uint64_t(v.addr))})) continue;
    if (s.run().kind != gd::emu::StopKind::Returned || s.results().size() != 1) continue;
    ValueAccess::setErrorText(call.results_[k], s.results()[0].text);
  }
  return call;
}

} // namespace godefer
