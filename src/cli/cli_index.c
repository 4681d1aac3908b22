/* `wiredup index` and `wiredup dedup`: the feed index from the command
 * line. Files are read with the cluster reader (batches, sketched in
 * parallel, then handled one by one in input order); stdin is read a line
 * at a time with getline, so answers come out as articles come in (gzread
 * would wait for a full buffer). The command lines are cli_index_args.c's. */
#include "cli_args.h"
#include "cli_index.h"
#include "internal.h"
#include "outfile.h"
#include "signals.h"

#include <utf8proc.h>

#include <errno.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REASON 256
#define CHUNK_RECORDS 1024
#define CHUNK_BYTES (16u << 20)

/* ---- opening ---- */

static void index_error(const char *idx, const char *err)
{
	fprintf(stderr, "wiredup: %s: %s%s\n", idx, err,
	        strstr(err, "another process") ? " (--wait waits for it)"
	        : strstr(err, "map size limit") ? "; raise the limit with --map-size SIZE" : "");
}

/* Opens the index; NULL with *status set (1, or 2 for a parameter that
 * conflicts with it). Parameters given are checked on a read-only handle
 * first, so a conflict is refused at once, even while another writes. */
static wu_index *open_index(const app_args *a, int writable, int *status)
{
	char err[256];
	wu_index_opt io;
	wu_index_opt_init(&io);
	io.wait = a->wait;
	io.no_sync = a->no_sync;
	io.map_size = a->map_size;
	io.writable = writable && !a->params;
	wu_index *ix = wu_index_open(a->idx, &io, err, sizeof err);
	*status = 1;
	if (ix && a->params && wu_index_check(ix, &a->run.opt, a->params, err, sizeof err)) {
		fprintf(stderr, "wiredup: %s: --%s\n", a->idx, err);
		wu_index_close(ix);
		*status = 2;
		return NULL;
	}
	if (ix && writable && !io.writable) {
		wu_index_close(ix);
		io.writable = 1;
		ix = wu_index_open(a->idx, &io, err, sizeof err);
	}
	if (!ix)
		index_error(a->idx, err);
	else
		wu_index_set_today(ix, a->today);
	return ix;
}

/* ---- create, info, expire ---- */

static int cmd_create(const app_args *a)
{
	char err[256];
	wu_index_opt io;
	wu_index_opt_init(&io);
	io.map_size = a->map_size;
	wu_index *ix = wu_index_create(a->idx, &a->run.opt, &io, err, sizeof err);
	if (!ix) {
		index_error(a->idx, err);
		return 1;
	}
	const wu_opt *o = wu_index_params(ix);
	if (!a->quiet)
		fprintf(stderr, "wiredup: %s: created: %s %d-grams, %d permutations, %d bands x %d rows\n",
		        a->idx, o->shingle_kind ? "character" : "word", o->ngram, o->num_perm, o->bands,
		        o->rows);
	wu_index_close(ix);
	return 0;
}

/* YYYY-MM-DD of days since 1970-01-01 (H. Hinnant's civil_from_days). */
static void format_date(int32_t days, char out[32])
{
	long z = (long)days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 32, "%04d-%02d-%02d", (int)(yoe + era * 400 + (m <= 2)), (int)m, (int)d);
}

