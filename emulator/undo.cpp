#include "emulator/undo.h"

#include <cstring>

#include <unicorn/unicorn.h>

namespace gd::emu {
namespace {

enum Tag : uint8_t { kMem = 1, kMap = 2, kReg = 3, kVec = 4, kSide = 5 };
constexpr size_t kChunkSteps = 1 << 16;
constexpr size_t kRip = size_t(rt::Reg::RIP), kRsp = size_t(rt::Reg::RSP);

// Whether an instruction can read or write XMM registers or MXCSR: every SSE/AVX instruction
// is in the 0F opcode map or VEX/EVEX encoded. The 0F opcodes that are plainly integer
// (Jcc, SETcc, CMOVcc, MOVZX/MOVSX, IMUL, BT*, BSF/BSR, ...) are excluded; anything else is
// treated as touching them (a cheap over-approximation: the check only costs a comparison).
bool classifyVector(const uint8_t* b, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t p = b[i];
    bool prefix = p == 0xF0 || p == 0xF2 || p == 0xF3 || p == 0x2E || p == 0x36 || p == 0x3E ||
                  p == 0x26 || p == 0x64 || p == 0x65 || p == 0x66 || p == 0x67;
    if (!prefix) break;
    i++;
  }
  if (i < n && (b[i] & 0xF0) == 0x40) i++; // REX
  if (i >= n) return true;
  uint8_t op = b[i];
  if (op == 0xC4 || op == 0xC5 || op == 0x62 || op == 0x8F) return true; // VEX, EVEX, XOP
  if (op != 0x0F) return false;
  if (i + 1 >= n) return true;
  uint8_t op2 = b[i + 1];
  if ((op2 >= 0x80 && op2 <= 0x9F) || (op2 >= 0x40 && op2 <= 0x4F) || (op2 >= 0xC8 && op2 <= 0xCF))
    return false;
  switch (op2) {
  case 0x05:
  case 0x0B:
  case 0x0D:
  case 0x18:
  case 0x1F:
  case 0x31:
  case 0xA2:
  case 0xA3:
  case 0xA4:
  case 0xA5:
  case 0xAB:
  case 0xAC:
  case 0xAD:
  case 0xAF:
  case 0xB0:
  case 0xB1:
  case 0xB3:
  case 0xB6:
  case 0xB7:
  case 0xB8:
  case 0xBA:
  case 0xBB:
  case 0xBC:
  case 0xBD:
  case 0xBE:
  case 0xBF:
  case 0xC0:
  case 0xC1:
    return false;
  default:
    return true;
  }
}

} // namespace

UndoLog::UndoLog(Session& s, UndoOptions opts) : session_(s), machine_(s.machine()), opts_(opts) {
  machine_.readRegFile(cur_);
  readVectors(curVec_);
  const loader::Image& img = s.image();
  vecKind_.assign(img.textEnd > img.textStart ? img.textEnd - img.textStart : 0, 0);
  chunks_.emplace_back();
  machine_.setRecorder(this);
}

UndoLog::~UndoLog() {
  if (machine_.recorder() == this) machine_.setRecorder(nullptr);
}

template <class T> void UndoLog::put(const T& v) {
  putBytes(&v, sizeof v);
}

void UndoLog::putBytes(const void* p, size_t n) {
  auto& b = chunks_.back().bytes;
  size_t at = b.size();
  b.resize(at + n);
  std::memcpy(b.data() + at, p, n);
}

void UndoLog::readVectors(VecFile& out) const {
  for (int n = 0; n < 16; n++)
    machine_.readXmm(n, out[size_t(n)].data());
  out[16].fill(0);
  machine_.readEngineReg(UC_X86_REG_MXCSR, out[16].data());
}

void UndoLog::writeVector(size_t i, const uint8_t* v) {
  if (i < 16)
    machine_.writeXmm(int(i), v);
  else
    machine_.writeEngineReg(UC_X86_REG_MXCSR, v);
}

bool UndoLog::touchesVectors(uint64_t pc) {
  const loader::Image& img = session_.image();
  if (pc < img.textStart || pc >= img.textEnd) return true;
  uint8_t& k = vecKind_[pc - img.textStart];
  if (!k) {
    uint8_t code[15] = {};
    size_t n = sizeof code;
    while (n && !machine_.read(pc, code, n))
      n--;
    k = classifyVector(code, n) ? 2 : 1;
  }
  return k == 2;
}

void UndoLog::openStep(uint64_t pc) {
  if (chunks_.back().steps.size() >= kChunkSteps) {
    chunks_.emplace_back();
    trim();
  }
  Chunk& c = chunks_.back();
  c.steps.push_back({pc, cur_[kRsp], machine_.instructionsExecuted(), c.bytes.size()});
  size_++;
  open_ = true;
  openVectors_ = false;
  sideKept_ = false;
  openPc_ = pc;
}

void UndoLog::closeStep() {
  if (!open_) return;
  open_ = false;
  uint64_t now[Machine::kRegFile];
  machine_.readRegFile(now);
  for (size_t i = 0; i < Machine::kRegFile; i++) {
    if (now[i] == cur_[i]) continue;
    if (i != kRip) { // RIP before the step is Step::pc
      put(kReg);
      put(uint8_t(i));
      put(cur_[i]);
    }
    cur_[i] = now[i];
  }
  if (openVectors_ || touchesVectors(openPc_)) {
    VecFile v;
    readVectors(v);
    for (size_t i = 0; i < kVecRegs; i++) {
      if (v[i] == curVec_[i]) continue;
      put(kVec);
      put(uint8_t(i));
      putBytes(curVec_[i].data(), 16);
      curVec_[i] = v[i];
    }
  }
}

void UndoLog::sync() {
  closeStep();
}

