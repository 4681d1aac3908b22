/* Allocation failure is a failure of the run, never a property of the
 * text: every function that allocates either gives its whole, right answer
 * or returns -1 (the error contract, wiredup.h), and the per-record work of the program (record_work.c) turns that into a failed
 * result (exit 1), not a rejected record. Before, a failed allocation in
 * normalize or shingle gave an empty result, reported as the bad record
 * "text has no letters or digits", and first-pass counts went missing.
 *
 * The linker routes the library's malloc, calloc and realloc through the
 * wrappers below (-Wl,--wrap, tests/CMakeLists.txt), which fail the k-th
 * call once armed. Each check is a sweep: k = 0, 1, 2, ... until a run
 * makes fewer than k + 1 calls, so every allocation of every path taken
 * fails once. (utf8proc allocates inside its shared library, out of the
 * wrappers' reach: its failure is handled by the same code path as ours.) */
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

#include "input.h"
#include "internal.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long g_fail_at = -1; /* the call that fails, counted from arming; -1: none */
static long g_calls;
static int g_fired;
static int g_paused; /* a job's set-up: calls are not counted */

static void arm(long k)
{
	g_fail_at = k, g_calls = 0, g_fired = 0;
}

static int fail_now(void)
{
	if (g_paused || g_fail_at < 0 || g_calls++ != g_fail_at)
		return 0;
	g_fired = 1;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

/* One run of the code under test on fresh buffers: 1 when it reported
 * running out of memory, else 0 with a digest of everything it returned. */
typedef int (*job_fn)(uint64_t *digest);

/* The sweep: the answer with no failure, then every allocation failed in
 * turn; each run must fail by saying so or give the same answer. */
static void sweep(job_fn job, const char *name)
{
	uint64_t want = 0, got;
	arm(-1);
	assert_int_equal(job(&want), 0);
	long k = 0;
	for (;; k++) {
		got = 0;
		arm(k);
		int oom = job(&got);
		int fired = g_fired;
		arm(-1);
		if (!fired) {
			assert_int_equal(oom, 0);
			break;
		}
		if (!oom && got != want)
			fail_msg("%s: allocation %ld failed, and the answer changed silently", name, k);
	}
	print_message("%s: %ld allocations failed in turn\n", name, k);
	assert_true(k > 0); /* the sweep reached something */
	if (got != want)
		fail_msg("%s: the answer with no failure differs from the first one", name);
}

/* Text with all that costs an allocation: markup, non-ASCII words (the
 * utf8proc path), many lines and words. */
static const char *const g_text =
	"<p class=\"story-body\">The caf&eacute; on Stra\xC3\x9F" "e reopened &#8212; &quot;at last&quot;.</p>\n"
	"Related Stories\n"
	"\xC3\x89" "COLE officials said on Tuesday that the building would reopen next week.\n"
	"<a href=\"/x\">Residents</a> welcomed the news, and the mayor&#8217;s office agreed.\n"
	"\xE4\xB8\xAD\xE6\x96\x87" " and more words to make shingles of five words each.\n";

/* Terms field by field: a wu_term's padding is not part of its value. */
static uint64_t terms_digest(uint64_t h, const wu_term *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = fnv(fnv(h, &t[i].key, sizeof t[i].key), &t[i].weight, sizeof t[i].weight);
	return h;
}

static uint64_t str_digest(size_t r, const wu_str *s)
{
	return fnv(fnv(0xcbf29ce484222325ULL, &r, sizeof r), s->s, s->n);
}

static int job_normalize(uint64_t *d)
{
	wu_str out = {0};
	size_t inv = 0;
	int oom = wu_normalize(g_text, strlen(g_text), &out, &inv) == -1;
	if (oom)
		assert_int_equal(out.n, 0);
	*d = str_digest(out.n, &out) ^ inv;
	wu_str_free(&out);
	return oom;
}

static int job_normalize_lines(uint64_t *d)
{
	wu_str out = {0};
	int r = wu__normalize_lines(g_text, strlen(g_text), &out, NULL);
	if (r)
		assert_int_equal(out.n, 0);
	*d = str_digest(out.n, &out);
	wu_str_free(&out);
	return r == -1;
}

static wu_boiler *g_boiler;

static int job_filtered(uint64_t *d)
{
	wu_str out = {0}, tmp = {0};
	size_t removed = 0;
	int r = wu_normalize_filtered(g_text, strlen(g_text), "Site", g_boiler, &out, &tmp, NULL,
	                              &removed);
	if (r)
		assert_int_equal(out.n, 0);
	*d = str_digest(out.n, &out) ^ removed;
	wu_str_free(&out), wu_str_free(&tmp);
	return r == -1;
}

static int job_line_keys(uint64_t *d)
{
	wu_str tmp = {0};
	wu_u64s keys = {0};
	int r = wu_line_keys(g_text, strlen(g_text), "Site", &tmp, &keys);
	if (r)
		assert_int_equal(keys.n, 0);
	*d = fnv(fnv(0xcbf29ce484222325ULL, &keys.n, sizeof keys.n), keys.a,
	         keys.n * sizeof *keys.a);
	wu_str_free(&tmp), wu_u64s_free(&keys);
	return r == -1;
}

static int job_boiler_has_line(uint64_t *d)
{
	wu_str tmp = {0};
	int is = -1, r = wu_boiler_has_line(g_boiler, "Related&nbsp;Stories", 20, "Site", &tmp, &is);
	*d = (uint64_t)is;
	wu_str_free(&tmp);
	return r == -1;
}

static int job_shingle_kind(uint64_t *d, int kind)
{
	wu_opt o;
	char err[128];
	g_paused = 1; /* the set-up: normalize is swept apart */
	wu_opt_init(&o);
	o.shingle_kind = kind;
	o.verify = WU_VERIFY_EXACT; /* the sort allocates too */
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	wu_str norm = {0};
	assert_int_equal(wu_normalize(g_text, strlen(g_text), &norm, NULL), 0);
	g_paused = 0;
	wu_u64s sh = {0};
	int r = wu_shingle(norm.s, norm.n, &o, &sh);
	*d = fnv(fnv(0xcbf29ce484222325ULL, &r, sizeof r), sh.a, sh.n * sizeof *sh.a);
	wu_str_free(&norm), wu_u64s_free(&sh);
	return r != 0;
}

static int job_shingle_word(uint64_t *d)
{
	return job_shingle_kind(d, WU_SHINGLE_WORD);
}

static int job_shingle_char(uint64_t *d)
{
	return job_shingle_kind(d, WU_SHINGLE_CHAR);
}

static int job_story_terms(uint64_t *d)
{
	wu_scratch ws = {0};
	wu_terms t = {0};
	int r = wu_story_terms(g_text, strlen(g_text), "Site", g_boiler, &ws, &t);
	*d = terms_digest(fnv(0xcbf29ce484222325ULL, &r, sizeof r), t.a, t.n);
	wu_scratch_free(&ws), wu_terms_free(&t);
	return r != 0;
}

/* wu_json_record: out of memory while decoding an escaped member name, the
 * date or the source is said so, never taken for a field that is absent
 * ("no text field", an undated article, no source). */
static int job_json_record(uint64_t *d)
{
	/* The date's time and the source long, and before the text (whose
	 * decoding reserves the rest of the line), so that decoding each grows
	 * the buffer. */
	char line[8192], pad[2401];
	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	int len = snprintf(line, sizeof line,
	                   "{\"date\":\"2021-03-\\u0032\\u0030T%.1200s\",\"source\":\"S\\u0069te %s\","
	                   "\"i\\u0064\":\"x\\u0031\",\"t\\u0069tle\":\"T\\u00e9\","
	                   "\"\\u0074ext\":\"The caf\\u00e9 story.\"}",
	                   pad, pad);
	assert_true(len > 0 && (size_t)len < sizeof line);
	wu_fields f = {"id", "text", "title", "date", "source"};
	wu_str buf = {0};
	wu_record rec;
	char err[128] = "";
	int rc = wu_json_record(line, (size_t)len, &f, &buf, &rec, err, sizeof err);
	if (!rc)
		assert_int_equal(rec.date, wu_parse_date("2021-03-20", 10));
	if (rc)
		assert_string_equal(err, "out of memory");
	else
		*d = fnv(fnv(fnv(fnv(0xcbf29ce484222325ULL, rec.id, rec.id_len), rec.text, rec.text_len),
		             rec.source, strlen(rec.source)),
		         &rec.date, sizeof rec.date);
	wu_str_free(&buf);
	return rc != 0;
}

static int job_article_file(uint64_t *d)
{
	static const char f[] = " date 2021-03-20 USA\nThe caf&eacute; story.\n";
	wu_str buf = {0};
	wu_record rec;
	char err[128] = "";
	int rc = wu_article_file(f, sizeof f - 1, &buf, &rec, err, sizeof err);
	if (rc)
		assert_string_equal(err, "out of memory");
	*d = rc ? 0 : fnv((uint64_t)rec.date, rec.text, rec.text_len);
	wu_str_free(&buf);
	return rc != 0;
}

/* The one call: -1 with "out of memory" is its only sign of a failed
 * allocation; any other answer is the whole, right one. */
static int job_sketch_article(uint64_t *d)
{
	wu_opt o;
	char err[128] = "";
	uint32_t sig[1024];
	wu_article_sketch a;
	wu_record rec = {"1", 1, g_text, strlen(g_text), "Site", WU_NO_DATE};
	g_paused = 1;
	wu_opt_init(&o);
	o.verify = WU_VERIFY_EXACT; /* the shingle sort allocates too */
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	g_paused = 0;
	wu_sketcher *s = wu_sketcher_new();
	if (!s)
		return 1;
	int rc = wu_sketch_article(s, &rec, &o, g_boiler, WU_SKETCH_TERMS, sig, &a, err, sizeof err);
	if (rc) {
		assert_int_equal(rc, -1);
		assert_string_equal(err, "out of memory");
	} else {
		*d = fnv(fnv(0xcbf29ce484222325ULL, sig, (size_t)o.num_perm * sizeof *sig), a.shingles,
		         a.n_shingles * sizeof *a.shingles);
		*d = terms_digest(*d, a.terms->a, a.terms->n);
	}
	wu_sketcher_free(s);
	return rc != 0;
}

/* wu_corpus_add: a failure says so and adds nothing, so adding the same
 * article again (a caller that retries) leaves the corpus as if nothing
 * had failed: ids, shingles and profiles of the later articles intact. */
static int job_corpus_add(uint64_t *d)
{
	wu_opt o;
	char err[128] = "";
	g_paused = 1;
	wu_opt_init(&o);
	o.verify = WU_VERIFY_EXACT; /* the corpus keeps the shingles */
	o.stories = 1;              /* and the profiles */
	assert_int_equal(wu_opt_finish(&o, err, sizeof err), 0);
	wu_corpus *c = wu_corpus_new(&o);
	assert_non_null(c);
	g_paused = 0;
	static const char *const ids[] = {"\"a\"", "7", "\"\\u0062\"", "\"\\u0061\"", "\"c\""};
	uint32_t sig[1024] = {0};
	uint64_t sh[3] = {11, 12, 13}, h = 0xcbf29ce484222325ULL;
	wu_term prof[2] = {{5, 0.5f}, {9, 0.25f}};
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		wu_sketched a = {ids[i], strlen(ids[i]), 0, 10, 3, sig, sh, prof, 2};
		size_t idx = 99;
		int added = -1;
		err[0] = '\0';
		sh[0] = i, prof[0].key = 5 + i;
		if (wu_corpus_add(c, &a, &idx, &added, err, sizeof err)) {
			assert_string_equal(err, "out of memory");
			assert_int_equal(added, 0);
			g_paused = 1;
			assert_int_equal(wu_corpus_add(c, &a, &idx, &added, err, sizeof err), 0);
			g_paused = 0;
		}
		h = fnv(fnv(h, &idx, sizeof idx), &added, sizeof added);
	}
	g_paused = 1;
	for (size_t i = 0, n; i < wu_corpus_size(c); i++) {
		const char *id = wu_corpus_id(c, i, &n);
		h = fnv(h, id, n);
		const uint64_t *s = wu__corpus_shingles(c, i, &n);
		h = fnv(h, s, n * sizeof *s);
		const wu_term *t = wu__corpus_profile(c, i, &n);
		h = terms_digest(h, t, n);
	}
	wu_corpus_free(c);
	g_paused = 0;
	*d = h;
	return 0;
}

