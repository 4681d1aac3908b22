/* A short tour of libwiredup through its public header alone (no internal
 * header, no cmocka): sketch a few articles with one wu_sketcher, cluster
 * them, group the clusters into stories, and dedup a new article against
 * an index in a temporary directory. It exits 0 when every answer is the
 * expected one, else 1 with the reason; ctest runs it as "example". */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wiredup.h"

#define N 4

static const char *const g_ids[N] = {"\"a\"", "\"b\"", "\"c\"", "\"d\""};
static const char *const g_texts[N] = {
	/* a and b: one wire story, b with a different last sentence */
	"Storm hits the coast\nA powerful storm struck the northern coast on Monday, tearing "
	"roofs off houses and cutting power to twenty thousand homes, officials said. Rescue "
	"teams were sent to the worst hit villages overnight.",
	"Storm hits the coast\nA powerful storm struck the northern coast on Monday, tearing "
	"roofs off houses and cutting power to twenty thousand homes, officials said. Schools "
	"in the region stay closed on Tuesday.",
	/* c: an unrelated article */
	"Bakers protest flour prices\nHundreds of bakers marched through the capital on Sunday "
	"to protest the price of flour, which has doubled since spring.",
	/* d: the storm story as another outlet wrote it */
	"Northern coast counts storm damage\nThe northern coast storm on Monday left twenty "
	"thousand homes without power; rescue teams reached the villages and officials said "
	"roofs were torn off houses.",
};

