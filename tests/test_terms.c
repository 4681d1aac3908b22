/* Unit tests for the one text pass of the story features: the terms come
 * from the normalizer's words (the shingles' words), the casing and the
 * sentence ends from one scan of the raw text; wu_scan_article() (the
 * first pass) gives the terms wu_story_terms() gives, from the same
 * normalization as the line keys; wu_sketch_article() gives them with the
 * shingles, and the profile itself with WU_SKETCH_PROFILE; and the error
 * contract of wu_shingle, wu_story_terms and the sketcher's profile. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "test_weights.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

static const char *const g_texts[] = {
	"Storm hits the coast.\nThe storm hit the coast on Monday, officials in Brest said. "
	"Related Stories\nWinds of 150 km/h tore roofs off houses &amp; cut power to 20,000 homes.",
	"<p>Caf&eacute; owners in Lyon say the new tax will close <b>half</b> of them.</p>\n"
	"Related Stories\nSubscribe now",
	"Officials said Harbor Bridge was shut. Harbor Bridge reopened; the harbor bridge "
	"toll is 12 dollars. Z\xc3\xbcrich and M\xc3\xbcnchen sent crews.",
	"Short one.",
	"",
	"!!! ... ???",
};
#define N_TEXTS (sizeof g_texts / sizeof *g_texts)

static uint64_t key_of(const char *w)
{
	uint64_t k = XXH3_64bits(w, strlen(w)) & ~3ULL;
	return k ? k : 4;
}

static uint64_t pair_of(const char *a, const char *b)
{
	uint64_t k = wu__mix64(key_of(a) * 0x9e3779b97f4a7c15ULL ^ key_of(b)) & ~3ULL;
	return k ? k : 4;
}

static void terms_of(const char *s, wu_scratch *ws, wu_terms *t)
{
	assert_int_equal(wu_story_terms(s, strlen(s), NULL, NULL, ws, t), 0);
	for (size_t i = 1; i < t->n; i++)
		assert_true(t->a[i - 1].key < t->a[i].key);
}

static void assert_same_terms(const wu_terms *a, const wu_terms *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) { /* field by field: padding is no value */
		assert_int_equal(a->a[i].key, b->a[i].key);
		assert_true(a->a[i].weight == b->a[i].weight);
	}
}

static wu_record record_of(const char *text)
{
	return (wu_record){"\"x\"", 3, text, strlen(text), "Site", WU_NO_DATE};
}

/* The first pass's terms, with and without the line keys beside them, are
 * wu_story_terms() without a filter; the line keys are wu_line_keys(). */
static void test_scan_matches_story_terms(void **state)
{
	(void)state;
	wu_sketcher *s = wu_sketcher_new();
	wu_scratch ws = {0};
	wu_terms want = {0};
	wu_str tmp = {0};
	wu_u64s keys = {0};
	assert_non_null(s);
	for (size_t i = 0; i < N_TEXTS; i++) {
		wu_record rec = record_of(g_texts[i]);
		wu_article_scan a;
		terms_of(g_texts[i], &ws, &want);
		assert_int_equal(wu_scan_article(s, &rec, WU_SCAN_TERMS, &a, NULL, 0), 0);
		assert_null(a.line_keys);
		assert_non_null(a.terms);
		assert_same_terms(a.terms, &want);
		assert_int_equal(wu_scan_article(s, &rec, WU_SCAN_LINES | WU_SCAN_TERMS, &a, NULL, 0), 0);
		assert_same_terms(a.terms, &want);
		assert_int_equal(wu_line_keys(rec.text, rec.text_len, "Site", &tmp, &keys), 0);
		assert_int_equal(a.n_line_keys, keys.n);
		if (keys.n)
			assert_memory_equal(a.line_keys, keys.a, keys.n * sizeof *keys.a);
		assert_int_equal(wu_scan_article(s, &rec, WU_SCAN_LINES, &a, NULL, 0), 0);
		assert_null(a.terms);
		assert_int_equal(a.n_line_keys, keys.n);
	}
	wu_sketcher_free(s);
	wu_scratch_free(&ws), wu_terms_free(&want), wu_str_free(&tmp), wu_u64s_free(&keys);
}

/* WU_SKETCH_PROFILE is WU_SKETCH_TERMS then wu_story_profile() with the
 * sketcher's df; without a df it is refused, with a reason. */
