// pingpong: two goroutines, two unbuffered channels; prints ns per round trip.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	start := time.Now()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	el := time.Since(start)
	fmt.Printf("%d round trips, %.1f ns per round trip\n", v, float64(el.Nanoseconds())/float64(n))
}
