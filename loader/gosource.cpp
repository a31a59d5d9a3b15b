// A tolerant reader of Go declarations (see gosource.h). It follows the Go spec's grammar for
// types and parameter lists (https://go.dev/ref/spec#Function_types); statements and
// expressions are only skipped, by balancing brackets.
#include "loader/gosource.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

namespace gd::loader::gosrc {

namespace {

struct Token {
  enum class Kind { Ident, Number, String, Op, End } kind = Kind::End;
  std::string_view text;
  int line = 0;
  bool spaceBefore = false;   // whitespace or a comment precedes the token
  bool newlineBefore = false; // a line break precedes it (Go's automatic semicolon)
};

bool identStart(unsigned char c) {
  return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool identChar(unsigned char c) {
  return identStart(c) || std::isdigit(c);
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1;
  bool space = false, newline = false;
  auto push = [&](Token::Kind k, size_t start) {
    out.push_back({k, s.substr(start, i - start), line, space, newline});
    space = newline = false;
  };
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c == '\n') {
      ++line, ++i, space = newline = true;
    } else if (std::isspace(c)) {
      ++i, space = true;
    } else if (s.compare(i, 2, "//") == 0) {
      while (i < s.size() && s[i] != '\n')
        ++i;
      space = true;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t end = s.find("*/", i + 2);
      end = end == std::string_view::npos ? s.size() : end + 2;
      for (size_t k = i; k < end; ++k)
        if (s[k] == '\n') ++line, newline = true;
      i = end, space = true;
    } else if (identStart(c)) {
      size_t start = i;
      while (i < s.size() && identChar(s[i]))
        ++i;
      push(Token::Kind::Ident, start);
    } else if (std::isdigit(c) ||
               (c == '.' && i + 1 < s.size() && std::isdigit((unsigned char)s[i + 1]))) {
      size_t start = i;
      while (i < s.size()) {
        unsigned char d = s[i];
        bool exp =
            (d == '+' || d == '-') && i > start &&
            std::string_view("eEpP").find(s[i - 1]) != std::string_view::npos &&
            !(s[start] == '0' && start + 1 < s.size() &&
              (s[start + 1] == 'x' || s[start + 1] == 'X') && (s[i - 1] == 'e' || s[i - 1] == 'E'));
        if (!(std::isalnum(d) || d == '_' || d == '.' || exp)) break;
        ++i;
      }
      push(Token::Kind::Number, start);
    } else if (c == '"' || c == '\'') {
      size_t start = i++;
      while (i < s.size() && s[i] != c && s[i] != '\n')
        i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
      if (i < s.size() && s[i] == c) ++i;
      push(Token::Kind::String, start);
    } else if (c == '`') {
      size_t start = i++;
      while (i < s.size() && s[i] != '`') {
        if (s[i] == '\n') ++line;
        ++i;
      }
      if (i < s.size()) ++i;
      push(Token::Kind::String, start);
    } else {
      size_t start = i;
      static constexpr std::array<std::string_view, 4> multi = {"...", "<-", ":=", "=="};
      size_t len = 1;
      for (auto m : multi)
        if (s.compare(i, m.size(), m) == 0) {
          len = m.size();
          break;
        }
      i += len;
      push(Token::Kind::Op, start);
    }
  }
  out.push_back({Token::Kind::End, {}, line, true, true});
  return out;
}

// Keywords that start a type literal: an entry beginning with one is a type, not a name.
bool isTypeKeyword(std::string_view t) {
  return t == "func" || t == "map" || t == "chan" || t == "struct" || t == "interface";
}

bool isOpen(std::string_view t) {
  return t == "(" || t == "[" || t == "{";
}
bool isClose(std::string_view t) {
  return t == ")" || t == "]" || t == "}";
}

constexpr int kMaxDepth = 64;

} // namespace

// Recursive descent over the token list; every method stops at the End token.
class Parser {
public:
  Parser(std::vector<Token> toks, SourceFile& out) : t_(std::move(toks)), out_(out) {}

