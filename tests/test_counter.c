/* Unit tests for the key -> count table (counter.c) behind the boilerplate
 * line counts, story term frequencies and the pair sets: counts add and
 * saturate at UINT32_MAX (boiler.c's "known line" mark), a key added with 0
 * is present, colliding keys (wrapping past the table's end) keep their own
 * counts, growth loses nothing, the layout is the same for the same adds
 * (callers walk key[]/count[] directly: 0 is an empty slot), and a failed
 * allocation is -1 with the table as it was. The test's calloc fails on
 * demand (the linker's --wrap=calloc, see tests/CMakeLists.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* calloc fails on its fail_at-th call from now (1 = the next); 0: never. */
static int fail_at;
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
	if (fail_at > 0 && --fail_at == 0)
		return NULL;
	return __real_calloc(n, size);
}

/* Distinct non-zero keys with no pattern in their low bits. */
static uint64_t key_of(size_t i)
{
	return wu__mix64(i + 1) | 1;
}

/* Walks the slots as boiler.c does: entries are the non-zero keys. */
static size_t entries(const wu__counter *c, uint64_t *sum)
{
	size_t n = 0;
	*sum = 0;
	for (size_t i = 0; i < c->size; i++) {
		if (c->key[i]) {
			n++;
			*sum += c->count[i];
		} else {
			assert_int_equal(c->count[i], 0);
		}
	}
	return n;
}

static void test_empty(void **state)
{
	(void)state;
	wu__counter c = {0};
	assert_int_equal(wu__counter_get(&c, 42), 0);
	assert_false(wu__counter_has(&c, 42));
	wu__counter_free(&c);
	wu__counter_free(&c); /* twice is harmless */
	assert_int_equal(wu__counter_add(&c, 42, 3), 0);
	assert_int_equal(wu__counter_get(&c, 42), 3);
	assert_int_equal(wu__counter_get(&c, 43), 0);
	assert_false(wu__counter_has(&c, 43));
	wu__counter_free(&c);
	assert_null(c.key);
	assert_null(c.count);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.size, 0);
	assert_int_equal(wu__counter_get(&c, 42), 0); /* freed: empty again */
}

static void test_add_sums_and_zero_is_present(void **state)
{
	(void)state;
	wu__counter c = {0};
	assert_int_equal(wu__counter_add(&c, 7, 2), 0);
	assert_int_equal(wu__counter_add(&c, 7, 5), 0);
	assert_int_equal(wu__counter_add(&c, 9, 0), 0);
	assert_int_equal(wu__counter_get(&c, 7), 7);
	assert_int_equal(wu__counter_get(&c, 9), 0);
	assert_true(wu__counter_has(&c, 9)); /* present with count 0 */
	assert_int_equal(c.n, 2);
	/* The largest keys are keys like any other. */
	assert_int_equal(wu__counter_add(&c, UINT64_MAX, 1), 0);
	assert_int_equal(wu__counter_get(&c, UINT64_MAX), 1);
	assert_int_equal(c.n, 3);
	wu__counter_free(&c);
}

static void test_saturates(void **state)
{
	(void)state;
	wu__counter c = {0};
	assert_int_equal(wu__counter_add(&c, 5, UINT32_MAX - 1), 0);
	assert_int_equal(wu__counter_add(&c, 5, 1), 0);
	assert_int_equal(wu__counter_get(&c, 5), UINT32_MAX); /* exactly reached */
	assert_int_equal(wu__counter_add(&c, 5, 1), 0);
	assert_int_equal(wu__counter_get(&c, 5), UINT32_MAX); /* held, not wrapped */
	assert_int_equal(wu__counter_add(&c, 5, UINT32_MAX / 2), 0);
	assert_int_equal(wu__counter_get(&c, 5), UINT32_MAX);
	assert_int_equal(wu__counter_add(&c, 6, UINT32_MAX), 0);
	assert_int_equal(wu__counter_add(&c, 6, 0), 0);
	assert_int_equal(wu__counter_get(&c, 6), UINT32_MAX);
	assert_int_equal(wu__counter_add(&c, 8, 3), 0);
	assert_int_equal(wu__counter_add(&c, 8, UINT32_MAX - 3), 0);
	assert_int_equal(wu__counter_get(&c, 8), UINT32_MAX);
	assert_int_equal(c.n, 3);
	wu__counter_free(&c);
}

/* Keys whose home slot is the table's last (found by trying keys against
 * the table's hash), so probing wraps to slot 0: each keeps its count; an
 * absent key with the same home is absent. */
static void test_collisions_wrap(void **state)
{
	(void)state;
	wu__counter c = {0};
	assert_int_equal(wu__counter_add(&c, 1, 1), 0);
	size_t last = c.size - 1;
	uint64_t k[6];
	int m = 0;
	for (uint64_t x = 2; m < 6; x++)
		if (((size_t)wu__mix64(x) & last) == last)
			k[m++] = x;
	for (int i = 0; i < 5; i++)
		assert_int_equal(wu__counter_add(&c, k[i], (uint32_t)(10 + i)), 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(wu__counter_get(&c, k[i]), 10 + i);
		assert_true(wu__counter_has(&c, k[i]));
	}
	assert_int_equal(c.size, last + 1); /* no growth: the wrap was probed */
	assert_int_equal(wu__counter_get(&c, k[5]), 0);
	assert_false(wu__counter_has(&c, k[5]));
	assert_int_equal(wu__counter_add(&c, k[2], 1), 0); /* inside the run */
	assert_int_equal(wu__counter_get(&c, k[2]), 13);
	assert_int_equal(c.n, 6);
	wu__counter_free(&c);
}

