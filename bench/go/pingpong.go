// pingpong: twin of bench/pingpong.c — main sends v on ping, the echo
// goroutine sends v+1 back on pong, n times (default 1,000,000); check is
// the final v (= n).  Metric: ns per round trip.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func echo(ping <-chan int64, pong chan<- int64) {
	for v := range ping {
		pong <- v + 1
	}
	close(pong)
}

func main() {
	n := arg(1, 1000000)
	ping, pong := make(chan int64), make(chan int64)
	go echo(ping, pong)
	var v int64
	start := time.Now()
	for i := int64(0); i < n; i++ {
		ping <- v
		v = <-pong
	}
	elapsed := time.Since(start)
	close(ping)
	<-pong
	fmt.Printf("bench=pingpong procs=%d n=%d check=%d ns_per_roundtrip=%.1f\n",
		runtime.GOMAXPROCS(0), n, v, float64(elapsed.Nanoseconds())/float64(n))
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [round trips]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