  void run() {
    int depth = 0;
    while (!at(Token::Kind::End)) {
      const Token& tok = t_[p_];
      if (depth == 0 && tok.kind == Token::Kind::Ident) {
        if (tok.text == "package" && out_.package_.empty() && peek(1).kind == Token::Kind::Ident) {
          out_.package_ = std::string(peek(1).text);
          p_ += 2;
          continue;
        }
        if (tok.text == "func") {
          size_t save = p_;
          if (!funcDecl()) p_ = save + 1;
          continue;
        }
        if (tok.text == "type") {
          size_t save = p_;
          if (!typeDecls()) p_ = save + 1;
          continue;
        }
      }
      if (tok.kind == Token::Kind::Op && isOpen(tok.text)) ++depth;
      if (tok.kind == Token::Kind::Op && isClose(tok.text) && depth > 0) --depth;
      ++p_;
    }
  }

private:
  const Token& peek(size_t k = 0) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
  bool at(Token::Kind k) const { return peek().kind == k; }
  bool atOp(std::string_view s) const { return peek().kind == Token::Kind::Op && peek().text == s; }
  bool atIdent(std::string_view s) const {
    return peek().kind == Token::Kind::Ident && peek().text == s;
  }
  bool eat(std::string_view op) {
    if (!atOp(op)) return false;
    ++p_;
    return true;
  }
  // Skips a balanced group starting at an opening bracket.
  bool skipGroup() {
    int depth = 0;
    do {
      if (at(Token::Kind::End)) return false;
      if (peek().kind == Token::Kind::Op && isOpen(peek().text)) ++depth;
      if (peek().kind == Token::Kind::Op && isClose(peek().text)) --depth;
      ++p_;
    } while (depth > 0);
    return true;
  }

  // func [ "(" recv ")" ] Name [ TypeParams ] Parameters [ Result ]
  bool funcDecl() {
    FuncDecl fn;
    fn.line = peek().line;
    ++p_;
    if (atOp("(")) {
      std::vector<Param> recv;
      if (!paramList(recv, ")", false) || recv.size() != 1) return false;
      fn.receiver = std::move(recv[0]);
      const TypeNode* base = &fn.receiver->type;
      if (base->kind == TypeNode::Kind::Pointer && !base->elem.empty()) {
        fn.recvPointer = true;
        base = &base->elem[0];
      }
      if (base->kind != TypeNode::Kind::Named) return false;
      fn.recvBase = base->name;
      for (const auto& a : base->args)
        if (a.kind == TypeNode::Kind::Named) fn.typeParams.push_back(a.name);
    }
    if (!at(Token::Kind::Ident)) return false;
    fn.name = std::string(peek().text);
    ++p_;
    if (atOp("[")) {
      std::vector<Param> tps;
      if (!paramList(tps, "]", true)) return false;
      for (auto& tp : tps)
        fn.typeParams.push_back(tp.name);
    }
    if (!atOp("(") || !paramList(fn.params, ")", false)) return false;
    if (atOp("(") && !peek().newlineBefore) {
      if (!paramList(fn.results, ")", false)) return false;
    } else if (!atOp("{") && !peek().newlineBefore && !at(Token::Kind::End) && !atOp(";")) {
      Param r;
      r.line = peek().line;
      auto t = type(0);
      if (!t) return false;
      r.type = std::move(*t);
      fn.results.push_back(std::move(r));
    }
    if (atOp("{") && !skipGroup()) return false;
    out_.funcs_.push_back(std::move(fn));
    return true;
  }

  // type Spec | type ( Spec ; ... )
  bool typeDecls() {
    ++p_;
    if (!eat("(")) return typeSpec();
    while (!at(Token::Kind::End) && !atOp(")")) {
      if (eat(";")) continue;
      size_t save = p_;
      if (!typeSpec()) {
        // Skip to the next line of the group.
        p_ = save + 1;
        while (!at(Token::Kind::End) && !atOp(")") && !peek().newlineBefore) {
          if (peek().kind == Token::Kind::Op && isOpen(peek().text)) {
            if (!skipGroup()) return false;
          } else {
            ++p_;
          }
        }
      }
    }
    return eat(")");
  }

  // Name [TypeParams] [=] Type
  bool typeSpec() {
    if (!at(Token::Kind::Ident)) return false;
    SourceFile::TypeDecl d;
    d.name = std::string(peek().text);
    ++p_;
    // `type T[P any] ...` (no space before '[' by gofmt; `type A [4]int` has one).
    if (atOp("[") && !peek().spaceBefore) {
      d.generic = true;
      if (!skipGroup()) return false;
    }
    eat("=");
    auto t = type(0);
    if (!t) return false;
    d.type = std::move(*t);
    out_.types_.push_back(std::move(d));
    return true;
  }

