package main

// Deep recursion with a 1 KiB array in every frame: the goroutine stack starts
// small and runtime.morestack grows (copies) it several times while frames
// hold deferred calls and closures pointing into the stack.

func deep(n int) (r int) {
	var buf [128]int
	for i := 0; i < len(buf); i++ {
		buf[i] = n + i
	}
	defer func(k int) { r += k }(buf[n%128])
	if n == 0 {
		return buf[5]
	}
	return deep(n-1) + buf[127] - buf[0]
}

// A deferred closure capturing a result whose frame moves when the stack grows.
func fact(n int) (r int) {
	defer func() {
		if r > 1000000 {
			r = r % 1000003
		}
	}()
	if n <= 1 {
		return 1
	}
	return n * fact(n-1)
}

// Plain recursion without defers.
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	println("deep(300) =", deep(300))
	println("deep(10) =", deep(10))
	println("fact(20) =", fact(20))
	println("fib(20) =", fib(20))
}
