/* Unit tests for LSH banding (lsh.c) and option validation (opt.c): the
 * S-curve formula, the choice of bands x rows for a threshold, and the
 * errors wu_opt_finish() reports. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wiredup.h"

/* Reference S-curve, written independently of the library. */
static double ref_prob(double s, int b, int r)
{
	double all_rows = 1.0;
	for (int i = 0; i < r; i++)
		all_rows *= s; /* one band matches: s^r */
	double no_band = 1.0;
	for (int i = 0; i < b; i++)
		no_band *= 1.0 - all_rows; /* no band matches: (1 - s^r)^b */
	return 1.0 - no_band;
}

/* False-positive area below t plus false-negative area above t, by a fine
 * midpoint rule (the library uses Simpson's rule: a different method). */
static double ref_error(double t, int b, int r)
{
	const int steps = 2000;
	double fp = 0.0, fn = 0.0;
	for (int i = 0; i < steps; i++) {
		double s = t * (i + 0.5) / steps;
		fp += 1.0 - pow(1.0 - pow(s, r), b);
	}
	for (int i = 0; i < steps; i++) {
		double s = t + (1.0 - t) * (i + 0.5) / steps;
		fn += pow(1.0 - pow(s, r), b);
	}
	return fp * t / steps + fn * (1.0 - t) / steps;
}

static void test_prob_formula(void **state)
{
	(void)state;
	static const double ss[] = {0.0, 0.1, 0.3, 0.5, 0.75, 0.9, 1.0};
	static const int bs[] = {1, 2, 9, 25, 128};
	static const int rs[] = {1, 3, 5, 13, 42};
	for (size_t i = 0; i < sizeof ss / sizeof *ss; i++)
		for (size_t j = 0; j < sizeof bs / sizeof *bs; j++)
			for (size_t l = 0; l < sizeof rs / sizeof *rs; l++) {
				double want = ref_prob(ss[i], bs[j], rs[l]);
				double got = wu_lsh_prob(ss[i], bs[j], rs[l]);
				assert_true(fabs(got - want) < 1e-12);
			}
	/* Hand values: one band of one row is s itself; 2 bands x 1 row is
	 * 1 - (1-s)^2. */
	assert_true(fabs(wu_lsh_prob(0.3, 1, 1) - 0.3) < 1e-15);
	assert_true(fabs(wu_lsh_prob(0.5, 2, 1) - 0.75) < 1e-15);
	assert_true(fabs(wu_lsh_prob(0.5, 1, 2) - 0.25) < 1e-15);
	assert_true(wu_lsh_prob(0.0, 9, 13) == 0.0);
	assert_true(wu_lsh_prob(1.0, 9, 13) == 1.0);
	/* Monotone in s. */
	double prev = -1.0;
	for (int i = 0; i <= 100; i++) {
		double p = wu_lsh_prob(i / 100.0, 9, 13);
		assert_true(p >= prev);
		prev = p;
	}
}

static void test_params_fit_k(void **state)
{
	(void)state;
	static const int ks[] = {8, 16, 64, 128, 256};
	for (size_t i = 0; i < sizeof ks / sizeof *ks; i++)
		for (int ti = 1; ti <= 19; ti++) {
			int b = -1, r = -1;
			wu_lsh_params(ti / 20.0, ks[i], &b, &r);
			assert_true(b >= 1 && r >= 1);
			assert_true(b * r <= ks[i]);
		}
}

/* The chosen (b, r) must minimise the documented error, measured with an
 * independent integration, over every b * r <= k (up to integration
 * error). */
static void test_params_optimal(void **state)
{
	(void)state;
	static const double ts[] = {0.3, 0.5, 0.8, 0.95};
	const int k = 128;
	for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
		int b, r;
		wu_lsh_params(ts[i], k, &b, &r);
		double chosen = ref_error(ts[i], b, r), best = INFINITY;
		int best_b = 0, best_r = 0;
		for (int bb = 1; bb <= k; bb++)
			for (int rr = 1; bb * rr <= k; rr++) {
				double e = ref_error(ts[i], bb, rr);
				if (e < best)
					best = e, best_b = bb, best_r = rr;
			}
		print_message("t=%.2f: chose %dx%d (error %.6f), best %dx%d (%.6f)\n", ts[i], b, r,
		              chosen, best_b, best_r, best);
		assert_true(chosen <= best + 1e-5);
	}
}

