// skynet: twin of bench/skynet.c — a tree of goroutines, 10 children per
// node, down to n leaves (default 1,000,000, a power of 10); the root's sum
// is n(n-1)/2.  Prints the result line bench/bench.h describes; metric: ms.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

const div = 10

func skynet(parent chan int64, num, size int64) {
	if size == 1 {
		parent <- num
		return
	}
	rc := make(chan int64)
	for i := int64(0); i < div; i++ {
		go skynet(rc, num+i*(size/div), size/div)
	}
	var sum int64
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	parent <- sum
}

func main() {
	leaves := arg(1, 1000000)
	start := time.Now()
	c := make(chan int64)
	go skynet(c, 0, leaves)
	sum := <-c
	ms := float64(time.Since(start).Nanoseconds()) / 1e6
	fmt.Printf("bench=skynet procs=%d n=%d check=%d ms=%.1f\n", runtime.GOMAXPROCS(0), leaves, sum, ms)
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [leaves, a power of 10]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
