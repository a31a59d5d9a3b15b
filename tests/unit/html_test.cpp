// --html: the page the run writes, checked in a real browser. godefer-emu writes pages of the
// seed run (deferr.go's c) and of panics with recovers; headless chromium (one for the suite,
// driven through the DevTools protocol) opens each at several #step= positions and its DOM must
// show the current source line, the value of the named variable and g._defer's boxes;
// screenshots go to the build tree (build/tests/html/).
// Skipped when chromium is not installed, unless CI is set: there it must run.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "emulator/frontends/html/page.h"
#include "run_support.h"
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

// The browser: chromium (Debian), chromium-browser or google-chrome; "" when none is installed.
std::string browser() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::string path = run(std::string("command -v ") + name + " 2>/dev/null");
    while (!path.empty() && (path.back() == '\n' || path.back() == ' '))
      path.pop_back();
    if (!path.empty()) return path;
  }
  return "";
}

// Where the pages and screenshots go: build/tests/html (next to this test binary).
fs::path outDir() {
  fs::path d = fs::read_symlink("/proc/self/exe").parent_path() / "html";
  fs::create_directories(d);
  return d;
}

// One headless chromium for the whole suite, driven through the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4): starting a browser per
// page would cost a second or more each.
class Devtools {
public:
  ~Devtools() { stop(); }
  std::string start(const std::string& chromium, const fs::path& profile) {
    signal(SIGPIPE, SIG_IGN);
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) return "pipe failed";
    std::vector<std::string> args = {chromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--hide-scrollbars",
                                     "--no-first-run",
                                     "--disable-extensions",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--no-default-browser-check",
                                     "--mute-audio",
                                     "--remote-debugging-pipe",
                                     "--user-data-dir=" + profile.string(),
                                     "about:blank"};
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0); // its own process group: stop() ends the browser and its helpers
      int a = dup(in[0]), b = dup(out[1]); // without O_CLOEXEC
      dup2(a, 3);
      dup2(b, 4);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(chromium.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
    if (pid_ < 0) return "fork failed";
    auto target = call("Target.createTarget", {{"url", "about:blank"}}, false);
    if (!target.contains("targetId")) return "no target: " + target.dump();
    auto attached =
        call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}, false);
    if (!attached.contains("sessionId")) return "cannot attach: " + attached.dump();
    session_ = attached["sessionId"];
    call("Page.enable");
    call("Runtime.enable");
    call("Emulation.setDeviceMetricsOverride",
         {{"width", 1400}, {"height", 860}, {"deviceScaleFactor", 1}, {"mobile", false}});
    return "";
  }
  void stop() {
    if (to_ >= 0) close(to_);
    if (from_ >= 0) close(from_);
    to_ = from_ = -1;
    if (pid_ > 0) {
      kill(-pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  bool alive() const { return pid_ > 0; }

  // A command (to the page unless `page` is false) and its result; {} after 20 s without one.
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      bool page = true) {
    int id = next_++;
    nlohmann::json msg = {{"id", id}, {"method", method}, {"params", params}};
    if (page) msg["sessionId"] = session_;
    std::string text = msg.dump();
    text += '\0';
    for (size_t done = 0; done < text.size();) {
      ssize_t n = write(to_, text.data() + done, text.size() - done);
      if (n <= 0) return {};
      done += size_t(n);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (auto m = next(deadline)) {
      if (m->contains("id") && (*m)["id"] == id) return m->contains("result") ? (*m)["result"] : *m;
      if (m->value("method", "") == "Runtime.exceptionThrown")
        errors.push_back((*m)["params"]["exceptionDetails"].dump());
    }
    return {};
  }
  // A JavaScript expression's value in the page, as a string ("" when not a string).
  std::string eval(const std::string& expr) {
    auto r = call("Runtime.evaluate", {{"expression", expr}, {"returnByValue", true}});
    if (r.contains("exceptionDetails")) errors.push_back(r["exceptionDetails"].dump());
    if (!r.contains("result") || !r["result"].contains("value")) return "";
    auto& v = r["result"]["value"];
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  // Opens url as a new document and waits until it has loaded and `ready` (a JavaScript
  // expression) holds.
  bool load(const std::string& url, const std::string& ready) {
    call("Page.navigate", {{"url", "about:blank"}});
    call("Page.navigate", {{"url", url}});
    std::string base = url.substr(0, url.find('#'));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (eval("document.readyState === 'complete' && document.URL.split('#')[0] === " +
               nlohmann::json(base).dump() + " && !!(" + ready + ")") == "true")
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  std::vector<std::string> errors; // uncaught exceptions in the page

private:
  std::optional<nlohmann::json> next(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      size_t end = buf_.find('\0');
      if (end != std::string::npos) {
        std::string text = buf_.substr(0, end);
        buf_.erase(0, end + 1);
        return nlohmann::json::parse(text, nullptr, false);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return std::nullopt;
      pollfd p{from_, POLLIN, 0};
      if (poll(&p, 1, int(left)) <= 0) return std::nullopt;
      char chunk[1 << 16];
      ssize_t n = read(from_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buf_.append(chunk, size_t(n));
    }
  }
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1, next_ = 1;
  std::string session_, buf_;
};

std::string unbase64(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (v < 0) continue;
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

class HtmlBrowser : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    std::string chromium = browser();
    if (chromium.empty()) return;
    profile_ = fs::temp_directory_path() / ("godefer-html-" + std::to_string(getpid()));
    browser_ = new Devtools;
    startError_ = browser_->start(chromium, profile_);
  }
  static void TearDownTestSuite() {
    delete browser_;
    browser_ = nullptr;
    std::error_code ec;
    if (!profile_.empty()) fs::remove_all(profile_, ec);
  }
  void SetUp() override {
    if (!browser_) {
      if (std::getenv("CI")) FAIL() << "chromium is not installed (CI is set: the test must run)";
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
    }
    ASSERT_EQ(startError_, "") << "headless chromium did not start";
  }
  // The page's DOM after its script ran, at #step=N (0: no fragment), once `ready` holds.
  std::string dom(const fs::path& page, uint64_t step = 0,
                  const std::string& ready = "document.body.dataset.openMs") {
    std::string url = "file://" + page.string() + (step ? "#step=" + std::to_string(step) : "");
    browser_->errors.clear();
    EXPECT_TRUE(browser_->load(url, ready)) << url;
    std::string d = browser_->eval("document.documentElement.outerHTML");
    // The page's script must run without an uncaught exception.
    EXPECT_EQ(browser_->errors, std::vector<std::string>{}) << url;
    return d;
  }
  // The page at #step=N as a PNG (1400×860).
  void screenshot(const fs::path& page, uint64_t step, const fs::path& png) {
    dom(page, step);
    auto shot = browser_->call("Page.captureScreenshot", {{"format", "png"}});
    std::ofstream out(png, std::ios::binary | std::ios::trunc);
    out << unbase64(shot.value("data", ""));
    out.close();
    EXPECT_GT(fs::file_size(png), 1000u) << png;
  }
  static Devtools* browser_;
  static std::string startError_;
  static fs::path profile_;
};
Devtools* HtmlBrowser::browser_ = nullptr;
std::string HtmlBrowser::startError_;
fs::path HtmlBrowser::profile_;

// godefer-emu --html PAGE ARGS...: its exit status; stdout must stay empty.
int writePage(const fs::path& page, const std::string& args) {
  fs::remove(page);
  std::string out =
      run(quote(emuBinary()) + " --html " + quote(page.string()) + " --source-dir " +
          quote(root() + "/tests/programs") + " " + args + " 2>/dev/null; echo \"exit=$?\"");
  size_t at = out.rfind("exit=");
  EXPECT_EQ(out.substr(0, at), "") << "--html printed a trace";
  return at == std::string::npos ? -1 : std::atoi(out.c_str() + at + 5);
}

// The steps (instruction numbers) at which the JSON trace shows a variable set to `value`.
std::vector<uint64_t> stepsWhere(const std::string& args, const std::string& what) {
  std::string json = run(quote(emuBinary()) + " --json --source-dir " +
                         quote(root() + "/tests/programs") + " " + args + " 2>/dev/null");
  std::vector<uint64_t> steps;
  uint64_t n = 0;
  std::istringstream in(json);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex("\"event\":\"insn\".*\"n\":([0-9]+)")))
      n = std::stoull(m[1]);
    else if (line.find(what) != std::string::npos)
      steps.push_back(n);
  }
  return steps;
}

struct Shown {
  int line = -1;                  // the current source line
  std::string where;              // "deferr.go:9"
  std::string step;               // body's data-step
  std::vector<std::string> chain; // g._defer's boxes
  std::string chainLength;
  std::string out;
  std::string now; // what happened at this step

  std::string var(const std::string& dom, const std::string& name) const {
    std::smatch m;
    std::regex re("<tr class=\"[^\"]*\" data-var=\"" + name + "\"><td>" + name +
                  "</td><td class=\"val\">([^<]*)</td>");
    return std::regex_search(dom, m, re) ? std::string(m[1]) : "(none)";
  }
};

Shown parse(const std::string& dom) {
  Shown s;
  std::smatch m;
  if (std::regex_search(dom, m,
                        std::regex("class=\"row[^\"]*\\bcur\\b[^\"]*\" data-line=\"([0-9]+)\"")))
    s.line = std::stoi(m[1]);
  if (std::regex_search(dom, m, std::regex("data-where=\"([^\"]*)\""))) s.where = m[1];
  if (std::regex_search(dom, m, std::regex("<body[^>]* data-step=\"([0-9]+)\""))) s.step = m[1];
  if (std::regex_search(dom, m,
                        std::regex("<div id=\"chain\" data-length=\"([0-9]+)\">(.*?)</div>"))) {
    s.chainLength = m[1];
    std::string boxes = m[2];
    std::regex box("<span class=\"dbox\">([^<]*)</span>");
    for (auto it = std::sregex_iterator(boxes.begin(), boxes.end(), box);
         it != std::sregex_iterator(); ++it)
      s.chain.push_back((*it)[1]);
  }
  if (std::regex_search(dom, m, std::regex("<pre id=\"out\">([^<]*)</pre>"))) s.out = m[1];
  // What happened at this step: the lines of #now (up to <main>), without their tags.
  size_t from = dom.find("<div id=\"now\">"), to = dom.find("<main>");
  if (from != std::string::npos && to != std::string::npos && from < to)
    s.now = std::regex_replace(dom.substr(from, to - from), std::regex("<[^>]*>"), "\n");
  return s;
}

using Chain = std::vector<std::string>;

const std::string kSeed = "tests/fixtures/go1.22/nl/deferr.o c";

TEST_F(HtmlBrowser, SeedRunStepByStep) {
  auto start = std::chrono::steady_clock::now();
  fs::path page = outDir() / "deferr.html";
  ASSERT_EQ(writePage(page, quote(root() + "/" + "tests/fixtures/go1.22/nl/deferr.o") + " c"), 0);
  std::string args = quote(root() + "/tests/fixtures/go1.22/nl/deferr.o") + " c";
  auto one = stepsWhere(args, "\"new\":1");
  auto two = stepsWhere(args, "\"new\":2");
  auto registered = stepsWhere(args, "\"kind\":\"defer_registered\"");
  auto ran = stepsWhere(args, "\"kind\":\"defer_run\"");
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(two.size(), 1u);
  ASSERT_EQ(registered.size(), 1u);
  ASSERT_EQ(ran.size(), 1u);
  ASSERT_LT(registered[0], one[0]);
  ASSERT_LT(one[0], ran[0]);
  ASSERT_LT(ran[0], two[0]);

  // The first instruction: line 7, no defers, i before its first write.
  std::string d = dom(page);
  Shown s = parse(d);
  EXPECT_EQ(s.step, "1");
  EXPECT_EQ(s.line, 7);
  EXPECT_EQ(s.where, "deferr.go:7");
  EXPECT_EQ(s.chain, Chain{});
  EXPECT_EQ(s.chainLength, "0");
  EXPECT_EQ(s.var(d, "i"), "0");
  EXPECT_NE(d.find("func c() (i int) {"), std::string::npos) << "the Go source is shown";

  // The CALL to deferprocStack: the closure's record on g._defer.
  d = dom(page, registered[0]);
  s = parse(d);
  EXPECT_EQ(s.step, std::to_string(registered[0]));
  EXPECT_EQ(s.line, 8);
  EXPECT_EQ(s.chain, Chain{"main.c.func1"});
  EXPECT_EQ(s.var(d, "i"), "0");
  EXPECT_NE(s.now.find("runtime.deferprocStack"), std::string::npos) << s.now;

  // return 1: i = 1, the defer still pending.
  d = dom(page, one[0]);
  s = parse(d);
  EXPECT_EQ(s.line, 12);
  EXPECT_EQ(s.var(d, "i"), "1");
  EXPECT_EQ(s.chain, Chain{"main.c.func1"});

  // deferreturn unlinks the record and calls the closure.
  d = dom(page, ran[0]);
  s = parse(d);
  EXPECT_EQ(s.chain, Chain{});
  EXPECT_EQ(s.var(d, "i"), "1");
  EXPECT_NE(s.now.find("runtime.deferreturn"), std::string::npos) << s.now;

  // The closure's i++ writes 2 into c's frame.
  d = dom(page, two[0]);
  s = parse(d);
  EXPECT_EQ(s.line, 9);
  EXPECT_EQ(s.where, "deferr.go:9");
  EXPECT_EQ(s.var(d, "i"), "2");
  EXPECT_NE(s.now.find("written by main.c.func1"), std::string::npos) << s.now;
  EXPECT_NE(d.find("i: 0 → 1 → 2"), std::string::npos) << "the step chart's values";
  screenshot(page, two[0], outDir() / "deferr-i2.png");

  // And backwards: one step before the write, i is 1 again.
  d = dom(page, two[0] - 1);
  EXPECT_EQ(parse(d).var(d, "i"), "1");

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 30);
}

