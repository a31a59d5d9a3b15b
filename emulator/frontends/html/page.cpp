#include "emulator/frontends/html/page.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "emulator/engine/session.h"
#include "emulator/frontends/html/assets.h"
#include "emulator/frontends/trace/sinks.h"
#include "loader/disasm.h"
#include "loader/vars.h"

namespace gd::emu {
namespace {

using nlohmann::json;
constexpr size_t kRegs = size_t(rt::Reg::Count);

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += char(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out += char(uint8_t(v));
}

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 |
                 uint32_t(uint8_t(in[i + 2]));
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size_t rest = in.size() - i) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string hex(uint64_t v) {
  return fmt::format("{:#x}", v);
}

// A value for the page: its display form and, for integers and booleans, a number the step
// chart can draw (null otherwise: the chart draws distinct values as levels in order met).
json valueJson(const Value& v) {
  json j = {{"text", v.kind == ValueKind::String ? fmt::format("{:?}", v.text) : v.display()}};
  if (v.kind == ValueKind::Bool || v.kind == ValueKind::Int)
    j["num"] = v.intValue;
  else if (v.kind == ValueKind::Uint)
    j["num"] = double(uint64_t(v.intValue));
  else if (v.kind == ValueKind::Float)
    j["num"] = v.real;
  return j;
}

json valuesJson(const std::vector<Value>& vs) {
  json a = json::array();
  for (const auto& v : vs)
    a.push_back({{"name", v.name}, {"type", v.type}, {"value", valueJson(v)["text"]}});
  return a;
}

// Inside <script>, `</script` and `<!--` change how the HTML parser reads on: every `<` (only
// ever inside a JSON string) is written as \u003c, the same string.
std::string scriptSafe(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  return out;
}

std::string htmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

bool chainKnown(const rt::RuntimeEvent& e) {
  return e.chain.size() == std::min<uint64_t>(e.chainLength, rt::kChainShown);
}

} // namespace

struct HtmlPage::Impl {
  std::ostream& out;
  HtmlOptions opts;
  bool written = false;

  StartEvent start;
  bool haveStart = false;
  std::vector<std::shared_ptr<const InsnInfo>> pcs; // by InsnInfo::id
  std::vector<uint64_t> pcAddr;                     // by InsnInfo::id: the pc
  // Per instruction: varint(id << 3 | min(changes, 7)) [varint(changes) when 7 or more], then
  // per change: a byte (register | 0x80 when the upper half changed), the zigzag varint of the
  // lower half's difference (mod 2^32) and, with 0x80, the varint of the new upper half.
  std::string steps;
  uint64_t nSteps = 0, nChanges = 0;
  std::array<uint64_t, kRegs> cur{}, init{};
  std::array<bool, kRegs> known{};
  bool truncated = false;
  uint64_t cutAt = 0;     // the last recorded instruction's own number
  uint64_t lastIndex = 0; // the last instruction number seen
  uint64_t eventsAfterCut = 0;
  // Steps (1-based, in recorded order) whose instruction number repeats the previous one's (an
  // instruction that faulted is not counted): the page shows the trace's numbers next to its own.
  std::vector<uint64_t> repeats;
  bool haveIndex = false;

  // Register values learnt outside instruction events (see HtmlOptions::readRegisters), written
  // as more changes of the step that made the runtime call.
  bool runtimeRan = false; // a runtime event since the last instruction event
  // Whether the last instruction was a CALL, RET or JMP: the ways into a modelled runtime
  // function, which may change registers without any event (a channel handing a value over,
  // a goroutine switch).
  bool afterTransfer = false;
  std::vector<int8_t> transfers; // by InsnInfo::id: -1 unknown, 0 no, 1 yes
  uint64_t nFixups = 0;

  json events = json::array(), vars = json::array(), output = json::array();
  json end = nullptr;

  Impl(std::ostream& o, HtmlOptions op) : out(o), opts(std::move(op)) {}

