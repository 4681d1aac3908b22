/* Unit tests for the feed index (index*.c) and the rules it shares with
 * wu_cluster() (wu_band_key, wu_pair_similarity, wu_pair_passes).
 *
 * Articles go through the real stages (wu_sketch_article: normalize ->
 * shingle -> sketch) with texts of pseudo-random words, so unrelated texts
 * share no shingle and a cut copy has a containment we know. Every test works in
 * its own fresh directory under the build's working directory. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <lmdb.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* A sketched article with its own buffers. */
typedef struct {
	char id[32];
	uint32_t sig[1024];
	wu_index_article a;
} art;

/* Words "t<seed>w<i>": texts of different seeds share no word. */
static char *text_of(int seed, int from, int to)
{
	size_t cap = (size_t)(to - from) * 24 + 1, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (int i = from; i < to; i++)
		n += (size_t)snprintf(s + n, cap - n, "%st%dw%d", i > from ? " " : "", seed, i);
	return s;
}

static void sketch(art *x, const wu_opt *o, const char *id, const char *text, int32_t date)
{
	wu_sketcher *sk = wu_sketcher_new();
	wu_article_sketch s;
	wu_record rec = {id, strlen(id), text, strlen(text), "src", date};
	assert_non_null(sk);
	assert_int_equal(wu_sketch_article(sk, &rec, o, NULL, 0, x->sig, &s, NULL, 0), 0);
	snprintf(x->id, sizeof x->id, "%s", id);
	x->a = (wu_index_article){x->id, strlen(x->id), date, "src", 3, (uint32_t)s.n_shingles, x->sig};
	wu_sketcher_free(sk);
}

/* Article `seed`, words [0, n) (a copy cut from the bottom: smaller n). */
static void make(art *x, const wu_opt *o, const char *id, int seed, int n, int32_t date)
{
	char *t = text_of(seed, 0, n);
	sketch(x, o, id, t, date);
	free(t);
}

/* Every test's files go under one directory, removed at the end. */
static char base_dir[] = "/tmp/wiredup-test-index-XXXXXX";
static int n_dirs;

/* A fresh directory; the index goes in DIR/idx. */
static const char *fresh(char *path, size_t n)
{
	snprintf(path, n, "%s/%d", base_dir, n_dirs++);
	assert_int_equal(mkdir(path, 0755), 0);
	strncat(path, "/idx", n - strlen(path) - 1);
	return path;
}

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static wu_index *create(const char *path, int gen_bits)
{
	char err[256];
	wu_opt o;
	wu_index_opt io;
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	wu_index_opt_init(&io);
	io.writable = 1;
	io.gen_bits = gen_bits;
	wu_index *ix = wu_index_create(path, &o, &io, err, sizeof err);
	if (!ix)
		fail_msg("create: %s", err);
	return ix;
}

static wu_index *open_ix(const char *path, int writable)
{
	char err[256];
	wu_index_opt io;
	wu_index_opt_init(&io);
	io.writable = writable;
	wu_index *ix = wu_index_open(path, &io, err, sizeof err);
	if (!ix)
		fail_msg("open: %s", err);
	return ix;
}

static void add(wu_index *ix, const art *x, int want)
{
	char err[256];
	int added = -1;
	if (wu_index_add(ix, &x->a, &added, err, sizeof err))
		fail_msg("add: %s", err);
	assert_int_equal(added, want);
}

static void commit(wu_index *ix)
{
	char err[256];
	if (wu_index_commit(ix, err, sizeof err))
		fail_msg("commit: %s", err);
}

/* Queries x; returns m.found and leaves the match in *m. */
static int query(wu_index *ix, const art *x, wu_index_match *m)
{
	char err[256];
	if (wu_index_query(ix, &x->a, m, err, sizeof err))
		fail_msg("query: %s", err);
	return m->found;
}

static uint64_t count(wu_index *ix)
{
	char err[256];
	wu_index_stats st;
	if (wu_index_stat(ix, &st, err, sizeof err))
		fail_msg("stat: %s", err);
	return st.n_articles;
}

static char *data_file(const char *idx)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/data.mdb", idx);
	return p;
}

/* ------------------------------------------------------------------ */
/* Shared rules                                                        */
/* ------------------------------------------------------------------ */

