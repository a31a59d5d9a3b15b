// Timers: Sleep between goroutines, Timer, After, AfterFunc, Ticker, Stop and Reset, a timer in
// a select with a timeout, the durations measured with the clock, and a value left in a fired
// timer's channel (kept before Go 1.23, drained by Stop from Go 1.23).
package main

import (
	"fmt"
	"sync"
	"time"
)

func sleepers() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var order []int
	for _, ms := range []int{30, 10, 20} {
		wg.Add(1)
		go func(ms int) {
			defer wg.Done()
			time.Sleep(time.Duration(ms) * time.Millisecond)
			mu.Lock()
			defer mu.Unlock()
			order = append(order, ms)
		}(ms)
	}
	wg.Wait()
	fmt.Println("woke in order:", order)
}

func timeout(work time.Duration) (result string) {
	defer func() { result = "[" + result + "]" }()
	done := make(chan string)
	go func() {
		time.Sleep(work)
		done <- "done"
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(50 * time.Millisecond):
		return "timed out"
	}
}

func main() {
	start := time.Now()
	sleepers()
	fmt.Println("slept at least 30ms:", time.Since(start) >= 30*time.Millisecond)

	fmt.Println(timeout(10*time.Millisecond), timeout(100*time.Millisecond))

	t := time.NewTimer(time.Hour)
	fmt.Println("stop before firing:", t.Stop())
	t.Reset(time.Millisecond)
	<-t.C
	fmt.Println("fired after reset; stop now:", t.Stop())

	t2 := time.NewTimer(5 * time.Millisecond)
	time.Sleep(10 * time.Millisecond)
	select {
	case <-t2.C:
		fmt.Println("t2 fired while main slept")
	default:
		fmt.Println("t2 not fired")
	}

	// Go 1.23+ timer channels are synchronous: len 0, and Stop drains the value nobody took.
	t3 := time.NewTimer(time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	fmt.Println("len(t3.C):", len(t3.C), "cap(t3.C):", cap(t3.C), "stop:", t3.Stop())
	select {
	case <-t3.C:
		fmt.Println("a stale value")
	default:
		fmt.Println("no stale value")
	}

	fired := make(chan bool)
	var once sync.Once
	af := time.AfterFunc(20*time.Millisecond, func() { once.Do(func() { close(fired) }) })
	<-fired
	fmt.Println("AfterFunc ran; stop after:", af.Stop())

	tick := time.NewTicker(10 * time.Millisecond)
	n := 0
	for range tick.C {
		n++
		if n == 3 {
			tick.Stop()
			break
		}
	}
	fmt.Println("ticks:", n)

	var wg sync.WaitGroup
	wg.Add(1)
	time.AfterFunc(time.Millisecond, func() {
		defer wg.Done()
		fmt.Println("an AfterFunc's deferred call")
	})
	wg.Wait()
	fmt.Println("elapsed at least 150ms:", time.Since(start) >= 150*time.Millisecond)
}
