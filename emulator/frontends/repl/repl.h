// `godefer-emu -i`: the interactive prompt over the Debugger. Commands have the names people know
// from gdb and Delve (help lists them); after each stop a context view shows the source line,
// the code around pc, the registers that changed, the frame's named slots and the defer chain.
// The REPL is an EventSink: runtime events (defer registered, deferreturn, stack growth...) and
// the guest's output are printed as they happen. Interactive sessions use libedit (editing,
// history, completion of commands and symbol names); otherwise commands come from a stream and
// each is echoed after the prompt, so transcripts read like a terminal session.
#pragma once

#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "emulator/debugger/debugger.h"
#include "emulator/debugger/inspect.h"

namespace gd::emu {

struct ReplOptions {
  bool color = false;
  bool echo = false; // echo each command read from a stream after the prompt
  std::string prompt = "(godefer) ";
  EventSink* forward = nullptr; // also gets every event (a front end built on the REPL)
};

class Repl final : public EventSink {
public:
  Repl(std::ostream& out, std::ostream& err, ReplOptions o);
  ~Repl() override;

  // Opens the debugger and shows where the call starts.
  Expected<void> open(Debugger::Options o);

  // Runs one command line; false when the user asked to quit.
  bool execute(const std::string& line);
  // Reads commands from `in` until quit or the end; false when quit was asked.
  bool runStream(std::istream& in);
  // The terminal loop (libedit): editing, history, completion.
  void runInteractive();

  // Completion candidates for the word ending at `cursor` in `line` (commands, then symbol and
  // variable names).
  std::vector<std::string> complete(const std::string& line, size_t cursor);

  Debugger& debugger() { return *dbg_; }
  void setEcho(bool on) { opts_.echo = on; }
  void onEvent(const Event& e) override;

private:
  struct Command {
    std::string name;
    std::vector<std::string> aliases;
    std::string usage, help;
    void (Repl::*run)(const std::string& args);
  };
  static const std::vector<Command>& commands();
  const Command* find(const std::string& word) const;

  // Reporting.
  void report(const DebugStop& s, bool context = true);
  // A continue-like move repeated while it stops at a breakpoint whose condition is false.
  DebugStop conditional(DebugStop (Debugger::*move)());
  void showDisplays();
  void showContext();
  std::string paint(const char* code, const std::string& s) const;
  std::string rule(const std::string& title) const;
  std::string frameLine(const Frame& f);
  std::string location(uint64_t pc);
  std::vector<std::string> sourceLines(const Frame& f, int from, int to);
  std::vector<std::pair<uint64_t, std::string>> disassembleAround(uint64_t pc, int before,
                                                                  int after);
  void regsSnapshot();

public:
  // g._defer of the selected goroutine, newest first, a line per record.
  std::vector<std::string> deferLines(bool detailed);
  // The instruction at pc in the chosen syntax (its length in *len).
  std::string insnText(uint64_t pc, uint8_t* len = nullptr);

private:
  const Frame* frame();
  const std::vector<std::string>* sourceFile(const Frame& f);
  void listAround(const std::string& file, const std::vector<std::string>& lines, int center,
                  int mark);

  // Commands.
  void cmdBreak(const std::string&);
  void cmdTbreak(const std::string&);
  void cmdCondition(const std::string&);
  void cmdDisplay(const std::string&);
  void cmdUndisplay(const std::string&);
  void cmdDelete(const std::string&);
  void cmdContinue(const std::string&);
  void repeatLineStep(const std::string& args, const char* name, DebugStop (Debugger::*move)());
  void cmdStep(const std::string&);
  void cmdNext(const std::string&);
  void cmdStepi(const std::string&);
  void cmdNexti(const std::string&);
  void cmdFinish(const std::string&);
  void cmdUntil(const std::string&);
  void cmdWatch(const std::string&);
  void cmdPrint(const std::string&);
  void cmdRegs(const std::string&);
  void cmdExamine(const std::string&);
  void cmdBacktrace(const std::string&);
  void cmdFrame(const std::string&);
  void cmdUp(const std::string&);
  void cmdDown(const std::string&);
  void cmdInfo(const std::string&);
  void cmdDefers(const std::string&);
  void cmdGoroutines(const std::string&);
  void cmdGoroutine(const std::string& args);
  void cmdList(const std::string&);
  void cmdDisas(const std::string&);
  void cmdContext(const std::string&);
  void cmdRestart(const std::string&);
  void cmdHelp(const std::string&);
  void cmdQuit(const std::string&);
  void cmdReverseStepi(const std::string&);
  void cmdReverseStep(const std::string&);
  void cmdReverseNext(const std::string&);
  void cmdReverseFinish(const std::string&);
  void cmdReverseContinue(const std::string&);
  void cmdRecord(const std::string&);

  std::ostream& out_;
  std::ostream& err_;
  ReplOptions opts_;
  Debugger::Options dopts_;
  std::unique_ptr<Debugger> dbg_;
  std::unique_ptr<Inspector> insp_;
  std::set<int> temporary_;                           // tbreak: deleted when hit
  std::map<int, std::string> conditions_;             // condition N EXPR
  std::vector<std::pair<int, std::string>> displays_; // display EXPR, by number
  int nextDisplay_ = 1;
  std::optional<DebugStop> ended_; // how the run ended (Returned or Exited)
  bool reversing_ = false;         // the command running goes backwards
  bool quit_ = false;
  std::string xFormat_ = "1xg"; // x's last count, format and unit
  int listNext_ = 0;            // `list` again continues here
  std::string listFile_;
  uint64_t prevRegs_[Machine::kRegFile] = {};
  bool havePrevRegs_ = false;
  std::map<std::string, std::vector<std::string>> sources_; // by base name; empty: not found
};

// The -i entry point: a terminal gets libedit; otherwise commands are read from stdin and echoed.
// `script` (-x FILE) runs first. Returns the process exit status.
int runRepl(const Debugger::Options& o, const std::string& script, bool noColor);

} // namespace gd::emu