static void test_pair_rules(void **state)
{
	(void)state;
	wu_opt o;
	char err[128];
	uint32_t sig[128];
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	for (int i = 0; i < 128; i++)
		sig[i] = (uint32_t)i * 2654435761u;
	/* Band keys depend on the band's rows only, and on the band index. */
	uint64_t k0 = wu_band_key(sig, 0, &o), k1 = wu_band_key(sig, 1, &o);
	assert_true(k0 != k1);
	sig[o.rows] ^= 1; /* a row of band 1 */
	assert_true(wu_band_key(sig, 0, &o) == k0);
	assert_true(wu_band_key(sig, 1, &o) != k1);
	/* Containment from Jaccard and counts; 0 without shingles. */
	assert_true(fabs(wu_pair_similarity(0.5, 100, 50, &o) - wu_containment(0.5, 100, 50)) < 1e-12);
	assert_true(wu_pair_similarity(0.9, 0, 50, &o) == 0.0);
	assert_true(wu_pair_passes(0.9, 100, 50, &o));
	assert_false(wu_pair_passes(0.9, 100, 30, &o)); /* 30 < 0.4 x 100 */
	assert_false(wu_pair_passes(0.4, 100, 50, &o));
	o.measure = WU_MEASURE_JACCARD;
	assert_true(wu_pair_similarity(0.3, 100, 50, &o) == 0.3);
	assert_true(wu_pair_passes(0.6, 100, 10, &o)); /* no length rule */
}

/* ------------------------------------------------------------------ */
/* Create, open, parameters                                            */
/* ------------------------------------------------------------------ */

static void test_create_open(void **state)
{
	(void)state;
	char path[256], err[256];
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	assert_int_equal(count(ix), 0);
	wu_index_close(ix);
	/* Not twice. */
	wu_opt o;
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	assert_null(wu_index_create(path, &o, NULL, err, sizeof err));
	assert_non_null(strstr(err, "already exists"));
	/* Read-only by default; parameters come back. */
	ix = wu_index_open(path, NULL, err, sizeof err);
	assert_non_null(ix);
	const wu_opt *p = wu_index_params(ix);
	assert_int_equal(p->num_perm, 128);
	assert_int_equal(p->bands, o.bands);
	assert_int_equal(p->rows, o.rows);
	assert_true(p->threshold == 0.5 && p->min_length_ratio == 0.4);
	art x;
	make(&x, p, "1", 1, 50, 0);
	int added = -1;
	assert_int_equal(wu_index_add(ix, &x.a, &added, err, sizeof err), -1);
	assert_int_equal(added, 0);
	assert_non_null(strstr(err, "read-only"));
	wu_index_close(ix);
	/* Nothing there, or not an index. */
	assert_null(wu_index_open("no-such-index", NULL, err, sizeof err));
	assert_non_null(strstr(err, "no index here"));
	char other[256];
	fresh(other, sizeof other);
	assert_int_equal(mkdir(other, 0755), 0);
	assert_null(wu_index_open(other, NULL, err, sizeof err));
	assert_non_null(strstr(err, "not a wiredup index"));
}

static void test_params_mismatch(void **state)
{
	(void)state;
	char path[256], err[256];
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	wu_opt o = *wu_index_params(ix);
	assert_int_equal(wu_index_check(ix, &o, WU_PARAM_ALL, err, sizeof err), 0);
	o.num_perm = 64;
	assert_int_equal(wu_index_check(ix, &o, WU_PARAM_ALL, err, sizeof err), -1);
	assert_string_equal(err, "num-perm 64 conflicts with the index's 128");
	/* Only the parameters asked about are compared. */
	assert_int_equal(wu_index_check(ix, &o, WU_PARAM_SEED, err, sizeof err), 0);
	o = *wu_index_params(ix);
	o.measure = WU_MEASURE_JACCARD;
	assert_int_equal(wu_index_check(ix, &o, WU_PARAM_MEASURE, err, sizeof err), -1);
	assert_string_equal(err, "measure jaccard conflicts with the index's containment");
	o = *wu_index_params(ix);
	o.shingle_kind = WU_SHINGLE_CHAR;
	o.threshold = 0.7;
	assert_int_equal(wu_index_check(ix, &o, WU_PARAM_ALL, err, sizeof err), -1);
	assert_string_equal(err, "threshold 0.7 conflicts with the index's 0.5");
	assert_int_equal(wu_index_check(ix, &o, WU_PARAM_SHINGLE, err, sizeof err), -1);
	assert_string_equal(err, "shingle char conflicts with the index's word");
	wu_index_close(ix);
}

/* ------------------------------------------------------------------ */
/* Adding and querying                                                 */
/* ------------------------------------------------------------------ */

static void test_add_query(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art a, cut, other, same, tiny;
	make(&a, o, "\"a\"", 1, 200, 100);
	make(&cut, o, "\"cut\"", 1, 150, 101);   /* 75% of a, from the top */
	make(&other, o, "\"other\"", 2, 200, 101);
	make(&tiny, o, "\"tiny\"", 1, 40, 101);   /* within a, but far shorter */
	make(&same, o, "\"a\"", 3, 100, 102);    /* a's id, another text */
	assert_false(query(ix, &a, &m));
	add(ix, &a, 1);
	commit(ix);
	assert_true(query(ix, &cut, &m));
	assert_false(m.same_id);
	assert_string_equal(m.id.s, "\"a\"");
	assert_true(m.similarity > 0.9 && m.similarity <= 1.0);
	assert_int_equal(m.date, 100);
	assert_false(query(ix, &other, &m));
	assert_true(m.similarity == 0.0);
	assert_false(query(ix, &tiny, &m)); /* fails the length ratio */
	/* An id already there: the match is that article, whatever its text,
	 * and adding it again changes nothing. */
	assert_true(query(ix, &same, &m));
	assert_true(m.same_id);
	assert_string_equal(m.id.s, "\"a\"");
	assert_true(m.similarity < 0.1);
	add(ix, &same, 0);
	add(ix, &other, 1);
	commit(ix);
	assert_int_equal(count(ix), 2);
	wu_str_free(&m.id);
	wu_index_close(ix);
}

