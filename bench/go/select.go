// select: twin of bench/select.c — one consumer selects over 8 unbuffered
// channels, each fed by its own producer with an eighth of 0..n-1 (default
// n = 4,000,000) and then closed; a closed channel's case is disabled by
// setting it to nil.  check is the sum, n(n-1)/2.  Metric: ns per item.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

const channels = 8

func feed(c chan<- int64, from, to int64) {
	for v := from; v < to; v++ {
		c <- v
	}
	close(c)
}

func main() {
	n := arg(1, 4000000)
	var cs [channels]chan int64
	for k := range cs {
		cs[k] = make(chan int64)
	}
	start := time.Now()
	for k := int64(0); k < channels; k++ {
		go feed(cs[k], n*k/channels, n*(k+1)/channels)
	}
	var sum int64
	var v int64
	var ok bool
	for open := channels; open > 0; {
		k := -1
		select {
		case v, ok = <-cs[0]:
			k = 0
		case v, ok = <-cs[1]:
			k = 1
		case v, ok = <-cs[2]:
			k = 2
		case v, ok = <-cs[3]:
			k = 3
		case v, ok = <-cs[4]:
			k = 4
		case v, ok = <-cs[5]:
			k = 5
		case v, ok = <-cs[6]:
			k = 6
		case v, ok = <-cs[7]:
			k = 7
		}
		if ok {
			sum += v
		} else {
			cs[k] = nil
			open--
		}
	}
	elapsed := time.Since(start)
	fmt.Printf("bench=select procs=%d n=%d check=%d ns_per_item=%.1f\n",
		runtime.GOMAXPROCS(0), n, sum, float64(elapsed.Nanoseconds())/float64(n))
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [items]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
