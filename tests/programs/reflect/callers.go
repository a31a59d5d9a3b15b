// runtime.Caller, Callers, FuncForPC and CallersFrames: names as Go prints them.
package main

import (
	"runtime"
	"strings"
)

func base(path string) string { return path[strings.LastIndex(path, "/")+1:] }

//go:noinline
func where() (string, int) {
	pc, file, line, ok := runtime.Caller(1)
	if !ok {
		return "?", 0
	}
	return runtime.FuncForPC(pc).Name() + " " + base(file), line
}

func outer() {
	f := func() {
		s, l := where()
		println(s, l)
	}
	f()
	s, l := where()
	println(s, l)
	pcs := make([]uintptr, 10)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, "runtime.") {
			println(fr.Function, base(fr.File), fr.Line)
		}
		if !more {
			break
		}
	}
	pc, _, _, _ := runtime.Caller(0)
	fn := runtime.FuncForPC(pc)
	file, line := fn.FileLine(pc)
	println(fn.Name(), base(file), line, fn.Entry() <= pc, fn.Entry() > pc-4096)
}

func main() {
	outer()
}