/* The best match wins, the earliest added on a tie. */
static void test_best_match(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art first, twin, part, q;
	make(&first, o, "10", 4, 200, 0);
	make(&twin, o, "11", 4, 200, 0);  /* the same text, added later */
	make(&q, o, "13", 4, 200, 0);
	char *head = text_of(4, 0, 150), *tail = text_of(99, 0, 100);
	size_t len = strlen(head) + strlen(tail) + 2;
	char *mixed = malloc(len);
	snprintf(mixed, len, "%s %s", head, tail); /* 3/4 of q's text, then other words */
	sketch(&part, o, "12", mixed, 0);
	free(head), free(tail), free(mixed);
	add(ix, &part, 1);
	add(ix, &first, 1);
	add(ix, &twin, 1);
	commit(ix);
	/* "12" (holding 3/4 of q) passes too, but is less similar than "10";
	 * "10" and "11" tie: the earlier added wins. */
	assert_true(query(ix, &q, &m));
	assert_string_equal(m.id.s, "10");
	assert_true(m.similarity == 1.0);
	wu_str_free(&m.id);
	wu_index_close(ix);
}

static void test_within_batch(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art a, b;
	make(&a, o, "1", 5, 300, 0);
	make(&b, o, "2", 5, 280, 0);
	add(ix, &a, 1); /* not committed */
	assert_int_equal(wu_index_pending(ix), 1);
	assert_true(query(ix, &b, &m));
	assert_string_equal(m.id.s, "1");
	add(ix, &a, 0); /* its id is in the batch already */
	/* Another process sees nothing until the commit. */
	wu_index *reader = open_ix(path, 0);
	assert_int_equal(count(reader), 0);
	assert_false(query(reader, &b, &m));
	commit(ix);
	assert_int_equal(wu_index_pending(ix), 0);
	assert_int_equal(count(reader), 1);
	assert_true(query(reader, &b, &m));
	wu_index_close(reader);
	/* An aborted batch is gone. */
	add(ix, &b, 1);
	wu_index_abort(ix);
	assert_int_equal(count(ix), 1);
	wu_str_free(&m.id);
	wu_index_close(ix);
}

static void test_reopen(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art a, b, a2;
	make(&a, o, "1", 6, 100, 5);
	make(&b, o, "2", 7, 100, 6);
	make(&a2, o, "3", 6, 90, 7);
	add(ix, &a, 1);
	commit(ix);
	add(ix, &b, 1); /* never committed: dropped on close */
	wu_index_close(ix);
	ix = open_ix(path, 1);
	assert_int_equal(count(ix), 1);
	assert_true(query(ix, &a2, &m));
	assert_string_equal(m.id.s, "1");
	add(ix, &b, 1);
	commit(ix);
	wu_index_close(ix);
	ix = open_ix(path, 0);
	assert_int_equal(count(ix), 2);
	wu_str_free(&m.id);
	wu_index_close(ix);
}

static void test_one_writer(void **state)
{
	(void)state;
	char path[256], err[256];
	wu_index_opt io;
	fresh(path, sizeof path);
	wu_index *w = create(path, 0);
	wu_index_opt_init(&io);
	io.writable = 1;
	assert_null(wu_index_open(path, &io, err, sizeof err));
	assert_string_equal(err, "index is being written by another process");
	wu_index *r = open_ix(path, 0); /* readers never wait */
	assert_int_equal(count(r), 0);
	wu_index_close(r);
	wu_index_close(w);
	w = open_ix(path, 1); /* free again */
	wu_index_close(w);
}

/* ------------------------------------------------------------------ */
/* Generations, expiry, windows                                        */
/* ------------------------------------------------------------------ */

/* Segments of at most 256 articles (gen_bits 6): 300 articles committed
 * 50 at a time end up in merged segments; articles of the open batch and
 * of segments are found alike, across commits and reopening. */
