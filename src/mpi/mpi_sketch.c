/* wiredup-mpi: the two passes over a rank's records.
 *
 * Per record the work is the single process's (record_work.c): parse,
 * normalize without boilerplate, shingle, sketch, story profile. What differs is
 * where results go: counts of the first pass are summed across ranks by
 * key owner; signatures of the second stay on the rank; what rank 0 needs
 * to commit records in input order (ids, dates, lengths, profiles, reasons
 * for bad records) is packed into a log, one chunk a batch. */
#include "mpi_wu.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_RECORDS 4096
/* ---- per record (record_work.c, shared with wiredup) ---- */

/* wu_story_profile()'s own code (terms.c) over the rank's copy of the df
 * table, which holds counts summed across ranks. The terms share_df()
 * leaves out (df 1) have df 0 here, which the first test drops alike. */
static size_t profile(const void *df, int m, wu_terms *t)
{
	const wmpi_mdf *d = df;
	return wu__story_profile_counts(&d->count, (double)d->n_docs, m, t);
}

static void process(const app_run *run, const wmpi_mdf *df, const app_batch *b, size_t i,
                    app_workspace *w, app_result *res, uint32_t *sig)
{
	app_profiler prof = {profile, df};
	app_work_sketch(run, df ? &prof : NULL, b, i, w, res, sig);
}

/* ---- batches ---- */

typedef struct {
	app_workspace *ws;
	app_result *res;
	uint32_t *sigs;
	int nt;
} pass_mem;

static int pass_mem_new(pass_mem *pm, int nt, int k)
{
	pm->nt = nt;
	pm->ws = calloc((size_t)nt, sizeof *pm->ws);
	pm->res = calloc(BATCH_RECORDS, sizeof *pm->res);
	pm->sigs = malloc(BATCH_RECORDS * (size_t)(k ? k : 1) * sizeof *pm->sigs);
	return pm->ws && pm->res && pm->sigs ? 0 : -1;
}

static void pass_mem_free(pass_mem *pm)
{
	app_workspaces_free(pm->ws, pm->nt);
	free(pm->res), free(pm->sigs);
}

/* ---- first pass: counts, summed by key owner ---- */

typedef struct {
	uint64_t key, count;
} keycount;

static int count_batch(app_run *run, const app_result *res, size_t n, wu__counter *lines,
                       wu__counter *df, uint64_t *n_docs)
{
	for (size_t i = 0; i < n; i++) {
		if (res[i].failed) /* out of memory: no count may go missing */
			return -1;
		for (size_t j = 0; run->count_lines && j < res[i].n_keys; j++)
			if (wu__counter_add(lines, res[i].keys[j], 1))
				return -1;
		if (!run->opt.stories || !res[i].terms)
			continue;
		(*n_docs)++;
		for (size_t j = 0; j < res[i].n_terms; j++)
			if (wu__counter_add(df, res[i].terms[j].key, 1))
				return -1;
	}
	return 0;
}

static int scan_records(wmpi *m, wmpi_plan *p, app_run *run, wu__counter *lines, wu__counter *df,
                        uint64_t *n_docs)
{
	pass_mem pm;
	wmpi_mbatch mb = {0};
	long long n = 0;
	if (pass_mem_new(&pm, run->n_threads, 0))
		wmpi_fail(m, "out of memory");
	while (!m->err[0] && (n = wmpi_plan_next(m, p, &mb, run->max_bytes)) > 0) {
#pragma omp parallel for num_threads(pm.nt) schedule(dynamic, 8)
		for (long long i = 0; i < n; i++)
			app_work_scan(run, &mb.b, (size_t)i, run->opt.stories, &pm.ws[omp_get_thread_num()],
			             &pm.res[i]);
		if (count_batch(run, pm.res, (size_t)n, lines, df, n_docs))
			wmpi_fail(m, "out of memory counting lines and terms");
		app_results_clear(pm.res, (size_t)n);
	}
	pass_mem_free(&pm);
	wmpi_mbatch_free(&mb);
	wmpi_plan_rewind(p);
	return m->err[0] ? -1 : 0;
}

