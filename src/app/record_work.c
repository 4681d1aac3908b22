/* The work done on one record by both programs' passes (wiredup's
 * pipeline.c and wiredup-mpi's mpi_sketch.c): parse it, then either find
 * its boilerplate line keys and story terms (first pass, one normalization) or normalize,
 * shingle and sketch it and profile its terms (second pass). Records are
 * independent, so this runs on many threads; only where the results go
 * differs between the programs. */
#include "input.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_workspaces_free(app_workspace *ws, int n)
{
	for (int t = 0; ws && t < n; t++) {
		wu_str_free(&ws[t].buf), wu_str_free(&ws[t].line);
		wu_sketcher_free(ws[t].sk);
		wu_u64s_free(&ws[t].sh);
		wu_scratch_free(&ws[t].scratch);
		wu_terms_free(&ws[t].terms);
	}
	free(ws);
}

void app_results_clear(app_result *res, size_t n)
{
	for (size_t i = 0; res && i < n; i++) {
		free(res[i].keys), free(res[i].shingles), free(res[i].terms);
		res[i].keys = NULL, res[i].shingles = NULL, res[i].terms = NULL;
	}
}

static int copy_terms(const wu_terms *t, app_result *res)
{
	res->terms = malloc((t->n ? t->n : 1) * sizeof *res->terms);
	if (!res->terms)
		return -1;
	if (t->n)
		memcpy(res->terms, t->a, t->n * sizeof *res->terms);
	res->n_terms = t->n;
	return 0;
}

/* Out of memory while working on a record: the run's failure, not the
 * record's, so it is no reject (see app_result.failed). */
static int out_of_memory(app_result *res)
{
	res->failed = 1;
	return wu__fail(res->reason, APP_REASON, "out of memory");
}

/* The parsers' reason for an allocation failure: the record is fine. */
#define PARSER_OOM "out of memory"

int app_work_parse(const app_run *run, const app_batch *b, size_t i, app_workspace *w,
                  wu_record *rec, app_result *res)
{
	const app_raw *r = &b->rec[i];
	const char *data = b->arena.s + r->off;
	memset(res, 0, sizeof *res);
	if (r->error)
		return wu__fail(res->reason, APP_REASON, "%s", r->error);
	if (r->oversize)
		return wu__fail(res->reason, APP_REASON,
		               "record larger than --max-article-bytes (%zu bytes)", run->max_bytes);
	int rc = r->is_file
	         ? wu_article_file(data, r->len, &w->buf, rec, res->reason, APP_REASON)
	         : wu_json_record(data, r->len, &run->fields, &w->buf, rec, res->reason, APP_REASON);
	if (rc && !strcmp(res->reason, PARSER_OOM))
		return out_of_memory(res);
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

void app_work_scan(const app_run *run, const app_batch *b, size_t i, int stories, app_workspace *w,
                  app_result *res)
{
	wu_record rec = {0};
	wu_article_scan a;
	if (app_work_parse(run, b, i, w, &rec, res))
		return;
	unsigned flags = (run->count_lines ? WU_SCAN_LINES : 0) | (stories ? WU_SCAN_TERMS : 0);
	if (!flags)
		return;
	/* Boilerplate is not known yet: its terms count here, which only
	 * lowers their weight; pass two leaves them out anyway. */
	if ((!w->sk && !(w->sk = wu_sketcher_new())) ||
	    wu_scan_article(w->sk, &rec, flags, &a, NULL, 0)) {
		out_of_memory(res);
		return;
	}
	if (a.line_keys) {
		if (!(res->keys = malloc((a.n_line_keys ? a.n_line_keys : 1) * sizeof *res->keys))) {
			out_of_memory(res);
			return;
		}
		if (a.n_line_keys)
			memcpy(res->keys, a.line_keys, a.n_line_keys * sizeof *res->keys);
		res->n_keys = a.n_line_keys;
	}
	if (a.terms && copy_terms(a.terms, res))
		out_of_memory(res);
}

static int copy_shingles(const wu_article_sketch *a, app_result *res)
{
	res->shingles = malloc(a->n_shingles * sizeof *res->shingles);
	if (!res->shingles)
		return -1;
	memcpy(res->shingles, a->shingles, a->n_shingles * sizeof *res->shingles);
	return 0;
}

static int sketch(const app_run *run, const app_profiler *prof, const wu_record *rec,
                  app_workspace *w, app_result *res, uint32_t *sig)
{
	wu_article_sketch a;
	if (!w->sk && !(w->sk = wu_sketcher_new()))
		return out_of_memory(res);
	if (wu_sketch_article(w->sk, rec, &run->opt, run->boiler, prof ? WU_SKETCH_TERMS : 0, sig,
	                      &a, NULL, 0))
		return out_of_memory(res);
	res->n_invalid = a.n_invalid;
	if (a.n_shingles == 0)
		return wu__fail(res->reason, APP_REASON, "text has no letters or digits");
	res->n_shingles = (uint32_t)a.n_shingles;
	res->text_len = rec->text_len > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->text_len;
	res->date = rec->date;
	if (prof) {
		prof->profile(prof->df, run->opt.story_terms, a.terms); /* in place */
		if (copy_terms(a.terms, res))
			return out_of_memory(res);
	}
	if (run->opt.verify == WU_VERIFY_EXACT && copy_shingles(&a, res))
		return out_of_memory(res);
	return 0;
}

void app_work_sketch(const app_run *run, const app_profiler *prof, const app_batch *b, size_t i,
                    app_workspace *w, app_result *res, uint32_t *sig)
{
	wu_record rec = {0};
	if (app_work_parse(run, b, i, w, &rec, res) == 0)
		sketch(run, prof, &rec, w, res, sig);
}

int app_boiler_file(const char *path, wu_boiler *b, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return wu__fail(err, errlen, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	wu_str tmp = {0};
	int rc = 0, oom = 0;
	while (!oom && (n = getline(&line, &cap, f)) > 0)
		oom = wu_boiler_known(b, line, (size_t)n, &tmp) != 0;
	if (oom)
		rc = wu__fail(err, errlen, "%s: out of memory", path);
	else if (ferror(f))
		rc = wu__fail(err, errlen, "%s: cannot read", path);
	free(line);
	wu_str_free(&tmp);
	fclose(f);
	return rc;
}
