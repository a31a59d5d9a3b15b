// The predeclared error type's method value and expression (go:builtin.error.Error), on a
// nil error too.
package main

import (
	"errors"
	"fmt"
)

func main() {
	err := errors.New("foo")
	f := err.Error
	g := error.Error
	fmt.Println(error.Error(err), f(), g(fmt.Errorf("w: %w", err)))
	var nilErr error
	defer func() { fmt.Println("recovered:", recover()) }()
	fmt.Println(error.Error(nilErr))
}