// An object without DWARF and no --source-dir: the page shows the lines the run knows, no
// variables, and still g._defer.
TEST_F(HtmlBrowser, WithoutSourceOrNames) {
  fs::path page = outDir() / "deferr-go115.html";
  std::string object = quote(root() + "/tests/fixtures/go1.15/nl/deferr.o");
  fs::remove(page);
  run(quote(emuBinary()) + " --html " + quote(page.string()) + " " + object + " c");
  auto registered = stepsWhere(object + " c", "\"kind\":\"defer_registered\"");
  ASSERT_EQ(registered.size(), 1u);
  std::string d = dom(page, registered[0]);
  Shown s = parse(d);
  EXPECT_EQ(s.chain, Chain{"main.c.func1"});
  EXPECT_EQ(s.line, 8);
  EXPECT_NE(d.find("source not found"), std::string::npos);
  EXPECT_NE(d.find("no named variables known"), std::string::npos);
}

// Keys and clicks, in the browser: a copy of the page with a script that presses keys and clicks
// a source line, noting the position (and the address's fragment) after each.
TEST_F(HtmlBrowser, KeysAndClicksMove) {
  fs::path page = outDir() / "deferr-keys.html";
  std::string args = quote(root() + "/tests/fixtures/go1.22/nl/deferr.o") + " c";
  ASSERT_EQ(writePage(page, args), 0);
  auto one = stepsWhere(args, "\"new\":1");
  auto two = stepsWhere(args, "\"new\":2");
  auto registered = stepsWhere(args, "\"kind\":\"defer_registered\"");
  auto ran = stepsWhere(args, "\"kind\":\"defer_run\"");
  ASSERT_EQ(two.size(), 1u);
  std::string html = slurp(page);
  html += R"(<script>
const trail = [];
const note = () => trail.push(document.body.dataset.step);
const key = (k) => { document.dispatchEvent(new KeyboardEvent("keydown", {key: k})); note(); };
["n", "n", "n", "n", "p", "ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", "End", "Home"].forEach(key);
document.querySelector('#src .row[data-line="9"]').click(); note();
document.querySelector('#asm .row.code').click(); note();
document.body.dataset.trail = trail.join(" ");
setTimeout(() => { document.body.dataset.hash = location.hash; }, 300);
</script>)";
  fs::path scripted = outDir() / "deferr-keys-scripted.html";
  {
    std::ofstream out(scripted, std::ios::binary);
    out << html;
  }
  std::smatch m;
  std::string d = dom(scripted, 1, "document.body.dataset.hash !== undefined");
  ASSERT_TRUE(std::regex_search(d, m, std::regex("data-trail=\"([^\"]*)\""))) << d.substr(0, 300);
  auto at = [](uint64_t n) { return std::to_string(n); };
  std::string want = at(registered[0]) + " " + at(one[0]) + " " + at(ran[0]) + " " + at(two[0]) +
                     " " + at(ran[0]) + " " + at(ran[0] + 1) + " " + at(ran[0]) + " " +
                     at(ran[0] + 1) + " " + at(one[0]) + " " + at(39) + " " + at(1) + " " +
                     at(two[0]) + " " + at(ran[0] + 1);
  EXPECT_EQ(std::string(m[1]), want);
  // The address follows (at most every 100 ms; the last position always lands).
  ASSERT_TRUE(std::regex_search(d, m, std::regex("data-hash=\"([^\"]*)\"")));
  EXPECT_EQ(std::string(m[1]), "#step=" + std::to_string(ran[0] + 1));
}

