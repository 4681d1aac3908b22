/* Shingling. Each word is hashed once with XXH3; a word n-gram's hash
 * combines its words' hashes, so a 5-gram costs five rotate-xors, not a
 * re-hash of the 5-word string. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* Inlined: most hashed keys are a few bytes, where a library call costs
 * as much as the hash. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* Removes repeated hashes from v->a[0..n) with an open-addressing set
 * laid out after the values (the caller reserved room for it), keeping
 * first occurrences in order. A hash set, not a sort: the sketch needs
 * only the distinct values and their count. */
static size_t dedupe_big(wu_u64s *v, size_t n, size_t table_at)
{
	size_t size = 16;
	while (size < 2 * n)
		size *= 2;
	uint64_t *t = v->a + table_at;
	memset(t, 0, size * sizeof *t);
	size_t m = 0;
	int seen_zero = 0; /* 0 marks an empty slot, so it is tracked apart */
	for (size_t i = 0; i < n; i++) {
		uint64_t x = v->a[i];
		if (x == 0) {
			if (!seen_zero)
				v->a[m++] = 0;
			seen_zero = 1;
			continue;
		}
		size_t h = (size_t)(x >> 7) & (size - 1);
		while (t[h] && t[h] != x)
			h = (h + 1) & (size - 1);
		if (!t[h]) {
			t[h] = x;
			v->a[m++] = x;
		}
	}
	v->n = m;
	return m;
}

/* Slots of the small set: a table on the stack (32 KB) for all but the
 * longest articles (4,096 shingles). */
#define SMALL_SET 16384

/* dedupe_big() for n <= SMALL_SET / 4, with a table of 16-bit positions
 * (1 + where the value was kept) on the stack: a quarter of the load, so
 * fewer probes, for half the bytes to clear, and no empty value to track
 * apart. */
static size_t dedupe(wu_u64s *v, size_t n, size_t table_at)
{
	if (n > SMALL_SET / 4)
		return dedupe_big(v, n, table_at);
	uint16_t t[SMALL_SET];
	size_t size = 16;
	while (size < 4 * n)
		size *= 2;
	memset(t, 0, size * sizeof *t);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = v->a[i];
		size_t h = (size_t)(x >> 7) & (size - 1);
		while (t[h] && v->a[t[h] - 1] != x)
			h = (h + 1) & (size - 1);
		if (!t[h]) {
			v->a[m++] = x;
			t[h] = (uint16_t)m;
		}
	}
	v->n = m;
	return m;
}

/* Room needed for n values plus dedupe's table. */
static size_t table_room(size_t n)
{
	size_t size = 16;
	while (size < 2 * n)
		size *= 2;
	return size;
}

static int finish_set(wu_u64s *v, size_t n, size_t table_at, const wu_opt *opt)
{
	dedupe(v, n, table_at);
	if (opt->verify == WU_VERIFY_EXACT && wu__sort_u64(v->a, v->n))
		return v->n = 0, -1;
	return 0;
}

/* Most words fit in 8 bytes. Such a word, as a little-endian number (no
 * byte of a word is 0, so the number gives the length back), goes through
 * a bijective mixer: no collisions, and no length-dispatching hash call.
 * Longer words take XXH3. */
static uint64_t short_word(uint64_t x, uint64_t seed)
{
	return wu__mix64(x ^ seed ^ 0x2d358dccaa6c78a5ULL);
}

static uint64_t word_hash(const char *w, size_t len, uint64_t seed)
{
	if (len > 8)
		return XXH3_64bits_withSeed(w, len, seed);
	uint64_t x = 0;
	for (size_t k = 0; k < len; k++)
		x |= (uint64_t)(unsigned char)w[k] << (8 * k);
	return short_word(x, seed);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_WORDS 1
#else
#define LITTLE_ENDIAN_WORDS 0
#endif

/* Bit k set where p[k] is a space, for the 64 bytes at p. */
static uint64_t space_mask(const char *p)
{
	uint64_t m = 0;
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' ');
	for (size_t k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)) << (16 * k);
	}
#else
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
	for (size_t k = 0; k < 8; k++) {
		uint64_t x = 0;
		for (size_t b = 0; b < 8; b++) /* byte order of the machine does not matter */
			x |= (uint64_t)(unsigned char)p[8 * k + b] << (8 * b);
		uint64_t y = x ^ 0x2020202020202020ULL;
		uint64_t zero = ~(((y & low7) + low7) | y) & ~low7; /* exact: 0x80 per space */
		m |= ((zero >> 7) * 0x0102040810204080ULL >> 56) << (8 * k);
	}
#endif
	return m;
}

/* The hash of the word w[0..len), len > 0; whole = 8 bytes can be read at
 * w. A word of up to 8 bytes is one load, masked. */
