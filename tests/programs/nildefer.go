package main

// Deferred calls of nil functions. The spec: the panic happens when the deferred function
// would be invoked, not when the defer statement runs; it is a nil dereference, recoverable
// by a deferred call registered earlier in the same frame or in a caller.

type T struct{ f func() }

func atReturn() (r int) {
	defer func() {
		if e := recover(); e != nil {
			println("atReturn recovered:", e.(error).Error())
			r += 10
		}
	}()
	var f func()
	defer f()
	println("atReturn: the defer statement ran")
	return 1
}

func inLoop(n int) (r int) {
	defer func() {
		if recover() != nil {
			println("inLoop recovered, r =", r)
			r = -r
		}
	}()
	for i := 0; i < n; i++ {
		var f func()
		if i != 2 {
			f = func() { r++ }
		}
		defer f()
	}
	return 100
}

func duringPanic() (r int) {
	defer func() {
		e := recover()
		println("duringPanic recovered:", e.(error).Error())
		r = 3
	}()
	var t T
	defer t.f()
	panic("first")
}

func caller() (r int) {
	defer func() {
		if e := recover(); e != nil {
			println("caller recovered:", e.(error).Error())
			r = 42
		}
	}()
	callee()
	return 0
}

func callee() {
	var f func()
	defer f()
	println("callee returns")
}

func main() {
	println("atReturn:", atReturn())
	println("inLoop:", inLoop(4))
	println("duringPanic:", duringPanic())
	println("caller:", caller())
	var f func()
	defer f()
	println("main returns")
}
