/* wiredup-mpi: committing records in input order, on rank 0.
 *
 * Which record is bad, and which of two records with one id is the
 * duplicate, is decided in input order, as the single process does it: rank
 * 0 walks the segments in order and takes each owner's log (one chunk a
 * batch, streamed on demand), adds the good records to a corpus of ids and
 * metadata (no signatures), and reports every rejected record as
 * FILE:LINE: reason. The corpus is what the representative rule, the
 * stories and the output need; signatures stay on their ranks, which drop
 * their duplicates afterwards. */
#include "mpi_wu.h"

#include <stdlib.h>
#include <string.h>

#define TAG_LOG 12
#define REASON 256

typedef struct {
	uint8_t kind, flags;
	uint64_t line;
	uint32_t file;
	wmpi_src src;
	const char *reason, *id, *terms;
	uint32_t reason_len, id_len, n_terms;
	int32_t date;
	uint32_t text_len, n_shingles;
	uint64_t n_invalid;
} logrec;

/* One rank's log as rank 0 reads it. */
typedef struct {
	wu_str buf;      /* the current chunk (a copy for other ranks) */
	const wu_str *cur;
	size_t pos, next; /* in cur; rank 0's next own chunk */
	uint64_t good;   /* good records taken: the index into the owner's signatures */
} stream;

typedef struct {
	uint32_t file;
	uint64_t line;
} where;

typedef struct {
	wmpi *m;
	wmpi_plan *p;
	app_run *run;
	FILE *rejects;
	wmpi_commit *out;
	where *loc;          /* by corpus index */
	size_t loc_cap;
	wu_terms terms;      /* scratch: a profile */
	uint64_t **dup;      /* per rank: good-record indices that were duplicates */
	size_t *n_dup, *cap_dup;
} committer;

static void take(const char **at, void *x, size_t n)
{
	memcpy(x, *at, n);
	*at += n;
}

/* Parses the record at s->pos (layout: log_record() in mpi_sketch.c). */
static void parse_rec(stream *s, logrec *r)
{
	const char *at = s->cur->s + s->pos;
	take(&at, &r->kind, 1), take(&at, &r->flags, 1), take(&at, &r->line, 8);
	take(&at, &r->file, 4), take(&at, &r->src, sizeof r->src);
	if (r->kind) {
		take(&at, &r->reason_len, 4), r->reason = at, at += r->reason_len;
		take(&at, &r->id_len, 4), r->id = at, at += r->id_len;
	} else {
		take(&at, &r->date, 4), take(&at, &r->text_len, 4), take(&at, &r->n_shingles, 4);
		take(&at, &r->n_invalid, 8);
		take(&at, &r->id_len, 4), r->id = at, at += r->id_len;
		take(&at, &r->n_terms, 4), r->terms = at, at += (size_t)r->n_terms * 12;
	}
	s->pos = (size_t)(at - s->cur->s);
}

static void next_rec(committer *c, stream *s, int owner, const wmpi_log *log, logrec *r)
{
	if (!s->cur || s->pos >= s->cur->n) {
		if (owner == 0) {
			s->cur = &log->chunk[s->next++];
		} else {
			wmpi_recv(c->m, &s->buf, owner, TAG_LOG);
			s->cur = &s->buf;
		}
		s->pos = 0;
	}
	parse_rec(s, r);
}

/* Reports a rejected record as the single process does; 1 when the job
 * must stop. */
static int reject(committer *c, const wmpi_seg *seg, const logrec *r, uint64_t line,
                  const char *reason)
{
	const char *name = c->p->name[r->file];
	if (line)
		fprintf(stderr, "wiredup: %s:%llu: %s\n", name, (unsigned long long)line, reason);
	else
		fprintf(stderr, "wiredup: %s: %s\n", name, reason);
	c->out->n_rejected++;
	if (!c->run->skip_errors)
		return 1;
	if (c->rejects && !(r->flags & 2)) {
		int rc = 0;
		if (r->flags & 1)
			fprintf(c->rejects, "%.*s", (int)r->id_len, r->id);
		else
			rc = wmpi_plan_copy_record(c->p, seg, &r->src, c->rejects);
		fputc('\n', c->rejects);
		if (rc)
			wmpi_fail(c->m, "copying a rejected record of %s", name);
	}
	return 0;
}