/* Collective: sends each (key, count) to the key's owner, which sums them
 * into owned. */
static int combine(wmpi *m, const wu__counter *local, wu__counter *owned)
{
	size_t P = (size_t)m->size, *cnt = calloc(P, sizeof *cnt), *at = calloc(P, sizeof *at);
	keycount *send = malloc((local->n ? local->n : 1) * sizeof *send), *recv = NULL;
	size_t *rcount = calloc(P, sizeof *rcount);
	int ok = cnt && at && send && rcount && !m->err[0];
	if (!ok)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; ok && i < local->size; i++)
		if (local->key[i])
			cnt[wmpi_owner(local->key[i], m->size)]++;
	for (size_t r = 1; ok && r < P; r++)
		at[r] = at[r - 1] + cnt[r - 1];
	for (size_t i = 0; ok && i < local->size; i++)
		if (local->key[i])
			send[at[wmpi_owner(local->key[i], m->size)]++] =
				(keycount){local->key[i], local->count[i]};
	int rc = wmpi_alltoallv(m, send, cnt, sizeof *send, (void **)&recv, rcount);
	size_t nr = 0;
	for (size_t r = 0; rc == 0 && ok && r < P; r++)
		nr += rcount[r];
	for (size_t i = 0; rc == 0 && i < nr; i++)
		if (wu__counter_add(owned, recv[i].key, (uint32_t)recv[i].count))
			rc = wmpi_fail(m, "out of memory summing counts");
	free(cnt), free(at), free(send), free(recv), free(rcount);
	return rc;
}

/* Every rank gets the candidate boilerplate lines, the keys whose owners
 * counted them in at least min_docs articles, and applies the library's
 * rule to them (wu_boiler_finish: which kinds of key qualify) exactly as
 * the single process does. A key enters with min_docs counts, not its
 * total: the rule thresholds at min_docs (a count of UINT32_MAX, a known
 * line of --boilerplate-file, is loaded before and stays so), and this
 * keeps the work per rank to candidates x min_docs. */
static int share_boiler(wmpi *m, const wu__counter *owned, int min_docs, wu_boiler *b)
{
	uint64_t *cand = malloc((owned->n ? owned->n : 1) * sizeof *cand), *all = NULL;
	size_t n = 0, n_all = 0;
	if (!cand)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; cand && i < owned->size; i++)
		if (owned->key[i] && owned->count[i] >= (uint32_t)min_docs)
			cand[n++] = owned->key[i];
	int rc = wmpi_allgatherv(m, cand, n, sizeof *cand, (void **)&all, &n_all);
	for (int t = 0; rc == 0 && t < min_docs; t++)
		if (wu_boiler_count(b, all, n_all))
			rc = wmpi_fail(m, "out of memory");
	if (rc == 0 && wu_boiler_finish(b, min_docs, 1))
		rc = wmpi_fail(m, "out of memory");
	free(cand), free(all);
	return rc;
}

/* Every rank gets the document frequencies of the terms in at least two
 * articles: a term in one matches nothing, and it is most of them. */
static int share_df(wmpi *m, const wu__counter *owned, uint64_t n_docs, wmpi_mdf *d)
{
	keycount *kept = malloc((owned->n ? owned->n : 1) * sizeof *kept), *all = NULL;
	size_t n = 0, n_all = 0;
	if (!kept)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; kept && i < owned->size; i++)
		if (owned->key[i] && owned->count[i] >= 2)
			kept[n++] = (keycount){owned->key[i], owned->count[i]};
	int rc = wmpi_allgatherv(m, kept, n, sizeof *kept, (void **)&all, &n_all);
	for (size_t i = 0; rc == 0 && i < n_all; i++)
		if (wu__counter_add(&d->count, all[i].key, (uint32_t)all[i].count))
			rc = wmpi_fail(m, "out of memory");
	d->n_docs = (double)n_docs;
	free(kept), free(all);
	return rc;
}