TEST_F(HtmlBrowser, PanicAndRecover) {
  fs::path page = outDir() / "panics-outer.html";
  std::string args = quote(root() + "/tests/fixtures/go1.22/nl/panics.o") + " outer 1";
  ASSERT_EQ(writePage(page, args), 0);
  auto panicked = stepsWhere(args, "\"kind\":\"panic\"");
  auto recovered = stepsWhere(args, "\"kind\":\"recovered\"");
  auto minusOne = stepsWhere(args, "\"new\":-1");
  ASSERT_EQ(panicked.size(), 1u);
  ASSERT_EQ(recovered.size(), 1u);
  ASSERT_EQ(minusOne.size(), 1u);

  // Just before the panic: three frames' defers on g._defer, newest first.
  std::string d = dom(page, panicked[0] - 1);
  Shown s = parse(d);
  EXPECT_EQ(s.chain, (Chain{"main.inner.func1", "main.middle.func1", "main.outer.func1"}));
  // The panic's CALL: gopanic unlinks inner's record and calls it, in the same instruction.
  d = dom(page, panicked[0]);
  s = parse(d);
  EXPECT_NE(s.now.find("runtime.gopanic: inner boom"), std::string::npos) << s.now;
  EXPECT_EQ(s.chain, (Chain{"main.middle.func1", "main.outer.func1"}));
  EXPECT_EQ(s.out, "");

  // outer's deferred closure recovered and set r = -1; the output so far.
  d = dom(page, minusOne[0]);
  s = parse(d);
  EXPECT_EQ(s.var(d, "r"), "-1");
  EXPECT_NE(s.out.find("inner defer runs\nmiddle defer runs\nouter recovered: inner boom"),
            std::string::npos)
      << s.out;
  screenshot(page, minusOne[0], outDir() / "panics-outer.png");

  d = dom(page, recovered[0]);
  s = parse(d);
  EXPECT_EQ(s.chain, Chain{});
}

