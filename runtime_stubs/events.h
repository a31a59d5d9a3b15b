// What the runtime model reports, as typed values; the emulator's sinks turn them into words,
// JSON or REPL views. Nothing here is formatted text except names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gd::rt {

enum class RuntimeEventKind : uint8_t {
  DeferRegistered, // deferprocStack / deferproc linked a record into g._defer
  DeferRun,        // deferreturn (or a panic) is about to run a deferred call
  DeferJmp,        // Go 1.15: jmpdefer made the deferred call return onto `CALL deferreturn`
  DeferReturnDone, // deferreturn found no more records for the frame and returns
  StackGrown,      // morestack: the goroutine stack doubled (frames intact)
  PanicStarted,
  PanicRecovered,
  Recover,   // gorecover called (value returned or nil)
  Alloc,     // newobject / mallocgc
  Call,      // any other modelled runtime call (prints, conversions)
  Goroutine, // a goroutine created, parked, made ready, switched to, or exited
};

// How many of g._defer's records an event names: events describe a chain in bounded space.
inline constexpr size_t kChainShown = 8;

struct RuntimeEvent {
  RuntimeEventKind kind;
  std::string stub;      // "runtime.deferprocStack"
  uint64_t pc = 0;       // the call site (return address - 5) or the faulting pc
  uint64_t record = 0;   // _defer / _panic record address
  uint64_t sp = 0;       // the frame's sp the record belongs to
  uint64_t fn = 0;       // funcval address
  uint64_t fnCode = 0;   // code address the funcval points to
  std::string fnName;    // deferred function's name
  bool heap = false;     // heap-allocated record (deferproc)
  uint64_t argBytes = 0; // Go 1.15: bytes of arguments copied
  uint64_t returnTo = 0; // where the deferred call will return (jmpdefer: the CALL)
  // DeferRun: whether the record left g._defer before the call (deferreturn, and panics from
  // Go 1.22) or stays on it, marked started, until the call returns (panics up to Go 1.21).
  bool unlinked = true;
  uint64_t oldSize = 0, newSize = 0, stackLo = 0, stackHi = 0; // stack growth
  // g._defer after the event, newest first: the names of its first records (at most
  // kChainShown) and the length of the whole chain.
  std::vector<std::string> chain;
  uint64_t chainLength = 0;
  std::string detail; // e.g. the panic value as Go prints it
};

// Output the guest writes (print/println go to fd 2, as in Go).
struct GuestOutput {
  int fd = 2;
  std::string bytes;
};

} // namespace gd::rt
