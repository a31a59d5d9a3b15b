// godefer-emu command line: a thin layer over the emulator library.
#include "emulator/frontends/cli/cli.h"

int main(int argc, char** argv) {
  return gd::emu::runCommandLine(argc, argv);
}
