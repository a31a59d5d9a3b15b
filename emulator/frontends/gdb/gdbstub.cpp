#include "emulator/frontends/gdb/gdbstub.h"

#include "emulator/frontends/gdb/elfsyms.h"
#include "emulator/frontends/listen.h"
#include "emulator/frontends/repl/repl.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace gd::emu {
namespace {

// Register numbers of the target description below.
constexpr int kRip = 16, kEflags = 17, kSegFirst = 18, kSt0 = 24, kFctrl = 32, kXmm0 = 40,
              kMxcsr = 56, kFsBase = 57, kGsBase = 58, kRegs = 59;

int regSize(int n) {
  if (n < kEflags) return 8;
  if (n < kSt0) return 4;
  if (n < kFctrl) return 10;
  if (n < kXmm0) return 4;
  if (n < kMxcsr) return 16;
  if (n == kMxcsr) return 4;
  return 8;
}

std::string hexBytes(const void* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    uint8_t b = static_cast<const uint8_t*>(p)[i];
    out += d[b >> 4];
    out += d[b & 15];
  }
  return out;
}

std::optional<std::string> unhex(std::string_view h) {
  if (h.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) {
    auto v = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = v(h[i]), lo = v(h[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += char(hi << 4 | lo);
  }
  return out;
}

std::optional<uint64_t> hexNum(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | uint64_t(d);
  }
  return v;
}

// "ADDR,LEN" (followed by ':' or ',' and more, or the end).
std::optional<std::pair<uint64_t, uint64_t>> addrLen(std::string_view s) {
  size_t comma = s.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  size_t end = s.find_first_of(":,", comma + 1);
  auto a = hexNum(s.substr(0, comma));
  auto n = hexNum(s.substr(comma + 1, end == std::string_view::npos ? end : end - comma - 1));
  if (!a || !n) return std::nullopt;
  return std::pair{*a, *n};
}

std::string frame(const std::string& payload) {
  uint8_t sum = 0;
  for (char c : payload)
    sum = uint8_t(sum + uint8_t(c));
  return fmt::format("${}#{:02x}", payload, sum);
}

} // namespace

const std::string& GdbStub::targetXml() {
  static const std::string xml = [] {
    std::string r = R"(<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
<architecture>i386:x86-64</architecture>
<osabi>GNU/Linux</osabi>
<feature name="org.gnu.gdb.i386.core">
)";
    const char* gprs[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (int i = 0; i < 16; i++)
      r += fmt::format(R"(<reg name="{}" bitsize="64" type="{}" regnum="{}"/>)"
                       "\n",
                       gprs[i], i == 6 || i == 7 ? "data_ptr" : "int64", i);
    r += R"(<reg name="rip" bitsize="64" type="code_ptr" regnum="16"/>
<reg name="eflags" bitsize="32" type="int32" regnum="17"/>
)";
    const char* segs[] = {"cs", "ss", "ds", "es", "fs", "gs"};
    for (int i = 0; i < 6; i++)
      r += fmt::format(R"(<reg name="{}" bitsize="32" type="int32" regnum="{}"/>)"
                       "\n",
                       segs[i], kSegFirst + i);
    for (int i = 0; i < 8; i++)
      r += fmt::format(R"(<reg name="st{}" bitsize="80" type="i387_ext" regnum="{}"/>)"
                       "\n",
                       i, kSt0 + i);
    const char* fpu[] = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
    for (int i = 0; i < 8; i++)
      r += fmt::format(R"(<reg name="{}" bitsize="32" type="int" group="float" regnum="{}"/>)"
                       "\n",
                       fpu[i], kFctrl + i);
    r += "</feature>\n<feature name=\"org.gnu.gdb.i386.sse\">\n";
    for (int i = 0; i < 16; i++)
      r += fmt::format(R"(<reg name="xmm{}" bitsize="128" type="uint128" regnum="{}"/>)"
                       "\n",
                       i, kXmm0 + i);
    r += fmt::format(R"(<reg name="mxcsr" bitsize="32" type="int" group="vector" regnum="{}"/>)"
                     "\n</feature>\n<feature name=\"org.gnu.gdb.i386.segments\">\n"
                     R"(<reg name="fs_base" bitsize="64" type="int" regnum="{}"/>)"
                     "\n"
                     R"(<reg name="gs_base" bitsize="64" type="int" regnum="{}"/>)"
                     "\n</feature>\n</target>\n",
                     kMxcsr, kFsBase, kGsBase);
    return r;
  }();
  return xml;
}

