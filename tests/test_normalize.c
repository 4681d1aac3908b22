/* Unit tests for wu_normalize(): wire copies of one story differ in
 * typography far more than in words, so every typographic variant must give
 * the same bytes, and no input (however broken) may crash or leak invalid
 * UTF-8 into the shingles. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "test_rng.h"

/* Normalizes s[0..n) into a fresh buffer; the caller frees it. */
static char *norm_n(const char *s, size_t n, size_t *n_invalid)
{
	wu_str out = {0};
	assert_int_equal(wu_normalize(s, n, &out, n_invalid), 0);
	assert_non_null(out.s);
	assert_int_equal(out.s[out.n], '\0'); /* documented as a C string too */
	assert_int_equal(strlen(out.s), out.n);
	return out.s;
}

static char *norm(const char *s)
{
	return norm_n(s, strlen(s), NULL);
}

/* Helpers free before asserting, so a failure leaks nothing under ASan. */
static void assert_norm(const char *in, const char *want)
{
	char *got = norm(in);
	int ok = strcmp(got, want) == 0;
	if (!ok)
		print_error("normalize(\"%s\") = \"%s\", want \"%s\"\n", in, got, want);
	free(got);
	assert_true(ok);
}

/* Both inputs must normalize to the same bytes. */
static void assert_same(const char *a, const char *b)
{
	char *x = norm(a), *y = norm(b);
	int ok = strcmp(x, y) == 0;
	if (!ok)
		print_error("\"%s\" -> \"%s\" but \"%s\" -> \"%s\"\n", a, x, b, y);
	free(x);
	free(y);
	assert_true(ok);
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past
 * U+10FFFF. */
static int strict_utf8(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			k = 1, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (i + k >= n) /* truncated */
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* The output invariants: valid UTF-8, words separated by exactly one space,
 * no leading or trailing space. */
static void assert_well_formed(const char *o)
{
	size_t n = strlen(o);
	assert_true(strict_utf8(o, n));
	if (n == 0)
		return;
	assert_true(o[0] != ' ');
	assert_true(o[n - 1] != ' ');
	assert_null(strstr(o, "  "));
	for (size_t i = 0; i < n; i++)
		assert_true(o[i] != '\t' && o[i] != '\n' && o[i] != '\r');
}

static void test_ascii(void **state)
{
	(void)state;
	assert_norm("Hello, World!", "hello world");
	assert_norm("ABC xyz 123 A1b2", "abc xyz 123 a1b2");
	/* Every ASCII non-alphanumeric is a separator, including '_' and '\''. */
	assert_norm("a_b'c\"d(e)f[g]h{i}j>k<l@m#n$o%p^q&r*s+t=u|v\\w/x?y;z:0,1.2~3`4",
	            "a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4");
	assert_norm("U.S. officials", "u s officials");
}

static void test_whitespace_collapsed(void **state)
{
	(void)state;
	assert_norm("  leading and trailing  ", "leading and trailing");
	assert_norm("many\t\t\tspaces\n\n\r\nand   lines", "many spaces and lines");
	assert_norm("\v\f a \v\f b \v\f", "a b");
	/* An embedded NUL is just another separator, not the end of input. */
	char *o = norm_n("a\0b", 3, NULL);
	assert_string_equal(o, "a b");
	free(o);
}

static void test_empty_and_punctuation_only(void **state)
{
	(void)state;
	size_t inv = 0;
	wu_str out = {0};
	assert_int_equal(wu_normalize("", 0, &out, &inv), 0);
	assert_int_equal(out.n, 0);
	assert_int_equal(inv, 0);
	/* out is replaced, not appended to. */
	assert_int_equal(wu_normalize("word", 4, &out, &inv), 0);
	assert_int_equal(out.n, 4);
	assert_int_equal(wu_normalize("!?", 2, &out, &inv), 0);
	assert_int_equal(out.n, 0);
	assert_string_equal(out.s, "");
	wu_str_free(&out);

	assert_norm("!!! ... --- ??? ,,, ;;; ", "");
	assert_norm("\u201C\u2014\u2019\u00A0\u2026\u00BB", ""); /* “—’ …» */
	assert_norm("   \t\n ", "");
}

static void test_quotes_and_apostrophes(void **state)
{
	(void)state;
	assert_same("don\u2019t", "don't");          /* ’ vs ' */
	assert_same("don\u2018t", "don't");          /* ‘ */
	assert_norm("don't", "don t");
	assert_same("\u201Cx\u201D", "\"x\"");       /* “x” vs "x" */
	assert_same("\u00ABx\u00BB", "\"x\"");       /* «x» */
	assert_same("\u201Ex\u201C", "\"x\"");       /* „x“ */
	assert_same("\u2018quoted\u2019 word", "'quoted' word");
	assert_norm("\u201CHello,\u201D she said.", "hello she said");
}

static void test_dashes(void **state)
{
	(void)state;
	assert_norm("a--b", "a b");
	assert_same("a\u2014b", "a--b"); /* em dash */
	assert_same("a\u2013b", "a--b"); /* en dash */
	assert_same("a \u2014 b", "a -- b");
	assert_same("a\u2212b", "a-b");  /* minus sign */
	assert_same("a\u2010b", "a-b");  /* hyphen */
	assert_norm("well-known", "well known");
}

static void test_nbsp_and_unicode_spaces(void **state)
{
	(void)state;
	assert_norm("a\u00A0b", "a b");       /* NBSP */
	assert_same("New\u00A0York", "New York");
	assert_same("a\u2009b", "a b");       /* thin space */
	assert_same("a\u202Fb", "a b");       /* narrow NBSP */
	assert_same("a\u3000b", "a b");       /* ideographic space */
	assert_same("a\u2028b", "a b");       /* line separator */
	assert_same("x \u00A0 \u00A0 y", "x y");
}

static void test_ligatures_and_fullwidth(void **state)
{
	(void)state;
	assert_norm("\uFB01", "fi");
	assert_norm("\uFB01nance of\uFB02ow", "finance offlow");
	assert_same("\uFB01nance", "finance");
	/* Full-width letters and digits become ASCII, lower-cased. */
	assert_norm("\uFF28\uFF25\uFF2C\uFF2C\uFF2F \uFF57\uFF4F\uFF52\uFF4C\uFF44 \uFF11\uFF12\uFF13",
	            "hello world 123");
	assert_same("\uFF21\uFF22\uFF23\uFF01", "ABC!"); /* full-width '!' separates too */
}

static void test_casefold_non_ascii(void **state)
{
	(void)state;
	assert_norm("\u00C9", "\u00E9");                /* É -> é */
	assert_norm("\u00C9COLE", "\u00E9cole");
	assert_norm("Stra\u00DFe", "strasse");          /* ß casefolds to ss */
	assert_same("STRASSE", "Stra\u00DFe");
	assert_same("\u1E9E", "ss");                    /* capital sharp s */
	assert_norm("\u0394\u0397\u039C\u039F\u03A3", "\u03B4\u03B7\u03BC\u03BF\u03C3"); /* ΔΗΜΟΣ */
	assert_same("\u03BF\u03B4\u03BF\u03C2", "\u039F\u0394\u039F\u03A3"); /* final sigma */
	assert_norm("\u041C\u041E\u0421\u041A\u0412\u0410", "\u043C\u043E\u0441\u043A\u0432\u0430");
	assert_same("\u0130stanbul", "i\u0307stanbul"); /* İ folds to i + dot above */
}

static void test_composed_vs_decomposed(void **state)
{
	(void)state;
	assert_same("caf\u00E9", "cafe\u0301");
	assert_norm("cafe\u0301", "caf\u00E9"); /* output is composed (NFC form) */
	assert_same("CAFE\u0301", "caf\u00E9");
	assert_same("\u00C5ngstr\u00F6m", "A\u030Angstro\u0308m");
	assert_same("\u212B", "\u00E5"); /* ANGSTROM SIGN */
	assert_same("\uAC00", "\u1100\u1161"); /* Hangul syllable vs jamo */

	/* Longer than utf8proc's step of 128 codepoints: the text is folded in
	 * pieces, which must never separate a letter from its accent. */
	enum { N = 300 };
	char a[N * 2 + 1], b[N * 3 + 1];
	size_t na = 0, nb = 0;
	for (int i = 0; i < N; i++) {
		memcpy(a + na, "\u00E9", 2), na += 2;
		memcpy(b + nb, "e\u0301", 3), nb += 3;
	}
	a[na] = b[nb] = '\0';
	assert_same(a, b);
	char *o = norm(b);
	assert_int_equal(strlen(o), na);
	free(o);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *want;
		size_t invalid; /* invalid bytes, each counted */
	} cases[] = {
		{"\xFF", 1, "", 1},
		{"a\xFF" "b", 3, "a b", 1},
		{"a\xFE\xFF" "b", 4, "a b", 2},
		{"\x80", 1, "", 1},                       /* lone continuation */
		{"x\x80\xBFy", 4, "x y", 2},
		{"ab\xE2\x82", 4, "ab", 2},               /* truncated at the end */
		{"a\xE2\x82" "b", 4, "a b", 2},           /* truncated in the middle */
		{"\xC3", 1, "", 1},
		{"\xC0\xAF", 2, "", 2},                   /* overlong '/' */
		{"\xED\xA0\x80", 3, "", 3},               /* UTF-16 surrogate */
		{"\xF4\x90\x80\x80", 4, "", 4},           /* beyond U+10FFFF */
		{"\xC3\xA9\xFF\xC3\xA9", 5, "\xC3\xA9 \xC3\xA9", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t inv = 0;
		char *o = norm_n(cases[i].in, cases[i].len, &inv);
		assert_string_equal(o, cases[i].want);
		assert_int_equal(inv, cases[i].invalid);
		assert_well_formed(o);
		free(o);
	}
	/* The count is added to, not stored, and NULL is allowed. */
	size_t inv = 10;
	free(norm_n("\xFF\xFF", 2, &inv));
	assert_int_equal(inv, 12);
	free(norm_n("\xFF\xFF", 2, NULL));
	inv = 0;
	free(norm_n("plain ascii \xC3\xA9", 14, &inv));
	assert_int_equal(inv, 0);
}

/* Random bytes, biased towards UTF-8 lead and continuation bytes: never a
 * crash, always well-formed output. Run under ASan this is a small fuzzer. */
static void test_random_bytes(void **state)
{
	(void)state;
	test_rng rng = test_rng_seed(12345);
	static const unsigned char pool[] = {'a', 'Z', '9', ' ', '.', 0x00, 0x80, 0xBF, 0xC2,
	                                     0xC3, 0xCC, 0x81, 0xE2, 0x80, 0x99, 0xE4, 0xB8,
	                                     0xAD, 0xF0, 0x9F, 0xED, 0xA0, 0xFF, 0xEA, 0xB0};
	unsigned char buf[600];
	wu_str out = {0};
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = (size_t)(test_rng_next(&rng) % sizeof buf);
		for (size_t i = 0; i < n; i++) {
			uint64_t x = test_rng_next(&rng);
			buf[i] = (x >> 60) < 12 ? pool[(x >> 33) % sizeof pool] : (unsigned char)(x >> 40);
		}
		size_t inv = 0;
		assert_int_equal(wu_normalize((const char *)buf, n, &out, &inv), 0);
		assert_true(inv <= n);
		assert_well_formed(out.s);
	}
	wu_str_free(&out);
}

/* The ASCII rule written the obvious way: lower-cased letter/digit runs
 * joined by single spaces. */
static size_t ascii_reference(const unsigned char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && !isalnum(s[i]))
			i++;
		if (i == n)
			break;
		if (o)
			out[o++] = ' ';
		while (i < n && isalnum(s[i]))
			out[o++] = (char)tolower(s[i++]);
	}
	out[o] = '\0';
	return o;
}