static void test_s_curve_around_threshold(void **state)
{
	(void)state;
	const double t = 0.5;
	int b, r;
	wu_lsh_params(t, 128, &b, &r);
	/* The curve's steep part sits at t: about even odds there, nearly
	 * certain 0.2 above, unlikely 0.2 below. */
	double at = wu_lsh_prob(t, b, r);
	assert_true(at > 0.2 && at < 0.8);
	assert_true(wu_lsh_prob(t + 0.2, b, r) > 0.95);
	assert_true(wu_lsh_prob(t - 0.2, b, r) < 0.1);

	/* The same for the default options (containment 0.5 at length ratio
	 * 0.4, i.e. Jaccard 0.2 / 1.2), and for Jaccard 0.8. */
	wu_opt o;
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, NULL, 0), 0);
	double tj = wu_opt_lsh_threshold(&o);
	assert_true(fabs(tj - 0.2 / 1.2) < 1e-12);
	assert_true(wu_lsh_prob(tj + 0.2, o.bands, o.rows) > 0.95);
	assert_true(wu_lsh_prob(tj / 4, o.bands, o.rows) < 0.1);

	wu_lsh_params(0.8, 128, &b, &r);
	assert_true(wu_lsh_prob(0.95, b, r) > 0.99);
	assert_true(wu_lsh_prob(0.6, b, r) < 0.1);
}

static void test_higher_threshold_more_rows(void **state)
{
	(void)state;
	static const double ts[] = {0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95};
	int prev_rows = 0, first = 0, last = 0;
	for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
		int b, r;
		wu_lsh_params(ts[i], 128, &b, &r);
		assert_true(r >= prev_rows); /* never fewer rows for a higher t */
		prev_rows = r;
		if (i == 0)
			first = r;
		last = r;
	}
	assert_true(last > 4 * first); /* and substantially more overall */
}

static void test_opt_defaults(void **state)
{
	(void)state;
	wu_opt o;
	char err[128] = "";
	wu_opt_init(&o);
	assert_int_equal(o.num_perm, 128);
	assert_true(o.seed == 1);
	assert_int_equal(o.measure, WU_MEASURE_CONTAINMENT);
	assert_true(o.threshold == 0.5);
	assert_true(o.min_length_ratio == 0.4);
	assert_int_equal(o.max_bucket, 64);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	assert_int_equal(o.ngram, 5);
	assert_true(o.bands >= 1 && o.rows >= 1 && o.bands * o.rows <= o.num_perm);
	int b, r;
	wu_lsh_params(wu_opt_lsh_threshold(&o), o.num_perm, &b, &r);
	assert_int_equal(o.bands, b);
	assert_int_equal(o.rows, r);

	/* Char shingles default to 9; Jaccard tunes LSH for the threshold. */
	wu_opt_init(&o);
	o.shingle_kind = WU_SHINGLE_CHAR;
	o.measure = WU_MEASURE_JACCARD;
	o.threshold = 0.7;
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	assert_int_equal(o.ngram, 12);
	assert_true(wu_opt_lsh_threshold(&o) == 0.7);
	wu_lsh_params(0.7, 128, &b, &r);
	assert_int_equal(o.bands, b);
	assert_int_equal(o.rows, r);

	/* Explicit banding is kept as given. */
	wu_opt_init(&o);
	o.bands = 16;
	o.rows = 8;
	o.ngram = 3;
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	assert_int_equal(o.bands, 16);
	assert_int_equal(o.rows, 8);
	assert_int_equal(o.ngram, 3);

	/* Edges that are valid. */
	wu_opt_init(&o);
	o.num_perm = 8;
	o.threshold = 1.0;
	o.min_length_ratio = 1.0;
	o.max_bucket = 1;
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	assert_true(o.bands * o.rows <= 8);
	wu_opt_init(&o);
	o.num_perm = 1024;
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	assert_true(o.bands * o.rows <= 1024);
}