/* wu_boiler_size() before wu_boiler_finish() counts the distinct lines
 * from sorted keys: with no memory to sort in, the count is still right
 * (it has no way to say it failed). */
static int job_boiler_size(uint64_t *d)
{
	g_paused = 1;
	wu_boiler *b = wu_boiler_new();
	assert_non_null(b);
	uint64_t keys[60]; /* 20 distinct, unsorted, enough for the radix sort */
	for (size_t i = 0; i < 60; i++)
		keys[i] = (i % 20 + 1) * 0x9E3779B97F4A7C15ULL;
	assert_int_equal(wu_boiler_count(b, keys, 60), 0);
	g_paused = 0;
	*d = wu_boiler_size(b);
	assert_int_equal(*d, 20);
	g_paused = 1;
	wu_boiler_free(b);
	g_paused = 0;
	return 0;
}

static void setup_boiler(void)
{
	arm(-1);
	wu_str tmp = {0};
	g_boiler = wu_boiler_new();
	assert_non_null(g_boiler);
	assert_int_equal(wu_boiler_known(g_boiler, "Related Stories", 15, &tmp), 0);
	assert_int_equal(wu_boiler_finish(g_boiler, 2, 1), 0);
	wu_str_free(&tmp);
}

static void test_library_functions(void **state)
{
	(void)state;
	setup_boiler();
	sweep(job_normalize, "wu_normalize");
	sweep(job_normalize_lines, "wu__normalize_lines");
	sweep(job_filtered, "wu_normalize_filtered");
	sweep(job_line_keys, "wu_line_keys");
	sweep(job_boiler_has_line, "wu_boiler_has_line");
	sweep(job_shingle_word, "wu_shingle (words)");
	sweep(job_shingle_char, "wu_shingle (characters)");
	sweep(job_story_terms, "wu_story_terms");
	sweep(job_json_record, "wu_json_record");
	sweep(job_article_file, "wu_article_file");
	sweep(job_sketch_article, "wu_sketch_article");
	sweep(job_corpus_add, "wu_corpus_add");
	sweep(job_boiler_size, "wu_boiler_size");
	wu_boiler_free(g_boiler);
}