static void print_info_json(const wu_index_stats *s, const char *first, const char *last)
{
	const wu_opt *o = &s->opt;
	printf("{\"articles\":%llu,\"undated\":%llu,", (unsigned long long)s->n_articles,
	       (unsigned long long)s->n_undated);
	printf(*first ? "\"first_date\":\"%s\"," : "\"first_date\":null,%s", first);
	printf(*last ? "\"last_date\":\"%s\"," : "\"last_date\":null,%s", last);
	printf("\"bytes\":%llu,\"bytes_per_article\":%.1f,\"used_bytes\":%llu,\"segments\":%llu,"
	       "\"map_size\":%llu,\"map_limit\":%llu,\"format\":%d,"
	       "\"normalize_version\":%d,\"shingle\":\"%s\",\"ngram\":%d,\"num_perm\":%d,"
	       "\"seed\":%llu,\"measure\":\"%s\",\"threshold\":%.15g,\"min_length_ratio\":%.15g,"
	       "\"bands\":%d,\"rows\":%d}\n",
	       (unsigned long long)s->file_bytes,
	       s->n_articles ? (double)s->file_bytes / (double)s->n_articles : 0.0,
	       (unsigned long long)s->used_bytes, (unsigned long long)s->n_segments,
	       (unsigned long long)s->map_size, (unsigned long long)s->map_limit, s->format,
	       s->normalize_version,
	       o->shingle_kind ? "char" : "word", o->ngram, o->num_perm, (unsigned long long)o->seed,
	       o->measure ? "jaccard" : "containment", o->threshold, o->min_length_ratio, o->bands,
	       o->rows);
}

static void print_info_text(const char *idx, const wu_index_stats *s, const char *first,
                            const char *last)
{
	const wu_opt *o = &s->opt;
	printf("index       %s\n", idx);
	printf("articles    %llu (%llu undated)\n", (unsigned long long)s->n_articles,
	       (unsigned long long)s->n_undated);
	if (*first)
		printf("dates       %s to %s\n", first, last);
	else
		printf("dates       none\n");
	double n = s->n_articles ? (double)s->n_articles : 1.0;
	printf("size        %llu bytes on disk (%.1f an article), %llu in use (%.1f an article)\n",
	       (unsigned long long)s->file_bytes, (double)s->file_bytes / n,
	       (unsigned long long)s->used_bytes, (double)s->used_bytes / n);
	printf("map size    %llu bytes, growing up to %llu; %llu band segments\n",
	       (unsigned long long)s->map_size, (unsigned long long)s->map_limit,
	       (unsigned long long)s->n_segments);
	printf("format      %d (text normalization %d)\n", s->format, s->normalize_version);
	printf("shingles    %s %d-grams\n", o->shingle_kind ? "character" : "word", o->ngram);
	printf("signature   %d permutations, seed %llu\n", o->num_perm, (unsigned long long)o->seed);
	printf("measure     %s >= %g", o->measure ? "jaccard" : "containment", o->threshold);
	if (o->measure == WU_MEASURE_CONTAINMENT)
		printf(", min length ratio %g", o->min_length_ratio);
	printf("\nlsh         %d bands x %d rows\n", o->bands, o->rows);
}

static int cmd_info(const app_args *a)
{
	char err[256], first[32] = "", last[32] = "";
	wu_index_stats s;
	int status;
	wu_index *ix = open_index(a, 0, &status);
	if (!ix)
		return status;
	int rc = wu_index_stat(ix, &s, err, sizeof err);
	wu_index_close(ix);
	if (rc) {
		index_error(a->idx, err);
		return 1;
	}
	if (s.first_date != WU_NO_DATE)
		format_date(s.first_date, first);
	if (s.last_date != WU_NO_DATE)
		format_date(s.last_date, last);
	if (a->json)
		print_info_json(&s, first, last);
	else
		print_info_text(a->idx, &s, first, last);
	return fflush(stdout) ? 1 : 0;
}

/* Expires in batches, each its own commit, so a big expiry neither holds
 * every page it frees in one transaction nor loses all its work if killed. */
static int expire_all(const app_args *a, wu_index *ix, int32_t before, size_t *total)
{
	char err[256];
	size_t n;
	*total = 0;
	do {
		if (wu_index_expire(ix, before, (size_t)a->batch, &n, err, sizeof err) ||
		    wu_index_commit(ix, err, sizeof err)) {
			index_error(a->idx, err);
			return 1;
		}
		*total += n;
	} while (n == (size_t)a->batch && !app_stop_signal());
	return 0;
}

