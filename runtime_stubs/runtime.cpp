#include "runtime_stubs/runtime.h"

#include <fmt/format.h>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/asm.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

constexpr uint64_t kInitialMapping = 64 * 1024; // first stack mapping; Go's stack is 2 KiB in it

uint64_t roundUp(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

} // namespace

const char* regName(Reg r) {
  static const char* const names[] = {"AX",  "BX",  "CX", "DX",  "SI",  "DI",  "BP",
                                      "SP",  "R8",  "R9", "R10", "R11", "R12", "R13",
                                      "R14", "R15", "PC", "FS",  "GS"};
  return names[size_t(r)];
}

Runtime::Runtime(const loader::Image& img, const RuntimeProfile& prof, RuntimeOptions opts)
    : img_(img), prof_(prof), walker_(img), opts_(opts) {}

Runtime::~Runtime() = default;

loader::ExternSpec Runtime::classify(const loader::Symbol& s, const RuntimeProfile& prof) {
  if (auto code = runtimeCode(s.name, prof)) return {false, 0, std::move(*code)};
  // Runtime variables that compiled code reads or writes directly.
  static const std::map<std::string, uint32_t, std::less<>> kData = {
      {"runtime.writeBarrier", 16},         // {enabled bool; pad; needed; cgo; alignme}
      {"runtime.emptyTypeAssertCache", 24}, // Go 1.22+
      {"runtime.emptyInterfaceSwitchCache", 32},
      {"runtime.x86HasPOPCNT", 1},
      {"runtime.x86HasSSE41", 1},
      {"runtime.x86HasFMA", 1},
      {"runtime.zerobase", 8},
      {"runtime.staticuint64s", 256 * 8}, // the shared one-byte values and strings
      {"runtime.zeroVal", 1024},          // Go 1.21+: the zero value of small types
      {"runtime.defaultGOROOT", 16},      // string: GOROOT when $GOROOT is unset
  };
  if (auto it = kData.find(s.name); it != kData.end()) return {true, it->second};
  // Type descriptors and other metadata of the runtime (type:int, type.string, ...): 48-byte
  // internal/abi.Type headers plus their kind's part, uncommon type and names (reflect.cpp's
  // setupBuiltinTypes).
  if (s.name.starts_with("type:") || s.name.starts_with("type.")) return {true, 256};
  if (s.name.starts_with("go:info.") || s.name.starts_with("go.info.")) return {true, 8};
  // The runtime's inittask, which imported packages' tasks name as a dependency; the model
  // initialises the runtime itself.
  if (s.name.ends_with("..inittask")) return {true, 16};
  return {false, 0};
}

bool Runtime::setup(Guest& g) {
  // Heap (with the TLS block and g at its start) and the first stack mapping.
  if (!g.mapRW(kHeapBase, kHeapChunk)) return false;
  heapMapped_ = kHeapBase + kHeapChunk;
  run_.mappedLo = kStackHi - kInitialMapping;
  if (!g.mapRW(run_.mappedLo, kInitialMapping)) return false;
  run_.stackLo = kStackHi - prof_.initialStack;
  const GLayout& gl = prof_.g;
  g.put64(kGAddr + gl.stackLo, run_.stackLo);
  g.put64(kGAddr + gl.stackHi, kStackHi);
  g.put64(kGAddr + gl.stackguard0, run_.stackLo + prof_.stackGuard);
  g.put64(kGAddr + gl.stackguard1, run_.stackLo + prof_.stackGuard);
  // TLS: linux objects read g at FS-8, darwin (Go 1.15) at GS+0x30 (runtime/go_tls.h, the
  // linker's TLS offset).
  g.put64(kTlsBlock + 0x08, kGAddr);
  g.put64(kTlsBlock + 0x30, kGAddr);
  g.setReg(Reg::FsBase, kTlsBlock + 0x10);
  g.setReg(Reg::GsBase, kTlsBlock);
  abi::enterGoCode(g, prof_.registerAbi, kGAddr);
  // Descriptors of predeclared types (type:int, type:*int, type:string, ...), which objects
  // reference but never define.
  for (loader::SymId id = 0; id < img_.obj->symbols.size(); id++) {
    const auto& s = img_.obj->sym(id);
    if (s.defined() || !img_.address(id)) continue;
    if (s.name == "runtime.defaultGOROOT") { // what runtime.GOROOT() falls back to (-X by go)
      std::string root = goroot();
      if (auto p = allocCopy(g, root)) {
        g.put64(img_.address(id), *p);
        g.put64(img_.address(id) + 8, root.size());
      }
      continue;
    }
    auto facts = builtinTypeFacts(typeStringOfSymbol(s.name));
    if (!facts) continue;
    uint64_t t = img_.address(id);
    // A reference the layout merged with the object's own descriptor (`<unlinkable>.T` and
    // `main.T`) is that descriptor: the compiler wrote it.
    if (auto owner = img_.symbolAt(t); owner && img_.obj->sym(*owner).defined()) continue;
    g.put64(t + typeoff::Size, facts->size);
    g.put8(t + typeoff::Align, facts->align);
    g.put8(t + typeoff::FieldAlign, facts->align);
    bool direct = facts->kind & kind::DirectIface;
    if (prof_.directIfaceInTFlag) {
      g.put8(t + typeoff::Kind, facts->kind & ~kind::DirectIface);
      g.put8(t + typeoff::TFlag, direct ? kTFlagDirectIface : 0);
    } else {
      g.put8(t + typeoff::Kind, facts->kind);
    }
  }
  setupHeapModel(g);    // iface.cpp
  setupBuiltinTypes(g); // reflect.cpp
  return true;
}

