// Building Go source with the go command (loader/gobuild.h).
#include "loader/gobuild.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gd::loader {
namespace fs = std::filesystem;

bool isGoSource(const std::string& input) {
  std::error_code ec;
  return input.ends_with(".go") || fs::is_directory(input, ec);
}

namespace {

struct Ran {
  int status = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv with the extra environment, in `dir`, collecting stdout and stderr.
Expected<Ran> runCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const std::string& dir) {
  std::string tmpl = (fs::temp_directory_path() / "godefer-emu-XXXXXX").string();
  std::string outPath = tmpl, errPath = tmpl;
  int outFd = mkstemp(outPath.data()), errFd = mkstemp(errPath.data());
  if (outFd < 0 || errFd < 0) return fail("cannot make a temporary file: {}", std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) return fail("cannot run {}: fork: {}", argv[0], std::strerror(errno));
  if (pid == 0) {
    dup2(outFd, 1);
    dup2(errFd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (!dir.empty() && chdir(dir.c_str()) != 0) _exit(126);
    for (const auto& e : env)
      putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    dprintf(2, "exec: %s", std::strerror(errno));
    _exit(127);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  close(outFd);
  close(errFd);
  Ran r;
  r.out = slurp(outPath);
  r.err = slurp(errPath);
  unlink(outPath.c_str());
  unlink(errPath.c_str());
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  if (r.status == 127 && r.err.starts_with("exec: "))
    return fail("cannot run the go command `{}`: {} (install Go or give --go PATH)", argv[0],
                r.err.substr(6));
  return r;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t e = s.find(sep, start);
    parts.push_back(s.substr(start, e == std::string::npos ? std::string::npos : e - start));
    if (e == std::string::npos) break;
    start = e + 1;
  }
  return parts;
}

// The go command's complaint, trimmed to its lines (the first few of a long compiler report).
std::string goErrors(const std::string& err) {
  std::vector<std::string> lines;
  for (auto& l : split(err, '\n'))
    if (!l.empty() && !l.starts_with("#")) lines.push_back(l);
  if (lines.size() > 10) {
    size_t more = lines.size() - 10;
    lines.resize(10);
    lines.push_back(fmt::format("({} more lines)", more));
  }
  std::string s;
  for (const auto& l : lines)
    s += (s.empty() ? "" : "\n") + l;
  return s;
}

} // namespace

Expected<GoBuild> goBuild(const std::string& input, const GoBuildOptions& opts) {
  std::error_code ec;
  if (!fs::exists(input, ec)) return fail("{}: no such file or directory", input);
  std::vector<std::string> argv{opts.goCommand, "list", "-export", "-deps"};
  if (!opts.optimize) argv.push_back("-gcflags=-N -l");
  argv.push_back("-f={{.ImportPath}}\t{{.DepOnly}}\t{{.Name}}\t{{.Export}}");
  std::string dir;
  if (fs::is_directory(input, ec)) {
    if (fs::exists(fs::path(input) / "go.mod", ec)) {
      dir = input;
      argv.push_back(".");
    } else {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(input, ec)) {
        std::string n = e.path().filename().string();
        if (n.ends_with(".go") && !n.ends_with("_test.go") && e.is_regular_file())
          files.push_back(e.path().string());
      }
      if (files.empty()) return fail("{}: no Go files in the directory", input);
      std::sort(files.begin(), files.end());
      argv.insert(argv.end(), files.begin(), files.end());
    }
  } else {
    argv.push_back(input);
  }
  // Objects the emulator runs: linux/amd64, pure Go (no cgo: the runtime model has no C).
  std::vector<std::string> env{"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0"};
  auto ran = runCommand(argv, env, dir);
  if (!ran) return std::unexpected(ran.error());
  if (ran->status != 0) {
    std::string msg = goErrors(ran->err);
    return fail("{}: the go command could not build it:\n{}", input,
                msg.empty() ? fmt::format("exit status {}", ran->status) : msg);
  }
  GoBuild b;
  int mains = 0;
  for (const auto& line : split(ran->out, '\n')) {
    if (line.empty()) continue;
    auto f = split(line, '\t');
    if (f.size() != 4) return fail("unexpected line from `go list`: {}", line);
    if (f[1] == "false") {
      mains++;
      b.mainArchive = f[3];
      b.mainPackage = f[2] == "main" ? "main" : f[0];
    } else if (!f[3].empty()) {
      b.packageFiles[f[0]] = f[3];
    }
  }
  if (mains != 1)
    return fail("{}: the go command listed {} packages to run; give one package", input, mains);
  if (b.mainArchive.empty()) return fail("{}: the go command wrote no archive for it", input);
  return b;
}

} // namespace gd::loader
