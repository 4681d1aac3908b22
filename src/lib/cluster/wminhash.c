/* Story candidates by weighted MinHash. Each initial story's summed
 * profile is sampled WMH_BANDS times by an exponential race: in sample j
 * term t draws -ln(U_j(t)) / w_t and the smallest wins, so t wins with
 * probability w_t / sum w, and two profiles pick the same term with
 * probability their probability Jaccard (the P-MinHash of Moulton & Jiang
 * and Ertl's ProbMinHash compute the same thing faster for long sets;
 * ours are 16 terms). Every sample is a band of one row, its keys
 * radix-sorted like the copies' bands, so the cost is linear in the
 * stories. Two stories are drawn together once per band where they won
 * with the same term, and each story keeps its WMH_BEST partners drawn
 * together most often: the exact dot products that follow are then at
 * most WMH_BEST a story, whatever the corpus. A story's draws depend
 * on its own terms only; the rest of the corpus enters through the
 * bucket window (WMH_WINDOW predecessors in a band's bucket), which a
 * crowd can fill only in bands where the story drew a term the crowd
 * shares, and through the ranking, where a crowd story must be drawn
 * together with it more often than its own event's stories are.
 *
 * Measured on ECB+ (982 articles, 907 initial stories): 89.9% of the
 * pairs whose mean profiles reach the 0.15 threshold are candidates
 * (mean-dot exhaustive check; the posting lists before reached 98.6% with
 * 15x the pairs per story at 50,000 articles), with the same B-cubed F1. */
#include "internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define WMH_TERMS 16   /* heaviest terms of a story that race */
#define WMH_BANDS 32   /* samples = bands of one row */
#define WMH_WINDOW 16  /* a bucket member meets this many predecessors */
#define WMH_BEST 16    /* partners a story keeps, most often drawn first */
#define WMH_NONE UINT16_MAX

/* The indexes in p of its heaviest terms (ties: smaller key; weights not
 * above 0, or NaN, never race), at most WMH_TERMS, into at. */
static size_t heaviest(const wu__termspan *p, uint16_t *at)
{
	size_t k = 0;
	for (uint32_t j = 0; j < p->n; j++) {
		const wu_term *x = &p->a[j];
		if (!(x->weight > 0))
			continue;
		size_t i = k < WMH_TERMS ? k++ : WMH_TERMS;
		for (; i > 0; i--) {
			const wu_term *y = &p->a[at[i - 1]];
			if (!(y->weight < x->weight || (y->weight == x->weight && y->key > x->key)))
				break;
			if (i < WMH_TERMS)
				at[i] = at[i - 1];
		}
		if (i < WMH_TERMS)
			at[i] = (uint16_t)j;
	}
	return k;
}