static int fails(const char *what)
{
	fprintf(stderr, "example: %s\n", what);
	return 1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

typedef struct {
	uint32_t sig[N][128];
	uint32_t n_shingles[N];
	wu_terms terms[N]; /* copies of each article's story profile */
} sketches;

/* The stories' first pass: every article's story terms counted into df
 * (with WU_SCAN_LINES too, the same call gives wu_boiler_count its keys). */
static int scan_all(wu_sketcher *s, wu_df *df)
{
	char err[256];
	wu_article_scan a;
	for (int i = 0; i < N; i++) {
		wu_record rec = {g_ids[i], strlen(g_ids[i]), g_texts[i], strlen(g_texts[i]), "",
		                 WU_NO_DATE};
		if (wu_scan_article(s, &rec, WU_SCAN_TERMS, &a, err, sizeof err) ||
		    wu_df_add(df, a.terms))
			return fails("cannot scan an article");
	}
	return 0;
}

/* The second pass: every article sketched with its story profile (kept). */
static int sketch_all(const wu_opt *o, sketches *sk, wu_df *df)
{
	char err[256];
	wu_article_sketch a;
	wu_sketcher *s = wu_sketcher_new();
	if (!s)
		return fails("out of memory");
	if (scan_all(s, df))
		return wu_sketcher_free(s), 1;
	wu_sketcher_set_df(s, df);
	for (int i = 0; i < N; i++) {
		wu_record rec = {g_ids[i], strlen(g_ids[i]), g_texts[i], strlen(g_texts[i]), "",
		                 WU_NO_DATE};
		if (wu_sketch_article(s, &rec, o, NULL, WU_SKETCH_PROFILE, sk->sig[i], &a, err,
		                      sizeof err) || a.n_shingles == 0 ||
		    wu_terms_reserve(&sk->terms[i], a.terms->n)) {
			wu_sketcher_free(s);
			return fails("cannot sketch an article");
		}
		if (a.terms->n) /* an article all of whose terms are its own has none */
			memcpy(sk->terms[i].a, a.terms->a, a.terms->n * sizeof *a.terms->a);
		sk->terms[i].n = a.terms->n;
		sk->n_shingles[i] = (uint32_t)a.n_shingles;
	}
	wu_sketcher_free(s);
	return 0;
}

/* Clusters and forms stories; checks a ~ b, c alone, d in a's story. */
static int cluster_all(const wu_opt *o, const sketches *sk)
{
	wu_corpus *c = wu_corpus_new(o);
	wu_clusters cl = {0};
	uint32_t story[N];
	size_t n_stories = 0;
	size_t idx;
	int added;
	char err[128];
	int rc = c ? 0 : fails("out of memory");
	for (int i = 0; !rc && i < N; i++) {
		wu_sketched art = {g_ids[i], strlen(g_ids[i]), WU_NO_DATE, (uint32_t)strlen(g_texts[i]),
		                   sk->n_shingles[i], sk->sig[i], NULL, sk->terms[i].a,
		                   (uint32_t)sk->terms[i].n};
		if (wu_corpus_add(c, &art, &idx, &added, err, sizeof err))
			rc = fails(err);
		else if (!added)
			rc = fails("a repeated id");
	}
	if (!rc && (wu_cluster(c, o, 2, &cl) || wu_stories(c, &cl, o, 2, story, &n_stories)))
		rc = fails("out of memory");
	if (!rc && (cl.rep[0] != cl.rep[1] || cl.rep[2] == cl.rep[0] || cl.rep[3] == cl.rep[0]))
		rc = fails("clusters: want a and b together, c and d apart from them");
	if (!rc && (story[3] != story[0] || story[2] == story[0]))
		rc = fails("stories: want d in a's story and c outside it");
	wu_clusters_free(&cl);
	wu_corpus_free(c);
	return rc;
}

/* Indexes a and c, then asks about b (a copy of a) and d (no copy). */
static int dedup(const char *dir, const wu_opt *o, const sketches *sk)
{
	char err[256], path[512];
	wu_index_opt io;
	wu_index_opt_init(&io);
	io.writable = 1;
	snprintf(path, sizeof path, "%s/index", dir);
	wu_index *ix = wu_index_create(path, o, &io, err, sizeof err);
	if (!ix)
		return fails(err);
	wu_index_article art[N];
	for (int i = 0; i < N; i++)
		art[i] = (wu_index_article){g_ids[i], strlen(g_ids[i]), WU_NO_DATE, NULL, 0,
		                            sk->n_shingles[i], sk->sig[i]};
	wu_index_match b = {0}, d = {0};
	int added_a = 0, added_c = 0;
	int rc = wu_index_add(ix, &art[0], &added_a, err, sizeof err) ||
	         wu_index_add(ix, &art[2], &added_c, err, sizeof err) ||
	         wu_index_commit(ix, err, sizeof err) ||
	         wu_index_query(ix, &art[1], &b, err, sizeof err) ||
	         wu_index_query(ix, &art[3], &d, err, sizeof err)
	         ? fails(err) : 0;
	if (!rc && !(added_a && added_c))
		rc = fails("index: a and c are new ids and should be added");
	if (!rc && (!b.found || b.same_id || b.id.n != 3 || memcmp(b.id.s, "\"a\"", 3)))
		rc = fails("dedup: b should be found as a copy of a");
	if (!rc && d.found)
		rc = fails("dedup: d is no copy and should not be found");
	wu_str_free(&b.id), wu_str_free(&d.id);
	wu_index_close(ix);
	return rc;
}

int main(void)
{
	char err[256], dir[] = "/tmp/wiredup-example-XXXXXX";
	wu_opt o;
	wu_opt_init(&o);
	o.stories = 1;
	if (wu_opt_finish(&o, err, sizeof err))
		return fails(err);
	if (o.num_perm > 128)
		return fails("the example's signatures hold 128 values");
	sketches sk = {0};
	wu_df *df = wu_df_new();
	if (!df || !mkdtemp(dir))
		return wu_df_free(df), fails("cannot start");
	int rc = sketch_all(&o, &sk, df) || cluster_all(&o, &sk) || dedup(dir, &o, &sk);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	for (int i = 0; i < N; i++)
		wu_terms_free(&sk.terms[i]);
	wu_df_free(df);
	if (!rc)
		printf("example: ok\n");
	return rc;
}