static int load_boiler_file(wmpi *m, const char *path, wu_boiler *b)
{
	char err[512];
	return app_boiler_file(path, b, err, sizeof err) ? wmpi_fail(m, "%s", err) : 0;
}

int wmpi_stats_pass(wmpi *m, wmpi_plan *p, wmpi_pass_args *a)
{
	app_run *run = a->run;
	m->phase = PH_STATS;
	run->count_lines = a->boiler_min_docs > 0;
	if (a->boiler_min_docs > 0 || a->boiler_file) {
		if (!(run->boiler = wu_boiler_new()))
			wmpi_fail(m, "out of memory");
		else if (a->boiler_file)
			load_boiler_file(m, a->boiler_file, run->boiler);
	}
	if (run->opt.stories && !(a->df = calloc(1, sizeof *a->df)))
		wmpi_fail(m, "out of memory");
	if (!run->count_lines && !run->opt.stories)
		return wmpi_sync(m);
	wu__counter lines = {0}, df = {0}, lines_owned = {0}, df_owned = {0};
	uint64_t n_docs = 0;
	double t0 = omp_get_wtime();
	if (!m->err[0])
		scan_records(m, p, run, &lines, &df, &n_docs);
	int rc = wmpi_plan_share_counts(m, p);
	if (rc == 0 && run->count_lines) {
		rc = combine(m, &lines, &lines_owned);
		wu__counter_free(&lines);
		if (rc == 0)
			rc = share_boiler(m, &lines_owned, a->boiler_min_docs, run->boiler);
	}
	if (rc == 0 && run->opt.stories && a->df) {
		rc = combine(m, &df, &df_owned);
		wu__counter_free(&df);
		if (rc == 0)
			rc = share_df(m, &df_owned, wmpi_sum(n_docs), a->df);
	}
	wu__counter_free(&lines), wu__counter_free(&df);
	wu__counter_free(&lines_owned), wu__counter_free(&df_owned);
	run->t_scan = omp_get_wtime() - t0;
	return rc;
}

/* ---- second pass: signatures here, a log for rank 0 ---- */

void wmpi_sigs_free(wmpi_sigs *s)
{
	free(s->sig), free(s->ns), free(s->sh_off);
	wu_u64s_free(&s->sh);
	memset(s, 0, sizeof *s);
}

void wmpi_log_free(wmpi_log *l)
{
	for (size_t i = 0; i < l->n; i++)
		wu_str_free(&l->chunk[i]);
	free(l->chunk);
	memset(l, 0, sizeof *l);
}

static int sigs_add(wmpi_sigs *s, const uint32_t *sig, const app_result *x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint32_t *a = realloc(s->sig, cap * (size_t)s->k * sizeof *a);
		if (a)
			s->sig = a;
		uint32_t *b = a ? realloc(s->ns, cap * sizeof *b) : NULL;
		if (b)
			s->ns = b;
		uint64_t *c = b ? realloc(s->sh_off, (cap + 1) * sizeof *c) : NULL;
		if (!c)
			return -1;
		s->sh_off = c;
		s->cap = cap;
	}
	if (s->n == 0)
		s->sh_off[0] = 0;
	if (x->shingles) {
		if (wu__u64s_reserve(&s->sh, s->sh.n + x->n_shingles))
			return -1;
		memcpy(s->sh.a + s->sh.n, x->shingles, x->n_shingles * sizeof *s->sh.a);
		s->sh.n += x->n_shingles;
	}
	memcpy(s->sig + s->n * (size_t)s->k, sig, (size_t)s->k * sizeof *sig);
	s->ns[s->n] = x->n_shingles;
	s->sh_off[++s->n] = s->sh.n;
	return 0;
}

static int put(wu_str *b, const void *x, size_t n)
{
	return wu__str_append(b, (const char *)x, n);
}

/* One record for rank 0; the reader in mpi_commit.c follows this layout:
 * kind (0 good, 1 bad), flags (1 article file, 2 unreadable), line, file,
 * src; then good: date, text length, shingles, invalid bytes, id, profile
 * terms; bad: reason, id (article files only: their rejects line). */
