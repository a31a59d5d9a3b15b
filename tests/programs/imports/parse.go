// Wrapping an error in a deferred closure, printing with fmt, and the defers of package
// context and strings.Builder.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func parse(s string) (n int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("parse(%q): %w", s, err)
		}
	}()
	return strconv.Atoi(s)
}

func work(ctx context.Context) (r string) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var b strings.Builder
	defer func() { r = b.String() + " done" }()
	fmt.Fprintf(&b, "err=%v", ctx.Err())
	return "unused"
}

func main() {
	n, err := parse("42")
	fmt.Println(n, err)
	n, err = parse("4x2")
	fmt.Println(n, err)
	var ne *strconv.NumError
	fmt.Println(errors.As(err, &ne), errors.Is(err, strconv.ErrSyntax))
	fmt.Println(work(context.Background()))
	fmt.Fprintln(os.Stderr, "to stderr", 3.5, []int{1, 2}, map[string]int{"b": 2, "a": 1})
	fmt.Printf("%5.2f|%-4s|%x|%v|%+v\n", 3.14159, "go", 255, struct{ A, B int }{1, 2}, &struct{ X string }{"y"})
}
