/* Unit tests for the MinHash sketch and the similarity estimates.
 *
 * The statistical tests build pairs of random sets with an exactly known
 * Jaccard similarity J and check the signature estimate against it: its
 * root-mean-square error must be within 25% of the k-permutation MinHash
 * standard error sqrt(J(1-J)/k), and its mean error (bias) must be below
 * 0.01. A fixed-seed splitmix64 generator (test_rng.h) keeps the runs deterministic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wiredup.h"
#include "test_rng.h"

static test_rng rng; /* each test seeds it before it draws */

static wu_opt opt_k(int k)
{
	wu_opt o;
	wu_opt_init(&o);
	o.num_perm = k;
	assert_int_equal(wu_opt_finish(&o, NULL, 0), 0);
	return o;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Two sets with union size u and exactly `inter` shared elements; the rest
 * of the union is split between A only (a_only) and B only. Elements are
 * random 64-bit values (distinct with overwhelming probability; checked). */
typedef struct {
	uint64_t *a, *b;
	size_t na, nb;
} set_pair;

static set_pair make_pair(size_t inter, size_t a_only, size_t b_only)
{
	set_pair p;
	p.na = inter + a_only;
	p.nb = inter + b_only;
	p.a = malloc((p.na ? p.na : 1) * sizeof *p.a);
	p.b = malloc((p.nb ? p.nb : 1) * sizeof *p.b);
	assert_non_null(p.a);
	assert_non_null(p.b);
	size_t i;
	for (i = 0; i < inter; i++)
		p.a[i] = p.b[i] = test_rng_next(&rng);
	for (size_t j = 0; j < a_only; j++)
		p.a[inter + j] = test_rng_next(&rng);
	for (size_t j = 0; j < b_only; j++)
		p.b[inter + j] = test_rng_next(&rng);
	return p;
}

static void free_pair(set_pair *p)
{
	free(p->a);
	free(p->b);
}

/* Sketches a pair and returns the signature estimate. */
static double estimate(const set_pair *p, const wu_opt *o)
{
	uint32_t sa[1024], sb[1024];
	wu_sketch(p->a, p->na, o, sa);
	wu_sketch(p->b, p->nb, o, sb);
	return wu_sig_jaccard(sa, sb, o->num_perm);
}

static void test_identical_sets(void **state)
{
	(void)state;
	rng = test_rng_seed(1);
	wu_opt o = opt_k(128);
	set_pair p = make_pair(700, 0, 0);
	uint32_t sa[128], sb[128];
	wu_sketch(p.a, p.na, &o, sa);
	wu_sketch(p.b, p.nb, &o, sb);
	assert_memory_equal(sa, sb, sizeof sa);
	assert_true(wu_sig_jaccard(sa, sb, 128) == 1.0);

	/* A set has no order: a shuffled or sorted copy sketches the same. */
	qsort(p.b, p.nb, sizeof *p.b, cmp_u64);
	wu_sketch(p.b, p.nb, &o, sb);
	assert_memory_equal(sa, sb, sizeof sa);
	for (size_t i = 0; i < p.nb / 2; i++) {
		uint64_t t = p.b[i];
		p.b[i] = p.b[p.nb - 1 - i];
		p.b[p.nb - 1 - i] = t;
	}
	wu_sketch(p.b, p.nb, &o, sb);
	assert_memory_equal(sa, sb, sizeof sa);

	/* A different seed is a different hash family. */
	wu_opt o2 = o;
	o2.seed = 2;
	wu_sketch(p.a, p.na, &o2, sb);
	assert_true(wu_sig_jaccard(sa, sb, 128) < 0.1);
	free_pair(&p);
}

static void test_disjoint_sets(void **state)
{
	(void)state;
	rng = test_rng_seed(2);
	wu_opt o = opt_k(128);
	double worst = 0.0;
	for (int t = 0; t < 20; t++) {
		set_pair p = make_pair(0, 2000, 2000);
		double e = estimate(&p, &o);
		worst = e > worst ? e : worst;
		free_pair(&p);
	}
	/* Only accidental 32-bit value collisions could match: essentially 0. */
	assert_true(worst < 0.02);
}

/* RMSE and mean error of the estimate over n_pairs random pairs with
 * union size drawn from [u_lo, u_hi] (a multiple of 20 so that J * u is an
 * integer for every J tested) and exactly Jaccard j. */
static void run_stat(double j, int k, int n_pairs, size_t u_lo, size_t u_hi, double *rmse,
                     double *bias)
{
	wu_opt o = opt_k(k);
	double sse = 0.0, sum = 0.0;
	for (int t = 0; t < n_pairs; t++) {
		size_t u = u_lo + (size_t)(test_rng_next(&rng) % ((u_hi - u_lo) / 20 + 1)) * 20;
		size_t inter = (size_t)llround(j * (double)u);
		size_t rest = u - inter, a_only = rest / 2 + (size_t)(test_rng_next(&rng) % 2) * (rest % 2);
		set_pair p = make_pair(inter, a_only, rest - a_only);
		/* The construction really has Jaccard j (and no element collided). */
		qsort(p.a, p.na, sizeof *p.a, cmp_u64);
		qsort(p.b, p.nb, sizeof *p.b, cmp_u64);
		assert_true(fabs(wu_set_jaccard(p.a, p.na, p.b, p.nb) - j) < 1e-12);
		double err = estimate(&p, &o) - j;
		sse += err * err;
		sum += err;
		free_pair(&p);
	}
	*rmse = sqrt(sse / n_pairs);
	*bias = sum / n_pairs;
}

static void test_estimate_accuracy(void **state)
{
	(void)state;
	static const double js[] = {0.2, 0.5, 0.8, 0.95};
	for (size_t i = 0; i < sizeof js / sizeof *js; i++) {
		rng = test_rng_seed(100 + i);
		double rmse, bias, j = js[i];
		run_stat(j, 128, 300, 500, 2000, &rmse, &bias);
		double se = sqrt(j * (1.0 - j) / 128.0);
		print_message("J=%.2f k=128: rmse %.4f (bound %.4f) bias %+.4f\n", j, rmse, 1.25 * se,
		              bias);
		assert_true(rmse <= 1.25 * se);
		assert_true(fabs(bias) < 0.01);
	}
}

/* Other signature lengths: the same bound scales with 1/sqrt(k). */
static void test_estimate_accuracy_other_k(void **state)
{
	(void)state;
	static const int ks[] = {8, 64, 256, 1024};
	for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
		rng = test_rng_seed(200 + i);
		double rmse, bias, j = 0.5;
		run_stat(j, ks[i], 300, 1000, 3000, &rmse, &bias);
		double se = sqrt(j * (1.0 - j) / ks[i]);
		print_message("J=0.50 k=%d: rmse %.4f (bound %.4f) bias %+.4f\n", ks[i], rmse,
		              1.25 * se, bias);
		assert_true(rmse <= 1.25 * se);
		assert_true(fabs(bias) < 0.02);
	}
}

