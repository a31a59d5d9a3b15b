// The process the model runs, as the operating system shows it to Go code: its descriptors, its
// clock, its random bytes, its arguments and environment. Every fact is fixed, so runs are
// deterministic: two runs of a program print the same and take the same path.
//
// - argv is one word, the program's name: the input's base name without `.go`/`.o`/`.a` (what
//   `go build` would name the executable: `hello` for hello.go). The environment is empty, as
//   under `env -i`.
// - Descriptors 0, 1, 2 are open: 0 reads end-of-file, 1 and 2 write to the tool's stdout and
//   stderr. fcntl reports them as the ends of pipes (0 O_RDONLY, 1 and 2 O_WRONLY, blocking),
//   so os.NewFile keeps them out of the network poller, as for a shell pipe. The file system is
//   empty: openat, stat, readlink and access fail with ENOENT (time's /etc/localtime and
//   zoneinfo lookups then give UTC; os.Executable fails).
// - The clock: wall time starts at 2009-11-10 23:00:00 UTC (the Go playground's), the monotonic
//   clock at 1 s; every reading of either advances both by 1 µs (kClockStep). When no goroutine
//   can run, the clock jumps to the next timer (time.Sleep's, a Timer's, a Ticker's:
//   timer.cpp). Readings do not depend on how many instructions ran, so a trace and a -q run
//   of a program see the same times.
// - getrandom gives the bytes of splitmix64 seeded with kRandomSeed, in order.
// - runtime.GOROOT is /usr/lib/go-1.N, where the Debian packages install release N (the
//   environment has no GOROOT).
// - getpid and gettid answer kPid; the machine has one CPU (runtime.NumCPU, GOMAXPROCS start
//   at 1); pages are 4096 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace gd::rt {

inline constexpr int64_t kClockStartUnix = 1257894000;      // 2009-11-10 23:00:00 UTC
inline constexpr uint64_t kMonoStart = 1000000000;          // CLOCK_MONOTONIC at the start: 1 s
inline constexpr uint64_t kClockStep = 1000;                // ns each clock reading advances
inline constexpr uint64_t kRandomSeed = 0x676f646566657221; // "godefer!"
inline constexpr uint64_t kPid = 1000;
inline constexpr uint64_t kSysPageSize = 4096;

// Linux x86-64 facts the model answers with (asm-generic/errno-base.h, fcntl.h).
namespace kernel {
inline constexpr int64_t kEPERM = 1, kENOENT = 2, kESRCH = 3, kEBADF = 9, kEFAULT = 14,
                         kEINVAL = 22;
inline constexpr int32_t kO_RDONLY = 0, kO_WRONLY = 1, kO_APPEND = 0x400, kO_NONBLOCK = 0x800;
inline constexpr int32_t kF_GETFD = 1, kF_SETFD = 2, kF_GETFL = 3, kF_SETFL = 4, kFD_CLOEXEC = 1;
} // namespace kernel

// What the model's process keeps that changes while it runs (part of Runtime::State, so time
// travel restores it).
struct SystemState {
  uint64_t elapsed = 0;     // ns since the clock started
  uint64_t randomDrawn = 0; // getrandom words handed out: the stream's position
  // Descriptors 0..2: status flags (fcntl F_GETFL), -1 once closed; descriptor flags (F_GETFD).
  std::array<int32_t, 3> fileFlags = {kernel::kO_RDONLY, kernel::kO_WRONLY, kernel::kO_WRONLY};
  std::array<int32_t, 3> fdFlags = {0, 0, 0};
  int64_t gomaxprocs = 1;
  // RLIMIT_NOFILE (os raises the soft limit to the hard one at init from Go 1.19): Linux's
  // defaults for a process that nothing raised (INR_OPEN_CUR, INR_OPEN_MAX). Other resources
  // are unlimited.
  uint64_t nofileCur = 1024, nofileMax = 4096;
  bool operator==(const SystemState&) const = default;
};

// The name of a Linux x86-64 system call ("write"), or "" for a number the table lacks.
std::string_view syscallName(uint64_t nr);

} // namespace gd::rt