std::optional<std::string> GdbStub::readRegister(int n) {
  if (n < 0 || n >= kRegs) return std::nullopt;
  Machine& m = d_.session().machine();
  uint8_t buf[16] = {};
  if (n < 16 || n == kRip) {
    uint64_t v = m.reg(n == kRip ? rt::Reg::RIP : rt::Reg(n));
    std::memcpy(buf, &v, 8);
  } else if (n == kEflags) {
    uint32_t v = uint32_t(m.eflags());
    std::memcpy(buf, &v, 4);
  } else if (n >= kXmm0 && n < kMxcsr) {
    m.readXmm(n - kXmm0, buf);
  } else if (n == kFsBase || n == kGsBase) {
    uint64_t v = m.reg(n == kFsBase ? rt::Reg::FsBase : rt::Reg::GsBase);
    std::memcpy(buf, &v, 8);
  } else if (n == kFctrl) {
    uint32_t v = 0x37f; // the x87 control word at reset (Go code does not use the x87 unit)
    std::memcpy(buf, &v, 4);
  } else if (n == kMxcsr) {
    uint32_t v = 0x1f80;
    std::memcpy(buf, &v, 4);
  }
  return hexBytes(buf, size_t(regSize(n)));
}

std::string GdbStub::readRegisters() {
  std::string out;
  for (int n = 0; n < kRegs; n++)
    out += *readRegister(n);
  return out;
}

bool GdbStub::writeRegister(int n, const std::string& hex) {
  auto bytes = unhex(hex);
  if (n < 0 || n >= kRegs || !bytes || bytes->size() != size_t(regSize(n))) return false;
  Machine& m = d_.session().machine();
  uint64_t v = 0;
  std::memcpy(&v, bytes->data(), std::min<size_t>(8, bytes->size()));
  if (n < 16)
    m.setReg(rt::Reg(n), v);
  else if (n == kRip)
    m.setReg(rt::Reg::RIP, v);
  else if (n == kEflags)
    m.setEflags(v);
  else if (n >= kXmm0 && n < kMxcsr)
    m.writeXmm(n - kXmm0, reinterpret_cast<const uint8_t*>(bytes->data()));
  else if (n == kFsBase)
    m.setReg(rt::Reg::FsBase, v);
  else if (n == kGsBase)
    m.setReg(rt::Reg::GsBase, v);
  // Segment selectors and the x87 state are not part of what Go code runs with: accepted.
  return true;
}

std::string GdbStub::readMemory(uint64_t addr, uint64_t len) {
  len = std::min<uint64_t>(len, 0x2000);
  std::string buf(len, '\0');
  Machine& m = d_.session().machine();
  if (m.read(addr, buf.data(), len)) return hexBytes(buf.data(), len);
  // As much as is mapped from addr on; nothing at all is an error.
  uint64_t n = 0;
  while (n < len && m.read(addr + n, buf.data() + n, 1))
    n++;
  if (n == 0) return "E14"; // EFAULT
  return hexBytes(buf.data(), n);
}

std::string GdbStub::stopReply(const DebugStop& s) {
  switch (s.why) {
  case StopWhy::Breakpoint:
    return lastStop_ = "T05thread:01;swbreak:;";
  case StopWhy::Watch:
    for (const auto& w : d_.watches())
      if (w.id == s.id) return lastStop_ = fmt::format("T05thread:01;watch:{:x};", w.addr);
    return lastStop_ = "T05thread:01;";
  case StopWhy::HistoryStart:
    return lastStop_ = "T05thread:01;replaylog:begin;";
  case StopWhy::Interrupted:
    return lastStop_ = "T02thread:01;";
  case StopWhy::Returned:
    exitStatus_ = 0;
    return lastStop_ = "W00";
  case StopWhy::Exited:
    exitStatus_ = s.exitStatus;
    // A fault Go reports as SIGSEGV reaches gdb as that signal.
    if (s.message.find("SIGSEGV") != std::string::npos) return lastStop_ = "X0b";
    return lastStop_ = fmt::format("W{:02x}", uint8_t(s.exitStatus));
  case StopWhy::Error: {
    exitStatus_ = 3;
    std::string text = "godefer-emu: " + s.message + "\n";
    output_.push_back("O" + hexBytes(text.data(), text.size()));
    return lastStop_ = "W03";
  }
  case StopWhy::NotRunning:
    return lastStop_;
  default:
    return lastStop_ = "T05thread:01;";
  }
}

DebugStop GdbStub::resume(char how) {
  if (beforeResume) beforeResume();
  DebugStop s;
  switch (how) {
  case 's':
    s = d_.stepi(1);
    break;
  case 'c':
    s = d_.cont();
    break;
  case 'S':
    s = d_.reverseStepi(1);
    break;
  default:
    s = d_.reverseContinue();
    break;
  }
  if (afterResume) afterResume();
  return s;
}

