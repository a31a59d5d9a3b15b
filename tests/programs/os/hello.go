// Prints with fmt to stdout and stderr: os.Stdout.Write -> poll.FD.Write -> syscall.Write.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello, world")
	fmt.Printf("%d %s %v %.2f\n", 42, "str", []int{1, 2, 3}, 3.14159)
	fmt.Fprintln(os.Stderr, "to stderr", 7)
	fmt.Print("no newline", 1, 2, "\n")
}
