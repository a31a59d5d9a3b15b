// Goroutines that block on a locked mutex: the semaphore parks them and Unlock wakes them.
package main

import (
	"sync"
)

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	order := make(chan int, 3)
	mu.Lock()
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			order <- i
		}(i)
	}
	// Let all three block on the mutex.
	for i := 0; i < 3; i++ {
		ch := make(chan int)
		go func() { ch <- 1 }()
		<-ch
	}
	mu.Unlock()
	wg.Wait()
	close(order)
	sum := 0
	for v := range order {
		sum += v
	}
	println("sum", sum)
}
