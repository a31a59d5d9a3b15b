// `go tool objdump` listings (the fixtures' NAME.objdump) read back for the tests: functions,
// their instructions' offsets and text, and what each instruction does to SP.
#pragma once

#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace gd::test {

struct Insn {
  uint64_t off = 0;
  std::string text;
};
struct Func {
  std::string name; // main.c (objdump of Go 1.15 says %22%22.c)
  std::vector<Insn> insns;
};

inline std::vector<Func> parseObjdump(const std::string& text) {
  std::vector<Func> out;
  std::istringstream in(text);
  std::string line;
  static const std::regex insn(R"(^\s+\S+:\d+\s+0x([0-9a-f]+)\s+[0-9a-f]+\s+(.*?)\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("TEXT ", 0) == 0) {
      std::string esc = line.substr(5, line.find("(SB)") - 5), name; // %22 is '"'
      for (size_t i = 0; i < esc.size(); i++)
        if (esc[i] == '%' && i + 2 < esc.size()) {
          name += char(std::stoi(esc.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          name += esc[i];
        }
      if (name.rfind("\"\".", 0) == 0) name = "main." + name.substr(3); // Go 1.15: "".c
      out.push_back({name, {}});
    } else if (!out.empty() && std::regex_match(line, m, insn)) {
      out.back().insns.push_back({std::stoull(m[1], nullptr, 16), m[2]});
    }
  }
  return out;
}

// What the instruction does to SP, in bytes below the return address; nullopt when it ends the
// straight line (RET, JMP, a call that does not return: runtime.block is `select {}`) or sets
// SP some other way.
inline std::optional<int64_t> spEffect(const std::string& t) {
  static const std::regex noreturn(
      R"(^CALL .*R_CALL:runtime\.(gopanic|panic|goPanic|throw|morestack|sigpanic|block).*)");
  if (std::regex_match(t, noreturn)) return std::nullopt;
  static const std::regex sub(R"(^SUBQ \$0x([0-9a-f]+), SP\b.*)"),
      add(R"(^ADDQ \$0x([0-9a-f]+), SP\b.*)");
  std::smatch m;
  if (std::regex_match(t, m, sub)) return int64_t(std::stoll(m[1], nullptr, 16));
  if (std::regex_match(t, m, add)) return -int64_t(std::stoll(m[1], nullptr, 16));
  if (t.rfind("PUSHQ ", 0) == 0 || t == "PUSHFQ") return 8;
  if (t.rfind("POPQ ", 0) == 0 || t == "POPFQ") return -8;
  if (t.rfind("RET", 0) == 0 || t.rfind("JMP ", 0) == 0) return std::nullopt;
  static const std::regex writesSp(R"(.*, SP\b.*)");
  if (std::regex_match(t, writesSp)) return std::nullopt;
  return 0;
}

// The pc (image address) of fn's first instruction whose text contains `what`, and the SP delta
// at it counted along the straight line from the entry; nullopt when there is none.
inline std::optional<std::pair<uint64_t, int64_t>> findInsn(const Func& fn, uint64_t entry,
                                                            const std::string& what) {
  int64_t delta = 0;
  for (const Insn& i : fn.insns) {
    if (i.text.find(what) != std::string::npos)
      return std::pair{entry + (i.off - fn.insns.front().off), delta};
    auto e = spEffect(i.text);
    if (!e) return std::nullopt;
    delta += *e;
  }
  return std::nullopt;
}

} // namespace gd::test
