// Object loading entry points: the `!<arch>` container, the text header line, and dispatch to
// the binary or listing parser (docs/go-internals.md §1).
#include "loader/object.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "loader/bytes.h"
#include "loader/goobj.h"

namespace gd::loader {
namespace {

constexpr std::string_view kArchMagic = "!<arch>\n";
constexpr uint64_t kMaxFileSize = 1ull << 30;

struct Member {
  std::string name;
  uint64_t offset; // file offset of the member's data
  std::span<const uint8_t> data;
};

Expected<std::vector<Member>> readArchive(std::span<const uint8_t> file) {
  ByteView v{file};
  std::vector<Member> members;
  uint64_t pos = kArchMagic.size();
  while (pos < file.size()) {
    if (file.size() - pos < 60) return fail("archive member header at {:#x} truncated", pos);
    auto hdr = *v.str(pos, 60);
    if (hdr.substr(58, 2) != "`\n")
      return fail("archive member header at {:#x} has no terminator (corrupt archive)", pos);
    std::string name(hdr.substr(0, 16));
    while (!name.empty() && (name.back() == ' ' || name.back() == '/'))
      name.pop_back();
    uint64_t size = 0;
    for (char c : hdr.substr(48, 10)) {
      if (c == ' ') break;
      if (c < '0' || c > '9') return fail("archive member size at {:#x} is not a number", pos);
      size = size * 10 + uint64_t(c - '0');
    }
    uint64_t data = pos + 60;
    if (!v.has(data, size))
      return fail("archive member {} at {:#x} claims {} bytes but the file has {} after it", name,
                  pos, size, file.size() - data);
    members.push_back({name, data, file.subspan(data, size)});
    pos = data + size + (size & 1);
  }
  return members;
}

// Parses `go object GOOS GOARCH VERSION [GOAMD64=..] X:...` and the lines up to the binary
// object; returns the offset of the magic within `body`.
Expected<uint64_t> readTextHeader(std::span<const uint8_t> body, ObjectHeader& h) {
  std::string_view s(reinterpret_cast<const char*>(body.data()), body.size());
  if (!s.starts_with("go object ")) return fail("not a Go object file (no `go object` header)");
  size_t eol = s.find('\n');
  if (eol == std::string_view::npos) return fail("Go object header line is not terminated");
  std::string_view line = s.substr(10, eol - 10);
  std::vector<std::string_view> f;
  while (!line.empty()) {
    size_t sp = line.find(' ');
    f.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) break;
    line = line.substr(sp + 1);
  }
  if (f.size() < 3) return fail("Go object header line has {} fields, want at least 3", f.size());
  h.goos = f[0];
  h.goarch = f[1];
  h.version = f[2];
  for (size_t k = 3; k < f.size(); k++)
    if (f[k].starts_with("X:")) h.experiments = f[k].substr(2);
  // The binary object follows the first "\n!\n" that is not inside a "\n$$" ... "\n$$" block.
  size_t pos = eol;
  bool inDollar = false;
  while (true) {
    size_t bang = s.find("\n!\n", pos), dollar = s.find("\n$$", pos);
    if (bang == std::string_view::npos) return fail("Go object header has no `!` terminator");
    if (dollar != std::string_view::npos && dollar < bang) {
      inDollar = !inDollar;
      pos = dollar + 3;
      continue;
    }
    if (inDollar) {
      pos = bang + 3;
      continue;
    }
    std::string_view header = s.substr(eol + 1, bang - eol);
    h.packageMain =
        header.find("\nmain\n") != std::string_view::npos || header.starts_with("main\n");
    return bang + 3;
  }
}

Expected<std::shared_ptr<Object>> loadObjectBody(const std::string& path,
                                                 std::span<const uint8_t> body, uint64_t bodyOffset,
                                                 const LoadOptions& opts) {
  auto obj = std::make_shared<Object>();
  obj->path = path;
  auto magicAt = readTextHeader(body, obj->header);
  if (!magicAt) return std::unexpected(magicAt.error());
  if (obj->header.goarch != "amd64")
    return fail("object is for GOARCH {}; only amd64 objects can be run", obj->header.goarch);
  VersionMatch vm = matchVersion(obj->header.version);
  if (!vm.profile)
    return fail("unsupported Go version {} (supported: {})", obj->header.version,
                supportedReleases());
  if (vm.newer && opts.strictVersion)
    return failKind(ErrorKind::Unsupported,
                    "Go version {} is newer than the newest release this build knows ({}); "
                    "--strict-version refuses to read it as {}",
                    obj->header.version, vm.profile->name, vm.profile->name);
  obj->profile = vm.profile;
  obj->versionAssumed = vm.newer;
  obj->baseOffset = bodyOffset + *magicAt;
  auto r = parseGoObject(*obj, body.subspan(*magicAt));
  if (!r) return std::unexpected(r.error());
  return obj;
}

} // namespace