TEST_F(HtmlBrowser, CutWhereAsked) {
  fs::path page = outDir() / "deferr-cut.html";
  ASSERT_EQ(writePage(page, "--html-max-insns 10 " +
                                quote(root() + "/tests/fixtures/go1.22/nl/deferr.o") + " c"),
            0);
  std::string d = dom(page, 20);
  Shown s = parse(d);
  EXPECT_EQ(s.step, "10");
  EXPECT_NE(d.find("the first 10 of the run's 39 instructions"), std::string::npos);
}

// The registers the page shows at every position (or every `stride`-th) against the
// debugger's `regs` after as many `stepi`s: the debugger reads the machine, the page only has the
// events (and, after a runtime call, what the call changed). One browser load: a script moves
// through the positions with → (Shift+→: 10) and notes the registers.
using Regs = std::map<std::string, std::string>;

std::vector<Regs> debuggerRegs(const std::string& args, uint64_t n, uint64_t stride) {
  std::string script;
  for (uint64_t at = 0; at + stride <= n; at += stride)
    script += "stepi " + std::to_string(stride) + "\nregs\n";
  script += "quit\n";
  fs::path file = fs::temp_directory_path() / ("godefer-html-x-" + std::to_string(getpid()));
  {
    std::ofstream out(file);
    out << script;
  }
  std::string out =
      run(quote(emuBinary()) + " -i --no-color " + args + " < " + quote(file.string()) + " 2>&1");
  fs::remove(file);
  std::vector<Regs> all;
  std::regex reg("\\b(AX|BX|CX|DX|SI|DI|BP|SP|R8|R9|R10|R11|R12|R13|R14|R15)\\s+0x([0-9a-f]+)");
  for (size_t at = out.find("(godefer) regs"); at != std::string::npos;
       at = out.find("(godefer) regs", at + 1)) {
    size_t end = out.find("(godefer)", at + 1);
    std::string block = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
    Regs r;
    for (auto it = std::sregex_iterator(block.begin(), block.end(), reg);
         it != std::sregex_iterator(); ++it)
      r[(*it)[1]] = std::to_string(std::stoull((*it)[2], nullptr, 16));
    all.push_back(r);
  }
  return all;
}

