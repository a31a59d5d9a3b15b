// Loading a program's packages (loader/program.h).
#include "loader/program.h"

#include <deque>
#include <fstream>
#include <set>

#include "loader/link.h"

namespace gd::loader {

bool modelledPackage(std::string_view p) {
  // internal/runtime/maps (Go 1.24+) is the runtime's map implementation, which the runtime
  // model replaces; reflect calls its Iter methods (runtime_stubs/maps.cpp models them).
  return p == "runtime" || p == "unsafe" || p == "C" || p == "internal/runtime/maps";
}

Expected<std::map<std::string, std::string>> readImportcfg(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("{}: cannot open importcfg", path);
  std::map<std::string, std::string> files;
  std::string line;
  for (int n = 1; std::getline(in, line); n++) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    if (line.empty() || line.starts_with("#")) continue;
    size_t sp = line.find(' ');
    std::string verb = line.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    size_t eq = rest.find('=');
    if (verb == "packagefile" || verb == "importmap") {
      if (eq == std::string::npos || eq == 0 || eq + 1 == rest.size())
        return fail("{}:{}: `{}` needs PATH=VALUE", path, n, verb);
      if (verb == "packagefile") files[rest.substr(0, eq)] = rest.substr(eq + 1);
      continue;
    }
    if (verb == "modinfo" || verb == "packageshlib") continue;
    return fail("{}:{}: unknown importcfg directive `{}`", path, n, verb);
  }
  return files;
}

Expected<std::shared_ptr<Object>> loadProgram(const ProgramSpec& spec) {
  std::vector<LinkUnit> units;
  auto mainObjs = loadArchive(spec.mainObject, spec.load);
  if (!mainObjs) return std::unexpected(mainObjs.error());
  units.push_back({spec.mainPackage, spec.mainObject, true, std::move(*mainObjs)});

  std::set<std::string> seen{spec.mainPackage};
  std::deque<std::string> queue;
  // What one unit's code refers to: the packages of its index references and of the names it
  // leaves undefined (assembly refers by name, `internal/runtime/atomic.Xchg`).
  auto wants = [&](const LinkUnit& u) {
    for (const auto& o : u.objects) {
      for (const auto& p : o->packages)
        if (!seen.contains(p)) seen.insert(p), queue.push_back(p);
      for (const auto& s : o->symbols) {
        if (s.defined()) continue;
        std::string p = s.origin == SymOrigin::PkgRef ? s.refPkg : symbolPackage(s.name);
        if (!p.empty() && !seen.contains(p)) seen.insert(p), queue.push_back(p);
      }
    }
  };
  wants(units[0]);
  while (!queue.empty()) {
    std::string p = queue.front();
    queue.pop_front();
    if (modelledPackage(p)) continue;
    auto it = spec.packageFiles.find(p);
    if (it == spec.packageFiles.end()) continue; // not a package (or not one the build has)
    auto objs = loadArchive(it->second, spec.load);
    if (!objs) return std::unexpected(objs.error().context("package " + p));
    units.push_back({p, it->second, false, std::move(*objs)});
    wants(units.back());
  }
  if (units.size() == 1 && units[0].objects.size() == 1) return units[0].objects[0];
  auto linked = link(std::move(units));
  if (!linked) return std::unexpected(linked.error().context(spec.mainObject));
  (*linked)->path = spec.mainObject;
  return linked;
}

Expected<std::shared_ptr<Object>> loadInput(const std::string& input, InputOptions& opts) {
  if (isGoSource(input)) {
    if (!opts.importcfg.empty())
      return fail("--importcfg is for objects compiled by hand; {} is Go source, which the go "
                  "command builds",
                  input);
    if (!opts.built) {
      auto b = goBuild(input, opts.go);
      if (!b) return std::unexpected(b.error());
      opts.built = std::move(*b);
    }
    ProgramSpec spec{opts.built->mainArchive, opts.built->packageFiles, opts.built->mainPackage,
                     opts.load};
    auto obj = loadProgram(spec);
    if (!obj) return obj;
    (*obj)->path = input;
    return obj;
  }
  if (!opts.importcfg.empty()) {
    auto files = readImportcfg(opts.importcfg);
    if (!files) return std::unexpected(files.error());
    return loadProgram({input, *files, "main", opts.load});
  }
  return loadFile(input, opts.load);
}

} // namespace gd::loader