/* Applies one bad setting to the defaults and expects -1 with a message
 * that names the problem. */
static void expect_bad(void (*set)(wu_opt *), const char *word)
{
	wu_opt o;
	char err[160] = "";
	wu_opt_init(&o);
	set(&o);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), -1);
	if (!strstr(err, word))
		fail_msg("error \"%s\" does not mention \"%s\"", err, word);
	/* A NULL err is allowed. */
	wu_opt_init(&o);
	set(&o);
	assert_int_equal(wu_opt_finish(&o, NULL, 0), -1);
}

static void k7(wu_opt *o) { o->num_perm = 7; }
static void k0(wu_opt *o) { o->num_perm = 0; }
static void k12(wu_opt *o) { o->num_perm = 12; }
static void k1032(wu_opt *o) { o->num_perm = 1032; }
static void t0(wu_opt *o) { o->threshold = 0.0; }
static void tneg(wu_opt *o) { o->threshold = -0.5; }
static void tbig(wu_opt *o) { o->threshold = 1.5; }
static void tnan(wu_opt *o) { o->threshold = NAN; }
static void bands_only(wu_opt *o) { o->bands = 16; }
static void rows_only(wu_opt *o) { o->rows = 8; }
static void br_too_big(wu_opt *o) { o->bands = 16, o->rows = 16; }
static void br_negative(wu_opt *o) { o->bands = -4, o->rows = -4; }
static void ngram_big(wu_opt *o) { o->ngram = 65; }
static void ngram_neg(wu_opt *o) { o->ngram = -1; }
static void ratio0(wu_opt *o) { o->min_length_ratio = 0.0; }
static void ratio_big(wu_opt *o) { o->min_length_ratio = 1.01; }
static void bucket0(wu_opt *o) { o->max_bucket = 0; }

static void test_opt_rejects_bad(void **state)
{
	(void)state;
	expect_bad(k7, "num-perm");
	expect_bad(k0, "num-perm");
	expect_bad(k12, "num-perm");
	expect_bad(k1032, "num-perm");
	expect_bad(t0, "threshold");
	expect_bad(tneg, "threshold");
	expect_bad(tbig, "threshold");
	expect_bad(tnan, "threshold");
	expect_bad(bands_only, "bands");
	expect_bad(rows_only, "rows");
	expect_bad(br_too_big, "num-perm");
	expect_bad(br_negative, "bands");
	expect_bad(ngram_big, "ngram");
	expect_bad(ngram_neg, "ngram");
	expect_bad(ratio0, "min-length-ratio");
	expect_bad(ratio_big, "min-length-ratio");
	expect_bad(bucket0, "max-bucket");
}

/* Regression (fixed): opt.c checks o->bands * o->rows > o->num_perm in int arithmetic, so
 * bands = rows = 65536 overflows (undefined behaviour; in practice the
 * product wraps to 0) and the options are accepted with num_perm 128.
 * wu_cluster would then read 65536 * 65536 signature values past each
 * 128-value signature. Under UBSan this test aborts at opt.c's check. */
static void big_br(wu_opt *o) { o->bands = 65536, o->rows = 65536; }

static void test_bug_bands_rows_overflow(void **state)
{
	(void)state;
	expect_bad(big_br, "num-perm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prob_formula),
		cmocka_unit_test(test_params_fit_k),
		cmocka_unit_test(test_params_optimal),
		cmocka_unit_test(test_s_curve_around_threshold),
		cmocka_unit_test(test_higher_threshold_more_rows),
		cmocka_unit_test(test_opt_defaults),
		cmocka_unit_test(test_opt_rejects_bad),
		/* Known library bug last: under UBSan it ends the program. */
		cmocka_unit_test(test_bug_bands_rows_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
