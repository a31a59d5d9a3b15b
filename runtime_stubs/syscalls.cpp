// Linux x86-64 system calls made by Go code's own SYSCALL instructions (package syscall's
// Syscall/RawSyscall on Go 1.15, internal/runtime/syscall.Syscall6 on later releases): the
// number in AX, arguments in DI, SI, DX, R10, R8, R9, the result in AX, -errno on failure; the
// kernel leaves the return address in CX (and the flags in R11, which Go code never reads). The
// process answering them is the one system.h describes.
#include <algorithm>

#include <fmt/format.h>

#include "runtime_stubs/runtime.h"

namespace gd::rt {
namespace {

// arch/x86/entry/syscalls/syscall_64.tbl, the calls Go's packages make.
struct SyscallEntry {
  uint64_t nr;
  std::string_view name;
};
constexpr SyscallEntry kSyscalls[] = {
    {0, "read"},
    {1, "write"},
    {2, "open"},
    {3, "close"},
    {4, "stat"},
    {5, "fstat"},
    {6, "lstat"},
    {7, "poll"},
    {8, "lseek"},
    {9, "mmap"},
    {10, "mprotect"},
    {11, "munmap"},
    {12, "brk"},
    {13, "rt_sigaction"},
    {14, "rt_sigprocmask"},
    {16, "ioctl"},
    {17, "pread64"},
    {18, "pwrite64"},
    {19, "readv"},
    {20, "writev"},
    {21, "access"},
    {22, "pipe"},
    {24, "sched_yield"},
    {28, "madvise"},
    {32, "dup"},
    {33, "dup2"},
    {35, "nanosleep"},
    {39, "getpid"},
    {41, "socket"},
    {42, "connect"},
    {56, "clone"},
    {57, "fork"},
    {59, "execve"},
    {60, "exit"},
    {61, "wait4"},
    {62, "kill"},
    {63, "uname"},
    {72, "fcntl"},
    {74, "fsync"},
    {77, "ftruncate"},
    {79, "getcwd"},
    {80, "chdir"},
    {82, "rename"},
    {83, "mkdir"},
    {84, "rmdir"},
    {87, "unlink"},
    {89, "readlink"},
    {96, "gettimeofday"},
    {97, "getrlimit"},
    {102, "getuid"},
    {104, "getgid"},
    {107, "geteuid"},
    {108, "getegid"},
    {110, "getppid"},
    {186, "gettid"},
    {200, "tkill"},
    {201, "time"},
    {202, "futex"},
    {217, "getdents64"},
    {228, "clock_gettime"},
    {230, "clock_nanosleep"},
    {231, "exit_group"},
    {234, "tgkill"},
    {257, "openat"},
    {262, "newfstatat"},
    {270, "pselect6"},
    {281, "epoll_pwait"},
    {291, "epoll_create1"},
    {292, "dup3"},
    {293, "pipe2"},
    {302, "prlimit64"},
    {318, "getrandom"},
    {332, "statx"},
    {435, "clone3"},
    {439, "faccessat2"},
};

constexpr uint64_t kMaxIov = 1024; // UIO_MAXIOV

// splitmix64: the getrandom stream's word `i`.
uint64_t randomWord(uint64_t i) {
  uint64_t z = kRandomSeed + (i + 1) * 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

bool isSyscallPlumbing(std::string_view fn) {
  for (std::string_view pkg : {"syscall.", "internal/runtime/syscall.", "runtime/internal/syscall.",
                               "internal/syscall/unix."})
    if (fn.starts_with(pkg)) return true;
  return false;
}

} // namespace

std::string_view syscallName(uint64_t nr) {
  for (const auto& e : kSyscalls)
    if (e.nr == nr) return e.name;
  return {};
}

// "internal/runtime/syscall.Syscall6 at asm_linux_amd64.s:36, called from os.(*File).Write at
// file.go:189": the SYSCALL's function, then the first Go frame above the syscall packages.
std::string Runtime::callerOfSyscall(const Guest& g, uint64_t pc, uint64_t sp) const {
  auto at = [&](uint64_t p, const std::string& name) {
    std::string s = name;
    if (auto pos = img_.position(p))
      s += fmt::format(" at {}:{}", loader::displayFile(pos->file), pos->line);
    return s;
  };
  std::string where = at(pc, img_.describe(pc));
  auto frames = unwind(g, pc, sp, 64);
  for (size_t k = 1; k < frames.size(); k++)
    if (!frames[k].model && !isSyscallPlumbing(frames[k].name))
      return where + ", called from " + at(frames[k].lookupPc, frames[k].name);
  return where;
}

StubResult Runtime::syscall(Guest& g, uint64_t pc) {
  return systemCall(g, pc, g.reg(Reg::RSP));
}

// syscall.RawSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno): on Go
// 1.21-1.26 the runtime provides it (a push linkname from runtime/internal/syscall, which the
// loader does not load, as it loads none of the runtime's packages), so the model makes the call
// itself, as Syscall6's assembly does: r1 = AX and r2 = DX, or -1, 0 and the errno on failure.
StubResult Runtime::sysRawSyscall6(Guest& g, Call& c) {
  std::array<uint64_t, 7> a{};
  for (auto& v : a) {
    auto x = c.intArg();
    if (!x) return fault("syscall.RawSyscall6: cannot read its arguments");
    v = *x;
  }
  const Reg regs[] = {Reg::RAX, Reg::RDI, Reg::RSI, Reg::RDX, Reg::R10, Reg::R8, Reg::R9};
  for (size_t k = 0; k < a.size(); k++)
    g.setReg(regs[k], a[k]);
  StubResult r = systemCall(g, c.callSite(), c.callerSp());
  if (r.status != StubStatus::Continue) return r;
  uint64_t ax = g.reg(Reg::RAX);
  bool failed = ax > uint64_t(-4096);
  c.intResult(failed ? uint64_t(-1) : ax);
  c.intResult(failed ? 0 : g.reg(Reg::RDX));
  c.intResult(failed ? -ax : 0);
  return returnToCaller(g);
}

// runtime.fcntl(fd, cmd, arg int32) (ret int32, errno int32) (Go 1.20+, os_linux.go; what
// internal/syscall/unix.Fcntl is linked to): the system call, with -1 and the errno on failure.
StubResult Runtime::sysFcntl(Guest& g, Call& c) {
  auto fd = c.intArg(), cmd = c.intArg(), arg = c.intArg();
  if (!fd || !cmd || !arg) return fault("runtime.fcntl: cannot read its arguments");
  g.setReg(Reg::RAX, 72);
  g.setReg(Reg::RDI, uint64_t(int64_t(int32_t(*fd))));
  g.setReg(Reg::RSI, uint64_t(int64_t(int32_t(*cmd))));
  g.setReg(Reg::RDX, uint64_t(int64_t(int32_t(*arg))));
  StubResult r = systemCall(g, c.callSite(), c.callerSp());
  if (r.status != StubStatus::Continue) return r;
  uint64_t ax = g.reg(Reg::RAX);
  bool failed = ax > uint64_t(-4096);
  c.intResult(failed ? uint32_t(-1) : uint32_t(ax));
  c.intResult(failed ? uint32_t(-ax) : 0);
  return returnToCaller(g);
}

StubResult Runtime::systemCall(Guest& g, uint64_t pc, uint64_t sp) {
  const uint64_t nr = g.reg(Reg::RAX);
  const uint64_t a1 = g.reg(Reg::RDI), a2 = g.reg(Reg::RSI), a3 = g.reg(Reg::RDX),
                 a4 = g.reg(Reg::R10);
  std::string_view name = syscallName(nr);
  calls_[fmt::format("syscall {}", name.empty() ? std::to_string(nr) : std::string(name))]++;
  auto ret = [&](int64_t v) {
    g.setReg(Reg::RCX, g.reg(Reg::RIP));
    g.setReg(Reg::RAX, uint64_t(v));
    if (observed()) {
      RuntimeEvent e{RuntimeEventKind::Call, "syscall"};
      e.pc = pc;
      e.detail = fmt::format("system call {}({:#x}, {:#x}, {:#x}) = {}", name, a1, a2, a3, v);
      emit(std::move(e));
    }
    return StubResult{};
  };
  auto openFd = [&](uint64_t fd) { return fd < 3 && sys_.fileFlags[fd] >= 0; };
  // Bytes written to fd 1 or 2 reach the tool's stdout or stderr.
  auto writeOut = [&](uint64_t fd, uint64_t buf, uint64_t n) -> bool {
    std::string bytes(n, '\0');
    if (n && !g.read(buf, bytes.data(), n)) return false;
    if (listener_ && n) listener_->guestOutput({int(fd), std::move(bytes)});
    return true;
  };
  switch (nr) {
  case 0: // read(fd, buf, count): fd 0 is at end of file; 1 and 2 are write-only
    if (!openFd(a1)) return ret(-kernel::kEBADF);
    return ret(a1 == 0 ? 0 : -kernel::kEBADF);
  case 1: // write(fd, buf, count)
    if (!openFd(a1) || a1 == 0) return ret(-kernel::kEBADF);
    if (int64_t(a3) < 0) return ret(-kernel::kEINVAL);
    if (!writeOut(a1, a2, a3)) return ret(-kernel::kEFAULT);
    return ret(int64_t(a3));
  case 20: { // writev(fd, iov, iovcnt)
    if (!openFd(a1) || a1 == 0) return ret(-kernel::kEBADF);
    if (a3 > kMaxIov) return ret(-kernel::kEINVAL);
    uint64_t total = 0;
    for (uint64_t k = 0; k < a3; k++) {
      auto base = g.u64(a2 + 16 * k), len = g.u64(a2 + 16 * k + 8);
      if (!base || !len) return ret(-kernel::kEFAULT);
      if (!writeOut(a1, *base, *len)) return ret(total ? int64_t(total) : -kernel::kEFAULT);
      total += *len;
    }
    return ret(int64_t(total));
  }
  case 3: // close(fd)
    if (!openFd(a1)) return ret(-kernel::kEBADF);
    sys_.fileFlags[a1] = -1;
    return ret(0);
  case 72: { // fcntl(fd, cmd, arg)
    if (!openFd(a1)) return ret(-kernel::kEBADF);
    switch (int32_t(a2)) {
    case kernel::kF_GETFD:
      return ret(sys_.fdFlags[a1]);
    case kernel::kF_SETFD:
      sys_.fdFlags[a1] = int32_t(a3) & kernel::kFD_CLOEXEC;
      return ret(0);
    case kernel::kF_GETFL:
      return ret(sys_.fileFlags[a1]);
    case kernel::kF_SETFL: { // only the status flags may change (fs/fcntl.c SETFL_MASK, in part)
      constexpr int32_t kSettable = kernel::kO_APPEND | kernel::kO_NONBLOCK;
      sys_.fileFlags[a1] = (sys_.fileFlags[a1] & ~kSettable) | (int32_t(a3) & kSettable);
      return ret(0);
    }
    default:
      return ret(-kernel::kEINVAL);
    }
  }
  case 2:   // open
  case 257: // openat
  case 4:   // stat
  case 6:   // lstat
  case 262: // newfstatat
  case 89:  // readlink
  case 267: // readlinkat (os reads /proc/self/exe for os.Executable)
  case 21:  // access
  case 269: // faccessat
  case 439: // faccessat2: the model's file system is empty
    return ret(-kernel::kENOENT);
  case 39:  // getpid
  case 186: // gettid: the main thread's id is the process's
    return ret(int64_t(kPid));
  case 318: { // getrandom(buf, count, flags)
    for (uint64_t k = 0; k < a2; k += 8) {
      uint64_t w = randomWord(sys_.randomDrawn++);
      if (!g.write(a1 + k, &w, std::min<uint64_t>(8, a2 - k))) return ret(-kernel::kEFAULT);
    }
    return ret(int64_t(a2));
  }
  case 228: { // clock_gettime(clockid, *timespec)
    int64_t ns;
    switch (a1) {
    case 0:  // CLOCK_REALTIME
    case 5:  // CLOCK_REALTIME_COARSE
    case 11: // CLOCK_TAI
      ns = wallNanos();
      break;
    case 1: // CLOCK_MONOTONIC
    case 2: // CLOCK_PROCESS_CPUTIME_ID
    case 3: // CLOCK_THREAD_CPUTIME_ID
    case 4: // CLOCK_MONOTONIC_RAW
    case 6: // CLOCK_MONOTONIC_COARSE
    case 7: // CLOCK_BOOTTIME
      ns = monoNanos();
      break;
    default:
      return ret(-kernel::kEINVAL);
    }
    if (!g.put64(a2, uint64_t(ns / 1000000000)) || !g.put64(a2 + 8, uint64_t(ns % 1000000000)))
      return ret(-kernel::kEFAULT);
    return ret(0);
  }
  case 60:  // exit
  case 231: // exit_group
    return {StubStatus::Exit, int(uint8_t(a1)),
            fmt::format("the program exited with status {}", int(uint8_t(a1)))};
  case 97:    // getrlimit(resource, *rlimit)
  case 160:   // setrlimit(resource, *rlimit)
  case 302: { // prlimit64(pid, resource, *new, *old)
    constexpr uint64_t kNofile = 7, kInfinity = ~0ull;
    uint64_t resource = nr == 302 ? a2 : a1;
    uint64_t newp = nr == 160 ? a2 : nr == 302 ? a3 : 0;
    uint64_t oldp = nr == 97 ? a2 : nr == 302 ? a4 : 0;
    if (nr == 302 && a1 != 0 && a1 != kPid) return ret(-kernel::kESRCH);
    if (resource >= 16) return ret(-kernel::kEINVAL);
    bool nofile = resource == kNofile;
    if (oldp && (!g.put64(oldp, nofile ? sys_.nofileCur : kInfinity) ||
                 !g.put64(oldp + 8, nofile ? sys_.nofileMax : kInfinity)))
      return ret(-kernel::kEFAULT);
    if (newp) {
      auto cur = g.u64(newp), max = g.u64(newp + 8);
      if (!cur || !max) return ret(-kernel::kEFAULT);
      if (*cur > *max) return ret(-kernel::kEINVAL);
      if (nofile) {
        if (*max > sys_.nofileMax) return ret(-kernel::kEPERM); // raising needs a capability
        sys_.nofileCur = *cur;
        sys_.nofileMax = *max;
      }
    }
    return ret(0);
  }
  case 24: // sched_yield
  case 28: // madvise
  case 11: // munmap
    return ret(0);
  default:
    break;
  }
  return {StubStatus::Unsupported, 3,
          fmt::format("system call {}{} is not modelled (made in {})", nr,
                      name.empty() ? "" : fmt::format(" ({})", name), callerOfSyscall(g, pc, sp))};
}

} // namespace gd::rt
