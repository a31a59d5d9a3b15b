package main

// An unrecovered panic: the deferred println runs, then the runtime prints
// "panic: boom" and a goroutine trace and exits with status 2.

func one() int {
	return 1
}

func boom(n int) int {
	defer func() { println("deferred before crash, n =", n) }()
	if n > 0 {
		panic("boom")
	}
	return n
}

func main() {
	println("one() =", one())
	println("boom(0) =", boom(0))
	println("boom(1) =", boom(1))
}