  bool isTransfer(const InsnInfo& in) {
    if (transfers.size() <= in.id) transfers.resize(in.id + 1, -1);
    int8_t& t = transfers[in.id];
    if (t < 0) {
      std::string m = in.text.substr(0, in.text.find(' '));
      std::transform(m.begin(), m.end(), m.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      t = m.starts_with("call") || m.starts_with("ret") || m.starts_with("jmp");
    }
    return t;
  }

  // The register values the page will have (`cur`); a step is written once the next one (or
  // the end) says what a runtime call it made changed.
  struct Pending {
    bool active = false;
    uint32_t id = 0;
    std::vector<std::pair<size_t, uint64_t>> changes; // register, new value, in order
  } pending;
  std::array<uint64_t, kRegs> encoded{}; // the values as the encoded stream leaves them

  // Register r is v from the pending step on (before any step, or when r was not known: from
  // the start).
  void fix(size_t r, uint64_t v) {
    if (known[r] && cur[r] == v) return;
    if (!pending.active || !known[r]) {
      // before the first step, or the first the page learns of r: its value from the start
      init[r] = encoded[r] = v;
    } else {
      pending.changes.emplace_back(r, v);
      nFixups++;
    }
    known[r] = true;
    cur[r] = v;
  }

  void flushStep() {
    if (!pending.active) return;
    pending.active = false;
    size_t n = pending.changes.size();
    putVarint(steps, uint64_t(pending.id) << 3 | std::min<size_t>(n, 7));
    if (n >= 7) putVarint(steps, n);
    for (auto [r, v] : pending.changes) {
      uint32_t lo = uint32_t(v) - uint32_t(encoded[r]);
      int32_t d = int32_t(lo);
      uint32_t zig = (uint32_t(d) << 1) ^ uint32_t(d >> 31);
      bool hi = (v >> 32) != (encoded[r] >> 32);
      steps += char(uint8_t(r) | (hi ? 0x80 : 0));
      putVarint(steps, zig);
      if (hi) putVarint(steps, v >> 32);
      encoded[r] = v;
    }
    nChanges += n;
    pending.changes.clear();
  }

  void insn(const InsnEvent& i) {
    lastIndex = std::max(lastIndex, i.index);
    if (truncated) return;
    // What a runtime call changed, on the step that made it: the registers before this
    // instruction are its changes' `before` values, the others as they stand now.
    bool faulted = haveIndex && i.index == cutAt; // the last instruction did not complete
    if ((runtimeRan || afterTransfer || faulted) && opts.readRegisters && pending.active) {
      auto now = opts.readRegisters();
      for (const auto& c : i.changes)
        if (size_t(c.reg) < kRegs) now[size_t(c.reg)] = c.before;
      for (size_t r = 0; r < kRegs; r++)
        if (rt::Reg(r) != rt::Reg::RIP) fix(r, now[r]);
    }
    for (const auto& c : i.changes)
      if (size_t(c.reg) < kRegs) fix(size_t(c.reg), c.before);
    flushStep();
    runtimeRan = false;
    if (opts.maxInsns && nSteps >= opts.maxInsns) {
      truncated = true;
      return;
    }
    uint32_t id = i.info ? i.info->id : 0;
    if (i.info) {
      if (pcs.size() <= id) pcs.resize(id + 1);
      if (!pcs[id]) pcs[id] = i.info;
      if (pcAddr.size() <= id) pcAddr.resize(id + 1);
      pcAddr[id] = i.pc;
    }
    afterTransfer = i.info && isTransfer(*i.info);
    pending.active = true;
    pending.id = id;
    for (const auto& c : i.changes)
      if (size_t(c.reg) < kRegs) {
        pending.changes.emplace_back(size_t(c.reg), c.after);
        cur[size_t(c.reg)] = c.after;
        known[size_t(c.reg)] = true;
      }
    nSteps++;
    if (haveIndex && i.index == cutAt) repeats.push_back(nSteps);
    haveIndex = true;
    cutAt = i.index;
  }

  void runtime(const rt::RuntimeEvent& e) {
    runtimeRan = true;
    if (truncated) {
      eventsAfterCut++;
      return;
    }
    json j = {{"step", nSteps},
              {"kind", runtimeEventKindName(e.kind)},
              {"stub", e.stub},
              {"text", describeRuntimeEvent(e)},
              {"pc", e.pc}};
    if (!e.fnName.empty()) j["fn"] = e.fnName;
    if (!e.detail.empty()) j["detail"] = e.detail;
    if (chainKnown(e)) {
      j["chain"] = e.chain;
      j["chainLength"] = e.chainLength;
    }
    events.push_back(std::move(j));
  }

  // Named variables: each (owner, name) once in `series` ({name, type, owner, first: the value
  // before its first change}); a change is [step, series, writer, value], the writer an index
  // into `writers`, the value a number when its text is that number's decimal form, else
  // {text, num?}.
  json series = json::array();
  std::vector<std::pair<std::string, std::string>> seriesKeys;
  std::vector<std::string> writers;

  static json compactValue(const Value& v) {
    json j = valueJson(v);
    if (j.contains("num") && j["num"].is_number_integer() &&
        j["text"] == std::to_string(j["num"].get<int64_t>()))
      return j["num"];
    return j;
  }

  void var(const VarEvent& v) {
    if (truncated) return;
    auto key = std::make_pair(v.owner, v.name);
    auto it = std::find(seriesKeys.begin(), seriesKeys.end(), key);
    size_t k = size_t(it - seriesKeys.begin());
    if (it == seriesKeys.end()) {
      seriesKeys.push_back(key);
      series.push_back({{"name", v.name},
                        {"type", v.type},
                        {"owner", v.owner},
                        {"first", compactValue(v.before)}});
    }
    auto w = std::find(writers.begin(), writers.end(), v.function);
    size_t wi = size_t(w - writers.begin());
    if (w == writers.end()) writers.push_back(v.function);
    vars.push_back(json::array({nSteps, k, wi, compactValue(v.after)}));
  }

  void write();
};

HtmlPage::HtmlPage(std::ostream& out, HtmlOptions opts)
    : impl_(std::make_unique<Impl>(out, std::move(opts))) {}

HtmlPage::~HtmlPage() = default;

void HtmlPage::setInitialRegisters(const std::array<uint64_t, size_t(rt::Reg::Count)>& regs) {
  if (impl_->nSteps) return;
  for (size_t r = 0; r < kRegs; r++) {
    impl_->init[r] = impl_->cur[r] = impl_->encoded[r] = regs[r];
    impl_->known[r] = true;
  }
}

void HtmlPage::onEvent(const Event& ev) {
  Impl& m = *impl_;
  if (auto* i = std::get_if<InsnEvent>(&ev)) {
    m.insn(*i);
  } else if (auto* s = std::get_if<StartEvent>(&ev)) {
    if (!m.haveStart) m.start = *s;
    m.haveStart = true;
  } else if (auto* r = std::get_if<rt::RuntimeEvent>(&ev)) {
    m.runtime(*r);
  } else if (auto* v = std::get_if<VarEvent>(&ev)) {
    m.var(*v);
  } else if (auto* o = std::get_if<rt::GuestOutput>(&ev)) {
    // Output is kept whole (it is small next to the instructions), also after a cut.
    m.runtimeRan = true;
    m.output.push_back({{"step", m.nSteps}, {"fd", o->fd}, {"text", o->bytes}});
  } else if (auto* ret = std::get_if<ReturnEvent>(&ev)) {
    m.lastIndex = std::max(m.lastIndex, ret->instructions);
    m.end = {{"kind", "return"},
             {"function", ret->function},
             {"results", valuesJson(ret->results)},
             {"line", formatResultsLine(ret->results)},
             {"instructions", ret->instructions}};
  } else if (auto* x = std::get_if<ExitEvent>(&ev)) {
    m.lastIndex = std::max(m.lastIndex, x->instructions);
    m.end = {{"kind", "exit"},
             {"status", x->status},
             {"reason", x->reason},
             {"instructions", x->instructions}};
  }
}

void HtmlPage::finish() {
  if (impl_->written) return;
  impl_->flushStep();
  impl_->written = true;
  impl_->write();
}

void HtmlPage::Impl::write() {
  json files = json::array(), funcs = json::array(), pcTable = json::array();
  std::vector<std::string> fileNames, funcNames;
  auto indexOf = [](std::vector<std::string>& names, const std::string& n) {
    auto it = std::find(names.begin(), names.end(), n);
    if (it != names.end()) return size_t(it - names.begin());
    names.push_back(n);
    return names.size() - 1;
  };
  for (const auto& p : pcs) {
    if (!p) {
      pcTable.push_back(nullptr);
      continue;
    }
    // Every pc of an instruction event: [pc, function, file, line, text].
    pcTable.push_back(json::array({pcAddr[p->id], indexOf(funcNames, p->function),
                                   indexOf(fileNames, p->file), p->line, p->text}));
  }
  for (size_t f = 0; f < funcNames.size(); f++) {
    json listing = nullptr;
    if (opts.listFunction) {
      for (size_t id = 0; id < pcs.size(); id++) {
        if (!pcs[id] || pcs[id]->function != funcNames[f] || id >= pcAddr.size()) continue;
        auto l = opts.listFunction(pcAddr[id]);
        if (l.empty()) break;
        listing = json::array();
        for (const auto& li : l)
          listing.push_back(json::array({li.pc, indexOf(fileNames, li.file), li.line, li.text}));
        break;
      }
    }
    funcs.push_back({{"name", funcNames[f]}, {"listing", listing}});
  }
  for (const auto& f : fileNames) {
    json lines = nullptr;
    if (!f.empty() && opts.readSource)
      if (auto text = opts.readSource(f)) {
        lines = json::array();
        std::istringstream in(*text);
        std::string l;
        while (std::getline(in, l))
          lines.push_back(l);
      }
    files.push_back({{"name", f}, {"lines", lines}});
  }
  json regNames = json::array(), initRegs = json::array();
  for (size_t r = 0; r < kRegs; r++) {
    regNames.push_back(rt::regName(rt::Reg(r)));
    initRegs.push_back(known[r] ? json(hex(init[r])) : json(nullptr));
  }
  json meta = {{"object", start.object},
               {"go", start.goVersion},
               {"goos", start.goos},
               {"goarch", start.goarch},
               {"abi", start.abi},
               {"function", start.function},
               {"signature", start.signature},
               {"namesFrom", start.namesFrom},
               {"args", valuesJson(start.args)},
               {"steps", nSteps},
               {"changes", nChanges},
               {"total", std::max(lastIndex, cutAt)},
               {"truncated", truncated},
               {"cutAt", cutAt},
               {"maxInsns", opts.maxInsns},
               {"eventsAfterCut", eventsAfterCut},
               {"repeats", repeats},
               {"fixups", nFixups}, // of the changes, learnt after a runtime call
               {"end", end}};
  json data = {{"meta", meta},     {"regNames", regNames}, {"init", initRegs},  {"files", files},
               {"funcs", funcs},   {"pcs", pcTable},       {"events", events},  {"vars", vars},
               {"output", output}, {"series", series},     {"writers", writers}};
  std::string title = start.function.empty() ? "godefer-emu" : start.function + " — godefer-emu";
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
      << htmlEscape(title) << "</title>\n<style>" << kHtmlCss << "</style>\n</head>\n"
      << kHtmlBody << "\n<script id=\"run\" type=\"application/json\">"
      << scriptSafe(data.dump(-1, ' ', false, json::error_handler_t::replace))
      << "</script>\n<script id=\"steps\" type=\"text/plain\">" << base64(steps)
      << "</script>\n<script>" << kHtmlJs << "</script>\n</body></html>\n";
  out.flush();
}

HtmlOptions htmlOptionsFor(Session& s, uint64_t maxInsns) {
  HtmlOptions o;
  o.maxInsns = maxInsns;
  Session* sp = &s;
  o.readSource = [sp](const std::string& file) -> std::optional<std::string> {
    namespace fs = std::filesystem;
    std::vector<std::string> tries =
        loader::sourceCandidates(sp->object(), sp->function(), sp->options().sourceDirs);
    fs::path objDir = fs::path(sp->object().path).parent_path();
    tries.push_back((objDir / file).string());
    for (const auto& d : sp->options().sourceDirs)
      tries.push_back((fs::path(d) / file).string());
    for (const auto& path : tries) {
      std::error_code ec;
      if (fs::path(path).filename() != file || !fs::is_regular_file(path, ec)) continue;
      std::ifstream in(path, std::ios::binary);
      if (!in) continue;
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    }
    return std::nullopt;
  };
  o.readRegisters = [sp] {
    std::array<uint64_t, kRegs> regs{};
    for (size_t r = 0; r < kRegs; r++)
      regs[r] = sp->machine().reg(rt::Reg(r));
    return regs;
  };
  o.listFunction = [sp](uint64_t pc) {
    std::vector<ListedInsn> out;
    const loader::Image& img = sp->image();
    auto id = img.symbolAt(pc);
    if (!id || !sp->object().sym(*id).isText() || (pc >= img.externStart && pc < img.externEnd))
      return out;
    auto lookup = [sp](uint64_t a) -> std::optional<loader::SymbolHit> {
      auto hit = sp->image().symbolAt(a);
      if (!hit) return std::nullopt;
      return loader::SymbolHit{sp->object().displayName(*hit), sp->image().address(*hit)};
    };
    uint64_t a = img.address(*id), end = a + sp->object().sym(*id).memSize();
    while (a < end && out.size() < 20000) {
      uint8_t code[16] = {};
      size_t n = std::min<uint64_t>(sizeof code, end - a);
      while (n && !sp->machine().read(a, code, n))
        n--;
      if (!n) break;
      auto insn = loader::disassemble(
          std::span<const uint8_t>(code, n), a, sp->options().syntax, lookup,
          sp->object().profile ? sp->object().profile->x86asm : loader::newestProfile().x86asm);
      ListedInsn li{a, insn.text, "", 0};
      if (auto pos = img.position(a)) {
        li.file = loader::displayFile(pos->file);
        li.line = pos->line;
      }
      out.push_back(std::move(li));
      a += insn.length ? insn.length : 1;
    }
    return out;
  };
  return o;
}

} // namespace gd::emu