/* 100,000 keys, each added (i % 7) + 1 times: every count right after all
 * the growths, the load never above one half, the size a power of two. */
static void test_growth_keeps_everything(void **state)
{
	(void)state;
	enum { N = 100000 };
	wu__counter c = {0};
	uint64_t want_sum = 0;
	for (int round = 0; round < 7; round++)
		for (size_t i = 0; i < N; i++)
			if ((int)(i % 7) >= round) {
				assert_int_equal(wu__counter_add(&c, key_of(i), 1), 0);
				want_sum++;
				assert_true(c.n * 2 <= c.size);
			}
	assert_int_equal(c.n, N);
	assert_int_equal(c.size & (c.size - 1), 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(wu__counter_get(&c, key_of(i)), i % 7 + 1);
	uint64_t sum;
	assert_int_equal(entries(&c, &sum), N);
	assert_int_equal(sum, want_sum);
	for (size_t i = N; i < N + 1000; i++)
		assert_false(wu__counter_has(&c, key_of(i)));
	wu__counter_free(&c);
}

static void fill(wu__counter *c, size_t n, int backwards)
{
	for (size_t j = 0; j < n; j++) {
		size_t i = backwards ? n - 1 - j : j;
		assert_int_equal(wu__counter_add(c, key_of(i % (n / 2)), (uint32_t)i), 0);
	}
}

/* The same adds give the same slots byte for byte (what callers walk);
 * other orders give the same counts. */
static void test_deterministic(void **state)
{
	(void)state;
	enum { N = 5000 };
	wu__counter a = {0}, b = {0}, r = {0};
	fill(&a, N, 0);
	fill(&b, N, 0);
	fill(&r, N, 1);
	assert_int_equal(a.size, b.size);
	assert_int_equal(a.n, N / 2);
	assert_memory_equal(a.key, b.key, a.size * sizeof *a.key);
	assert_memory_equal(a.count, b.count, a.size * sizeof *a.count);
	assert_int_equal(r.n, a.n);
	assert_int_equal(r.size, a.size);
	for (size_t i = 0; i < N / 2; i++) {
		assert_int_equal(wu__counter_get(&r, key_of(i)), wu__counter_get(&a, key_of(i)));
		assert_int_equal(wu__counter_get(&a, key_of(i)), 2 * i + N / 2);
	}
	wu__counter_free(&a);
	wu__counter_free(&b);
	wu__counter_free(&r);
}

/* Fill c up to the point where the next new key makes it grow. */
static size_t fill_to_growth(wu__counter *c)
{
	size_t i = 0;
	do {
		assert_int_equal(wu__counter_add(c, key_of(i), (uint32_t)i + 1), 0);
		i++;
	} while ((c->n + 1) * 2 <= c->size);
	return i;
}

/* Out of memory: the first add of an empty table, and a growth (either of
 * its two arrays), fail with -1 and leave the table as it was; it works
 * again once memory does (and ASan sees no leak of the half-made arrays). */
static void test_allocation_failure(void **state)
{
	(void)state;
	for (int at = 1; at <= 2; at++) {
		wu__counter c = {0};
		fail_at = at;
		assert_int_equal(wu__counter_add(&c, 3, 1), -1);
		assert_int_equal(c.size, 0);
		assert_int_equal(c.n, 0);
		assert_int_equal(wu__counter_get(&c, 3), 0);
		fail_at = 0;

		size_t n = fill_to_growth(&c);
		size_t size = c.size;
		uint64_t *key = malloc(size * sizeof *key);
		assert_non_null(key);
		memcpy(key, c.key, size * sizeof *key);
		fail_at = at;
		assert_int_equal(wu__counter_add(&c, key_of(n), 9), -1);
		fail_at = 0;
		assert_int_equal(c.size, size);
		assert_int_equal(c.n, n);
		assert_memory_equal(c.key, key, size * sizeof *key);
		assert_false(wu__counter_has(&c, key_of(n)));
		for (size_t i = 0; i < n; i++)
			assert_int_equal(wu__counter_get(&c, key_of(i)), i + 1);
		/* The new key fits once memory does. */
		assert_int_equal(wu__counter_add(&c, key_of(n), 9), 0);
		assert_int_equal(wu__counter_get(&c, key_of(n)), 9);
		assert_true(c.size > size);
		free(key);
		wu__counter_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add_sums_and_zero_is_present),
		cmocka_unit_test(test_saturates),
		cmocka_unit_test(test_collisions_wrap),
		cmocka_unit_test(test_growth_keeps_everything),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
