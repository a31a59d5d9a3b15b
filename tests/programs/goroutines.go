package main

// Goroutines, channels and select, with output made deterministic by synchronisation, and
// defers and recover inside goroutines.

type result struct {
	id, sum int
}

func worker(id int, jobs <-chan int, results chan<- result, done chan<- bool) {
	defer func() { done <- true }()
	s := 0
	for j := range jobs {
		s += j * id
	}
	results <- result{id, s}
}

func pipeline(n int) int {
	gen := make(chan int)
	sq := make(chan int)
	go func() {
		defer close(gen)
		for i := 1; i <= n; i++ {
			gen <- i
		}
	}()
	go func() {
		defer close(sq)
		for v := range gen {
			sq <- v * v
		}
	}()
	total := 0
	for v := range sq {
		total += v
	}
	return total
}

func recoverInGoroutine() string {
	ch := make(chan string)
	go func() {
		defer func() {
			if e := recover(); e != nil {
				ch <- "recovered: " + e.(string)
			}
		}()
		panic("inside a goroutine")
	}()
	return <-ch
}

func selectLoop() (sent, got int) {
	a := make(chan int, 2)
	b := make(chan int)
	quit := make(chan struct{})
	go func() {
		for i := 0; i < 5; i++ {
			b <- i
		}
		close(quit)
	}()
	for {
		select {
		case a <- sent:
			sent++
		case v := <-a:
			got += v
		case v := <-b:
			got += 100 * v
		case <-quit:
			return
		}
	}
}

func nonBlocking() int {
	c := make(chan int, 1)
	n := 0
	select {
	case v := <-c:
		n = v
	default:
		n = -1
	}
	select {
	case c <- 7:
	default:
		n -= 100
	}
	select {
	case v, ok := <-c:
		if ok {
			n += v * 10
		}
	default:
	}
	close(c)
	v, ok := <-c
	println("closed receive:", v, ok)
	return n
}

func closedSend() (msg string) {
	defer func() {
		msg = recover().(error).Error()
	}()
	c := make(chan int, 1)
	close(c)
	c <- 1
	return "not reached"
}

func doubleClose() (msg string) {
	defer func() {
		msg = recover().(error).Error()
	}()
	var c chan int
	close(c)
	return "not reached"
}

func main() {
	jobs := make(chan int, 10)
	results := make(chan result, 3)
	done := make(chan bool)
	for w := 1; w <= 3; w++ {
		go worker(w, jobs, results, done)
	}
	for j := 1; j <= 9; j++ {
		jobs <- j
	}
	close(jobs)
	for w := 1; w <= 3; w++ {
		<-done
	}
	total := 0
	for w := 1; w <= 3; w++ {
		r := <-results
		total += r.sum / r.id
	}
	println("jobs total:", total, "len", len(results), "cap", cap(results))
	println("pipeline:", pipeline(10))
	println(recoverInGoroutine())
	sent, got := selectLoop()
	println("select: sent", sent > 0, "got >= 1000:", got >= 1000)
	println("nonBlocking:", nonBlocking())
	println("closedSend:", closedSend())
	println("doubleClose:", doubleClose())
	block := make(chan int)
	go func() {
		defer println("deferred in the last goroutine")
		block <- 1
	}()
	<-block
	<-block
}
