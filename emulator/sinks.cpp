#include "emulator/sinks.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

namespace gd::emu {
namespace {

std::string hexBytes(const std::vector<uint8_t>& b) {
  std::string s;
  for (uint8_t c : b)
    s += fmt::format("{:02x}", c);
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
  return v.type == "string" ? fmt::format("{:?}", v.text) : v.text;
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
  case K::DeferRun:
    return fmt::format("{}: frame sp={:#x} has {}{}: unlinked and called with DX={:#x}; it returns "
                       "into deferreturn; g._defer: {}",
                       e.stub, e.sp, e.fnName, e.heap ? " (heap record)" : "", e.fn, chainText(e));
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
}

std::string TextTrace::paint(const char* code, const std::string& s) const {
  return opts_.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
}

void TextTrace::flushLine() {
  if (!haveLine_) return;
  out_ << line_;
  if (!notes_.empty()) out_ << "  " << notes_;
  out_ << "\n";
  haveLine_ = false;
  notes_.clear();
}

void TextTrace::addNote(const std::string& note) {
  if (!notes_.empty()) notes_ += ' ';
  notes_ += note;
}

void TextTrace::runtimeLine(const rt::RuntimeEvent& e) {
  flushLine();
  out_ << "        " << paint("36", describeRuntimeEvent(e)) << "\n";
}

void TextTrace::onEvent(const Event& ev) {
  if (auto* s = std::get_if<StartEvent>(&ev)) {
    flushLine();
    std::vector<std::string> args;
    for (const auto& a : s->args)
      args.push_back(a.name + "=" + shown(a));
    out_ << paint("1", fmt::format("{}: {} {}/{}, {} — calling {}", s->object, s->goVersion,
                                   s->goos, s->goarch, s->abi,
                                   s->signature.empty() ? s->function + "()" : s->signature));
    if (!args.empty()) out_ << " with " << fmt::format("{}", fmt::join(args, ", "));
    out_ << "   [names from " << s->namesFrom << "]\n";
  } else if (auto* i = std::get_if<InsnEvent>(&ev)) {
    flushLine();
    static const InsnInfo kUnknown;
    const InsnInfo& in = i->info ? *i->info : kUnknown;
    CachedLine& cached = lineCache_[i->pc];
    if (cached.info != i->info) {
      std::string where = in.file.empty() ? "?" : fmt::format("{}:{}", in.file, in.line);
      // file:line in a 13-column field and always one space after it, so a long file name
      // never runs into the address.
      cached.line = fmt::format("  {:<13} {:#x}  {}  {:<30}", where, i->pc,
                                paint("2", fmt::format("{:<20}", hexBytes(in.bytes))), in.text);
      cached.info = i->info;
    }
    line_ = cached.line;
    haveLine_ = true;
    linePc_ = i->pc;
    for (const auto& c : i->changes) {
      if (!notes_.empty()) notes_ += ' ';
      fmt::format_to(std::back_inserter(notes_), "{}={:#x}", rt::regName(c.reg), c.after);
    }
  } else if (auto* m = std::get_if<MemEvent>(&ev)) {
    if (haveLine_ && m->pc == linePc_ && m->var.empty())
      addNote(m->size <= 8 ? fmt::format("[{:#x}]={:#x}", m->addr, littleEndian(m->after))
                           : fmt::format("[{:#x}]={}", m->addr, hexBytes(m->after)));
  } else if (auto* v = std::get_if<VarEvent>(&ev)) {
    std::string text = paint("33;1", fmt::format("{} = {}", v->name, shown(v->after)));
    if (v->function != v->owner)
      text += fmt::format(" (in {}'s frame, written by {})", v->owner, v->function);
    if (haveLine_ && v->pc == linePc_) {
      addNote(text);
    } else {
      flushLine();
      out_ << "        " << text << "\n";
    }
  } else if (auto* r = std::get_if<rt::RuntimeEvent>(&ev)) {
    runtimeLine(*r);
  } else if (auto* o = std::get_if<rt::GuestOutput>(&ev)) {
    flushLine();
    out_.flush();
    err_ << o->bytes;
    err_.flush();
  } else if (auto* ret = std::get_if<ReturnEvent>(&ev)) {
    flushLine();
    std::vector<std::string> res, calls;
    for (const auto& v : ret->results)
      res.push_back(fmt::format("{} = {}", v.name, shown(v)));
    for (const auto& [name, n] : ret->runtimeCalls)
      calls.push_back(
          fmt::format("{} ×{}", name.starts_with("runtime.") ? name.substr(8) : name, n));
    std::string shortName = ret->function.substr(ret->function.find('.') + 1);
    out_ << paint("1", fmt::format("{} returned {}", shortName,
                                   res.empty() ? "(no results)"
                                               : fmt::format("{}", fmt::join(res, ", "))))
         << fmt::format("     ({} instructions{}{})", ret->instructions,
                        calls.empty() ? "" : "; runtime: ", fmt::join(calls, ", "))
         << (ret->namesFrom == "position" ? "   [no DWARF or source: results by position]" : "")
         << "\n";
  } else if (auto* x = std::get_if<ExitEvent>(&ev)) {
    flushLine();
    out_ << paint("31;1", fmt::format("stopped: {} (exit status {}, {} instructions)", x->reason,
                                      x->status, x->instructions))
         << "\n";
  }
}

// ---- JSON lines ----

namespace {

nlohmann::json valueJson(const Value& v) {
  nlohmann::json j;
  j["name"] = v.name;
  j["type"] = v.type;
  if (v.isBool)
    j["value"] = v.intValue != 0;
  else if (v.isInt && v.type.starts_with("uint"))
    j["value"] = uint64_t(v.intValue);
  else if (v.isInt)
    j["value"] = v.intValue;
  else
    j["value"] = v.text;
  return j;
}

} // namespace

// The hot event, written without building a JSON object: the same bytes nlohmann::json's dump
// gives (keys in its sorted order, strings escaped by it), the parts that never change at a pc
// made once.
void JsonTrace::writeInsn(const InsnEvent& i) {
  static const InsnInfo kUnknown;
  const InsnInfo& in = i.info ? *i.info : kUnknown;
  Cached& c = cache_[i.pc];
  if (c.info != i.info) {
    c.head = fmt::format(R"({{"bytes":{},"event":"insn","file":{},"function":{},"line":{},"n":)",
                         nlohmann::json(hexBytes(in.bytes)).dump(), nlohmann::json(in.file).dump(),
                         nlohmann::json(in.function).dump(), in.line);
    c.tail = fmt::format(R"(,"text":{}}})", nlohmann::json(in.text).dump());
    c.info = i.info;
  }
  buf_.clear();
  buf_.append(c.head);
  fmt::format_to(std::back_inserter(buf_), R"({},"pc":{},"regs":{{)", i.index, i.pc);
  // nlohmann::json objects are ordered by key; a register changes at most once per event.
  std::array<const RegChange*, size_t(rt::Reg::Count)> sorted{};
  size_t n = 0;
  for (const auto& ch : i.changes)
    if (n < sorted.size()) sorted[n++] = &ch;
  std::sort(sorted.begin(), sorted.begin() + n, [](const RegChange* a, const RegChange* b) {
    return std::string_view(rt::regName(a->reg)) < std::string_view(rt::regName(b->reg));
  });
  for (size_t k = 0; k < n; k++)
    fmt::format_to(std::back_inserter(buf_), R"({}"{}":{})", k ? "," : "",
                   rt::regName(sorted[k]->reg), sorted[k]->after);
  buf_.push_back('}');
  buf_.append(c.tail);
  buf_.push_back('\n');
  out_.write(buf_.data(), std::streamsize(buf_.size()));
}

void JsonTrace::onEvent(const Event& ev) {
  nlohmann::json j;
  if (auto* s = std::get_if<StartEvent>(&ev)) {
    j = {{"event", "start"},        {"object", s->object},       {"go", s->goVersion},
         {"goos", s->goos},         {"goarch", s->goarch},       {"abi", s->abi},
         {"function", s->function}, {"signature", s->signature}, {"names_from", s->namesFrom}};
    j["args"] = nlohmann::json::array();
    for (const auto& a : s->args)
      j["args"].push_back(valueJson(a));
  } else if (auto* i = std::get_if<InsnEvent>(&ev)) {
    writeInsn(*i);
    return;
  } else if (auto* m = std::get_if<MemEvent>(&ev)) {
    // As nlohmann::json would write it (keys sorted), without building the object.
    buf_.clear();
    fmt::format_to(std::back_inserter(buf_),
                   R"({{"addr":{},"event":"mem","new":"{}","old":"{}","pc":{},"size":{})", m->addr,
                   hexBytes(m->after), hexBytes(m->before), m->pc, m->size);
    if (!m->var.empty()) buf_ += R"(,"var":)" + nlohmann::json(m->var).dump();
    buf_ += "}\n";
    out_.write(buf_.data(), std::streamsize(buf_.size()));
    return;
  } else if (auto* v = std::get_if<VarEvent>(&ev)) {
    j = {{"event", "var"},
         {"name", v->name},
         {"type", v->type},
         {"old", valueJson(v->before)["value"]},
         {"new", valueJson(v->after)["value"]},
         {"pc", v->pc},
         {"function", v->function},
         {"frame", v->owner},
         {"addr", v->addr}};
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
    err_ << o->bytes;
    err_.flush();
    j = {{"event", "output"}, {"fd", o->fd}, {"text", o->bytes}};
  } else if (auto* ret = std::get_if<ReturnEvent>(&ev)) {
    nlohmann::json stats = {{"event", "stats"},
                            {"function", ret->function},
                            {"names_from", ret->namesFrom},
                            {"instructions", ret->instructions},
                            {"runtime_calls", ret->runtimeCalls}};
    out_ << stats.dump() << "\n";
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
  out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void QuietSink::onEvent(const Event& ev) {
  if (auto* o = std::get_if<rt::GuestOutput>(&ev)) {
    err_ << o->bytes;
    err_.flush();
  }
}

} // namespace gd::emu
