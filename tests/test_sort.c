/* Unit tests for the internal radix sorts (sort.c). The clustering stage's
 * determinism relies on wu__sort_keyidx being stable, so every check here
 * compares against qsort with an explicit (key, input position) order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "test_rng.h"

static test_rng rng; /* each test seeds it before it draws */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Reference order for stability: key, then position in the input. The
 * tests store the input position in idx before shuffling idx values would
 * lose it, so a separate array keeps (key, pos, idx). */
typedef struct {
	uint64_t key;
	uint32_t idx;
	size_t pos;
} ref_item;

static int cmp_ref(const void *a, const void *b)
{
	const ref_item *x = a, *y = b;
	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Fills keys according to a pattern; mask limits the distinct key values
 * (to force many equal keys) and shift moves the varying bits to any byte. */
static void fill_keys(uint64_t *k, size_t n, uint64_t mask, int shift)
{
	for (size_t i = 0; i < n; i++)
		k[i] = (test_rng_next(&rng) & mask) << shift;
}

/* threads 0: wu__sort_u64; else wu__sort_u64_mt on that many. */
static void check_u64_on(size_t n, uint64_t mask, int shift, int threads)
{
	uint64_t *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
	assert_non_null(a);
	assert_non_null(b);
	fill_keys(a, n, mask, shift);
	memcpy(b, a, n * sizeof *a);
	assert_int_equal(threads ? wu__sort_u64_mt(a, n, threads) : wu__sort_u64(a, n), 0);
	qsort(b, n, sizeof *b, cmp_u64);
	if (n)
		assert_memory_equal(a, b, n * sizeof *a);
	free(a);
	free(b);
}

static void check_u64(size_t n, uint64_t mask, int shift)
{
	check_u64_on(n, mask, shift, 0);
}

/* The parallel sort (top byte first, then buckets at once) sorts the same,
 * below its threshold (where it is the serial sort) and above it, with
 * the top byte varying or not, on 1 to 3 threads. */
static void test_u64_parallel(void **state)
{
	(void)state;
	rng = test_rng_seed(7);
	static const size_t sizes[] = {0, 1, 1000, (1u << 20) - 1, (1u << 20) + 3};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		for (int t = 1; t <= 3; t++) {
			check_u64_on(sizes[i], UINT64_MAX, 0, t);
			check_u64_on(sizes[i], 0xF, 60, t);  /* 16 of 256 buckets used */
			check_u64_on(sizes[i], 0xFF, 0, t);  /* one bucket holds all */
		}
}

static void test_u64_sizes(void **state)
{
	(void)state;
	rng = test_rng_seed(1);
	static const size_t sizes[] = {0, 1, 2, 3, 7, 255, 256, 257, 1000, 65537};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		check_u64(sizes[i], UINT64_MAX, 0); /* full-range keys */
		check_u64(sizes[i], 0xF, 0);        /* many duplicates */
		check_u64(sizes[i], 0xFF, 56);      /* only the top byte varies */
		check_u64(sizes[i], 0x3, 28);       /* one middle byte varies */
	}
}

static void test_u64_edge(void **state)
{
	(void)state;
	/* n == 0 must not touch the pointer. */
	assert_int_equal(wu__sort_u64(NULL, 0), 0);

	uint64_t two[2] = {UINT64_MAX, 0};
	assert_int_equal(wu__sort_u64(two, 2), 0);
	assert_true(two[0] == 0 && two[1] == UINT64_MAX);

	/* All equal: every pass is skipped; the data must be untouched. */
	uint64_t eq[100];
	for (int i = 0; i < 100; i++)
		eq[i] = 0x0123456789abcdefULL;
	assert_int_equal(wu__sort_u64(eq, 100), 0);
	for (int i = 0; i < 100; i++)
		assert_true(eq[i] == 0x0123456789abcdefULL);

	/* Already sorted and reverse sorted. */
	uint64_t s[300], r[300];
	for (int i = 0; i < 300; i++)
		s[i] = (uint64_t)i << 40 | (uint64_t)i, r[i] = s[i];
	for (int i = 0; i < 150; i++) {
		uint64_t t = r[i];
		r[i] = r[299 - i];
		r[299 - i] = t;
	}
	assert_int_equal(wu__sort_u64(s, 300), 0);
	assert_int_equal(wu__sort_u64(r, 300), 0);
	assert_memory_equal(s, r, sizeof s);
	for (int i = 1; i < 300; i++)
		assert_true(s[i - 1] < s[i]);
}