static int log_record(wu_str *c, const app_batch *b, size_t i, const wmpi_src *src, const app_result *x)
{
	const app_raw *r = &b->rec[i];
	uint8_t kind = x->reason[0] ? 1 : 0;
	uint8_t flags = (uint8_t)((r->is_file ? 1 : 0) | (r->error ? 2 : 0));
	uint32_t file = r->file;
	uint64_t line = r->line;
	if (put(c, &kind, 1) || put(c, &flags, 1) || put(c, &line, 8) || put(c, &file, 4) ||
	    put(c, src, sizeof *src))
		return -1;
	if (kind) {
		uint32_t rl = (uint32_t)strlen(x->reason), il = r->is_file ? (uint32_t)r->id_len : 0;
		return put(c, &rl, 4) || put(c, x->reason, rl) || put(c, &il, 4) ||
		       put(c, b->arena.s + r->id_off, il) ? -1 : 0;
	}
	uint64_t inv = x->n_invalid;
	uint32_t il = (uint32_t)x->id_len, np = (uint32_t)x->n_terms;
	int rc = put(c, &x->date, 4) || put(c, &x->text_len, 4) || put(c, &x->n_shingles, 4) ||
	         put(c, &inv, 8) || put(c, &il, 4) || put(c, x->id, il) || put(c, &np, 4);
	for (uint32_t t = 0; rc == 0 && t < np; t++)
		rc = put(c, &x->terms[t].key, 8) || put(c, &x->terms[t].weight, 4);
	return rc ? -1 : 0;
}

static wu_str *log_chunk(wmpi_log *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		wu_str *c = realloc(l->chunk, cap * sizeof *c);
		if (!c)
			return NULL;
		l->chunk = c;
		l->cap = cap;
	}
	memset(&l->chunk[l->n], 0, sizeof l->chunk[l->n]);
	return &l->chunk[l->n++];
}

static int keep_batch(const wmpi_mbatch *mb, const pass_mem *pm, size_t n, int k, wmpi_sigs *s,
                      wmpi_log *log)
{
	wu_str *c = log_chunk(log);
	if (!c)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const app_result *x = &pm->res[i];
		if (x->failed || log_record(c, &mb->b, i, &mb->src[i], x))
			return -1; /* out of memory: the run's failure, no reject */
		if (x->reason[0] == 0 && sigs_add(s, pm->sigs + i * (size_t)k, x))
			return -1;
	}
	return 0;
}

int wmpi_sketch_pass(wmpi *m, wmpi_plan *p, wmpi_pass_args *a, wmpi_sigs *s, wmpi_log *log)
{
	app_run *run = a->run;
	int k = run->opt.num_perm;
	pass_mem pm;
	wmpi_mbatch mb = {0};
	long long n;
	m->phase = PH_COMMIT;
	memset(s, 0, sizeof *s);
	s->k = k;
	if (pass_mem_new(&pm, run->n_threads, k))
		wmpi_fail(m, "out of memory");
	while (!m->err[0] && (n = wmpi_plan_next(m, p, &mb, run->max_bytes)) > 0) {
		double t0 = omp_get_wtime();
#pragma omp parallel for num_threads(pm.nt) schedule(dynamic, 8)
		for (long long i = 0; i < n; i++)
			process(run, a->df, &mb.b, (size_t)i, &pm.ws[omp_get_thread_num()], &pm.res[i],
			        pm.sigs + i * (size_t)k);
		double t1 = omp_get_wtime();
		run->t_sketch += t1 - t0;
		if (keep_batch(&mb, &pm, (size_t)n, k, s, log))
			wmpi_fail(m, "out of memory keeping signatures");
		app_results_clear(pm.res, (size_t)n);
		run->t_add += omp_get_wtime() - t1;
	}
	pass_mem_free(&pm);
	wmpi_mbatch_free(&mb);
	return wmpi_plan_share_counts(m, p);
}
