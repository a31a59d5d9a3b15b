#include "emulator/engine/timeline.h"

#include <algorithm>

namespace gd::emu {

Timeline::Timeline(Session& s, TimelineOptions opts)
    : session_(s), machine_(s.machine()), opts_(opts) {
  if (opts_.interval == 0) opts_.interval = 1;
  checkpoint(); // with no base, the snapshot reads every page
  machine_.setRecorder(this);
}

Timeline::~Timeline() {
  if (machine_.recorder() == this) machine_.setRecorder(nullptr);
}

void Timeline::checkpoint() {
  uint64_t count = session_.instructions();
  if (!cps_.empty() && cps_.back().count == count) return;
  Checkpoint c;
  c.count = count;
  const MachineSnapshot* base = cps_.empty() ? nullptr : cps_.back().machine.get();
  c.machine = machine_.snapshot(base, &written_);
  c.runtime = session_.runtime().state();
  c.session = session_.saveState();
  if (!cps_.empty()) cps_.back().writtenAfter = std::move(written_);
  cps_.push_back(std::move(c));
  written_.clear();
  if (bytes() > opts_.maxBytes) thin();
}

// Every other checkpoint of the older half goes, the first and the newest stay, until the pages
// fit or only those two are left. The write sets of the removed ones join their predecessor's.
void Timeline::thin() {
  while (bytes() > opts_.maxBytes && cps_.size() > 2) {
    size_t half = cps_.size() / 2;
    std::vector<Checkpoint> kept;
    for (size_t i = 0; i < cps_.size(); i++) {
      if (i == 0 || i >= half || i % 2 == 0) {
        kept.push_back(std::move(cps_[i]));
        continue;
      }
      auto& prev = kept.back().writtenAfter;
      prev.insert(cps_[i].writtenAfter.begin(), cps_[i].writtenAfter.end());
    }
    if (kept.size() == cps_.size()) break;
    cps_ = std::move(kept);
    thinned_ = true;
  }
}

uint64_t Timeline::bytes() const {
  uint64_t b = machine_.snapshotBytes();
  for (const auto& c : cps_)
    b += c.machine->overheadBytes() + c.writtenAfter.size() * sizeof(uint64_t) * 2;
  return b;
}

std::vector<uint64_t> Timeline::checkpointCounts() const {
  std::vector<uint64_t> out;
  for (const auto& c : cps_)
    out.push_back(c.count);
  return out;
}

StopReason Timeline::advance(uint64_t budget) {
  uint64_t end = budget > UINT64_MAX - now() ? UINT64_MAX : now() + budget;
  while (true) {
    uint64_t next = cps_.back().count + opts_.interval;
    if (next <= now()) {
      checkpoint();
      continue;
    }
    StopReason r = session_.step(std::min(end, next) - now());
    if (r.kind != StopKind::Stepped || now() >= end) return r;
    if (now() >= next) checkpoint();
  }
}

void Timeline::seek(uint64_t count) {
  count = std::max(count, origin());
  size_t i = cps_.size();
  while (i > 1 && cps_[i - 1].count > count)
    i--;
  Checkpoint& c = cps_[i - 1];
  // Execution always stands in the newest interval, so going forward within it needs no restore;
  // anything else restores `c`, writing back the pages written in every interval since it.
  if (now() < c.count || now() > count) {
    std::unordered_set<uint64_t> dirty = written_;
    for (size_t k = i - 1; k < cps_.size(); k++)
      dirty.insert(cps_[k].writtenAfter.begin(), cps_[k].writtenAfter.end());
    machine_.restore(*c.machine, &dirty);
    session_.runtime().restore(c.runtime);
    session_.restoreState(c.session);
    written_.clear();
    c.writtenAfter.clear(); // `c` becomes the newest: its record is written_ from here
  }
  cps_.resize(i); // the future is recomputed when execution goes forward again
  if (count > now()) {
    // Full speed: nothing to ask before each instruction (stores are still recorded).
    seeking_ = true;
    session_.setMuted(true);
    session_.step(count - now());
    session_.setMuted(false);
    seeking_ = false;
  }
  wroteWatched_ = false;
}

void Timeline::replay(uint64_t from, uint64_t to, const Visitor& visit, bool sparse) {
  seek(from);
  visitor_ = &visit;
  sparse_ = sparse;
  session_.setMuted(true);
  if (to > now()) session_.step(to - now());
  machine_.readRegFile(regs_);
  bool wrote = wroteWatched_;
  wroteWatched_ = false;
  visit(Position{now(), regs_[size_t(rt::Reg::RIP)], regs_, wrote});
  session_.setMuted(false);
  visitor_ = nullptr;
  sparse_ = false;
}

bool Timeline::beforeInstruction(uint64_t pc) {
  if (!visitor_ && !policy_) return true;
  machine_.readRegFile(regs_);
  bool wrote = wroteWatched_;
  wroteWatched_ = false;
  if (visitor_) {
    (*visitor_)(Position{machine_.instructionsExecuted(), pc, regs_, wrote});
    return true;
  }
  return !policy_->stopBefore(pc, regs_, wrote);
}

void Timeline::beforeWrite(uint64_t addr, size_t size) {
  if (size == 0) return;
  constexpr uint64_t kPage = MachineSnapshot::kPage;
  for (uint64_t p = addr / kPage; p <= (addr + size - 1) / kPage; p++)
    written_.insert(p);
  for (auto [b, n] : watchRanges_)
    if (addr < b + n && addr + size > b) wroteWatched_ = true;
}

void Timeline::mapped(uint64_t, uint64_t) {
  // A region no checkpoint has is read whole by the next snapshot and unmapped by a restore.
}

} // namespace gd::emu