Expected<std::shared_ptr<Object>> loadBytes(const std::string& path, std::vector<uint8_t> bytes,
                                            LoadOptions opts) {
  auto withPath = [&](Error e) { return std::unexpected(e.context(path)); };
  std::span<const uint8_t> b(bytes);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.starts_with(kArchMagic)) {
    auto members = readArchive(b);
    if (!members) return withPath(members.error());
    for (const Member& m : *members) {
      if (m.name == "__.PKGDEF") continue;
      auto obj = loadObjectBody(path, m.data, m.offset, opts);
      if (!obj) return withPath(obj.error().context("member " + m.name));
      return obj;
    }
    return withPath(Error{ErrorKind::BadInput, "archive holds no Go object member"});
  }
  if (text.starts_with("go object ")) {
    auto obj = loadObjectBody(path, b, 0, opts);
    if (!obj) return withPath(obj.error());
    return obj;
  }
  if (looksLikeListing(text)) {
    auto obj = std::make_shared<Object>();
    obj->path = path;
    obj->source = SourceKind::Listing;
    auto r = parseListing(*obj, text);
    if (!r) return withPath(r.error());
    obj->reindex();
    return obj;
  }
  if (text.starts_with("\x7f"
                       "ELF"))
    return withPath(Error{ErrorKind::BadInput,
                          "an ELF file, not a Go object: give the .o written by go tool compile"});
  return withPath(Error{ErrorKind::BadInput,
                        "not a Go object file, archive or objdump listing (unknown magic)"});
}

namespace {
Expected<std::vector<uint8_t>> readWhole(const std::string& path) {
  // What is wrong with the path itself, in the system's words (open(2), stat(2)).
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec) return fail("{}: cannot open file: {}", path, ec.message());
  if (std::filesystem::is_directory(st))
    return fail("{}: is a directory, not an object file", path);
  if (!std::filesystem::is_regular_file(st))
    return fail("{}: not a regular file, not an object file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("{}: cannot open file: {}", path, std::strerror(errno));
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) return fail("{}: cannot read file: {}", path, std::strerror(errno));
  if (size == 0) return fail("{}: empty file, not an object file", path);
  if (uint64_t(size) > kMaxFileSize) return fail("{}: file too large ({} bytes)", path, size);
  in.seekg(0);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) return fail("{}: read error: {}", path, std::strerror(errno));
  return bytes;
}
} // namespace

Expected<std::shared_ptr<Object>> loadFile(const std::string& path, LoadOptions opts) {
  auto bytes = readWhole(path);
  if (!bytes) return std::unexpected(bytes.error());
  return loadBytes(path, std::move(*bytes), opts);
}

Expected<std::vector<std::shared_ptr<Object>>> loadArchive(const std::string& path,
                                                           LoadOptions opts) {
  auto bytes = readWhole(path);
  if (!bytes) return std::unexpected(bytes.error());
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  if (!text.starts_with(kArchMagic)) {
    auto one = loadBytes(path, std::move(*bytes), opts);
    if (!one) return std::unexpected(one.error());
    return std::vector{*one};
  }
  auto members = readArchive(*bytes);
  if (!members) return std::unexpected(members.error().context(path));
  std::vector<std::shared_ptr<Object>> objs;
  for (const Member& m : *members) {
    if (m.name == "__.PKGDEF" || m.name == "preferlinkext" || m.name == "dynimportfail") continue;
    auto obj = loadObjectBody(path, m.data, m.offset, opts);
    if (!obj) return std::unexpected(obj.error().context("member " + m.name).context(path));
    objs.push_back(*obj);
  }
  if (objs.empty())
    return std::unexpected(
        Error{ErrorKind::BadInput, "archive holds no Go object member"}.context(path));
  return objs;
}

std::string versionWarning(const Object& obj) {
  if (!obj.versionAssumed || !obj.profile) return {};
  return fmt::format("{} is newer than the newest release this build knows ({}); reading it as {}",
                     obj.header.version, obj.profile->name, obj.profile->name);
}

void Object::reindex() {
  byName_.clear();
  for (SymId i = 0; i < symbols.size(); i++) {
    const Symbol& s = symbols[i];
    if (!s.defined() || s.name.empty()) continue;
    auto [it, inserted] = byName_.emplace(s.name, i);
    // Prefer the Go function (ABIInternal) over its ABI0 wrapper of the same name.
    if (!inserted && symbols[it->second].abi != 1 && s.abi == 1) it->second = i;
  }
}

std::optional<SymId> Object::find(std::string_view name) const {
  auto it = byName_.find(std::string(name));
  if (it == byName_.end()) return std::nullopt;
  return it->second;
}

std::optional<SymId> Object::findFunction(std::string_view user) const {
  std::vector<std::string> candidates{std::string(user)};
  std::string_view rest = user;
  if (rest.starts_with("main."))
    rest.remove_prefix(5);
  else if (rest.starts_with("\"\"."))
    rest.remove_prefix(3);
  candidates.push_back("\"\"." + std::string(rest));
  candidates.push_back("main." + std::string(rest));
  for (const auto& c : candidates)
    if (auto id = find(c); id && symbols[*id].isText()) return id;
  return std::nullopt;
}

std::string Object::displayName(SymId id) const {
  const std::string& n = symbols.at(id).name;
  if (n.starts_with("\"\".") && (header.packageMain || source == SourceKind::Listing))
    return "main." + n.substr(3);
  return n;
}

} // namespace gd::loader