uint64_t Runtime::entrySp(uint64_t argBytes) const {
  // Room for the argument area above the return address, like a caller's outgoing area, and
  // 16-byte alignment of the caller's SP as Go keeps it.
  return kStackHi - 64 - roundUp(argBytes, 16) - 8;
}

std::optional<uint64_t> Runtime::allocCopy(Guest& g, std::string_view bytes) {
  auto p = alloc(g, bytes.size());
  if (p && !bytes.empty()) g.write(*p, bytes.data(), bytes.size());
  return p;
}

std::optional<uint64_t> Runtime::alloc(Guest& g, uint64_t size) {
  if (size == 0) return zeroBase_;
  // mallocgc rounds small objects up to size classes; pointers print differently from a real
  // run anyway, so keep 16-byte alignment (8 for tiny objects) and never hand out 0.
  uint64_t align = size >= 16 ? 16 : 8;
  uint64_t a = roundUp(heapNext_, align);
  uint64_t end = a + std::max<uint64_t>(size, 1);
  while (end > heapMapped_) {
    if (!g.mapRW(heapMapped_, kHeapChunk)) return std::nullopt;
    heapMapped_ += kHeapChunk;
  }
  heapNext_ = end;
  g.clear(a, end - a); // fresh memory is zero; a reused address is not
  return a;
}

std::vector<uint64_t> Runtime::deferChain(const Guest& g, size_t limit) const {
  std::vector<uint64_t> out;
  auto d = g.u64(kGAddr + prof_.g.defer);
  while (d && *d && out.size() < limit) {
    out.push_back(*d);
    d = g.u64(*d + prof_.defer.link);
  }
  return out;
}

std::string Runtime::funcvalName(const Guest& g, uint64_t fn) const {
  if (!fn) return "nil func";
  auto code = g.u64(fn);
  if (!code) return fmt::format("{:#x}", fn);
  return img_.describe(*code);
}

std::vector<std::string> Runtime::chainNames(const Guest& g) const {
  std::vector<std::string> names;
  if (!observed()) return names;
  const DeferLayout& L = prof_.defer;
  for (uint64_t x : deferChain(g, kChainShown)) {
    if (L.openDefer >= 0 && g.u8(x + uint64_t(L.openDefer)).value_or(0))
      names.push_back("<open-coded>");
    else if (L.rangefunc >= 0 && g.u8(x + uint64_t(L.rangefunc)).value_or(0))
      names.push_back("<range-over-func loop>");
    else
      names.push_back(funcvalName(g, g.u64(x + L.fn).value_or(0)));
  }
  return names;
}

void Runtime::linkDefer(Guest& g, uint64_t slot, uint64_t value, int delta) {
  g.put64(slot, value);
  run_.deferDepth = uint64_t(int64_t(run_.deferDepth) + delta);
}

StubResult Runtime::fatalError(const std::string& text) {
  output("fatal error: " + text + "\n\n" + goroutineHeader() + "\n");
  return {StubStatus::Exit, 2, "fatal error: " + text};
}

void Runtime::emit(RuntimeEvent e) {
  e.chainLength = run_.deferDepth;
  if (observed()) listener_->runtimeEvent(e);
}

void Runtime::output(const std::string& bytes) {
  if (listener_) listener_->guestOutput({2, bytes});
}

Runtime::State Runtime::state() const {
  return {run_, heapNext_, heapMapped_, calls_, errorType_, sched_, sys_};
}

void Runtime::restore(const State& s) {
  run_ = s.run;
  heapNext_ = s.heapNext;
  heapMapped_ = s.heapMapped;
  calls_ = s.calls;
  errorType_ = s.errorType;
  sched_ = s.sched;
  sys_ = s.sys;
}