static void test_sealed_generations(void **state)
{
	(void)state;
	char path[256], err[256], id[32];
	wu_index_match m = {0};
	wu_index_stats st;
	fresh(path, sizeof path);
	wu_index *ix = create(path, 6);
	wu_opt opt = *wu_index_params(ix), *o = &opt; /* outlives the handle */
	art x;
	for (int i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "%d", i);
		make(&x, o, id, 100 + i, 60, i / 30); /* dates 0..9 */
		add(ix, &x, 1);
		if (i % 50 == 49)
			commit(ix);
	}
	commit(ix);
	assert_int_equal(wu_index_stat(ix, &st, err, sizeof err), 0);
	assert_int_equal(st.n_articles, 300);
	/* Batches of 50 carry like a binary counter, up to 256 articles:
	 * articles 1..200 and 201..300. */
	assert_int_equal(st.n_segments, 2);
	assert_int_equal(st.first_date, 0);
	assert_int_equal(st.last_date, 9);
	wu_index_close(ix);
	ix = open_ix(path, 1);
	for (int i = 0; i < 300; i += 7) {
		snprintf(id, sizeof id, "q%d", i);
		make(&x, o, id, 100 + i, 55, 20);
		assert_true(query(ix, &x, &m));
		snprintf(id, sizeof id, "%d", i);
		assert_string_equal(m.id.s, id);
	}
	/* Expire days 0..4 (articles 1..150): a segment goes when all its
	 * articles have (none here: 151..200 share the first); expired
	 * articles are not found. */
	size_t n;
	assert_int_equal(wu_index_expire(ix, 5, 0, &n, err, sizeof err), 0);
	assert_int_equal(n, 150);
	commit(ix);
	assert_int_equal(wu_index_stat(ix, &st, err, sizeof err), 0);
	assert_int_equal(st.n_articles, 150);
	assert_int_equal(st.first_date, 5);
	assert_int_equal(st.n_segments, 2);
	for (int i = 0; i < 300; i += 7) {
		snprintf(id, sizeof id, "q%d", i);
		make(&x, o, id, 100 + i, 55, 20);
		assert_int_equal(query(ix, &x, &m), i >= 150);
	}
	/* An expired id can come back. */
	make(&x, o, "3", 103, 60, 9);
	add(ix, &x, 1);
	commit(ix);
	/* Expire days 5 and 6 too (articles up to 210): the first segment
	 * goes; 201..300 and 301 stay. */
	assert_int_equal(wu_index_expire(ix, 7, 0, &n, err, sizeof err), 0);
	assert_int_equal(n, 60);
	commit(ix);
	assert_int_equal(wu_index_stat(ix, &st, err, sizeof err), 0);
	assert_int_equal(st.n_segments, 2);
	for (int i = 0; i < 300; i += 7) {
		snprintf(id, sizeof id, "q%d", i);
		make(&x, o, id, 100 + i, 55, 20);
		assert_int_equal(query(ix, &x, &m), i >= 210);
	}
	wu_str_free(&m.id);
	wu_index_close(ix);
}

/* Answers do not depend on how the articles were batched, and so on how
 * their entries were merged into segments: one batch, batches of 7, of 1. */
static void test_layout(void **state)
{
	(void)state;
	static const int batch[] = {1000, 7, 1};
	enum { NQ = 40 };
	double sim[3][NQ];
	uint64_t which[3][NQ];
	wu_index_match m = {0};
	for (int k = 0; k < 3; k++) {
		char path[256], id[32];
		fresh(path, sizeof path);
		wu_index *ix = create(path, 6);
		wu_opt opt = *wu_index_params(ix);
		art x;
		for (int i = 0; i < 300; i++) { /* seeds repeat: copies of all lengths */
			snprintf(id, sizeof id, "%d", i);
			make(&x, &opt, id, 100 + i % 60, 40 + i % 50, 1);
			add(ix, &x, 1);
			if (i % batch[k] == batch[k] - 1)
				commit(ix);
		}
		commit(ix);
		for (int q = 0; q < NQ; q++) {
			snprintf(id, sizeof id, "q%d", q);
			make(&x, &opt, id, 100 + 2 * q, 45, 2);
			sim[k][q] = query(ix, &x, &m) ? m.similarity : -1.0;
			which[k][q] = m.found ? m.article : 0;
		}
		wu_index_close(ix);
	}
	for (int k = 1; k < 3; k++)
		for (int q = 0; q < NQ; q++) {
			assert_int_equal(which[k][q], which[0][q]);
			assert_true(sim[k][q] == sim[0][q]);
		}
	assert_true(which[0][0] != 0 && which[0][NQ - 1] == 0); /* copies and new ones */
	wu_str_free(&m.id);
}

static void test_window(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art old, fresh_a, late, q_old, q_fresh, undated;
	make(&old, o, "1", 20, 100, 1000);
	make(&fresh_a, o, "2", 21, 100, 1008);
	make(&undated, o, "3", 22, 100, WU_NO_DATE);
	make(&q_old, o, "q1", 20, 90, 1010);
	make(&q_fresh, o, "q2", 21, 90, 1010);
	add(ix, &old, 1);
	add(ix, &fresh_a, 1);
	add(ix, &undated, 1);
	commit(ix);
	wu_index_set_window(ix, 5);
	/* The newest date is 1010 (the query's): day 1000 is out. */
	assert_false(query(ix, &q_old, &m));
	assert_true(query(ix, &q_fresh, &m));
	make(&late, o, "4", 23, 100, 1010);
	add(ix, &late, 1);
	commit(ix); /* expires day 1000; the undated article stays */
	assert_int_equal(count(ix), 3);
	wu_index_set_window(ix, 0);
	assert_false(query(ix, &q_old, &m));
	wu_str_free(&m.id);
	wu_index_close(ix);
}

