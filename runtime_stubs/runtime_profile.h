// Per-Go-generation runtime facts as data: struct layouts (runtime2.go of each release, checked
// against the DWARF of linked binaries, docs/go-internals.md §8-9), the calling convention, and
// how deferreturn runs a frame's defers. Selected once from the object's version.
#pragma once

#include <cstdint>
#include <string_view>

#include "loader/goversion.h"

namespace gd::rt {

enum class DeferReturnStyle : uint8_t {
  JmpDefer,    // Go 1.15: deferreturn(arg0) + jmpdefer re-executes `CALL deferreturn`
  ClosureLoop, // Go 1.18+: deferreturn() calls each closure in a loop
};

// How gorecover decides that it may recover the current panic.
enum class RecoverRule : uint8_t {
  Argp,      // Go 1.15-1.25: gorecover(argp) recovers when argp == p.argp, the deferred call's
             // argument pointer (the compiler passes the caller's FP)
  GopanicFP, // Go 1.26: gorecover() walks up: exactly one non-wrapper frame between it and the
             // gopanic frame, whose fp is p.gopanicFP
  StartSP,   // Go 1.27: the same walk, the gopanic frame identified by sp == p.startSP
};

// How printpanics marks a panic that was recovered and then panicked again.
enum class RepanicRule : uint8_t {
  None,      // Go 1.15-1.24: `panic: v [recovered]` then `\tpanic: v` on the next line
  SameValue, // Go 1.25: preprintpanics marks p.link.repanicked when p.arg == p.link.arg (same
             // type and data words); printpanics then prints `v [recovered, repanicked]` once
  SameValueRecovered, // Go 1.26+: as 1.25, the suffix only when recovered and repanicked
};

// How print and printpanicval write floats and complex numbers.
enum class FloatFormat : uint8_t {
  Exponent, // Go 1.15-1.25 printfloat: +1.500000e+000
  Shortest, // Go 1.26+ strconv 'g', -1: 1.5, 1e+21
};

// abi.Type.Hash of a type, as the compiler computes it (types/fmt.go TypeHash).
enum class TypeHashRule : uint8_t {
  Md5,         // Go 1.15: md5(t.LongString())[0:4]
  NotSha256,   // Go 1.19-1.23: ^sha256(t.LinkString())[0:4] (cmd/internal/notsha256)
  Sha256At8,   // Go 1.24: sha256(t.LinkString())[8:12] (cmd/internal/hash.Sum16)
  Sha256XorFF, // Go 1.25+: sha256 with byte 0 ^ 0xff, [0:4] (cmd/internal/hash.Sum32)
};

// The open-coded defer metadata the compiler writes (FUNCDATA OpenCodedDeferInfo).
enum class OpenDeferInfo : uint8_t {
  ArgsPerSlot,    // Go 1.15: maxargsize, the deferBits offset, the number of defers, then per
                  // defer its closure's width and offset and its argument list
  ClosureOffsets, // Go 1.16-1.21: the deferBits offset, the number of defers, per defer the
                  // closure's offset
  SlotArray,      // Go 1.22+: the deferBits offset, then the offset of the closure slots
};
// How a panic finds the deferred calls to run.
enum class PanicWalk : uint8_t {
  DeferChain, // Go 1.15-1.21: the records on g._defer (addOneOpenDeferFrame makes one for a
              // frame with open-coded defers); recovery returns through the record's pc/sp
  NextFrame,  // Go 1.22+: _panic.nextFrame walks the frames, nextDefer runs each frame's
              // open-coded slots and records; after a recovery, deferreturn runs the frame's
              // open-coded slots still set before its records
};
// The type-assertion entry points the compiler calls, and their signatures (iface.go).
enum class AssertCalls : uint8_t {
  Eface115, // Go 1.15: every assert/conv takes and returns whole interface values; the
            // comma-ok forms return an extra bool
  Itab119,  // Go 1.19-1.21: convI2I and assertX2I return *itab; only assertI2I2/assertE2I2
            // take and return whole values
  Type122,  // Go 1.22+: assertE2I/assertE2I2 (inter, t *_type) *itab
};
// How runtime.name stores its length (type.go).
enum class NameLength : uint8_t {
  BigEndian16, // Go 1.15: two bytes, big-endian
  Uvarint,     // Go 1.17+
};
// The map header makemap initialises.
enum class MapHeader : uint8_t {
  Hmap,  // Go 1.15-1.23: hmap, hash0 uint32 at 12
  Swiss, // Go 1.24+: maps.Map, seed uintptr at 8
};
// How abi.StructField stores the field's offset (type.go).
enum class StructFieldOffset : uint8_t {
  OffsetAnon, // Go 1.15: offsetAnon = offset<<1 | embedded
  Offset,     // Go 1.19+: Offset
};
// The error a lookup or delete on a nil or empty map panics with when the key's dynamic type
// cannot be hashed (alg.go mapKeyError, internal/runtime/maps mapKeyError). Maps with entries
// hash the key (typehash/interhash): always errorString "hash of unhashable type T".
enum class EmptyMapKeyError : uint8_t {
  ErrorString,         // Go 1.15-1.24: "runtime error: hash of unhashable type T"
  UnhashableTypeError, // Go 1.25+: maps.unhashableTypeError, "hash of unhashable type: T"
};
// What a failed conversion from a slice to an array (pointer) says it converted to (error.go
// boundsConvert): "cannot convert slice with length y to <this> with length x".
enum class SliceConvertMessage : uint8_t {
  PointerToArray, // Go 1.17-1.19 (and Go 1.15, which has no such conversion)
  ArrayOrPointer, // Go 1.20+: "array or pointer to array"
};
// The size classes of sizeclasses.go.
enum class SizeClasses : uint8_t {
  Go115, // 67 classes
  Go119, // 68 classes (24 bytes added)
};
// The allocator's rounding and append's growth (msize*.go, slice.go).
struct HeapRules {
  SizeClasses classes;
  // Go 1.22+ (msize_allocheaders.go): an object with pointers larger than 512 bytes carries an
  // 8-byte malloc header inside its size class.
  bool mallocHeaders;
  // Go 1.18+: growslice doubles below a capacity of 256, then moves smoothly to 1.25x; before,
  // it doubled below a length of 1024, then grew by 25%.
  bool growByCapacity;
  // Go 1.21+: growslice(oldPtr, newLen, oldCap, num, et) returns the new length and recomputes
  // capmem from the rounded capacity; before, growslice(et, old, cap) returned old.len.
  bool growsliceNewLen;
  // Go 1.20+: growslice panics "len out of range" (before: "cap out of range").
  bool growsliceLenMessage;
};

struct DeferLayout {
  uint32_t size;             // header size (Go 1.15 adds the argument bytes after it)
  int32_t siz;               // int32 siz (Go 1.15 only), -1 when absent
  int32_t started;           // bool, -1 when absent (Go 1.22+)
  int32_t heap;              // bool
  int32_t openDefer;         // bool, -1 when absent
  int32_t rangefunc;         // bool, Go 1.22+, -1 when absent
  uint32_t sp, pc, fn;       // uintptr, uintptr, *funcval
  int32_t panic;             // *_panic, -1 when absent (Go 1.22+)
  uint32_t link;             // *_defer
  int32_t head;              // Go 1.22+, -1 when absent
  int32_t fd, varp, framepc; // open-coded bookkeeping (Go 1.15-1.21), -1 when absent
};

struct PanicLayout {
  uint32_t size;
  int32_t argp; // -1 when absent (Go 1.26+)
  uint32_t arg, link;
  int32_t pc, sp; // Go 1.15-1.21 recovery target; Go 1.27 nextFrame's cursor; -1 when absent
  uint32_t recovered;
  int32_t aborted, goexit;                      // -1 when absent
  int32_t startPC, startSP, retpc, deferreturn; // Go 1.22+, -1 when absent
  int32_t repanicked;                           // Go 1.25+, -1 when absent
  int32_t gopanicFP;                            // Go 1.26 only, -1 when absent
};

struct GLayout {
  uint32_t size;
  uint32_t stackLo, stackHi, stackguard0, stackguard1, panic, defer, m;
};

// hchan (chan.go): qcount, dataqsiz, buf, elemsize uint16, closed uint32 at 0, 8, 16, 24, 28 in
// every release; Go 1.23 adds timer before elemtype, Go 1.24 a synctest bubble after sendq.
struct ChanLayout {
  uint32_t size, elemtype, sendx, recvx;
};
namespace hchan {
inline constexpr uint64_t kQcount = 0, kDataqsiz = 8, kBuf = 16, kElemsize = 24, kClosed = 28;
} // namespace hchan

// How select statements call selectgo (select.go).
enum class SelectAbi : uint8_t {
  KindedCases, // Go 1.15: scase{c, elem, kind uint16, pc, releasetime} (40 bytes),
               // selectgo(cas0, order0, ncases) (int, bool); selectnbrecv2 for `v, ok`
  SendsRecvs,  // Go 1.16+: scase{c, elem}, sends first, then receives;
               // selectgo(cas0, order0, pc0, nsends, nrecvs, block) (int, bool);
               // selectnbrecv(elem, c) (selected, received bool)
};

// The order packages are initialised in (the inittask graph: each package's `PKG..inittask`
// names the packages it imports and its init functions).
enum class InitOrder : uint8_t {
  DepthFirst,  // Go 1.15-1.20: runtime.doInit runs an inittask's deps (in the order the
               // compiler listed them) depth-first, then its functions
  LexicalTopo, // Go 1.21+: the linker orders the tasks (cmd/link/internal/ld/inittask.go):
               // Kahn's algorithm, the ready task with the smallest symbol name first; deps
               // are R_INITORDER relocations
};

// How package time asks the runtime for timers (time/sleep.go, runtime/time.go).
enum class TimerApi : uint8_t {
  // Go 1.15-1.22: package time owns a runtimeTimer {pp, when, period, f, arg, seq, nextwhen,
  // status} and calls startTimer(t), stopTimer(t) bool, resetTimer(t, when) bool and
  // modTimer(t, when, period, f, arg, seq); f(arg, seq) runs when the timer fires, and a
  // channel timer's value waits in the channel's buffer (asynchronous).
  RuntimeTimer,
  // Go 1.23+: newTimer(when, period, f, arg, cp) *Timer allocates a timeTimer {c, init, timer};
  // stopTimer(t) bool, resetTimer(t, when, period) bool; f(arg, seq, delay). A channel timer
  // (cp, the channel, when syncTimer gives one) sets hchan.timer: len and cap of its channel
  // are 0, and Stop and Reset drain it (synchronous timers).
  TimeTimer,
};

struct TimerRules {
  TimerApi api;
  int32_t hchanTimer; // hchan.timer's offset, -1 before Go 1.23
};

// Goroutines (proc.go).
struct GoroutineRules {
  ChanLayout chan;
  SelectAbi select;
  // Go 1.15 newproc(siz int32, fn *funcval, args...) copies siz bytes of arguments to the new
  // stack; from Go 1.17 the compiler wraps `go f(x)` in a closure: newproc(fn *funcval).
  bool newprocCopiesArgs;
  // Go 1.21+ tracebacks say which goroutine made one: `created by main.main in goroutine 1`.
  bool createdByNamesGoroutine = true;
  TimerRules timers = {TimerApi::TimeTimer, 32};
};

// What package reflect and runtime.CallersFrames see of the runtime (reflect.cpp).
struct ReflectRules {
  // Go 1.21+: runtime.Frame has startLine between Line and Entry (symtab.go).
  bool frameStartLine;
  // Go 1.15: reflect.mapiterinit(t, h) *hiter allocates the iterator; later releases pass one
  // (t, h, it).
  bool mapiterinitAllocates;
  // Go 1.16+: resolveTypeOff and textOff read an offset of -1 (the linker's mark of an
  // unreachable method) as nil and runtime.unreachableMethod.
  bool minusOneUnreachable;
};

struct RuntimeProfile {
  std::string_view name;
  int minor;
  bool registerAbi; // ABIInternal: args in RAX, RBX, ...; R14 = g; X15 = 0
  DeferReturnStyle deferReturn;
  GLayout g;
  DeferLayout defer;
  PanicLayout panic;
  uint32_t stackGuard;   // _StackGuard (928 on linux/amd64 in every supported release)
  uint32_t initialStack; // _StackMin / _FixedStack: a new goroutine's stack
  // Go 1.15-1.24: deferproc/deferprocStack return 0 (AX) and recovery makes them return 1, so
  // the caller's TESTL AX, AX jumps to its deferreturn call. Go 1.25+: they return nothing and
  // recovery resumes at the frame's CALL runtime.deferreturn (the linker's
  // FuncInfo.deferreturn).
  bool deferprocReturnsFlag;
  RecoverRule recover;
  RepanicRule repanic;
  FloatFormat floats;
  // Go 1.26+: the direct-interface bit is TFlagDirectIface (1<<5) in Type.TFlag; before, it is
  // KindDirectIface (1<<5) in Type.Kind_.
  bool directIfaceInTFlag;
  TypeHashRule typeHash;
  // Go 1.27 _panic.nextFrame keeps the frame it found as its cursor (p.pc, p.sp) and skips
  // ahead to the next panic's position (issue 77062); Go 1.22-1.26 keep the frame's caller.
  bool panicCursorAtFrame;
  // abi.FuncIDWrapper, the FuncID of compiler-generated wrappers (gorecover's walk skips them).
  uint8_t funcIdWrapper;
  OpenDeferInfo openDefers;
  PanicWalk panicWalk;
  // Go 1.21+: a recovery reloads BP from the slot deferproc's prologue saved it in; before, BP
  // stays stale until the frame's epilogue reloads it.
  bool recoveryReloadsBp;
  // Go 1.23+ printpanicval (printindented): a tab after each newline of a string panic value.
  bool panicValueIndented;
  // Go 1.19+ newstack: the new stack is doubled until the function's largest frame fits.
  bool morestackFitsFrame;
  // Go 1.19+: "panic while printing panic value" names the value when it is a string.
  bool panicWhilePrintingNamesString;
  AssertCalls asserts;
  NameLength nameLength;
  MapHeader mapHeader;
  HeapRules heap;
  StructFieldOffset structFieldOffset;
  EmptyMapKeyError emptyMapKeyError;
  SliceConvertMessage sliceConvert;
  // Go 1.23+ deferrangefunc: the record's pc is the caller's return address (1.23, 1.25+) or
  // the frame's CALL runtime.deferreturn (1.24: fn.entry() + fn.deferreturn).
  bool rangefuncPcIsDeferreturn = false;
  GoroutineRules goroutines = {{112, 40, 48, 56}, SelectAbi::SendsRecvs, false};
  InitOrder initOrder = InitOrder::LexicalTopo;
  // Go 1.21+ semacquire1 parks with the caller's wait reason ("sync.Mutex.Lock",
  // "sync.RWMutex.RLock", ...); before, every semaphore wait is "semacquire".
  bool semaWaitReasons = true;
  ReflectRules reflect = {true, false, true};
};

// The runtime model for an object of Go release `minor`; nullptr when we do not model it.
const RuntimeProfile* runtimeProfileFor(int minor);

} // namespace gd::rt