static int note_dup(committer *c, int owner, uint64_t good)
{
	if (c->n_dup[owner] == c->cap_dup[owner]) {
		size_t cap = c->cap_dup[owner] ? c->cap_dup[owner] * 2 : 64;
		uint64_t *d = realloc(c->dup[owner], cap * sizeof *d);
		if (!d)
			return -1;
		c->dup[owner] = d, c->cap_dup[owner] = cap;
	}
	c->dup[owner][c->n_dup[owner]++] = good;
	return 0;
}

/* Adds a good record to the corpus, or rejects it as a duplicate id.
 * Returns 1 when the job must stop. */
static int commit_good(committer *c, const wmpi_seg *seg, const logrec *r, uint64_t line,
                       stream *s)
{
	static const uint32_t no_sig = 0;
	if (wu_terms_reserve(&c->terms, r->n_terms + 1)) {
		wmpi_fail(c->m, "out of memory");
		return 1;
	}
	for (uint32_t t = 0; t < r->n_terms; t++) {
		memcpy(&c->terms.a[t].key, r->terms + (size_t)t * 12, 8);
		memcpy(&c->terms.a[t].weight, r->terms + (size_t)t * 12 + 8, 4);
	}
	wu_sketched a = {r->id, r->id_len, r->date, r->text_len, r->n_shingles, &no_sig, NULL,
	                 c->terms.a, r->n_terms};
	size_t idx;
	int added;
	char err[REASON];
	if (wu_corpus_add(c->out->corpus, &a, &idx, &added, err, sizeof err)) {
		wmpi_fail(c->m, "%s", err);
		return 1;
	}
	uint64_t good = s->good++;
	if (!added) {
		char why[REASON];
		const where *f = &c->loc[idx];
		snprintf(why, sizeof why, "duplicate id %.*s (first at %s:%llu)",
		         (int)(r->id_len > 80 ? 80 : r->id_len), r->id, c->p->name[f->file],
		         (unsigned long long)f->line);
		if (note_dup(c, seg->owner, good))
			wmpi_fail(c->m, "out of memory");
		return reject(c, seg, r, line, why) || c->m->err[0];
	}
	if (idx >= c->loc_cap) {
		size_t cap = c->loc_cap ? c->loc_cap * 2 : 4096;
		where *l = realloc(c->loc, cap * sizeof *l);
		if (!l) {
			wmpi_fail(c->m, "out of memory");
			return 1;
		}
		c->loc = l, c->loc_cap = cap;
	}
	c->loc[idx] = (where){r->file, line};
	c->out->n_invalid += r->n_invalid;
	return 0;
}

/* Rank 0: every record, in input order. */
static void walk(committer *c, const wmpi_log *log)
{
	wmpi_plan *p = c->p;
	stream *st = calloc((size_t)c->m->size, sizeof *st);
	if (!st)
		wmpi_abort(c->m, "out of memory");
	int stop = 0;
	for (size_t i = 0; i < p->n_seg; i++) {
		wmpi_seg *seg = &p->seg[i];
		uint64_t before = wu_corpus_size(c->out->corpus);
		for (uint64_t j = 0; j < seg->n_rec; j++) {
			logrec r;
			next_rec(c, &st[seg->owner], seg->owner, log, &r);
			if (stop)
				continue; /* the rest is read only so that no sender waits */
			c->out->n_read++;
			uint64_t line = r.line + (seg->plain ? seg->line_base : 0);
			if (r.kind) {
				char why[REASON];
				snprintf(why, sizeof why, "%.*s", (int)r.reason_len, r.reason);
				stop = reject(c, seg, &r, line, why);
			} else {
				stop = commit_good(c, seg, &r, line, &st[seg->owner]);
			}
		}
		seg->n_acc = wu_corpus_size(c->out->corpus) - before;
	}
	c->out->stop = stop && !c->m->err[0];
	for (int r = 0; r < c->m->size; r++)
		wu_str_free(&st[r].buf);
	free(st);
}