/* ------------------------------------------------------------------ */
/* Damage: a clear error, never a crash                                */
/* ------------------------------------------------------------------ */

static void write_at(const char *file, off_t at, const void *p, size_t n)
{
	int fd = open(file, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, p, n, at), (ssize_t)n);
	close(fd);
}

/* An index of 50 articles, closed; returns the data file's size. */
static off_t small_index(const char *path)
{
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art x;
	char id[32];
	for (int i = 0; i < 50; i++) {
		snprintf(id, sizeof id, "\"ZZID%dZZ\"", i);
		make(&x, o, id, 300 + i, 80, 0);
		add(ix, &x, 1);
	}
	commit(ix);
	wu_index_close(ix);
	struct stat st;
	assert_int_equal(stat(data_file(path), &st), 0);
	return st.st_size;
}

static void test_truncated(void **state)
{
	(void)state;
	char path[256], err[256];
	fresh(path, sizeof path);
	off_t size = small_index(path);
	assert_int_equal(truncate(data_file(path), size / 2), 0);
	assert_null(wu_index_open(path, NULL, err, sizeof err));
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(truncate(data_file(path), 100), 0); /* not even a header */
	assert_null(wu_index_open(path, NULL, err, sizeof err));
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(truncate(data_file(path), 0), 0);
	wu_index_opt io;
	wu_index_opt_init(&io);
	io.writable = 1; /* LMDB would start afresh in an empty file */
	assert_null(wu_index_open(path, &io, err, sizeof err));
	assert_non_null(strstr(err, "empty"));
}

static void test_corrupted(void **state)
{
	(void)state;
	char path[256], err[256];
	unsigned char junk[8192];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	fresh(path, sizeof path);
	small_index(path);
	write_at(data_file(path), 0, junk, sizeof junk); /* both LMDB meta pages */
	assert_null(wu_index_open(path, NULL, err, sizeof err));
	assert_non_null(strstr(err, "damaged index"));
}

/* Regression (fixed; found by fuzz_index on damaged data.mdb files): LMDB
 * divides by the page size in its header page and reads at the page
 * numbers there, unchecked. Each field it computes with, zeroed or made
 * wild in the first header page, is an error, not a crash. */
static void test_damaged_header_page(void **state)
{
	(void)state;
	static const struct { size_t at, len; unsigned char byte; } hits[] = {
		{16 + 24, 4, 0x00},  /* page size 0 */
		{16 + 24, 4, 0x03},  /* page size not a power of two */
		{16 + 0, 4, 0x00},   /* magic */
		{16 + 120, 8, 0x7F}, /* last page far beyond the map */
		{16 + 24 + 48 + 40, 8, 0x01}, /* main database root beyond the last page */
	};
	char path[256], err[256];
	for (size_t h = 0; h < sizeof hits / sizeof *hits; h++) {
		unsigned char junk[8];
		memset(junk, hits[h].byte, sizeof junk);
		fresh(path, sizeof path);
		small_index(path);
		write_at(data_file(path), (off_t)hits[h].at, junk, hits[h].len);
		assert_null(wu_index_open(path, NULL, err, sizeof err));
		assert_non_null(strstr(err, "damaged index"));
	}
}

/* Where the first n bytes equal to needle are in file (asserted to be
 * there, not at its start); *before gets the byte before them. */
static off_t find_in_file(const char *file, const void *needle, size_t n, unsigned char *before)
{
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	size_t size = (size_t)st.st_size;
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	char *buf = malloc(size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, size, f), size);
	fclose(f);
	off_t at = -1;
	for (size_t i = 1; at < 0 && i + n <= size; i++)
		if (!memcmp(buf + i, needle, n))
			at = (off_t)i;
	assert_true(at > 0);
	*before = (unsigned char)buf[at - 1];
	free(buf);
	return at;
}

/* A damaged article record fails its checksum: an error, not an answer. */
static void test_damaged_record(void **state)
{
	(void)state;
	char path[256], err[256];
	fresh(path, sizeof path);
	small_index(path);
	/* Find the record of "ZZID7ZZ" and flip the signature byte before it. */
	unsigned char before;
	off_t at = find_in_file(data_file(path), "\"ZZID7ZZ\"", 9, &before);
	unsigned char flipped = (unsigned char)(before ^ 0x40);
	write_at(data_file(path), at - 1, &flipped, 1);
	wu_index *ix = open_ix(path, 0);
	art x;
	wu_index_match m = {0};
	make(&x, wu_index_params(ix), "\"ZZID7ZZ\"", 307, 80, 0);
	assert_int_equal(wu_index_query(ix, &x.a, &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "damaged index"));
	wu_index_close(ix);
}

