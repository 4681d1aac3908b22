/* Shingling. Each word is hashed once with XXH3; a word n-gram's hash
 * combines its words' hashes, so a 5-gram costs five rotate-xors, not a
 * re-hash of the 5-word string. */
#include "internal.h"

#include <stdlib.h>
#include <xxhash.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static size_t sort_unique(wu_u64s *v)
{
	if (v->n < 2)
		return v->n;
	qsort(v->a, v->n, sizeof *v->a, cmp_u64);
	size_t m = 1;
	for (size_t i = 1; i < v->n; i++)
		if (v->a[i] != v->a[m - 1])
			v->a[m++] = v->a[i];
	v->n = m;
	return m;
}

/* Hashes of the space-separated words of w into out (as a scratch area at
 * its tail, so one buffer serves both). */
static size_t word_hashes(const char *w, size_t n, uint64_t seed, uint64_t *h)
{
	size_t m = 0, i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && w[j] != ' ')
			j++;
		if (j > i)
			h[m++] = XXH3_64bits_withSeed(w + i, j - i, seed);
		i = j + 1;
	}
	return m;
}

static uint64_t combine(const uint64_t *h, size_t n)
{
	uint64_t x = (uint64_t)n * 0x9e3779b97f4a7c15ULL;
	for (size_t j = 0; j < n; j++)
		x = ((x << 23) | (x >> 41)) ^ h[j];
	return wu_mix64(x);
}

static size_t word_shingles(const char *w, size_t n, const wu_opt *opt, wu_u64s *out)
{
	/* At most n/2 + 1 words; word hashes go to the buffer's second half. */
	size_t maxw = n / 2 + 1;
	if (wu_u64s_reserve(out, 2 * maxw))
		return 0;
	uint64_t *h = out->a + maxw;
	size_t nw = word_hashes(w, n, opt->seed, h);
	size_t g = (size_t)opt->ngram;
	if (nw == 0) {
		out->n = 0;
		return 0;
	}
	if (nw < g) {
		out->a[0] = combine(h, nw);
		out->n = 1;
		return 1;
	}
	for (size_t i = 0; i + g <= nw; i++)
		out->a[i] = combine(h + i, g);
	out->n = nw - g + 1;
	return sort_unique(out);
}

static size_t char_shingles(const char *w, size_t n, const wu_opt *opt, wu_u64s *out)
{
	size_t g = (size_t)opt->ngram;
	out->n = 0;
	if (n == 0)
		return 0;
	size_t m = n < g ? 1 : n - g + 1;
	if (wu_u64s_reserve(out, m))
		return 0;
	if (n < g)
		out->a[0] = XXH3_64bits_withSeed(w, n, opt->seed);
	else
		for (size_t i = 0; i < m; i++)
			out->a[i] = XXH3_64bits_withSeed(w + i, g, opt->seed);
	out->n = m;
	return sort_unique(out);
}

size_t wu_shingle(const char *w, size_t n, const wu_opt *opt, wu_u64s *out)
{
	if (opt->shingle_kind == WU_SHINGLE_CHAR)
		return char_shingles(w, n, opt, out);
	return word_shingles(w, n, opt, out);
}