TEST_F(HtmlBrowser, RegistersAgreeWithTheDebugger) {
  struct Run {
    std::string name, args;
    uint64_t steps, stride;
  };
  for (const Run& r : {Run{"deferr", "tests/fixtures/go1.22/nl/deferr.o c", 39, 1},
                       Run{"pipeline", "tests/fixtures/go1.22/nl/goroutines.o pipeline 3", 310, 1},
                       Run{"fib12", "tests/fixtures/go1.22/opt/recursion.o fib 12", 7434, 100}}) {
    SCOPED_TRACE(r.name);
    std::string args =
        quote(root() + "/" + r.args.substr(0, r.args.find(' '))) + r.args.substr(r.args.find(' '));
    fs::path page = outDir() / (r.name + "-regs.html");
    ASSERT_EQ(writePage(page, args), 0);
    std::string html = slurp(page);
    html += "<script>\nconst stride = " + std::to_string(r.stride) + R"(, out = [];
const key = (k, shiftKey) => document.dispatchEvent(new KeyboardEvent("keydown", {key: k, shiftKey}));
for (let s = stride; s <= Number(document.getElementById("slider").max); s += stride) {
  if (s > stride) for (let k = 0; k < stride; k += stride % 10 ? 1 : 10) key("ArrowRight", stride % 10 === 0);
  out.push([...document.querySelectorAll("#regs td[data-reg]")]
    .map((td) => td.dataset.reg + "=" + td.textContent).join(","));
}
document.body.dataset.regs = out.join(";");
</script>)";
    fs::path scripted = outDir() / (r.name + "-regs-scripted.html");
    {
      std::ofstream out(scripted, std::ios::binary);
      out << html;
    }
    std::string d = dom(scripted, r.stride);
    // (found without std::regex: its matching recurses per character, too deep for this one)
    size_t from = d.find("data-regs=\"");
    ASSERT_NE(from, std::string::npos);
    from += 11;
    std::string all = d.substr(from, d.find('"', from) - from);
    std::vector<Regs> shown;
    std::regex one("([A-Z0-9]+)=0x([0-9a-f]+)");
    for (from = 0; from <= all.size();) {
      size_t to = all.find(';', from);
      if (to == std::string::npos) to = all.size();
      std::string part = all.substr(from, to - from);
      Regs regs;
      for (auto it = std::sregex_iterator(part.begin(), part.end(), one);
           it != std::sregex_iterator(); ++it)
        if ((*it)[1] != "FS" && (*it)[1] != "GS")
          regs[(*it)[1]] = std::to_string(std::stoull((*it)[2], nullptr, 16));
      shown.push_back(regs);
      from = to + 1;
    }
    std::vector<Regs> want = debuggerRegs(args, r.steps, r.stride);
    ASSERT_EQ(shown.size(), r.steps / r.stride);
    ASSERT_EQ(want.size(), shown.size());
    for (size_t k = 0; k < want.size(); k++)
      ASSERT_EQ(shown[k], want[k]) << "at step " << (k + 1) * r.stride;
  }
}