/* The branch-free fast path against the reference on random ASCII. */
static void test_random_ascii_matches_reference(void **state)
{
	(void)state;
	static const char pool[] = "aZ9 .\n\t-'\"Ab,zq0";
	test_rng rng = test_rng_seed(777);
	unsigned char buf[300];
	char want[320];
	wu_str out = {0};
	for (int iter = 0; iter < 5000; iter++) {
		size_t n = test_rng_next(&rng) % sizeof buf;
		for (size_t i = 0; i < n; i++) {
			buf[i] = test_rng_next(&rng) % 4
			             ? (unsigned char)pool[test_rng_next(&rng) % (sizeof pool - 1)]
			             : (unsigned char)(test_rng_next(&rng) % 128);
			if (buf[i] == '<' || buf[i] == '&') /* markup: tested apart */
				buf[i] = '#';
		}
		size_t wn = ascii_reference(buf, n, want);
		assert_int_equal(wu_normalize((const char *)buf, n, &out, NULL), 0);
		assert_int_equal(out.n, wn);
		assert_string_equal(out.s, want);
	}
	wu_str_free(&out);
}

/* Normalizing "a b" equals normalizing a and b apart and joining them with
 * one space: holds for any a and b when the space separates them, so it
 * checks where the fast path hands chunks to utf8proc and back. */
