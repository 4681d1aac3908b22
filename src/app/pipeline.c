/* The reading half of `wiredup cluster`: batches of raw records are
 * parsed, normalized, shingled and sketched in parallel (each record is
 * independent), then committed to the corpus in input order by one thread,
 * which is where rejects are reported, so messages and the rejects file
 * come out in input order whatever the thread count. */
#include "input.h"
#include "internal.h"

#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH_RECORDS 4096
#define BATCH_BYTES (32u << 20)
/* Seconds between redraws of the progress line: often enough to see it
 * move, rarely enough to cost nothing. */
#define PROGRESS_EVERY 0.25

typedef struct {
	uint32_t file;
	uint64_t line;
} where;

/* wu_story_profile() through the shared per-record code's profiler. */
static size_t profile_df(const void *df, int m, wu_terms *t)
{
	wu_story_profile(df, m, t);
	return t->n;
}

static void process(const app_run *run, const app_batch *b, size_t i, app_workspace *w,
                    app_result *res, uint32_t *sig)
{
	app_profiler prof = {profile_df, run->df};
	app_work_sketch(run, run->df ? &prof : NULL, b, i, w, res, sig);
}

int app_progress_wanted(void)
{
	const char *e = getenv("WIREDUP_PROGRESS");
	if (e && (!strcmp(e, "0") || !strcmp(e, "1")))
		return *e == '1';
	return isatty(2);
}

/* Redraws the progress line: at once when it is not on the screen (a new
 * stage), else at most every PROGRESS_EVERY seconds. "\033[K" erases what
 * a longer line before it left. */
__attribute__((format(printf, 2, 3)))
static void progress_show(app_run *run, const char *fmt, ...)
{
	double now = omp_get_wtime();
	if (!run->progress || (run->progress_shown && now - run->progress_at < PROGRESS_EVERY))
		return;
	fputs("\rwiredup: ", stderr);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);
	run->progress_at = now;
	run->progress_shown = 1;
}

void app_progress_clear(app_run *run)
{
	if (run->progress_shown)
		fputs("\r\033[K", stderr);
	run->progress_shown = 0;
}

/* The library's report (a wu_progress_fn): a stage's share done, and the
 * line erased when the stage is over, so none is left behind. */
static void progress_stage(void *data, int stage, size_t done, size_t total)
{
	static const char *const what[] = {"bucketing", "verifying candidate pairs",
	                                   "choosing representatives", "stories: indexing",
	                                   "stories: merging"};
	app_run *run = data;
	if (done >= total || stage < 0 || stage >= (int)(sizeof what / sizeof *what)) {
		app_progress_clear(run);
		return;
	}
	progress_show(run, "%s %zu%%", what[stage], done * 100 / total);
}

void app_progress_attach(app_run *run)
{
	if (!run->progress)
		return;
	run->opt.progress = progress_stage;
	run->opt.progress_data = run;
}