static void test_sketch_profile(void **state)
{
	(void)state;
	wu_opt o;
	wu_opt_init(&o);
	o.stories = 1;
	assert_int_equal(wu_opt_finish(&o, NULL, 0), 0);
	wu_sketcher *s = wu_sketcher_new();
	wu_df *df = wu_df_new();
	assert_non_null(s);
	assert_non_null(df);
	uint32_t sig[1024];
	char err[128] = "";
	wu_article_sketch a;
	wu_record first = record_of(g_texts[0]);
	assert_int_equal(wu_sketch_article(s, &first, &o, NULL, WU_SKETCH_PROFILE, sig, &a, err,
	                                   sizeof err), -1);
	assert_non_null(strstr(err, "wu_sketcher_set_df"));
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < N_TEXTS; i++) {
			wu_record rec = record_of(g_texts[i]);
			wu_article_scan sc;
			assert_int_equal(wu_scan_article(s, &rec, WU_SCAN_TERMS, &sc, NULL, 0), 0);
			assert_int_equal(wu_df_add(df, sc.terms), 0);
		}
	wu_sketcher_set_df(s, df);
	wu_terms want = {0};
	for (size_t i = 0; i < N_TEXTS; i++) {
		wu_record rec = record_of(g_texts[i]);
		assert_int_equal(wu_sketch_article(s, &rec, &o, NULL, WU_SKETCH_TERMS, sig, &a, NULL, 0),
		                 0);
		if (a.n_shingles == 0)
			continue; /* no letters: no terms either way */
		assert_int_equal(wu_terms_reserve(&want, a.terms->n), 0);
		memcpy(want.a, a.terms->a, a.terms->n * sizeof *want.a);
		want.n = a.terms->n;
		wu_story_profile(df, o.story_terms, &want);
		assert_int_equal(wu_sketch_article(s, &rec, &o, NULL, WU_SKETCH_PROFILE, sig, &a, NULL,
		                                   0), 0);
		assert_same_terms(a.terms, &want);
		if (i == 0)
			assert_true(a.terms->n > 0);
	}
	wu_terms_free(&want);
	wu_df_free(df);
	wu_sketcher_free(s);
}

/* Names: capitalised mid-sentence in most occurrences, found in the raw
 * text (the normalized words are lower case); a pair of two names in a
 * row is a name; a capitalised non-ASCII word is found through the
 * normalizer; a sentence's first word is no name; an HTML tag's letters
 * are no word. */
static void test_names_from_raw_text(void **state)
{
	(void)state;
	wu_scratch ws = {0};
	wu_terms t = {0}, low = {0};
	terms_of("crews said Harbor Bridge was shut and Z\xc3\xbcrich sent help", &ws, &t);
	terms_of("crews said harbor bridge was shut and z\xc3\xbcrich sent help", &ws, &low);
	assert_true(near(weight_of(&t, key_of("harbor")), 1.5 * weight_of(&low, key_of("harbor"))));
	assert_true(near(weight_of(&t, pair_of("harbor", "bridge")),
	                 1.5 * weight_of(&low, pair_of("harbor", "bridge"))));
	assert_true(near(weight_of(&t, key_of("z\xc3\xbcrich")),
	                 1.5 * weight_of(&low, key_of("z\xc3\xbcrich"))));
	assert_true(near(weight_of(&t, key_of("crews")), weight_of(&low, key_of("crews"))));
	/* "Crews" starts the sentence: no name */
	terms_of("Crews said harbor bridge was shut", &ws, &t);
	assert_true(near(weight_of(&t, key_of("crews")), 1.0));
	/* once capitalised in three occurrences: not most */
	terms_of("the Harbor and the harbor and the harbor", &ws, &t);
	assert_true(near(weight_of(&t, key_of("harbor")), 1.0 + log(3.0)));
	/* <B> and <SPAN> are tags, not capitalised words "b", "span" */
	terms_of("crews <SPAN>span</SPAN> harbor", &ws, &t);
	assert_true(near(weight_of(&t, key_of("span")), 1.0));
	wu_scratch_free(&ws), wu_terms_free(&t), wu_terms_free(&low);
}

/* A sentence or line end takes one occurrence off the pair across it; the
 * same pair inside a sentence still counts. */
static void test_sentence_ends_cut_pairs(void **state)
{
	(void)state;
	wu_scratch ws = {0};
	wu_terms t = {0};
	terms_of("harbor bridge. harbor. bridge", &ws, &t);
	assert_true(near(weight_of(&t, pair_of("harbor", "bridge")), 1.0));
	assert_true(weight_of(&t, pair_of("bridge", "harbor")) < 0);
	terms_of("harbor\nbridge", &ws, &t);
	assert_int_equal(t.n, 2);
	terms_of("harbor, bridge", &ws, &t);
	assert_int_equal(t.n, 3);
	wu_scratch_free(&ws), wu_terms_free(&t);
}

/* The contract: 0 and the count in out->n, for an empty result too. */
static void test_contract(void **state)
{
	(void)state;
	wu_opt o;
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, NULL, 0), 0);
	wu_u64s sh = {0};
	assert_int_equal(wu_shingle("a b c d e f", 11, &o, &sh), 0);
	assert_int_equal(sh.n, 2);
	assert_int_equal(wu_shingle("", 0, &o, &sh), 0);
	assert_int_equal(sh.n, 0);
	wu_scratch ws = {0};
	wu_terms t = {0};
	assert_int_equal(wu_story_terms("the of and", 10, NULL, NULL, &ws, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(wu_story_terms("harbor", 6, NULL, NULL, &ws, &t), 0);
	assert_int_equal(t.n, 1);
	wu_u64s_free(&sh), wu_scratch_free(&ws), wu_terms_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_matches_story_terms),
		cmocka_unit_test(test_sketch_profile),
		cmocka_unit_test(test_names_from_raw_text),
		cmocka_unit_test(test_sentence_ends_cut_pairs),
		cmocka_unit_test(test_contract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
