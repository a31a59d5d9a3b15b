package main

// The benchmark workload (bench/, scripts/bench.sh): a loop doing a little integer
// work per iteration, and a deferred closure that changes the named result after
// the return statement has set it.

func spin(n int) (s int) {
	defer func() { s = s*3 + 1 }()
	x := 1
	for i := 0; i < n; i++ {
		x = x*1103515245 + 12345
		s += (x >> 16) & 0x7fff
		s ^= i
	}
	return s
}

func main() {
	println("spin(1000) =", spin(1000))
}