static void test_random_concatenation(void **state)
{
	(void)state;
	static const char *pool[] = {"a", "Z", "9", " ", ".", "\xC3\xA9", "\xE2\x80\x99", "\xE4\xB8\xAD",
	                             "\xEF\xAC\x81", "\xFF", "\xC3", "\xE2\x80\x94", "-", "\xC2\xA0",
	                             "e\xCC\x81", "\xEA\xB0\x80"};
	test_rng rng = test_rng_seed(4242);
	char a[200], b[200], ab[401];
	wu_str oa = {0}, ob = {0}, oab = {0};
	for (int iter = 0; iter < 5000; iter++) {
		size_t na = 0, nb = 0;
		for (size_t k = test_rng_next(&rng) % 20; k > 0; k--) {
			const char *t = pool[test_rng_next(&rng) % (sizeof pool / sizeof *pool)];
			memcpy(a + na, t, strlen(t)), na += strlen(t);
		}
		for (size_t k = test_rng_next(&rng) % 20; k > 0; k--) {
			const char *t = pool[test_rng_next(&rng) % (sizeof pool / sizeof *pool)];
			memcpy(b + nb, t, strlen(t)), nb += strlen(t);
		}
		memcpy(ab, a, na), ab[na] = ' ', memcpy(ab + na + 1, b, nb);
		assert_int_equal(wu_normalize(a, na, &oa, NULL), 0);
		assert_int_equal(wu_normalize(b, nb, &ob, NULL), 0);
		assert_int_equal(wu_normalize(ab, na + 1 + nb, &oab, NULL), 0);
		char want[900];
		snprintf(want, sizeof want, "%s%s%s", oa.s, oa.n && ob.n ? " " : "", ob.s);
		assert_string_equal(oab.s, want);
		assert_int_equal(oab.n, strlen(want));
	}
	wu_str_free(&oa), wu_str_free(&ob), wu_str_free(&oab);
}