/* A damaged segment (its magic number changed) fails a query, with what
 * the query was doing and LMDB's word for damage: the index's helpers
 * report it as a message, and the caller adds where it happened (as
 * snprintf would, cut to the buffer). */
static void test_damaged_segment(void **state)
{
	(void)state;
	char path[256], err[256], small[12];
	fresh(path, sizeof path);
	small_index(path);
	unsigned char before;
	write_at(data_file(path), find_in_file(data_file(path), "WUSG", 4, &before), "XUSG", 4);
	wu_index *ix = open_ix(path, 0);
	art x;
	wu_index_match m = {0};
	char want[256];
	make(&x, wu_index_params(ix), "\"ZZID7ZZ\"", 307, 80, 0);
	assert_int_equal(wu_index_query(ix, &x.a, &m, err, sizeof err), -1);
	snprintf(want, sizeof want, "looking up an id: %s", mdb_strerror(MDB_CORRUPTED));
	assert_string_equal(err, want);
	assert_int_equal(wu_index_query(ix, &x.a, &m, small, sizeof small), -1);
	assert_string_equal(small, "looking up ");
	wu_index_close(ix);
	wu_str_free(&m.id);
}

/* Bad input to wu_index_add: -1 with the reason, nothing added. */
static void test_add_bad_id(void **state)
{
	(void)state;
	char path[256], err[256] = "";
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	art x;
	make(&x, wu_index_params(ix), "\"a\"", 1, 50, 0);
	x.a.id_len = 0;
	int added = -1;
	assert_int_equal(wu_index_add(ix, &x.a, &added, err, sizeof err), -1);
	assert_int_equal(added, 0);
	assert_string_equal(err, "an id of 0 bytes (1 to 65535 allowed)");
	assert_int_equal(wu_index_pending(ix), 0);
	wu_index_close(ix);
}

/* Replaces the index's parameters record, behind its back. */
static void put_params(const char *path, const char *text, size_t n)
{
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &t), 0);
	assert_int_equal(mdb_dbi_open(t, "meta", 0, &dbi), 0);
	MDB_val k = {6, "params"}, v = {n, (void *)text};
	assert_int_equal(mdb_put(t, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(t), 0);
	mdb_env_close(env);
}

/* Parameters that are not ours, or of another format version. */
static void test_bad_params(void **state)
{
	(void)state;
	char path[256], err[256];
	fresh(path, sizeof path);
	wu_index_close(create(path, 0));
	/* Format 1 kept a segment a generation, which this one would misread. */
	/* Format 2 keyed ids by their JSON text: "A" and "\u0041" were two. */
	static const char *const bad[] = {"something else entirely", "wiredup-index=99\nnormalize=1\n",
	                                  "wiredup-index=3\nnum_perm=128\n", "wiredup-index=1\n",
	                                  "wiredup-index=2\n"};
	static const char *const why[] = {"not a wiredup index", "index format version 99",
	                                  "damaged index: bad parameters",
	                                  "index format version 1; this wiredup reads version 3",
	                                  ("index format version 2; this wiredup reads version 3 only. "
	                                   "Rebuild it: make a new index ('wiredup index create NEW')")};
	for (int i = 0; i < 5; i++) {
		put_params(path, bad[i], strlen(bad[i]));
		assert_null(wu_index_open(path, NULL, err, sizeof err));
		assert_non_null(strstr(err, why[i]));
	}
}

/* An index made with another normalization version: its signatures do not
 * match new articles', so it is refused for use, naming both versions and
 * how to rebuild; info (stat) still reads it. */
static void test_old_normalization(void **state)
{
	(void)state;
	char path[256], err[512];
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	wu_str text = {0};
	assert_int_equal(wu__index_params_text(wu_index_params(ix), 0, &text), 0);
	wu_index_close(ix);
	char want[64], *line = strstr(text.s, "normalize=");
	assert_non_null(line);
	snprintf(want, sizeof want, "normalize=%d\n", WU_NORMALIZE_VERSION);
	assert_memory_equal(line, want, strlen(want));
	/* The same parameters, one version before ours. */
	wu_str old = {0};
	assert_int_equal(wu__str_append(&old, text.s, (size_t)(line - text.s)), 0);
	char prev[32];
	snprintf(prev, sizeof prev, "normalize=%d\n", WU_NORMALIZE_VERSION - 1);
	assert_int_equal(wu__str_append(&old, prev, strlen(prev)), 0);
	assert_int_equal(wu__str_append(&old, line + strlen(want), strlen(line + strlen(want))), 0);
	put_params(path, old.s, old.n);
	ix = open_ix(path, 1);
	art x;
	make(&x, wu_index_params(ix), "1", 1, 50, 0);
	assert_int_equal(wu_index_add(ix, &x.a, NULL, err, sizeof err), -1);
	char msg[200];
	snprintf(msg, sizeof msg, "text normalization version %d; this wiredup has version %d",
	         WU_NORMALIZE_VERSION - 1, WU_NORMALIZE_VERSION);
	assert_non_null(strstr(err, msg));
	assert_non_null(strstr(err, "Rebuild it: make a new index ('wiredup index create NEW')"));
	assert_int_equal(count(ix), 0);
	wu_index_close(ix);
	wu_str_free(&text), wu_str_free(&old);
}

