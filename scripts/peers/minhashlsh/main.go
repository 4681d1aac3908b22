// Peer benchmark for scripts/bench.sh: github.com/ekzhu/minhash-lsh (Debian
// golang-github-ekzhu-minhash-lsh-dev) on a wiredup JSONL corpus.
//
// Per article: parse the JSON line, shingle title + "\n" + text into word
// 5-grams (words = maximal runs of Unicode letters/digits, lower-cased;
// shingle = its 5 words joined by one space; a text of fewer than 5 words is
// one shingle), MinHash with the library's own Minhash (NewMinhash(seed,
// 128): two seeded FNV-1a hashes, h1 + i*h2, 64-bit minima), Add to a
// MinhashLSH (NewMinhashLSH32, i.e. 32-bit band keys, K and L chosen by the
// library for the Jaccard threshold). Then Index() and Query() every article.
// Prints one line of key=value pairs on stdout for bench.sh to parse.
//
// Usage: minhashlsh [-threshold 0.5] [-perm 128] [-ngram 5] FILE.jsonl
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
	"unicode"

	minhashlsh "github.com/ekzhu/minhash-lsh"
)

type article struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// words returns the lower-cased letter/digit runs of s.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func main() {
	threshold := flag.Float64("threshold", 0.5, "LSH Jaccard threshold")
	perm := flag.Int("perm", 128, "MinHash permutations")
	ngram := flag.Int("ngram", 5, "word shingle size")
	seed := flag.Int64("seed", 1, "MinHash seed")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: minhashlsh [-threshold T] [-perm K] [-ngram N] FILE.jsonl")
		os.Exit(2)
	}
	start := time.Now()
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "minhashlsh:", err)
		os.Exit(1)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)

	lsh := minhashlsh.NewMinhashLSH32(*perm, *threshold)
	var sigs [][]uint64
	var tRead, tSketch, tAdd time.Duration
	var nbytes, nshingles int64
	buf := make([]byte, 0, 1<<16)
	for {
		t0 := time.Now()
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a line longer than the buffer
			buf = append(buf[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = r.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		if err != nil && err != io.EOF {
			fmt.Fprintln(os.Stderr, "minhashlsh:", err)
			os.Exit(1)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			if err == io.EOF {
				break
			}
			continue
		}
		nbytes += int64(len(line))
		var a article
		if jerr := json.Unmarshal(line, &a); jerr != nil {
			fmt.Fprintln(os.Stderr, "minhashlsh: bad JSON line:", jerr)
			os.Exit(1)
		}
		t1 := time.Now()
		w := words(a.Title + "\n" + a.Text)
		m := minhashlsh.NewMinhash(*seed, *perm)
		if len(w) < *ngram {
			m.Push([]byte(strings.Join(w, " ")))
			nshingles++
		} else {
			var sb strings.Builder
			for i := 0; i+*ngram <= len(w); i++ {
				sb.Reset()
				for j := 0; j < *ngram; j++ {
					if j > 0 {
						sb.WriteByte(' ')
					}
					sb.WriteString(w[i+j])
				}
				m.Push([]byte(sb.String()))
				nshingles++
			}
		}
		sig := m.Signature()
		t2 := time.Now()
		lsh.Add(len(sigs), sig)
		sigs = append(sigs, sig)
		t3 := time.Now()
		tRead += t1.Sub(t0)
		tSketch += t2.Sub(t1)
		tAdd += t3.Sub(t2)
		if err == io.EOF {
			break
		}
	}
	t4 := time.Now()
	lsh.Index()
	t5 := time.Now()
	var candidates, withDup int64
	for i, sig := range sigs {
		res := lsh.Query(sig)
		n := 0
		for _, key := range res {
			if key.(int) != i {
				n++
			}
		}
		candidates += int64(n)
		if n > 0 {
			withDup++
		}
	}
	t6 := time.Now()
	k, l := lsh.Params()
	fmt.Printf("articles=%d bytes=%d shingles=%d k=%d l=%d candidates=%d with_candidates=%d "+
		"read=%.3f sketch=%.3f add=%.3f index=%.3f query=%.3f total=%.3f gomaxprocs=%d\n",
		len(sigs), nbytes, nshingles, k, l, candidates, withDup,
		tRead.Seconds(), tSketch.Seconds(), tAdd.Seconds(), t5.Sub(t4).Seconds(),
		t6.Sub(t5).Seconds(), t6.Sub(start).Seconds(), runtime.GOMAXPROCS(0))
}
