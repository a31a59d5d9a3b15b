// A Debug Adapter Protocol server (https://microsoft.github.io/debug-adapter-protocol/) over the
// debugger the REPL uses: `godefer-emu dap` speaks it on stdin/stdout, `--dap HOST:PORT` on a
// socket (loopback unless told otherwise). Breakpoints by line, function, instruction and data
// (watchpoints), threads (goroutines), stack traces with the runtime models' frames marked,
// scopes Locals/Results/Registers/Defers (the g._defer chain), structured variables, evaluate,
// continue/next/stepIn/stepOut, and stepBack/reverseContinue on the recorded run.
#pragma once

#include <string>

#include "loader/error.h"

namespace gd::emu {

// Serves one client on the file descriptors (stdin/stdout for `dap`); returns the exit status.
int serveDap(int in, int out);
// Listens on hostPort (":PORT" is loopback; port 0 picks one), prints where to stderr, serves
// one client.
Expected<int> serveDapSocket(const std::string& hostPort);

} // namespace gd::emu