/* Ids equal as JSON values are one id, in the open batch and once
 * committed: "A" and "\u0041"; numbers by their text (1 and 1.0 differ),
 * and the string "1" is not the number 1. */
static void test_ids_by_value(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	art a, esc, num, num2, str1, b, besc;
	make(&a, o, "\"A\"", 1, 60, 0);
	make(&esc, o, "\"\\u0041\"", 2, 60, 0);
	make(&num, o, "1", 3, 60, 0);
	make(&num2, o, "1.0", 4, 60, 0);
	make(&str1, o, "\"1\"", 5, 60, 0);
	add(ix, &a, 1);
	add(ix, &esc, 0); /* in the batch */
	add(ix, &num, 1);
	add(ix, &num2, 1);
	add(ix, &str1, 1);
	assert_true(query(ix, &esc, &m));
	assert_true(m.same_id);
	assert_string_equal(m.id.s, "\"A\"");
	commit(ix);
	add(ix, &esc, 0); /* committed, in a segment */
	make(&b, o, "\"caf\u00e9\"", 6, 60, 0);
	make(&besc, o, "\"caf\\u00e9\"", 7, 60, 0);
	add(ix, &besc, 1);
	commit(ix);
	add(ix, &b, 0);
	commit(ix);
	assert_int_equal(count(ix), 5);
	wu_str_free(&m.id);
	wu_index_close(ix);
}

/* One article dated far ahead must not move the window past the rest:
 * with the clock set, the window ends at the clock's date. */
static void test_future_date(void **state)
{
	(void)state;
	char path[256];
	wu_index_match m = {0};
	fresh(path, sizeof path);
	wu_index *ix = create(path, 0);
	const wu_opt *o = wu_index_params(ix);
	int32_t today = wu_parse_date("2024-05-10", 10);
	art a, far, later, q;
	make(&a, o, "1", 30, 80, today - 3);
	make(&far, o, "2", 31, 80, wu_parse_date("2204-01-01", 10));
	make(&later, o, "3", 32, 80, today);
	make(&q, o, "q", 30, 70, today);
	wu_index_set_window(ix, 30);
	wu_index_set_today(ix, today);
	add(ix, &a, 1);
	add(ix, &far, 1);
	commit(ix);
	add(ix, &later, 1);
	commit(ix);
	assert_int_equal(count(ix), 3);
	assert_true(query(ix, &q, &m));
	assert_string_equal(m.id.s, "1");
	/* Without a clock the newest date rules, as before. */
	wu_index_set_today(ix, WU_NO_DATE);
	assert_false(query(ix, &q, &m));
	wu_str_free(&m.id);
	wu_index_close(ix);
}

static wu_index *create_limited(const char *path, uint64_t limit)
{
	char err[256];
	wu_opt o;
	wu_index_opt io;
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	wu_index_opt_init(&io);
	io.writable = 1;
	io.map_size = limit;
	wu_index *ix = wu_index_create(path, &o, &io, err, sizeof err);
	if (!ix)
		fail_msg("create: %s", err);
	return ix;
}

/* The map starts small and grows in the middle of a batch (which is done
 * again in the bigger map: the same articles, numbers and expiries); at
 * the limit an add fails clearly, nothing of the batch is kept, and a
 * higher limit on open lets it go on. */
