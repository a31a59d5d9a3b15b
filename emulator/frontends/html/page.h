// The run as one self-contained HTML page (--html): a third consumer of the event stream, next to
// the text and JSON traces. It records the events compactly (per-pc static facts once, then per
// instruction the pc's id and the registers it changed) and writes, when the run is over, a page
// whose inline script steps through them: source, assembly, registers, variables, g._defer, the
// output, a timeline of runtime events and each variable's values over time. No network: the
// page's script and style are inside the file.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "emulator/engine/events.h"

namespace gd::emu {

class Session;

// One instruction of a function's listing (the page shows the whole function, executed or not).
struct ListedInsn {
  uint64_t pc = 0;
  std::string text;
  std::string file; // base name
  int line = 0;
};

struct HtmlOptions {
  // Instructions recorded at most (0: all); the page says where it was cut.
  uint64_t maxInsns = 0;
  // The text of a source file by the base name instruction events give ("deferr.go"); nullopt
  // when it cannot be found (the page then shows the lines it knows from the events).
  std::function<std::optional<std::string>(const std::string& file)> readSource;
  // The whole function containing pc, in the trace's syntax; empty when unknown.
  std::function<std::vector<ListedInsn>(uint64_t pc)> listFunction;
  // The machine's registers as they stand when an instruction event is delivered. Instruction
  // events carry what instructions change, not what a modelled runtime call changed (its
  // results, SP after its return, a goroutine switch): after a CALL, RET or JMP, a runtime
  // event or a fault the page reads them once to put those changes on that step. Without it
  // the page learns them from the next instruction that writes the register (and puts them on
  // the step before that one).
  std::function<std::array<uint64_t, size_t(rt::Reg::Count)>()> readRegisters;
};

class HtmlPage final : public EventSink {
public:
  HtmlPage(std::ostream& out, HtmlOptions opts);
  ~HtmlPage() override;
  void onEvent(const Event& e) override;
  // Writes the page (once).
  void finish() override;
  // The registers as they stand before the first instruction (otherwise the page knows a
  // register from its first change on).
  void setInitialRegisters(const std::array<uint64_t, size_t(rt::Reg::Count)>& regs);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// readSource and listFunction for a session's object, finding sources as the tool does: the
// path the object records, the object's folder, then the session's --source-dir folders.
HtmlOptions htmlOptionsFor(Session& s, uint64_t maxInsns);

} // namespace gd::emu
