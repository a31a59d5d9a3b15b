// Which deferred calls may recover (one called directly by the panic, a method deferred through
// its wrapper; not a closure nested inside the deferred one, not `defer recover()`), re-panics
// with the value just recovered, and a last re-panic that nobody recovers (Go 1.25+ prints it as
// one `[recovered, repanicked]` line).
package main

type T struct{ name string }

func (t T) recoverHere() {
	r := recover()
	println(t.name, "method recovered:", r != nil)
}

func viaMethod() {
	defer T{"viaMethod"}.recoverHere()
	panic("m")
}

func nested() (got bool) {
	defer func() {
		if r := recover(); r != nil {
			got = true
			println("outer caught", r.(string))
		}
	}()
	defer func() {
		func() { println("nested recover:", recover() != nil) }()
	}()
	panic("n")
}

func deferRecover() (got bool) {
	defer func() {
		if r := recover(); r != nil {
			got = true
			println("outer caught", r.(string))
		}
	}()
	defer recover()
	panic("d")
}

func samePanic(v string) {
	defer func() {
		r := recover()
		println("caught", r.(string), "and panicking again with it")
		panic(r)
	}()
	panic(v)
}

func repanicRecovered() {
	defer func() { println("outer recovered", recover().(string)) }()
	samePanic("first")
}

func main() {
	viaMethod()
	println("nested", nested())
	println("deferRecover", deferRecover())
	repanicRecovered()
	samePanic("last")
}
