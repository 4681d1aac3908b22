/* Scores a predicted clustering against gold labels.
 *
 * Every metric here is a function of the contingency table n_ij (items with
 * gold label i and predicted label j) and its marginals a_i (gold cluster
 * sizes) and b_j (predicted cluster sizes).  Labels are arbitrary uint32
 * values, so instead of a labels x labels table we pack each item's
 * (major, minor) label pair into one uint64 and sort: equal keys are then
 * the nonzero cells, and equal high halves are the major clusters.  Sorting
 * once gold-major and once pred-major yields both marginals, each with its
 * cells grouped under it, in O(n) radix passes and O(n) memory.
 *
 * Pair counts stay in uint64 (exact far beyond n = 1e8); only the final
 * ratios are taken in double. */
#include "wiredup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What one sorted pass (major label = gold or pred) tells us. */
typedef struct {
	uint64_t groups;      /* distinct major labels */
	uint64_t cells;       /* distinct (major, minor) pairs: nonzero cells */
	uint64_t group_pairs; /* sum over major clusters of C(size, 2) */
	uint64_t cell_pairs;  /* sum over cells of C(n_ij, 2) */
	double bcubed_sum;    /* sum over cells of n_ij^2 / major cluster size */
} side_stats;

/* C(k, 2) without the k * (k - 1) overflow: halve the even factor first. */
static uint64_t pairs_of(uint64_t k)
{
	if (k < 2)
		return 0;
	return k % 2 == 0 ? (k / 2) * (k - 1) : k * ((k - 1) / 2);
}

static void pack(const uint32_t *major, const uint32_t *minor, size_t n, uint64_t *key)
{
	for (size_t i = 0; i < n; i++)
		key[i] = (uint64_t)major[i] << 32 | minor[i];
}

/* LSD radix sort by bytes, ping-ponging between a and tmp; returns the
 * buffer that holds the result.  Bytes equal in every key (common with
 * small labels) are skipped, so dense labels cost only a few passes. */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
	for (int shift = 0; shift < 64; shift += 8) {
		size_t cnt[257] = {0};
		for (size_t i = 0; i < n; i++)
			cnt[(size_t)(a[i] >> shift & 0xFF) + 1]++;
		if (cnt[(size_t)(a[0] >> shift & 0xFF) + 1] == n)
			continue;
		for (size_t b = 0; b < 256; b++)
			cnt[b + 1] += cnt[b];
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(size_t)(a[i] >> shift & 0xFF)]++] = a[i];
		uint64_t *t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* First index at or after i whose key differs from key[i] under mask. */
static size_t run_end(const uint64_t *key, size_t i, size_t n, uint64_t mask)
{
	uint64_t want = key[i] & mask;
	size_t j = i + 1;
	while (j < n && (key[j] & mask) == want)
		j++;
	return j;
}

/* Walks sorted keys: each major cluster is a run of equal high halves, and
 * within it each cell a run of equal keys. */
static void scan_sorted(const uint64_t *key, size_t n, side_stats *s)
{
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < n;) {
		size_t end = run_end(key, i, n, UINT64_C(0xFFFFFFFF00000000));
		double sq = 0; /* sum of n_ij^2 over this cluster's cells */
		for (size_t c = i; c < end;) {
			size_t ce = run_end(key, c, end, UINT64_MAX);
			uint64_t cell = ce - c;
			s->cells++;
			s->cell_pairs += pairs_of(cell);
			sq += (double)cell * (double)cell;
			c = ce;
		}
		s->groups++;
		s->group_pairs += pairs_of(end - i);
		s->bcubed_sum += sq / (double)(end - i);
		i = end;
	}
}

/* Sorts the items by (major, minor) and scans them. */
static void one_side(const uint32_t *major, const uint32_t *minor, size_t n,
                     uint64_t *key, uint64_t *tmp, side_stats *s)
{
	pack(major, minor, n, key);
	scan_sorted(radix_sort(key, tmp, n), n, s);
}

/* ARI = (index - E) / (max - E) with index = sum C(n_ij,2), A = sum C(a_i,2),
 * B = sum C(b_j,2), N = C(n,2), E = A*B/N, max = (A+B)/2.  Multiplied
 * through by 2N this is 2 (index*N - A*B) / (A(N-B) + B(N-A)); written as
 * below, every factor is an exact nonnegative integer difference, so the
 * denominator never cancels and near-trivial clusterings at large n keep
 * their precision.  It is 0 only when both clusterings are all singletons
 * or both one cluster (or n < 2). */
static double ari(uint64_t index, uint64_t a, uint64_t b, uint64_t n_pairs, int identical)
{
	double num = (double)index * (double)(n_pairs - b) - (double)b * (double)(a - index);
	double den = (double)a * (double)(n_pairs - b) + (double)b * (double)(n_pairs - a);
	if (den == 0)
		return identical ? 1.0 : 0.0;
	return 2 * num / den;
}

static double ratio_or_one(uint64_t num, uint64_t den)
{
	return den == 0 ? 1.0 : (double)num / (double)den;
}

static double harmonic(double p, double r)
{
	return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

static void fill_metrics(size_t n, const side_stats *g, const side_stats *p, wu_eval_metrics *m)
{
	/* Same partition iff every cell is a whole gold and a whole pred cluster. */
	int identical = g->cells == g->groups && g->cells == p->groups;
	uint64_t index = g->cell_pairs; /* equal to p->cell_pairs: same cells */

	m->n = n;
	m->n_gold_clusters = (size_t)g->groups;
	m->n_pred_clusters = (size_t)p->groups;
	m->ari = ari(index, g->group_pairs, p->group_pairs, pairs_of(n), identical);
	/* Pred-major sums n_ij^2 / b_j: each item's share of its pred cluster. */
	m->bcubed_p = n ? p->bcubed_sum / (double)n : 1.0;
	m->bcubed_r = n ? g->bcubed_sum / (double)n : 1.0;
	m->bcubed_f1 = harmonic(m->bcubed_p, m->bcubed_r);
	m->pair_p = ratio_or_one(index, p->group_pairs);
	m->pair_r = ratio_or_one(index, g->group_pairs);
	m->pair_f1 = harmonic(m->pair_p, m->pair_r);
}

int wu_eval(const uint32_t *gold, const uint32_t *pred, size_t n, wu_eval_metrics *m)
{
	side_stats g, p;
	if (n == 0) {
		/* Nothing to sort; also keeps NULL label arrays legal here. */
		memset(&g, 0, sizeof g);
		memset(&p, 0, sizeof p);
		fill_metrics(0, &g, &p, m);
		return 0;
	}
	if (n > SIZE_MAX / sizeof(uint64_t))
		return -1;
	uint64_t *key = malloc(n * sizeof *key);
	uint64_t *tmp = malloc(n * sizeof *tmp);
	if (!key || !tmp) {
		free(key);
		free(tmp);
		return -1;
	}
	one_side(gold, pred, n, key, tmp, &g);
	one_side(pred, gold, n, key, tmp, &p);
	free(key);
	free(tmp);
	fill_metrics(n, &g, &p, m);
	return 0;
}
