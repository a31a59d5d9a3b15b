#include "emulator/debugger/inspect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "emulator/engine/values.h"

namespace gd::emu {
namespace {

// DWARF register numbers of amd64 (as Go emits them) -> our registers.
std::optional<rt::Reg> dwarfReg(int n) {
  static const rt::Reg map[] = {rt::Reg::RAX, rt::Reg::RDX, rt::Reg::RCX, rt::Reg::RBX,
                                rt::Reg::RSI, rt::Reg::RDI, rt::Reg::RBP, rt::Reg::RSP,
                                rt::Reg::R8,  rt::Reg::R9,  rt::Reg::R10, rt::Reg::R11,
                                rt::Reg::R12, rt::Reg::R13, rt::Reg::R14, rt::Reg::R15};
  if (n >= 0 && n < 16) return map[n];
  return std::nullopt;
}

std::string quoted(const Value& v) {
  return v.type == "string" ? fmt::format("{:?}", v.text) : v.text;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::optional<RegisterRef> parseRegister(std::string_view name) {
  bool dollar = name.starts_with("$");
  if (dollar) name.remove_prefix(1);
  std::string n = lower(name);
  static const std::pair<const char*, rt::Reg> gdbNames[] = {
      {"rax", rt::Reg::RAX},        {"rbx", rt::Reg::RBX},       {"rcx", rt::Reg::RCX},
      {"rdx", rt::Reg::RDX},        {"rsi", rt::Reg::RSI},       {"rdi", rt::Reg::RDI},
      {"rbp", rt::Reg::RBP},        {"rsp", rt::Reg::RSP},       {"rip", rt::Reg::RIP},
      {"pc", rt::Reg::RIP},         {"sp", rt::Reg::RSP},        {"fp", rt::Reg::RBP},
      {"fs_base", rt::Reg::FsBase}, {"gs_base", rt::Reg::GsBase}};
  // Go's assembler names, upper case without a dollar (AX, R8, PC) or in any case with one.
  static const std::pair<const char*, rt::Reg> goNames[] = {
      {"ax", rt::Reg::RAX}, {"bx", rt::Reg::RBX}, {"cx", rt::Reg::RCX},
      {"dx", rt::Reg::RDX}, {"si", rt::Reg::RSI}, {"di", rt::Reg::RDI},
      {"bp", rt::Reg::RBP}, {"sp", rt::Reg::RSP}, {"pc", rt::Reg::RIP}};
  if (dollar) {
    for (auto [s, r] : gdbNames)
      if (n == s) return RegisterRef{RegisterRef::Kind::General, r};
    if (n == "eflags" || n == "flags") return RegisterRef{RegisterRef::Kind::Eflags};
  }
  bool upper = std::all_of(name.begin(), name.end(),
                           [](char c) { return !std::islower(static_cast<unsigned char>(c)); });
  if (!dollar && !upper) return std::nullopt;
  for (auto [s, r] : goNames)
    if (n == s) return RegisterRef{RegisterRef::Kind::General, r};
  auto num = [](std::string_view digits) {
    int v = -1;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return ec == std::errc() && p == digits.data() + digits.size() ? v : -1;
  };
  int k = -1;
  if (n.size() > 1 && n[0] == 'r' && (k = num(std::string_view(n).substr(1))) >= 8 && k <= 15)
    return RegisterRef{RegisterRef::Kind::General, rt::Reg(size_t(rt::Reg::R8) + size_t(k - 8))};
  if (n.starts_with("xmm") && (k = num(std::string_view(n).substr(3))) >= 0 && k < 16)
    return RegisterRef{RegisterRef::Kind::Xmm, rt::Reg::RAX, k};
  if (n.size() > 1 && n[0] == 'x' && (k = num(std::string_view(n).substr(1))) >= 0 && k < 16)
    return RegisterRef{RegisterRef::Kind::Xmm, rt::Reg::RAX, k};
  return std::nullopt;
}

const loader::FuncVars& Inspector::vars(loader::SymId fn) {
  auto it = vars_.find(fn);
  if (it == vars_.end())
    it = vars_
             .emplace(fn, loader::functionVars(d_.session().object(), fn,
                                               d_.session().options().sourceDirs))
             .first;
  return it->second;
}

uint64_t Inspector::registerValue(rt::Reg r, const Frame& f) {
  if (r == rt::Reg::RIP) return f.pc;
  if (r == rt::Reg::RSP) return f.sp;
  return d_.session().machine().reg(r);
}

namespace {

// Where a variable is at the frame's pc and its value: memory (CFA-relative), a register (only
// known in the innermost frame), or pieces of both.
struct Located {
  std::optional<uint64_t> addr;
  std::optional<uint64_t> bits;
  std::optional<std::string> text;
  std::string note;
};

} // namespace

static Located locate(Session& s, const loader::VarInfo& v, const Frame& f) {
  Located out;
  if (!f.fn) return out;
  uint64_t entry = s.image().address(*f.fn);
  uint32_t off = uint32_t(f.lookupPc - entry);
  const loader::VarLocation* loc = nullptr;
  for (const auto& l : v.locations)
    if (off >= l.lo && off < l.hi) {
      loc = &l;
      break;
    }
  if (!loc) {
    out.note = v.locations.empty() ? "no location known" : "not available at this pc";
    return out;
  }
  Machine& m = s.machine();
  auto regBits = [&](int dw, std::string& note) -> std::optional<uint64_t> {
    if (f.index != 0) {
      note = "in a register of an inner call: not saved";
      return std::nullopt;
    }
    if (auto r = dwarfReg(dw)) {
      note = fmt::format("in {}", rt::regName(*r));
      return m.reg(*r);
    }
    if (dw >= 17 && dw <= 32) {
      uint8_t b[16];
      m.readXmm(dw - 17, b);
      uint64_t bits;
      std::memcpy(&bits, b, 8);
      note = fmt::format("in X{}", dw - 17);
      return bits;
    }
    note = fmt::format("in DWARF register {}", dw);
    return std::nullopt;
  };
  if (loc->pieces.empty()) {
    if (loc->kind == loader::VarLocation::Kind::CfaOffset) {
      out.addr = f.cfa + uint64_t(loc->offset);
      uint64_t bits = 0;
      uint32_t size = std::min<uint32_t>(goTypeSize(v.type) ? goTypeSize(v.type) : 8, 8);
      if (m.read(*out.addr, &bits, size)) out.bits = bits;
    } else {
      out.bits = regBits(loc->reg, out.note);
    }
    return out;
  }
  // Pieces: gather the bytes; strings are (pointer, length).
  std::vector<uint8_t> bytes;
  std::vector<std::string> notes;
  for (const auto& p : loc->pieces) {
    uint64_t w = 0;
    bool ok = p.known;
    std::string note;
    if (ok && p.kind == loader::VarLocation::Kind::CfaOffset)
      ok = m.read(f.cfa + uint64_t(p.offset), &w, std::min<uint32_t>(p.size, 8));
    else if (ok) {
      auto b = regBits(p.reg, note);
      ok = b.has_value();
      w = b.value_or(0);
    }
    if (!ok) {
      out.note = note.empty() ? "partly optimised away" : note;
      return out;
    }
    for (uint32_t k = 0; k < p.size; k++)
      bytes.push_back(k < 8 ? uint8_t(w >> (8 * k)) : 0);
  }
  if (v.type == "string" && bytes.size() >= 16) {
    uint64_t ptr, len;
    std::memcpy(&ptr, bytes.data(), 8);
    std::memcpy(&len, bytes.data() + 8, 8);
    out.text = fmt::format("{:?}", formatString(ptr, len, [&m](uint64_t a, void* d, size_t n) {
                                     return m.read(a, d, n);
                                   }).text);
  } else if (bytes.size() <= 8) {
    uint64_t bits = 0;
    std::memcpy(&bits, bytes.data(), bytes.size());
    out.bits = bits;
  } else {
    std::vector<std::string> words;
    for (size_t k = 0; k < bytes.size(); k += 8) {
      uint64_t w = 0;
      std::memcpy(&w, bytes.data() + k, std::min<size_t>(8, bytes.size() - k));
      words.push_back(fmt::format("{:#x}", w));
    }
    out.text = fmt::format("{{{}}}", fmt::join(words, ", "));
  }
  return out;
}

const rt::GoType* Inspector::shapeOf(const Eval& e) {
  if (e.shape) return e.shape;
  if (e.type.empty()) return nullptr;
  return d_.session().goType(e.type);
}

std::string Inspector::format(const Eval& e) {
  if (e.text) return *e.text;
  Session& s = d_.session();
  if (!e.type.empty()) {
    if (const rt::GoType* t = shapeOf(e)) {
      Value v;
      if (e.addr) {
        v = s.readValue(t, *e.addr);
      } else if (t->size <= 8) {
        uint8_t b[8];
        std::memcpy(b, &e.bits, 8);
        v = s.decodeValue(t, std::span<const uint8_t>(b, t->size));
      } else {
        return fmt::format("{:#x}", e.bits);
      }
      return v.kind == ValueKind::String ? fmt::format("{:?}", v.text) : v.display();
    }
    if (e.addr) return quoted(s.readValue(e.type, *e.addr));
    return quoted(s.valueFromBits(e.type, e.bits));
  }
  return e.hex ? fmt::format("{:#x}", e.bits) : fmt::format("{}", int64_t(e.bits));
}

Expected<Inspector::Eval> Inspector::load(const rt::GoType* t, uint64_t addr) {
  Eval out;
  out.type = t->name;
  out.shape = t;
  out.addr = addr;
  uint64_t bits = 0;
  if (!d_.session().machine().read(addr, &bits, std::min<uint64_t>(t->size, 8)))
    return fail("cannot read memory at {:#x}", addr);
  out.bits = bits;
  return out;
}

Expected<Inspector::Eval> Inspector::field(const Eval& in, const std::string& name) {
  const rt::GoType* t = shapeOf(in);
  Eval e = in;
  if (t && t->kind == rt::kind::Pointer && t->elem) { // p.x is (*p).x
    if (!e.bits) return fail("nil pointer: {} has no field {}", t->name, name);
    auto d = load(t->elem, e.bits);
    if (!d) return d;
    e = *d;
    t = t->elem;
  }
  if (!t || t->kind != rt::kind::Struct)
    return fail("{} is not a struct: no field {}",
                t ? t->name : (e.type.empty() ? "value" : e.type), name);
  for (const auto& f : t->fields) {
    if (f.name != name || !f.type) continue;
    if (!e.addr) return fail("the {} value is not in memory here: no field access", t->name);
    return load(f.type, *e.addr + f.offset);
  }
  std::vector<std::string> names;
  for (const auto& f : t->fields)
    names.push_back(f.name);
  return fail("{} has no field {} (fields: {})", t->name, name, fmt::join(names, ", "));
}

Expected<Inspector::Eval> Inspector::index(const Eval& in, const Eval& i,
                                           const std::optional<std::string>& key) {
  const rt::GoType* t = shapeOf(in);
  Eval e = in;
  Machine& m = d_.session().machine();
  if (t && t->kind == rt::kind::Pointer && t->elem && t->elem->kind == rt::kind::Array) {
    auto d = load(t->elem, e.bits);
    if (!d) return d;
    e = *d;
    t = t->elem;
  }
  if (!t) return fail("cannot index a value of unknown type");
  auto inRange = [&](uint64_t n) -> Expected<void> {
    if (i.bits >= n) return fail("index {} out of range [0:{}]", int64_t(i.bits), n);
    return {};
  };
  switch (t->kind) {
  case rt::kind::Array:
    if (!e.addr) return fail("the array is not in memory here");
    if (auto r = inRange(t->len); !r) return std::unexpected(r.error());
    return load(t->elem, *e.addr + i.bits * t->elem->size);
  case rt::kind::Slice:
  case rt::kind::String: {
    if (!e.addr) return fail("the {} is not in memory here", t->name);
    uint64_t data = m.u64(*e.addr).value_or(0), len = m.u64(*e.addr + 8).value_or(0);
    if (auto r = inRange(len); !r) return std::unexpected(r.error());
    if (t->kind == rt::kind::String) {
      const rt::GoType* byte = d_.session().goType("uint8");
      if (!byte) return fail("no uint8 type");
      return load(byte, data + i.bits);
    }
    return load(t->elem, data + i.bits * t->elem->size);
  }
  case rt::kind::Map: {
    if (!t->key || !t->elem) return fail("{}: key or element type unknown", t->name);
    Session& s = d_.session();
    for (auto [ka, ea] : s.runtime().mapEntries(m, e.bits)) {
      Value k = s.readValue(t->key, ka);
      bool hit = key ? (k.kind == ValueKind::String && k.text == *key)
                     : (k.isInt || k.isBool) && uint64_t(k.intValue) == i.bits;
      if (hit) return load(t->elem, ea);
    }
    return fail("no key {} in the map",
                key ? fmt::format("{:?}", *key) : fmt::format("{}", int64_t(i.bits)));
  }
  default:
    return fail("cannot index a value of type {}", t->name);
  }
}

Expected<Inspector::Eval> Inspector::lengthOf(const Eval& e, bool cap) {
  const rt::GoType* t = shapeOf(e);
  if (!t) return fail("len and cap need a typed value");
  Machine& m = d_.session().machine();
  Eval out;
  out.type = "int";
  switch (t->kind) {
  case rt::kind::Array:
    out.bits = t->len;
    return out;
  case rt::kind::Slice:
  case rt::kind::String:
    if (!e.addr) return fail("the {} is not in memory here", t->name);
    if (cap && t->kind == rt::kind::String) return fail("invalid argument: cap of a string");
    out.bits = m.u64(*e.addr + (cap ? 16 : 8)).value_or(0);
    return out;
  case rt::kind::Map:
    if (cap) return fail("invalid argument: cap of a map");
    out.bits = e.bits ? m.u64(e.bits).value_or(0) : 0;
    return out;
  default:
    return fail("invalid argument: {} of a {}", cap ? "cap" : "len", t->name);
  }
}

std::optional<FrameVar> Inspector::findVar(const std::string& name, const Frame& f) {
  if (!f.fn) return std::nullopt;
  for (const auto& v : vars(*f.fn).vars) {
    if (v.name != name) continue;
    FrameVar fv;
    fv.info = v;
    Located l = locate(d_.session(), v, f);
    fv.addr = l.addr;
    fv.note = l.note;
    if (l.text)
      fv.value = Value{v.name, v.type, *l.text};
    else if (l.bits) {
      Eval e{v.type, *l.bits, l.addr};
      fv.value = Value{v.name, v.type, format(e)};
    }
    return fv;
  }
  return std::nullopt;
}

std::vector<FrameVar> Inspector::frameVars(const Frame& f) {
  std::vector<FrameVar> out;
  if (!f.fn) return out;
  for (const auto& v : vars(*f.fn).vars) {
    auto fv = findVar(v.name, f);
    if (!fv) continue;
    out.push_back(*fv);
    // A variable a closure captured by reference (&i): the variable itself, by its name.
    if (v.name.starts_with("&") && v.type.starts_with("*") && fv->value) {
      FrameVar c;
      c.info = v;
      c.info.name = v.name.substr(1);
      c.info.type = v.type.substr(1);
      if (auto e = evaluate(c.info.name, f)) {
        c.addr = e->addr;
        c.value = Value{c.info.name, c.info.type, format(*e)};
      } else {
        c.note = e.error().message;
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<std::string> Inspector::names(const Frame& f) {
  std::vector<std::string> out;
  if (!f.fn) return out;
  for (const auto& v : vars(*f.fn).vars)
    out.push_back(v.name);
  return out;
}

// ---- expressions ----

namespace {

class Parser {
public:
  Parser(std::string_view s) : s_(s) {}
  std::string_view s_;
  size_t pos_ = 0;
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
      pos_++;
  }
  bool eat(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      pos_++;
      return true;
    }
    return false;
  }
  bool done() {
    skip();
    return pos_ >= s_.size();
  }
  std::string ident() {
    skip();
    size_t b = pos_;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (std::isalnum(c) || c == '_' || c == '.' || c == '$' || c == '~' || c == '"' || c >= 0x80)
        pos_++;
      else
        break;
    }
    return std::string(s_.substr(b, pos_ - b));
  }
};

} // namespace

Expected<Inspector::Eval> Inspector::evaluate(const std::string& expr, const Frame& f) {
  Parser p(expr);
  Session& s = d_.session();
  std::function<Expected<Eval>()> sum, unary, primary, product, compare;
  auto deref = [&](const Eval& e) -> Expected<Eval> {
    if (const rt::GoType* t = shapeOf(e); t && t->kind == rt::kind::Pointer && t->elem) {
      if (!e.bits) return fail("nil pointer dereference: {} is nil", e.type);
      return load(t->elem, e.bits);
    }
    Eval out;
    out.addr = e.bits;
    if (e.type.starts_with("*"))
      out.type = e.type.substr(1);
    else
      out.hex = true;
    uint64_t bits = 0;
    uint32_t size = out.type.empty()
                        ? 8
                        : std::min<uint32_t>(goTypeSize(out.type) ? goTypeSize(out.type) : 8, 8);
    if (!s.machine().read(e.bits, &bits, size)) return fail("cannot read memory at {:#x}", e.bits);
    out.bits = bits;
    return out;
  };
  auto fromVar = [&](const FrameVar& v) -> Expected<Eval> {
    Located l = locate(s, v.info, f);
    if (l.text) return Eval{v.info.type, 0, std::nullopt, l.text};
    if (!l.bits)
      return fail("{} is not available here ({})", v.info.name,
                  l.note.empty() ? "optimised away" : l.note);
    return Eval{v.info.type, *l.bits, l.addr};
  };
  primary = [&]() -> Expected<Eval> {
    if (p.eat('(')) {
      auto e = compare();
      if (!e) return e;
      if (!p.eat(')')) return fail("missing ) in {}", expr);
      return e;
    }
    p.skip();
    if (p.pos_ < p.s_.size() && std::isdigit(static_cast<unsigned char>(p.s_[p.pos_]))) {
      std::string tok = p.ident();
      int base = 10;
      std::string_view digits = tok;
      if (tok.starts_with("0x") || tok.starts_with("0X")) {
        digits.remove_prefix(2);
        base = 16;
      }
      uint64_t v = 0;
      auto [q, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
      if (ec != std::errc() || q != digits.data() + digits.size())
        return fail("{} is not a number", tok);
      return Eval{"", v, std::nullopt, std::nullopt, base == 16};
    }
    std::string name = p.ident();
    if (name.empty()) return fail("cannot read the expression {}", expr);
    if ((name == "len" || name == "cap") && p.eat('(')) {
      auto arg = sum();
      if (!arg) return arg;
      if (!p.eat(')')) return fail("missing ) in {}", expr);
      return lengthOf(*arg, name == "cap");
    }
    // x.f.g: a variable and fields (a name of its own first: main.c, a closure's captures)
    if (size_t dot = name.find('.'); dot != std::string::npos && dot > 0 && !findVar(name, f) &&
                                     findVar(name.substr(0, dot), f)) {
      auto base = fromVar(*findVar(name.substr(0, dot), f));
      std::string rest = name.substr(dot + 1);
      while (base && !rest.empty()) {
        size_t next = rest.find('.');
        base = field(*base, rest.substr(0, next));
        rest = next == std::string::npos ? "" : rest.substr(next + 1);
      }
      return base;
    }
    if (name.starts_with("$")) {
      auto r = parseRegister(name);
      if (!r) return fail("no register {}", name);
    }
    if (!name.starts_with("$")) {
      if (auto v = findVar(name, f)) return fromVar(*v);
      if (auto v = findVar("&" + name, f)) { // captured by reference (closures)
        auto ptr = fromVar(*v);
        if (!ptr) return ptr;
        if (!ptr->bits)
          return fail("{} is not reachable yet: &{} is nil at this pc (the closure loads it "
                      "from its context in the prologue)",
                      name, name);
        return deref(*ptr);
      }
    }
    if (auto r = parseRegister(name)) {
      Machine& m = s.machine();
      if (r->kind == RegisterRef::Kind::Eflags) return Eval{"", m.eflags(), {}, {}, true};
      if (r->kind == RegisterRef::Kind::Xmm) {
        uint8_t b[16];
        m.readXmm(r->xmm, b);
        uint64_t lo, hi;
        std::memcpy(&lo, b, 8);
        std::memcpy(&hi, b + 8, 8);
        return Eval{"", lo, {}, fmt::format("{{{:#x}, {:#x}}}", lo, hi), true};
      }
      return Eval{"", registerValue(r->reg, f), {}, {}, true};
    }
    if (auto id = s.object().findFunction(name); id && s.image().address(*id))
      return Eval{"", s.image().address(*id), {}, {}, true};
    if (f.fn) return fail("no variable {} in {}", name, f.name);
    return fail("no variable {} here", name);
  };
  // primary, then [index] and .field as often as they come
  auto postfix = [&]() -> Expected<Eval> {
    auto e = primary();
    while (e) {
      if (p.eat('[')) {
        p.skip();
        std::optional<std::string> key;
        Eval i;
        if (p.pos_ < p.s_.size() && p.s_[p.pos_] == '"') {
          size_t end = p.s_.find('"', p.pos_ + 1);
          if (end == std::string_view::npos) return fail("missing \" in {}", expr);
          key = std::string(p.s_.substr(p.pos_ + 1, end - p.pos_ - 1));
          p.pos_ = end + 1;
        } else {
          auto ie = sum();
          if (!ie) return ie;
          i = *ie;
        }
        if (!p.eat(']')) return fail("missing ] in {}", expr);
        e = index(*e, i, key);
      } else if (p.eat('.')) {
        std::string names = p.ident();
        for (size_t pos = 0; e && pos <= names.size();) {
          size_t next = names.find('.', pos);
          std::string one =
              names.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
          if (one.empty()) return fail("missing field name in {}", expr);
          e = field(*e, one);
          if (next == std::string::npos) break;
          pos = next + 1;
        }
      } else {
        break;
      }
    }
    return e;
  };
  unary = [&]() -> Expected<Eval> {
    if (p.eat('*')) {
      auto e = unary();
      if (!e) return e;
      if (!e->type.empty() && !e->type.starts_with("*") && !e->type.starts_with("unsafe") &&
          !isIntegerType(e->type))
        return fail("cannot dereference a value of type {}", e->type);
      return deref(*e);
    }
    if (p.eat('&')) {
      size_t at = p.pos_;
      std::string name = p.ident();
      if (auto v = findVar("&" + name, f)) return fromVar(*v);
      auto v = findVar(name, f);
      if (!v) {
        p.pos_ = at;
        return fail("no variable {} to take the address of", name);
      }
      Located l = locate(s, v->info, f);
      if (!l.addr) return fail("{} is not in memory here ({})", name, l.note);
      return Eval{"*" + v->info.type, *l.addr};
    }
    if (p.eat('-')) {
      auto e = unary();
      if (!e) return e;
      e->bits = uint64_t(-int64_t(e->bits));
      e->addr.reset();
      e->text.reset();
      return e;
    }
    return postfix();
  };
  // Signed when either side is a signed integer type or untyped; unsigned types stay unsigned.
  auto isSigned = [](const Eval& e) {
    return e.type.empty() || (isIntegerType(e.type) && !e.type.starts_with("u"));
  };
  product = [&]() -> Expected<Eval> {
    auto left = unary();
    if (!left) return left;
    while (true) {
      p.skip();
      if (p.pos_ >= p.s_.size()) break;
      char op = p.s_[p.pos_];
      if (op != '*' && op != '/' && op != '%') break;
      p.pos_++;
      auto right = unary();
      if (!right) return right;
      if (op != '*' && right->bits == 0) return fail("division by zero in {}", expr);
      bool sgn = isSigned(*left) && isSigned(*right);
      Eval e;
      if (op == '*')
        e.bits = left->bits * right->bits;
      else if (sgn)
        e.bits = uint64_t(op == '/' ? int64_t(left->bits) / int64_t(right->bits)
                                    : int64_t(left->bits) % int64_t(right->bits));
      else
        e.bits = op == '/' ? left->bits / right->bits : left->bits % right->bits;
      e.hex = left->hex || right->hex;
      if (isIntegerType(left->type))
        e.type = left->type;
      else if (isIntegerType(right->type))
        e.type = right->type;
      left = e;
    }
    return left;
  };
  compare = [&]() -> Expected<Eval> {
    auto left = sum();
    if (!left) return left;
    p.skip();
    static const char* ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (const char* op : ops) {
      std::string_view o(op);
      if (p.s_.substr(p.pos_, o.size()) != o) continue;
      p.pos_ += o.size();
      auto right = sum();
      if (!right) return right;
      auto text = [&](const Eval& e) { return e.text ? *e.text : format(e); };
      bool r;
      if (left->text || right->text || left->type == "string" || right->type == "string") {
        if (o != "==" && o != "!=") return fail("only == and != compare strings");
        std::string a = text(*left), b = text(*right);
        r = (a == b) == (o == "==");
      } else if (isSigned(*left) && isSigned(*right)) {
        int64_t a = int64_t(left->bits), b = int64_t(right->bits);
        r = o == "=="   ? a == b
            : o == "!=" ? a != b
            : o == "<=" ? a <= b
            : o == ">=" ? a >= b
            : o == "<"  ? a < b
                        : a > b;
      } else {
        uint64_t a = left->bits, b = right->bits;
        r = o == "=="   ? a == b
            : o == "!=" ? a != b
            : o == "<=" ? a <= b
            : o == ">=" ? a >= b
            : o == "<"  ? a < b
                        : a > b;
      }
      Eval e;
      e.type = "bool";
      e.bits = r;
      return e;
    }
    return left;
  };
  sum = [&]() -> Expected<Eval> {
    auto left = product();
    if (!left) return left;
    while (true) {
      bool plus = p.eat('+');
      if (!plus && !p.eat('-')) break;
      auto right = product();
      if (!right) return right;
      Eval e;
      e.bits = plus ? left->bits + right->bits : left->bits - right->bits;
      e.hex = left->hex || right->hex || left->type.starts_with("*");
      if (isIntegerType(left->type) && isIntegerType(right->type)) e.type = left->type;
      left = e;
    }
    return left;
  };
  auto e = compare();
  if (e && !p.done())
    return fail("cannot read the expression {} (stopped at {:?})", expr,
                std::string(p.s_.substr(p.pos_)));
  return e;
}

Expected<std::string> Inspector::print(const std::string& expr, const Frame& f) {
  auto e = evaluate(expr, f);
  if (!e) return std::unexpected(e.error());
  return format(*e);
}

Expected<uint64_t> Inspector::address(const std::string& expr, const Frame& f) {
  auto e = evaluate(expr, f);
  if (!e) return std::unexpected(e.error());
  if (e->text) return fail("{} is not an address", expr);
  return e->bits;
}

Expected<std::tuple<uint64_t, uint32_t, std::string>>
Inspector::variableSlot(const std::string& name, const Frame& f) {
  if (auto v = findVar(name, f)) {
    if (!v->addr) return fail("{} is not in memory here ({})", name, v->note);
    return std::tuple{*v->addr, goTypeSize(v->info.type) ? goTypeSize(v->info.type) : 8,
                      v->info.type};
  }
  if (auto v = findVar("&" + name, f); v && v->value) { // captured: watch the variable itself
    auto e = evaluate(name, f);
    if (!e || !e->addr) return fail("{} cannot be watched here", name);
    std::string type = v->info.type.substr(1);
    return std::tuple{*e->addr, goTypeSize(type) ? goTypeSize(type) : 8, type};
  }
  return fail("no variable {} in {}", name, f.name);
}

} // namespace gd::emu