  // One entry of a parameter list, as a token range [begin, end).
  struct Entry {
    size_t begin, end;
  };

  // "(" [ ParameterList [ "," ] ] ")" or the type-parameter form with "[" "]".
  // Grouping follows the spec: either every entry is named or none is.
  bool paramList(std::vector<Param>& out, std::string_view close, bool typeParams) {
    ++p_; // the opening bracket
    std::vector<Entry> entries;
    while (!at(Token::Kind::End) && !atOp(close)) {
      size_t begin = p_;
      while (!at(Token::Kind::End) && !atOp(",") && !atOp(close)) {
        if (peek().kind == Token::Kind::Op && isOpen(peek().text)) {
          if (!skipGroup()) return false;
        } else if (peek().kind == Token::Kind::Op && isClose(peek().text)) {
          return false;
        } else {
          ++p_;
        }
      }
      if (p_ == begin) return false;
      entries.push_back({begin, p_});
      eat(",");
    }
    if (!eat(close)) return false;
    size_t after = p_;

    auto named = [&](const Entry& e) {
      if (e.end - e.begin < 2 || t_[e.begin].kind != Token::Kind::Ident) return false;
      if (isTypeKeyword(t_[e.begin].text)) return false;
      const Token& second = t_[e.begin + 1];
      if (second.kind == Token::Kind::Op && second.text == ".") return false;
      if (second.kind == Token::Kind::Op && second.text == "[" && !second.spaceBefore) return false;
      return true;
    };
    bool anyNamed = typeParams || std::any_of(entries.begin(), entries.end(), named);

    std::vector<std::pair<std::string, int>> pending; // names waiting for their type
    for (const Entry& e : entries) {
      if (!anyNamed) {
        Param prm;
        prm.line = t_[e.begin].line;
        auto t = typeIn(e.begin, e.end);
        if (!t) return false;
        prm.type = std::move(*t);
        out.push_back(std::move(prm));
        continue;
      }
      if (t_[e.begin].kind != Token::Kind::Ident) return false;
      pending.emplace_back(std::string(t_[e.begin].text), t_[e.begin].line);
      if (e.end - e.begin == 1) continue;
      auto t = typeIn(e.begin + 1, e.end);
      if (!t) return false;
      for (auto& [name, line] : pending)
        out.push_back({name, *t, line});
      pending.clear();
    }
    if (!pending.empty()) return false;
    p_ = after;
    return true;
  }

  // Parses a type that must span exactly [begin, end); constraints of type parameters
  // (`~int | string`) are accepted as opaque.
  std::optional<TypeNode> typeIn(size_t begin, size_t end) {
    size_t save = p_;
    p_ = begin;
    std::optional<TypeNode> t;
    if (atOp("...")) {
      ++p_;
      auto e = type(0);
      if (e) {
        t.emplace();
        t->kind = TypeNode::Kind::Ellipsis;
        t->elem.push_back(std::move(*e));
      }
    } else {
      t = type(0);
    }
    if (!t || p_ != end) {
      // A constraint or something we do not model: keep its text.
      t.emplace();
      t->kind = TypeNode::Kind::Named;
      std::string s;
      for (size_t k = begin; k < end; ++k) {
        if (k > begin && t_[k].spaceBefore) s += ' ';
        s += t_[k].text;
      }
      t->name = s;
      t->text = "opaque";
    }
    p_ = save;
    return t;
  }

