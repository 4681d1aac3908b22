/* Boilerplate: the navigation, captions, "Related Stories" and copyright
 * lines an outlet pastes onto every article. They make unrelated articles
 * of one site look alike, so lines seen in many articles of the same source
 * are left out of the shingles.
 *
 * A first pass counts, for every (source, normalized line), the articles
 * holding it; lines in at least min_docs articles of their source are
 * boilerplate. Without a source, counting is corpus-wide and only short
 * lines qualify, because the paragraphs of a story copied by many outlets
 * are also frequent corpus-wide, and they are the content, not the
 * boilerplate. */
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

/* Without a source, a frequent line counts as boilerplate only up to this
 * many words: navigation, bylines, headings and credit lines are short,
 * story paragraphs are not. */
#define SHORT_LINE_WORDS 12

struct wu_boiler {
	wu__counter lines; /* known patterns, then the boilerplate keys */
	wu_u64s seen;      /* every article's line keys, counted at the end */
	int any_known;     /* a known pattern was added: lines need a second lookup */
};

wu_boiler *wu_boiler_new(void)
{
	return calloc(1, sizeof(wu_boiler));
}

void wu_boiler_free(wu_boiler *b)
{
	if (!b)
		return;
	wu__counter_free(&b->lines);
	wu_u64s_free(&b->seen);
	free(b);
}

#define K_SHORT 1ULL    /* the line has at most SHORT_LINE_WORDS words */
#define K_NOSOURCE 2ULL /* counted corpus-wide (or a known pattern) */

/* A source's part of its line keys, computed once an article, not once a
 * line: 0 for none. */
static uint64_t source_seed(const char *source)
{
	return source && *source ? XXH3_64bits(source, strlen(source)) | 1 : 0;
}

/* The key of a line hashed to h (XXH3 of its normalized text). */
static uint64_t line_key(uint64_t h, uint64_t seed, int words)
{
	/* The low bits say how the key was counted, so the no-source rule can
	 * be applied after counting. Never 0 (the empty slot): bits 2+ hash. */
	uint64_t k = (seed ? wu__mix64(h ^ seed) : h) & ~3ULL;
	k = k ? k : 4;
	return k | (words <= SHORT_LINE_WORDS ? K_SHORT : 0) | (seed ? 0 : K_NOSOURCE);
}

/* Does a key counted min_docs times (or known) make its line boilerplate? */
static int effective(uint64_t k, uint32_t count, int min_docs)
{
	if (count == UINT32_MAX)
		return 1; /* a known pattern */
	if ((k & K_NOSOURCE) && !(k & K_SHORT))
		return 0; /* corpus-wide counting only trusts short lines */
	return count >= (uint32_t)min_docs;
}

/* Words of a normalized line: one more than its spaces. A line is a few
 * blocks, so spaces are counted a block at a time (a compare is -1 where
 * equal; subtracting counts them in byte lanes, which one sum adds up). */
static int count_words(const char *s, size_t n)
{
	size_t w = n > 0, i = 0;
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' ');
	__m128i acc = _mm_setzero_si128();
	for (size_t k = 0; i + 16 <= n; i += 16) {
		acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), sp));
		if (++k == 255 || i + 32 > n) { /* before a lane can overflow */
			__m128i sum = _mm_sad_epu8(acc, _mm_setzero_si128());
			w += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
			acc = _mm_setzero_si128();
			k = 0;
		}
	}
#endif
	for (; i < n; i++)
		w += s[i] == ' ';
	return w > INT32_MAX ? INT32_MAX : (int)w;
}

int wu_line_keys(const char *text, size_t n, const char *source, wu_str *tmp, wu_u64s *keys)
{
	uint64_t seed = source_seed(source);
	keys->n = 0;
	if (wu__normalize_lines(text, n, tmp, NULL))
		return -1;
	for (size_t pos = 0, len; pos < tmp->n;) {
		const char *line = tmp->s + wu__norm_line(tmp->s, tmp->n, &pos, &len);
		if (!len)
			continue;
		if (wu__u64s_reserve(keys, keys->n + 1))
			return keys->n = 0, -1;
		keys->a[keys->n++] = line_key(XXH3_64bits(line, len), seed, count_words(line, len));
	}
	/* An article counts once per line, however often it repeats it. */
	if (wu__sort_unique_u64(keys->a, &keys->n))
		return keys->n = 0, -1;
	return 0;
}

/* Keys are appended, not counted: millions of mostly unique lines make a
 * hash table one cache miss per line, while sorting them all once at the
 * end streams through memory. */
int wu_boiler_count(wu_boiler *b, const uint64_t *keys, size_t n)
{
	if (n && wu__u64s_reserve(&b->seen, b->seen.n + n))
		return -1;
	if (n)
		memcpy(b->seen.a + b->seen.n, keys, n * sizeof *keys);
	b->seen.n += n;
	return 0;
}

int wu_boiler_known(wu_boiler *b, const char *line, size_t n, wu_str *tmp)
{
	if (wu_normalize(line, n, tmp, NULL))
		return -1;
	if (!tmp->n)
		return 0;
	/* Known patterns hold for any source: filed as a no-source key,
	 * already over any threshold. */
	uint64_t k = line_key(XXH3_64bits(tmp->s, tmp->n), 0, count_words(tmp->s, tmp->n));
	b->any_known = 1;
	return wu__counter_add(&b->lines, k, UINT32_MAX);
}