static void test_map_growth(void **state)
{
	(void)state;
	char path[256], err[256];
	wu_index_stats st;
	fresh(path, sizeof path);
	wu_index *ix = create_limited(path, UINT64_C(256) << 20);
	const wu_opt *o = wu_index_params(ix);
	art x;
	char id[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "%d", i);
		make(&x, o, id, 1000 + i, 40, 100 + i / 100);
		add(ix, &x, 1);
		if (i == 1000) { /* an expiry inside the batch, done again too */
			size_t n;
			assert_int_equal(wu_index_expire(ix, 101, 0, &n, err, sizeof err), 0);
			assert_int_equal(n, 100);
		}
	}
	commit(ix);
	assert_int_equal(wu_index_stat(ix, &st, err, sizeof err), 0);
	assert_int_equal(st.n_articles, 2900);
	assert_true(st.map_size > (UINT64_C(1) << 20));
	assert_true(st.map_size <= (UINT64_C(256) << 20));
	/* The ids stayed: each is found as itself, the expired ones are gone. */
	make(&x, o, "5", 1005, 40, 100);
	add(ix, &x, 1);
	make(&x, o, "2999", 1000 + 2999, 40, 129);
	add(ix, &x, 0);
	wu_index_abort(ix);
	wu_index_close(ix);

	fresh(path, sizeof path);
	ix = create_limited(path, UINT64_C(1) << 20);
	o = wu_index_params(ix);
	int i, rc = 0, added = 1;
	for (i = 0; !rc && i < 5000; i++) {
		snprintf(id, sizeof id, "%d", i);
		make(&x, o, id, 1000 + i, 40, 0);
		rc = wu_index_add(ix, &x.a, &added, err, sizeof err);
		assert_true(rc || added);
		if (!rc && i % 500 == 499 && wu_index_commit(ix, err, sizeof err))
			rc = -1;
	}
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "map size limit of 1048576 bytes"));
	uint64_t kept = count(ix);
	assert_int_equal(kept % 500, 0);
	assert_true(kept < (uint64_t)i);
	wu_index_close(ix);
	wu_index_opt io;
	wu_index_opt_init(&io);
	io.writable = 1;
	io.map_size = UINT64_C(64) << 20;
	ix = wu_index_open(path, &io, err, sizeof err);
	assert_non_null(ix);
	for (i = (int)kept; i < 5000; i++) {
		snprintf(id, sizeof id, "%d", i);
		make(&x, o = wu_index_params(ix), id, 1000 + i, 40, 0);
		add(ix, &x, 1);
	}
	commit(ix);
	assert_int_equal(count(ix), 5000);
	wu_index_close(ix);
	/* The raised limit was kept: opened without one, it grows past 1 MiB. */
	ix = open_ix(path, 1);
	for (i = 5000; i < 9000; i++) {
		snprintf(id, sizeof id, "%d", i);
		make(&x, wu_index_params(ix), id, 1000 + i, 40, 0);
		add(ix, &x, 1);
	}
	commit(ix);
	assert_int_equal(count(ix), 9000);
	wu_index_close(ix);
}

/* An existing empty directory (a mounted volume) takes an index; one
 * holding anything else is refused, and left as it was. */
static void test_create_in_dir(void **state)
{
	(void)state;
	char path[256], file[300], err[256];
	wu_opt o;
	wu_opt_init(&o);
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	fresh(path, sizeof path);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(file, sizeof file, "%s/lost+found", path);
	assert_int_equal(mkdir(file, 0700), 0);
	wu_index *ix = wu_index_create(path, &o, NULL, err, sizeof err);
	if (!ix)
		fail_msg("create in an empty directory: %s", err);
	wu_index_close(ix);
	ix = open_ix(path, 1);
	art x;
	make(&x, wu_index_params(ix), "1", 1, 50, 0);
	add(ix, &x, 1);
	commit(ix);
	assert_int_equal(count(ix), 1);
	wu_index_close(ix);
	assert_null(wu_index_create(path, &o, NULL, err, sizeof err));
	assert_non_null(strstr(err, "already exists"));

	fresh(path, sizeof path);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(file, sizeof file, "%s/notes.txt", path);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_null(wu_index_create(path, &o, NULL, err, sizeof err));
	assert_non_null(strstr(err, "is not empty and is not an index"));
	snprintf(file, sizeof file, "%s/data.mdb", path);
	assert_int_equal(access(file, F_OK), -1);
}

/* Ids are kept as one band more, and band numbers take 10 bits. */
static void test_too_many_bands(void **state)
{
	(void)state;
	char path[256], err[256];
	wu_opt o;
	wu_opt_init(&o);
	o.num_perm = 1024, o.bands = 1024, o.rows = 1;
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	fresh(path, sizeof path);
	assert_null(wu_index_create(path, &o, NULL, err, sizeof err));
	assert_non_null(strstr(err, "at most 1023 bands"));
	o.bands = 1023;
	wu_index *ix = wu_index_create(path, &o, NULL, err, sizeof err);
	assert_non_null(ix);
	wu_index_close(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_rules),
		cmocka_unit_test(test_create_open),
		cmocka_unit_test(test_params_mismatch),
		cmocka_unit_test(test_add_query),
		cmocka_unit_test(test_best_match),
		cmocka_unit_test(test_within_batch),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_one_writer),
		cmocka_unit_test(test_sealed_generations),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_damaged_header_page),
		cmocka_unit_test(test_damaged_record),
		cmocka_unit_test(test_damaged_segment),
		cmocka_unit_test(test_add_bad_id),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_too_many_bands),
		cmocka_unit_test(test_old_normalization),
		cmocka_unit_test(test_ids_by_value),
		cmocka_unit_test(test_future_date),
		cmocka_unit_test(test_map_growth),
		cmocka_unit_test(test_create_in_dir),
	};
	if (!mkdtemp(base_dir))
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	nftw(base_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