/* Sets much smaller than k leave most bins empty; densification fills them
 * by borrowing. The estimate must stay unbiased, and optimal densification
 * keeps the error close to k-permutation MinHash even here (measured about
 * 1.2x; poor densification schemes are far worse), so the bound is 1.5x
 * the k-permutation standard error. Short wire briefs are exactly this
 * case. */
static void test_small_sets_unbiased(void **state)
{
	(void)state;
	static const double js[] = {0.2, 0.5, 0.8, 0.95};
	for (size_t i = 0; i < sizeof js / sizeof *js; i++) {
		rng = test_rng_seed(300 + i);
		double rmse, bias, j = js[i];
		run_stat(j, 128, 2000, 20, 20, &rmse, &bias);
		double se = sqrt(j * (1.0 - j) / 128.0);
		print_message("J=%.2f, 20-element union: rmse %.4f (bound %.4f) bias %+.4f\n", j,
		              rmse, 1.5 * se, bias);
		assert_true(fabs(bias) < 0.01);
		assert_true(rmse <= 1.5 * se);
	}
}

static void test_set_jaccard_exact(void **state)
{
	(void)state;
	const uint64_t a[] = {1, 2, 3}, b[] = {2, 3, 4}, c[] = {1, 2}, d[] = {1, 2, 3, 4};
	const uint64_t e[] = {5, 6}, big[] = {0, UINT64_MAX};
	assert_true(wu_set_jaccard(a, 3, b, 3) == 0.5);  /* 2 / 4 */
	assert_true(wu_set_jaccard(a, 3, a, 3) == 1.0);
	assert_true(wu_set_jaccard(c, 2, d, 4) == 0.5);  /* 2 / 4 */
	assert_true(wu_set_jaccard(d, 4, c, 2) == 0.5);  /* symmetric */
	assert_true(wu_set_jaccard(a, 3, e, 2) == 0.0);
	assert_true(wu_set_jaccard(a, 3, e, 0) == 0.0);
	assert_true(wu_set_jaccard(a, 0, e, 0) == 0.0);  /* both empty: 0, not NaN */
	assert_true(fabs(wu_set_jaccard(a, 3, d, 4) - 0.75) < 1e-15);
	assert_true(fabs(wu_set_jaccard(big, 2, a, 3) - 0.0) < 1e-15);
	assert_true(fabs(wu_set_jaccard(big, 2, big, 1) - 0.5) < 1e-15);
}

