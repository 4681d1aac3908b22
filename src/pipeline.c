/* The reading half of `wiredup cluster`: batches of raw records are
 * parsed, normalized, shingled and sketched in parallel (each record is
 * independent), then committed to the corpus in input order by one thread,
 * which is where rejects are reported, so messages and the rejects file
 * come out in input order whatever the thread count. */
#include "input.h"
#include "internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_RECORDS 4096
#define BATCH_BYTES (32u << 20)
#define REASON 256

typedef struct {
	wu_str buf, norm, line;
	wu_u64s sh;
	wu_scratch scratch;
	wu_terms terms;
} workspace;

typedef struct {
	const char *id;
	size_t id_len;
	uint64_t *keys; /* first pass: the record's line keys */
	size_t n_keys;
	wu_term *terms; /* first pass: story terms; second: the profile */
	size_t n_terms;
	int32_t date;
	uint32_t text_len, n_shingles;
	size_t n_invalid;
	uint64_t *shingles; /* exact verification only */
	char reason[REASON]; /* "" when the record is good */
} result;

typedef struct {
	uint32_t file;
	uint64_t line;
} where;

static int copy_terms(const wu_terms *t, result *res)
{
	res->terms = malloc((t->n ? t->n : 1) * sizeof *res->terms);
	if (!res->terms)
		return -1;
	if (t->n)
		memcpy(res->terms, t->a, t->n * sizeof *res->terms);
	res->n_terms = t->n;
	return 0;
}

static int sketch_record(const wu_run *run, const wu_record *rec, workspace *w, result *res,
                         uint32_t *sig)
{
	size_t inv = 0;
	wu_normalize_filtered(rec->text, rec->text_len, rec->source, run->boiler, &w->norm,
	                      &w->line, &inv, NULL);
	res->n_invalid = inv;
	if (w->norm.n == 0)
		return wu_fail(res->reason, REASON, "text has no letters or digits");
	wu_shingle(w->norm.s, w->norm.n, &run->opt, &w->sh);
	if (w->sh.n == 0)
		return wu_fail(res->reason, REASON, "out of memory");
	wu_sketch(w->sh.a, w->sh.n, &run->opt, sig);
	res->n_shingles = (uint32_t)w->sh.n;
	res->text_len = rec->text_len > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->text_len;
	res->date = rec->date;
	if (run->df) {
		wu_story_terms(rec->text, rec->text_len, rec->source, run->boiler, &w->scratch, &w->terms);
		wu_story_profile(run->df, run->opt.story_terms, &w->terms);
		if (copy_terms(&w->terms, res))
			return wu_fail(res->reason, REASON, "out of memory");
	}
	if (run->opt.verify == WU_VERIFY_EXACT) {
		res->shingles = malloc(w->sh.n * sizeof *res->shingles);
		if (!res->shingles)
			return wu_fail(res->reason, REASON, "out of memory");
		memcpy(res->shingles, w->sh.a, w->sh.n * sizeof *res->shingles);
	}
	return 0;
}

/* Parses record i of the batch; 0, or -1 with res->reason set. */
static int parse(const wu_run *run, const wu_batch *b, size_t i, workspace *w, wu_record *rec,
                 result *res)
{
	const wu_raw *r = &b->rec[i];
	const char *data = b->arena.s + r->off;
	memset(res, 0, sizeof *res);
	if (r->error)
		return wu_fail(res->reason, REASON, "%s", r->error);
	if (r->oversize)
		return wu_fail(res->reason, REASON, "record larger than --max-article-bytes (%zu bytes)",
		               run->max_bytes);
	int rc = r->is_file ? wu_article_file(data, r->len, &w->buf, rec, res->reason, REASON)
	                    : wu_json_record(data, r->len, &run->fields, &w->buf, rec, res->reason,
	                                     REASON);
	if (rc)
		return -1;
	if (r->is_file) {
		/* An article file's outlet is its folder: the section on its
		 * date line is a desk, not a site. */
		rec->id = b->arena.s + r->id_off;
		rec->id_len = r->id_len;
		rec->source = b->arena.s + r->dir_off;
	}
	res->id = rec->id;
	res->id_len = rec->id_len;
	return 0;
}

static void process(const wu_run *run, const wu_batch *b, size_t i, workspace *w, result *res,
                    uint32_t *sig)
{
	wu_record rec = {0};
	if (parse(run, b, i, w, &rec, res) == 0)
		sketch_record(run, &rec, w, res, sig);
}