static uint64_t word_at(const char *w, size_t len, int whole, uint64_t seed)
{
	if (len > 8 || !whole || !LITTLE_ENDIAN_WORDS)
		return word_hash(w, len, seed);
	uint64_t x;
	memcpy(&x, w, 8);
	return short_word(len == 8 ? x : x & ((1ULL << (8 * len)) - 1), seed);
}

/* Hashes of the space-separated words of w into h. Word ends are found 64
 * bytes at a time as a bit mask of spaces, then taken off the mask one bit
 * at a time: where a word ends does not wait on reading the word before
 * it, so words are hashed back to back, with no branch per byte. */
static size_t word_hashes(const char *w, size_t n, uint64_t seed, uint64_t *h)
{
	size_t m = 0, start = 0;
	for (size_t base = 0; base < n; base += 64) {
		uint64_t sp;
		if (n - base >= 64) {
			sp = space_mask(w + base);
		} else {
			char tail[64];
			memset(tail, 'x', sizeof tail);
			memcpy(tail, w + base, n - base);
			sp = space_mask(tail);
		}
		for (; sp; sp &= sp - 1) {
			size_t e = base + (size_t)__builtin_ctzll(sp);
			if (e > start)
				h[m++] = word_at(w + start, e - start, start + 8 <= n, seed);
			start = e + 1;
		}
	}
	if (start < n)
		h[m++] = word_at(w + start, n - start, start + 8 <= n, seed);
	return m;
}

static uint64_t combine(const uint64_t *h, size_t n)
{
	uint64_t x = (uint64_t)n * 0x9e3779b97f4a7c15ULL;
	for (size_t j = 0; j < n; j++)
		x = ((x << 23) | (x >> 41)) ^ h[j];
	return wu__mix64(x);
}

static uint64_t rotl(uint64_t x, unsigned r)
{
	r &= 63;
	return r ? (x << r) | (x >> (64 - r)) : x;
}

/* combine() of every window of g word hashes, each from the one before:
 * one word leaves (its hash rotated g times), one comes in. Equal to
 * combine(h + i, g) bit for bit, for three operations a shingle instead of
 * 2g. */
static void rolling_shingles(const uint64_t *h, size_t nw, size_t g, uint64_t *out)
{
	unsigned rg = (unsigned)(23 * g);
	uint64_t start = (uint64_t)g * 0x9e3779b97f4a7c15ULL;
	uint64_t k = rotl(start, rg + 23) ^ rotl(start, rg), x = start;
	for (size_t j = 0; j < g; j++)
		x = rotl(x, 23) ^ h[j];
	out[0] = wu__mix64(x);
	for (size_t i = 1; i + g <= nw; i++) {
		x = rotl(x, 23) ^ k ^ rotl(h[i - 1], rg) ^ h[i + g - 1];
		out[i] = wu__mix64(x);
	}
}

static int word_shingles(const char *w, size_t n, const wu_opt *opt, wu_u64s *out)
{
	/* At most n/2 + 1 words. Layout: shingles, then word hashes, then the
	 * dedupe table (which may overwrite word hashes once they are used). */
	size_t maxw = n / 2 + 1;
	out->n = 0;
	if (wu__u64s_reserve(out, maxw + table_room(maxw)))
		return -1;
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
		return 0;
	}
	rolling_shingles(h, nw, g, out->a);
	return finish_set(out, nw - g + 1, maxw, opt);
}

/* Bytes of the UTF-8 character starting at p. */
static size_t char_len(const char *p, const char *end)
{
	size_t k = 1;
	while (p + k < end && ((unsigned char)p[k] & 0xC0) == 0x80)
		k++;
	return k;
}

/* Character (codepoint) n-grams: a window of g characters slides one
 * character at a time. */
static int char_shingles(const char *w, size_t n, const wu_opt *opt, wu_u64s *out)
{
	size_t g = (size_t)opt->ngram;
	const char *end = w + n, *p = w, *q = w;
	out->n = 0;
	if (n == 0)
		return 0;
	size_t have = 0;
	while (q < end && have < g)
		q += char_len(q, end), have++;
	size_t m = 0;
	if (wu__u64s_reserve(out, n + table_room(n)))
		return -1;
	for (;;) {
		out->a[m++] = XXH3_64bits_withSeed(p, (size_t)(q - p), opt->seed);
		if (q >= end)
			break;
		p += char_len(p, end);
		q += char_len(q, end);
	}
	return finish_set(out, m, n, opt);
}

int wu_shingle(const char *w, size_t n, const wu_opt *opt, wu_u64s *out)
{
	if (opt->shingle_kind == WU_SHINGLE_CHAR)
		return char_shingles(w, n, opt, out);
	return word_shingles(w, n, opt, out);
}
