// sieve: twin of bench/sieve.c — the concurrent prime sieve; check is the
// n-th prime (default n = 5,000: 48611).  Metric: ms.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func generate(out chan<- int64) {
	for i := int64(2); ; i++ {
		out <- i
	}
}

func filter(in <-chan int64, out chan<- int64, prime int64) {
	for i := range in {
		if i%prime != 0 {
			out <- i
		}
	}
}

func main() {
	n := arg(1, 5000)
	start := time.Now()
	ch := make(chan int64)
	go generate(ch)
	var prime int64
	for k := int64(0); k < n; k++ {
		prime = <-ch
		next := make(chan int64)
		go filter(ch, next, prime)
		ch = next
	}
	ms := float64(time.Since(start).Nanoseconds()) / 1e6
	fmt.Printf("bench=sieve procs=%d n=%d check=%d ms=%.1f\n", runtime.GOMAXPROCS(0), n, prime, ms)
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [primes]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
