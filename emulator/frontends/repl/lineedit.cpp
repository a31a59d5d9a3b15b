// The terminal side of the REPL: libedit for line editing, history (up/down, Ctrl-R) and
// completion (Tab) of command names, function names and the selected frame's variables.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <set>

#include <histedit.h>

#include <fmt/format.h>

#include "emulator/frontends/repl/repl.h"

namespace gd::emu {
namespace {

const char* promptText = "(godefer) ";
char* promptFn(EditLine*) {
  return const_cast<char*>(promptText);
}

unsigned char completeFn(EditLine* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto* repl = static_cast<Repl*>(data);
  const LineInfo* li = el_line(el);
  std::string line(li->buffer, size_t(li->lastchar - li->buffer));
  size_t cursor = size_t(li->cursor - li->buffer);
  size_t start = cursor;
  while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t' && line[start - 1] != '*')
    start--;
  std::string word = line.substr(start, cursor - start);
  auto cands = repl->complete(line, cursor);
  if (cands.empty()) return CC_ERROR;
  std::string common = cands[0];
  for (const auto& c : cands) {
    size_t k = 0;
    while (k < common.size() && k < c.size() && common[k] == c[k])
      k++;
    common.resize(k);
  }
  if (common.size() > word.size() || cands.size() == 1) {
    std::string add = common.substr(word.size());
    if (cands.size() == 1) add += " ";
    if (!add.empty()) el_insertstr(el, add.c_str());
    return CC_REFRESH;
  }
  // Ambiguous: list the candidates under the line, then redraw it.
  std::string list = "\n";
  size_t width = 0;
  for (const auto& c : cands)
    width = std::max(width, c.size());
  size_t perLine = std::max<size_t>(1, 78 / (width + 2)), k = 0;
  for (const auto& c : cands) {
    list += fmt::format("{:<{}}", c, width + 2);
    if (++k % perLine == 0) list += "\n";
  }
  if (k % perLine) list += "\n";
  std::fputs(list.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

} // namespace

std::vector<std::string> Repl::complete(const std::string& line, size_t cursor) {
  std::string upto = line.substr(0, std::min(cursor, line.size()));
  size_t start = upto.find_last_of(" \t*");
  std::string word = start == std::string::npos ? upto : upto.substr(start + 1);
  size_t first = upto.find_first_not_of(" \t");
  bool firstWord = start == std::string::npos || upto.find_first_of(" \t", first) >= upto.size();
  std::set<std::string> out;
  auto add = [&](const std::string& c) {
    if (c.starts_with(word)) out.insert(c);
  };
  if (firstWord) {
    for (const auto& c : commands()) {
      add(c.name);
      for (const auto& a : c.aliases)
        if (a.size() > 2 && !c.name.starts_with(a)) add(a);
    }
    return {out.begin(), out.end()};
  }
  std::string cmd = upto.substr(first, upto.find_first_of(" \t/", first) - first);
  const Command* c = find(cmd);
  if (c && c->name == "help") {
    for (const auto& k : commands())
      add(k.name);
  } else if (c && c->name == "info") {
    for (const char* s : {"locals", "args", "frame", "breakpoints", "registers", "record"})
      add(s);
  } else {
    const loader::Object& obj = dbg_->session().object();
    const loader::Image& img = dbg_->session().image();
    for (loader::SymId id = 0; id < obj.symbols.size(); id++) {
      if (!obj.sym(id).isText() || !img.address(id) || !obj.sym(id).defined()) continue;
      std::string name = obj.displayName(id);
      add(name);
      if (name.starts_with("main.")) add(name.substr(5));
    }
    if (const Frame* f = frame())
      for (const auto& n : insp_->names(*f))
        add(n);
    if (word.starts_with("$"))
      for (const char* r :
           {"$rax", "$rbx", "$rcx", "$rdx",    "$rsi",     "$rdi",    "$rbp", "$rsp",
            "$rip", "$pc",  "$sp",  "$eflags", "$r8",      "$r9",     "$r10", "$r11",
            "$r12", "$r13", "$r14", "$r15",    "$fs_base", "$gs_base"})
        add(r);
  }
  return {out.begin(), out.end()};
}

void Repl::runInteractive() {
  promptText = opts_.prompt.c_str();
  EditLine* el = el_init("godefer-emu", stdin, stdout, stderr);
  History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 1000);
  history(hist, &ev, H_SETUNIQUE, 1);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_PROMPT, promptFn);
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_SIGNAL, 1);
  el_set(el, EL_CLIENTDATA, this);
  el_set(el, EL_ADDFN, "godefer-complete", "Complete commands and names", completeFn);
  el_set(el, EL_BIND, "^I", "godefer-complete", nullptr);
  el_set(el, EL_BIND, "^R", "em-inc-search-prev", nullptr);
  el_source(el, nullptr); // ~/.editrc, as other libedit programs
  std::string last;
  while (!quit_) {
    out_.flush();
    int n = 0;
    errno = 0;
    const char* raw = el_gets(el, &n);
    if (!raw) {
      out_ << "\n";
      if (n < 0 && errno == EINTR) continue; // Ctrl-C at the prompt: a new prompt
      break;                                 // Ctrl-D
    }
    std::string line(raw);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      // An empty line repeats a stepping command, as in gdb.
      static const std::set<std::string> repeat = {
          "s",    "step", "n",   "next",         "si",           "stepi",         "ni", "nexti",
          "rs",   "rn",   "rsi", "reverse-step", "reverse-next", "reverse-stepi", "c",  "continue",
          "list", "l",    "x"};
      std::string w = last.substr(0, last.find_first_of(" /"));
      if (last.empty() || !repeat.count(w)) continue;
      line = last;
    } else {
      history(hist, &ev, H_ENTER, line.c_str());
      last = line;
    }
    if (!execute(line)) break;
  }
  out_.flush();
  el_end(el);
  history_end(hist);
}

} // namespace gd::emu
