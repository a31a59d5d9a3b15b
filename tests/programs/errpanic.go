package main

// An unrecovered panic whose value is an error: before printing, the runtime
// calls the value's Error method (preprintpanics), so Go prints the method's
// result. The deferred calls run first, one of them recovering and
// re-panicking with a Stringer, then with the error.

type BadInput struct {
	field string
	line  int
}

func (e *BadInput) Error() string {
	return "bad input in " + e.field + " at line " + digits(e.line)
}

type Level int

func (l Level) String() string { return "level-" + digits(int(l)) }

func digits(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return digits(n/10) + string(rune('0'+n%10))
}

func parse(line int) {
	defer println("parse: deferred, line", line)
	if line > 40 {
		panic(&BadInput{"name", line})
	}
}

func check() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	parse(42)
	return nil
}

func main() {
	err := check()
	println("recovered:", err.Error())
	defer func() {
		r := recover()
		println("main: recovered", r.(Level).String(), "- panicking again")
		panic(err)
	}()
	defer println("main: deferred print")
	panic(Level(7))
}