  std::optional<TypeNode> type(int depth) {
    // Types nest through parameter lists too (func(func(...))), so the bound is kept here.
    struct Guard {
      int& n;
      explicit Guard(int& c) : n(++c) {}
      ~Guard() { --n; }
    } guard(nesting_);
    if (depth > kMaxDepth || nesting_ > kMaxDepth) return std::nullopt;
    TypeNode n;
    const Token& tok = peek();
    if (tok.kind == Token::Kind::Op) {
      if (eat("*")) {
        n.kind = TypeNode::Kind::Pointer;
        return withElem(std::move(n), depth);
      }
      if (eat("(")) {
        auto inner = type(depth + 1);
        if (!inner || !eat(")")) return std::nullopt;
        return inner;
      }
      if (eat("[")) {
        if (eat("]")) {
          n.kind = TypeNode::Kind::Slice;
          return withElem(std::move(n), depth);
        }
        n.kind = TypeNode::Kind::Array;
        size_t begin = p_;
        int d = 1;
        while (!at(Token::Kind::End)) {
          if (peek().kind == Token::Kind::Op && isOpen(peek().text)) ++d;
          if (peek().kind == Token::Kind::Op && isClose(peek().text) && --d == 0) break;
          ++p_;
        }
        for (size_t k = begin; k < p_; ++k)
          n.lengthText += t_[k].text;
        if (!eat("]")) return std::nullopt;
        if (p_ - begin == 2 && t_[begin].kind == Token::Kind::Number) {
          auto txt = std::string(t_[begin].text);
          std::erase(txt, '_');
          try {
            size_t used = 0;
            long long v = std::stoll(txt, &used, 0);
            if (used == txt.size() && v >= 0) n.length = v;
          } catch (...) {
          }
        }
        return withElem(std::move(n), depth);
      }
      if (eat("<-")) {
        if (!atIdent("chan")) return std::nullopt;
        ++p_;
        n.kind = TypeNode::Kind::Chan;
        n.chanDir = 2;
        return withElem(std::move(n), depth);
      }
      return std::nullopt;
    }
    if (tok.kind != Token::Kind::Ident) return std::nullopt;
    if (tok.text == "map") {
      ++p_;
      if (!eat("[")) return std::nullopt;
      auto k = type(depth + 1);
      if (!k || !eat("]")) return std::nullopt;
      auto v = type(depth + 1);
      if (!v) return std::nullopt;
      n.kind = TypeNode::Kind::Map;
      n.elem.push_back(std::move(*k));
      n.elem.push_back(std::move(*v));
      return n;
    }
    if (tok.text == "chan") {
      ++p_;
      n.kind = TypeNode::Kind::Chan;
      if (eat("<-")) n.chanDir = 1;
      return withElem(std::move(n), depth);
    }
    if (tok.text == "func") {
      ++p_;
      if (!atOp("(")) return std::nullopt;
      std::vector<Param> ps, rs;
      if (!paramList(ps, ")", false)) return std::nullopt;
      if (atOp("(") && !peek().newlineBefore) {
        if (!paramList(rs, ")", false)) return std::nullopt;
      } else if (startsType() && !peek().newlineBefore) {
        auto r = type(depth + 1);
        if (!r) return std::nullopt;
        rs.push_back({"", std::move(*r), 0});
      }
      n.kind = TypeNode::Kind::Func;
      n.nParams = ps.size();
      for (auto& x : ps)
        n.elem.push_back(std::move(x.type));
      for (auto& x : rs)
        n.elem.push_back(std::move(x.type));
      return n;
    }
    if (tok.text == "interface") {
      ++p_;
      if (!atOp("{")) return std::nullopt;
      size_t begin = p_ + 1;
      if (!skipGroup()) return std::nullopt;
      n.kind = TypeNode::Kind::Interface;
      for (size_t k = begin; k + 1 < p_; ++k) {
        bool semi = t_[k].newlineBefore && k > begin;
        if (semi)
          n.text += "; ";
        else if (k > begin && t_[k].spaceBefore)
          n.text += ' ';
        n.text += t_[k].text;
      }
      return n;
    }
    if (tok.text == "struct") {
      ++p_;
      if (!eat("{")) return std::nullopt;
      n.kind = TypeNode::Kind::Struct;
      if (!structFields(n, depth)) return std::nullopt;
      return n;
    }
    // TypeName [ TypeArgs ]
    n.kind = TypeNode::Kind::Named;
    n.name = std::string(tok.text);
    ++p_;
    if (atOp(".") && peek(1).kind == Token::Kind::Ident) {
      n.name += '.';
      n.name += peek(1).text;
      p_ += 2;
    }
    if (atOp("[") && !peek().spaceBefore) {
      ++p_;
      while (!at(Token::Kind::End) && !atOp("]")) {
        auto a = type(depth + 1);
        if (!a) return std::nullopt;
        n.args.push_back(std::move(*a));
        if (!eat(",")) break;
      }
      if (!eat("]")) return std::nullopt;
    }
    return n;
  }

