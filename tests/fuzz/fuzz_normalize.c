/* libFuzzer harness: the text path of an article on arbitrary bytes.
 *
 *   wu_normalize        the documented normal form (valid UTF-8, words of
 *                       letters/digits/marks joined by single spaces,
 *                       lower case), n_invalid = the invalid bytes; the
 *                       same bytes from every instruction-set level
 *   wu_shingle          word and character kinds: exactly the distinct
 *                       n-grams, sorted when verification is exact
 *   wu_sketch           a function of the set (order and repeats do not
 *                       matter), n == 0 matches nothing
 *   wu_normalize_filtered  with a boilerplate table built from the input's
 *                       own lines: equal to wu_normalize() of the lines
 *                       wu_boiler_has_line() keeps (one line at a time,
 *                       where the filter normalizes all lines at once)
 *   wu_story_terms, wu_df, wu_story_profile  sorted distinct keys, finite
 *                       weights, unit-length profiles
 *   markup (markup.c)   the prefix before the first mark kept, never
 *                       longer, lines decoded alike alone or together,
 *                       tags as a plain reference has them; entities and
 *                       tags reach every check above, as normalize sees
 *                       them
 *
 * The first and last input bytes also pick the options, and which of the
 * costlier parts runs on this input besides wu_normalize's checks (part
 * (first ^ last) % 3: shingles and sketches, boilerplate, story terms), so
 * that each execution pays for one of them. */
