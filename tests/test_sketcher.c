/* Unit tests for wu_sketch_article(): the one call gives what the steps it
 * replaces gave (wu_normalize_filtered -> wu_shingle -> wu_sketch, and
 * wu_story_terms), bit for bit, with and without a boilerplate filter, at
 * both shingle kinds; a sketcher reused on a shorter article after a long
 * one leaves nothing of the long one behind; a text without letters is an
 * answer (no shingles), not a failure. Allocation failure is swept in
 * test_oom.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define MAX_PERM 1024

static const char *const g_texts[] = {
	"Storm hits the coast.\nThe storm hit the coast on Monday, officials in Brest said. "
	"Related Stories\nWinds of 150 km/h tore roofs off houses &amp; cut power to 20,000 homes.",
	"<p>Caf&eacute; owners in Lyon say the new tax will close <b>half</b> of them.</p>\n"
	"Related Stories\nSubscribe now",
	"Short one.",
	"Related Stories",
};

/* The old sequence, written out as the programs had it. */
typedef struct {
	uint32_t sig[MAX_PERM];
	wu_u64s sh;
	wu_terms terms;
	size_t n_invalid;
} steps;

static void old_steps(const char *text, const wu_opt *o, const wu_boiler *b, steps *r)
{
	wu_str norm = {0}, line = {0};
	wu_scratch ws = {0};
	r->n_invalid = 0;
	assert_int_equal(wu_normalize_filtered(text, strlen(text), "Site", b, &norm, &line,
	                                       &r->n_invalid, NULL), 0);
	assert_true(norm.n > 0);
	assert_int_equal(wu_shingle(norm.s, norm.n, o, &r->sh), 0);
	wu_sketch(r->sh.a, r->sh.n, o, r->sig);
	assert_int_equal(wu_story_terms(text, strlen(text), "Site", b, &ws, &r->terms), 0);
	wu_str_free(&norm), wu_str_free(&line), wu_scratch_free(&ws);
}

static wu_record record_of(const char *text)
{
	return (wu_record){"1", 1, text, strlen(text), "Site", WU_NO_DATE};
}

static void check_same(wu_sketcher *s, const char *text, const wu_opt *o, const wu_boiler *b)
{
	steps want = {0};
	uint32_t sig[MAX_PERM];
	wu_article_sketch a;
	char err[64] = "";
	wu_record rec = record_of(text);
	old_steps(text, o, b, &want);
	assert_int_equal(wu_sketch_article(s, &rec, o, b, WU_SKETCH_TERMS, sig, &a, err, sizeof err),
	                 0);
	assert_memory_equal(sig, want.sig, (size_t)o->num_perm * sizeof *sig);
	assert_int_equal(a.n_shingles, want.sh.n);
	assert_memory_equal(a.shingles, want.sh.a, want.sh.n * sizeof *want.sh.a);
	assert_non_null(a.terms);
	assert_int_equal(a.terms->n, want.terms.n);
	for (size_t i = 0; i < want.terms.n; i++) { /* field by field: padding is no value */
		assert_int_equal(a.terms->a[i].key, want.terms.a[i].key);
		assert_memory_equal(&a.terms->a[i].weight, &want.terms.a[i].weight, sizeof(float));
	}
	assert_int_equal(a.n_invalid, want.n_invalid);
	wu_u64s_free(&want.sh), wu_terms_free(&want.terms);
}

static wu_boiler *boiler(void)
{
	wu_str tmp = {0};
	wu_boiler *b = wu_boiler_new();
	assert_non_null(b);
	assert_int_equal(wu_boiler_known(b, "Related Stories", 15, &tmp), 0);
	assert_int_equal(wu_boiler_known(b, "Subscribe now", 13, &tmp), 0);
	assert_int_equal(wu_boiler_finish(b, 2, 1), 0);
	wu_str_free(&tmp);
	return b;
}

static void opt_of(wu_opt *o, int kind, int verify)
{
	char err[128];
	wu_opt_init(o);
	o->shingle_kind = kind;
	o->verify = verify;
	assert_int_equal(wu_opt_finish(o, err, sizeof err), 0);
	assert_true(o->num_perm <= MAX_PERM);
}

/* Every text, in one sketcher (long then short: reuse), both kinds, with
 * and without the filter: the old steps' answer each time. */
static void test_same_as_the_steps(void **state)
{
	(void)state;
	wu_boiler *b = boiler();
	wu_sketcher *s = wu_sketcher_new();
	assert_non_null(s);
	for (int kind = 0; kind < 2; kind++) {
		wu_opt o;
		opt_of(&o, kind ? WU_SHINGLE_CHAR : WU_SHINGLE_WORD,
		       kind ? WU_VERIFY_EXACT : WU_VERIFY_SIGNATURE);
		for (size_t i = 0; i < sizeof g_texts / sizeof *g_texts; i++) {
			check_same(s, g_texts[i], &o, NULL);
			check_same(s, g_texts[i], &o, b);
		}
	}
	wu_sketcher_free(s);
	wu_boiler_free(b);
}

/* No letters or digits: 0, no shingles, the empty set's signature. */
static void test_no_letters(void **state)
{
	(void)state;
	wu_opt o;
	opt_of(&o, WU_SHINGLE_WORD, WU_VERIFY_SIGNATURE);
	wu_sketcher *s = wu_sketcher_new();
	assert_non_null(s);
	uint32_t sig[MAX_PERM], empty[MAX_PERM];
	memset(sig, 0xab, sizeof sig);
	wu_sketch(NULL, 0, &o, empty);
	wu_article_sketch a;
	wu_record rec = record_of("  ... --- !!! \xff");
	assert_int_equal(wu_sketch_article(s, &rec, &o, NULL, WU_SKETCH_TERMS, sig, &a, NULL, 0), 0);
	assert_int_equal(a.n_shingles, 0);
	assert_null(a.terms);
	assert_int_equal(a.n_invalid, 1);
	assert_memory_equal(sig, empty, (size_t)o.num_perm * sizeof *sig);
	wu_sketcher_free(s);
}

/* Without WU_SKETCH_TERMS no terms are made; the rest is the same. */
static void test_terms_only_when_asked(void **state)
{
	(void)state;
	wu_opt o;
	opt_of(&o, WU_SHINGLE_WORD, WU_VERIFY_SIGNATURE);
	wu_sketcher *s = wu_sketcher_new();
	assert_non_null(s);
	uint32_t with[MAX_PERM], without[MAX_PERM];
	wu_article_sketch a;
	wu_record rec = record_of(g_texts[0]);
	assert_int_equal(wu_sketch_article(s, &rec, &o, NULL, WU_SKETCH_TERMS, with, &a, NULL, 0), 0);
	size_t n = a.n_shingles;
	assert_int_equal(wu_sketch_article(s, &rec, &o, NULL, 0, without, &a, NULL, 0), 0);
	assert_null(a.terms);
	assert_int_equal(a.n_shingles, n);
	assert_memory_equal(with, without, (size_t)o.num_perm * sizeof *with);
	wu_sketcher_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_the_steps),
		cmocka_unit_test(test_no_letters),
		cmocka_unit_test(test_terms_only_when_asked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