const std::map<std::string, Runtime::Model>& Runtime::registry() {
  static const std::map<std::string, Model> r = {
      // ---- system.cpp: what os, syscall, internal/poll, time and internal/godebug get from
      // the runtime (the //go:linkname targets of runtime/*.go, and exported runtime functions)
      {"os.runtime_args", &Runtime::sysArgs},
      {"syscall.runtime_envs", &Runtime::sysEnvs},
      {"os.sigpipe", &Runtime::sysSigpipe},
      {"os.runtime_beforeExit", &Runtime::sysNoop}, // no exit hooks (coverage, ...)
      {"syscall.Exit", &Runtime::sysExit},
      {"syscall.Getpagesize", &Runtime::sysPageSize},
      {"syscall.RawSyscall6", &Runtime::sysRawSyscall6},
      {"runtime.fcntl", &Runtime::sysFcntl},
      {"runtime.entersyscall", &Runtime::sysNoop},
      {"runtime.exitsyscall", &Runtime::sysNoop},
      {"runtime.entersyscallblock", &Runtime::sysNoop},
      {"syscall.runtime_BeforeFork", &Runtime::sysRefuse},
      {"syscall.runtime_AfterFork", &Runtime::sysRefuse},
      {"syscall.runtime_AfterForkInChild", &Runtime::sysRefuse},
      {"syscall.runtime_BeforeExec", &Runtime::sysRefuse},
      {"syscall.runtime_AfterExec", &Runtime::sysRefuse},
      {"syscall.runtime_doAllThreadsSyscall", &Runtime::sysRefuse},
      {"syscall.setenv_c", &Runtime::sysNoop}, // the syscall package keeps its own copy
      {"syscall.unsetenv_c", &Runtime::sysNoop},
      {"syscall.runtimeSetenv", &Runtime::sysNoop},
      {"syscall.runtimeUnsetenv", &Runtime::sysNoop},
      {"syscall.runtimeClearenv", &Runtime::sysNoop},
      {"internal/poll.runtime_pollServerInit", &Runtime::sysNoop},
      {"internal/poll.runtime_pollOpen", &Runtime::sysPollOpen},
      {"internal/poll.runtime_isPollServerDescriptor", &Runtime::sysFalse},
      {"runtime.GOMAXPROCS", &Runtime::sysGomaxprocs},
      {"runtime.NumCPU", &Runtime::sysNumCPU},
      {"runtime.GOROOT", &Runtime::sysGoroot},
      {"runtime.gogetenv", &Runtime::sysGogetenv},
      {"runtime.GC", &Runtime::sysNoop},           // no collection ever runs under the model,
      {"runtime.SetFinalizer", &Runtime::sysNoop}, // so finalizers never run
      {"runtime.KeepAlive", &Runtime::sysNoop},
      {"internal/godebug.setUpdate", &Runtime::sysNoop},
      {"internal/godebug.setNewIncNonDefault", &Runtime::sysNoop},
      {"internal/godebug.registerMetric", &Runtime::sysNoop},
      {"time.now", &Runtime::sysTimeNow},
      {"time.runtimeNow", &Runtime::sysTimeNow},
      {"runtime.nanotime", &Runtime::sysNanotime},
      {"time.runtimeNano", &Runtime::sysNanotime},
      {"sync.runtime_nanotime", &Runtime::sysNanotime},
      {"internal/sync.runtime_nanotime", &Runtime::sysNanotime},
      {"time.runtimeIsBubbled", &Runtime::sysFalse}, // no testing/synctest bubble
      {"time.Sleep", &Runtime::sysSleep},
      // ---- end of system.cpp's entries
      {"runtime.deferprocStack", &Runtime::deferprocStack},
      {"runtime.deferproc", &Runtime::deferproc},
      {"runtime.deferrangefunc", &Runtime::deferrangefunc},
      {"runtime.newproc", &Runtime::newproc},
      {"runtime.Gosched", &Runtime::gosched},
      {"runtime.Goexit", &Runtime::goexitCall},
      {"time.startTimer", &Runtime::timeStartTimer},
      {"time.modTimer", &Runtime::timeStartTimer},
      {"time.stopTimer", &Runtime::timeStopTimer},
      {"time.newTimer", &Runtime::timeNewTimer},
      {"time.resetTimer", &Runtime::timeResetTimer},
      {"runtime.makechan", &Runtime::makechan},
      {"runtime.makechan64", &Runtime::makechan},
      {"runtime.chansend1", &Runtime::chansend1},
      {"runtime.chanrecv1", &Runtime::chanrecv1},
      {"runtime.chanrecv2", &Runtime::chanrecv2},
      {"runtime.closechan", &Runtime::closechan},
      {"runtime.selectgo", &Runtime::selectgo},
      {"runtime.selectnbsend", &Runtime::selectnbsend},
      {"runtime.selectnbrecv", &Runtime::selectnbrecv},
      {"runtime.selectnbrecv2", &Runtime::selectnbrecv2},
      {"runtime.block", &Runtime::block},
      {"runtime.chanlen", &Runtime::chanlen},
      {"runtime.chancap", &Runtime::chanlen},
      {"runtime.deferprocat", &Runtime::deferprocat},
      {"runtime.deferreturn", &Runtime::deferreturn},
      {"runtime.morestack", &Runtime::morestack},
      {"runtime.morestack_noctxt", &Runtime::morestackNoctxt},
      {"runtime.printlock", &Runtime::printlock},
      {"runtime.printunlock", &Runtime::printlock},
      {"runtime.printint", &Runtime::printint},
      {"runtime.printuint", &Runtime::printuint},
      {"runtime.printhex", &Runtime::printhex},
      {"runtime.printbool", &Runtime::printbool},
      {"runtime.printfloat", &Runtime::printfloat},
      {"runtime.printcomplex", &Runtime::printcomplex},
      {"runtime.printfloat64", &Runtime::printfloatShortest},
      {"runtime.printfloat32", &Runtime::printfloatShortest},
      {"runtime.printcomplex128", &Runtime::printcomplexShortest},
      {"runtime.printcomplex64", &Runtime::printcomplexShortest},
      {"runtime.printstring", &Runtime::printstring},
      {"runtime.printpointer", &Runtime::printpointer},
      {"runtime.printuintptr", &Runtime::printhex},
      {"runtime.printslice", &Runtime::printslice},
      {"runtime.printeface", &Runtime::printeface},
      {"runtime.printiface", &Runtime::printeface},
      {"runtime.printnl", &Runtime::printnl},
      {"runtime.printsp", &Runtime::printsp},
      {"runtime.newobject", &Runtime::newobject},
      {"runtime.mallocgc", &Runtime::mallocgc},
      // Go 1.27 size-specialised mallocgc (malloc_generated.go), mallocgc's signature
      {"runtime.mallocgcTinySC2", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC1", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC2", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC3", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC4", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC5", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC6", &Runtime::mallocgc},
      {"runtime.mallocgcSmallScanNoHeaderSC7", &Runtime::mallocgc},
      {"runtime.mallocgcSmallNoScanSC2", &Runtime::mallocgc},
      {"runtime.mallocgcSmallNoScanSC3", &Runtime::mallocgc},
      {"runtime.mallocgcSmallNoScanSC4", &Runtime::mallocgc},
      {"runtime.mallocgcSmallNoScanSC5", &Runtime::mallocgc},
      {"runtime.mallocgcSmallNoScanSC6", &Runtime::mallocgc},
      {"runtime.mallocgcSmallNoScanSC7", &Runtime::mallocgc},
      {"runtime.panicBounds", &Runtime::panicBoundsPcdata},
      {"runtime.makeslice", &Runtime::makeslice},
      {"runtime.gopanic", &Runtime::gopanic},
      {"runtime.gorecover", &Runtime::gorecover},
      {"runtime.panicdivide", &Runtime::panicdivide},
      {"runtime.panicshift", &Runtime::panicshift},
      {"runtime.panicoverflow", &Runtime::panicoverflow},
      {"runtime.convT16", &Runtime::convT},
      {"runtime.convT32", &Runtime::convT},
      {"runtime.convT64", &Runtime::convT},
      {"runtime.convTstring", &Runtime::convT},
      {"runtime.convTslice", &Runtime::convT},
      {"runtime.convT", &Runtime::convT},
      {"runtime.convTnoptr", &Runtime::convT},
      {"runtime.convT2E", &Runtime::convT2E},
      {"runtime.convT2Enoptr", &Runtime::convT2E},
      {"runtime.convT2I", &Runtime::convT2E},
      {"runtime.convT2Inoptr", &Runtime::convT2E},
      // strings.cpp
      {"runtime.concatstring2", &Runtime::concatstrings},
      {"runtime.concatstring3", &Runtime::concatstrings},
      {"runtime.concatstring4", &Runtime::concatstrings},
      {"runtime.concatstring5", &Runtime::concatstrings},
      {"runtime.concatstrings", &Runtime::concatstrings},
      {"runtime.cmpstring", &Runtime::cmpstring},
      {"runtime.strmin", &Runtime::strminmax},
      {"runtime.strmax", &Runtime::strminmax},
      {"runtime.complex128div", &Runtime::complex128div},
      {"runtime.intstring", &Runtime::intstring},
      {"runtime.slicebytetostring", &Runtime::slicebytetostring},
      {"runtime.slicebytetostringtmp", &Runtime::slicebytetostring},
      {"runtime.stringtoslicebyte", &Runtime::stringtoslicebyte},
      {"runtime.stringtoslicerune", &Runtime::stringtoslicerune},
      {"runtime.slicerunetostring", &Runtime::slicerunetostring},
      {"runtime.decoderune", &Runtime::decoderune},
      {"runtime.countrunes", &Runtime::countrunes},
      {"runtime.memequal", &Runtime::memequal},
      {"runtime.memequal0", &Runtime::memequal},
      {"runtime.memequal8", &Runtime::memequal},
      {"runtime.memequal16", &Runtime::memequal},
      {"runtime.memequal32", &Runtime::memequal},
      {"runtime.memequal64", &Runtime::memequal},
      {"runtime.memequal128", &Runtime::memequal},
      {"runtime.memequal_varlen", &Runtime::memequal},
      {"runtime.strequal", &Runtime::memequal},
      {"runtime.f32equal", &Runtime::memequal},
      {"runtime.f64equal", &Runtime::memequal},
      {"runtime.c64equal", &Runtime::memequal},
      {"runtime.c128equal", &Runtime::memequal},
      // slices.cpp
      {"runtime.growslice", &Runtime::growslice},
      {"runtime.growsliceNoAlias", &Runtime::growslice},
      {"runtime.growsliceBuf", &Runtime::growsliceBuf},
      {"runtime.growsliceBufNoAlias", &Runtime::growsliceBuf},
      {"runtime.moveSlice", &Runtime::moveSlice},
      {"runtime.moveSliceNoScan", &Runtime::moveSlice},
      {"runtime.moveSliceNoCap", &Runtime::moveSlice},
      {"runtime.moveSliceNoCapNoScan", &Runtime::moveSlice},
      {"runtime.memmove", &Runtime::memmove},
      {"runtime.typedmemmove", &Runtime::typedmemmove},
      {"runtime.slicecopy", &Runtime::slicecopy},
      {"runtime.slicestringcopy", &Runtime::slicecopy},
      {"runtime.typedslicecopy", &Runtime::slicecopy},
      {"runtime.memclrNoHeapPointers", &Runtime::memclr},
      {"runtime.memclrHasPointers", &Runtime::memclr},
      {"runtime.typedmemclr", &Runtime::memclr},
      // iface.cpp
      {"runtime.assertE2I", &Runtime::assertE2I},
      {"runtime.assertE2I2", &Runtime::assertE2I},
      {"runtime.assertI2I", &Runtime::assertE2I},
      {"runtime.assertI2I2", &Runtime::assertE2I},
      {"runtime.convI2I", &Runtime::assertE2I},
      {"runtime.typeAssert", &Runtime::typeAssert},
      {"runtime.interfaceSwitch", &Runtime::interfaceSwitch},
      {"runtime.panicdottypeE", &Runtime::panicdottype},
      {"runtime.panicdottypeI", &Runtime::panicdottype},
      {"runtime.panicnildottype", &Runtime::panicdottype},
      {"runtime.efaceeq", &Runtime::efaceeq},
      {"runtime.ifaceeq", &Runtime::efaceeq},
      {"runtime.nilinterequal", &Runtime::efaceeq},
      {"runtime.interequal", &Runtime::efaceeq},
      {"runtime.panicwrap", &Runtime::panicwrap},
      {"go:builtin.error.Error", &Runtime::errorErrorWrapper},
      // maps.cpp
      {"runtime.makemap_small", &Runtime::makemap},
      {"runtime.makemap", &Runtime::makemap},
      {"runtime.makemap64", &Runtime::makemap},
      {"runtime.mapaccess1", &Runtime::mapaccess},
      {"runtime.mapaccess1_fast32", &Runtime::mapaccess},
      {"runtime.mapaccess1_fast64", &Runtime::mapaccess},
      {"runtime.mapaccess1_faststr", &Runtime::mapaccess},
      {"runtime.mapaccess1_fat", &Runtime::mapaccess},
      {"runtime.mapaccess2", &Runtime::mapaccess},
      {"runtime.mapaccess2_fast32", &Runtime::mapaccess},
      {"runtime.mapaccess2_fast64", &Runtime::mapaccess},
      {"runtime.mapaccess2_faststr", &Runtime::mapaccess},
      {"runtime.mapaccess2_fat", &Runtime::mapaccess},
      {"runtime.mapassign", &Runtime::mapassign},
      {"runtime.mapassign_fast32", &Runtime::mapassign},
      {"runtime.mapassign_fast32ptr", &Runtime::mapassign},
      {"runtime.mapassign_fast64", &Runtime::mapassign},
      {"runtime.mapassign_fast64ptr", &Runtime::mapassign},
      {"runtime.mapassign_faststr", &Runtime::mapassign},
      {"runtime.mapdelete", &Runtime::mapdelete},
      {"runtime.mapdelete_fast32", &Runtime::mapdelete},
      {"runtime.mapdelete_fast64", &Runtime::mapdelete},
      {"runtime.mapdelete_faststr", &Runtime::mapdelete},
      {"runtime.mapclear", &Runtime::mapclear},
      {"runtime.mapiterinit", &Runtime::mapiterinit},
      {"runtime.mapIterStart", &Runtime::mapiterinit},
      {"runtime.mapiternext", &Runtime::mapiternext},
      {"runtime.mapIterNext", &Runtime::mapiternext},
      {"runtime.fastrand", &Runtime::fastrand},
      {"runtime.rand32", &Runtime::fastrand},
      {"runtime.rand", &Runtime::fastrand},
      {"runtime.gcWriteBarrier", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierCX", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierBX", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierDX", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierBP", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierSI", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierR8", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrierR9", &Runtime::gcWriteBarrier},
      {"runtime.gcWriteBarrier1", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier2", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier3", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier4", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier5", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier6", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier7", &Runtime::gcWriteBarrierN},
      {"runtime.gcWriteBarrier8", &Runtime::gcWriteBarrierN},
      // ---- reflect.cpp: reflect's and internal/reflectlite's linknamed hooks, hashes,
      // runtime.Caller and friends ----
      {"reflect.resolveNameOff", &Runtime::resolveOff},
      {"reflect.resolveTypeOff", &Runtime::resolveOff},
      {"reflect.resolveTextOff", &Runtime::resolveOff},
      {"internal/reflectlite.resolveNameOff", &Runtime::resolveOff},
      {"internal/reflectlite.resolveTypeOff", &Runtime::resolveOff},
      {"reflect.addReflectOff", &Runtime::addReflectOff},
      {"reflect.typelinks", &Runtime::typelinks},
      {"reflect.unsafe_New", &Runtime::unsafeNew},
      {"reflect.unsafe_NewArray", &Runtime::unsafeNew},
      {"internal/reflectlite.unsafe_New", &Runtime::unsafeNew},
      {"reflect.typedmemmove", &Runtime::typedmemmove},
      {"internal/reflectlite.typedmemmove", &Runtime::typedmemmove},
      {"reflect.typedmemmovepartial", &Runtime::typedmemmovepartial},
      {"reflect.typedmemclr", &Runtime::typedmemclrReflect},
      {"reflect.typedmemclrpartial", &Runtime::typedmemclrReflect},
      {"reflect.typedarrayclear", &Runtime::typedmemclrReflect},
      {"reflect.typedslicecopy", &Runtime::typedslicecopyReflect},
      {"reflect.memmove", &Runtime::memmove},
      {"reflect.memclrNoHeapPointers", &Runtime::memclr},
      {"reflect.growslice", &Runtime::reflectGrowslice},
      {"reflect.verifyNotInHeapPtr", &Runtime::verifyNotInHeapPtr},
      {"runtime.makeslicecopy", &Runtime::makeslicecopy},
      {"reflect.maplen", &Runtime::maplen},
      {"internal/reflectlite.maplen", &Runtime::maplen},
      {"reflect.makemap", &Runtime::makemap},
      {"reflect.mapaccess", &Runtime::mapaccess},
      {"reflect.mapaccess_faststr", &Runtime::mapaccess},
      {"reflect.mapassign", &Runtime::mapassign},
      {"reflect.mapassign0", &Runtime::mapassign},
      {"reflect.mapassign_faststr", &Runtime::mapassign},
      {"reflect.mapassign_faststr0", &Runtime::mapassign},
      {"reflect.mapdelete", &Runtime::mapdelete},
      {"reflect.mapdelete_faststr", &Runtime::mapdelete},
      {"reflect.mapclear", &Runtime::mapclear},
      {"reflect.mapiterinit", &Runtime::mapiterinit},
      {"reflect.mapiternext", &Runtime::mapiternext},
      {"reflect.mapiterkey", &Runtime::mapiterField},
      {"reflect.mapiterelem", &Runtime::mapiterField},
      {"reflect.makechan", &Runtime::makechan},
      {"reflect.chansend", &Runtime::reflectChansend},
      {"reflect.chansend0", &Runtime::reflectChansend},
      {"reflect.chanrecv", &Runtime::reflectChanrecv},
      {"reflect.chanclose", &Runtime::closechan},
      {"reflect.chanlen", &Runtime::chanlen},
      {"reflect.chancap", &Runtime::chanlen},
      {"internal/reflectlite.chanlen", &Runtime::chanlen},
      {"reflect.ifaceE2I", &Runtime::ifaceE2I},
      {"internal/reflectlite.ifaceE2I", &Runtime::ifaceE2I},
      {"reflect.typehash", &Runtime::memhash},
      {"runtime.memhash", &Runtime::memhash},
      {"runtime.memhash0", &Runtime::memhash},
      {"runtime.memhash8", &Runtime::memhash},
      {"runtime.memhash16", &Runtime::memhash},
      {"runtime.memhash32", &Runtime::memhash},
      {"runtime.memhash64", &Runtime::memhash},
      {"runtime.memhash128", &Runtime::memhash},
      {"runtime.strhash", &Runtime::memhash},
      {"runtime.f32hash", &Runtime::memhash},
      {"runtime.f64hash", &Runtime::memhash},
      {"runtime.c64hash", &Runtime::memhash},
      {"runtime.c128hash", &Runtime::memhash},
      {"runtime.interhash", &Runtime::memhash},
      {"runtime.nilinterhash", &Runtime::memhash},
      {"runtime.Caller", &Runtime::caller},
      {"runtime.Callers", &Runtime::callers},
      {"runtime.callers", &Runtime::callers},
      {"runtime.FuncForPC", &Runtime::funcForPC},
      {"runtime.(*Func).Name", &Runtime::funcMethod},
      {"runtime.(*Func).Entry", &Runtime::funcMethod},
      {"runtime.(*Func).FileLine", &Runtime::funcMethod},
      {"runtime.CallersFrames", &Runtime::callersFrames},
      {"runtime.(*Frames).Next", &Runtime::framesNext},
      {"internal/bytealg.MakeNoZero", &Runtime::makeNoZero},
      {"sync/atomic.CompareAndSwapPointer", &Runtime::atomicPointer},
      {"sync/atomic.SwapPointer", &Runtime::atomicPointer},
      {"sync/atomic.StorePointer", &Runtime::atomicPointer},
      {"runtime/internal/atomic.storePointer", &Runtime::atomicPointer},
      {"runtime/internal/atomic.casPointer", &Runtime::atomicPointer},
      {"internal/runtime/atomic.storePointer", &Runtime::atomicPointer},
      {"internal/runtime/atomic.casPointer", &Runtime::atomicPointer},
      {"reflect.compiledTypelinks", &Runtime::typelinks},
      {"runtime.getStaticuint64s", &Runtime::getStaticuint64s},
      {"reflect.unsafeslice", &Runtime::unsafeslice},
      {"runtime.panicmakeslicelen", &Runtime::panicMake},
      {"runtime.panicmakeslicecap", &Runtime::panicMake},
      {"runtime.panicunsafeslicelen", &Runtime::panicMake},
      {"runtime.panicunsafeslicenilptr", &Runtime::panicMake},
      {"runtime.panicunsafestringlen", &Runtime::panicMake},
      {"runtime.panicunsafestringnilptr", &Runtime::panicMake},
      // Go 1.24+ reflect iterates maps through internal/runtime/maps' Iter, the map model's
      {"internal/runtime/maps.(*Iter).Init", &Runtime::mapiterinit},
      {"internal/runtime/maps.(*Iter).Next", &Runtime::mapiternext},
      // ---- end reflect.cpp ----
      // sync.cpp: sync, sync/atomic, internal/sync, internal/poll
      {"sync.runtime_Semacquire", &Runtime::semacquire},
      {"sync.runtime_SemacquireMutex", &Runtime::semacquire},
      {"sync.runtime_SemacquireRWMutexR", &Runtime::semacquire},
      {"sync.runtime_SemacquireRWMutex", &Runtime::semacquire},
      {"sync.runtime_SemacquireWaitGroup", &Runtime::semacquire},
      {"internal/sync.runtime_SemacquireMutex", &Runtime::semacquire},
      {"internal/poll.runtime_Semacquire", &Runtime::semacquire},
      {"sync.runtime_Semrelease", &Runtime::semrelease},
      {"internal/sync.runtime_Semrelease", &Runtime::semrelease},
      {"internal/poll.runtime_Semrelease", &Runtime::semrelease},
      {"sync.runtime_notifyListAdd", &Runtime::notifyListAdd},
      {"sync.runtime_notifyListWait", &Runtime::notifyListWait},
      {"sync.runtime_notifyListNotifyAll", &Runtime::notifyListNotify},
      {"sync.runtime_notifyListNotifyOne", &Runtime::notifyListNotify},
      {"sync.runtime_canSpin", &Runtime::syncTrivial},
      {"internal/sync.runtime_canSpin", &Runtime::syncTrivial},
      {"sync.runtime_doSpin", &Runtime::syncTrivial},
      {"internal/sync.runtime_doSpin", &Runtime::syncTrivial},
      {"sync.runtime_procPin", &Runtime::syncTrivial},
      {"sync.runtime_procUnpin", &Runtime::syncTrivial},
      {"sync/atomic.runtime_procPin", &Runtime::syncTrivial},
      {"sync/atomic.runtime_procUnpin", &Runtime::syncTrivial},
      {"sync.runtime_registerPoolCleanup", &Runtime::syncTrivial},
      {"sync.runtime_notifyListCheck", &Runtime::syncTrivial},
      {"internal/synctest.IsInBubble", &Runtime::syncTrivial},
      {"internal/synctest.acquire", &Runtime::syncTrivial},
      {"sync.throw", &Runtime::syncFatal},
      {"sync.fatal", &Runtime::syncFatal},
      {"internal/sync.throw", &Runtime::syncFatal},
      {"internal/sync.fatal", &Runtime::syncFatal},
  };
  return r;
}

bool isBoundsPanic(const std::string& name) {
  static const char* const kinds[] = {"Index",      "SliceAlen",  "SliceAcap", "SliceB",
                                      "Slice3Alen", "Slice3Acap", "Slice3B",   "Slice3C"};
  if (name == "runtime.panicSliceConvert") return true;
  for (const char* k : kinds) {
    std::string base = std::string("runtime.panic") + k;
    if (name == base || name == base + "U") return true;
  }
  return false;
}

bool Runtime::isModelled(const std::string& name) {
  return registry().count(name) || isBoundsPanic(name);
}

StubResult Runtime::onExtern(Guest& g, uint64_t pc) {
  if (pc >= img_.runtimeSlot(loader::Image::kRuntimeSlots - 1) && pc < img_.sentinel()) {
    if (pc >= img_.runtimeSlot(0))
      return panicContinue(g); // a deferred call run by gopanic returned
    return runtimeSlotCall(g, int((img_.runtimeSlot(0) + loader::Image::kExternSlot - 1 - pc) /
                                  loader::Image::kExternSlot)); // iface.cpp
  }
  auto id = img_.externAt(pc);
  if (!id) return fault(fmt::format("execution reached {:#x}, which is no function", pc));
  const std::string& name = img_.obj->sym(*id).name;
  bool continuation = pc != img_.address(*id);
  Call call(*this, g, name, continuation);
  auto it = registry().find(name);
  if (it == registry().end()) {
    if (isBoundsPanic(name)) {
      calls_[name]++;
      return panicBounds(g, call);
    }
    return unsupported(g, name);
  }
  if (!continuation) calls_[name]++;
  return (this->*(it->second))(g, call);
}

StubResult Runtime::returnToCaller(Guest& g) {
  uint64_t sp = g.reg(Reg::RSP);
  auto ret = g.u64(sp);
  if (!ret) return fault("cannot read the return address");
  g.setReg(Reg::RIP, *ret);
  g.setReg(Reg::RSP, sp + 8);
  abi::enterGoCode(g, prof_.registerAbi, kGAddr);
  return {};
}

StubResult Runtime::unsupported(Guest& g, const std::string& name) {
  uint64_t ret = g.u64(g.reg(Reg::RSP)).value_or(0);
  std::string where = img_.describe(ret >= 5 ? ret - 5 : ret);
  if (auto pos = img_.position(ret >= 5 ? ret - 5 : ret))
    where += fmt::format(" at {}:{}", loader::displayFile(pos->file), pos->line);
  return {StubStatus::Unsupported, 3,
          fmt::format("call to {} is not modelled (called from {})", name, where)};
}

StubResult Runtime::fault(const std::string& what) {
  return {StubStatus::Fault, 3, what};
}

// ---- Call: arguments under the object's ABI ----

Runtime::Call::Call(Runtime& rt, Guest& g, std::string name, bool continuation)
    : rt_(rt), g_(g), name_(std::move(name)), continuation_(continuation) {
  sp_ = g.reg(Reg::RSP);
  ret_ = g.u64(sp_).value_or(0);
}

std::optional<uint64_t> Runtime::Call::intArg() {
  if (rt_.prof_.registerAbi) {
    if (intRegs_ >= int(abi::kIntRegs.size())) return std::nullopt;
    return g_.reg(abi::kIntRegs[intRegs_++]);
  }
  stackOff_ = roundUp(stackOff_, 8);
  auto v = g_.u64(sp_ + stackOff_);
  stackOff_ += 8;
  return v;
}

std::optional<uint32_t> Runtime::Call::int32Arg() {
  if (rt_.prof_.registerAbi) {
    auto v = intArg();
    if (!v) return std::nullopt;
    return uint32_t(*v);
  }
  stackOff_ = roundUp(stackOff_, 4);
  auto v = g_.u32(sp_ + stackOff_);
  stackOff_ += 4;
  return v;
}

std::optional<double> Runtime::Call::floatArg() {
  if (rt_.prof_.registerAbi) {
    if (floatRegs_ >= 15) return std::nullopt;
    return g_.xmmLow(floatRegs_++);
  }
  auto bits = intArg();
  if (!bits) return std::nullopt;
  double d;
  std::memcpy(&d, &*bits, 8);
  return d;
}

std::optional<double> Runtime::Call::float32Arg() {
  uint32_t bits32;
  if (rt_.prof_.registerAbi) {
    auto d = floatArg(); // the low 32 bits of the register hold the float32
    if (!d) return std::nullopt;
    uint64_t bits;
    std::memcpy(&bits, &*d, 8);
    bits32 = uint32_t(bits);
  } else {
    auto v = int32Arg(); // ABI0 packs a float32 in 4 bytes, as an int32
    if (!v) return std::nullopt;
    bits32 = *v;
  }
  float f;
  std::memcpy(&f, &bits32, 4);
  return double(f);
}

bool Runtime::Call::intResult(uint64_t v) {
  if (rt_.prof_.registerAbi) {
    if (intResults_ >= int(abi::kIntRegs.size())) return false;
    g_.setReg(abi::kIntRegs[intResults_++], v);
    return true;
  }
  stackOff_ = roundUp(stackOff_, 8);
  bool ok = g_.put64(sp_ + stackOff_, v);
  stackOff_ += 8;
  return ok;
}

bool Runtime::Call::floatResult(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  if (rt_.prof_.registerAbi) {
    if (floatResults_ >= 15) return false;
    g_.setXmmLow(floatResults_++, bits);
    return true;
  }
  return intResult(bits);
}

} // namespace gd::rt
