// The runtime's services to the packages above it: the //go:linkname targets that runtime/*.go
// provides to os, syscall, internal/poll, time and internal/godebug (runtime.go, env_posix.go,
// proc.go, netpoll.go, time.go, godebug hooks in runtime1.go), and the exported functions of
// the runtime they and programs call (GOMAXPROCS, GC, SetFinalizer). Each one reads its
// arguments under the object's ABI and answers as the runtime of the release does on a Linux
// process with the facts of system.h.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "runtime_stubs/runtime.h"

namespace gd::rt {

std::string Runtime::programName() const {
  std::filesystem::path p(img_.obj ? img_.obj->path : std::string());
  std::string name = p.filename().string();
  for (const char* ext : {".go", ".o", ".a"})
    if (name.size() > std::strlen(ext) && name.ends_with(ext)) {
      name.resize(name.size() - std::strlen(ext));
      break;
    }
  return name.empty() ? "main" : name;
}

int64_t Runtime::wallNanos() {
  sys_.elapsed += kClockStep;
  return kClockStartUnix * 1000000000 + int64_t(sys_.elapsed);
}

int64_t Runtime::monoNanos() {
  sys_.elapsed += kClockStep;
  return int64_t(kMonoStart + sys_.elapsed);
}

// os.runtime_args() []string: argv, the program's name only (system.h).
StubResult Runtime::sysArgs(Guest& g, Call& c) {
  std::string name = programName();
  auto bytes = alloc(g, name.size());
  auto slice = alloc(g, 16);
  if (!bytes || !slice) return fault("os.runtime_args: heap exhausted");
  g.write(*bytes, name.data(), name.size());
  g.put64(*slice, *bytes);
  g.put64(*slice + 8, name.size());
  c.intResult(*slice);
  c.intResult(1);
  c.intResult(1);
  return returnToCaller(g);
}

// syscall.runtime_envs() []string: append([]string{}, envs...) of an empty environment, a
// non-nil empty slice.
StubResult Runtime::sysEnvs(Guest& g, Call& c) {
  auto p = alloc(g, 0);
  if (!p) return fault("syscall.runtime_envs: heap exhausted");
  c.intResult(*p);
  c.intResult(0);
  c.intResult(0);
  return returnToCaller(g);
}

// Calls that change nothing the program can observe here: entersyscall/exitsyscall (one P, no
// sysmon), exit hooks (none registered), the C environment (there is no libc; package syscall
// keeps its own copy), the poller's initialisation (it is never used: see sysPollOpen), GC (no
// collection ever runs under the model, so no finalizer runs either, which is also what a short
// native program observes: its finalizers are not run before it exits), KeepAlive, and the
// godebug hooks (GODEBUG is empty and so is the linker's default for `go run` of a file, so
// internal/godebug's settings keep their empty values; metrics are never read).
StubResult Runtime::sysNoop(Guest& g, Call&) {
  return returnToCaller(g);
}

// syscall.Exit(code int): exit(code) ends the process with code's low byte.
StubResult Runtime::sysExit(Guest& g, Call& c) {
  auto code = c.intArg();
  if (!code) return fault("syscall.Exit: cannot read its argument");
  int status = int(uint8_t(*code));
  (void)g;
  return {StubStatus::Exit, status, fmt::format("the program exited with status {}", status)};
}

// os.sigpipe(): a write to a closed pipe on stdout or stderr kills the process with SIGPIPE
// (the shell's status 128+13). Descriptors 1 and 2 never fail with EPIPE here.
StubResult Runtime::sysSigpipe(Guest&, Call&) {
  return {StubStatus::Exit, 141, "the program was killed by SIGPIPE"};
}

StubResult Runtime::sysRefuse(Guest& g, Call& c) {
  StubResult r = unsupported(g, c.name());
  r.message += ": the model runs one process and cannot fork or exec";
  return r;
}

StubResult Runtime::sysPageSize(Guest& g, Call& c) {
  c.intResult(kSysPageSize);
  return returnToCaller(g);
}

// runtime.GOMAXPROCS(n int) int: the previous setting; n > 0 changes it (the model schedules on
// one P whatever the number says).
StubResult Runtime::sysGomaxprocs(Guest& g, Call& c) {
  auto n = c.intArg();
  if (!n) return fault("runtime.GOMAXPROCS: cannot read its argument");
  int64_t prev = sys_.gomaxprocs;
  if (int64_t(*n) > 0) sys_.gomaxprocs = int64_t(*n);
  c.intResult(uint64_t(prev));
  return returnToCaller(g);
}

StubResult Runtime::sysNumCPU(Guest& g, Call& c) {
  c.intResult(1);
  return returnToCaller(g);
}

StubResult Runtime::sysFalse(Guest& g, Call& c) {
  c.intResult(0);
  return returnToCaller(g);
}

// internal/poll.runtime_pollOpen(fd uintptr) (uintptr, int): there is no network poller, and
// what the model's files are (descriptors 0..2, see system.h) epoll refuses as it refuses a
// regular file: EPERM. internal/poll then uses the descriptor blocking, as Go does for regular
// files.
StubResult Runtime::sysPollOpen(Guest& g, Call& c) {
  c.intArg();
  c.intResult(0);
  c.intResult(uint64_t(kernel::kEPERM));
  return returnToCaller(g);
}

// time.now() (sec int64, nsec int32, mono int64); Go 1.27's time.runtimeNow has the same
// results.
StubResult Runtime::sysTimeNow(Guest& g, Call& c) {
  int64_t wall = wallNanos();
  int64_t mono = int64_t(kMonoStart + sys_.elapsed);
  c.intResult(uint64_t(wall / 1000000000));
  c.intResult(uint64_t(wall % 1000000000));
  c.intResult(uint64_t(mono));
  return returnToCaller(g);
}

// runtime.nanotime() int64 and the names it is linked to (time.runtimeNano, sync's).
StubResult Runtime::sysNanotime(Guest& g, Call& c) {
  c.intResult(uint64_t(monoNanos()));
  return returnToCaller(g);
}

// runtime.GOROOT() string: $GOROOT (the environment is empty), else the root the toolchain was
// built or linked with: the Debian packages' /usr/lib/go-1.N (system.h).
std::string Runtime::goroot() const {
  return fmt::format("/usr/lib/go-1.{}", prof_.minor);
}

StubResult Runtime::sysGoroot(Guest& g, Call& c) {
  std::string root = goroot();
  auto p = allocCopy(g, root);
  if (!p) return fault("runtime.GOROOT: heap exhausted");
  c.intResult(*p);
  c.intResult(root.size());
  return returnToCaller(g);
}

// runtime.gogetenv(key string) string (env_posix.go; runtime.GOROOT inlined into other packages
// calls it): the process's environment is empty, so every key is unset: "".
StubResult Runtime::sysGogetenv(Guest& g, Call& c) {
  if (!c.intArg() || !c.intArg()) return fault("runtime.gogetenv: cannot read its argument");
  c.intResult(0);
  c.intResult(0);
  return returnToCaller(g);
}

} // namespace gd::rt