/* Up to max_parts random picks from pool into text (room for max_parts
 * of the longest), mostly (all but one in every `rare`) one of the last two,
 * long ASCII runs: news is mostly ASCII, a rare byte ends a run. */
static size_t mixed_text(const char *const *pool, size_t np, size_t max_parts, uint64_t rare,
                         test_rng *rng, char *text)
{
	size_t n = 0, parts = test_rng_next(rng) % max_parts;
	for (size_t k = 0; k < parts; k++) {
		size_t at = test_rng_next(rng) % rare ? np - 1 - test_rng_next(rng) % 2
		                                      : test_rng_next(rng) % np;
		memcpy(text + n, pool[at], strlen(pool[at])), n += strlen(pool[at]);
	}
	return n;
}

/* Every instruction-set level this CPU has (scalar, SSSE3, AVX-512) gives
 * the same bytes and the same count of invalid bytes, on texts that mix
 * long ASCII runs (whole 64- and 16-byte blocks), tails of every length,
 * non-ASCII letters, separators and invalid bytes, and markup (tags,
 * references, and '<' and '&' that are text) at any offset. */
static void test_isa_levels_agree(void **state)
{
	(void)state;
	static const char *pool[] = {"Aa", "zZ9 ", " ", ". ", "\xC3\xA9", "\xE2\x80\x99", "\xE4\xB8\xAD",
	                             "\xFF", "\xE2\x80\x94", "\xC2\xA0", "e\xCC\x81", "\n", "-",
	                             "&amp;", "&#8217;", "&nbsp;", "<p class=\"x\">", "</a>", "<", ">",
	                             "&", "&#x4E2D;",
	                             "The Quick, Brown fox (AP) -- 2024: ", "0123456789abcdefghijKLMNOP "};
	int best = wu__normalize_isa_best();
	print_message("best instruction-set level here: %d\n", best);
	test_rng rng = test_rng_seed(99);
	char text[4096];
	wu_str ref = {0}, got = {0};
	for (int iter = 0; iter < 4000; iter++) {
		size_t n = mixed_text(pool, sizeof pool / sizeof *pool, 60, 16, &rng, text);
		size_t inv_ref = 0;
		assert_int_equal(wu__normalize_isa(text, n, &ref, &inv_ref, WU__ISA_SCALAR, 0), 0);
		for (int isa = WU__ISA_SSSE3; isa <= best; isa++) {
			size_t inv = 0;
			assert_int_equal(wu__normalize_isa(text, n, &got, &inv, isa, 0), 0);
			assert_int_equal(got.n, ref.n);
			assert_memory_equal(got.s, ref.s, ref.n + 1);
			assert_int_equal(inv, inv_ref);
		}
	}
	wu_str_free(&ref), wu_str_free(&got);
}

