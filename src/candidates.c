/* LSH candidates: for each band, the buckets of articles sharing that
 * band's key, and the pairs they make.
 *
 * Pairs are handed out in slices of their first (smaller) article, each
 * slice sorted and without repeats, so the caller sees exactly the sorted
 * list of all distinct pairs, one bounded piece at a time: memory grows
 * with the slice budget, not with the corpus's candidate count (hundreds
 * of millions for a large corpus of one kind of story). */
#include "internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint32_t *mem;   /* members of buckets of two or more, bucket by bucket */
	uint32_t *off;   /* bucket b is mem[off[b] .. off[b + 1]) */
	size_t n_buckets;
} band;

struct wu__bands {
	band *band;
	int n_bands;
	size_t max_bucket;
	uint64_t *first; /* pairs each article is the first member of */
	size_t n;
	/* Scratch kept from slice to slice: fresh buffers of hundreds of MB
	 * would be page-faulted (zeroed by the kernel) for every slice. */
	wu_u64s *per;    /* each thread's pairs, and its sort scratch */
	wu_u64s *tmp;
	int n_per;
};

int wu__bucket_pairs(const wu_keyidx *b, size_t m, size_t max_bucket, wu_u64s *out)
{
	for (size_t j = 1; j < m; j++) {
		size_t lim = j < max_bucket ? j : max_bucket;
		if (wu_u64s_reserve(out, out->n + lim))
			return -1;
		for (size_t a = 0; a < lim; a++)
			out->a[out->n++] = (uint64_t)b[a].idx << 32 | b[j].idx;
	}
	return 0;
}

/* Sorted keys -> the band's buckets of two or more, members ascending
 * (the sort is stable and keys were filled in article order). */
static int keep_buckets(const wu_keyidx *k, size_t n, band *bd)
{
	size_t n_mem = 0, n_b = 0;
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && k[e].key == k[s].key; e++)
			;
		if (e - s > 1)
			n_mem += e - s, n_b++;
	}
	bd->mem = malloc((n_mem ? n_mem : 1) * sizeof *bd->mem);
	bd->off = malloc((n_b + 1) * sizeof *bd->off);
	if (!bd->mem || !bd->off)
		return -1;
	bd->n_buckets = 0;
	size_t o = 0;
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && k[e].key == k[s].key; e++)
			;
		if (e - s < 2)
			continue;
		bd->off[bd->n_buckets++] = (uint32_t)o;
		for (size_t i = s; i < e; i++)
			bd->mem[o++] = k[i].idx;
	}
	bd->off[bd->n_buckets] = (uint32_t)o;
	return 0;
}

static int build_band(const wu_corpus *c, const wu_opt *o, int b, wu_keyidx *keys, band *bd)
{
	size_t n = wu_corpus_size(c);
	for (size_t i = 0; i < n; i++) {
		keys[i].key = wu_band_key(wu__corpus_sig(c, i), b, o);
		keys[i].idx = (uint32_t)i;
	}
	if (wu__sort_keyidx(keys, n))
		return -1;
	return keep_buckets(keys, n, bd);
}

/* A bucket's member at position a is the first article of pairs with
 * every later member, if it is among the first max_bucket members: the
 * rule of wu__bucket_pairs(). */
static void count_first(wu__bands *s)
{
	for (int b = 0; b < s->n_bands; b++) {
		const band *bd = &s->band[b];
		for (size_t k = 0; k < bd->n_buckets; k++) {
			size_t m = bd->off[k + 1] - bd->off[k];
			const uint32_t *mem = bd->mem + bd->off[k];
			for (size_t a = 0; a + 1 < m && a < s->max_bucket; a++)
				s->first[mem[a]] += m - 1 - a;
		}
	}
}

wu__bands *wu__bands_build(const wu_corpus *c, const wu_opt *o, int n_threads)
{
	size_t n = wu_corpus_size(c);
	wu__bands *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->n_bands = o->bands;
	s->max_bucket = (size_t)o->max_bucket;
	s->n = n;
	s->band = calloc((size_t)o->bands, sizeof *s->band);
	s->first = calloc(n ? n : 1, sizeof *s->first);
	int fail = !s->band || !s->first;
#pragma omp parallel num_threads(n_threads) if (!fail)
	{
		wu_keyidx *keys = malloc((n ? n : 1) * sizeof *keys);
		if (!keys)
#pragma omp atomic write
			fail = 1;
#pragma omp for schedule(dynamic, 1)
		for (int b = 0; b < o->bands; b++)
			if (keys && build_band(c, o, b, keys, &s->band[b]))
#pragma omp atomic write
				fail = 1;
		free(keys);
	}
	if (fail) {
		wu__bands_free(s);
		return NULL;
	}
	count_first(s);
	return s;
}

