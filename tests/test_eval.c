/* Tests for wu_eval(): every expected value below is worked out by hand in
 * the comment beside it, from the contingency table n_ij, the gold sizes
 * a_i and the predicted sizes b_j.  Notation: index = sum C(n_ij,2),
 * A = sum C(a_i,2) (true pairs), B = sum C(b_j,2) (predicted pairs),
 * N = C(n,2), ARI = (index - A*B/N) / ((A+B)/2 - A*B/N). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "wiredup.h"
#include "test_rng.h"

#define EPS 1e-9
#define NEAR(x, want) assert_true(fabs((x) - (want)) < EPS)
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
	double ari, bp, br, bf, pp, pr, pf;
} expected;

static void check(const uint32_t *gold, const uint32_t *pred, size_t n, size_t n_gold,
                  size_t n_pred, expected e)
{
	wu_eval_metrics m;
	assert_int_equal(wu_eval(gold, pred, n, &m), 0);
	assert_int_equal(m.n, n);
	assert_int_equal(m.n_gold_clusters, n_gold);
	assert_int_equal(m.n_pred_clusters, n_pred);
	NEAR(m.ari, e.ari);
	NEAR(m.bcubed_p, e.bp);
	NEAR(m.bcubed_r, e.br);
	NEAR(m.bcubed_f1, e.bf);
	NEAR(m.pair_p, e.pp);
	NEAR(m.pair_r, e.pr);
	NEAR(m.pair_f1, e.pf);
}

static const expected ALL_ONE = {1, 1, 1, 1, 1, 1, 1};

/* Same partition under different label values: gold sizes (2,3,1).
 * index = A = B = 1 + 3 = 4, N = 15: ARI = (4 - 16/15) / (4 - 16/15) = 1;
 * every item's clusters coincide, so every score is 1. */
static void test_identical(void **state)
{
	(void)state;
	const uint32_t gold[] = {1, 1, 2, 2, 2, 3};
	const uint32_t pred[] = {7, 7, 9, 9, 9, 4};
	check(gold, pred, LEN(gold), 3, 3, ALL_ONE);
}

/* Both all singletons and both one cluster: the ARI denominator is 0
 * (A = B = 0, resp. A = B = N), and the partitions are identical, so 1. */
static void test_trivial_identical(void **state)
{
	(void)state;
	const uint32_t single_g[] = {1, 2, 3}, single_p[] = {30, 10, 20};
	check(single_g, single_p, 3, 3, 3, ALL_ONE);
	const uint32_t one_g[] = {4, 4, 4, 4}, one_p[] = {0, 0, 0, 0};
	check(one_g, one_p, 4, 1, 1, ALL_ONE);
}

/* Gold one cluster of 4, pred all singletons: n_ij all 1.
 * index = 0, A = 6, B = 0, N = 6: E = 0, max = 3, ARI = 0/3 = 0.
 * B-cubed: each item's pred cluster is itself -> p = 1; its gold cluster
 * has 4 items, 1 shared -> r = 1/4; F1 = 2 * 1 * .25 / 1.25 = 0.4.
 * Pairs: none predicted -> p = 1; 0 of 6 true found -> r = 0; F1 = 0. */
static void test_singletons_pred(void **state)
{
	(void)state;
	const uint32_t gold[] = {5, 5, 5, 5};
	const uint32_t pred[] = {0, 1, 2, 3};
	check(gold, pred, 4, 1, 4, (expected){0, 1, 0.25, 0.4, 1, 0, 0});
}

/* The mirror image: gold singletons, pred one cluster.
 * index = 0, A = 0, B = 6: ARI = 0.  B-cubed p = 1/4, r = 1, F1 = 0.4.
 * Pairs: 0 of 6 predicted are true -> p = 0; no true pairs -> r = 1. */
static void test_one_pred_cluster(void **state)
{
	(void)state;
	const uint32_t gold[] = {0, 1, 2, 3};
	const uint32_t pred[] = {5, 5, 5, 5};
	check(gold, pred, 4, 4, 1, (expected){0, 0.25, 1, 0.4, 0, 1, 0});
}

/* Seven items (gold, pred):
 *   0 (1,x)  1 (1,x)  2 (1,y)  3 (1,y)  4 (2,y)  5 (2,z)  6 (3,z)
 * Contingency:      x  y  z | a
 *             g1    2  2  0 | 4
 *             g2    0  1  1 | 2
 *             g3    0  0  1 | 1
 *             b     2  3  2 | n = 7
 * index = C(2,2) + C(2,2) = 2; A = 6 + 1 + 0 = 7; B = 1 + 3 + 1 = 5; N = 21.
 * E = 35/21 = 5/3, max = 6: ARI = (2 - 5/3) / (6 - 5/3) = (1/3)/(13/3) = 1/13.
 * Pairs: p = 2/5, r = 2/7, F1 = 2*2 / (5 + 7) = 1/3.
 * B-cubed precision, per item |pred ∩ gold| / |pred|:
 *   x: items 0,1 -> 2/2, 2/2; y: items 2,3 -> 2/3 each, item 4 -> 1/3;
 *   z: items 5,6 -> 1/2 each.  Sum = 2 + 4/3 + 1/3 + 1 = 14/3; p = 2/3.
 * B-cubed recall, per item |pred ∩ gold| / |gold|:
 *   g1: items 0..3 -> 2/4 each = 2; g2: items 4,5 -> 1/2 each = 1;
 *   g3: item 6 -> 1.  Sum = 4; r = 4/7.
 * F1 = 2 (2/3)(4/7) / (2/3 + 4/7) = (16/21) / (26/21) = 8/13. */
