package main

// Every goroutine blocked: Go's checkdead prints `fatal error: all goroutines are asleep -
// deadlock!` and then each goroutine that has not exited, in the order they were made, with its
// wait reason, its frames and the go statement that made it. Exit status 2.

func sender(ch chan int) {
	defer println("never printed: sender's defer")
	ch <- 1
	ch <- 2
}

func selector(a, b chan int) {
	select {
	case <-a:
	case b <- 1:
	}
}

func nilSend() {
	var never chan int
	never <- 1
}

func main() {
	ch := make(chan int)
	go sender(ch)
	println("received", <-ch)
	go selector(make(chan int), make(chan int))
	go nilSend()
	go func() {
		select {}
	}()
	done := make(chan bool)
	defer println("never printed: main's defer")
	<-done
}
