#include "emulator/engine/session.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <map>
#include <queue>
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

// A value's bytes where the ABI put them: registers (ABIInternal), else its slot in the argument
// area that starts at `area`.
std::vector<uint8_t> Session::placedBytes(const Placement& p, const rt::GoType* t,
                                          uint64_t area) const {
  const Machine& m = *machine_;
  std::vector<uint8_t> bytes(t->size);
  if (p.inRegisters) {
    for (const auto& piece : p.pieces) {
      uint8_t reg[16] = {};
      if (piece.isFloat) {
        m.readXmm(piece.reg, reg);
      } else {
        uint64_t w = m.reg(kIntRegs[size_t(piece.reg)]);
        std::memcpy(reg, &w, 8);
      }
      std::memcpy(bytes.data() + piece.offset, reg, std::min<uint32_t>(piece.size, 8));
    }
  } else {
    m.read(area + p.stackOffset, bytes.data(), bytes.size());
  }
  return bytes;
}

std::vector<Value> Session::returnedValues(loader::SymId fn, uint64_t area) const {
  loader::FuncVars fv = loader::functionVars(*obj_, fn, opts_.sourceDirs);
  std::vector<const rt::GoType*> params, results;
  std::vector<const loader::VarInfo*> named;
  for (const auto& v : fv.vars) {
    if (v.role == loader::VarRole::Local) continue;
    const rt::GoType* t = goType(v.type);
    if (!t) return {}; // a type we cannot place: nothing rather than something wrong
    (v.role == loader::VarRole::Param ? params : results).push_back(t);
    if (v.role == loader::VarRole::Result) named.push_back(&v);
  }
  CallLayout l = layoutCall(params, results, rprof_->registerAbi);
  std::vector<Value> out;
  for (size_t k = 0; k < results.size(); k++) {
    Value v = decodeValue(results[k], placedBytes(l.results[k], results[k], area));
    v.name = named[k]->name;
    v.type = named[k]->type;
    out.push_back(std::move(v));
  }
  return out;
}

const rt::GoType* Session::goType(const std::string& type) const {
  if (type.empty()) return nullptr;
  return runtime_->goType(*machine_, type);
}

Value Session::decodeValue(const rt::GoType* t, std::span<const uint8_t> bytes) const {
  ValueReader r(*machine_, *runtime_, rprof_->floats == rt::FloatFormat::Shortest);
  return r.decode(t, bytes);
}

Value Session::readValue(const rt::GoType* t, uint64_t addr) const {
  ValueReader r(*machine_, *runtime_, rprof_->floats == rt::FloatFormat::Shortest);
  return r.read(t, addr);
}

Value Session::readValue(const std::string& type, uint64_t addr) const {
  if (const rt::GoType* t = goType(type)) {
    Value v = readValue(t, addr);
    v.type = type;
    return v;
  }
  uint64_t bits = 0;
  machine_->read(addr, &bits, std::min<uint32_t>(goTypeSize(type) ? goTypeSize(type) : 8, 8));
  return valueFromBits(type, bits);
}

// A call of the function at `address` from the emulator: its return address is the sentinel
// (execution reaching it ends the call), no closure context, and what Go code may assume at
// entry.
void Session::callReturningToUs(uint64_t address) {
  Machine& m = *machine_;
  outside_.clear();
  m.put64(entrySp_, image_->sentinel());
  m.setReg(rt::Reg::RSP, entrySp_);
  m.setReg(rt::Reg::RIP, address);
  m.setReg(rt::Reg::RDX, 0);
  rt::abi::enterGoCode(m, rprof_->registerAbi, runtime_->gAddr());
}

namespace {

// Go's unquoting of a double-quoted string literal (the escapes people type).
std::optional<std::string> unquote(const std::string& q) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < q.size(); i++) {
    char c = q[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i + 1 >= q.size()) return std::nullopt;
    switch (q[i]) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case '0':
      out += '\0';
      break;
    case '\\':
      out += '\\';
      break;
    case '"':
      out += '"';
      break;
    case 'x': {
      if (i + 3 >= q.size() || !std::isxdigit(uint8_t(q[i + 1])) ||
          !std::isxdigit(uint8_t(q[i + 2])))
        return std::nullopt;
      out += char(std::strtol(q.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
      break;
    }
    default:
      return std::nullopt;
    }
  }
  return out;
}

