// The defers people write with the standard library's sync package: Unlock after a recovered
// panic, sync.Once whose function panics, RWMutex, WaitGroup with goroutines, sync.Cond.
package main

import "sync"

type counter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counter) inc(k string) (after int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k]++
	return c.m[k]
}

func (c *counter) mustPositive(k string, d int) (err interface{}) {
	defer func() { err = recover() }()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[k]+d < 0 {
		panic("negative " + k)
	}
	c.m[k] += d
	return nil
}

var once sync.Once

func setup(fail bool) (r interface{}) {
	defer func() {
		if e := recover(); e != nil {
			r = e
		}
	}()
	once.Do(func() {
		if fail {
			panic("setup failed")
		}
	})
	return "ok"
}

func main() {
	c := &counter{m: map[string]int{}}
	println(c.inc("a"), c.inc("a"), c.inc("b"))
	println(c.mustPositive("a", -5).(string))
	// The mutex was unlocked by the deferred call during the panic: Lock succeeds.
	println(c.inc("a"))
	println(setup(true).(string))
	// Once counts the panicking call as done.
	println(setup(false).(string))

	var rw sync.RWMutex
	rw.RLock()
	rw.RLock()
	rw.RUnlock()
	rw.RUnlock()
	rw.Lock()
	rw.Unlock()

	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = c.inc("w") * 0 + i*i
		}(i)
	}
	wg.Wait()
	println(results[0], results[1], results[2], results[3], c.inc("w"))

	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := 0
	done := make(chan bool)
	for i := 0; i < 3; i++ {
		go func() {
			mu.Lock()
			defer mu.Unlock()
			for ready == 0 {
				cond.Wait()
			}
			ready++
			done <- true
		}()
	}
	mu.Lock()
	ready = 1
	cond.Broadcast()
	mu.Unlock()
	<-done
	<-done
	<-done
	println(ready)
}