static void scan(const wu_run *run, const wu_batch *b, size_t i, workspace *w, result *res)
{
	wu_record rec = {0};
	if (parse(run, b, i, w, &rec, res))
		return;
	if (run->count_lines) {
		wu_line_keys(rec.text, rec.text_len, rec.source, &w->line, &w->sh);
		res->keys = malloc((w->sh.n ? w->sh.n : 1) * sizeof *res->keys);
		if (res->keys && w->sh.n)
			memcpy(res->keys, w->sh.a, w->sh.n * sizeof *res->keys);
		res->n_keys = res->keys ? w->sh.n : 0;
	}
	if (run->df) {
		/* Boilerplate is not known yet: its terms count here, which
		 * only lowers their weight; pass two leaves them out anyway. */
		wu_story_terms(rec.text, rec.text_len, rec.source, NULL, &w->scratch, &w->terms);
		copy_terms(&w->terms, res);
	}
}

/* Reports a rejected record; -1 when the run must stop. */
static int reject(wu_run *run, wu_input *in, const wu_batch *b, size_t i, const char *reason)
{
	const wu_raw *r = &b->rec[i];
	const char *name = wu_input_file_name(in, r->file);
	if (r->line)
		fprintf(stderr, "wiredup: %s:%llu: %s\n", name, (unsigned long long)r->line, reason);
	else
		fprintf(stderr, "wiredup: %s: %s\n", name, reason);
	run->n_rejected++;
	if (!run->skip_errors)
		return -1;
	if (run->rejects && !r->error) {
		if (r->is_file) {
			fprintf(run->rejects, "%.*s\n", (int)r->id_len, b->arena.s + r->id_off);
		} else {
			fwrite(b->arena.s + r->off, 1, r->len, run->rejects);
			if (r->oversize)
				wu_input_drain(in, run->rejects);
			fputc('\n', run->rejects);
		}
	}
	return 0;
}

static int grow_where(where **w, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 4096;
	where *p = realloc(*w, nc * sizeof *p);
	if (!p)
		return -1;
	*w = p, *cap = nc;
	return 0;
}

/* Adds a batch's good records to the corpus in order; -1 to stop. */
static int commit(wu_run *run, wu_input *in, const wu_batch *b, result *res, const uint32_t *sigs,
                  wu_corpus *c, where **loc, size_t *loc_cap)
{
	int k = run->opt.num_perm;
	for (size_t i = 0; i < b->n; i++) {
		result *x = &res[i];
		int stop = 0;
		run->n_read++;
		if (x->reason[0]) {
			stop = reject(run, in, b, i, x->reason);
		} else {
			wu_sketched a = {x->id, x->id_len, x->date, x->text_len, x->n_shingles,
			                 sigs + i * (size_t)k, x->shingles, x->terms,
			                 (uint32_t)x->n_terms};
			int64_t first, idx = wu_corpus_add(c, &a, &first);
			if (idx < 0 && first >= 0) {
				char why[REASON];
				const where *f = &(*loc)[first];
				snprintf(why, sizeof why, "duplicate id %.*s (first at %s:%llu)",
				         (int)(x->id_len > 80 ? 80 : x->id_len), x->id,
				         wu_input_file_name(in, f->file), (unsigned long long)f->line);
				stop = reject(run, in, b, i, why);
			} else if (idx < 0 || grow_where(loc, loc_cap, (size_t)idx + 1)) {
				fprintf(stderr, "wiredup: out of memory\n");
				stop = -1;
			} else {
				(*loc)[idx] = (where){b->rec[i].file, b->rec[i].line};
				run->n_invalid_utf8 += x->n_invalid;
			}
		}
		if (stop)
			return -1;
	}
	return 0;
}

/* A signal asked us to stop: checked per record, so a batch ends fast. */
static int stopping(const wu_run *run)
{
	return run->stop && *run->stop;
}

static workspace *workspaces(int n)
{
	return calloc((size_t)n, sizeof(workspace));
}

static void workspaces_free(workspace *ws, int n)
{
	for (int t = 0; ws && t < n; t++) {
		wu_str_free(&ws[t].buf), wu_str_free(&ws[t].norm), wu_str_free(&ws[t].line);
		wu_u64s_free(&ws[t].sh);
		wu_scratch_free(&ws[t].scratch);
		wu_terms_free(&ws[t].terms);
	}
	free(ws);
}

/* What a pass does: per record (in parallel), then per batch (in order). */
typedef struct pass {
	void (*record)(const wu_run *run, const wu_batch *b, size_t i, workspace *w, result *res,
	               uint32_t *sig);
	int (*batch)(struct pass *p, wu_run *run, wu_input *in, const wu_batch *b, result *res,
	             const uint32_t *sigs);
	wu_corpus *corpus; /* the sketch pass */
	where *loc;
	size_t loc_cap;
} pass;