static const uint32_t MIX_GOLD[] = {1, 1, 1, 1, 2, 2, 3};
static const uint32_t MIX_PRED[] = {10, 10, 20, 20, 20, 30, 30};
static const expected MIX = {1.0 / 13, 2.0 / 3, 4.0 / 7, 8.0 / 13, 2.0 / 5, 2.0 / 7, 1.0 / 3};

static void test_mixed(void **state)
{
	(void)state;
	check(MIX_GOLD, MIX_PRED, 7, 3, 3, MIX);
}

/* Swapping gold and pred transposes the table: ARI is symmetric, while
 * precision and recall trade places (F1s unchanged). */
static void test_mixed_swapped(void **state)
{
	(void)state;
	expected e = {MIX.ari, MIX.br, MIX.bp, MIX.bf, MIX.pr, MIX.pp, MIX.pf};
	check(MIX_PRED, MIX_GOLD, 7, 3, 3, e);
}

/* The mixed case again, with extreme, sparse label values (0, 2^31 + 1,
 * 2^32 - 1 ...) and the items listed in another order: the metrics depend
 * only on the partitions, so the expected values are the same.
 * Mapping: g1 -> 0xFFFFFFFF, g2 -> 0, g3 -> 0x80000001,
 *          x -> 0xFFFFFFFE, y -> 7, z -> 0.  Order: 6,4,0,5,2,1,3. */
static void test_sparse_labels(void **state)
{
	(void)state;
	const uint32_t gold[] = {0x80000001u, 0, 0xFFFFFFFFu, 0, 0xFFFFFFFFu, 0xFFFFFFFFu,
	                         0xFFFFFFFFu};
	const uint32_t pred[] = {0, 7, 0xFFFFFFFEu, 0, 7, 0xFFFFFFFEu, 7};
	check(gold, pred, 7, 3, 3, MIX);
}

/* No items: counts 0 and, by convention, every score 1; NULL is fine. */
static void test_empty(void **state)
{
	(void)state;
	check(NULL, NULL, 0, 0, 0, ALL_ONE);
}

/* One item: no pairs at all (N = 0, ARI denominator 0, partitions
 * identical -> 1), and the item's clusters are both just itself. */
static void test_single(void **state)
{
	(void)state;
	const uint32_t gold[] = {42}, pred[] = {0xFFFFFFFFu};
	check(gold, pred, 1, 1, 1, ALL_ONE);
}

/* Direct O(n^2) definitions, independent of the contingency-table code. */
static void brute_force(const uint32_t *g, const uint32_t *p, size_t n, wu_eval_metrics *m)
{
	double tp = 0, true_pairs = 0, pred_pairs = 0, bp = 0, br = 0;
	for (size_t i = 0; i < n; i++) {
		double both = 0, in_g = 0, in_p = 0;
		for (size_t j = 0; j < n; j++) {
			both += g[i] == g[j] && p[i] == p[j];
			in_g += g[i] == g[j];
			in_p += p[i] == p[j];
			if (j > i) {
				tp += g[i] == g[j] && p[i] == p[j];
				true_pairs += g[i] == g[j];
				pred_pairs += p[i] == p[j];
			}
		}
		bp += both / in_p;
		br += both / in_g;
	}
	double all = (double)n * (double)(n - 1) / 2, e = true_pairs * pred_pairs / all;
	m->ari = (tp - e) / ((true_pairs + pred_pairs) / 2 - e);
	m->bcubed_p = bp / (double)n;
	m->bcubed_r = br / (double)n;
	m->pair_p = tp / pred_pairs;
	m->pair_r = tp / true_pairs;
}

/* 300 items with few labels, so clusters overlap heavily; labels spread
 * over the whole uint32 range by a multiplier. */
static void test_random_vs_brute_force(void **state)
{
	(void)state;
	enum { N = 300 };
	uint32_t g[N], p[N];
	test_rng rng = test_rng_seed(12345);
	for (size_t i = 0; i < N; i++) {
		g[i] = (uint32_t)(test_rng_next(&rng) % 17) * 2654435761u;
		p[i] = (uint32_t)(test_rng_next(&rng) % 23) * 40503u;
	}
	wu_eval_metrics got, want;
	assert_int_equal(wu_eval(g, p, N, &got), 0);
	brute_force(g, p, N, &want);
	NEAR(got.ari, want.ari);
	NEAR(got.bcubed_p, want.bcubed_p);
	NEAR(got.bcubed_r, want.bcubed_r);
	NEAR(got.pair_p, want.pair_p);
	NEAR(got.pair_r, want.pair_r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_trivial_identical),
		cmocka_unit_test(test_singletons_pred),
		cmocka_unit_test(test_one_pred_cluster),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_mixed_swapped),
		cmocka_unit_test(test_sparse_labels),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_random_vs_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
