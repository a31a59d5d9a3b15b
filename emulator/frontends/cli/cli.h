// The godefer-emu command line (docs/design.md, "Command line contract"): parses options, runs the
// session, maps errors to the exit statuses of the contract (0 ok, 1 --expect mismatch, 2 guest
// panic, 3 cannot run).
#pragma once

namespace gd::emu {

int runCommandLine(int argc, char** argv);

} // namespace gd::emu