static void test_containment(void **state)
{
	(void)state;
	/* A 60-element subset of a 100-element set: J = 60/100 = 0.6, and the
	 * whole of the smaller set is in the larger one. */
	assert_true(fabs(wu_containment(0.6, 60, 100) - 1.0) < 1e-12);
	assert_true(fabs(wu_containment(0.6, 100, 60) - 1.0) < 1e-12);
	/* Equal sizes 100, 50 shared: J = 50/150, containment 0.5. */
	assert_true(fabs(wu_containment(50.0 / 150.0, 100, 100) - 0.5) < 1e-12);
	/* 40 of a 50-set inside a 200-set: J = 40/210, containment 0.8. */
	assert_true(fabs(wu_containment(40.0 / 210.0, 50, 200) - 0.8) < 1e-12);
	assert_true(wu_containment(0.0, 10, 20) == 0.0);
	/* Empty set: 0, not a division by zero. */
	assert_true(wu_containment(0.0, 0, 100) == 0.0);
	assert_true(wu_containment(0.5, 100, 0) == 0.0);
	assert_true(wu_containment(1.0, 0, 0) == 0.0);
	/* An over-estimated J (signature noise) is clamped to 1. */
	assert_true(wu_containment(0.9, 50, 100) == 1.0);
}

static void test_empty_sketch(void **state)
{
	(void)state;
	rng = test_rng_seed(5);
	static const int ks[] = {8, 128, 1024};
	for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
		wu_opt o = opt_k(ks[i]);
		uint32_t empty[1024], other[1024];
		wu_sketch(NULL, 0, &o, empty);
		/* "Matches nothing": no position agrees with any non-empty set,
		 * from a single shingle to thousands. */
		static const size_t sizes[] = {1, 2, 5, 100, 5000};
		for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
			set_pair p = make_pair(sizes[s], 0, 0);
			wu_sketch(p.a, p.na, &o, other);
			assert_true(wu_sig_jaccard(empty, other, ks[i]) == 0.0);
			free_pair(&p);
		}
	}
}

static void test_single_element(void **state)
{
	(void)state;
	/* One shingle fills one bin; densification copies it everywhere, so
	 * two different one-shingle texts (short briefs) share no position and
	 * the same one shares all. */
	wu_opt o = opt_k(128);
	const uint64_t x = 0x1234, y = 0x5678;
	uint32_t sx[128], sx2[128], sy[128];
	wu_sketch(&x, 1, &o, sx);
	wu_sketch(&x, 1, &o, sx2);
	wu_sketch(&y, 1, &o, sy);
	assert_true(wu_sig_jaccard(sx, sx2, 128) == 1.0);
	assert_true(wu_sig_jaccard(sx, sy, 128) == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_sets),
		cmocka_unit_test(test_disjoint_sets),
		cmocka_unit_test(test_estimate_accuracy),
		cmocka_unit_test(test_estimate_accuracy_other_k),
		cmocka_unit_test(test_small_sets_unbiased),
		cmocka_unit_test(test_set_jaccard_exact),
		cmocka_unit_test(test_containment),
		cmocka_unit_test(test_empty_sketch),
		cmocka_unit_test(test_single_element),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
