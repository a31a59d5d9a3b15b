// `godefer-emu -i` on a real terminal: tmux runs it in a pseudo-terminal, send-keys types, and
// capture-pane reads the screen. Line editing (cursor movement and insertion), history (Up),
// completion of commands and symbol names (Tab, unique and ambiguous), and colour. Every wait
// polls the screen with a timeout, so a slow machine only makes the test slower.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "support.h"

namespace fs = std::filesystem;

namespace {

using namespace gd::test;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    n++;
  return n;
}

class Tmux {
public:
  Tmux() : sock_("godefer-test-" + std::to_string(getpid())) {}
  ~Tmux() { std::system(("tmux -L " + sock_ + " kill-server >/dev/null 2>&1").c_str()); }

  bool start(const std::string& command) {
    home_ = fs::temp_directory_path() / sock_;
    fs::create_directories(home_);
    std::string cmd = "tmux -L " + sock_ + " -f /dev/null new-session -d -s t -x 160 -y 60 -c " +
                      quote(root()) + " " +
                      quote("env HOME=" + home_.string() + " TERM=xterm " + command);
    return std::system(cmd.c_str()) == 0;
  }
  std::string screen(bool escapes = false) {
    return run("tmux -L " + sock_ + " capture-pane -p -J -S -1000 " + (escapes ? "-e " : "") +
               "-t t 2>/dev/null");
  }
  void literal(const std::string& text) {
    std::system(("tmux -L " + sock_ + " send-keys -t t -l " + quote(text)).c_str());
  }
  void key(const std::string& name) {
    std::system(("tmux -L " + sock_ + " send-keys -t t " + name).c_str());
  }
  bool alive() {
    return std::system(("tmux -L " + sock_ + " has-session -t t >/dev/null 2>&1").c_str()) == 0;
  }
  // Waits until `what` appears `times` times on the screen.
  bool waitFor(const std::string& what, size_t times = 1, int seconds = 20) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (count(screen(), what) >= times) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Waits until the last line of the screen (the input line) reads `line`.
  bool waitForInput(const std::string& line, int seconds = 20) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      std::string s = screen();
      while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
      std::string last = s.substr(s.rfind('\n') == std::string::npos ? 0 : s.rfind('\n') + 1);
      if (last == line) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

private:
  std::string sock_;
  fs::path home_;
};

} // namespace

TEST(Terminal, EditingHistoryAndCompletion) {
  ASSERT_EQ(std::system("command -v tmux >/dev/null"), 0) << "tmux is needed for this test";
  std::string bin = emuBinary();
  ASSERT_TRUE(fs::exists(bin)) << bin << " is not built";
  Tmux t;
  ASSERT_TRUE(t.start(quote(bin) + " -i --source-dir tests/programs "
                                   "tests/fixtures/go1.24/nl/deferr.o c"));
  ASSERT_TRUE(t.waitForInput("(godefer)")) << t.screen();
  // Colour on a terminal (the context view's rules and marks).
  EXPECT_NE(t.screen(true).find("\x1b["), std::string::npos);

  // Editing: a typo fixed by moving the cursor (Ctrl-A, Right) and inserting.
  t.literal("brek c.func1");
  ASSERT_TRUE(t.waitForInput("(godefer) brek c.func1")) << t.screen();
  t.key("C-a");
  for (int k = 0; k < 3; k++)
    t.key("Right");
  t.literal("a");
  ASSERT_TRUE(t.waitForInput("(godefer) break c.func1")) << t.screen();
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("Breakpoint 1 at 0x400110: main.c.func1 at deferr.go:9")) << t.screen();

  // Completion of a command name: unique.
  t.literal("contin");
  t.key("Tab");
  ASSERT_TRUE(t.waitForInput("(godefer) continue")) << t.screen();
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("Breakpoint 1, main.c.func1 at deferr.go:9")) << t.screen();

  // Completion of a symbol name.
  t.literal("b c.fu");
  t.key("Tab");
  ASSERT_TRUE(t.waitForInput("(godefer) b c.func1")) << t.screen();
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("Breakpoint 2 at 0x400110")) << t.screen();

  // Ambiguous completion lists the candidates and keeps the line.
  t.literal("reverse-");
  t.key("Tab");
  ASSERT_TRUE(t.waitFor("reverse-stepi")) << t.screen();
  EXPECT_TRUE(t.waitFor("reverse-continue")) << t.screen();
  ASSERT_TRUE(t.waitForInput("(godefer) reverse-")) << t.screen();
  t.key("C-u");
  ASSERT_TRUE(t.waitForInput("(godefer)")) << t.screen();

  // History: Up recalls the last command.
  t.literal("print i");
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("i = 1")) << t.screen();
  t.key("Up");
  ASSERT_TRUE(t.waitForInput("(godefer) print i")) << t.screen();
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("i = 1", 2)) << t.screen();
  // Further back in history, then the line cleared (Ctrl-U) and another command typed.
  t.key("Up");
  t.key("Up");
  ASSERT_TRUE(t.waitForInput("(godefer) b c.func1")) << t.screen();
  t.key("C-u");
  t.literal("bt");
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("#1  0x401088 in runtime.deferreturn (runtime model)")) << t.screen();

  // An empty line repeats a stepping command.
  t.literal("stepi");
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("instruction 32")) << t.screen();
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("instruction 33")) << t.screen();

  t.literal("quit");
  t.key("Enter");
  for (int k = 0; k < 200 && t.alive(); k++)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(t.alive()) << "godefer-emu did not quit";
}

// Ctrl-C stops a long `continue` (and the stop can be stepped back from); at the prompt it only
// gives a new prompt.
TEST(Terminal, CtrlCInterruptsARunningCommand) {
  std::string bin = emuBinary();
  ASSERT_TRUE(fs::exists(bin)) << bin << " is not built";
  Tmux t;
  ASSERT_TRUE(t.start(quote(bin) + " -i --no-color --max-insns 4000000000 --source-dir "
                                   "tests/programs tests/fixtures/go1.24/nl/spin.o spin "
                                   "100000000"));
  ASSERT_TRUE(t.waitForInput("(godefer)")) << t.screen();
  t.key("C-c");
  ASSERT_TRUE(t.waitFor("(godefer)", 2)) << t.screen();
  EXPECT_TRUE(t.alive());
  t.literal("continue");
  t.key("Enter");
  // Let it run a moment (it needs minutes to finish), then interrupt.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  t.key("C-c");
  ASSERT_TRUE(t.waitFor("Interrupted.")) << t.screen();
  ASSERT_TRUE(t.waitForInput("(godefer)")) << t.screen();
  t.literal("reverse-stepi 10");
  t.key("Enter");
  ASSERT_TRUE(t.waitFor("(godefer) reverse-stepi 10")) << t.screen();
  t.literal("quit");
  t.key("Enter");
  for (int k = 0; k < 200 && t.alive(); k++)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(t.alive());
}
