// Consumers of the event stream: the text trace (the default), JSON lines (--json), and the
// quiet form (-q). Each writes only what it is told; none touches the machine.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "emulator/engine/events.h"

namespace gd::emu {

struct TextTraceOptions {
  bool color = false;
};

class TextTrace final : public EventSink {
public:
  TextTrace(std::ostream& out, std::ostream& guestErr, TextTraceOptions opts);
  ~TextTrace() override;
  void onEvent(const Event& e) override;
  void finish() override;

private:
  void flushLine();
  void flushOut();
  std::string paint(const char* code, const std::string& s) const;
  void runtimeLine(const rt::RuntimeEvent& e);

  std::ostream& out_;
  std::ostream& err_;
  TextTraceOptions opts_;
  // The line being built: the instruction part (lineCache_[line_]) and what it changed.
  bool haveLine_ = false;
  uint64_t linePc_ = 0;
  size_t line_ = 0;
  std::string notes_; // space-separated
  // The instruction part of a line per pc (by InsnInfo::id), formatted once, with what it was
  // made from.
  struct CachedLine {
    std::string line;
    std::shared_ptr<const InsnInfo> info;
  };
  std::vector<CachedLine> lineCache_;
  std::string buf_; // written to out_ in large blocks
};

class JsonTrace final : public EventSink {
public:
  JsonTrace(std::ostream& out, std::ostream& guestErr) : out_(out), err_(guestErr) {}
  ~JsonTrace() override;
  void onEvent(const Event& e) override;
  void finish() override;

private:
  void writeInsn(const InsnEvent& i);
  void writeVar(const VarEvent& v);
  std::ostream& out_;
  std::ostream& err_;
  struct Cached {
    std::string head, tail; // the line up to "n": and from ,"text": on
    std::shared_ptr<const InsnInfo> info;
  };
  std::vector<Cached> cache_; // by InsnInfo::id
  std::string buf_;           // written to out_ in large blocks
};

// -q: only the guest's own output (on stderr); the caller prints the results line.
class QuietSink final : public EventSink {
public:
  // The guest's stderr (fd 2) goes to guestErr, its stdout (fd 1) to guestOut (by default
  // guestErr too).
  explicit QuietSink(std::ostream& guestErr) : out_(guestErr), err_(guestErr) {}
  QuietSink(std::ostream& guestOut, std::ostream& guestErr) : out_(guestOut), err_(guestErr) {}
  void onEvent(const Event& e) override;
  bool wantsRuntimeEvents() const override { return false; }

private:
  std::ostream& out_;
  std::ostream& err_;
};

// Words for a runtime event, shared by the text trace and the REPL.
std::string describeRuntimeEvent(const rt::RuntimeEvent& e);
std::string runtimeEventKindName(rt::RuntimeEventKind k);

} // namespace gd::emu