/* Reports a rejected record; -1 when the run must stop. */
static int reject(app_run *run, app_input *in, const app_batch *b, size_t i, const char *reason)
{
	const app_raw *r = &b->rec[i];
	const char *name = app_input_file_name(in, r->file);
	app_progress_clear(run);
	if (r->line)
		fprintf(stderr, "wiredup: %s:%llu: %s\n", name, (unsigned long long)r->line, reason);
	else
		fprintf(stderr, "wiredup: %s: %s\n", name, reason);
	run->n_rejected++;
	if (!run->skip_errors)
		return -1;
	/* an unreadable entry is still written: its id (an article file), or the
	 * unfinished line a cut file ended with */
	if (run->rejects && (!r->error || r->is_file || r->len)) {
		if (r->is_file) {
			fprintf(run->rejects, "%.*s\n", (int)r->id_len, b->arena.s + r->id_off);
		} else {
			fwrite(b->arena.s + r->off, 1, r->len, run->rejects);
			if (r->oversize)
				app_input_drain(in, run->rejects);
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
static int commit(app_run *run, app_input *in, const app_batch *b, app_result *res, const uint32_t *sigs,
                  wu_corpus *c, where **loc, size_t *loc_cap)
{
	int k = run->opt.num_perm;
	for (size_t i = 0; i < b->n; i++) {
		app_result *x = &res[i];
		int stop = 0;
		run->n_read++;
		if (x->failed) { /* out of memory: the run's failure, no reject */
			app_progress_clear(run);
			fprintf(stderr, "wiredup: %s\n", x->reason);
			stop = -1;
		} else if (x->reason[0]) {
			stop = reject(run, in, b, i, x->reason);
		} else {
			wu_sketched a = {x->id, x->id_len, x->date, x->text_len, x->n_shingles,
			                 sigs + i * (size_t)k, x->shingles, x->terms,
			                 (uint32_t)x->n_terms};
			size_t idx;
			int added;
			char err[APP_REASON];
			if (wu_corpus_add(c, &a, &idx, &added, err, sizeof err)) {
				app_progress_clear(run);
				fprintf(stderr, "wiredup: %s\n", err);
				stop = -1;
			} else if (!added) {
				char why[APP_REASON];
				const where *f = &(*loc)[idx];
				snprintf(why, sizeof why, "duplicate id %.*s (first at %s:%llu)",
				         (int)(x->id_len > 80 ? 80 : x->id_len), x->id,
				         app_input_file_name(in, f->file), (unsigned long long)f->line);
				stop = reject(run, in, b, i, why);
			} else if (grow_where(loc, loc_cap, idx + 1)) {
				app_progress_clear(run);
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
static int stopping(const app_run *run)
{
	return run->stop && *run->stop;
}

/* What a pass does: per record (in parallel), then per batch (in order). */
typedef struct pass {
	void (*record)(const app_run *run, const app_batch *b, size_t i, app_workspace *w, app_result *res,
	               uint32_t *sig);
	int (*batch)(struct pass *p, app_run *run, app_input *in, const app_batch *b, app_result *res,
	             const uint32_t *sigs);
	wu_corpus *corpus; /* the sketch pass */
	where *loc;
	size_t loc_cap;
	const char *label; /* of the progress line: "%zu records" follows */
	size_t n_done;     /* records through the pass so far */
} pass;

/* The next batch, *n records (0 at the end). 0, or -1 out of memory
 * (said). */
static int read_batch(app_run *run, app_input *in, app_batch *b, size_t *n)
{
	double t0 = omp_get_wtime();
	int rc = app_input_next(in, b, BATCH_RECORDS, BATCH_BYTES, n);
	run->t_read += omp_get_wtime() - t0;
	if (rc) {
		app_progress_clear(run);
		fprintf(stderr, "wiredup: out of memory\n");
	}
	return rc;
}

/* A batch's results, kept until it is committed. */
typedef struct {
	app_result *res;
	uint32_t *sigs;
} results;

/* Commits batch b (n > 0 records) and frees its results; 0 or -1. */
static int finish_batch(app_run *run, app_input *in, pass *p, const app_batch *b, size_t n,
                        results *r)
{
	int rc = p->batch(p, run, in, b, r->res, r->sigs);
	app_results_clear(r->res, n);
	p->n_done += n;
	progress_show(run, "%s%zu records", p->label, p->n_done);
	return rc;
}

/* Reads batches and runs a pass over them; 0, -1 or APP_STOPPED. While the
 * threads work on a batch, one of them first commits the batch before
 * (in order: commits are one thread's, one batch after another) and then
 * reads the next, so neither is on the serial path. Not past an oversize
 * record ending a batch: its commit may still copy the rest of it from the
 * input, so that batch is committed, and the next read, after its work. */
static int each_batch(app_run *run, app_input *in, pass *p, int k)
{
	int nt = run->n_threads, rc = 0, cur = 0;
	app_batch bat[2] = {{0}};
	results r[2] = {{0}};
	for (int j = 0; j < 2; j++) {
		r[j].res = calloc(BATCH_RECORDS, sizeof *r[j].res);
		r[j].sigs = malloc(BATCH_RECORDS * (size_t)(k ? k : 1) * sizeof *r[j].sigs);
	}
	app_workspace *ws = calloc((size_t)nt, sizeof *ws);
	int ok = r[0].res && r[0].sigs && r[1].res && r[1].sigs && ws;
	size_t n = 0;
	if (!ok || read_batch(run, in, &bat[cur], &n))
		rc = -1;
	size_t n_prev = 0; /* records of bat[!cur], done and not committed yet */
	while (rc == 0 && n > 0) {
		app_batch *b = &bat[cur], *other = &bat[!cur];
		results *mine = &r[cur], *prev = &r[!cur];
		int ahead = !b->rec[n - 1].oversize, rc_prev = 0;
		size_t n_next = 0;
		double t1 = omp_get_wtime();
		long long nn = (long long)n;
#pragma omp parallel num_threads(nt)
		{
#pragma omp single nowait
			{
				if (n_prev)
					rc_prev = finish_batch(run, in, p, other, n_prev, prev);
				if (ahead && rc_prev == 0)
					rc_prev = read_batch(run, in, other, &n_next);
			}
#pragma omp for schedule(dynamic, 8)
			for (long long i = 0; i < nn; i++)
				if (!stopping(run))
					p->record(run, b, (size_t)i, &ws[omp_get_thread_num()],
					          &mine->res[i], mine->sigs + i * (size_t)k);
		}
		run->t_sketch += omp_get_wtime() - t1; /* the commit and read ahead overlap it */
		n_prev = 0;
		rc = rc_prev ? rc_prev : stopping(run) ? APP_STOPPED : 0;
		if (rc == 0 && !ahead) {
			rc = finish_batch(run, in, p, b, n, mine);
			if (rc == 0)
				rc = read_batch(run, in, other, &n_next);
		} else if (rc == 0) {
			n_prev = n;
		} else {
			app_results_clear(mine->res, n);
		}
		cur = !cur, n = n_next;
	}
	if (n_prev) /* only after the last batch: an error or stop clears it */
		rc = finish_batch(run, in, p, &bat[!cur], n_prev, &r[!cur]);
	app_progress_clear(run); /* the summary says how many */
	app_workspaces_free(ws, nt);
	for (int j = 0; j < 2; j++)
		free(r[j].res), free(r[j].sigs);
	app_batch_free(&bat[0]), app_batch_free(&bat[1]);
	return rc;
}

static void scan_record(const app_run *run, const app_batch *b, size_t i, app_workspace *w,
                        app_result *res, uint32_t *sig)
{
	(void)sig;
	app_work_scan(run, b, i, run->df != NULL, w, res);
}

static int count_batch(pass *p, app_run *run, app_input *in, const app_batch *b, app_result *res,
                       const uint32_t *sigs)
{
	(void)p, (void)in, (void)sigs;
	for (size_t i = 0; i < b->n; i++) {
		wu_terms t = {res[i].terms, res[i].n_terms, res[i].n_terms};
		if (res[i].failed) /* out of memory: no count may go missing */
			return -1;
		if (run->count_lines && wu_boiler_count(run->boiler, res[i].keys, res[i].n_keys))
			return -1;
		if (run->df && res[i].terms && wu_df_add(run->df, &t))
			return -1;
	}
	return 0;
}

int app_pipeline_scan(app_run *run, app_input *in)
{
	pass p = {scan_record, count_batch, NULL, NULL, 0, "first pass: ", 0};
	double t_read = run->t_read, t_sketch = run->t_sketch, t0 = omp_get_wtime();
	int rc = each_batch(run, in, &p, 0);
	run->t_read = t_read, run->t_sketch = t_sketch; /* this pass has a clock of its own */
	run->t_scan += omp_get_wtime() - t0;
	return rc;
}

static int commit_batch(pass *p, app_run *run, app_input *in, const app_batch *b, app_result *res,
                        const uint32_t *sigs)
{
	double t0 = omp_get_wtime();
	int rc = commit(run, in, b, res, sigs, p->corpus, &p->loc, &p->loc_cap);
	run->t_add += omp_get_wtime() - t0;
	return rc;
}

int app_pipeline(app_run *run, app_input *in, wu_corpus *corpus)
{
	pass p = {process, commit_batch, corpus, NULL, 0, "reading: ", 0};
	int rc = each_batch(run, in, &p, run->opt.num_perm);
	free(p.loc);
	return rc;
}