#include "wiredup.h"
#include "internal.h" /* wu__str_append, wu__str_putc, wu__markup_* */
#include "fuzz_util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int is_word_codepoint(uint32_t c)
{
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* The normal form; returns the number of words. */
static size_t check_normal(const wu_str *o)
{
	CHECK(o->n == 0 || o->s);
	if (o->s)
		CHECK(o->s[o->n] == '\0');
	if (o->n == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)o->s;
	CHECK(s[0] != ' ' && s[o->n - 1] != ' ');
	size_t words = 1;
	for (size_t i = 0; i < o->n;) {
		uint32_t c;
		size_t k = fz_utf8_seq(s + i, o->n - i, &c);
		CHECK(k > 0); /* valid UTF-8 */
		if (c == ' ') {
			CHECK(s[i + 1] != ' ');
			words++;
		} else if (c < 0x80) {
			CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
		} else {
			CHECK(is_word_codepoint(c));
		}
		i += k;
	}
	return words;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

typedef struct { const char *p; size_t n; } slice;

static int cmp_slice(const void *a, const void *b)
{
	const slice *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Distinct n-grams of normalized text w, computed the slow way: words
 * (kind WORD) or codepoints (kind CHAR), the whole text when shorter. */
static size_t distinct_ngrams(const char *w, size_t n, int kind, size_t g)
{
	if (n == 0)
		return 0;
	size_t cap = n + 1, nu = 0;
	size_t *start = malloc(cap * sizeof *start), *end = malloc(cap * sizeof *end);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		if (kind == WU_SHINGLE_WORD) {
			while (j < n && w[j] != ' ')
				j++;
		} else {
			size_t k = fz_utf8_seq((const unsigned char *)w + i, n - i, NULL);
			j = i + (k ? k : 1);
		}
		start[nu] = i, end[nu] = j, nu++;
		i = kind == WU_SHINGLE_WORD ? j + 1 : j;
	}
	size_t m = nu < g ? 1 : nu - g + 1;
	slice *sl = malloc(m * sizeof *sl);
	for (size_t i = 0; i < m; i++) {
		size_t last = nu < g ? nu - 1 : i + g - 1;
		sl[i] = (slice){w + start[i], end[last] - start[i]};
	}
	qsort(sl, m, sizeof *sl, cmp_slice);
	size_t d = 0;
	for (size_t i = 0; i < m; i++)
		d += i == 0 || cmp_slice(&sl[i - 1], &sl[i]) != 0;
	free(sl), free(start), free(end);
	return d;
}

static void check_shingles(const wu_str *norm, size_t words, wu_opt *o)
{
	char err[128];
	/* Banding given: wu_lsh_params() (a numerical search) is not under
	 * test here and would dominate the run time. */
	o->rows = 4;
	o->bands = o->num_perm / 4;
	CHECK(wu_opt_finish(o, err, sizeof err) == 0);
	wu_u64s sh = {0};
	CHECK(wu_shingle(norm->s, norm->n, o, &sh) == 0);
	size_t m = sh.n;
	CHECK((m == 0) == (norm->n == 0));
	size_t units = o->shingle_kind == WU_SHINGLE_WORD ? words : fz_utf8_count(norm->s, norm->n);
	CHECK(m <= units);
	if (units && units < (size_t)o->ngram)
		CHECK(m == 1);
	/* distinct values, sorted for exact verification */
	uint64_t *c = malloc((m ? m : 1) * sizeof *c);
	if (m)
		memcpy(c, sh.a, m * sizeof *c);
	qsort(c, m, sizeof *c, cmp_u64);
	for (size_t i = 1; i < m; i++) {
		CHECK(c[i - 1] != c[i]);
		if (o->verify == WU_VERIFY_EXACT)
			CHECK(sh.a[i - 1] < sh.a[i]);
	}
	/* exactly the distinct n-grams (64-bit hashes: no collisions) */
	CHECK(m == distinct_ngrams(norm->s, norm->n, o->shingle_kind, (size_t)o->ngram));

	/* The sketch is a function of the set: reversed order with every
	 * value repeated gives the same signature. */
	size_t k = (size_t)o->num_perm;
	uint32_t *sig = malloc(k * sizeof *sig), *sig2 = malloc(k * sizeof *sig2);
	wu_sketch(sh.a, m, o, sig);
	uint64_t *r = malloc((2 * m + 1) * sizeof *r);
	for (size_t i = 0; i < m; i++)
		r[i] = r[2 * m - 1 - i] = sh.a[i];
	wu_sketch(r, 2 * m, o, sig2);
	CHECK(!memcmp(sig, sig2, k * sizeof *sig));
	CHECK(wu_sig_jaccard(sig, sig2, (int)k) == 1.0);
	if (m == 0)
		for (size_t i = 0; i < k; i++)
			CHECK(sig[i] == UINT32_MAX);
	if (m && o->verify == WU_VERIFY_EXACT)
		CHECK(wu_set_jaccard(sh.a, m, sh.a, m) == 1.0);
	free(r), free(sig), free(sig2), free(c);
	wu_u64s_free(&sh);
}

/* Lines of s (split on '\n'; a trailing '\n' ends the last line). */
typedef struct { size_t off, len; } line;

static size_t split_lines(const char *s, size_t n, line **out)
{
	size_t cap = 16, m = 0;
	line *l = malloc(cap * sizeof *l);
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		if (m == cap)
			l = realloc(l, (cap *= 2) * sizeof *l);
		l[m++] = (line){i, e - i};
		i = e + 1;
	}
	*out = l;
	return m;
}

static void check_terms(const wu_terms *t, int profile, size_t max)
{
	double sq = 0;
	CHECK(t->n <= max);
	for (size_t i = 0; i < t->n; i++) {
		CHECK(t->a[i].key != 0 && (t->a[i].key & 3) == 0);
		if (i)
			CHECK(t->a[i - 1].key < t->a[i].key);
		if (profile) {
			CHECK_UNLESS("profile_nan", isfinite(t->a[i].weight));
			CHECK_UNLESS("profile_nan", t->a[i].weight >= 0);
		} else {
			CHECK(isfinite(t->a[i].weight) && t->a[i].weight >= 0.999f);
		}
		sq += (double)t->a[i].weight * t->a[i].weight;
	}
	if (profile && t->n)
		CHECK_UNLESS("profile_nan", fabs(sq - 1.0) < 1e-3);
}

static int has_key(const wu_terms *t, uint64_t key)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->a[mid].key == key)
			return 1;
		if (t->a[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The tag rule written the plain way (for texts without '&', where tags
 * are all the markup there is): '<', a letter, '!' or '/' and a letter,
 * then no '<', '>' or newline up to a '>' at most 255 bytes on; each such
 * tag a space. */
static void ref_tags(const char *s, size_t n, wu_str *out)
{
	out->n = 0;
	for (size_t i = 0; i < n;) {
		size_t end = 0;
		int alpha1 = i + 1 < n && ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z');
		int alpha2 = i + 2 < n && ((s[i + 2] | 0x20) >= 'a' && (s[i + 2] | 0x20) <= 'z');
		if (s[i] == '<' && i + 2 < n &&
		    (alpha1 || s[i + 1] == '!' || (s[i + 1] == '/' && alpha2))) {
			for (size_t j = i + 2; j < n && j - i <= 255; j++) {
				if (s[j] == '<' || s[j] == '\n')
					break;
				if (s[j] == '>') {
					end = j + 1;
					break;
				}
			}
		}
		if (end) {
			wu__str_putc(out, ' ');
			i = end;
		} else {
			wu__str_putc(out, s[i++]);
		}
	}
}

/* The markup pass on its own: the text up to the first mark unchanged,
 * never longer, nothing done without a mark, lines decoded alike one at a
 * time or all at once (no tag or reference spans or makes a newline), and
 * tags as the plain rule has them. */
static void check_markup(const char *s, size_t size, const line *ln, size_t nl)
{
	wu_str all = {0}, one = {0}, joined = {0}, ref = {0};
	size_t at = wu__markup_find(s, size);
	CHECK(at <= size);
	CHECK(at == size || s[at] == '<' || s[at] == '&');
	/* no earlier mark opens markup (the first few looked at again) */
	for (size_t i = 0, k = 0; i < at && k < 64; i++) {
		if (s[i] != '<' && s[i] != '&')
			continue;
		CHECK(wu__markup_find(s + i, size - i) != 0);
		k++;
	}
	CHECK(wu__markup_decode(s, size, at, &all, NULL) == 0);
	CHECK(all.n <= size && !memcmp(all.s, s, at));
	if (at == size)
		CHECK(all.n == size && !memcmp(all.s, s, size));
	for (size_t i = 0; i < nl; i++) {
		const char *l = s + ln[i].off;
		CHECK(wu__markup_decode(l, ln[i].len, wu__markup_find(l, ln[i].len), &one, NULL) == 0);
		CHECK(!memchr(one.s, '\n', one.n));
		wu__str_append(&joined, one.s, one.n);
		if (i + 1 < nl || (size && s[size - 1] == '\n'))
			wu__str_putc(&joined, '\n');
	}
	CHECK(joined.n == all.n && !memcmp(joined.s, all.s, all.n));
	if (!memchr(s, '&', size)) {
		ref_tags(s, size, &ref);
		CHECK(ref.n == all.n && !memcmp(ref.s, all.s, all.n));
	}
	wu_str_free(&all), wu_str_free(&one), wu_str_free(&joined), wu_str_free(&ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	uint8_t c0 = size ? data[0] : 0, c1 = size ? data[size - 1] : 0;

	/* normalize */
	wu_str norm = {0}, again = {0}, tmp = {0}, keep = {0}, exp = {0}, filt = {0};
	size_t inv = 0;
	CHECK(wu_normalize(s, size, &norm, &inv) == 0);
	size_t words = check_normal(&norm);
	CHECK(inv == fz_utf8_invalid(s, size));
	size_t inv_before = 5;
	CHECK(wu_normalize(s, size, &again, &inv_before) == 0); /* adds to *n_invalid */
	CHECK(inv_before == 5 + inv);
	CHECK(again.n == norm.n && !memcmp(again.s, norm.s, norm.n));
	/* Every instruction-set level this CPU has gives the same bytes. */
	for (int isa = WU__ISA_SCALAR; isa <= wu__normalize_isa_best(); isa++) {
		size_t inv_isa = 0;
		CHECK(wu__normalize_isa(s, size, &again, &inv_isa, isa, 0) == 0);
		CHECK(again.n == norm.n && !memcmp(again.s, norm.s, norm.n) && inv_isa == inv);
	}
	/* The normal form is a fixed point. */
	CHECK(wu_normalize(norm.s, norm.n, &again, NULL) == 0);
	CHECK_UNLESS("idempotent", again.n == norm.n && !memcmp(again.s, norm.s, norm.n));

	int part = (c0 ^ c1) % 3;
	const char *source = (c0 & 2) ? "src" : "";
	line *ln = NULL;
	size_t nl = 0;
	wu_u64s keys = {0};
	wu_boiler *b = NULL;
	if (part == 0) {
		/* shingle + sketch, both kinds; wu_sketch is O(n k): 1024
		 * permutations (densifying is O(k^2/n)) on short inputs only */
		int k = c1 == 0xff && size <= 1024 ? 1024 : 8 * (1 + c1 % 16);
		wu_opt o;
		wu_opt_init(&o);
		o.num_perm = k;
		o.verify = c0 & 1 ? WU_VERIFY_EXACT : WU_VERIFY_SIGNATURE;
		o.seed = c0 >> 5;
		o.ngram = 1 + (c0 >> 1) % 8;
		check_shingles(&norm, words, &o);
		wu_opt_init(&o);
		o.shingle_kind = WU_SHINGLE_CHAR;
		o.num_perm = k;
		o.verify = c0 & 1 ? WU_VERIFY_SIGNATURE : WU_VERIFY_EXACT;
		o.ngram = 1 + (c0 >> 2) % 16;
		check_shingles(&norm, words, &o);
		goto done;
	}

	/* boilerplate: every other line (by c0's bit 2) is counted in two
	 * articles, the first line is maybe a known pattern */
	nl = split_lines(s, size, &ln);
	check_markup(s, size, ln, nl);
	if (part == 2)
		goto story;
	for (size_t i = (c0 >> 2) & 1; i < nl; i += 2) {
		wu__str_append(&keep, s + ln[i].off, ln[i].len);
		wu__str_putc(&keep, '\n');
	}
	CHECK(wu_line_keys(keep.s ? keep.s : "", keep.n, source, &tmp, &keys) == 0);
	size_t nk = keys.n;
	CHECK(nk <= nl);
	for (size_t i = 0; i < nk; i++)
		CHECK(keys.a[i] != 0 && (i == 0 || keys.a[i - 1] < keys.a[i]));
	b = wu_boiler_new();
	CHECK(b);
	CHECK(wu_boiler_count(b, keys.a, keys.n) == 0);
	CHECK(wu_boiler_count(b, keys.a, keys.n) == 0);
	if ((c0 & 8) && nl)
		CHECK(wu_boiler_known(b, s + ln[0].off, ln[0].len, &tmp) == 0);
	CHECK(wu_boiler_finish(b, 2, 1) == 0);
	CHECK(wu_boiler_size(b) <= nk + 2);

	size_t inv2 = 0, removed = 99;
	CHECK(wu_normalize_filtered(s, size, source, b, &filt, &tmp, &inv2, &removed) == 0);
	check_normal(&filt);
	CHECK(inv2 == inv);
	/* expected: wu_normalize() of the lines that are not boilerplate; all
	 * of it when every line is */
	keep.n = 0;
	size_t n_rem = 0;
	for (size_t i = 0; i < nl; i++) {
		int is;
		CHECK(wu_boiler_has_line(b, s + ln[i].off, ln[i].len, source, &tmp, &is) == 0);
		if (is) {
			n_rem++;
			continue;
		}
		wu__str_append(&keep, s + ln[i].off, ln[i].len);
		wu__str_putc(&keep, '\n');
	}
	CHECK(wu_normalize(keep.s ? keep.s : "", keep.n, &exp, NULL) == 0);
	if (exp.n == 0 && n_rem) {
		CHECK(wu_normalize(s, size, &exp, NULL) == 0);
		n_rem = 0;
	}
	CHECK(removed == n_rem);
	CHECK(filt.n == exp.n && !memcmp(filt.s, exp.s, exp.n));
	/* without a table nothing is removed: wu_normalize() exactly */
	removed = 99;
	CHECK(wu_normalize_filtered(s, size, source, NULL, &filt, &tmp, NULL, &removed) == 0);
	CHECK(removed == 0);
	CHECK(filt.n == norm.n && !memcmp(filt.s, norm.s, norm.n));

	goto done;

story:;
	/* story terms: without boilerplate, and with (a subset; the table of
	 * the input's own lines, as above, when c0's bit 4 says so) */
	wu_scratch ws = {0};
	wu_terms all = {0}, t = {0}, lt = {0};
	CHECK(wu_story_terms(s, size, source, NULL, &ws, &all) == 0);
	check_terms(&all, 0, SIZE_MAX);
	if (c0 & 16) {
		for (size_t i = (c0 >> 2) & 1; i < nl; i += 2) {
			wu__str_append(&keep, s + ln[i].off, ln[i].len);
			wu__str_putc(&keep, '\n');
		}
		CHECK(wu_line_keys(keep.s ? keep.s : "", keep.n, source, &tmp, &keys) == 0);
		b = wu_boiler_new();
		CHECK(b);
		CHECK(wu_boiler_count(b, keys.a, keys.n) == 0);
		CHECK(wu_boiler_count(b, keys.a, keys.n) == 0);
		wu_boiler_finish(b, 2, 1);
	}
	/* (not a subset of all: a pair may join the words either side of a
	 * line left out, as the shingles do) */
	CHECK(wu_story_terms(s, size, source, b, &ws, &t) == 0);
	check_terms(&t, 0, SIZE_MAX);

	/* document frequencies: each line an article, plus the whole text */
	wu_df *df = wu_df_new();
	CHECK(df);
	for (size_t i = 0; i < nl; i++) {
		CHECK(wu_story_terms(s + ln[i].off, ln[i].len, source, NULL, &ws, &lt) == 0);
		check_terms(&lt, 0, SIZE_MAX);
		for (size_t j = 0; j < lt.n; j++)
			CHECK(has_key(&all, lt.a[j].key));
		CHECK(wu_df_add(df, &lt) == 0);
	}
	CHECK(wu_df_add(df, &all) == 0);
	int m = 1 + c1 % 64;
	wu_story_profile(df, m, &all);
	check_terms(&all, 1, (size_t)m);

	wu_df_free(df);
	wu_terms_free(&all), wu_terms_free(&t), wu_terms_free(&lt);
	wu_scratch_free(&ws);
done:
	wu_boiler_free(b);
	wu_u64s_free(&keys);
	free(ln);
	wu_str_free(&norm), wu_str_free(&again), wu_str_free(&tmp);
	wu_str_free(&keep), wu_str_free(&exp), wu_str_free(&filt);
	return 0;
}
