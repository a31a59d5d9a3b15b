package main

// Package initialisation before main: global initialisers (run by the compiler-made init
// function, in dependency order) and then the init functions in source order, one of them
// with a defer.

var table = build(4)
var total = sum(table)
var greeting = "hello"
var counter int

func build(n int) []int {
	println("building table of", n)
	t := make([]int, n)
	for i := range t {
		t[i] = i * i
	}
	return t
}

func sum(t []int) (s int) {
	for _, v := range t {
		s += v
	}
	return s
}

func init() {
	counter += 10
	println("first init, counter =", counter)
}

func init() {
	defer func() {
		counter *= 2
		println("deferred in second init, counter =", counter)
	}()
	counter += len(table)
}

func main() {
	println(greeting, table[3], total, counter)
}