bool UndoLog::beforeInstruction(uint64_t pc) {
  if (replaying_) return true;
  bool wrote = touchedWatch_;
  touchedWatch_ = false;
  closeStep();
  if (policy_ && policy_->stopBefore(pc, cur_, wrote)) return false;
  openStep(pc);
  return true;
}

void UndoLog::beforeWrite(uint64_t addr, size_t size) {
  if (replaying_ || !size) return;
  if (!open_) {
    // A change outside any instruction: it belongs to the last step (the session finishing
    // its work after the step's instruction). Reopen it; registers are compared again.
    if (empty()) return;
    open_ = true;
    openVectors_ = true;
  }
  oldBytes_.resize(size);
  if (!machine_.read(addr, oldBytes_.data(), size)) return; // the store will fault
  put(kMem);
  put(addr);
  put(uint32_t(size));
  putBytes(oldBytes_.data(), size);
  for (const auto& [a, n] : watchRanges_)
    if (addr < a + n && a < addr + size) touchedWatch_ = true;
}

void UndoLog::mapped(uint64_t addr, uint64_t size) {
  if (replaying_) return;
  if (!open_) {
    if (empty()) return;
    open_ = true;
    openVectors_ = true;
  }
  put(kMap);
  put(addr);
  put(size);
}

void UndoLog::afterRun() {
  if (!open_) return;
  openVectors_ = true; // runtime models may set any register
  if (sideKept_) return;
  sideKept_ = true;
  sides_.push_back({session_.runtime().state(), session_.saveState()});
  put(kSide);
}

const UndoLog::Step* UndoLog::back(size_t j) const {
  for (auto it = chunks_.rbegin(); it != chunks_.rend(); ++it) {
    if (j < it->steps.size()) return &it->steps[it->steps.size() - 1 - j];
    j -= it->steps.size();
  }
  return nullptr;
}

uint64_t UndoLog::bytes() const {
  uint64_t n = 0;
  for (const Chunk& c : chunks_)
    n += c.bytes.capacity() + c.steps.capacity() * sizeof(Step);
  for (const Side& s : sides_)
    n += sizeof(Side) + s.session.results.size() * sizeof(Value) + s.runtime.calls.size() * 48 +
         s.runtime.panics.size() * sizeof(rt::Runtime::PanicRun);
  return n;
}

// The length of the log record at `off`: tag, then its fixed or counted payload (a side record
// is the tag alone; its payload lives in sides_).
size_t UndoLog::recordSize(const std::vector<uint8_t>& bytes, size_t off) {
  switch (bytes[off]) {
  case kMem: {
    uint32_t n;
    std::memcpy(&n, &bytes[off + 9], 4);
    return 13 + n;
  }
  case kMap:
    return 17;
  case kReg:
    return 10;
  case kVec:
    return 18;
  default:
    return 1;
  }
}

void UndoLog::trim() {
  while (chunks_.size() > 2 && bytes() > opts_.maxBytes) {
    Chunk& c = chunks_.front();
    // Side records in the dropped chunk: they are the oldest in sides_.
    size_t sides = 0;
    for (size_t off = 0; off < c.bytes.size();) {
      uint8_t tag = c.bytes[off];
      if (tag == kSide) sides++;
      off += recordSize(c.bytes, off);
    }
    for (size_t k = 0; k < sides && !sides_.empty(); k++)
      sides_.pop_front();
    dropped_ += c.steps.size();
    size_ -= c.steps.size();
    chunks_.pop_front();
  }
}

std::optional<bool> UndoLog::undo() {
  closeStep();
  if (empty()) return std::nullopt;
  Chunk& c = chunks_.back();
  if (c.steps.empty()) { // only the newest chunk can be empty, and only when it was just made
    chunks_.pop_back();
    return undo();
  }
  Step st = c.steps.back();
  replaying_ = true;
  scratch_.clear();
  for (size_t off = st.offset; off < c.bytes.size();) {
    scratch_.push_back(off);
    off += recordSize(c.bytes, off);
  }
  bool wroteWatched = false;
  for (auto it = scratch_.rbegin(); it != scratch_.rend(); ++it) {
    const uint8_t* r = &c.bytes[*it];
    switch (r[0]) {
    case kMem: {
      uint64_t addr;
      uint32_t n;
      std::memcpy(&addr, r + 1, 8);
      std::memcpy(&n, r + 9, 4);
      machine_.write(addr, r + 13, n);
      for (const auto& [a, len] : watchRanges_)
        if (addr < a + len && a < addr + n) wroteWatched = true;
      break;
    }
    case kMap: {
      uint64_t addr, n;
      std::memcpy(&addr, r + 1, 8);
      std::memcpy(&n, r + 9, 8);
      machine_.unmap(addr, n);
      break;
    }
    case kReg: {
      uint64_t v;
      std::memcpy(&v, r + 2, 8);
      machine_.writeRegFileEntry(r[1], v);
      cur_[r[1]] = v;
      break;
    }
    case kVec:
      writeVector(r[1], r + 2);
      std::memcpy(curVec_[r[1]].data(), r + 2, 16);
      break;
    case kSide:
      if (!sides_.empty()) {
        session_.runtime().restore(sides_.back().runtime);
        session_.restoreState(sides_.back().session);
        sides_.pop_back();
      }
      break;
    }
  }
  machine_.setReg(rt::Reg::RIP, st.pc);
  cur_[kRip] = st.pc;
  machine_.setInstructionsExecuted(st.count);
  c.bytes.resize(st.offset);
  c.steps.pop_back();
  size_--;
  if (c.steps.empty() && chunks_.size() > 1) chunks_.pop_back();
  replaying_ = false;
  touchedWatch_ = false;
  return wroteWatched;
}

} // namespace gd::emu