/* Normalizing all lines at once gives each line what normalizing it alone
 * gives, at every instruction-set level: texts of many lines (blank ones,
 * \r\n ends, non-ASCII and invalid bytes next to the newlines, separators
 * that utf8proc sees, long ASCII runs across blocks, markup next to and
 * across newlines: a reference to a newline or a '<' before one). */
static void test_lines_match_each_line(void **state)
{
	(void)state;
	static const char *pool[] = {"Aa", "zZ9 ", " ", ". ", "\xC3\xA9", "\xE2\x80\x99", "\xE4\xB8\xAD",
	                             "\xFF", "\xE2", "\xC2\xAB", "e\xCC\x81", "\n", "\n\n", "\r\n", "-",
	                             "&#10;", "&eacute;", "<br>", "<a\nhref>", "<b x=\"\xFF\">", "&amp;",
	                             "The Quick, Brown fox (AP) -- 2024: ", "0123456789abcdefghijKLMNOP "};
	int best = wu__normalize_isa_best();
	test_rng rng = test_rng_seed(2024);
	char text[120 * 36];
	wu_str all = {0}, one = {0};
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = mixed_text(pool, sizeof pool / sizeof *pool, 120, 3, &rng, text);
		for (int isa = WU__ISA_SCALAR; isa <= best; isa++) {
			size_t inv_all = 0, inv_sum = 0, pos = 0, i = 0;
			assert_int_equal(wu__normalize_isa(text, n, &all, &inv_all, isa, 1), 0);
			for (;;) {
				const char *nl = memchr(text + i, '\n', n - i);
				size_t e = nl ? (size_t)(nl - text) : n, len = 0;
				assert_int_equal(wu__normalize_isa(text + i, e - i, &one, &inv_sum, isa, 0), 0);
				assert_true(pos <= all.n);
				size_t at = pos < all.n ? wu__norm_line(all.s, all.n, &pos, &len) : (pos++, 0);
				assert_int_equal(len, one.n);
				assert_memory_equal(all.s + at, one.s, one.n);
				if (!nl)
					break;
				i = e + 1;
			}
			assert_true(pos >= all.n); /* no line left over */
			assert_int_equal(inv_all, inv_sum);
		}
	}
	wu_str_free(&all), wu_str_free(&one);
}