std::optional<std::string> GdbStub::handle(const std::string& p) {
  if (p.empty()) return "";
  auto resumeReply = [&](char how) -> std::string {
    std::string r = stopReply(resume(how));
    return r;
  };
  switch (p[0]) {
  case '?':
    return lastStop_;
  case 'g':
    return readRegisters();
  case 'G': {
    std::string_view h = std::string_view(p).substr(1);
    size_t at = 0;
    for (int n = 0; n < kRegs && at < h.size(); n++) {
      size_t len = size_t(2 * regSize(n));
      if (!writeRegister(n, std::string(h.substr(at, len)))) return "E01";
      at += len;
    }
    return "OK";
  }
  case 'p': {
    auto n = hexNum(std::string_view(p).substr(1));
    if (!n) return "E01";
    auto r = readRegister(int(*n));
    return r ? *r : "E01";
  }
  case 'P': {
    size_t eq = p.find('=');
    auto n = eq == std::string::npos ? std::nullopt : hexNum(std::string_view(p).substr(1, eq - 1));
    if (!n || !writeRegister(int(*n), p.substr(eq + 1))) return "E01";
    return "OK";
  }
  case 'm': {
    auto al = addrLen(std::string_view(p).substr(1));
    if (!al) return "E01";
    return readMemory(al->first, al->second);
  }
  case 'M':
  case 'X': {
    auto al = addrLen(std::string_view(p).substr(1));
    size_t colon = p.find(':');
    if (!al || colon == std::string::npos) return "E01";
    std::string data;
    if (p[0] == 'M') {
      auto b = unhex(std::string_view(p).substr(colon + 1));
      if (!b) return "E01";
      data = *b;
    } else { // binary, with } escapes (the framing already undid them)
      data = p.substr(colon + 1);
    }
    if (data.size() != al->second) return "E01";
    if (data.empty()) return "OK";
    return d_.session().machine().write(al->first, data.data(), data.size()) ? "OK" : "E14";
  }
  case 'Z':
  case 'z': {
    if (p.size() < 2) return "E01";
    auto al = addrLen(std::string_view(p).substr(3));
    if (!al) return "E01";
    bool insert = p[0] == 'Z';
    if (p[1] == '0' || p[1] == '1') { // software or hardware breakpoint: both ours
      if (insert) {
        if (breakpoints_.count(al->first)) return "OK";
        auto b = d_.addBreakpoint(fmt::format("*{:#x}", al->first));
        if (!b) return "E01";
        breakpoints_[al->first] = (*b)->id;
      } else if (auto it = breakpoints_.find(al->first); it != breakpoints_.end()) {
        d_.remove(it->second);
        breakpoints_.erase(it);
      }
      return "OK";
    }
    if (p[1] == '2') { // write watchpoint: stops when the bytes change
      auto key = std::pair{al->first, uint32_t(al->second)};
      if (insert) {
        if (!watchpoints_.count(key))
          watchpoints_[key] =
              d_.addWatch(fmt::format("*{:#x}", al->first), al->first, uint32_t(al->second), "")
                  ->id;
      } else if (auto it = watchpoints_.find(key); it != watchpoints_.end()) {
        d_.remove(it->second);
        watchpoints_.erase(it);
      }
      return "OK";
    }
    return ""; // read and access watchpoints: the machine sees writes only
  }
  case 's':
    return resumeReply('s');
  case 'c':
    return resumeReply('c');
  case 'b':
    if (p == "bs") return resumeReply('S');
    if (p == "bc") return resumeReply('C');
    return "";
  case 'k':
    killed_ = true;
    return std::nullopt;
  case 'D':
    detached_ = true;
    return "OK";
  case 'H':
  case 'T':
    return "OK";
  case 'v':
    if (p == "vCont?") return "vCont;c;C;s;S";
    if (p.starts_with("vCont;")) {
      char a = p.size() > 6 ? p[6] : 'c';
      return resumeReply(a == 's' || a == 'S' ? 's' : 'c');
    }
    if (p.starts_with("vKill")) {
      killed_ = true;
      return "OK";
    }
    return "";
  case 'q':
  case 'Q':
    if (p.starts_with("qSupported"))
      return "PacketSize=4000;qXfer:features:read+;ReverseStep+;ReverseContinue+;"
             "QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+";
    if (p == "QStartNoAckMode") {
      noAck_ = true;
      return "OK";
    }
    if (p.starts_with("qXfer:features:read:target.xml:")) {
      auto al = addrLen(std::string_view(p).substr(31));
      if (!al) return "E01";
      const std::string& x = targetXml();
      if (al->first >= x.size()) return "l";
      std::string part = x.substr(al->first, al->second);
      return (al->first + part.size() >= x.size() ? "l" : "m") + part;
    }
    if (p == "qAttached") return "1";
    if (p == "qC") return "QC1";
    if (p == "qfThreadInfo") return "m1";
    if (p == "qsThreadInfo") return "l";
    if (p.starts_with("qSymbol")) return "OK";
    if (p.starts_with("qRcmd,")) {
      auto cmd = unhex(std::string_view(p).substr(6));
      if (!cmd) return "E01";
      if (!monitor) return "";
      std::string text = monitor(*cmd);
      for (size_t at = 0; at < text.size(); at += 512) {
        std::string part = text.substr(at, 512);
        output_.push_back("O" + hexBytes(part.data(), part.size()));
      }
      return "OK";
    }
    return "";
  default:
    return "";
  }
}

