// The example: a package-level sync.Mutex, its Unlock deferred, and a named result a
// deferred closure changes after `return`.
package main

import "sync"

var (
	mu    sync.Mutex
	count int
)

func inc(k int) (after int) {
	mu.Lock()
	defer mu.Unlock()
	defer func() { after *= 10 }()
	count += k
	return count
}

func main() {
	println(inc(2), inc(3))
}
