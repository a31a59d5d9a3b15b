// The runtime model on a FakeGuest over the image of a real object of one release, and the
// moves compiled code makes around runtime calls (used by the tests in tests/runtime/).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "loader/image.h"
#include "loader/object.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/runtime_profile.h"
#include "tests/runtime/fake_guest.h"
#include "tests/unit/support.h"

namespace gd::test {

using rt::Reg;

// Test names per release: "go1.22" -> "go122".
inline std::string releaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string v = info.param;
  v.erase(std::remove(v.begin(), v.end(), '.'), v.end());
  return v;
}

struct Events : rt::RuntimeListener {
  std::vector<rt::RuntimeEvent> seen;
  std::string output;
  void runtimeEvent(const rt::RuntimeEvent& e) override { seen.push_back(e); }
  void guestOutput(const rt::GuestOutput& o) override { output += o.bytes; }
};

// An object of one release laid out at its addresses, a FakeGuest holding it, and the runtime
// model set up on it (TLS, g, the first stack, the heap).
struct World {
  std::shared_ptr<loader::Object> obj;
  const rt::RuntimeProfile* prof = nullptr;
  std::unique_ptr<loader::Image> img;
  std::unique_ptr<FakeGuest> g;
  std::unique_ptr<rt::Runtime> rt;
  Events events;

  explicit World(const std::string& rel) {
    auto o = loader::loadFile(fixture(rel));
    if (!o) throw std::runtime_error(o.error().message);
    obj = *o;
    prof = rt::runtimeProfileFor(obj->profile->minor);
    if (!prof) throw std::runtime_error("no runtime profile for " + rel);
    loader::LayoutOptions lo;
    lo.classify = [p = prof](const loader::Symbol& s) { return rt::Runtime::classify(s, *p); };
    auto i = loader::layout(obj, lo);
    if (!i) throw std::runtime_error(i.error().message);
    img = std::make_unique<loader::Image>(std::move(*i));
    g = std::make_unique<FakeGuest>(*img);
    rt = std::make_unique<rt::Runtime>(*img, *prof);
    rt->setListener(&events);
    if (!rt->setup(*g)) throw std::runtime_error("runtime setup failed");
  }
  // A defined symbol's address, or the extern slot of a runtime function the object calls.
  uint64_t addressOf(const std::string& name) const {
    if (auto id = obj->findFunction(name)) return img->address(*id); // "".c.func1 in Go 1.15
    if (auto id = obj->find(name)) return img->address(*id);
    for (loader::SymId id = 0; id < obj->symbols.size(); id++)
      if (obj->sym(id).name == name && img->address(id)) return img->address(id);
    throw std::runtime_error("no symbol " + name);
  }
  uint64_t gDefer() const { return g->u64(rt->gAddr() + prof->g.defer).value_or(~0ull); }
  // CALL fn from `ret`'s call site with the stack pointer at callerSp before the call, then
  // what the engine does on reaching the extern slot.
  rt::StubResult call(const std::string& fn, uint64_t callerSp, uint64_t ret) {
    g->setReg(Reg::RSP, callerSp - 8);
    g->put64(callerSp - 8, ret);
    uint64_t slot = addressOf(fn);
    g->setReg(Reg::RIP, slot);
    return rt->onExtern(*g, slot);
  }
  // The RET of the function running now.
  rt::StubResult ret() {
    uint64_t sp = g->reg(Reg::RSP), to = g->u64(sp).value_or(0);
    g->setReg(Reg::RSP, sp + 8);
    g->setReg(Reg::RIP, to);
    return rt->onExtern(*g, to);
  }
};

} // namespace gd::test
