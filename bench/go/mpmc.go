// mpmc: twin of bench/mpmc.c — 4 producers and 4 consumers share one channel
// of capacity cap (argument 2: 128 buffered, 0 unbuffered); the producers
// send 0..n-1 (default n = 10,000,000) between them, main closes the channel
// once they are done.  check is the consumers' total, n(n-1)/2.
// Metric: ns per item.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

const producers, consumers = 4, 4

func produce(c chan<- int64, from, to int64, wg *sync.WaitGroup) {
	for v := from; v < to; v++ {
		c <- v
	}
	wg.Done()
}

func consume(c <-chan int64, total *int64, wg *sync.WaitGroup) {
	var sum int64
	for v := range c {
		sum += v
	}
	*total = sum
	wg.Done()
}

func main() {
	n, capacity := arg(1, 10000000, 1), arg(2, 128, 0)
	c := make(chan int64, capacity)
	var prod, cons sync.WaitGroup
	var totals [consumers]int64
	start := time.Now()
	prod.Add(producers)
	cons.Add(consumers)
	for p := int64(0); p < producers; p++ {
		go produce(c, n*p/producers, n*(p+1)/producers, &prod)
	}
	for k := 0; k < consumers; k++ {
		go consume(c, &totals[k], &cons)
	}
	prod.Wait()
	close(c)
	cons.Wait()
	elapsed := time.Since(start)
	var sum int64
	for _, t := range totals {
		sum += t
	}
	fmt.Printf("bench=mpmc procs=%d n=%d cap=%d check=%d ns_per_item=%.1f\n",
		runtime.GOMAXPROCS(0), n, capacity, sum, float64(elapsed.Nanoseconds())/float64(n))
}

func arg(i int, fallback, min int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v < min {
		fmt.Fprintf(os.Stderr, "usage: %s [items [capacity]]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