/* A rank drops the signatures of its duplicates (sorted indices). */
static void drop_dups(wmpi_sigs *s, const uint64_t *dup, size_t n_dup)
{
	size_t k = (size_t)s->k, w = 0, d = 0;
	uint64_t sh_w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (d < n_dup && dup[d] == i) {
			d++;
			continue;
		}
		uint64_t a = s->sh_off[i], b = s->sh_off[i + 1];
		memmove(s->sig + w * k, s->sig + i * k, k * sizeof *s->sig);
		s->ns[w] = s->ns[i];
		if (b > a)
			memmove(s->sh.a + sh_w, s->sh.a + a, (size_t)(b - a) * sizeof *s->sh.a);
		s->sh_off[w] = sh_w;
		sh_w += b - a;
		w++;
	}
	s->n = w;
	s->sh.n = (size_t)sh_w;
	if (s->sh_off)
		s->sh_off[w] = sh_w;
}

/* Every rank learns the accepted count of every segment, and so the
 * corpus index of every article and its owner's local index for it. */
static int share_accepted(wmpi *m, wmpi_plan *p)
{
	uint64_t *acc = malloc((p->n_seg + 1) * sizeof *acc);
	uint64_t *local = calloc((size_t)m->size, sizeof *local);
	if (!acc || !local)
		wmpi_fail(m, "out of memory");
	for (size_t i = 0; acc && m->rank == 0 && i < p->n_seg; i++)
		acc[i] = p->seg[i].n_acc;
	int rc = wmpi_bcast(m, acc, p->n_seg, sizeof *acc);
	uint64_t start = 0;
	for (size_t i = 0; rc == 0 && acc && local && i < p->n_seg; i++) {
		wmpi_seg *s = &p->seg[i];
		s->n_acc = acc[i];
		s->acc_start = start;
		start += s->n_acc;
		s->local_acc = local[s->owner];
		local[s->owner] += s->n_acc;
	}
	free(acc), free(local);
	return rc;
}

/* Rank 0 sends each rank the indices of its duplicates. */
static int share_dups(wmpi *m, committer *c, wmpi_sigs *s)
{
	size_t total = 0, at = 0;
	uint64_t *all = NULL, *mine = NULL;
	for (int r = 0; m->rank == 0 && r < m->size; r++)
		total += c->n_dup[r];
	if (m->rank == 0 && !(all = malloc((total + 1) * sizeof *all)))
		wmpi_fail(m, "out of memory");
	for (int r = 0; all && r < m->size; r++) {
		if (c->n_dup[r])
			memcpy(all + at, c->dup[r], c->n_dup[r] * sizeof *all);
		at += c->n_dup[r];
	}
	size_t n = 0;
	int rc = wmpi_scatterv(m, all, c->n_dup, sizeof *all, (void **)&mine, &n);
	if (rc == 0)
		drop_dups(s, mine, n);
	free(all), free(mine);
	return rc;
}

int wmpi_commit_records(wmpi *m, wmpi_plan *p, app_run *run, FILE *rejects, wmpi_sigs *s,
                      wmpi_log *log, wmpi_commit *out)
{
	committer c = {m, p, run, rejects, out, NULL, 0, {0}, NULL, NULL, NULL};
	memset(out, 0, sizeof *out);
	m->phase = PH_COMMIT;
	size_t P = (size_t)m->size;
	c.dup = calloc(P, sizeof *c.dup);
	c.n_dup = calloc(P, sizeof *c.n_dup);
	c.cap_dup = calloc(P, sizeof *c.cap_dup);
	if (!c.dup || !c.n_dup || !c.cap_dup)
		wmpi_fail(m, "out of memory");
	if (m->rank == 0) {
		wu_opt meta = run->opt; /* ids and metadata only: a 1-value dummy signature */
		meta.num_perm = 1;
		meta.verify = WU_VERIFY_SIGNATURE;
		if (!(out->corpus = wu_corpus_new(&meta)))
			wmpi_abort(m, "out of memory");
		walk(&c, log);
	} else {
		for (size_t i = 0; i < log->n; i++)
			wmpi_send(m, log->chunk[i].s, log->chunk[i].n, 0, TAG_LOG);
	}
	wmpi_log_free(log);
	int stop = out->stop;
	int rc = wmpi_bcast(m, &stop, 1, sizeof stop);
	out->stop = stop;
	if (rc == 0 && !stop)
		rc = share_dups(m, &c, s);
	if (rc == 0 && !stop)
		rc = share_accepted(m, p);
	for (size_t r = 0; c.dup && r < P; r++)
		free(c.dup[r]);
	free(c.dup), free(c.n_dup), free(c.cap_dup), free(c.loc);
	wu_terms_free(&c.terms);
	return rc;
}
