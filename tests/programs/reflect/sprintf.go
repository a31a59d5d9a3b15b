// fmt.Sprintf (no output of its own) over reflect for composite values. In needs-os/: fmt
// imports os, whose package initialisation needs the OS services (syscall.runtime_envs, ...)
// that are modelled on another branch; ReflectPrograms runs the programs one level up.
package main

import (
	"errors"
	"fmt"
)

type T struct {
	A int
	B string
	C []float64
	D map[string]int
	E *int
}

type S string

func (s S) String() string { return "S<" + string(s) + ">" }

func main() {
	x := 5
	t := T{1, "two", []float64{1.5, 2}, map[string]int{"b": 2, "a": 1}, nil}
	println(fmt.Sprintf("%v|%+v", t, t))
	println(fmt.Sprintf("%d %5.2f %q %x %T %T", 42, 3.14159, "hi", 255, t, &x))
	println(fmt.Sprintf("%v %s %v", S("z"), S("y"), []S{"a"}))
	println(fmt.Sprintf("%#v", []int{1, 2}))
	err := fmt.Errorf("wrapped: %w", errors.New("inner"))
	println(err.Error(), errors.Unwrap(err).Error())
	println(fmt.Sprint("a", 1, 2, "b"), fmt.Sprintln("x", 3))
}
