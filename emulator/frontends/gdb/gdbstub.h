// A gdb remote serial protocol stub (gdb's "Remote Protocol" appendix) over the Debugger the REPL
// uses: registers, memory, software breakpoints kept by the debugger (guest memory is never
// written), write watchpoints, stepping and continuing both ways (ReverseStep, ReverseContinue:
// the Timeline replays), interruption with Ctrl-C, and the run's end as W (exit status) or X
// (signal). One client at a time; a malformed packet gets an error reply, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/debugger/debugger.h"
#include "loader/error.h"

namespace gd::emu {

class GdbStub {
public:
  explicit GdbStub(Debugger& d) : d_(d) {}

  // The reply to one packet's payload (without $ and checksum); nullopt: no reply (k, and the
  // stop replies of s/c that serve() sends when the run stops). `detach` is set by D and k.
  std::optional<std::string> handle(const std::string& packet);
  bool detached() const { return detached_; }
  bool killed() const { return killed_; }
  // How the guest's run ended so far, for the command's exit status: nullopt while it can go on.
  std::optional<int> exitStatus() const { return exitStatus_; }

  // The target description gdb reads with qXfer:features:read:target.xml.
  static const std::string& targetXml();

  // Called before a resuming command runs, with the function that lets the client interrupt
  // it (serve() polls the socket for Ctrl-C while it runs).
  std::function<void()> beforeResume;
  std::function<void()> afterResume;
  // `monitor CMD` (qRcmd): runs a command of the REPL's and returns what it printed.
  std::function<std::string(const std::string&)> monitor;
  // Console output (O packets) to send before the next reply.
  std::vector<std::string> takeOutput() { return std::exchange(output_, {}); }

private:
  std::string stopReply(const DebugStop& s);
  std::string readRegisters();
  std::optional<std::string> readRegister(int n);
  bool writeRegister(int n, const std::string& hex);
  std::string readMemory(uint64_t addr, uint64_t len);
  DebugStop resume(char how); // 's', 'c', 'S' (reverse step), 'C' (reverse continue)

  Debugger& d_;
  std::map<uint64_t, int> breakpoints_;                      // address -> debugger id
  std::map<std::pair<uint64_t, uint32_t>, int> watchpoints_; // (addr, len) -> id
  std::string lastStop_ = "S05";
  bool noAck_ = false, detached_ = false, killed_ = false;
  std::optional<int> exitStatus_;
  std::vector<std::string> output_;

public:
  bool noAck() const { return noAck_; }
};

// Opens the debugger for `o` (under a REPL, which answers `monitor` commands: `monitor print
// &i`, `monitor defers`, `monitor goroutines`...), writes the ELF symbol file to `elfPath`,
// listens on hostPort (":PORT" is loopback; port 0 picks one), prints where to stderr, serves
// one client until it detaches or kills the run, and returns the command's exit status (the
// run's: 0 returned, 2 the guest died as Go would; 0 when the client left before the end).
Expected<int> serveGdb(const Debugger::Options& o, const std::string& hostPort,
                       const std::string& elfPath);

} // namespace gd::emu