/* Sorts n pairs whose keys follow (mask, shift) and whose idx values are
 * either their positions or a shuffled permutation, and checks the result
 * against a stable reference: equal keys keep their input order. */
static void check_keyidx(size_t n, uint64_t mask, int shift, int shuffled_idx)
{
	wu__keyidx *a = malloc((n ? n : 1) * sizeof *a);
	ref_item *ref = malloc((n ? n : 1) * sizeof *ref);
	uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
	assert_non_null(a);
	assert_non_null(ref);
	assert_non_null(keys);
	fill_keys(keys, n, mask, shift);
	for (size_t i = 0; i < n; i++) {
		a[i].key = keys[i];
		a[i].idx = (uint32_t)i;
	}
	if (shuffled_idx)
		for (size_t i = n; i > 1; i--) {
			size_t j = (size_t)(test_rng_next(&rng) % i);
			uint32_t t = a[i - 1].idx;
			a[i - 1].idx = a[j].idx;
			a[j].idx = t;
		}
	for (size_t i = 0; i < n; i++)
		ref[i] = (ref_item){a[i].key, a[i].idx, i};
	assert_int_equal(wu__sort_keyidx(a, n), 0);
	qsort(ref, n, sizeof *ref, cmp_ref);
	for (size_t i = 0; i < n; i++) {
		assert_true(a[i].key == ref[i].key);
		assert_int_equal(a[i].idx, ref[i].idx);
	}
	free(a);
	free(ref);
	free(keys);
}

static void test_keyidx_sorted_and_stable(void **state)
{
	(void)state;
	rng = test_rng_seed(42);
	static const size_t sizes[] = {0, 1, 2, 3, 100, 1000, 50000};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		check_keyidx(sizes[i], UINT64_MAX, 0, 0);
		check_keyidx(sizes[i], 0x7, 0, 0);   /* idx order within equal keys */
		check_keyidx(sizes[i], 0x7, 61, 0);  /* equal keys, top bits only */
		check_keyidx(sizes[i], 0x7, 0, 1);   /* stable even when idx is not in order */
		check_keyidx(sizes[i], 0x3, 33, 1);
	}
}

static void test_keyidx_all_equal(void **state)
{
	(void)state;
	/* The clustering relies on this: one big bucket of equal band keys must
	 * come out in article order. */
	enum { N = 1000 };
	wu__keyidx a[N];
	for (uint32_t i = 0; i < N; i++)
		a[i] = (wu__keyidx){0xdeadbeefcafef00dULL, i};
	assert_int_equal(wu__sort_keyidx(a, N), 0);
	for (uint32_t i = 0; i < N; i++) {
		assert_true(a[i].key == 0xdeadbeefcafef00dULL);
		assert_int_equal(a[i].idx, i);
	}

	wu__keyidx two[2] = {{5, 1}, {5, 0}};
	assert_int_equal(wu__sort_keyidx(two, 2), 0);
	assert_int_equal(two[0].idx, 1); /* stable: input order kept */
	assert_int_equal(two[1].idx, 0);

	wu__keyidx two_b[2] = {{9, 0}, {3, 1}};
	assert_int_equal(wu__sort_keyidx(two_b, 2), 0);
	assert_true(two_b[0].key == 3 && two_b[0].idx == 1);
	assert_true(two_b[1].key == 9 && two_b[1].idx == 0);
	assert_int_equal(wu__sort_keyidx(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_sizes),
		cmocka_unit_test(test_u64_parallel),
		cmocka_unit_test(test_u64_edge),
		cmocka_unit_test(test_keyidx_sorted_and_stable),
		cmocka_unit_test(test_keyidx_all_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