void wu__bands_free(wu__bands *s)
{
	if (!s)
		return;
	for (int b = 0; s->band && b < s->n_bands; b++)
		free(s->band[b].mem), free(s->band[b].off);
	for (int t = 0; t < s->n_per; t++)
		free(s->per[t].a), free(s->tmp[t].a);
	free(s->per), free(s->tmp);
	free(s->band), free(s->first), free(s);
}

uint32_t wu__bands_slice_end(const wu__bands *s, uint32_t lo, size_t budget)
{
	size_t acc = 0, i = lo;
	while (i < s->n && (i == lo || acc + s->first[i] <= budget))
		acc += s->first[i++];
	return (uint32_t)i;
}

/* The pairs of one bucket whose first member lies in [lo, hi). */
static int slice_bucket(const uint32_t *mem, size_t m, size_t mb, uint32_t lo, uint32_t hi,
                        wu_u64s *out)
{
	size_t last = m - 1 < mb ? m - 1 : mb; /* first members are mem[0 .. last) */
	if (last == 0 || mem[0] >= hi || mem[last - 1] < lo)
		return 0;
	size_t a = 0;
	while (mem[a] < lo)
		a++;
	for (; a < last && mem[a] < hi; a++) {
		if (wu_u64s_reserve(out, out->n + (m - 1 - a)))
			return -1;
		for (size_t j = a + 1; j < m; j++)
			out->a[out->n++] = (uint64_t)mem[a] << 32 | mem[j];
	}
	return 0;
}

static int ensure_per(wu__bands *s, int n_threads)
{
	if (s->n_per >= n_threads)
		return 0;
	wu_u64s *p = realloc(s->per, (size_t)n_threads * sizeof *p);
	if (p)
		s->per = p;
	wu_u64s *q = p ? realloc(s->tmp, (size_t)n_threads * sizeof *q) : NULL;
	if (!q)
		return -1;
	s->tmp = q;
	size_t more = (size_t)(n_threads - s->n_per);
	memset(p + s->n_per, 0, more * sizeof *p);
	memset(q + s->n_per, 0, more * sizeof *q);
	s->n_per = n_threads;
	return 0;
}

/* All bands' pairs with the first article in [lo, hi), sorted, distinct. */
static int sub_slice(const wu__bands *s, uint32_t lo, uint32_t hi, wu_u64s *out, wu_u64s *tmp)
{
	out->n = 0;
	uint64_t raw = 0; /* exactly the pairs to come: no growing by copies */
	for (uint32_t i = lo; i < hi; i++)
		raw += s->first[i];
	if (wu_u64s_reserve(out, raw ? (size_t)raw : 1))
		return -1;
	for (int b = 0; b < s->n_bands; b++) {
		const band *bd = &s->band[b];
		for (size_t k = 0; k < bd->n_buckets; k++)
			if (slice_bucket(bd->mem + bd->off[k], bd->off[k + 1] - bd->off[k],
			                 s->max_bucket, lo, hi, out))
				return -1;
	}
	if (wu_u64s_reserve(tmp, out->n ? out->n : 1))
		return -1;
	return wu__sort_unique_u64_with(out->a, &out->n, tmp->a);
}

/* Each thread takes a run of first articles holding about an equal share
 * of the slice's pairs, and gathers and sorts them alone: the runs, in
 * order, are the sorted slice, with no serial sort and no copy of it. */
int wu__bands_pairs(wu__bands *s, uint32_t lo, uint32_t hi, int n_threads,
                    const wu_u64s **parts)
{
	if (ensure_per(s, n_threads))
		return -1;
	uint64_t total = 0, acc = 0;
	for (uint32_t i = lo; i < hi; i++)
		total += s->first[i];
	uint32_t *cut = malloc(((size_t)n_threads + 1) * sizeof *cut);
	if (!cut)
		return -1;
	cut[0] = lo;
	for (uint32_t i = lo, t = 1; t < (uint32_t)n_threads; t++) {
		while (i < hi && acc < total * t / (uint64_t)n_threads)
			acc += s->first[i++];
		cut[t] = i;
	}
	cut[n_threads] = hi;
	int fail = 0;
#pragma omp parallel for num_threads(n_threads) schedule(static, 1)
	for (int t = 0; t < n_threads; t++)
		if (sub_slice(s, cut[t], cut[t + 1], &s->per[t], &s->tmp[t]))
#pragma omp atomic write
			fail = 1;
	free(cut);
	*parts = s->per;
	return fail ? -1 : 0;
}