static int cmd_expire(const app_args *a)
{
	char err[256], date[32];
	wu_index_stats s;
	size_t n = 0;
	int status;
	wu_index *ix = open_index(a, 1, &status);
	if (!ix)
		return status;
	status = wu_index_stat(ix, &s, err, sizeof err);
	/* From the newest date, or today if that is earlier: an article dated
	 * ahead of the clock does not expire the rest. */
	int32_t end = s.last_date != WU_NO_DATE && s.last_date > a->today ? a->today : s.last_date;
	if (status)
		index_error(a->idx, err);
	else if (end != WU_NO_DATE)
		status = expire_all(a, ix, end - (int32_t)a->older_than, &n);
	if (!status && !a->quiet && end != WU_NO_DATE) {
		format_date(end - (int32_t)a->older_than, date);
		fprintf(stderr, "wiredup: %s: expired %zu articles dated before %s; %llu left\n", a->idx,
		        n, date, (unsigned long long)(s.n_articles - n));
	} else if (!status && !a->quiet) {
		fprintf(stderr, "wiredup: %s: no dated article; nothing expired\n", a->idx);
	}
	wu_index_close(ix);
	return status ? 1 : app_stop_signal() ? 128 + (int)app_stop_signal() : 0;
}

/* ---- feeding articles: add and dedup ---- */

typedef struct {
	wu_str buf;
	wu_sketcher *sk; /* made on first use */
} workspace; /* one a thread */

/* One article, parsed and sketched (or the reason it was not). */
typedef struct {
	const char *id;
	size_t id_len;
	int32_t date;
	char *source; /* a copy: the parser's buffer is per thread */
	size_t source_len;
	uint32_t n_shingles;
	char reason[REASON]; /* "" when good */
} sketched;

typedef struct {
	const app_args *a;
	wu_index *ix;
	const wu_opt *opt; /* the index's parameters */
	app_outfile rejects;
	wu_index_match m;
	wu_str tmp;        /* scratch for a rejected record's id */
	int dedup, failed; /* failed: stop, the message is printed */
	int out_failed;    /* writing the answers failed */
	size_t n_read, n_added, n_present, n_new, n_dup, n_rejected;
	size_t n_batch;    /* articles added since the last commit (not in n_added yet) */
	size_t n_dropped;  /* articles added in batches dropped on a failure */
} feed;

/* A date after this one is refused: the clock's date (or --now) plus
 * --max-future-days (see the README: one article dated years ahead would
 * otherwise end the window there). */
static int32_t latest_date(const app_args *a)
{
	return a->today + (int32_t)a->max_future;
}

static void sketch_record(const app_args *a, const wu_opt *o, const wu_record *rec, workspace *w,
                          sketched *s, uint32_t *sig)
{
	char day[32], now[32];
	if (rec->id_len > 65535) {
		wu__fail(s->reason, REASON, "id longer than 65535 bytes");
		return;
	}
	if (rec->date != WU_NO_DATE && rec->date > latest_date(a)) {
		format_date(rec->date, day);
		format_date(a->today, now);
		wu__fail(s->reason, REASON, "date %s is more than %ld days after today (%s; see "
		        "--max-future-days, --now)", day, a->max_future, now);
		return;
	}
	wu_article_sketch as;
	if ((!w->sk && !(w->sk = wu_sketcher_new())) ||
	    wu_sketch_article(w->sk, rec, o, NULL, 0, sig, &as, NULL, 0)) {
		wu__fail(s->reason, REASON, "out of memory");
		return;
	}
	if (as.n_shingles == 0) {
		wu__fail(s->reason, REASON, "text has no letters or digits");
		return;
	}
	s->source_len = strlen(rec->source);
	s->source = s->source_len ? strdup(rec->source) : NULL;
	if (s->source_len && !s->source) {
		wu__fail(s->reason, REASON, "out of memory");
		return;
	}
	s->id = rec->id;
	s->id_len = rec->id_len;
	s->date = rec->date;
	s->n_shingles = (uint32_t)as.n_shingles;
}