static void free_results(result *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(res[i].keys), free(res[i].shingles), free(res[i].terms);
		res[i].keys = NULL, res[i].shingles = NULL, res[i].terms = NULL;
	}
}

static size_t read_batch(wu_run *run, wu_input *in, wu_batch *b)
{
	double t0 = omp_get_wtime();
	size_t n = wu_input_next(in, b, BATCH_RECORDS, BATCH_BYTES);
	run->t_read += omp_get_wtime() - t0;
	return n;
}

/* Reads batches and runs a pass over them; 0, -1 or WU_STOPPED. One
 * thread reads the next batch while the others start on this one, so
 * reading is off the serial path. Not past an oversize record ending the
 * batch: its commit may still copy the rest of it from the input. */
static int each_batch(wu_run *run, wu_input *in, pass *p, int k)
{
	int nt = run->n_threads, rc = 0, cur = 0;
	wu_batch bat[2] = {{0}};
	result *res = calloc(BATCH_RECORDS, sizeof *res);
	uint32_t *sigs = malloc(BATCH_RECORDS * (size_t)(k ? k : 1) * sizeof *sigs);
	workspace *ws = workspaces(nt);
	size_t n = !res || !sigs || !ws ? (rc = -1, 0) : read_batch(run, in, &bat[cur]);
	while (rc == 0 && n > 0) {
		wu_batch *b = &bat[cur], *next = &bat[!cur];
		int ahead = !b->rec[n - 1].oversize;
		size_t n_next = 0;
		double t1 = omp_get_wtime();
		long long nn = (long long)n;
#pragma omp parallel num_threads(nt)
		{
#pragma omp single nowait
			if (ahead)
				n_next = read_batch(run, in, next);
#pragma omp for schedule(dynamic, 8)
			for (long long i = 0; i < nn; i++)
				if (!stopping(run))
					p->record(run, b, (size_t)i, &ws[omp_get_thread_num()], &res[i],
					          sigs + i * (size_t)k);
		}
		run->t_sketch += omp_get_wtime() - t1; /* the read ahead overlaps it */
		rc = stopping(run) ? WU_STOPPED : p->batch(p, run, in, b, res, sigs);
		free_results(res, n);
		if (run->progress)
			fprintf(stderr, "\rwiredup: %zu records read", run->n_read);
		if (rc == 0 && !ahead)
			n_next = read_batch(run, in, next);
		cur = !cur, n = n_next;
	}
	if (run->progress)
		fprintf(stderr, "\n");
	workspaces_free(ws, nt);
	free(res), free(sigs);
	wu_batch_free(&bat[0]), wu_batch_free(&bat[1]);
	return rc;
}

static void scan_record(const wu_run *run, const wu_batch *b, size_t i, workspace *w,
                        result *res, uint32_t *sig)
{
	(void)sig;
	scan(run, b, i, w, res);
}

static int count_batch(pass *p, wu_run *run, wu_input *in, const wu_batch *b, result *res,
                       const uint32_t *sigs)
{
	(void)p, (void)in, (void)sigs;
	for (size_t i = 0; i < b->n; i++) {
		wu_terms t = {res[i].terms, res[i].n_terms, res[i].n_terms};
		if (run->count_lines && wu_boiler_count(run->boiler, res[i].keys, res[i].n_keys))
			return -1;
		if (run->df && res[i].terms && wu_df_add(run->df, &t))
			return -1;
	}
	return 0;
}

int wu_pipeline_scan(wu_run *run, wu_input *in)
{
	pass p = {scan_record, count_batch, NULL, NULL, 0};
	double t_read = run->t_read, t_sketch = run->t_sketch, t0 = omp_get_wtime();
	int progress = run->progress, rc;
	run->progress = 0;
	rc = each_batch(run, in, &p, 0);
	run->progress = progress;
	run->t_read = t_read, run->t_sketch = t_sketch; /* this pass has a clock of its own */
	run->t_scan += omp_get_wtime() - t0;
	return rc;
}

static int commit_batch(pass *p, wu_run *run, wu_input *in, const wu_batch *b, result *res,
                        const uint32_t *sigs)
{
	double t0 = omp_get_wtime();
	int rc = commit(run, in, b, res, sigs, p->corpus, &p->loc, &p->loc_cap);
	run->t_add += omp_get_wtime() - t0;
	return rc;
}

int wu_pipeline(wu_run *run, wu_input *in, wu_corpus *corpus)
{
	pass p = {process, commit_batch, corpus, NULL, 0};
	int rc = each_batch(run, in, &p, run->opt.num_perm);
	free(p.loc);
	return rc;
}
