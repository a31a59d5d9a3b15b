// Floating-point and complex values through print and panic: println's format (Go 1.26 prints
// the shortest decimal, earlier releases +1.500000e+000), and an unrecovered panic whose
// recovered predecessor held a float.
package main

func values() {
	println(1.5, float32(2.25), 1e21, 0.0, 1.0/3.0, -2.5e-7, 123456.0, 1234567.0)
	println(complex(1, 2), complex64(complex(1.5, -2)), float32(0.1), 100.0)
	var zero float64
	println(-zero, 1/zero, -1/zero, zero/zero)
}

func main() {
	values()
	defer func() {
		r := recover()
		println("recovered", r.(float64))
		panic(complex(1, 2))
	}()
	panic(1.5)
}