/* Parses and sketches record i of a batch from the cluster reader. */
static void sketch_raw(const feed *f, const app_batch *b, size_t i, workspace *w, sketched *s,
                       uint32_t *sig)
{
	const app_raw *r = &b->rec[i];
	const char *data = b->arena.s + r->off;
	wu_record rec = {0};
	memset(s, 0, sizeof *s);
	if (r->error) {
		wu__fail(s->reason, REASON, "%s", r->error);
		return;
	}
	if (r->oversize) {
		wu__fail(s->reason, REASON, "record larger than --max-article-bytes (%zu bytes)",
		        f->a->run.max_bytes);
		return;
	}
	int rc = r->is_file ? wu_article_file(data, r->len, &w->buf, &rec, s->reason, REASON)
	                    : wu_json_record(data, r->len, &f->a->run.fields, &w->buf, &rec, s->reason,
	                                     REASON);
	if (rc)
		return;
	if (r->is_file) { /* as cluster: the id is the path, the source its folder */
		rec.id = b->arena.s + r->id_off;
		rec.id_len = r->id_len;
		rec.source = b->arena.s + r->dir_off;
	}
	sketch_record(f->a, f->opt, &rec, w, s, sig);
}

/* Writes s as a JSON string: quotes, escapes, and U+FFFD for bytes that
 * are not UTF-8 (a file name can hold any byte), so the answer stays JSON. */
static void put_json_text(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	putchar('"');
	while (*p) {
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0) {
			fputs("\\ufffd", stdout);
			p++;
		} else if (cp == '"' || cp == '\\') {
			printf("\\%c", (char)cp);
			p += n;
		} else if (cp < 0x20 || cp == 0x7f) {
			printf("\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fwrite(p, 1, (size_t)n, stdout);
			p += n;
		}
	}
	putchar('"');
}

/* The id of a rejected JSONL record (its JSON text, *n bytes) where one
 * can be read: a string or a number in a valid JSON object; else NULL. */
static const char *rejected_id(feed *f, const char *line, size_t len, size_t *n)
{
	const char *names[1] = {f->a->run.fields.id}, *val = NULL;
	char why[REASON];
	if (wu_json_get(line, len, names, 1, &f->tmp, &val, n, why, sizeof why) || !val || !*n ||
	    *n > 65535)
		return NULL;
	return val[0] == '"' || val[0] == '-' || (val[0] >= '0' && val[0] <= '9') ? val : NULL;
}

/* The answer for a rejected record: its id, or its file and line. */
static void answer_rejected(const char *id, size_t id_len, const char *name, uint64_t line,
                            const char *reason)
{
	if (id) {
		printf("{\"id\":%.*s,", (int)id_len, id);
	} else {
		fputs("{\"id\":null,\"file\":", stdout);
		put_json_text(name);
		printf(",\"line\":%llu,", (unsigned long long)line);
	}
	fputs("\"status\":\"rejected\",\"error\":", stdout);
	put_json_text(reason);
	fputs("}\n", stdout);
}

/* Reports a bad record (dedup: answers it too); 0 to go on (skip mode),
 * -1 to stop. raw is what to write to the rejects file, and (JSONL) where
 * its id is looked for; id (article files: id_len bytes) is the id; in, when not NULL,
 * holds the rest of an oversize line. */
static int reject(feed *f, const char *name, uint64_t line, const char *raw, size_t len,
                  const char *id, size_t id_len, app_input *in, int oversize, const char *reason)
{
	if (line)
		fprintf(stderr, "wiredup: %s:%llu: %s\n", name, (unsigned long long)line, reason);
	else
		fprintf(stderr, "wiredup: %s: %s\n", name, reason);
	f->n_rejected++;
	if (f->dedup) {
		size_t n = id_len;
		const char *rid = id ? id : oversize ? NULL : rejected_id(f, raw, len, &n);
		answer_rejected(rid, n, name, line, reason);
	}
	if (!f->a->run.skip_errors) {
		f->failed = 1;
		return -1;
	}
	FILE *rj = f->rejects.f;
	if (rj && raw) {
		fwrite(raw, 1, len, rj);
		if (oversize && in)
			app_input_drain(in, rj);
		fputc('\n', rj);
	}
	return 0;
}