/* Unit variate in (0, 1) from 53 bits of a hash. */
static double unit_open(uint64_t h)
{
	return ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* The winning term (its index in p, WMH_NONE if none) of every sample. */
static void race(const wu__termspan *p, uint16_t *win)
{
	uint16_t at[WMH_TERMS];
	double inv[WMH_TERMS];
	size_t k = heaviest(p, at);
	for (size_t t = 0; t < k; t++)
		inv[t] = 1.0 / p->a[at[t]].weight;
	for (uint64_t j = 0; j < WMH_BANDS; j++) {
		double best = INFINITY;
		uint16_t w = WMH_NONE;
		uint64_t seed = wu__mix64(0x9e3779b97f4a7c15ULL * (j + 1));
		for (size_t t = 0; t < k; t++) {
			double e = -log(unit_open(wu__mix64(p->a[at[t]].key ^ seed))) * inv[t];
			if (e < best)
				best = e, w = at[t];
		}
		win[j] = w;
	}
}

/* Band j: the stories keyed by the term they drew, stably sorted (so a
 * bucket's members are in story order), and each member paired with its
 * WMH_WINDOW predecessors in the bucket, appended to out. */
static int band_pairs(const wu__termspan *p, size_t n, const uint16_t *win, size_t j,
                      wu__keyidx *keys, wu_u64s *out)
{
	size_t m = 0;
	for (size_t u = 0; u < n; u++) {
		uint16_t w = win[u * WMH_BANDS + j];
		if (w != WMH_NONE)
			keys[m++] = (wu__keyidx){p[u].a[w].key, (uint32_t)u};
	}
	if (wu__sort_keyidx(keys, m))
		return -1;
	for (size_t s = 0, e; s < m; s = e) {
		for (e = s + 1; e < m && keys[e].key == keys[s].key; e++)
			;
		for (size_t i = s + 1; i < e; i++) {
			size_t from = i - s > WMH_WINDOW ? i - WMH_WINDOW : s;
			if (wu__u64s_reserve(out, out->n + (i - from)))
				return -1;
			for (size_t a = from; a < i; a++)
				out->a[out->n++] = (uint64_t)keys[a].idx << 32 | keys[i].idx;
		}
	}
	return 0;
}

/* Sorted pairs with repeats -> distinct pairs, each with its count. */
static size_t count_hits(wu_u64s *pairs, uint8_t *hit)
{
	size_t d = 0;
	for (size_t s = 0, t; s < pairs->n; s = t) {
		for (t = s + 1; t < pairs->n && pairs->a[t] == pairs->a[s]; t++)
			;
		hit[d] = (uint8_t)(t - s), pairs->a[d++] = pairs->a[s];
	}
	return d;
}

/* Both ends' view of each pair, keyed (story, WMH_BANDS - hits): sorted
 * stably, a story's partners come most often drawn first, ties in
 * ascending order (the order they go in: the pairs are sorted). */
static void both_ends(const wu_u64s *pairs, const uint8_t *hit, wu__keyidx *e)
{
	size_t m = 0;
	for (int end = 0; end < 2; end++)
		for (size_t i = 0; i < pairs->n; i++) {
			uint64_t u = pairs->a[i] >> 32, v = pairs->a[i] & 0xFFFFFFFFu;
			uint64_t x = end ? v : u, y = end ? u : v;
			e[m++] = (wu__keyidx){x << 8 | (uint64_t)(WMH_BANDS - hit[i]), (uint32_t)y};
		}
}

/* Keeps, once, each pair among the WMH_BEST most drawn partners of
 * either of its stories: at most WMH_BEST pairs a story. */
static int keep_best(wu_u64s *pairs, int n_threads)
{
	if (wu__sort_u64_mt(pairs->a, pairs->n, n_threads))
		return -1;
	uint8_t *hit = malloc(pairs->n + 1);
	int rc = hit ? 0 : -1;
	if (hit)
		pairs->n = count_hits(pairs, hit);
	size_t m = 2 * pairs->n;
	wu__keyidx *e = hit ? malloc((m + 1) * sizeof *e) : NULL;
	if (!e || wu__u64s_reserve(pairs, m))
		rc = -1;
	if (rc == 0)
		both_ends(pairs, hit, e);
	free(hit);
	if (rc == 0 && wu__sort_keyidx(e, m))
		rc = -1;
	pairs->n = 0;
	for (size_t s = 0, t; rc == 0 && s < m; s = t) {
		uint64_t x = e[s].key >> 8;
		for (t = s; t < m && e[t].key >> 8 == x; t++)
			if (t - s < WMH_BEST) {
				uint64_t y = e[t].idx;
				pairs->a[pairs->n++] = x < y ? x << 32 | y : y << 32 | x;
			}
	}
	free(e);
	return rc ? -1 : wu__sort_unique_u64(pairs->a, &pairs->n);
}

/* The bands on n_threads, each thread's pairs in its own list (their
 * order does not matter: keep_best sorts them), joined into out. */
static int all_bands(const wu__termspan *p, size_t n, const uint16_t *win, int n_threads,
                     wu_u64s *out)
{
	wu_u64s part[WMH_BANDS] = {{0}};
	int fail = 0;
#pragma omp parallel num_threads(n_threads)
	{
		wu__keyidx *keys = malloc((n ? n : 1) * sizeof *keys);
		if (!keys)
#pragma omp atomic write
			fail = 1;
#pragma omp for schedule(dynamic, 1)
		for (int j = 0; j < WMH_BANDS; j++)
			if (keys && band_pairs(p, n, win, (size_t)j, keys, &part[j]))
#pragma omp atomic write
				fail = 1;
		free(keys);
	}
	size_t total = 0;
	for (int j = 0; j < WMH_BANDS; j++)
		total += part[j].n;
	if (!fail && wu__u64s_reserve(out, total))
		fail = 1;
	for (int j = 0; j < WMH_BANDS; j++) {
		if (!fail && part[j].n)
			memcpy(out->a + out->n, part[j].a, part[j].n * sizeof *out->a);
		out->n += fail ? 0 : part[j].n;
		wu_u64s_free(&part[j]);
	}
	return fail ? -1 : 0;
}

int wu__story_candidates(const wu__termspan *p, size_t n, int n_threads, wu_u64s *pairs)
{
	uint16_t *win = malloc((n ? n : 1) * WMH_BANDS * sizeof *win);
	pairs->n = 0;
	if (!win)
		return -1;
	long long nn = (long long)n;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 256)
	for (long long u = 0; u < nn; u++)
		race(&p[u], win + (size_t)u * WMH_BANDS);
	int rc = all_bands(p, n, win, n_threads, pairs);
	free(win);
	return rc ? -1 : keep_best(pairs, n_threads);
}
