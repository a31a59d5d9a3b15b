#include "runtime_stubs/runtime_profile.h"

#include <array>

namespace gd::rt {
namespace {

// g: runtime2.go `type g struct` — offsets identical in all supported releases, sizes differ.
constexpr GLayout gLayout(uint32_t size) {
  return {size, 0, 8, 16, 24, 32, 40, 48};
}

// _defer, Go 1.15 (runtime2.go): siz int32; started, heap, openDefer bool; sp, pc uintptr;
// fn *funcval; _panic *_panic; link *_defer; fd unsafe.Pointer; varp, framepc uintptr; then
// the deferred call's argument bytes.
constexpr DeferLayout kDefer115{72, 0, 4, 5, 6, -1, 8, 16, 24, 32, 40, -1, 48, 56, 64};
// _defer, Go 1.18-1.21: siz is gone; started, heap, openDefer bool at 0..2; fn is a func().
constexpr DeferLayout kDefer118{72, -1, 0, 1, 2, -1, 8, 16, 24, 32, 40, -1, 48, 56, 64};
// _defer, Go 1.22+: heap, rangefunc bool; sp, pc, fn; link; head.
constexpr DeferLayout kDefer122{48, -1, -1, 0, -1, 1, 8, 16, 24, -1, 32, 40, -1, -1, -1};

// _panic, Go 1.15-1.21: argp, arg eface, link, pc, sp, recovered, aborted, goexit.
constexpr PanicLayout kPanic115{56, 0, 8, 24, 32, 40, 48, 49, 50, -1, -1, -1, -1, -1, -1};
// _panic, Go 1.22-1.24: argp, arg, link, startPC, startSP, sp, lr, fp, retpc, deferBitsPtr,
// slotsPtr, recovered, goexit, deferreturn.
constexpr PanicLayout kPanic122{104, 0, 8, 24, -1, 48, 96, -1, 97, 32, 40, 72, 98, -1, -1};
// _panic, Go 1.25: as 1.22 with repanicked after recovered.
constexpr PanicLayout kPanic125{104, 0, 8, 24, -1, 48, 96, -1, 98, 32, 40, 72, 99, 97, -1};
// _panic, Go 1.26: argp gone: arg, link, startPC, startSP, sp, lr, fp, retpc, deferBitsPtr,
// slotsPtr, recovered, repanicked, goexit, deferreturn, gopanicFP.
constexpr PanicLayout kPanic126{104, -1, 0, 16, -1, 40, 88, -1, 90, 24, 32, 64, 91, 89, 96};
// _panic, Go 1.27: arg, link, startPC, startSP, pc, sp, fp, retpc, deferBitsPtr, slotsPtr,
// recovered, repanicked, goexit, deferreturn (lr became pc, gopanicFP gone).
constexpr PanicLayout kPanic127{96, -1, 0, 16, 40, 48, 88, -1, 90, 24, 32, 64, 91, 89, -1};

// Columns after the layouts: deferprocReturnsFlag, recover, repanic, floats,
// directIfaceInTFlag, typeHash, panicCursorAtFrame, funcIdWrapper, openDefers, panicWalk,
// recoveryReloadsBp, panicValueIndented, morestackFitsFrame, panicWhilePrintingNamesString,
// asserts, nameLength, mapHeader, heap {classes, mallocHeaders, growByCapacity,
// growsliceNewLen, growsliceLenMessage}, structFieldOffset, emptyMapKeyError,
// sliceConvert, then (with defaults) rangefuncPcIsDeferreturn, goroutines, initOrder,
// semaWaitReasons, reflect.
using enum RecoverRule;
using enum RepanicRule;
using enum FloatFormat;
using enum TypeHashRule;
using enum OpenDeferInfo;
using enum PanicWalk;
using enum AssertCalls;
using enum NameLength;
using enum MapHeader;
using enum StructFieldOffset;
using enum EmptyMapKeyError;
using enum SliceConvertMessage;
constexpr auto kClosures = DeferReturnStyle::ClosureLoop;
// clang-format off
const std::array<RuntimeProfile, 9> kProfiles = {{
    {"go1.15", 15, false, DeferReturnStyle::JmpDefer, gLayout(376), kDefer115, kPanic115, 928, 2048,
     true, Argp, None, Exponent, false, Md5, false, 22,
     ArgsPerSlot, DeferChain, false, false, false, false, Eface115, BigEndian16, Hmap,
     {SizeClasses::Go115, false, false, false, false}, OffsetAnon, ErrorString, PointerToArray, false, {{96, 32, 40, 48}, SelectAbi::KindedCases, true, false, {TimerApi::RuntimeTimer, -1}}, InitOrder::DepthFirst, false, {false, true, false}},
    {"go1.19", 19, true, kClosures, gLayout(392), kDefer118, kPanic115, 928, 2048,
     true, Argp, None, Exponent, false, NotSha256, false, 21,
     ClosureOffsets, DeferChain, false, false, true, true, Itab119, Uvarint, Hmap,
     {SizeClasses::Go119, false, true, false, false}, Offset, ErrorString, PointerToArray, false, {{96, 32, 40, 48}, SelectAbi::SendsRecvs, false, false, {TimerApi::RuntimeTimer, -1}}, InitOrder::DepthFirst, false, {false, false, true}},
    {"go1.21", 21, true, kClosures, gLayout(408), kDefer118, kPanic115, 928, 2048,
     true, Argp, None, Exponent, false, NotSha256, false, 21,
     ClosureOffsets, DeferChain, true, false, true, true, Itab119, Uvarint, Hmap,
     {SizeClasses::Go119, false, true, true, true}, Offset, ErrorString, ArrayOrPointer, false, {{96, 32, 40, 48}, SelectAbi::SendsRecvs, false, true, {TimerApi::RuntimeTimer, -1}}},
    {"go1.22", 22, true, kClosures, gLayout(424), kDefer122, kPanic122, 928, 2048,
     true, Argp, None, Exponent, false, NotSha256, false, 22,
     SlotArray, NextFrame, true, false, true, true, Type122, Uvarint, Hmap,
     {SizeClasses::Go119, true, true, true, true}, Offset, ErrorString, ArrayOrPointer, false, {{96, 32, 40, 48}, SelectAbi::SendsRecvs, false, true, {TimerApi::RuntimeTimer, -1}}},
    {"go1.23", 23, true, kClosures, gLayout(432), kDefer122, kPanic122, 928, 2048,
     true, Argp, None, Exponent, false, NotSha256, false, 22,
     SlotArray, NextFrame, true, true, true, true, Type122, Uvarint, Hmap,
     {SizeClasses::Go119, true, true, true, true}, Offset, ErrorString, ArrayOrPointer, false, {{104, 40, 48, 56}, SelectAbi::SendsRecvs, false}},
    {"go1.24", 24, true, kClosures, gLayout(440), kDefer122, kPanic122, 928, 2048,
     true, Argp, None, Exponent, false, Sha256At8, false, 22,
     SlotArray, NextFrame, true, true, true, true, Type122, Uvarint, Swiss,
     {SizeClasses::Go119, true, true, true, true}, Offset, ErrorString, ArrayOrPointer, true},
    // Go 1.25: gobuf.ret is gone (g.sched 8 bytes shorter), valgrindStackID added: still 440.
    {"go1.25", 25, true, kClosures, gLayout(440), kDefer122, kPanic125, 928, 2048,
     false, Argp, SameValue, Exponent, false, Sha256XorFF, false, 23,
     SlotArray, NextFrame, true, true, true, true, Type122, Uvarint, Swiss,
     {SizeClasses::Go119, true, true, true, true}, Offset, UnhashableTypeError, ArrayOrPointer},
    {"go1.26", 26, true, kClosures, gLayout(456), kDefer122, kPanic126, 928, 2048,
     false, GopanicFP, SameValueRecovered, Shortest, true, Sha256XorFF, false, 23,
     SlotArray, NextFrame, true, true, true, true, Type122, Uvarint, Swiss,
     {SizeClasses::Go119, true, true, true, true}, Offset, UnhashableTypeError, ArrayOrPointer},
    {"go1.27", 27, true, kClosures, gLayout(456), kDefer122, kPanic127, 928, 2048,
     false, StartSP, SameValueRecovered, Shortest, true, Sha256XorFF, true, 23,
     SlotArray, NextFrame, true, true, true, true, Type122, Uvarint, Swiss,
     {SizeClasses::Go119, true, true, true, true}, Offset, UnhashableTypeError, ArrayOrPointer},
}};
// clang-format on

} // namespace

const RuntimeProfile* runtimeProfileFor(int minor) {
  for (const auto& p : kProfiles)
    if (p.minor == minor) return &p;
  return nullptr;
}

} // namespace gd::rt