std::optional<int64_t> parseInt(const std::string& w, bool& isUnsignedBig, uint64_t& big) {
  isUnsignedBig = false;
  if (w.empty()) return std::nullopt;
  bool neg = w[0] == '-';
  std::string d = neg || w[0] == '+' ? w.substr(1) : w;
  int base = 10;
  if (d.starts_with("0x") || d.starts_with("0X")) {
    base = 16;
    d = d.substr(2);
  }
  if (d.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long u = std::strtoull(d.c_str(), &end, base);
  if (*end || errno == ERANGE || d[0] == '-' || d[0] == '+') return std::nullopt;
  if (neg) {
    if (u > uint64_t(INT64_MAX) + 1) return std::nullopt;
    return int64_t(0 - u);
  }
  if (u > uint64_t(INT64_MAX)) {
    isUnsignedBig = true;
    big = u;
    return int64_t(u);
  }
  return int64_t(u);
}

// The elements of a slice argument word: "[1 2 3]", "[1,2,3]" or "1,2,3".
std::vector<std::string> sliceWords(std::string w) {
  if (w.size() >= 2 && w.front() == '[' && w.back() == ']') w = w.substr(1, w.size() - 2);
  std::vector<std::string> out;
  std::string cur;
  for (char c : w) {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool isIntKind(uint8_t k) {
  return k >= rt::kind::Int && k <= rt::kind::Uintptr;
}

} // namespace

// An argument's bytes as a value of type t (t->size of them); strings and slices get their
// data in the heap.
Expected<std::vector<uint8_t>> Session::encodeArg(const Arg& a, const rt::GoType* t,
                                                  const std::string& param) {
  namespace k = rt::kind;
  std::vector<uint8_t> out(t->size, 0);
  auto what = [&] { return fmt::format("parameter {} {}", param, t->name); };
  const std::string* word = a.word ? &std::get<std::string>(a.value) : nullptr;
  auto integer = [&](const Arg& x, uint8_t* dst, uint64_t size, uint8_t kind) -> Expected<void> {
    int64_t v = 0;
    bool big = false;
    uint64_t bigv = 0;
    if (x.word) {
      const auto& w = std::get<std::string>(x.value);
      auto p = parseInt(w, big, bigv);
      if (!p) return fail("argument {} for {} is not an integer", w, what());
      v = *p;
    } else if (auto* i = std::get_if<int64_t>(&x.value)) {
      v = *i;
    } else if (auto* u = std::get_if<uint64_t>(&x.value)) {
      v = int64_t(*u);
      big = *u > uint64_t(INT64_MAX);
      bigv = *u;
    } else {
      return fail("{} takes an integer", what());
    }
    bool unsignedKind = kind >= k::Uint && kind <= k::Uintptr;
    if (big) {
      if (!unsignedKind || size < 8)
        return fail("argument {} is out of range for {}", bigv, what());
    } else {
      std::string name = unsignedKind ? (size == 8 ? "uint64" : fmt::format("uint{}", 8 * size))
                                      : (size == 8 ? "int64" : fmt::format("int{}", 8 * size));
      if (std::string range = integerRangeMiss(name, v); !range.empty())
        return fail("argument {} is out of range for {} ({})", v, what(), range);
    }
    std::memcpy(dst, &v, size);
    return {};
  };
  auto heapCopy = [&](const void* data, uint64_t n) -> Expected<uint64_t> {
    auto p = runtime_->alloc(*machine_, n);
    if (!p) return fail("cannot allocate {} bytes for {}", n, what());
    if (n) machine_->write(*p, data, n);
    return *p;
  };
  switch (t->kind) {
  case k::Bool: {
    bool b;
    if (word) {
      if (*word != "true" && *word != "false")
        return fail("argument {} for {} is not true or false", *word, what());
      b = *word == "true";
    } else if (auto* x = std::get_if<bool>(&a.value)) {
      b = *x;
    } else {
      return fail("{} takes a bool", what());
    }
    out[0] = b;
    return out;
  }
  case k::Float32:
  case k::Float64: {
    double d;
    if (word) {
      char* end = nullptr;
      d = std::strtod(word->c_str(), &end);
      if (word->empty() || *end) return fail("argument {} for {} is not a number", *word, what());
    } else if (auto* x = std::get_if<double>(&a.value)) {
      d = *x;
    } else if (auto* i = std::get_if<int64_t>(&a.value)) {
      d = double(*i);
    } else {
      return fail("{} takes a float", what());
    }
    if (t->size == 4) {
      float f = float(d);
      std::memcpy(out.data(), &f, 4);
    } else {
      std::memcpy(out.data(), &d, 8);
    }
    return out;
  }
  case k::String: {
    std::string text;
    if (word) {
      std::optional<std::string> t = word->starts_with("\"") ? unquote(*word) : *word;
      if (!t) return fail("argument {} for {} is not a Go string literal", *word, what());
      text = std::move(*t);
    } else if (auto* x = std::get_if<std::string>(&a.value)) {
      text = *x;
    } else {
      return fail("{} takes a string", what());
    }
    auto p = heapCopy(text.data(), text.size());
    if (!p) return std::unexpected(p.error());
    uint64_t hdr[2] = {text.empty() ? 0 : *p, text.size()};
    std::memcpy(out.data(), hdr, 16);
    return out;
  }
  case k::Pointer:
  case k::UnsafePointer: { // an address (what the library passes as a method's receiver)
    uint64_t addr;
    if (auto* u = std::get_if<uint64_t>(&a.value))
      addr = *u;
    else if (auto* i = std::get_if<int64_t>(&a.value); i && !word)
      addr = uint64_t(*i);
    else
      return fail("{} takes an address", what());
    std::memcpy(out.data(), &addr, 8);
    return out;
  }
  case k::Slice: {
    const rt::GoType* e = t->elem;
    if (!e || !isIntKind(e->kind))
      return fail("{}: only slices of integers (and []byte) can be given", what());
    std::vector<uint8_t> data;
    uint64_t n = 0;
    auto addInt = [&](const Arg& x) -> Expected<void> {
      data.resize(data.size() + e->size);
      n++;
      return integer(x, data.data() + data.size() - e->size, e->size, e->kind);
    };
    if (word) {
      if (e->size == 1 && word->starts_with("\"")) { // []byte("...")
        auto s = unquote(*word);
        if (!s) return fail("argument {} for {} is not a Go string literal", *word, what());
        data.assign(s->begin(), s->end());
        n = s->size();
      } else {
        for (const auto& w : sliceWords(*word))
          if (auto r = addInt(Arg::fromWord(w)); !r) return std::unexpected(r.error());
      }
    } else if (auto* v = std::get_if<std::vector<int64_t>>(&a.value)) {
      for (int64_t x : *v)
        if (auto r = addInt(Arg(x)); !r) return std::unexpected(r.error());
    } else if (auto* b = std::get_if<Arg::Bytes>(&a.value)) {
      if (e->size != 1) return fail("{} takes integers, not bytes", what());
      data = *b;
      n = b->size();
    } else {
      return fail("{} takes a slice of integers", what());
    }
    auto p = heapCopy(data.data(), data.size());
    if (!p) return std::unexpected(p.error());
    uint64_t hdr[3] = {n ? *p : 0, n, n};
    if (n == 0 && !word) hdr[0] = 0;
    std::memcpy(out.data(), hdr, 24);
    return out;
  }
  default:
    if (isIntKind(t->kind)) {
      if (auto r = integer(a, out.data(), t->size, t->kind); !r) return std::unexpected(r.error());
      return out;
    }
    return fail("{}: arguments of this type cannot be given (integers, bool, floats, strings "
                "and slices of integers can)",
                what());
  }
}

Expected<void> Session::start(const std::string& function, const std::vector<Arg>& args) {
  auto fn = obj_->findFunction(function);
  if (!fn) return fail("{}: no function {} in this object", obj_->path, function);
  function_ = *fn;
  startName_ = function;
  startArgs_ = args;
  starts_++;
  nargs_ = args.size();
  const loader::Symbol& sym = obj_->sym(*fn);
  vars_ = loader::functionVars(*obj_, *fn, opts_.sourceDirs);
  runtime_->setMainFunction(obj_->displayName(*fn));
  Machine& m = *machine_;

  StartEvent se;
  se.object = obj_->path;
  se.goVersion = obj_->header.version;
  se.goos = obj_->header.goos;
  se.goarch = obj_->header.goarch;
  se.abi = rprof_->registerAbi ? "ABIInternal" : "ABI0";
  se.function = obj_->displayName(*fn);

  // Parameters and results by the names and types we know, else integers in order.
  std::vector<const loader::VarInfo*> params, results;
  for (const auto& v : vars_.vars) {
    if (v.role == loader::VarRole::Param) params.push_back(&v);
    if (v.role == loader::VarRole::Result) results.push_back(&v);
  }
  // The parameter list is known when the object's DWARF or the source gave the variables.
  bool signatureKnown = vars_.source != loader::VarSource::None;
  if ((signatureKnown || !params.empty()) && params.size() != args.size())
    return fail("{} takes {} argument(s), {} given", se.function, params.size(), args.size());
  // A closure that captures variables by reference reads them through its context (DX), which
  // only the function that makes it can give.
  if (size_t f = se.function.rfind(".func"); f != std::string::npos)
    for (const auto& v : vars_.vars)
      if (v.name.starts_with("&"))
        return fail("{} is a closure that captures {}: called directly it has no closure "
                    "context; call {}, which makes it",
                    se.function, v.name.substr(1), se.function.substr(0, f));
  static const rt::GoType kWord{"", 0, 8, 8}; // a result of a type we cannot read: its word
  static const rt::GoType kInt{"int", rt::kind::Int, 8, 8};
  std::vector<const rt::GoType*> ptypes, rtypes;
  for (size_t k = 0; k < args.size(); k++) {
    const rt::GoType* t = k < params.size() ? goType(params[k]->type) : &kInt;
    if (!t)
      return fail("{}: parameter {} has type {}, which the object does not describe", se.function,
                  params[k]->name, params[k]->type);
    ptypes.push_back(t);
  }
  for (const auto* r : results) {
    const rt::GoType* t = goType(r->type);
    rtypes.push_back(t ? t : &kWord);
  }
  resultTypes_ = rtypes;
  layout_ = layoutCall(ptypes, rtypes, rprof_->registerAbi);
  uint64_t argBytes = sym.func ? sym.func->args : 0;
  argBytes = std::max<uint64_t>({argBytes, layout_->areaSize, 8 * (args.size() + 4)});
  entrySp_ = runtime_->entrySp(argBytes);
  callReturningToUs(image_->address(*fn));
  entryArgs_ = {};

  for (size_t k = 0; k < args.size(); k++) {
    std::string pname = k < params.size() ? params[k]->name : fmt::format("arg{}", k);
    auto bytes = encodeArg(args[k], ptypes[k], pname);
    if (!bytes) return std::unexpected(bytes.error().context(se.function));
    const Placement& p = layout_->params[k];
    if (p.inRegisters) {
      for (const auto& piece : p.pieces) {
        uint64_t bits = 0;
        std::memcpy(&bits, bytes->data() + piece.offset, piece.size);
        if (piece.isFloat)
          m.setXmmLow(piece.reg, bits);
        else
          m.setReg(kIntRegs[size_t(piece.reg)], bits);
      }
    } else {
      m.write(entrySp_ + 8 + p.stackOffset, bytes->data(), bytes->size());
    }
    if (p.inRegisters) {
      for (const auto& piece : p.pieces) {
        uint64_t bits = 0;
        std::memcpy(&bits, bytes->data() + piece.offset, piece.size);
        entryArgs_.regs.push_back({piece.isFloat, int(piece.reg), bits});
      }
    }
    Value v = decodeValue(ptypes[k], *bytes);
    v.name = pname;
    if (k < params.size()) v.type = params[k]->type;
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
    const rt::GoType* shape = goType(v.type);
    auto facts = rt::builtinTypeFacts(v.type);
    uint8_t kind = facts ? facts->kind & rt::kind::Mask : 0;
    // Integers, bools and floats format from their own bytes; anything else is read whole.
    bool scalar = facts && kind >= rt::kind::Bool && kind <= rt::kind::Float64;
    WatchedVar w{v,
                 entrySp_ + 8 + uint64_t(loc->offset),
                 uint32_t(shape ? shape->size : goTypeSize(v.type)),
                 se.function,
                 !scalar,
                 facts,
                 scalar ? nullptr : shape};
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
  // The packages' initialisation runs first, as runtime.main does (doInit of the main
  // package's inittask: the imported packages', then its own), then main.main or the function:
  // Go code never runs before its package's package-level variables are set.
  initQueue_ = initFunctions();
  pendingMain_ = false;
  entryArgs_.stack.resize(argBytes);
  m.read(entrySp_ + 8, entryArgs_.stack.data(), argBytes);
  if (!initQueue_.empty()) {
    callNextInit();
    pendingMain_ = true;
  }
  return {};
}

std::vector<loader::SymId> Session::initFunctions() const {
  // Each package's inittask (`""..inittask` in Go 1.15, `PKG..inittask` later) lists its init
  // functions (address relocations to code) and the packages it imports (address relocations
  // to their inittasks up to Go 1.20, R_INITORDER from 1.21); the release's rule orders them.
  // The runtime's own task is undefined here (the model stands for it) and has no functions.
  std::string mainPkg = obj_->units.empty() ? "main" : obj_->units[0].pkgPath;
  std::optional<loader::SymId> root;
  for (const std::string& name : {std::string("\"\"..inittask"), mainPkg + "..inittask"})
    if (!root) root = obj_->find(name);
  if (!root) return {};
  const bool linkerOrder = rprof_->initOrder == rt::InitOrder::LexicalTopo;
  auto relocsOf = [&](loader::SymId t) {
    std::vector<loader::Reloc> rs = obj_->sym(t).relocs;
    std::stable_sort(rs.begin(), rs.end(),
                     [](const auto& a, const auto& b) { return a.off < b.off; });
    return rs;
  };
  auto isTask = [&](loader::SymId id) { return obj_->sym(id).name.ends_with("..inittask"); };
  auto deps = [&](loader::SymId t) {
    std::vector<loader::SymId> d;
    if (!obj_->sym(t).defined()) return d;
    for (const auto& r : relocsOf(t))
      if (r.sym != loader::kNoSym && isTask(r.sym) && r.sym != t &&
          (linkerOrder ? r.kind == loader::RelocKind::InitOrder
                       : r.kind == loader::RelocKind::Addr))
        d.push_back(r.sym);
    return d;
  };
  auto fnsOf = [&](loader::SymId t) {
    std::vector<loader::SymId> f;
    if (!obj_->sym(t).defined()) return f;
    for (const auto& r : relocsOf(t))
      if (r.kind == loader::RelocKind::Addr && r.sym != loader::kNoSym &&
          obj_->sym(r.sym).defined() && obj_->sym(r.sym).isText())
        f.push_back(r.sym);
    return f;
  };
  std::vector<loader::SymId> order; // tasks
  if (!linkerOrder) {
    std::set<loader::SymId> done;
    std::function<void(loader::SymId)> doInit = [&](loader::SymId t) {
      if (!done.insert(t).second) return;
      for (loader::SymId d : deps(t))
        doInit(d);
      order.push_back(t);
    };
    doInit(*root);
  } else {
    std::map<loader::SymId, std::vector<loader::SymId>> depsOf, users;
    std::vector<loader::SymId> todo{*root};
    while (!todo.empty()) {
      loader::SymId t = todo.back();
      todo.pop_back();
      if (depsOf.contains(t)) continue;
      depsOf[t] = deps(t);
      for (loader::SymId d : depsOf[t]) {
        users[d].push_back(t);
        todo.push_back(d);
      }
    }
    std::map<loader::SymId, size_t> inDegree;
    auto byName = [&](loader::SymId a, loader::SymId b) {
      return obj_->sym(a).name > obj_->sym(b).name;
    };
    std::priority_queue<loader::SymId, std::vector<loader::SymId>, decltype(byName)> ready(byName);
    for (auto& [t, d] : depsOf) {
      inDegree[t] = d.size();
      if (d.empty()) ready.push(t);
    }
    while (!ready.empty()) {
      loader::SymId t = ready.top();
      ready.pop();
      order.push_back(t);
      for (loader::SymId u : users[t])
        if (--inDegree[u] == 0) ready.push(u);
    }
  }
  std::vector<loader::SymId> fns;
  for (loader::SymId t : order)
    for (loader::SymId f : fnsOf(t))
      fns.push_back(f);
  return fns;
}

// Calls the next init function instead of main.main; it returns to the sentinel like main.main
// will, and finishCall moves on.
void Session::callNextInit() {
  loader::SymId fn = initQueue_.front();
  initQueue_.erase(initQueue_.begin());
  callReturningToUs(image_->address(fn));
  // Another package's init runs untraced like any call into it; this event stands for it.
  if (!opts_.traceAll && !obj_->userSymbol(fn))
    outside_.push_back({fn, entrySp_, image_->sentinel()});
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
  // programExit: the program itself ended with this status (os.Exit(3) is no tool error).
  auto die = [&](int status, const std::string& msg, bool programExit = false) {
    finished_ = true;
    emit(ExitEvent{status, msg, machine_->instructionsExecuted()});
    return StopReason{status == 3 && !programExit ? StopKind::Error : StopKind::Exited, status, msg,
                      h.pc};
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
      return die(r.exitStatus, r.message, true);
    case rt::StubStatus::Unsupported:
    case rt::StubStatus::Fault:
      return die(3, r.message);
    }
    return die(3, "unknown runtime outcome");
  }
  case HaltKind::Syscall: { // imp-sys: Go code's SYSCALL (runtime_stubs/syscalls.cpp)
    rt::StubResult r = runtime_->syscall(*machine_, h.addr);
    if (r.status == rt::StubStatus::Continue) return {StopKind::Stepped};
    return die(r.status == rt::StubStatus::Exit ? r.exitStatus : 3, r.message,
               r.status == rt::StubStatus::Exit);
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
    // Initialisation done: now main.main, or the function with the arguments start() placed.
    pendingMain_ = false;
    callReturningToUs(image_->address(function_));
    for (const auto& r : entryArgs_.regs) {
      if (r.isFloat)
        m.setXmmLow(r.reg, r.bits);
      else
        m.setReg(kIntRegs[size_t(r.reg)], r.bits);
    }
    m.write(entrySp_ + 8, entryArgs_.stack.data(), entryArgs_.stack.size());
    return {StopKind::Stepped};
  }
  results_.clear();
  std::string namesFrom = "DWARF";
  std::vector<const loader::VarInfo*> res;
  for (const auto& v : vars_.vars)
    if (v.role == loader::VarRole::Result) res.push_back(&v);
  for (size_t k = 0; k < res.size() && layout_ && k < layout_->results.size(); k++) {
    const rt::GoType* t = resultTypes_[k];
    Value val = decodeValue(t, placedBytes(layout_->results[k], t, entrySp_ + 8));
    val.name = res[k]->name;
    val.type = res[k]->type;
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
    std::optional<uint64_t> bits, fingerprint;
    if (!w.isString) { // a scalar: its text depends on its own bytes only
      uint64_t b = 0;
      machine_->read(w.addr, &b, std::min<uint32_t>(w.size, 8));
      if (watchedBits_[k] == b) continue;
      bits = b;
    } else if (w.shape && w.shape->kind != rt::kind::String) {
      // A composite variable changes when its own bytes do (a slice's header, a struct's
      // fields), not when memory it points to does: FNV-1a of its bytes (the first 4 KiB).
      uint8_t buf[4096];
      uint32_t n = std::min<uint32_t>(w.size, sizeof buf);
      machine_->read(w.addr, buf, n);
      uint64_t h = 0xcbf29ce484222325ull;
      for (uint32_t i = 0; i < n; i++)
        h = (h ^ buf[i]) * 0x100000001b3ull;
      if (watchedBits_[k] == h) continue;
      fingerprint = h;
    }
    Value now =
        bits ? formatValue(w.info.type, w.facts, *bits, rprof_->floats == rt::FloatFormat::Shortest)
             : readValue(w.info.type, w.addr);
    watchedBits_[k] = bits ? bits : fingerprint;
    if (now.text == watchedValues_[k].text && now.plus == watchedValues_[k].plus) continue;
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

bool Session::userPc(uint64_t pc) {
  if (pc >= userRange_.lo && pc < userRange_.hi) return userRange_.user;
  auto id = image_->symbolAt(pc);
  if (!id) return true;
  userRange_.lo = image_->address(*id);
  userRange_.hi = userRange_.lo + std::max<uint64_t>(1, obj_->sym(*id).memSize());
  userRange_.user = obj_->userSymbol(*id);
  return userRange_.user;
}

// By default only the user's packages are traced: entering another package's function from
// the user's code is one CallEvent, its return one ReturnEvent with the results; what it runs
// in between (and the runtime events of that code) is not reported. A user function the other
// package calls back (sort.Slice's less, a deferred closure) is traced again.
bool Session::traceBoundary(uint64_t pc) {
  uint64_t sp = machine_->reg(rt::Reg::RSP);
  if (!userPc(pc)) {
    auto id = image_->symbolAt(pc);
    if (id && image_->address(*id) == pc) { // a call into the package (not a return into it)
      if (pending_.active) flushInstruction(traceEveryRegister_);
      bool outermost = outside_.empty();
      uint64_t ret = 0;
      machine_->read(sp, &ret, 8);
      outside_.push_back({*id, sp, ret});
      if (outermost) {
        rt::RuntimeEvent e{rt::RuntimeEventKind::Call, obj_->displayName(*id)};
        e.pc = ret - 5;
        e.fnName = obj_->displayName(*id);
        e.detail = "call (another package: not traced; --trace-all goes inside)";
        e.chainLength = runtime_->deferDepth();
        emit(e);
      }
    } else if (pending_.active) {
      flushInstruction(traceEveryRegister_);
    }
    return false;
  }
  // Back in the user's code: frames of other packages that have returned (or were unwound by a
  // panic) are gone.
  while (!outside_.empty() && sp > outside_.back().sp) {
    OutsideCall oc = outside_.back();
    outside_.pop_back();
    if (outside_.empty() && pc == oc.ret && sp == oc.sp + 8) {
      rt::RuntimeEvent e{rt::RuntimeEventKind::Call, obj_->displayName(oc.fn)};
      e.pc = oc.ret - 5;
      e.fnName = e.stub;
      std::vector<std::string> parts;
      for (const Value& v : returnedValues(oc.fn, oc.sp + 8))
        parts.push_back(v.name.empty() || v.name.starts_with("~") ? v.text : v.name + "=" + v.text);
      e.detail = parts.empty() ? "returned" : fmt::format("returned {}", fmt::join(parts, ", "));
      e.chainLength = runtime_->deferDepth();
      emit(e);
      checkVars(nullptr, pc);
    }
  }
  return true;
}

void Session::beforeInstruction(uint64_t pc) {
  if (!opts_.traceAll && !obj_->units.empty() && !traceBoundary(pc)) return;
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
  // What the runtime does for another package's untraced code is part of that one call.
  if (!outside_.empty() && !opts_.traceAll && e.kind != rt::RuntimeEventKind::PanicStarted) return;
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

std::string expectMismatch(const std::vector<Value>& results,
                           const std::vector<std::string>& wants) {
  std::string line = formatResultsLine(results), diff;
  for (const auto& want : wants) {
    // NAME=VALUE for a named result.
    if (size_t eq = want.find('='); eq != std::string::npos && eq > 0) {
      std::string name = want.substr(0, eq), value = want.substr(eq + 1);
      auto r = std::find_if(results.begin(), results.end(),
                            [&](const Value& v) { return v.name == name; });
      if (r != results.end()) {
        if (value != r->text && value != r->display())
          diff += fmt::format("- {}={}\n+ {}={}\n", name, value, name,
                              r->display() == r->text
                                  ? r->text
                                  : fmt::format("{} (%+v: {})", r->text, r->display()));
        continue;
      }
    }
    if (want == line) continue;
    // The values separated by commas (when none of them holds a comma).
    std::vector<std::string> parts;
    for (size_t pos = 0;;) {
      size_t c = want.find(',', pos);
      parts.push_back(want.substr(pos, c == std::string::npos ? c : c - pos));
      if (c == std::string::npos) break;
      pos = c + 1;
    }
    if (parts.size() == results.size() && parts.size() > 1) {
      bool same = true;
      for (size_t k = 0; k < parts.size(); k++)
        same = same && parts[k] == results[k].text;
      if (same) continue;
    }
    diff += fmt::format("- want: {}\n+ got:  {}\n", want, line);
  }
  return diff;
}

} // namespace gd::emu