  bool startsType() const {
    const Token& t = peek();
    if (t.kind == Token::Kind::Ident) return true;
    return t.kind == Token::Kind::Op &&
           (t.text == "*" || t.text == "[" || t.text == "(" || t.text == "<-");
  }

  std::optional<TypeNode> withElem(TypeNode n, int depth) {
    auto e = type(depth + 1);
    if (!e) return std::nullopt;
    n.elem.push_back(std::move(*e));
    return n;
  }

  // FieldDecl { ";" FieldDecl } "}" where FieldDecl = IdentifierList Type | EmbeddedField,
  // each with an optional tag.
  bool structFields(TypeNode& n, int depth) {
    while (!at(Token::Kind::End) && !atOp("}")) {
      if (eat(";")) continue;
      std::vector<std::string> names;
      bool embedded = false;
      if (at(Token::Kind::Ident) &&
          (peek(1).kind == Token::Kind::Ident ||
           (peek(1).kind == Token::Kind::Op && peek(1).text != "." && peek(1).text != ";" &&
            peek(1).text != "}" && !(peek(1).text == "[" && !peek(1).spaceBefore))) &&
          !peek(1).newlineBefore && peek(1).kind != Token::Kind::String) {
        names.emplace_back(peek().text);
        ++p_;
        while (eat(",")) {
          if (!at(Token::Kind::Ident)) return false;
          names.emplace_back(peek().text);
          ++p_;
        }
      } else {
        embedded = true;
      }
      auto t = type(depth + 1);
      if (!t) return false;
      if (at(Token::Kind::String) && !peek().newlineBefore) ++p_; // tag
      if (embedded) names.emplace_back();
      for (auto& nm : names) {
        n.fieldNames.push_back(nm);
        n.elem.push_back(*t);
      }
      if (!atOp("}") && !eat(";") && !peek().newlineBefore) return false;
    }
    return eat("}");
  }

  std::vector<Token> t_;
  size_t p_ = 0;
  int nesting_ = 0;
  SourceFile& out_;
};

SourceFile SourceFile::parse(std::string_view text) {
  SourceFile f;
  Parser(tokenize(text), f).run();
  return f;
}

const FuncDecl* SourceFile::find(const FuncRef& ref) const {
  for (const auto& fn : funcs_) {
    if (fn.name != ref.name) continue;
    if (ref.kind == FuncRef::Kind::Function && !fn.receiver) return &fn;
    if (ref.kind == FuncRef::Kind::Method && fn.receiver && fn.recvBase == ref.recvType &&
        fn.recvPointer == ref.recvPointer)
      return &fn;
  }
  return nullptr;
}

namespace {

struct Basic {
  std::string_view name, canonical;
  uint8_t size, align;
};
// Predeclared types on amd64 (cmd/compile/internal/types/size.go); byte, rune and any are
// aliases that Go's type names spell out.
constexpr Basic kBasics[] = {
    {"bool", "bool", 1, 1},
    {"int8", "int8", 1, 1},
    {"uint8", "uint8", 1, 1},
    {"byte", "uint8", 1, 1},
    {"int16", "int16", 2, 2},
    {"uint16", "uint16", 2, 2},
    {"int32", "int32", 4, 4},
    {"uint32", "uint32", 4, 4},
    {"rune", "int32", 4, 4},
    {"float32", "float32", 4, 4},
    {"int64", "int64", 8, 8},
    {"uint64", "uint64", 8, 8},
    {"int", "int", 8, 8},
    {"uint", "uint", 8, 8},
    {"uintptr", "uintptr", 8, 8},
    {"float64", "float64", 8, 8},
    {"complex64", "complex64", 8, 4},
    {"complex128", "complex128", 16, 8},
    {"string", "string", 16, 8},
    {"error", "error", 16, 8},
    {"any", "interface {}", 16, 8},
    {"unsafe.Pointer", "unsafe.Pointer", 8, 8},
};

const Basic* basic(std::string_view name) {
  for (const auto& b : kBasics)
    if (b.name == name) return &b;
  return nullptr;
}

uint64_t roundUp(uint64_t v, uint64_t a) {
  return a <= 1 ? v : (v + a - 1) / a * a;
}

} // namespace