/* ---- the program's per-record work (record_work.c) ---- */

static app_run g_run;
static app_batch g_batch;
static wu_df *g_df;

static size_t profile_df(const void *df, int m, wu_terms *t)
{
	wu_story_profile(df, m, t);
	return t->n;
}

/* A batch of two records: a JSONL line and an article file. */
static void setup_run(void)
{
	arm(-1);
	char err[128];
	memset(&g_run, 0, sizeof g_run);
	wu_opt_init(&g_run.opt);
	g_run.opt.verify = WU_VERIFY_EXACT;
	g_run.opt.stories = 1;
	assert_int_equal(wu_opt_finish(&g_run.opt, err, sizeof err), 0);
	g_run.fields = (wu_fields){"id", "text", NULL, NULL, NULL};
	g_run.boiler = g_boiler;
	g_run.count_lines = 1;
	memset(&g_batch, 0, sizeof g_batch);
	static const char json[] = "{\"id\":1,\"text\":\"The caf\\u00e9 &amp; the <b>mayor</b> "
	                           "reopened it on Tuesday, officials said.\"}";
	static const char id[] = "\"a/b.txt\"", dir[] = "a";
	wu_str *ar = &g_batch.arena;
	assert_int_equal(wu__str_append(ar, json, sizeof json - 1), 0);
	size_t file_off = ar->n;
	assert_int_equal(wu__str_append(ar, " date 2021-03-20 USA\n", 21), 0);
	assert_int_equal(wu__str_append(ar, g_text, strlen(g_text)), 0);
	size_t file_len = ar->n - file_off, id_off = ar->n;
	assert_int_equal(wu__str_append(ar, id, sizeof id - 1), 0);
	size_t dir_off = ar->n;
	assert_int_equal(wu__str_append(ar, dir, sizeof dir), 0); /* with its NUL */
	g_batch.rec = calloc(2, sizeof *g_batch.rec);
	assert_non_null(g_batch.rec);
	g_batch.rec[0] = (app_raw){.off = 0, .len = sizeof json - 1, .line = 1};
	g_batch.rec[1] = (app_raw){.off = file_off, .len = file_len, .id_off = id_off,
	                          .id_len = sizeof id - 1, .dir_off = dir_off, .dir_len = 1,
	                          .is_file = 1};
	g_batch.n = g_batch.cap = 2;
	g_df = wu_df_new();
	assert_non_null(g_df);
}

