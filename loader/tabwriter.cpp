// The layout algorithm of Go's text/tabwriter: columns are found recursively. Within a run of
// lines that all have a cell in column c, that column's width is the widest cell plus padding
// (at least minWidth); the run is then split further on column c+1, and so on.
#include "loader/tabwriter.h"

#include <cstdint>

namespace gd::loader {
namespace {

// utf8.RuneCount: each valid UTF-8 sequence is one rune, and so is each byte of an invalid one.
int runeCount(std::string_view s) {
  int n = 0;
  size_t i = 0;
  while (i < s.size()) {
    auto b = [&](size_t k) { return i + k < s.size() ? uint8_t(s[i + k]) : 0; };
    auto cont = [&](size_t k, uint8_t lo = 0x80, uint8_t hi = 0xBF) {
      return i + k < s.size() && b(k) >= lo && b(k) <= hi;
    };
    uint8_t c = b(0);
    size_t len = 1;
    if (c >= 0xC2 && c <= 0xDF) {
      len = cont(1) ? 2 : 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
      len = cont(1, lo, hi) && cont(2) ? 3 : 1;
    } else if (c >= 0xF0 && c <= 0xF4) {
      uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
      len = cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 1;
    }
    i += len;
    n++;
  }
  return n;
}

} // namespace

TabWriter::TabWriter(std::ostream& out, int minWidth, int tabWidth, int padding, char padChar,
                     unsigned flags)
    : out_(out), minWidth_(minWidth), tabWidth_(tabWidth), padding_(padding), padChar_(padChar),
      flags_(padChar == '\t' ? flags & ~unsigned(AlignRight) : flags) {
  reset();
}

void TabWriter::reset() {
  buf_.clear();
  pos_ = 0;
  cell_ = {};
  endChar_ = 0;
  lines_.clear();
  widths_.clear();
  addLine(true);
}

void TabWriter::addLine(bool) {
  lines_.emplace_back();
}

void TabWriter::append(std::string_view text) {
  buf_.append(text);
  cell_.size += text.size();
}

void TabWriter::updateWidth() {
  cell_.width += runeCount(std::string_view(buf_).substr(pos_));
  pos_ = buf_.size();
}

void TabWriter::startEscape(char ch) {
  switch (ch) {
  case kEscape:
    endChar_ = kEscape;
    break;
  case '<':
    endChar_ = '>';
    break;
  case '&':
    endChar_ = ';';
    break;
  }
}

void TabWriter::endEscape() {
  switch (endChar_) {
  case kEscape:
    updateWidth();
    if (!(flags_ & StripEscape)) cell_.width -= 2; // the Escape bytes take no room
    break;
  case '>':
    break; // a tag has no width
  case ';':
    cell_.width++;
    break; // an entity is one character
  }
  pos_ = buf_.size();
  endChar_ = 0;
}

size_t TabWriter::terminateCell(bool htab) {
  cell_.htab = htab;
  auto& line = lines_.back();
  line.push_back(cell_);
  cell_ = {};
  return line.size();
}

void TabWriter::writePadding(int textWidth, int cellWidth, bool useTabs) {
  if (padChar_ == '\t' || useTabs) {
    if (tabWidth_ == 0) return; // tabs have no width: no padding possible
    cellWidth = (cellWidth + tabWidth_ - 1) / tabWidth_ * tabWidth_;
    int n = cellWidth - textWidth;
    out_ << std::string(size_t((n + tabWidth_ - 1) / tabWidth_), '\t');
    return;
  }
  out_ << std::string(size_t(cellWidth - textWidth), padChar_);
}

size_t TabWriter::writeLines(size_t pos, size_t line0, size_t line1) {
  for (size_t i = line0; i < line1; i++) {
    const auto& line = lines_[i];
    bool useTabs = flags_ & TabIndent; // leading empty cells become tabs
    for (size_t j = 0; j < line.size(); j++) {
      const Cell& c = line[j];
      if (j > 0 && (flags_ & Debug)) out_ << '|';
      if (c.size == 0) {
        if (j < widths_.size()) writePadding(c.width, widths_[j], useTabs);
        continue;
      }
      useTabs = false;
      if (!(flags_ & AlignRight)) {
        out_.write(buf_.data() + pos, std::streamsize(c.size));
        pos += c.size;
        if (j < widths_.size()) writePadding(c.width, widths_[j], false);
      } else {
        if (j < widths_.size()) writePadding(c.width, widths_[j], false);
        out_.write(buf_.data() + pos, std::streamsize(c.size));
        pos += c.size;
      }
    }
    if (i + 1 == lines_.size()) {
      // The last, incomplete line: its pending cell text goes out unformatted.
      out_.write(buf_.data() + pos, std::streamsize(cell_.size));
      pos += cell_.size;
    } else {
      out_ << '\n';
    }
  }
  return pos;
}

size_t TabWriter::format(size_t pos, size_t line0, size_t line1) {
  size_t column = widths_.size();
  for (size_t current = line0; current < line1; current++) {
    if (column + 1 >= lines_[current].size()) continue; // no cell in this column: not a block

    // A block of lines with a cell in this column starts here; print the lines before it.
    pos = writeLines(pos, line0, current);
    line0 = current;

    int width = minWidth_;
    bool discardable = true; // all cells empty and soft ('\v'-terminated)
    for (; current < line1; current++) {
      const auto& line = lines_[current];
      if (column + 1 >= line.size()) break;
      const Cell& c = line[column];
      width = std::max(width, c.width + padding_);
      if (c.width > 0 || c.htab) discardable = false;
    }
    if (discardable && (flags_ & DiscardEmptyColumns)) width = 0;

    widths_.push_back(width);
    pos = format(pos, line0, current);
    widths_.pop_back();
    line0 = current;
  }
  return writeLines(pos, line0, line1);
}

void TabWriter::flushCollected() {
  if (cell_.size > 0) {
    if (endChar_ != 0) endEscape();
    terminateCell(false);
  }
  format(0, 0, lines_.size());
  reset();
}

void TabWriter::flush() {
  flushCollected();
  out_.flush();
}

void TabWriter::write(std::string_view text) {
  size_t n = 0; // start of the text not yet appended
  for (size_t i = 0; i < text.size(); i++) {
    char ch = text[i];
    if (endChar_ == 0) {
      switch (ch) {
      case '\t':
      case '\v':
      case '\n':
      case '\f': {
        append(text.substr(n, i - n));
        updateWidth();
        n = i + 1;
        size_t cells = terminateCell(ch == '\t');
        if (ch == '\n' || ch == '\f') {
          addLine(ch == '\f');
          if (ch == '\f' || cells == 1) {
            // A line without tabs ends every column: lay out what we have.
            flushCollected();
            if (ch == '\f' && (flags_ & Debug)) out_ << "---\n";
          }
        }
        break;
      }
      case kEscape:
        append(text.substr(n, i - n));
        updateWidth();
        n = i;
        if (flags_ & StripEscape) n++;
        startEscape(kEscape);
        break;
      case '<':
      case '&':
        if (flags_ & FilterHtml) {
          append(text.substr(n, i - n));
          updateWidth();
          n = i;
          startEscape(ch);
        }
        break;
      default:
        break;
      }
    } else if (ch == endChar_) {
      size_t j = i + 1;
      if (ch == kEscape && (flags_ & StripEscape)) j = i;
      append(text.substr(n, j - n));
      n = i + 1;
      endEscape();
    }
  }
  append(text.substr(n));
}

} // namespace gd::loader
