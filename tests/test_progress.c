/* Unit tests for the progress reports of wu_cluster() and wu_stories()
 * (opt->progress, see wu_progress_fn in wiredup.h).
 *
 * The corpus is made of signatures and profiles directly, not of texts,
 * so that it can be large enough (over 65,536 articles and story pairs)
 * for every stage to report from inside its loop, and still be built in
 * a moment: article 2i + 1 is article 2i with a few values changed (a
 * copy), and profiles draw a few terms from a large vocabulary (some
 * shared, so there are story pairs). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wiredup.h"
#include "test_rng.h"

#define N_ARTICLES 70000 /* above one block (65,536) of articles */
#define N_TERMS 4
#define VOCAB 60000
#define MAX_REPORTS 100000

static test_rng rng; /* each test seeds it before it draws */

typedef struct {
	int stage;
	size_t done, total;
} report;

/* What a callback saw: every report, and whether each came on the
 * thread that called the library. */
typedef struct {
	report r[MAX_REPORTS];
	size_t n;
	pthread_t caller;
	int foreign; /* reports on another thread */
} seen;

static void record(void *data, int stage, size_t done, size_t total)
{
	seen *s = data;
	if (!pthread_equal(pthread_self(), s->caller))
		s->foreign++;
	assert_true(s->n < MAX_REPORTS);
	s->r[s->n++] = (report){stage, done, total};
}

static int cmp_key(const void *p, const void *q)
{
	const wu_term *a = p, *b = q;
	return (a->key > b->key) - (a->key < b->key);
}

static wu_opt stories_opt(void)
{
	wu_opt o;
	wu_opt_init(&o);
	o.stories = 1;
	o.window_days = 0;
	o.story_threshold = 0.05;
	assert_int_equal(wu_opt_finish(&o, NULL, 0), 0);
	return o;
}

/* N_ARTICLES articles in pairs of near-copies, with story profiles. */
static wu_corpus *make_corpus(const wu_opt *o)
{
	wu_corpus *c = wu_corpus_new(o);
	assert_non_null(c);
	uint32_t sig[1024];
	rng = test_rng_seed(42);
	for (size_t i = 0; i < N_ARTICLES; i++) {
		if (i % 2 == 0)
			for (int t = 0; t < o->num_perm; t++)
				sig[t] = (uint32_t)test_rng_next(&rng);
		else
			for (int t = 0; t < 8; t++) /* a copy: 120 of 128 values kept */
				sig[test_rng_next(&rng) % (uint64_t)o->num_perm] = (uint32_t)test_rng_next(&rng);
		wu_term prof[N_TERMS];
		for (int t = 0; t < N_TERMS; t++) /* distinct: apart by at least 1 */
			prof[t] = (wu_term){(uint64_t)t * VOCAB + test_rng_next(&rng) % VOCAB, 0.5f};
		qsort(prof, N_TERMS, sizeof *prof, cmp_key);
		char id[32];
		snprintf(id, sizeof id, "%zu", i);
		wu_sketched a = {id, strlen(id), 19000 + (int32_t)(i % 5), 1000, 500, sig, NULL,
		                 prof, N_TERMS};
		size_t idx;
		int added;
		assert_int_equal(wu_corpus_add(c, &a, &idx, &added, NULL, 0), 0);
		assert_true(added && idx == i);
	}
	return c;
}

/* Clusters and groups c under o with n_threads, the reports into s (or
 * none when s is NULL); the results into cl and story_rep. */
static void run(const wu_corpus *c, wu_opt o, int n_threads, seen *s, wu_clusters *cl,
                uint32_t *story_rep)
{
	if (s) {
		memset(s, 0, sizeof *s);
		s->caller = pthread_self();
		o.progress = record;
		o.progress_data = s;
	}
	size_t n_stories;
	assert_int_equal(wu_cluster(c, &o, n_threads, cl), 0);
	assert_int_equal(wu_stories(c, cl, &o, n_threads, story_rep, &n_stories), 0);
	assert_true(n_stories < N_ARTICLES); /* some stories were merged */
	assert_true(cl->n_clusters < N_ARTICLES);
}

/* The reports of stage, from s->r[*at] on: a start (done 0), then done
 * strictly rising (0 again only when the total is 0), to an end with done
 * == total, all with the same total. Returns the stage's total and (in
 * *n) its number of reports; *at moves past them. */
static size_t check_stage(const seen *s, size_t *at, int stage, size_t *n)
{
	size_t i = *at;
	assert_true(i < s->n);
	assert_int_equal(s->r[i].stage, stage);
	assert_int_equal(s->r[i].done, 0);
	size_t total = s->r[i].total;
	do {
		i++;
		assert_true(i < s->n);
		assert_int_equal(s->r[i].stage, stage);
		assert_int_equal(s->r[i].total, total);
		assert_true(s->r[i].done > s->r[i - 1].done || total == 0);
		assert_true(s->r[i].done <= total);
	} while (s->r[i].done < total);
	*n = i + 1 - *at;
	*at = i + 1;
	return total;
}