static size_t g_rec; /* the record the work jobs run on */

static void free_workspace(app_workspace *ws)
{
	wu_str_free(&ws->buf), wu_str_free(&ws->line), wu_sketcher_free(ws->sk);
	wu_u64s_free(&ws->sh), wu_scratch_free(&ws->scratch), wu_terms_free(&ws->terms);
}

/* A result's verdict: 1 failed (out of memory), 0 good; a reject fails the
 * test, since the records are good. */
static int verdict(const app_result *res)
{
	if (res->failed) {
		assert_string_equal(res->reason, "out of memory");
		return 1;
	}
	if (res->reason[0])
		fail_msg("record %zu rejected: %s", g_rec, res->reason);
	return 0;
}

static int job_work_scan(uint64_t *d)
{
	app_workspace ws[1];
	memset(ws, 0, sizeof ws);
	app_result res;
	app_work_scan(&g_run, &g_batch, g_rec, 1, ws, &res);
	int oom = verdict(&res);
	if (!oom) {
		assert_non_null(res.keys);
		assert_true(res.n_keys > 0 && res.n_terms > 0);
		*d = terms_digest(fnv(0xcbf29ce484222325ULL, res.keys, res.n_keys * sizeof *res.keys),
		                  res.terms, res.n_terms);
	}
	app_results_clear(&res, 1);
	free_workspace(ws);
	return oom;
}

