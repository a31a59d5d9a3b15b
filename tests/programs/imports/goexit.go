// runtime.Goexit: the goroutine's deferred calls run (recover() returns nil in them), a panic
// in one of them that an earlier deferred call recovers does not stop the Goexit, a deferred
// closure sets the named result of the function that started the goroutine, and the main
// goroutine's Goexit ends the program once the others are done (a fatal error, exit 2).
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func worker(wg *sync.WaitGroup, out *[]string) {
	defer wg.Done()
	defer func() {
		r := recover() // nil: Goexit is not a panic
		*out = append(*out, fmt.Sprint("worker's deferred call ran; recover() = ", r))
	}()
	runtime.Goexit()
	*out = append(*out, "not reached")
}

// A deferred call panics during Goexit; an earlier one recovers: Goexit goes on.
func rescued(wg *sync.WaitGroup, out *[]string) {
	defer wg.Done()
	defer func() { *out = append(*out, "outer deferred call ran") }()
	func() {
		defer func() { *out = append(*out, fmt.Sprint("recovered ", recover())) }()
		defer func() { panic("boom during Goexit") }()
		runtime.Goexit()
	}()
	*out = append(*out, "not reached either")
}

func named() (n int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { n = 42 }()
		runtime.Goexit()
	}()
	wg.Wait()
	return n
}

func main() {
	var wg sync.WaitGroup
	var out []string
	wg.Add(1)
	go worker(&wg, &out)
	wg.Wait()
	wg.Add(1)
	go rescued(&wg, &out)
	wg.Wait()
	for _, s := range out {
		fmt.Println(s)
	}
	fmt.Println("named:", named())
	done := make(chan bool)
	go func() {
		<-done
		fmt.Println("the last goroutine ends after main's Goexit")
	}()
	defer close(done)
	defer fmt.Println("main's deferred calls run first")
	runtime.Goexit()
}