static int fail(feed *f, const char *err)
{
	index_error(f->a->idx, err);
	f->failed = 1;
	return -1;
}

/* The open batch is gone (a failed add or commit drops it). */
static void batch_lost(feed *f)
{
	f->n_dropped += f->n_batch;
	f->n_batch = 0;
}

/* Pushes the answers out; a failed write stops the run and drops the
 * batch not yet committed, so that the index holds no article whose
 * answer was lost. 0 or -1. */
static int flush_answers(feed *f)
{
	if (!f->dedup || (fflush(stdout) == 0 && !ferror(stdout)))
		return 0;
	int e = errno;
	wu_index_abort(f->ix);
	fprintf(stderr, "wiredup: writing the answers: %s; stopped: the index holds the %zu "
	        "articles committed before, and not the %zu added since\n",
	        strerror(e ? e : EIO), f->n_added, f->n_batch);
	batch_lost(f);
	f->failed = f->out_failed = 1;
	return -1;
}

/* Commits the batch, its answers out first. 0 or -1 (message printed). */
static int commit_batch(feed *f)
{
	char err[256];
	if (flush_answers(f))
		return -1;
	if (wu_index_commit(f->ix, err, sizeof err)) {
		batch_lost(f);
		return fail(f, err);
	}
	f->n_added += f->n_batch;
	f->n_batch = 0;
	return 0;
}

static void answer(const sketched *s, const wu_index_match *m)
{
	if (m->found)
		printf("{\"id\":%.*s,\"status\":\"duplicate\",\"of\":%s,\"similarity\":%.4f}\n",
		       (int)s->id_len, s->id, m->id.s, m->similarity);
	else
		printf("{\"id\":%.*s,\"status\":\"new\",\"of\":null,\"similarity\":0}\n",
		       (int)s->id_len, s->id);
}

/* One good article, in input order: answer (dedup), add, commit when the
 * batch is full. 0 or -1 (message printed). */
static int handle(feed *f, const sketched *s, const uint32_t *sig)
{
	char err[256];
	wu_index_article art = {s->id, s->id_len, s->date, s->source, s->source_len, s->n_shingles,
	                        sig};
	if (f->dedup) {
		if (wu_index_query(f->ix, &art, &f->m, err, sizeof err))
			return fail(f, err);
		answer(s, &f->m);
		if (f->m.found)
			f->n_dup++;
		else
			f->n_new++;
		if (f->a->no_add)
			return 0;
	}
	int added;
	if (wu_index_add(f->ix, &art, &added, err, sizeof err)) {
		batch_lost(f);
		return fail(f, err);
	}
	if (added)
		f->n_batch++;
	else
		f->n_present++;
	if (wu_index_pending(f->ix) >= (size_t)f->a->batch)
		return commit_batch(f);
	return 0;
}

/* The next chunk of input in b: 1 with its n records, 0 at the end or
 * out of memory (f then failed). */
static int next_chunk(feed *f, app_input *in, app_batch *b, size_t *n)
{
	if (app_input_next(in, b, CHUNK_RECORDS, CHUNK_BYTES, n))
		return fail(f, "out of memory"), 0;
	return *n > 0;
}

static workspace *workspaces(int n)
{
	return calloc((size_t)n, sizeof(workspace));
}

static void workspaces_free(workspace *ws, int n)
{
	for (int i = 0; ws && i < n; i++) {
		wu_str_free(&ws[i].buf), wu_sketcher_free(ws[i].sk);
	}
	free(ws);
}