Expected<int> serveGdb(const Debugger::Options& opts, const std::string& hostPort,
                       const std::string& elfPath) {
  // The address first: a bad one stops the command before the symbol file is written.
  auto listener = listenOn("--gdb", hostPort);
  if (!listener) return std::unexpected(listener.error());
  std::ostringstream replOut;
  Repl repl(replOut, replOut, ReplOptions{});
  auto ready = [&]() -> Expected<void> {
    if (auto r = repl.open(opts); !r) return r;
    return writeSymbolFile(repl.debugger(), elfPath);
  }();
  if (!ready) {
    close(listener->fd);
    return std::unexpected(ready.error());
  }
  Debugger& d = repl.debugger();
  std::cerr << fmt::format("godefer-emu: listening for gdb on {}:{}; symbols in {}: gdb {} -ex "
                           "'target remote {}:{}'\n",
                           listener->ip, listener->port, elfPath, elfPath, listener->ip,
                           listener->port)
            << std::flush;
  auto accepted = acceptOne("--gdb", *listener);
  if (!accepted) return std::unexpected(accepted.error());
  int fd = *accepted, one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  GdbStub stub(d);
  stub.monitor = [&](const std::string& cmd) {
    replOut.str("");
    repl.execute(cmd);
    return replOut.str();
  };
  auto sendAll = [&](const std::string& s) {
    for (size_t at = 0; at < s.size();) {
      ssize_t n = send(fd, s.data() + at, s.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return false;
      at += size_t(n);
    }
    return true;
  };
  // Ctrl-C while a command runs: a thread watches the socket for the interrupt byte.
  std::atomic<bool> running{false};
  std::thread watcher;
  stub.beforeResume = [&] {
    running = true;
    watcher = std::thread([&] {
      while (running) {
        pollfd pf{fd, POLLIN, 0};
        if (poll(&pf, 1, 20) > 0) {
          char c;
          if (recv(fd, &c, 1, MSG_PEEK) == 1 && c == '\x03') {
            recv(fd, &c, 1, 0);
            d.interrupt();
          } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
      }
    });
  };
  stub.afterResume = [&] {
    running = false;
    if (watcher.joinable()) watcher.join();
  };

  std::string in;
  char buf[4096];
  bool open = true;
  while (open && !stub.detached() && !stub.killed()) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break; // the client went away
    in.append(buf, size_t(n));
    while (!in.empty()) {
      if (in[0] == '+' || in[0] == '-') {
        in.erase(0, 1);
        continue;
      }
      if (in[0] == '\x03') { // interrupt while stopped: report where we are
        in.erase(0, 1);
        sendAll(frame("T02thread:01;"));
        continue;
      }
      if (in[0] != '$') {
        in.erase(0, 1); // noise between packets
        continue;
      }
      size_t hash = in.find('#');
      if (hash == std::string::npos || hash + 2 >= in.size()) break; // incomplete
      std::string raw = in.substr(1, hash - 1);
      auto sum = hexNum(std::string_view(in).substr(hash + 1, 2));
      in.erase(0, hash + 3);
      uint8_t mine = 0;
      for (char c : raw)
        mine = uint8_t(mine + uint8_t(c));
      if (!sum || *sum != mine) {
        if (!stub.noAck()) sendAll("-");
        continue;
      }
      if (!stub.noAck()) sendAll("+");
      // Undo the binary escapes (} then the byte xor 0x20) and run-length encoding is never
      // sent by gdb.
      std::string p;
      for (size_t i = 0; i < raw.size(); i++)
        p += raw[i] == '}' && i + 1 < raw.size() ? char(raw[++i] ^ 0x20) : raw[i];
      auto reply = stub.handle(p);
      if (!reply) continue;
      for (const auto& o : stub.takeOutput())
        sendAll(frame(o));
      if (!sendAll(frame(*reply))) {
        open = false;
        break;
      }
    }
  }
  close(fd);
  return stub.exitStatus().value_or(0);
}

} // namespace gd::emu
