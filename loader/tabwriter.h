// Elastic tab stops, behaving like Go's text/tabwriter (which `go tool objdump` prints through):
// text is collected into tab-terminated cells; a column of cells in adjacent lines is padded to
// its widest cell, and a column ends at the first line that has no cell in it. Nothing is written
// before flush(), except that a line holding a single cell flushes everything collected so far.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace gd::loader {

class TabWriter {
public:
  // Formatting flags, with Go's values and meanings.
  enum Flag : unsigned {
    FilterHtml = 1 << 0,          // `<tag>` has width 0 and `&entity;` width 1
    StripEscape = 1 << 1,         // drop the Escape bytes that bracket escaped text
    AlignRight = 1 << 2,          // pad on the left (ignored when padding with tabs)
    DiscardEmptyColumns = 1 << 3, // columns of empty cells that end in '\v' take no room
    TabIndent = 1 << 4,           // pad leading empty cells with tabs whatever the pad byte
    Debug = 1 << 5,               // print '|' between columns
  };
  // Text between two Escape bytes is one opaque piece: tabs and newlines in it are not cells.
  static constexpr char kEscape = '\xff';

  // minWidth: smallest cell width including padding; tabWidth: width of a tab when padding with
  // tabs; padding: added to each cell's text width; padChar: '\t' pads with tabs.
  TabWriter(std::ostream& out, int minWidth, int tabWidth, int padding, char padChar,
            unsigned flags);

  void write(std::string_view text);
  // Lays out and writes everything collected, then starts afresh.
  void flush();

private:
  struct Cell {
    size_t size = 0; // bytes
    int width = 0;   // runes, without escapes
    bool htab = false;
  };

  void reset();
  void addLine(bool flushed);
  void append(std::string_view text);
  void updateWidth();
  void startEscape(char ch);
  void endEscape();
  size_t terminateCell(bool htab);
  void flushCollected();
  size_t format(size_t pos, size_t line0, size_t line1);
  size_t writeLines(size_t pos, size_t line0, size_t line1);
  void writePadding(int textWidth, int cellWidth, bool useTabs);

  std::ostream& out_;
  int minWidth_, tabWidth_, padding_;
  char padChar_;
  unsigned flags_;

  std::string buf_;  // collected text without tabs and line breaks
  size_t pos_ = 0;   // how far into buf_ the current cell's width is counted
  Cell cell_;        // the incomplete cell
  char endChar_ = 0; // the byte ending the current escaped piece, 0 outside one
  std::vector<std::vector<Cell>> lines_;
  std::vector<int> widths_; // column widths during format()
};

} // namespace gd::loader
