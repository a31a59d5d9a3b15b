#include "emulator/frontends/trace/sinks.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

namespace gd::emu {
namespace {

using namespace std::string_view_literals;

// Traces collect lines in a buffer and write it to their stream in blocks of about this size.
constexpr size_t kFlushAt = 1 << 16;

void appendHex(std::string& out, const std::vector<uint8_t>& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  size_t at = out.size();
  out.resize(at + 2 * b.size());
  for (uint8_t c : b) {
    out[at++] = kDigits[c >> 4];
    out[at++] = kDigits[c & 15];
  }
}

// As fmt's {:#x}: 0x and the digits without leading zeros.
void appendHex64(std::string& out, uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char tmp[18];
  char* p = tmp + sizeof tmp;
  do {
    *--p = kDigits[v & 15];
    v >>= 4;
  } while (v);
  *--p = 'x';
  *--p = '0';
  out.append(p, size_t(tmp + sizeof tmp - p));
}

// Decimal, as fmt's {} (fmt::format_int, without a format string to parse).
template <typename T> void appendDec(std::string& out, T v) {
  fmt::format_int f(v);
  out.append(f.data(), f.size());
}

std::string hexBytes(const std::vector<uint8_t>& b) {
  std::string s;
  appendHex(s, b);
  return s;
}

uint64_t littleEndian(const std::vector<uint8_t>& b) {
  uint64_t v = 0;
  for (size_t i = 0; i < b.size() && i < 8; i++)
    v |= uint64_t(b[i]) << (8 * i);
  return v;
}

// g._defer in bounded space: the first names, then how many records follow.
std::string chainText(const rt::RuntimeEvent& e) {
  std::string more;
  if (e.chainLength > e.chain.size())
    more = fmt::format("{}… {} more", e.chain.empty() ? "" : " ", e.chainLength - e.chain.size());
  return fmt::format("[{}{}]", fmt::join(e.chain, ", "), more);
}

std::string shown(const Value& v) {
  return v.kind == ValueKind::String ? fmt::format("{:?}", v.text) : v.display();
}

} // namespace

std::string runtimeEventKindName(rt::RuntimeEventKind k) {
  switch (k) {
  case rt::RuntimeEventKind::DeferRegistered:
    return "defer_registered";
  case rt::RuntimeEventKind::DeferRun:
    return "defer_run";
  case rt::RuntimeEventKind::DeferJmp:
    return "defer_jmp";
  case rt::RuntimeEventKind::DeferReturnDone:
    return "deferreturn_done";
  case rt::RuntimeEventKind::StackGrown:
    return "stack_grown";
  case rt::RuntimeEventKind::PanicStarted:
    return "panic";
  case rt::RuntimeEventKind::PanicRecovered:
    return "recovered";
  case rt::RuntimeEventKind::Recover:
    return "recover";
  case rt::RuntimeEventKind::Alloc:
    return "alloc";
  case rt::RuntimeEventKind::Call:
    return "call";
  case rt::RuntimeEventKind::Goroutine:
    return "goroutine";
  }
  return "runtime";
}

std::string describeRuntimeEvent(const rt::RuntimeEvent& e) {
  using K = rt::RuntimeEventKind;
  switch (e.kind) {
  case K::DeferRegistered:
    return fmt::format("{}(d={:#x}): defer {} for frame sp={:#x}{}{}; g._defer: {}", e.stub,
                       e.record, e.fnName, e.sp,
                       e.argBytes ? fmt::format(", {} bytes of arguments saved", e.argBytes) : "",
                       e.heap ? " (heap record)" : "", chainText(e));
  case K::DeferJmp:
    return fmt::format("{}: frame sp={:#x} has {}; {} bytes of args copied to {:#x}; jmpdefer: {} "
                       "will return to {:#x} (the CALL {}); g._defer: {}",
                       e.stub, e.sp, e.fnName, e.argBytes, e.sp, e.fnName, e.returnTo, e.stub,
                       chainText(e));
  case K::DeferRun: {
    std::string what = e.record == 0 ? "called"
                       : e.unlinked  ? "unlinked and called"
                                     : "called, its record staying on g._defer";
    if (e.fn == 0)
      return fmt::format("{}: frame sp={:#x} has a nil func value{}: {}; the call faults; "
                         "g._defer: {}",
                         e.stub, e.sp, e.heap ? " (heap record)" : "",
                         e.unlinked ? "unlinked" : "its record stays on g._defer", chainText(e));
    return fmt::format("{}: frame sp={:#x} has {}{}: {} with DX={:#x}; it returns into {}; "
                       "g._defer: {}",
                       e.stub, e.sp, e.fnName, e.heap ? " (heap record)" : "", what, e.fn, e.stub,
                       chainText(e));
  }
  case K::PanicRecovered:
    return fmt::format(
        "{}: the panic is recovered; {} resumes at {:#x} with SP={:#x}; g._defer: {}", e.stub,
        e.fnName.empty() ? "the frame" : e.fnName, e.pc, e.sp, chainText(e));
  case K::DeferReturnDone:
    return fmt::format("{}: no defers left for frame sp={:#x}; returning; g._defer: {}", e.stub,
                       e.sp, chainText(e));
  case K::StackGrown:
    return fmt::format("{}: stack grows from {} to {} bytes, now [{:#x}, {:#x}); {} runs its "
                       "prologue again",
                       e.stub, e.oldSize, e.newSize, e.stackLo, e.stackHi, e.fnName);
  case K::Alloc:
    return fmt::format("{}: {} bytes at {:#x}{}", e.stub, e.newSize, e.record,
                       e.fnName.empty() ? "" : " (" + e.fnName + ")");
  default:
    return fmt::format("{}: {}", e.stub, e.detail);
  }
}

// ---- text ----

TextTrace::TextTrace(std::ostream& out, std::ostream& guestErr, TextTraceOptions opts)
    : out_(out), err_(guestErr), opts_(opts) {}

TextTrace::~TextTrace() {
  finish();
}

void TextTrace::finish() {
  flushLine();
  flushOut();
}

void TextTrace::flushOut() {
  out_.write(buf_.data(), std::streamsize(buf_.size()));
  buf_.clear();
}

std::string TextTrace::paint(const char* code, const std::string& s) const {
  return opts_.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
}

void TextTrace::flushLine() {
  if (!haveLine_) return;
  buf_ += lineCache_[line_].line;
  if (!notes_.empty()) {
    buf_ += "  "sv;
    buf_ += notes_;
  }
  buf_ += '\n';
  haveLine_ = false;
  notes_.clear();
  if (buf_.size() >= kFlushAt) flushOut();
}

void TextTrace::runtimeLine(const rt::RuntimeEvent& e) {
  flushLine();
  buf_ += "        "sv;
  buf_ += paint("36", describeRuntimeEvent(e));
  buf_ += '\n';
}

void TextTrace::onEvent(const Event& ev) {
  auto out = std::back_inserter(buf_);
  if (auto* i = std::get_if<InsnEvent>(&ev)) {
    flushLine();
    static const InsnInfo kUnknown;
    const InsnInfo& in = i->info ? *i->info : kUnknown;
    if (in.id >= lineCache_.size()) lineCache_.resize(in.id + 1);
    CachedLine& cached = lineCache_[in.id];
    if (cached.info != i->info) {
      std::string where = in.file.empty() ? "?" : fmt::format("{}:{}", in.file, in.line);
      // file:line in a 13-column field and always one space after it, so a long file name
      // never runs into the address.
      cached.line = fmt::format("  {:<13} {:#x}  {}  {:<30}", where, i->pc,
                                paint("2", fmt::format("{:<20}", hexBytes(in.bytes))), in.text);
      cached.info = i->info;
    }
    line_ = in.id;
    haveLine_ = true;
    linePc_ = i->pc;
    for (const auto& c : i->changes) {
      if (!notes_.empty()) notes_ += ' ';
      notes_ += rt::regName(c.reg);
      notes_ += '=';
      appendHex64(notes_, c.after);
    }
  } else if (auto* m = std::get_if<MemEvent>(&ev)) {
    if (haveLine_ && m->pc == linePc_ && m->var.empty()) {
      if (!notes_.empty()) notes_ += ' ';
      notes_ += '[';
      appendHex64(notes_, m->addr);
      notes_ += "]="sv;
      if (m->size <= 8)
        appendHex64(notes_, littleEndian(m->after));
      else
        appendHex(notes_, m->after);
    }
  } else if (auto* v = std::get_if<VarEvent>(&ev)) {
    bool onLine = haveLine_ && v->pc == linePc_;
    if (!onLine) flushLine();
    std::string& to = onLine ? notes_ : buf_;
    if (onLine && !notes_.empty()) notes_ += ' ';
    if (!onLine) to += "        "sv;
    if (opts_.color) to += "\x1b[33;1m"sv;
    to += v->name;
    to += " = "sv;
    if (v->after.kind == ValueKind::String || v->after.type == "string")
      fmt::format_to(std::back_inserter(to), "{:?}", v->after.text);
    else
      to += v->after.display();
    if (opts_.color) to += "\x1b[0m"sv;
    if (v->function != v->owner)
      fmt::format_to(std::back_inserter(to), " (in {}'s frame, written by {})", v->owner,
                     v->function);
    if (!onLine) to += '\n';
  } else if (auto* s = std::get_if<StartEvent>(&ev)) {
    flushLine();
    std::vector<std::string> args;
    for (const auto& a : s->args)
      args.push_back(a.name + "=" + shown(a));
    buf_ += paint("1", fmt::format("{}: {} {}/{}, {} — calling {}", s->object, s->goVersion,
                                   s->goos, s->goarch, s->abi,
                                   s->signature.empty() ? s->function + "()" : s->signature));
    if (!args.empty()) fmt::format_to(out, " with {}", fmt::join(args, ", "));
    fmt::format_to(out, "   [names from {}]\n", s->namesFrom);
  } else if (auto* r = std::get_if<rt::RuntimeEvent>(&ev)) {
    runtimeLine(*r);
  } else if (auto* o = std::get_if<rt::GuestOutput>(&ev)) {
    // The guest's output: stderr (print, fd 2) goes to another stream, so what came before it
    // is written first; stdout (fd 1) takes its place in the trace's stream.
    flushLine();
    flushOut();
    std::ostream& s = o->fd == 1 ? out_ : err_;
    out_.flush();
    s << o->bytes;
    s.flush();
  } else if (auto* ret = std::get_if<ReturnEvent>(&ev)) {
    flushLine();
    std::vector<std::string> res, calls;
    for (const auto& v : ret->results)
      res.push_back(fmt::format("{} = {}", v.name, shown(v)));
    for (const auto& [name, n] : ret->runtimeCalls)
      calls.push_back(
          fmt::format("{} ×{}", name.starts_with("runtime.") ? name.substr(8) : name, n));
    std::string shortName = ret->function.substr(ret->function.find('.') + 1);
    buf_ += paint(
        "1", fmt::format("{} returned {}", shortName,
                         res.empty() ? "(no results)" : fmt::format("{}", fmt::join(res, ", "))));
    fmt::format_to(out, "     ({} instructions{}{})", ret->instructions,
                   calls.empty() ? "" : "; runtime: ", fmt::join(calls, ", "));
    buf_ += ret->namesFrom == "position" ? "   [no DWARF or source: results by position]\n" : "\n";
  } else if (auto* x = std::get_if<ExitEvent>(&ev)) {
    flushLine();
    buf_ += paint("31;1", fmt::format("stopped: {} (exit status {}, {} instructions)", x->reason,
                                      x->status, x->instructions));
    buf_ += '\n';
  }
  if (buf_.size() >= kFlushAt) flushOut();
}

// ---- JSON lines ----

namespace {

// A value as JSON data: booleans, numbers and strings for scalars (a float that JSON cannot
// hold, NaN or ±Inf, as Go prints it), objects for structs (by field), arrays for arrays and
// slices, [real, imag] for complex numbers, {"key", "value"} entries for maps, {"type",
// "value"} for a non-nil interface, null for nil; pointers, chans and funcs as hex addresses.
nlohmann::json valueData(const Value& v) {
  using nlohmann::json;
  auto hex = [](uint64_t a) { return fmt::format("{:#x}", a); };
  switch (v.kind) {
  case ValueKind::Bool:
    return v.intValue != 0;
  case ValueKind::Int:
    return v.intValue;
  case ValueKind::Uint:
    return uint64_t(v.intValue);
  case ValueKind::Float:
    if (std::isfinite(v.real)) return v.real;
    return v.display();
  case ValueKind::Complex:
    if (std::isfinite(v.real) && std::isfinite(v.imag)) return json::array({v.real, v.imag});
    return v.display();
  case ValueKind::String:
    return v.text;
  case ValueKind::Pointer:
  case ValueKind::Chan:
  case ValueKind::Func:
    if (v.nil) return nullptr;
    return hex(v.addr);
  case ValueKind::Slice:
  case ValueKind::Array: {
    if (v.nil) return nullptr;
    json a = json::array();
    for (const auto& e : v.elems)
      a.push_back(valueData(e));
    return a;
  }
  case ValueKind::Struct: {
    json o = json::object();
    for (const auto& e : v.elems)
      o[e.name] = valueData(e);
    return o;
  }
  case ValueKind::Map: {
    if (v.nil) return nullptr;
    json a = json::array();
    for (size_t i = 0; i + 1 < v.elems.size(); i += 2)
      a.push_back({{"key", valueData(v.elems[i])}, {"value", valueData(v.elems[i + 1])}});
    return a;
  }
  case ValueKind::Interface:
    if (v.nil) return nullptr;
    if (v.elems.empty()) return {{"type", v.dynType}};
    return {{"type", v.dynType}, {"value", valueData(v.elems[0])}};
  default:
    if (v.isBool) return v.intValue != 0;
    if (v.isInt && v.type.starts_with("uint")) return uint64_t(v.intValue);
    if (v.isInt) return v.intValue;
    return v.text;
  }
}

// Whether a value's JSON data is its text (or a number or bool): then no "text" key is added.
bool plainValue(const Value& v) {
  switch (v.kind) {
  case ValueKind::Unknown:
  case ValueKind::Bool:
  case ValueKind::Int:
  case ValueKind::Uint:
  case ValueKind::String:
    return true;
  default:
    return false;
  }
}

nlohmann::json valueJson(const Value& v) {
  nlohmann::json j;
  j["name"] = v.name;
  j["type"] = v.type;
  j["value"] = valueData(v);
  if (!plainValue(v)) {
    j["text"] = v.text; // as println prints it
    if (!v.plus.empty()) j["plus"] = v.plus;
    if (v.kind == ValueKind::Pointer && !v.elems.empty()) j["deref"] = valueData(v.elems[0]);
  }
  return j;
}

// A JSON string as nlohmann::json dumps it: plain printable ASCII is copied, anything else
// goes through the library (escapes, invalid UTF-8 replaced).
void appendJsonString(std::string& out, const std::string& s) {
  bool plain = std::all_of(s.begin(), s.end(),
                           [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) {
    out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

// The "value" of valueJson, written directly.
void appendJsonValue(std::string& out, const Value& v) {
  if (!plainValue(v) || v.kind == ValueKind::Unknown) {
    out += valueData(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  if (v.isBool)
    out += v.intValue != 0 ? "true" : "false";
  else if (v.kind == ValueKind::Uint)
    appendDec(out, uint64_t(v.intValue));
  else if (v.isInt)
    appendDec(out, v.intValue);
  else
    appendJsonString(out, v.text);
}

} // namespace

// The hot events, written without building a JSON object: the same bytes nlohmann::json's dump
// gives (keys in its sorted order, strings escaped as it does), the parts that never change at
// a pc made once. RunDeferr.JsonLinesAreCanonical holds every line to nlohmann::json's form.
void JsonTrace::writeInsn(const InsnEvent& i) {
  static const InsnInfo kUnknown;
  const InsnInfo& in = i.info ? *i.info : kUnknown;
  if (in.id >= cache_.size()) cache_.resize(in.id + 1);
  Cached& c = cache_[in.id];
  if (c.info != i.info) {
    c.head = fmt::format(R"({{"bytes":{},"event":"insn","file":{},"function":{},"line":{},"n":)",
                         nlohmann::json(hexBytes(in.bytes)).dump(), nlohmann::json(in.file).dump(),
                         nlohmann::json(in.function).dump(), in.line);
    c.tail = fmt::format(R"(,"text":{}}})", nlohmann::json(in.text).dump());
    c.info = i.info;
  }
  buf_ += c.head;
  appendDec(buf_, i.index);
  buf_ += R"(,"pc":)"sv;
  appendDec(buf_, i.pc);
  buf_ += R"(,"regs":{)"sv;
  // nlohmann::json objects are ordered by key; a register changes at most once per event.
  std::array<const RegChange*, size_t(rt::Reg::Count)> sorted{};
  size_t n = 0;
  for (const auto& ch : i.changes)
    if (n < sorted.size()) sorted[n++] = &ch;
  std::sort(sorted.begin(), sorted.begin() + n, [](const RegChange* a, const RegChange* b) {
    return std::string_view(rt::regName(a->reg)) < std::string_view(rt::regName(b->reg));
  });
  for (size_t k = 0; k < n; k++) {
    if (k) buf_ += ',';
    buf_ += '"';
    buf_ += rt::regName(sorted[k]->reg);
    buf_ += "\":"sv;
    appendDec(buf_, sorted[k]->after);
  }
  buf_ += '}';
  buf_ += c.tail;
  buf_ += '\n';
}

void JsonTrace::writeVar(const VarEvent& v) {
  buf_ += R"({"addr":)"sv;
  appendDec(buf_, v.addr);
  buf_ += R"(,"event":"var","frame":)"sv;
  appendJsonString(buf_, v.owner);
  buf_ += R"(,"function":)"sv;
  appendJsonString(buf_, v.function);
  buf_ += R"(,"name":)"sv;
  appendJsonString(buf_, v.name);
  buf_ += R"(,"new":)"sv;
  appendJsonValue(buf_, v.after);
  buf_ += R"(,"old":)"sv;
  appendJsonValue(buf_, v.before);
  buf_ += R"(,"pc":)"sv;
  appendDec(buf_, v.pc);
  buf_ += R"(,"type":)"sv;
  appendJsonString(buf_, v.type);
  buf_ += "}\n"sv;
}

JsonTrace::~JsonTrace() {
  finish();
}

void JsonTrace::finish() {
  out_.write(buf_.data(), std::streamsize(buf_.size()));
  buf_.clear();
}

void JsonTrace::onEvent(const Event& ev) {
  nlohmann::json j;
  if (auto* i = std::get_if<InsnEvent>(&ev)) {
    writeInsn(*i);
  } else if (auto* m = std::get_if<MemEvent>(&ev)) {
    // As nlohmann::json would write it (keys sorted), without building the object.
    buf_ += R"({"addr":)"sv;
    appendDec(buf_, m->addr);
    buf_ += R"(,"event":"mem","new":")"sv;
    appendHex(buf_, m->after);
    buf_ += R"(","old":")"sv;
    appendHex(buf_, m->before);
    buf_ += R"(","pc":)"sv;
    appendDec(buf_, m->pc);
    buf_ += R"(,"size":)"sv;
    appendDec(buf_, m->size);
    if (!m->var.empty()) {
      buf_ += R"(,"var":)"sv;
      appendJsonString(buf_, m->var);
    }
    buf_ += "}\n"sv;
  } else if (auto* v = std::get_if<VarEvent>(&ev)) {
    writeVar(*v);
  } else {
    if (auto* s = std::get_if<StartEvent>(&ev)) {
      j = {{"event", "start"},        {"object", s->object},       {"go", s->goVersion},
           {"goos", s->goos},         {"goarch", s->goarch},       {"abi", s->abi},
           {"function", s->function}, {"signature", s->signature}, {"names_from", s->namesFrom}};
      j["args"] = nlohmann::json::array();
      for (const auto& a : s->args)
        j["args"].push_back(valueJson(a));
    } else if (auto* r = std::get_if<rt::RuntimeEvent>(&ev)) {
      j = {{"event", "runtime"},
           {"kind", runtimeEventKindName(r->kind)},
           {"stub", r->stub},
           {"pc", r->pc},
           {"text", describeRuntimeEvent(*r)}};
      if (r->record) j["record"] = r->record;
      if (r->sp) j["sp"] = r->sp;
      if (r->fn) j["fn"] = r->fn;
      if (!r->fnName.empty()) j["fn_name"] = r->fnName;
      if (r->newSize) {
        j["old_size"] = r->oldSize;
        j["new_size"] = r->newSize;
      }
      j["defer_chain"] = r->chain;
      j["defer_chain_length"] = r->chainLength;
    } else if (auto* o = std::get_if<rt::GuestOutput>(&ev)) {
      // The guest's output goes to another stream: what came before it is written first.
      // fd 1's bytes are only in the event: stdout carries JSON lines.
      finish();
      out_.flush();
      if (o->fd != 1) {
        err_ << o->bytes;
        err_.flush();
      }
      j = {{"event", "output"}, {"fd", o->fd}, {"text", o->bytes}};
    } else if (auto* ret = std::get_if<ReturnEvent>(&ev)) {
      nlohmann::json stats = {{"event", "stats"},
                              {"function", ret->function},
                              {"names_from", ret->namesFrom},
                              {"instructions", ret->instructions},
                              {"runtime_calls", ret->runtimeCalls}};
      buf_ += stats.dump();
      buf_ += '\n';
      // The contract's last line: exactly event, function, results.
      j = {{"event", "return"}, {"function", ret->function}};
      j["results"] = nlohmann::json::array();
      for (const auto& v : ret->results)
        j["results"].push_back(valueJson(v));
    } else if (auto* x = std::get_if<ExitEvent>(&ev)) {
      j = {{"event", "exit"},
           {"status", x->status},
           {"reason", x->reason},
           {"instructions", x->instructions}};
    }
    buf_ += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    buf_ += '\n';
  }
  if (buf_.size() >= kFlushAt) finish();
}

void QuietSink::onEvent(const Event& ev) {
  if (auto* o = std::get_if<rt::GuestOutput>(&ev)) {
    std::ostream& s = o->fd == 1 ? out_ : err_;
    s << o->bytes;
    s.flush();
  }
}

} // namespace gd::emu
