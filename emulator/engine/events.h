// The event stream: what happened, as typed values. The text trace, the JSON trace, the REPL and
// tests all consume this one stream; none of them touches the CPU.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "runtime_stubs/events.h"
#include "runtime_stubs/guest.h"

namespace gd::emu {

// What a Value holds (a Go kind, with the sizes folded: Int covers int8..int64).
enum class ValueKind : uint8_t {
  Unknown, // no type information: `text` shows the raw word
  Int,
  Uint,
  Bool,
  Float,
  Complex,
  String,
  Pointer, // also unsafe.Pointer
  Slice,
  Array,
  Struct,
  Map,
  Interface,
  Chan,
  Func,
};

// A Go value read from the guest: its Go formatting and, for composite values, its parts.
struct Value {
  std::string name; // variable, result or field name; empty when unnamed
  std::string type; // Go type string; "" when unknown
  // As `println` prints it ("2", "[3/3]0xc000010000", "(0x4a0,0xc000010020)"); for values
  // println cannot print (structs, arrays), as fmt's %v does ("{7 21}").
  std::string text;
  // As fmt's %+v prints it ("{X:7 Y:21}", "[1 2 3]", "map[a:1]"); empty when the same as text.
  std::string plus;
  ValueKind kind = ValueKind::Unknown;
  bool isInt = false;
  int64_t intValue = 0; // integers (uints as their bits) and bools (JSON emits numbers)
  bool isBool = false;
  double real = 0, imag = 0; // floats, complex numbers
  uint64_t addr = 0;         // pointers, maps, chans, funcs: the pointer; strings, slices: the
                             // data pointer; interfaces: the data word
  uint64_t len = 0, cap = 0; // strings, slices, arrays, maps
  uint64_t tab = 0;          // interfaces: the first word (the itab, or the type for interface {})
  uint64_t size = 0;         // the type's size in bytes (0: unknown)
  std::string dynType;       // interfaces: the dynamic type ("" when nil)
  // Structs: the fields (named); arrays, slices: the elements; maps: the entries as key, value,
  // key, value... (sorted as fmt sorts them); interfaces: the dynamic value; pointers: the
  // pointee when it was read (a top-level pointer to a struct, array, slice or map).
  std::vector<Value> elems;
  bool truncated = false; // elems stop short of len (large values)
  bool nil = false;       // a nil pointer, slice, map, chan, func or interface

  // The form front ends show (%+v when there is one).
  const std::string& display() const { return plus.empty() ? text : plus; }
};

struct StartEvent {
  std::string object;    // path as given
  std::string goVersion; // "go1.15.15"
  std::string goos, goarch;
  std::string abi;       // "ABI0" / "ABIInternal"
  std::string function;  // "main.c"
  std::string signature; // "c() (i int)" when names are known
  std::string namesFrom; // "DWARF", "deferr.go", or "position"
  std::vector<Value> args;
};

struct RegChange {
  rt::Reg reg;
  uint64_t before, after;
};

// What never changes at a pc (text does not change under emulation): decoded once per pc and
// shared by all its instruction events.
struct InsnInfo {
  std::vector<uint8_t> bytes;
  std::string text;     // disassembly in the chosen syntax
  std::string function; // "main.c"
  std::string file;     // base name, as objdump prints it
  int line = 0;
  uint32_t id = 0; // dense per session (0, 1, ...): sinks index their per-pc caches by it
};

struct InsnEvent {
  uint64_t index = 0; // 1-based count of executed instructions
  uint64_t pc = 0;
  std::shared_ptr<const InsnInfo> info; // never null in events a session emits
  std::vector<RegChange> changes;
};

struct MemEvent {
  uint64_t pc = 0;
  uint64_t addr = 0;
  uint32_t size = 0;
  std::vector<uint8_t> before, after;
  std::string var; // the named variable the bytes belong to, if any
};

struct VarEvent {
  std::string name, type;
  std::string function; // where the write happened (c.func1 writing c's i through a pointer)
  std::string owner;    // the function whose variable it is
  uint64_t pc = 0;
  uint64_t addr = 0;
  Value before, after;
};

struct ReturnEvent {
  std::string function;
  std::vector<Value> results;
  std::string namesFrom;
  uint64_t instructions = 0;
  std::map<std::string, int> runtimeCalls;
};

struct ExitEvent {
  int status = 0;     // Go's exit status (2 for a panic or fatal error)
  std::string reason; // one line
  uint64_t instructions = 0;
};

using Event = std::variant<StartEvent, InsnEvent, MemEvent, VarEvent, rt::RuntimeEvent,
                           rt::GuestOutput, ReturnEvent, ExitEvent>;

class EventSink {
public:
  virtual ~EventSink() = default;
  virtual void onEvent(const Event& e) = 0;
  // Writes out whatever the sink still holds (sinks may buffer); the run is over.
  virtual void finish() {}
  // Whether the sink looks at rt::RuntimeEvents: when no sink does, the runtime model does not
  // describe its operations at all.
  virtual bool wantsRuntimeEvents() const { return true; }
};

} // namespace gd::emu