/* Only boilerplate keys are kept: a table of hundreds of lines stays in
 * cache for the lookups of every line of the second pass, and the millions
 * of lines seen once never enter a table at all. Counts kept by an earlier
 * finish (a threshold can be raised) add to the new ones. */
static int merge_counts(const wu_boiler *b, int min_docs, wu__counter *kept)
{
	for (size_t i = 0; i < b->lines.size; i++)
		if (b->lines.key[i] && wu__counter_add(kept, b->lines.key[i], b->lines.count[i]))
			return -1;
	for (size_t i = 0, j; i < b->seen.n; i = j) {
		for (j = i + 1; j < b->seen.n && b->seen.a[j] == b->seen.a[i]; j++)
			;
		uint32_t count = j - i > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)(j - i);
		uint32_t prev = wu__counter_get(&b->lines, b->seen.a[i]);
		uint64_t total = (uint64_t)prev + count;
		if (prev != UINT32_MAX &&
		    effective(b->seen.a[i], total >= UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)total,
		              min_docs) &&
		    wu__counter_add(kept, b->seen.a[i], count))
			return -1;
	}
	return 0;
}

int wu_boiler_finish(wu_boiler *b, int min_docs, int n_threads)
{
	if (wu__sort_u64_mt(b->seen.a, b->seen.n, n_threads)) {
		wu_u64s_free(&b->seen);
		wu__counter_free(&b->lines);
		return -1;
	}
	wu__counter merged = {0}, kept = {0};
	int fail = merge_counts(b, min_docs, &merged);
	for (size_t i = 0; i < merged.size && !fail; i++)
		if (merged.key[i] && effective(merged.key[i], merged.count[i], min_docs))
			fail = wu__counter_add(&kept, merged.key[i], merged.count[i]);
	wu__counter_free(&merged);
	wu_u64s_free(&b->seen);
	wu__counter_free(&b->lines);
	if (fail)
		wu__counter_free(&kept);
	b->lines = kept;
	return fail ? -1 : 0;
}

size_t wu_boiler_size(const wu_boiler *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->lines.size; i++)
		n += b->lines.count[i] != 0;
	/* Before wu_boiler_finish: the distinct lines counted so far too;
	 * counted from sorted keys, sorted in place when memory is short
	 * (a size has no way to fail). */
	if (wu__sort_u64(b->seen.a, b->seen.n))
		wu__sort_u64_in_place(b->seen.a, b->seen.n);
	for (size_t i = 0; i < b->seen.n; i++)
		n += (i == 0 || b->seen.a[i] != b->seen.a[i - 1]) &&
		     !wu__counter_get(&b->lines, b->seen.a[i]);
	return n;
}

/* After wu_boiler_finish only effective keys are left with a count. */
static int is_boiler(const wu_boiler *b, const char *norm, size_t n, uint64_t seed, int words)
{
	if (!b)
		return 0;
	uint64_t h = XXH3_64bits(norm, n);
	if (wu__counter_get(&b->lines, line_key(h, seed, words)))
		return 1;
	return seed && b->any_known && wu__counter_get(&b->lines, line_key(h, 0, words)) == UINT32_MAX;
}

/* All lines are normalized at once, then the kept ones are moved up in
 * place, joined by spaces. */
int wu_normalize_filtered(const char *text, size_t n, const char *source, const wu_boiler *b,
                          wu_str *out, wu_str *tmp, size_t *n_invalid, size_t *n_removed)
{
	(void)tmp;
	size_t inv = 0, removed = 0, w = 0;
	if (!b) {
		if (wu_normalize(text, n, out, &inv))
			return -1;
	} else {
		if (wu__normalize_lines(text, n, out, &inv))
			return -1;
		uint64_t seed = source_seed(source);
		for (size_t pos = 0, len; pos < out->n;) {
			size_t at = wu__norm_line(out->s, out->n, &pos, &len);
			if (!len || is_boiler(b, out->s + at, len, seed, count_words(out->s + at, len))) {
				removed += len > 0;
				continue;
			}
			if (w)
				out->s[w++] = ' ';
			memmove(out->s + w, out->s + at, len); /* w <= at: reads stay ahead */
			w += len;
		}
		out->n = w;
		if (out->s)
			out->s[w] = '\0';
	}
	if (out->n == 0 && removed) {
		/* Nothing but boilerplate: keep it all, or identical articles
		 * (all of whose lines are frequent) would have no text at all. */
		removed = 0;
		if (wu_normalize(text, n, out, NULL))
			return -1;
	}
	if (n_invalid)
		*n_invalid += inv;
	if (n_removed)
		*n_removed = removed;
	return 0;
}

int wu_boiler_has_line(const wu_boiler *b, const char *line, size_t n, const char *source,
                       wu_str *tmp, int *is)
{
	*is = 0;
	if (!b)
		return 0;
	if (wu_normalize(line, n, tmp, NULL))
		return -1;
	*is = tmp->n &&
	      is_boiler(b, tmp->s, tmp->n, source_seed(source), count_words(tmp->s, tmp->n));
	return 0;
}