std::string SourceFile::typeString(const TypeNode& t,
                                   const std::vector<std::string>& typeParams) const {
  auto sub = [&](const TypeNode& x) { return typeString(x, typeParams); };
  switch (t.kind) {
  case TypeNode::Kind::Named: {
    if (t.text == "opaque") return t.name;
    std::string s;
    if (const Basic* b = basic(t.name)) {
      s = b->canonical;
    } else if (t.name.find('.') != std::string::npos || package_.empty() ||
               std::find(typeParams.begin(), typeParams.end(), t.name) != typeParams.end() ||
               t.name == "comparable") {
      s = t.name;
    } else {
      s = package_ + "." + t.name;
    }
    if (!t.args.empty()) {
      s += '[';
      for (size_t i = 0; i < t.args.size(); ++i)
        s += (i ? "," : "") + sub(t.args[i]);
      s += ']';
    }
    return s;
  }
  case TypeNode::Kind::Pointer:
    return "*" + sub(t.elem.at(0));
  case TypeNode::Kind::Slice:
  case TypeNode::Kind::Ellipsis:
    return "[]" + sub(t.elem.at(0));
  case TypeNode::Kind::Array:
    return "[" + (t.length >= 0 ? std::to_string(t.length) : t.lengthText) + "]" +
           sub(t.elem.at(0));
  case TypeNode::Kind::Map:
    return "map[" + sub(t.elem.at(0)) + "]" + sub(t.elem.at(1));
  case TypeNode::Kind::Chan:
    return std::string(t.chanDir == 1   ? "chan<- "
                       : t.chanDir == 2 ? "<-chan "
                                        : "chan ") +
           sub(t.elem.at(0));
  case TypeNode::Kind::Func: {
    std::string s = "func(";
    for (size_t i = 0; i < t.nParams; ++i) {
      if (i) s += ", ";
      const TypeNode& p = t.elem[i];
      s += p.kind == TypeNode::Kind::Ellipsis ? "..." + sub(p.elem.at(0)) : sub(p);
    }
    s += ")";
    size_t nres = t.elem.size() - t.nParams;
    if (nres == 1) s += " " + sub(t.elem.back());
    if (nres > 1) {
      s += " (";
      for (size_t i = t.nParams; i < t.elem.size(); ++i)
        s += (i > t.nParams ? ", " : "") + sub(t.elem[i]);
      s += ")";
    }
    return s;
  }
  case TypeNode::Kind::Interface:
    return t.text.empty() ? "interface {}" : "interface { " + t.text + " }";
  case TypeNode::Kind::Struct: {
    if (t.elem.empty()) return "struct {}";
    std::string s = "struct { ";
    for (size_t i = 0; i < t.elem.size(); ++i) {
      if (i) s += "; ";
      if (!t.fieldNames[i].empty()) s += t.fieldNames[i] + " ";
      s += sub(t.elem[i]);
    }
    return s + " }";
  }
  }
  return "?";
}

std::optional<Layout> SourceFile::layout(const TypeNode& t) const {
  return layoutAt(t, 0);
}

std::optional<Layout> SourceFile::layoutAt(const TypeNode& t, int depth) const {
  if (depth > kMaxDepth) return std::nullopt;
  switch (t.kind) {
  case TypeNode::Kind::Named: {
    if (t.text == "opaque") return std::nullopt;
    if (const Basic* b = basic(t.name)) return Layout{b->size, b->align};
    if (!t.args.empty() || t.name.find('.') != std::string::npos) return std::nullopt;
    for (const auto& d : types_)
      if (d.name == t.name) {
        if (d.generic) return std::nullopt;
        return layoutAt(d.type, depth + 1);
      }
    return std::nullopt;
  }
  case TypeNode::Kind::Pointer:
  case TypeNode::Kind::Map:
  case TypeNode::Kind::Chan:
  case TypeNode::Kind::Func:
    return Layout{8, 8};
  case TypeNode::Kind::Slice:
  case TypeNode::Kind::Ellipsis:
    return Layout{24, 8};
  case TypeNode::Kind::Interface:
    return Layout{16, 8};
  case TypeNode::Kind::Array: {
    if (t.length < 0) return std::nullopt;
    auto e = layoutAt(t.elem.at(0), depth + 1);
    if (!e) return std::nullopt;
    return Layout{e->size * uint64_t(t.length), e->align};
  }
  case TypeNode::Kind::Struct: {
    // cmd/compile/internal/types/size.go calcStructOffset: fields in order, each aligned; a
    // trailing zero-size field gets one byte so that its address stays inside the object.
    uint64_t off = 0, align = 1;
    bool lastZero = false;
    for (const auto& f : t.elem) {
      auto l = layoutAt(f, depth + 1);
      if (!l) return std::nullopt;
      off = roundUp(off, l->align) + l->size;
      align = std::max(align, l->align);
      lastZero = l->size == 0;
    }
    if (lastZero && off > 0) ++off;
    return Layout{roundUp(off, align), align};
  }
  }
  return std::nullopt;
}

