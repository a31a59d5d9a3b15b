// The system-call model (runtime_stubs/syscalls.cpp) on a FakeGuest: what a SYSCALL instruction
// gets back in AX for the calls Go's packages make, errors as -errno, the end of the run for
// exit_group, and a clear refusal of numbers the model does not know.
#include <gtest/gtest.h>

#include <cstring>

#include "tests/runtime/world.h"

namespace gd::test {
namespace {

struct Outputs : rt::RuntimeListener {
  std::vector<rt::GuestOutput> seen;
  void runtimeEvent(const rt::RuntimeEvent&) override {}
  void guestOutput(const rt::GuestOutput& o) override { seen.push_back(o); }
  bool wantsRuntimeEvents() const override { return false; }
};

class Syscalls : public ::testing::TestWithParam<std::string> {
protected:
  Syscalls() : w(GetParam() + "/nl/deferr.o") {
    w.rt->setListener(&out);
    pc = w.addressOf("main.c"); // where the SYSCALL "is" (for messages)
    w.g->setReg(Reg::RSP, w.rt->entrySp(0));
    w.g->setReg(Reg::RIP, pc + 2);
  }
  // The system call `nr` with up to three arguments; AX afterwards.
  int64_t sys(uint64_t nr, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    w.g->setReg(Reg::RAX, nr);
    w.g->setReg(Reg::RDI, a1);
    w.g->setReg(Reg::RSI, a2);
    w.g->setReg(Reg::RDX, a3);
    last = w.rt->syscall(*w.g, pc);
    return int64_t(w.g->reg(Reg::RAX));
  }
  uint64_t bytes(const std::string& s) {
    uint64_t a = *w.rt->alloc(*w.g, s.size() + 8);
    w.g->write(a, s.data(), s.size());
    return a;
  }
  World w;
  Outputs out;
  uint64_t pc = 0;
  rt::StubResult last;
};

constexpr uint64_t kRead = 0, kWrite = 1, kClose = 3, kWritev = 20, kGetpid = 39, kFcntl = 72,
                   kClockGettime = 228, kExitGroup = 231, kOpenat = 257, kGetrandom = 318;

TEST_P(Syscalls, WritesToStdoutAndStderrReachTheirStreams) {
  EXPECT_EQ(sys(kWrite, 1, bytes("out\n"), 4), 4);
  EXPECT_EQ(last.status, rt::StubStatus::Continue);
  EXPECT_EQ(w.g->reg(Reg::RCX), pc + 2); // the kernel's return address
  EXPECT_EQ(sys(kWrite, 2, bytes("err\n"), 4), 4);
  uint64_t iov = *w.rt->alloc(*w.g, 32);
  w.g->put64(iov, bytes("a"));
  w.g->put64(iov + 8, 1);
  w.g->put64(iov + 16, bytes("bc"));
  w.g->put64(iov + 24, 2);
  EXPECT_EQ(sys(kWritev, 1, iov, 2), 3);
  ASSERT_EQ(out.seen.size(), 4u);
  EXPECT_EQ(out.seen[0].fd, 1);
  EXPECT_EQ(out.seen[0].bytes, "out\n");
  EXPECT_EQ(out.seen[1].fd, 2);
  EXPECT_EQ(out.seen[1].bytes, "err\n");
  EXPECT_EQ(out.seen[2].bytes + out.seen[3].bytes, "abc");
  EXPECT_EQ(sys(kWrite, 1, bytes(""), 0), 0);
  EXPECT_EQ(out.seen.size(), 4u);
}

TEST_P(Syscalls, BadDescriptorsAndAddressesFailWithErrno) {
  EXPECT_EQ(sys(kWrite, 7, bytes("x"), 1), -9);     // EBADF
  EXPECT_EQ(sys(kWrite, 0, bytes("x"), 1), -9);     // stdin is read-only
  EXPECT_EQ(sys(kWrite, uint64_t(-1), 0, 0), -9);   // a negative descriptor
  EXPECT_EQ(sys(kWrite, 1, 0x10, 4), -14);          // EFAULT: unmapped buffer
  EXPECT_EQ(sys(kWritev, 1, 0x10, 1), -14);         // EFAULT: unmapped iovec
  EXPECT_EQ(sys(kWritev, 1, bytes(""), 1025), -22); // EINVAL: more than UIO_MAXIOV
  EXPECT_EQ(sys(kRead, 0, bytes("...."), 4), 0);    // stdin: end of file
  EXPECT_EQ(sys(kRead, 1, bytes("...."), 4), -9);   // stdout is write-only
  EXPECT_EQ(sys(kRead, 5, bytes("...."), 4), -9);
  EXPECT_EQ(sys(kClose, 1), 0);
  EXPECT_EQ(sys(kWrite, 1, bytes("x"), 1), -9); // closed
  EXPECT_EQ(sys(kClose, 1), -9);
  EXPECT_EQ(sys(kOpenat, uint64_t(-100), bytes("/etc/localtime"), 0), -2); // ENOENT
  EXPECT_TRUE(out.seen.empty());
}

TEST_P(Syscalls, FcntlSeesBlockingPipes) {
  EXPECT_EQ(sys(kFcntl, 0, 3), 0); // F_GETFL: O_RDONLY
  EXPECT_EQ(sys(kFcntl, 1, 3), 1); // O_WRONLY
  EXPECT_EQ(sys(kFcntl, 2, 3), 1);
  EXPECT_EQ(sys(kFcntl, 1, 4, 0x800 | 0x40), 0); // F_SETFL O_NONBLOCK (O_CREAT ignored)
  EXPECT_EQ(sys(kFcntl, 1, 3), 0x801);
  EXPECT_EQ(sys(kFcntl, 2, 2, 1), 0); // F_SETFD FD_CLOEXEC
  EXPECT_EQ(sys(kFcntl, 2, 1), 1);
  EXPECT_EQ(sys(kFcntl, 3, 3), -9);
  EXPECT_EQ(sys(kFcntl, 1, 9999), -22);
}

TEST_P(Syscalls, ClockPidAndRandomAreFixed) {
  uint64_t ts = *w.rt->alloc(*w.g, 16);
  EXPECT_EQ(sys(kClockGettime, 0, ts), 0);
  EXPECT_EQ(w.g->u64(ts), 1257894000u); // 2009-11-10 23:00:00 UTC
  EXPECT_EQ(w.g->u64(ts + 8), 1000u);   // one step of the clock
  EXPECT_EQ(sys(kClockGettime, 1, ts), 0);
  EXPECT_EQ(w.g->u64(ts), 1u);
  EXPECT_EQ(w.g->u64(ts + 8), 2000u);
  EXPECT_EQ(sys(kClockGettime, 99, ts), -22);
  EXPECT_EQ(sys(kClockGettime, 0, 0x10), -14);
  EXPECT_EQ(sys(kGetpid), int64_t(rt::kPid));
  uint64_t buf = *w.rt->alloc(*w.g, 16);
  EXPECT_EQ(sys(kGetrandom, buf, 12, 0), 12);
  World other(GetParam() + "/nl/deferr.o");
  uint64_t buf2 = *other.rt->alloc(*other.g, 16);
  other.g->setReg(Reg::RAX, kGetrandom);
  other.g->setReg(Reg::RDI, buf2);
  other.g->setReg(Reg::RSI, 12);
  other.rt->syscall(*other.g, pc);
  uint8_t a[12], b[12];
  w.g->read(buf, a, 12);
  other.g->read(buf2, b, 12);
  EXPECT_EQ(std::memcmp(a, b, 12), 0);
}

TEST_P(Syscalls, ExitGroupEndsTheRunWithItsStatus) {
  sys(kExitGroup, 3);
  EXPECT_EQ(last.status, rt::StubStatus::Exit);
  EXPECT_EQ(last.exitStatus, 3);
  sys(60, 256 + 7); // exit: the status's low byte
  EXPECT_EQ(last.exitStatus, 7);
}

TEST_P(Syscalls, UnknownNumbersStopTheRunNamingThem) {
  sys(999);
  EXPECT_EQ(last.status, rt::StubStatus::Unsupported);
  EXPECT_EQ(last.exitStatus, 3);
  EXPECT_NE(last.message.find("system call 999 is not modelled"), std::string::npos)
      << last.message;
  EXPECT_NE(last.message.find("main.c"), std::string::npos) << last.message;
  sys(41); // socket
  EXPECT_NE(last.message.find("system call 41 (socket) is not modelled"), std::string::npos)
      << last.message;
}

INSTANTIATE_TEST_SUITE_P(Releases, Syscalls, ::testing::Values("go1.15", "go1.22", "go1.27"),
                         releaseName);

} // namespace
} // namespace gd::test