/* Every stage reports in order, from 0 up to its total, on the caller's
 * thread; on one thread every unit of the loops is reported. */
static void test_stages_one_thread(void **state)
{
	(void)state;
	wu_opt o = stories_opt();
	wu_corpus *c = make_corpus(&o);
	wu_clusters cl;
	uint32_t *story_rep = malloc(N_ARTICLES * sizeof *story_rep);
	seen *s = malloc(sizeof *s);
	assert_non_null(story_rep);
	assert_non_null(s);
	run(c, o, 1, s, &cl, story_rep);
	assert_int_equal(s->foreign, 0);
	size_t at = 0, n;
	assert_int_equal(check_stage(s, &at, WU_STAGE_BUCKET, &n), (size_t)o.bands);
	assert_int_equal(n, (size_t)o.bands + 1); /* 0, each band, the end */
	size_t runs = check_stage(s, &at, WU_STAGE_VERIFY, &n);
	assert_true(runs > 1);
	assert_int_equal(n, runs + 1);
	assert_int_equal(check_stage(s, &at, WU_STAGE_UNION, &n), N_ARTICLES);
	assert_int_equal(n, 3); /* 0, 65,536, all */
	assert_int_equal(check_stage(s, &at, WU_STAGE_STORY_CANDIDATES, &n), N_ARTICLES);
	assert_int_equal(n, 3);
	size_t pairs = check_stage(s, &at, WU_STAGE_STORY_MERGE, &n);
	assert_true(pairs > 65536);
	assert_int_equal(n, (pairs + 65535) / 65536 + 1);
	assert_int_equal(at, s->n); /* nothing after the last stage */
	wu_clusters_free(&cl);
	free(story_rep), free(s);
	wu_corpus_free(c);
}

/* On several threads: the same stages and totals, every report on the
 * caller's thread, and results identical to a run without a callback. */
static void test_stages_threads_same_results(void **state)
{
	(void)state;
	wu_opt o = stories_opt();
	wu_corpus *c = make_corpus(&o);
	wu_clusters plain, cl;
	uint32_t *rep_plain = malloc(N_ARTICLES * sizeof *rep_plain);
	uint32_t *rep = malloc(N_ARTICLES * sizeof *rep);
	seen *s = malloc(sizeof *s);
	assert_non_null(rep_plain);
	assert_non_null(rep);
	assert_non_null(s);
	run(c, o, 1, NULL, &plain, rep_plain);
	run(c, o, 4, s, &cl, rep);
	assert_int_equal(s->foreign, 0);
	size_t at = 0, n;
	for (int stage = WU_STAGE_BUCKET; stage <= WU_STAGE_STORY_MERGE; stage++)
		check_stage(s, &at, stage, &n);
	assert_int_equal(at, s->n);
	assert_memory_equal(plain.rep, cl.rep, N_ARTICLES * sizeof *cl.rep);
	assert_memory_equal(plain.similarity, cl.similarity, N_ARTICLES * sizeof *cl.similarity);
	assert_int_equal(plain.n_linked, cl.n_linked);
	assert_memory_equal(rep_plain, rep, N_ARTICLES * sizeof *rep);
	wu_clusters_free(&plain), wu_clusters_free(&cl);
	free(rep_plain), free(rep), free(s);
	wu_corpus_free(c);
}

/* An empty corpus: every stage still starts and ends (total 0 or the
 * bands), so a caller's line is always cleared. */
static void test_empty_corpus(void **state)
{
	(void)state;
	wu_opt o = stories_opt();
	wu_corpus *c = wu_corpus_new(&o);
	assert_non_null(c);
	seen *s = malloc(sizeof *s);
	assert_non_null(s);
	memset(s, 0, sizeof *s);
	s->caller = pthread_self();
	o.progress = record;
	o.progress_data = s;
	wu_clusters cl;
	uint32_t rep[1];
	size_t n_stories;
	assert_int_equal(wu_cluster(c, &o, 2, &cl), 0);
	assert_int_equal(wu_stories(c, &cl, &o, 2, rep, &n_stories), 0);
	size_t at = 0, n;
	for (int stage = WU_STAGE_BUCKET; stage <= WU_STAGE_STORY_MERGE; stage++)
		check_stage(s, &at, stage, &n);
	assert_int_equal(at, s->n);
	wu_clusters_free(&cl);
	free(s);
	wu_corpus_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stages_one_thread),
		cmocka_unit_test(test_stages_threads_same_results),
		cmocka_unit_test(test_empty_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