/* Handles a sketched chunk in input order; stops at the first failure. */
static void handle_chunk(feed *f, app_input *in, const app_batch *b, sketched *res,
                         const uint32_t *sigs)
{
	size_t k = (size_t)f->opt->num_perm;
	for (size_t i = 0; i < b->n && !f->failed && !app_stop_signal(); i++) {
		const app_raw *r = &b->rec[i];
		const char *id = r->is_file ? b->arena.s + r->id_off : NULL;
		f->n_read++;
		if (res[i].reason[0])
			reject(f, app_input_file_name(in, r->file), r->line,
			       r->is_file ? id : b->arena.s + r->off, r->is_file ? r->id_len : r->len,
			       id, r->id_len, in, r->oversize, res[i].reason);
		else
			handle(f, &res[i], sigs + i * k);
	}
	for (size_t i = 0; i < b->n; i++)
		free(res[i].source);
}

/* A file (JSONL, gzip or not, or a directory of article files): read in
 * chunks, sketched in parallel, handled in order. */
static void feed_file(feed *f, char *path)
{
	int nt = f->a->run.n_threads;
	size_t k = (size_t)f->opt->num_perm;
	app_input *in = app_input_new(&path, NULL, 1, f->a->run.max_bytes);
	app_batch b = {0};
	sketched *res = calloc(CHUNK_RECORDS, sizeof *res);
	uint32_t *sigs = malloc(CHUNK_RECORDS * k * sizeof *sigs);
	workspace *ws = workspaces(nt);
	if (!in || !res || !sigs || !ws)
		fail(f, "out of memory");
	size_t n;
	while (!f->failed && !app_stop_signal() && next_chunk(f, in, &b, &n)) {
		long long nn = (long long)n;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 8)
		for (long long i = 0; i < nn; i++)
			sketch_raw(f, &b, (size_t)i, &ws[omp_get_thread_num()], &res[i], sigs + (size_t)i * k);
		handle_chunk(f, in, &b, res, sigs);
		if (!f->failed)
			flush_answers(f);
	}
	workspaces_free(ws, nt);
	free(res), free(sigs);
	app_batch_free(&b);
	app_input_free(in);
}

/* Is no more input waiting? Then the pending batch is committed now rather
 * than when it fills, so a slow feed is durable as it goes. (Lines still in
 * stdio's buffer are not seen here: at worst a commit comes early.) */
static int input_idle(void)
{
	struct pollfd p = {0, POLLIN, 0};
	return poll(&p, 1, 0) == 0;
}

static void feed_line(feed *f, const char *line, size_t len, uint64_t lineno, workspace *w,
                      uint32_t *sig)
{
	sketched s;
	wu_record rec = {0};
	memset(&s, 0, sizeof s);
	f->n_read++;
	if (len > f->a->run.max_bytes)
		wu__fail(s.reason, REASON, "record larger than --max-article-bytes (%zu bytes)",
		        f->a->run.max_bytes);
	else if (wu_json_record(line, len, &f->a->run.fields, &w->buf, &rec, s.reason, REASON) == 0)
		sketch_record(f->a, f->opt, &rec, w, &s, sig);
	if (s.reason[0])
		reject(f, "-", lineno, line, len, NULL, 0, NULL, 0, s.reason);
	else
		handle(f, &s, sig);
	free(s.source);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Stdin, a line at a time: each answer is out (and flushed) before the
 * next line is read. */
static void feed_stdin(feed *f)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	ssize_t n;
	workspace w = {0};
	uint32_t *sig = malloc((size_t)f->opt->num_perm * sizeof *sig);
	if (!sig)
		fail(f, "out of memory");
	while (!f->failed && !app_stop_signal() && (n = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)n - (n > 0 && line[n - 1] == '\n');
		lineno++;
		if (blank(line, len))
			continue;
		feed_line(f, line, len, lineno, &w, sig);
		if (!f->failed && !flush_answers(f) && wu_index_pending(f->ix) && input_idle())
			commit_batch(f);
	}
	if (!f->failed && !app_stop_signal() && ferror(stdin)) {
		fprintf(stderr, "wiredup: -:%llu: read error: %s\n", (unsigned long long)lineno + 1,
		        strerror(errno));
		f->failed = 1;
	}
	free(line), free(sig);
	wu_str_free(&w.buf), wu_sketcher_free(w.sk);
}

