package main

// Optimised builds turn these defers into open-coded ones (deferBits in the frame). A panic
// runs them from the runtime; after a recovery in the middle, the remaining ones run from
// deferreturn, the recovery landing pad.

func three() (r int) {
	defer func() { r = r*10 + 1 }()
	defer func() {
		if e := recover(); e != nil {
			r = r*10 + e.(int)
		}
	}()
	defer func() { r = r*10 + 3 }()
	r = 5
	panic(7)
}

func withArgs(n int) (r int) {
	defer func(k int) { r += k }(n)
	defer func(k int) {
		recover()
		r = r*100 + k
	}(n * 2)
	defer println("deferred println", n)
	if n > 0 {
		panic("x")
	}
	return 1
}

func nested() (r int) {
	defer func() { r = r + 1000 }()
	inner := func() (q int) {
		defer func() { q = q + 1 }()
		panic(2)
	}
	defer func() { recover(); r += 50 }()
	r = inner()
	return r
}

func main() {
	println("three() =", three())
	println("withArgs(3) =", withArgs(3))
	println("withArgs(0) =", withArgs(0))
	println("nested() =", nested())
}