/* The separators the fast path knows without utf8proc give what utf8proc
 * gives for them: one space, whatever is next to them (checked against the
 * utf8proc-only path for U+0080-U+20FF in nine contexts when added). */
static void test_fast_separators(void **state)
{
	(void)state;
	assert_norm("a\u00A0b", "a b");
	assert_norm("a\u2014b", "a b");
	assert_norm("\u201CWe said\u201D, he\u2019s", "we said he s");
	assert_norm("wait\u2026 \u2026 what", "wait what");
	assert_norm("\u2018\u2019", "");
	assert_norm("x\u2017y", "x \u0333y"); /* U+2017 is not one of them: 0020 0333 */
	assert_norm("caf\u00E9\u2014na\u00EFve", "caf\u00E9 na\u00EFve");
	assert_same("don\u2019t", "don't");
}

/* Character references left in scraped text are their characters. */
static void test_markup_references(void **state)
{
	(void)state;
	assert_same("don&#8217;t", "don\u2019t");
	assert_same("don&#x2019;t", "don't");
	assert_same("don&#X2019;t", "don't");
	assert_same("don&rsquo;t", "don't");
	assert_same("don&#146;t", "don't");           /* 0x80-0x9F: Windows-1252 */
	assert_norm("AT&amp;T", "at t");
	assert_norm("New&nbsp;York", "new york");
	assert_norm("&quot;Yes,&quot; she said&hellip;", "yes she said");
	assert_norm("caf&eacute; &Eacute;COLE", "caf\u00E9 \u00E9cole");
	assert_norm("caf&#233;", "caf\u00E9");
	assert_norm("x&mdash;y&ndash;z&#8212;w", "x y z w");
	assert_norm("&copy; 2024 &reg; &trade;", "2024 tm");  /* NFKC: U+2122 is "TM" */
	assert_norm("&#x4E2D;&#25991;", "\u4E2D \u6587");
	assert_norm("Stra&szlig;e", "strasse");
	assert_same("&lt;p&gt;", "p");
	/* Unknown or malformed: text, as it was. */
	assert_norm("AT&T Q&A", "at t q a");
	assert_norm("&bogus; &amp &AMP; &#; &#x; &#0; &#xD800;", "bogus amp amp x 0 xd800");
	assert_norm("&#1114112; &#123456789;", "1114112 123456789");
	assert_norm("&thetasym; &thetasymx;", "\u03B8 thetasymx"); /* NFKC of U+03D1 */
	/* One pass: what a reference gives is not read again. */
	assert_norm("&amp;lt;b&amp;gt;x", "lt b gt x");
	assert_norm("&lt;b&gt;x", "b x");
	/* A control character is a separator, never a line break. */
	assert_norm("a&#10;b&#0009;c&#127;d", "a b c d");
	wu_str out = {0};
	assert_int_equal(wu__normalize_lines("a&#10;b", 7, &out, NULL), 0);
	assert_int_equal(out.n, 3);
	assert_string_equal(out.s, "a b");
	wu_str_free(&out);
}

/* Tags separate words; '<' that does not open one is text. */
static void test_markup_tags(void **state)
{
	(void)state;
	assert_norm("<p class=\"story-body\">Hello there.</p>", "hello there");
	assert_norm("one<br>two<br/>three<BR />four", "one two three four");
	assert_norm("read <a href=\"/x\">these words</a>, then", "read these words then");
	assert_norm("x<!-- a comment -->y<!DOCTYPE html>z", "x y z");
	assert_norm("a<i>b</i>c", "a b c"); /* every tag separates */
	assert_norm("a < b > c", "a b c");
	assert_norm("I <3 it; x<-y; 1<2 and 3>2", "i 3 it x y 1 2 and 3 2");
	assert_norm("</ p> </3>", "p 3");
	assert_norm("<a\nhref=x>", "a href x");   /* no newline in a tag */
	assert_norm("<a <b>c", "a c");             /* none in a tag either */
	assert_norm("<b", "b");
	/* 256 bytes at most: a longer one is text. */
	char t[300];
	memset(t, 'q', sizeof t);
	t[0] = '<', t[1] = 'a', t[255] = '>', t[256] = '\0';
	assert_norm(t, "");
	t[255] = 'q', t[256] = '>', t[257] = '\0';
	char *o = norm(t);
	assert_int_equal(strlen(o), 255); /* "a" + 254 'q' */
	free(o);
	/* Invalid bytes in a dropped tag still count. */
	size_t inv = 0;
	free(norm_n("<b title=\"\xFF\xFE\">x", 16, &inv));
	assert_int_equal(inv, 2);
}