static int job_work_sketch(uint64_t *d)
{
	app_workspace ws[1];
	memset(ws, 0, sizeof ws);
	app_result res;
	uint32_t sig[1024];
	app_profiler prof = {profile_df, g_df};
	app_work_sketch(&g_run, &prof, &g_batch, g_rec, ws, &res, sig);
	int oom = verdict(&res);
	if (!oom) {
		assert_true(res.n_shingles > 0 && res.shingles);
		*d = terms_digest(fnv(fnv(0xcbf29ce484222325ULL, sig,
		                          (size_t)g_run.opt.num_perm * sizeof *sig),
		                      res.shingles, res.n_shingles * sizeof *res.shingles),
		                  res.terms, res.n_terms);
	}
	app_results_clear(&res, 1);
	free_workspace(ws);
	return oom;
}

/* The program's reader: out of memory is -1, the run's failure, never a
 * batch missing a record, a line cut short or a file left out (it was a
 * crash, or a short line read as the record). */
static char g_in_dir[64], g_in_jsonl[80];

static int job_input(uint64_t *d)
{
	char *paths[2] = {g_in_jsonl, g_in_dir};
	app_input *in = app_input_new(paths, NULL, 2, 1 << 16);
	if (!in)
		return 1;
	app_batch b = {0};
	size_t n;
	int rc;
	uint64_t h = 0xcbf29ce484222325ULL;
	while (!(rc = app_input_next(in, &b, 3, 1 << 20, &n)) && n)
		for (size_t i = 0; i < n; i++) {
			const app_raw *r = &b.rec[i];
			h = fnv(fnv(fnv(h, b.arena.s + r->off, r->len), b.arena.s + r->id_off, r->id_len),
			        &r->line, sizeof r->line);
			if (r->error)
				h = fnv(h, r->error, strlen(r->error));
		}
	if (rc)
		assert_int_equal(n, 0);
	app_batch_free(&b);
	app_input_free(in);
	*d = h;
	return rc != 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_input(void **state)
{
	(void)state;
	char p[128];
	snprintf(g_in_dir, sizeof g_in_dir, "/tmp/wiredup-oom-%ld", (long)getpid());
	assert_int_equal(mkdir(g_in_dir, 0755), 0);
	snprintf(g_in_jsonl, sizeof g_in_jsonl, "%s.jsonl", g_in_dir);
	write_file(g_in_jsonl, "{\"id\":1,\"text\":\"a line long enough to make the arena grow more "
	                       "than once: words words words words words words words\"}\n\n"
	                       "{\"id\":2,\"text\":\"short\"}\n{\"id\":3,\"text\":\"three\"}\n"
	                       "{\"id\":4,\"text\":\"four\"}\n");
	snprintf(p, sizeof p, "%s/sec", g_in_dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/sec/a \"q\".txt", g_in_dir);
	write_file(p, "date 2021-03-20 USA\nThe first article.\n");
	snprintf(p, sizeof p, "%s/sec/b.txt", g_in_dir);
	write_file(p, "The second article.\n");
	sweep(job_input, "app_input_next");
	snprintf(p, sizeof p, "%s/sec/a \"q\".txt", g_in_dir);
	remove(p);
	snprintf(p, sizeof p, "%s/sec/b.txt", g_in_dir);
	remove(p);
	snprintf(p, sizeof p, "%s/sec", g_in_dir);
	rmdir(p);
	rmdir(g_in_dir);
	remove(g_in_jsonl);
}

/* --boilerplate-file: running out of memory is said as such, not as a
 * file that cannot be read. */
static char g_known[64];

static int job_boiler_file(uint64_t *d)
{
	g_paused = 1;
	wu_boiler *b = wu_boiler_new();
	assert_non_null(b);
	char err[256] = "";
	g_paused = 0;
	int rc = app_boiler_file(g_known, b, err, sizeof err);
	g_paused = 1;
	if (rc)
		assert_non_null(strstr(err, "out of memory"));
	*d = rc ? 0 : wu_boiler_size(b);
	wu_boiler_free(b);
	g_paused = 0;
	return rc != 0;
}

static void test_record_work(void **state)
{
	(void)state;
	setup_boiler();
	setup_run();
	snprintf(g_known, sizeof g_known, "known-%ld.txt", (long)getpid());
	FILE *f = fopen(g_known, "w");
	assert_non_null(f);
	fputs("Related Stories\nMore &amp; more\n<b>Share</b> this\n", f);
	assert_int_equal(fclose(f), 0);
	sweep(job_boiler_file, "app_boiler_file");
	remove(g_known);
	for (g_rec = 0; g_rec < g_batch.n; g_rec++) {
		sweep(job_work_scan, g_rec ? "first pass, article file" : "first pass, JSONL");
		/* document frequencies for the profiles: the record twice */
		arm(-1);
		app_workspace ws[1];
		memset(ws, 0, sizeof ws);
		app_result res;
		app_work_scan(&g_run, &g_batch, g_rec, 1, ws, &res);
		wu_terms t = {res.terms, res.n_terms, res.n_terms};
		assert_int_equal(wu_df_add(g_df, &t), 0);
		assert_int_equal(wu_df_add(g_df, &t), 0);
		app_results_clear(&res, 1);
		free_workspace(ws);
	}
	for (g_rec = 0; g_rec < g_batch.n; g_rec++)
		sweep(job_work_sketch, g_rec ? "second pass, article file" : "second pass, JSONL");
	wu_df_free(g_df);
	app_batch_free(&g_batch);
	wu_boiler_free(g_boiler);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_functions),
		cmocka_unit_test(test_record_work),
		cmocka_unit_test(test_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