std::vector<std::optional<int64_t>> abi0Offsets(const SourceFile& file, const FuncDecl& fn) {
  std::vector<std::optional<int64_t>> out;
  uint64_t off = 0;
  bool known = true;
  auto place = [&](const Param& p) {
    auto l = known ? file.layout(p.type) : std::nullopt;
    if (!l) {
      known = false;
      out.push_back(std::nullopt);
      return;
    }
    off = roundUp(off, l->align);
    out.push_back(int64_t(off));
    off += l->size;
  };
  if (fn.receiver) place(*fn.receiver);
  for (const auto& p : fn.params)
    place(p);
  off = roundUp(off, 8);
  for (const auto& r : fn.results)
    place(r);
  return out;
}

namespace {

// Drops `[...]` instantiation suffixes, which may contain dots and slashes of their own.
std::string stripBrackets(std::string_view s) {
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '[')
      ++depth;
    else if (c == ']' && depth > 0)
      --depth;
    else if (depth == 0)
      out += c;
  }
  return out;
}

bool numberedSuffix(std::string_view s, std::string_view prefix) {
  if (!s.starts_with(prefix) || s.size() == prefix.size()) return false;
  return std::all_of(s.begin() + prefix.size(), s.end(),
                     [](char c) { return std::isdigit((unsigned char)c); });
}

} // namespace

FuncRef parseFuncSymbol(std::string_view symbolName) {
  FuncRef r;
  std::string name = stripBrackets(symbolName);
  std::string_view rest = name;
  if (rest.starts_with("type.") || rest.starts_with("type:") || rest.starts_with("go.") ||
      rest.starts_with("go:")) {
    r.why = "compiler-generated";
    return r;
  }
  if (rest.starts_with("\"\".")) {
    rest.remove_prefix(3);
  } else {
    size_t slash = rest.rfind('/');
    size_t dot = rest.find('.', slash == std::string_view::npos ? 0 : slash + 1);
    if (dot == std::string_view::npos) {
      r.why = "no package prefix";
      return r;
    }
    rest.remove_prefix(dot + 1);
  }
  if (rest.find('-') != std::string_view::npos) { // `-fm` method values, `-tramp` trampolines
    r.why = "compiler-generated wrapper";
    return r;
  }
  if (rest.starts_with("(*")) {
    size_t close = rest.find(").");
    if (close == std::string_view::npos) {
      r.why = "unrecognised method name";
      return r;
    }
    r.recvType = std::string(rest.substr(2, close - 2));
    r.recvPointer = true;
    rest.remove_prefix(close + 2);
    if (rest.empty() || rest.find('.') != std::string_view::npos) {
      r.why = "closure";
      return r;
    }
    r.kind = FuncRef::Kind::Method;
    r.name = std::string(rest);
    return r;
  }
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t dot = rest.find('.', start);
    parts.push_back(rest.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() == 1 && !parts[0].empty()) {
    r.kind = FuncRef::Kind::Function;
    r.name = std::string(parts[0]);
    return r;
  }
  if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty()) {
    std::string_view last = parts[1];
    if (numberedSuffix(last, "func") || numberedSuffix(last, "deferwrap") ||
        numberedSuffix(last, "gowrap") || numberedSuffix(last, "gobody") ||
        std::all_of(last.begin(), last.end(),
                    [](char c) { return std::isdigit((unsigned char)c); })) {
      r.why = parts[0] == "init" ? "package initializer" : "closure";
      return r;
    }
    r.kind = FuncRef::Kind::Method;
    r.recvType = std::string(parts[0]);
    r.name = std::string(last);
    return r;
  }
  r.why = "closure";
  return r;
}

} // namespace gd::loader::gosrc