static void test_cjk_single_char_words(void **state)
{
	(void)state;
	assert_norm("\u4E2D\u6587\u65B0\u95FB", "\u4E2D \u6587 \u65B0 \u95FB"); /* 中文新闻 */
	assert_norm("abc\u4E2D\u6587def", "abc \u4E2D \u6587 def");
	assert_norm("\u6771\u4EAC\u3001\u5927\u962A\u3002", "\u6771 \u4EAC \u5927 \u962A"); /* 、。 separate */
	assert_norm("\U00020000\U00020001", "\U00020000 \U00020001");          /* extension B */
	assert_same("\u4E2D\u6587", "\u4E2D \u6587");
	/* Korean is written with spaces: a Hangul word stays one word. */
	assert_norm("\uD55C\uAD6D\uC5B4 \uB274\uC2A4", "\uD55C\uAD6D\uC5B4 \uB274\uC2A4");
}

/* Regression (fixed): canonical equivalents differ. utf8proc_decompose_char() does not
 * put combining marks in canonical order (utf8proc_decompose() does), and
 * utf8proc_normalize_utf32() does not reorder either, so
 * "\u00EA\u0323" (ê + combining dot below) gives "ê\u0323" while its
 * canonical equivalent "\u1EC7" (ệ, common in Vietnamese) gives "ệ";
 * likewise "e\u0301\u0323" vs "e\u0323\u0301". */
static void test_bug_canonical_order(void **state)
{
	(void)state;
	assert_same("\u00EA\u0323", "\u1EC7");
	assert_same("e\u0301\u0323", "e\u0323\u0301");
	assert_same("\u00E9\u0323", "\u1EB9\u0301");
}

/* Regression (fixed): the slow path folds in steps split "before a starter" at or after
 * 64 codepoints, but Hangul jamo V/T (and e.g. some Indic vowel signs) are
 * starters (combining class 0) that still compose with the preceding
 * character. A word of "a" + 100 x (U+1100 U+1161) is split between a
 * leading consonant and its vowel, so it no longer equals "a" + 100 x
 * U+AC00 (301 vs 310 output bytes). */
static void test_bug_hangul_split_at_step(void **state)
{
	(void)state;
	char a[1 + 100 * 3 + 1] = "a", b[1 + 100 * 6 + 1] = "a";
	for (int i = 0; i < 100; i++) {
		strcat(a, "\uAC00");
		strcat(b, "\u1100\u1161");
	}
	assert_same(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_whitespace_collapsed),
		cmocka_unit_test(test_empty_and_punctuation_only),
		cmocka_unit_test(test_quotes_and_apostrophes),
		cmocka_unit_test(test_dashes),
		cmocka_unit_test(test_nbsp_and_unicode_spaces),
		cmocka_unit_test(test_ligatures_and_fullwidth),
		cmocka_unit_test(test_casefold_non_ascii),
		cmocka_unit_test(test_composed_vs_decomposed),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_random_ascii_matches_reference),
		cmocka_unit_test(test_random_concatenation),
		cmocka_unit_test(test_isa_levels_agree),
		cmocka_unit_test(test_lines_match_each_line),
		cmocka_unit_test(test_fast_separators),
		cmocka_unit_test(test_markup_references),
		cmocka_unit_test(test_markup_tags),
		cmocka_unit_test(test_cjk_single_char_words),
		/* Known library bugs last, so they cannot hide the results above. */
		cmocka_unit_test(test_bug_canonical_order),
		cmocka_unit_test(test_bug_hangul_split_at_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