static void summary(const feed *f)
{
	const char *idx = f->a->idx;
	char dropped[96] = "";
	if (f->n_dropped)
		snprintf(dropped, sizeof dropped, "; %zu not kept (their batch was dropped)",
		         f->n_dropped);
	if (f->dedup)
		fprintf(stderr, "wiredup: %s: %zu articles: %zu new, %zu duplicates; %zu added, "
		        "%zu rejected%s\n", idx, f->n_read, f->n_new, f->n_dup, f->n_added,
		        f->n_rejected, dropped);
	else
		fprintf(stderr, "wiredup: %s: %zu articles: %zu added, %zu already in the index, "
		        "%zu rejected%s\n", idx, f->n_read, f->n_added, f->n_present, f->n_rejected,
		        dropped);
}

/* Opens --rejects (never over an input, never replacing a device or a
 * link: outfile.h). 0, or an exit status. */
static int open_rejects(feed *f)
{
	char err[512], *std_in = "-";
	const app_args *a = f->a;
	if (!a->rejects)
		return 0;
	if (app_outfile_open(&f->rejects, a->rejects, a->n_files ? a->files : &std_in,
	                    a->n_files ? a->n_files : 1, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "wiredup: %s\n", err);
	int refused = f->rejects.refused;
	app_outfile_abort(&f->rejects);
	return refused ? 2 : 1;
}

/* Runs the inputs through the index, then commits what is pending (also
 * after a bad record or a signal: the index then holds every article
 * before it; not after a failed write of the answers). An exit status. */
static int run_feed(feed *f)
{
	char err[512];
	const app_args *a = f->a;
	int status = open_rejects(f);
	if (status)
		return status;
	int n_files = a->n_files ? a->n_files : 1;
	for (int i = 0; i < n_files && !f->failed && !app_stop_signal(); i++) {
		char *file = a->n_files ? a->files[i] : "-";
		if (!strcmp(file, "-"))
			feed_stdin(f);
		else
			feed_file(f, file);
	}
	if (!f->out_failed && !a->no_add)
		commit_batch(f);
	else if (!f->out_failed)
		flush_answers(f);
	if (f->rejects.f && app_outfile_commit(&f->rejects, err, sizeof err)) {
		fprintf(stderr, "wiredup: %s\n", err);
		f->failed = 1;
	}
	app_outfile_abort(&f->rejects);
	if (!a->quiet)
		summary(f);
	if (app_stop_signal())
		fprintf(stderr, "wiredup: %s after %zu articles; the index holds what was added\n",
		        app_stop_signal() == SIGINT ? "interrupted" : "terminated", f->n_read);
	return app_stop_signal() ? 128 + (int)app_stop_signal() : f->failed ? 1 : 0;
}

static int cmd_feed(const app_args *a)
{
	int status;
	feed f;
	memset(&f, 0, sizeof f);
	f.a = a;
	f.dedup = a->cmd == CLI_DEDUP;
	f.ix = open_index(a, !a->no_add, &status);
	if (!f.ix)
		return status;
	f.opt = wu_index_params(f.ix);
	wu_index_set_window(f.ix, a->window);
	status = run_feed(&f);
	wu_str_free(&f.m.id);
	wu_str_free(&f.tmp);
	wu_index_close(f.ix);
	return status;
}

/* ---- entry points ---- */

static int run(const app_args *a)
{
	switch (a->cmd) {
	case CLI_CREATE: return cmd_create(a);
	case CLI_INFO: return cmd_info(a);
	case CLI_EXPIRE: return cmd_expire(a);
	default: return cmd_feed(a);
	}
}

int cli_index(int argc, char **argv)
{
	app_args a;
	int rc = cli_index_args(argc, argv, &a);
	return rc < 0 ? 0 : rc ? rc : run(&a);
}

int cli_dedup(int argc, char **argv)
{
	app_args a;
	int rc = cli_dedup_args(argc, argv, &a);
	return rc < 0 ? 0 : rc ? rc : run(&a);
}