// A run of about a million instructions (fib 22: 917,002) opens in under 2 s: the page's script
// notes when it has decoded the run and drawn the position (data-open-ms, from navigation start).
TEST_F(HtmlBrowser, MillionInstructionsOpenQuickly) {
  fs::path page = outDir() / "fib22.html";
  ASSERT_EQ(writePage(page, quote(root() + "/tests/fixtures/go1.22/opt/recursion.o") + " fib 22"),
            0);
  EXPECT_LT(fs::file_size(page), 8u << 20);
  std::string d = dom(page, 500000);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(d, m, std::regex("data-open-ms=\"([0-9]+)\"")));
  int ms = std::stoi(m[1]);
  EXPECT_LT(ms, 2000);
  EXPECT_EQ(parse(d).step, "500000");
  std::cout << "fib 22: " << fs::file_size(page) << " bytes, opened in " << ms << " ms\n";
}

// In-process, without a browser: what the page holds.
TEST(HtmlPage, RecordsTheSeedRun) {
  auto sess =
      gd::emu::Session::open(fixture("go1.22/nl/deferr.o"),
                             gd::emu::SessionOptions{.sourceDirs = {root() + "/tests/programs"}});
  ASSERT_TRUE(sess) << sess.error().message;
  std::ostringstream html;
  gd::emu::HtmlPage page(html, gd::emu::htmlOptionsFor(**sess, 0));
  (*sess)->addSink(&page);
  ASSERT_TRUE((*sess)->start("c", {}));
  (*sess)->run();
  page.finish();
  std::string h = html.str();
  EXPECT_TRUE(h.starts_with("<!DOCTYPE html>"));
  EXPECT_EQ(h.find("http://"), h.find("http://www.w3.org/2000/svg")) << "no network";
  EXPECT_EQ(h.find("https://"), std::string::npos) << "no network";
  EXPECT_NE(h.find("\"chain\":[\"main.c.func1\"]"), std::string::npos);
  EXPECT_NE(h.find("\"steps\":39"), std::string::npos);
  EXPECT_NE(h.find("\"truncated\":false"), std::string::npos);
  EXPECT_NE(h.find("defer func() {\""), std::string::npos) << "the source's lines";
  EXPECT_NE(h.find("CALL runtime.deferreturn(SB)"), std::string::npos);
}

} // namespace
