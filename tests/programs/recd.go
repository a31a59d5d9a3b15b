package main

// One defer per recursion level: every level registers a deferred closure that
// changes the named result, and deferreturn runs them one by one on the way
// back. The benchmark (bench/) calls recd(100000); main goes less deep so that
// the tests stay quick.

func recd(n int) (r int) {
	defer func() { r++ }()
	if n == 0 {
		return 0
	}
	return recd(n - 1)
}

func main() {
	println("recd(1000) =", recd(1000))
}
