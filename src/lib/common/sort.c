/* LSD radix sorts: band keys and candidate pairs are uniformly distributed
 * 64-bit values, where eight byte-passes beat comparison sorts by far, and
 * being stable they keep equal keys in article order, which the
 * deterministic output relies on. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* T is a type, which cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
/* All eight byte histograms come from one read of the input; a byte that
 * is the same in every key (the high bytes of article indices) costs no
 * pass at all. */
#define RADIX_SORT(T, KEY)                                                   \
	size_t(*cnt)[256] = calloc(8, sizeof *cnt);                              \
	if (!cnt)                                                                \
		return -1;                                                           \
	for (size_t i = 0; i < n; i++) {                                         \
		uint64_t k = KEY(a[i]);                                              \
		for (int d = 0; d < 8; d++)                                          \
			cnt[d][k >> (8 * d) & 0xFF]++;                                   \
	}                                                                        \
	T *src = a, *dst = tmp;                                                  \
	for (int d = 0; d < 8; d++) {                                            \
		int shift = 8 * d;                                                   \
		if (cnt[d][KEY(src[0]) >> shift & 0xFF] == n)                        \
			continue; /* every key has the same byte here */                 \
		size_t pos = 0;                                                      \
		for (int b = 0; b < 256; b++) {                                      \
			size_t c = cnt[d][b];                                            \
			cnt[d][b] = pos;                                                 \
			pos += c;                                                        \
		}                                                                    \
		for (size_t i = 0; i < n; i++)                                       \
			dst[cnt[d][KEY(src[i]) >> shift & 0xFF]++] = src[i];             \
		T *t = src;                                                          \
		src = dst;                                                           \
		dst = t;                                                             \
	}                                                                        \
	if (src != a)                                                            \
		memcpy(a, src, n * sizeof *a);                                       \
	free(cnt);                                                               \
	return 0;


#define KEY_OF_PAIR(x) ((x).key)
#define KEY_OF_U64(x) (x)

/* Below this many items, insertion sort beats eight counting passes. */
#define SMALL 48

#define INSERTION_SORT(T, KEY)                                               \
	for (size_t i = 1; i < n; i++) {                                         \
		T x = a[i];                                                          \
		size_t j = i;                                                        \
		for (; j > 0 && KEY(a[j - 1]) > KEY(x); j--)                         \
			a[j] = a[j - 1];                                                 \
		a[j] = x;                                                            \
	}                                                                        \
	return 0;
/* NOLINTEND(bugprone-macro-parentheses) */

static int sort_keyidx(wu__keyidx *a, size_t n, wu__keyidx *tmp)
{
	RADIX_SORT(wu__keyidx, KEY_OF_PAIR)
}

int wu__sort_keyidx(wu__keyidx *a, size_t n)
{
	if (n < 2)
		return 0;
	if (n < SMALL) {
		INSERTION_SORT(wu__keyidx, KEY_OF_PAIR)
	}
	wu__keyidx *tmp = malloc(n * sizeof *tmp);
	int rc = tmp ? sort_keyidx(a, n, tmp) : -1;
	free(tmp);
	return rc;
}

static int sort_u64(uint64_t *a, size_t n, uint64_t *tmp)
{
	RADIX_SORT(uint64_t, KEY_OF_U64)
}

int wu__sort_u64(uint64_t *a, size_t n)
{
	if (n < 2)
		return 0;
	if (n < SMALL) {
		INSERTION_SORT(uint64_t, KEY_OF_U64)
	}
	uint64_t *tmp = malloc(n * sizeof *tmp);
	int rc = tmp ? sort_u64(a, n, tmp) : -1;
	free(tmp);
	return rc;
}

static void sift_down(uint64_t *a, size_t i, size_t n)
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		c += c + 1 < n && a[c + 1] > a[c];
		if (a[i] >= a[c])
			return;
		uint64_t t = a[i];
		a[i] = a[c];
		a[c] = t;
	}
}

/* Heap sort: O(n log n), slower than the radix sort but in place, for a
 * caller that must not fail when memory runs out. */
void wu__sort_u64_in_place(uint64_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t e = n; e-- > 1;) {
		uint64_t t = a[0];
		a[0] = a[e];
		a[e] = t;
		sift_down(a, 0, e);
	}
}

/* Below this many keys a parallel sort is not worth its extra pass. */
#define PARALLEL_MIN (1u << 20)

/* wu__sort_u64 on n_threads: the keys are first dealt to 256 buckets by
 * their top byte (one serial pass), then the buckets are sorted at once,
 * each by the LSD sort (which skips the top byte: it is the same in all). */
int wu__sort_u64_mt(uint64_t *a, size_t n, int n_threads)
{
	if (n_threads < 2 || n < PARALLEL_MIN)
		return wu__sort_u64(a, n);
	size_t start[257] = {0}, at[256];
	uint64_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return -1;
	for (size_t i = 0; i < n; i++)
		start[(a[i] >> 56) + 1]++;
	for (int b = 0; b < 256; b++)
		start[b + 1] += start[b], at[b] = start[b];
	for (size_t i = 0; i < n; i++)
		tmp[at[a[i] >> 56]++] = a[i];
	int fail = 0;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 1) reduction(| : fail)
	for (int b = 0; b < 256; b++)
		fail |= wu__sort_u64(tmp + start[b], start[b + 1] - start[b]);
	memcpy(a, tmp, n * sizeof *a);
	free(tmp);
	return fail ? -1 : 0;
}

static void drop_repeats(uint64_t *a, size_t *n)
{
	size_t m = 0;
	for (size_t i = 0; i < *n; i++)
		if (m == 0 || a[i] != a[m - 1])
			a[m++] = a[i];
	*n = m;
}

int wu__sort_unique_u64(uint64_t *a, size_t *n)
{
	if (wu__sort_u64(a, *n))
		return -1;
	drop_repeats(a, n);
	return 0;
}
