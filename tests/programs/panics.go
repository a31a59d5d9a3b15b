package main

// panic and recover. Every panic is recovered: the program exits 0.

func recoverInt() (r int) {
	defer func() {
		if e := recover(); e != nil {
			r = e.(int) * 2
		}
	}()
	panic(21)
}

func recoverString() (r int) {
	defer func() {
		if e := recover(); e != nil {
			s := e.(string)
			println("recovered:", s)
			r = len(s)
		}
	}()
	r = 1
	panic("a string value")
}

func inner(n int) int {
	defer func() { println("inner defer runs") }()
	if n > 0 {
		panic("inner boom")
	}
	return n
}

func middle(n int) (r int) {
	defer func() { println("middle defer runs") }()
	r = inner(n)
	println("middle: inner returned", r)
	return r + 1
}

// The panic propagates through inner and middle, running their defers, and is
// recovered in outer.
func outer(n int) (r int) {
	defer func() {
		if e := recover(); e != nil {
			println("outer recovered:", e.(string))
			r = -1
		}
	}()
	return middle(n) * 10
}

// A deferred function recovers and panics again with a new value.
func repanic() (r int) {
	defer func() {
		e := recover()
		r = 100 + e.(int)
	}()
	func() {
		defer func() {
			e := recover()
			panic(e.(int) + 1)
		}()
		panic(1)
	}()
	return 0
}

// recover returns nil when there is no panic.
func noPanic() (r int) {
	defer func() {
		if recover() == nil {
			r = r + 5
		}
	}()
	return 1
}

func helperRecover() interface{} {
	return recover()
}

// recover only works when called directly by the deferred function.
func indirect() (r int) {
	defer func() {
		if recover() != nil {
			r = r + 1000
		}
	}()
	defer func() {
		if helperRecover() == nil {
			r = 7
		}
	}()
	panic("indirect")
}

// After a recovery the function continues normally in its caller.
func afterRecover(n int) int {
	v := recoverInt()
	return v + n
}

func main() {
	println("recoverInt() =", recoverInt())
	println("recoverString() =", recoverString())
	println("outer(0) =", outer(0))
	println("outer(1) =", outer(1))
	println("repanic() =", repanic())
	println("noPanic() =", noPanic())
	println("indirect() =", indirect())
	println("afterRecover(3) =", afterRecover(3))
}
