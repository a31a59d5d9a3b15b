#include "emulator/frontends/gdb/elfsyms.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "loader/vars.h"

namespace gd::emu {
namespace {

struct Buf {
  std::string b;
  void u8(uint8_t v) { b += char(v); }
  void u16(uint16_t v) { b.append(reinterpret_cast<const char*>(&v), 2); }
  void u32(uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); }
  void u64(uint64_t v) { b.append(reinterpret_cast<const char*>(&v), 8); }
  void str(const std::string& s) { b.append(s.c_str(), s.size() + 1); }
  void uleb(uint64_t v) {
    do {
      uint8_t c = v & 0x7f;
      v >>= 7;
      u8(v ? c | 0x80 : c);
    } while (v);
  }
  void sleb(int64_t v) {
    while (true) {
      uint8_t c = v & 0x7f;
      v >>= 7;
      bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
      u8(done ? c : c | 0x80);
      if (done) break;
    }
  }
  void patch32(size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); }
};

struct Func {
  uint64_t lo, hi;
  std::string name;
};

} // namespace

Expected<void> writeSymbolFile(Debugger& d, const std::string& path) {
  Session& s = d.session();
  const loader::Image& img = s.image();
  const loader::Object& obj = s.object();
  std::vector<Func> fns;
  for (loader::SymId id = 0; id < obj.symbols.size(); id++) {
    const auto& sym = obj.sym(id);
    uint64_t a = img.address(id);
    if (!sym.defined() || !sym.func || !a || a < img.textStart || a >= img.textEnd) continue;
    fns.push_back({a, a + std::max<uint64_t>(sym.size, 1), obj.displayName(id)});
  }
  std::sort(fns.begin(), fns.end(), [](const Func& x, const Func& y) { return x.lo < y.lo; });
  // The runtime functions the models stand for: one slot each in the extern area (absolute
  // symbols: the area has no bytes).
  std::vector<Func> slots;
  for (loader::SymId id = 0; id < obj.symbols.size(); id++) {
    uint64_t a = img.address(id);
    if (a >= img.externStart && a < img.externEnd && img.externAt(a) == id)
      slots.push_back({a, a + loader::Image::kExternSlot, obj.sym(id).name});
  }
  std::sort(slots.begin(), slots.end(), [](const Func& x, const Func& y) { return x.lo < y.lo; });
  std::string text(img.textEnd - img.textStart, '\0');
  s.machine().read(img.textStart, text.data(), text.size());

  // Source files: by the base name positions give, in the folder where the source was found.
  std::map<std::string, uint32_t> fileIds;
  std::vector<std::string> files;
  std::string mainDir = std::filesystem::current_path().string(), mainFile;
  for (const auto& f : fns) {
    auto fn = obj.findFunction(f.name);
    if (!fn) continue;
    auto cands = loader::sourceCandidates(obj, *fn, s.options().sourceDirs);
    if (!cands.empty()) {
      mainDir = std::filesystem::absolute(cands.front()).parent_path().string();
      mainFile = std::filesystem::path(cands.front()).filename().string();
      break;
    }
  }
  auto fileId = [&](const std::string& recorded) {
    std::string base = loader::displayFile(recorded);
    auto [it, added] = fileIds.emplace(base, uint32_t(files.size() + 1));
    if (added) files.push_back(base);
    return it->second;
  };

  // .debug_line (DWARF 4), one sequence per function, rows where the position changes.
  Buf prog;
  for (const auto& f : fns) {
    prog.u8(0);
    prog.uleb(9);
    prog.u8(2); // DW_LNE_set_address
    prog.u64(f.lo);
    uint64_t addr = f.lo;
    int64_t line = 1;
    uint32_t file = 1;
    std::optional<std::pair<uint32_t, int64_t>> last;
    for (uint64_t pc = f.lo; pc < f.hi; pc++) {
      auto pos = img.position(pc);
      if (!pos || pos->line <= 0) continue;
      std::pair<uint32_t, int64_t> here{fileId(pos->file), pos->line};
      if (last == here) continue;
      last = here;
      if (pc != addr) {
        prog.u8(2); // DW_LNS_advance_pc
        prog.uleb(pc - addr);
        addr = pc;
      }
      if (here.first != file) {
        prog.u8(4); // DW_LNS_set_file
        prog.uleb(here.first);
        file = here.first;
      }
      if (here.second != line) {
        prog.u8(3); // DW_LNS_advance_line
        prog.sleb(here.second - line);
        line = here.second;
      }
      prog.u8(1); // DW_LNS_copy
    }
    if (f.hi != addr) {
      prog.u8(2);
      prog.uleb(f.hi - addr);
    }
    prog.u8(0);
    prog.uleb(1);
    prog.u8(1); // DW_LNE_end_sequence
  }
  Buf line;
  line.u32(0); // unit_length, patched
  line.u16(4);
  line.u32(0); // header_length, patched
  size_t hdrStart = line.b.size();
  line.u8(1); // minimum_instruction_length
  line.u8(1); // maximum_operations_per_instruction
  line.u8(1); // default_is_stmt
  line.u8(uint8_t(-5));
  line.u8(14); // line_range
  line.u8(13); // opcode_base
  for (uint8_t n : {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1})
    line.u8(n);
  line.str(mainDir);
  line.u8(0); // include_directories end
  for (const auto& f : files) {
    line.str(f);
    line.uleb(1); // in mainDir
    line.uleb(0);
    line.uleb(0);
  }
  line.u8(0);
  line.patch32(6, uint32_t(line.b.size() - hdrStart));
  line.b += prog.b;
  line.patch32(0, uint32_t(line.b.size() - 4));

  // .debug_abbrev and .debug_info: one compile unit pointing at the line table.
  Buf abbrev;
  abbrev.uleb(1);
  abbrev.uleb(0x11); // DW_TAG_compile_unit
  abbrev.u8(0);      // no children
  for (auto [at, form] : {std::pair{0x03, 0x08},
                          {0x1b, 0x08},
                          {0x13, 0x0b},
                          {0x10, 0x17},
                          {0x11, 0x01},
                          {0x12, 0x07}}) {
    abbrev.uleb(uint64_t(at));
    abbrev.uleb(uint64_t(form));
  }
  abbrev.u8(0);
  abbrev.u8(0);
  abbrev.u8(0);
  Buf info;
  info.u32(0);
  info.u16(4);
  info.u32(0); // abbrev offset
  info.u8(8);
  info.uleb(1);
  info.str(mainFile.empty() ? (files.empty() ? "go" : files.front()) : mainFile);
  info.str(mainDir);
  info.u8(0x0c); // DW_LANG_C99: gdb's Go mode would print main.c as main[c]
  info.u32(0);   // stmt_list
  info.u64(img.textStart);
  info.u64(img.textEnd - img.textStart);
  info.u8(0);
  info.patch32(0, uint32_t(info.b.size() - 4));

  // .debug_frame: CFA = RSP + 8 + the pcsp table's SP delta; the return address at CFA - 8.
  Buf frame;
  frame.u32(0);
  frame.u32(0xffffffff); // CIE id
  frame.u8(1);           // version
  frame.u8(0);           // augmentation ""
  frame.uleb(1);         // code alignment
  frame.sleb(-8);        // data alignment
  frame.uleb(16);        // return address register: rip
  frame.u8(0x0c);        // DW_CFA_def_cfa rsp+8
  frame.uleb(7);
  frame.uleb(8);
  frame.u8(0x80 | 16); // DW_CFA_offset rip, cfa-8
  frame.uleb(1);
  while ((frame.b.size() - 4) % 8)
    frame.u8(0);
  frame.patch32(0, uint32_t(frame.b.size() - 4));
  const rt::StackWalker& walker = s.runtime().walker();
  for (const auto& f : fns) {
    size_t start = frame.b.size();
    frame.u32(0);
    frame.u32(0); // the CIE at offset 0
    frame.u64(f.lo);
    frame.u64(f.hi - f.lo);
    int64_t cur = 0;
    uint64_t at = f.lo;
    for (uint64_t pc = f.lo; pc < f.hi; pc++) {
      int64_t delta = walker.spDelta(pc).value_or(cur);
      if (delta == cur) continue;
      frame.u8(0x04); // DW_CFA_advance_loc4
      frame.u32(uint32_t(pc - at));
      at = pc;
      frame.u8(0x0e); // DW_CFA_def_cfa_offset
      frame.uleb(uint64_t(delta + 8));
      cur = delta;
    }
    while ((frame.b.size() - start) % 8)
      frame.u8(0);
    frame.patch32(start, uint32_t(frame.b.size() - start - 4));
  }

  // Symbols.
  Buf strtab, symtab;
  strtab.u8(0);
  symtab.b.append(24, '\0');
  for (const auto& f : fns) {
    symtab.u32(uint32_t(strtab.b.size()));
    strtab.str(f.name);
    symtab.u8(0x12); // STB_GLOBAL, STT_FUNC
    symtab.u8(0);
    symtab.u16(1); // .text
    symtab.u64(f.lo);
    symtab.u64(f.hi - f.lo);
  }
  for (const auto& f : slots) {
    symtab.u32(uint32_t(strtab.b.size()));
    strtab.str(f.name);
    symtab.u8(0x12);
    symtab.u8(0);
    symtab.u16(0xfff1); // SHN_ABS: no bytes for gdb to read there
    symtab.u64(f.lo);
    symtab.u64(f.hi - f.lo);
  }

  struct Section {
    std::string name;
    uint32_t type;
    uint64_t flags, addr;
    std::string data;
    uint32_t link = 0, info = 0;
    uint64_t align = 1, entsize = 0;
  };
  std::vector<Section> secs = {
      {"", 0, 0, 0, ""},
      {".text", 1, 0x6, img.textStart, text, 0, 0, 16},
      {".symtab", 2, 0, 0, symtab.b, 3, 1, 8, 24},
      {".strtab", 3, 0, 0, strtab.b},
      {".debug_abbrev", 1, 0, 0, abbrev.b},
      {".debug_info", 1, 0, 0, info.b},
      {".debug_line", 1, 0, 0, line.b},
      {".debug_frame", 1, 0, 0, frame.b, 0, 0, 8},
      {".shstrtab", 3, 0, 0, ""},
  };
  Buf shstr;
  shstr.u8(0);
  std::vector<uint32_t> nameOff;
  for (auto& sec : secs) {
    nameOff.push_back(sec.name.empty() ? 0 : uint32_t(shstr.b.size()));
    if (!sec.name.empty()) shstr.str(sec.name);
  }
  secs.back().data = shstr.b;

  Buf out;
  out.b.append(64, '\0');
  std::vector<uint64_t> offs;
  for (auto& sec : secs) {
    while (out.b.size() % 16)
      out.u8(0);
    offs.push_back(out.b.size());
    out.b += sec.data;
  }
  while (out.b.size() % 8)
    out.u8(0);
  uint64_t shoff = out.b.size();
  for (size_t i = 0; i < secs.size(); i++) {
    const auto& sec = secs[i];
    out.u32(nameOff[i]);
    out.u32(sec.type);
    out.u64(sec.flags);
    out.u64(sec.addr);
    out.u64(i == 0 ? 0 : offs[i]);
    out.u64(sec.data.size());
    out.u32(sec.link);
    out.u32(sec.info);
    out.u64(sec.align);
    out.u64(sec.entsize);
  }
  Buf eh;
  eh.b = std::string("\x7f"
                     "ELF",
                     4);
  for (uint8_t c : {2, 1, 1, 0})
    eh.u8(c);
  eh.b.append(8, '\0');
  eh.u16(2);  // ET_EXEC
  eh.u16(62); // EM_X86_64
  eh.u32(1);
  eh.u64(fns.empty() ? img.textStart : fns.front().lo);
  eh.u64(0); // no program headers
  eh.u64(shoff);
  eh.u32(0);
  eh.u16(64);
  eh.u16(0);
  eh.u16(0);
  eh.u16(64);
  eh.u16(uint16_t(secs.size()));
  eh.u16(uint16_t(secs.size() - 1));
  std::memcpy(out.b.data(), eh.b.data(), 64);

  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return fail("{}: cannot write the symbol file: {}", path, std::strerror(errno));
  f.write(out.b.data(), std::streamsize(out.b.size()));
  if (!f) return fail("{}: cannot write the symbol file", path);
  return {};
}

} // namespace gd::emu
