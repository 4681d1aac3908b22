/* Unit tests for story features (terms.c) and story clustering (story.c).
 *
 * Articles go through the real pipeline, as the command-line program runs
 * it: a first pass of wu_story_terms -> wu_df_add over the corpus, then per
 * article wu_story_terms -> wu_story_profile and wu_sketch_article ->
 * wu_corpus_add (profile attached), then wu_cluster and
 * wu_stories.
 *
 * Event write-ups are built from invented facts (names, places, numbers)
 * shared by every article about the event, the same generic fire-report
 * vocabulary for all events, and pseudo-random filler words unique to each
 * article. The filler keeps write-ups far from near-duplicates (shingles)
 * and is left out of profiles (every filler word is in one article only). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "test_weights.h"
#include "test_rng.h"

/* ------------------------------------------------------------------ */
/* Helpers: terms                                                      */
/* ------------------------------------------------------------------ */

static wu_scratch g_ws;
static wu_terms g_terms;

static void free_terms_bufs(void)
{
	wu_scratch_free(&g_ws);
	wu_terms_free(&g_terms);
}

/* wu_story_terms of s (no boilerplate) into t. */
static size_t terms_of(const char *s, wu_terms *t)
{
	assert_int_equal(wu_story_terms(s, strlen(s), NULL, NULL, &g_ws, t), 0);
	size_t n = t->n;
	/* Distinct terms, sorted by key, positive weights. */
	for (size_t i = 0; i < t->n; i++) {
		assert_true(t->a[i].weight > 0.0f);
		if (i)
			assert_true(t->a[i - 1].key < t->a[i].key);
	}
	return n;
}

/* The key of a single word (a text of that word alone has one term). */
static uint64_t key_of(const char *w)
{
	wu_terms t = {0};
	assert_int_equal(terms_of(w, &t), 1);
	uint64_t k = t.a[0].key;
	wu_terms_free(&t);
	return k;
}

static double dot(const wu_terms *x, const wu_terms *y)
{
	double s = 0;
	for (size_t i = 0, j = 0; i < x->n && j < y->n;) {
		if (x->a[i].key == y->a[j].key)
			s += (double)x->a[i++].weight * y->a[j++].weight;
		else if (x->a[i].key < y->a[j].key)
			i++;
		else
			j++;
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* Helpers: articles and corpora                                       */
/* ------------------------------------------------------------------ */

static test_rng rng; /* each test seeds it before it draws */

enum { MAX_ARTS = 256, TEXT_CAP = 8192 };

typedef struct {
	char id[32];
	char *text;
	int32_t date;
} art;

typedef struct {
	art a[MAX_ARTS];
	size_t n;
	wu_terms prof[MAX_ARTS]; /* the profiles given to the corpus */
} arts;

static arts *arts_new(void)
{
	arts *s = calloc(1, sizeof *s);
	assert_non_null(s);
	return s;
}

static void arts_free(arts *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->a[i].text);
		wu_terms_free(&s->prof[i]);
	}
	free(s);
}

/* Adds an article; id is a JSON number or string text. Returns its index. */
static size_t arts_add(arts *s, const char *id, int32_t date, const char *text)
{
	assert_true(s->n < MAX_ARTS);
	art *a = &s->a[s->n];
	snprintf(a->id, sizeof a->id, "%s", id);
	a->date = date;
	size_t len = strlen(text);
	a->text = malloc(len + 1);
	assert_non_null(a->text);
	memcpy(a->text, text, len + 1);
	return s->n++;
}

/* An invented event: every write-up of it states these facts. */
typedef struct {
	const char *town, *site, *chief, *area, *spokes;
	int toll;
} event;

static const event FIRE1 = {"Brindlemoor", "Kestrel", "Ostrava Quell", "Tannick Vale",
                            "Doria Fenwright", 12};
static const event FIRE2 = {"Castellune", "Juniper", "Marek Ivodin", "Pell Harbour",
                            "Sunniva Roake", 31};
static const event FIRE3 = {"Varnholt", "Mistral", "Ilse Dunmarrow", "Corrin Ford",
                            "Bastian Kell", 47};

/* Appends a sentence of `words` random lower-case words (unique to this
 * article with overwhelming probability). */
static void filler(char *b, size_t *n, int words)
{
	for (int i = 0; i < words; i++) {
		int len = 5 + (int)(test_rng_next(&rng) % 5);
		b[(*n)++] = ' ';
		for (int j = 0; j < len; j++)
			b[(*n)++] = (char)('a' + test_rng_next(&rng) % 26);
	}
	b[(*n)++] = '.';
	b[*n] = '\0';
}

static void fact(char *b, size_t *n, const event *e, int k)
{
	switch (k) {
	case 0:
		*n += (size_t)snprintf(b + *n, TEXT_CAP - *n,
		                       " %d workers died when fire swept the %s warehouse in %s.",
		                       e->toll, e->site, e->town);
		break;
	case 1:
		*n += (size_t)snprintf(b + *n, TEXT_CAP - *n, " Fire chief %s led crews from %s.",
		                       e->chief, e->area);
		break;
	default:
		*n += (size_t)snprintf(b + *n, TEXT_CAP - *n,
		                       " Officials at %s General Hospital treated %d people, %s said.",
		                       e->town, e->toll + 7, e->spokes);
		break;
	}
}

/* One outlet's own write-up of event e: its facts in a random order, each
 * followed by a sentence of filler; when may_drop, half the outlets leave
 * one fact out. */
static const char *writeup_facts(const event *e, uint64_t seed, int fill, int may_drop)
{
	static char b[TEXT_CAP];
	size_t n = 0;
	rng = test_rng_seed(seed);
	int order[3] = {0, 1, 2};
	for (int i = 2; i > 0; i--) {
		int j = (int)(test_rng_next(&rng) % (uint64_t)(i + 1)), t = order[i];
		order[i] = order[j], order[j] = t;
	}
	int facts = test_rng_next(&rng) % 2 || !may_drop ? 3 : 2;
	b[0] = '\0';
	for (int i = 0; i < 3; i++) {
		if (i < facts)
			fact(b, &n, e, order[i]);
		filler(b, &n, fill);
	}
	assert_true(n < TEXT_CAP);
	return b + 1; /* skip the leading space */
}

static const char *writeup(const event *e, uint64_t seed, int fill)
{
	return writeup_facts(e, seed, fill, 1);
}

/* A round-up that mentions two events equally: every fact of each. */
static const char *roundup(const event *e1, const event *e2, uint64_t seed)
{
	static char b[TEXT_CAP];
	size_t n = 0;
	rng = test_rng_seed(seed);
	b[0] = '\0';
	for (int k = 0; k < 3; k++) {
		fact(b, &n, e1, k);
		filler(b, &n, 10);
		fact(b, &n, e2, k);
		filler(b, &n, 10);
	}
	return b + 1;
}

/* Unrelated text: random words only (an empty profile). */
static const char *noise(uint64_t seed)
{
	static char b[TEXT_CAP];
	size_t n = 0;
	rng = test_rng_seed(seed);
	filler(b, &n, 60);
	return b + 1;
}

static wu_opt story_opt(void)
{
	wu_opt o;
	wu_opt_init(&o);
	o.stories = 1;
	return o;
}

/* Runs the pipeline over s under o (finished here): profiles into s->prof,
 * near-duplicate clusters into *cl (caller frees), stories into story_rep.
 * Returns the number of stories. */
static size_t run_stories(arts *s, wu_opt o, int n_threads, wu_clusters *cl, uint32_t *story_rep)
{
	assert_int_equal(wu_opt_finish(&o, NULL, 0), 0);
	assert_int_equal(o.stories, 1);
	/* First pass: document frequencies. */
	wu_df *df = wu_df_new();
	assert_non_null(df);
	for (size_t i = 0; i < s->n; i++) {
		wu_story_terms(s->a[i].text, strlen(s->a[i].text), NULL, NULL, &g_ws, &g_terms);
		assert_int_equal(wu_df_add(df, &g_terms), 0);
	}
	/* Second pass: profiles and sketches into the corpus. */
	wu_corpus *c = wu_corpus_new(&o);
	assert_non_null(c);
	wu_sketcher *sk = wu_sketcher_new();
	wu_article_sketch sh;
	assert_non_null(sk);
	uint32_t sig[1024];
	for (size_t i = 0; i < s->n; i++) {
		const art *a = &s->a[i];
		wu_terms *p = &s->prof[i];
		wu_story_terms(a->text, strlen(a->text), NULL, NULL, &g_ws, p);
		wu_story_profile(df, o.story_terms, p);
		wu_record rec = {a->id, strlen(a->id), a->text, strlen(a->text), "", a->date};
		assert_int_equal(wu_sketch_article(sk, &rec, &o, NULL, 0, sig, &sh, NULL, 0), 0);
		wu_sketched k = {a->id, strlen(a->id), a->date, (uint32_t)strlen(a->text),
		                 (uint32_t)sh.n_shingles, sig, sh.shingles, p->a, (uint32_t)p->n};
		size_t idx;
		int added;
		assert_int_equal(wu_corpus_add(c, &k, &idx, &added, NULL, 0), 0);
		assert_true(added && idx == i);
	}
	wu_sketcher_free(sk);
	wu_df_free(df);
	assert_int_equal(wu_cluster(c, &o, n_threads, cl), 0);
	size_t n_stories = 12345;
	assert_int_equal(wu_stories(c, cl, &o, n_threads, story_rep, &n_stories), 0);
	/* Invariants of any result: representatives are members of their
	 * own story, and n_stories counts them. */
	size_t reps = 0;
	for (size_t i = 0; i < s->n; i++) {
		assert_true(story_rep[i] < s->n);
		assert_int_equal(story_rep[story_rep[i]], story_rep[i]);
		reps += story_rep[i] == i;
	}
	assert_int_equal(n_stories, reps);
	wu_corpus_free(c);
	return n_stories;
}

/* Like run_stories, without near-duplicates: every article must be its
 * own cluster (the write-ups are different texts). */
static size_t stories_of(arts *s, wu_opt o, int n_threads, uint32_t *story_rep)
{
	wu_clusters cl;
	size_t n = run_stories(s, o, n_threads, &cl, story_rep);
	assert_int_equal(cl.n_clusters, s->n);
	wu_clusters_free(&cl);
	return n;
}

static int same(const uint32_t *rep, size_t i, size_t j)
{
	return rep[i] == rep[j];
}

/* ------------------------------------------------------------------ */
/* wu_story_terms                                                      */
/* ------------------------------------------------------------------ */

static void test_terms_stop_words_and_short_words(void **state)
{
	(void)state;
	wu_terms t = {0};
	/* Stop words, in any case, and 1-character words: no term. */
	assert_int_equal(terms_of("The said the SAID. x y z 7 a I", &t), 0);
	assert_int_equal(terms_of("", &t), 0);
	assert_int_equal(terms_of("!!! -- ...", &t), 0);
	/* One content word among them: one term, and no pair through a stop
	 * word or a 1-character word. */
	assert_int_equal(terms_of("The harbor said", &t), 1);
	assert_int_equal(t.a[0].key, key_of("harbor"));
	assert_true(near(t.a[0].weight, 1.0));
	assert_int_equal(terms_of("harbor the bridge", &t), 2);
	assert_int_equal(terms_of("harbor x bridge", &t), 2);
	assert_int_equal(terms_of("harbor said bridge", &t), 2);
	/* 2-character words are terms. */
	assert_int_equal(terms_of("ox", &t), 1);
	/* Stop words are matched whole: "theatre", "saidia" are not stop
	 * words, nor a prefix of one ("sai"). */
	assert_int_equal(terms_of("theatre", &t), 1);
	assert_int_equal(terms_of("saidia", &t), 1);
	assert_int_equal(terms_of("sai", &t), 1);
	wu_terms_free(&t);
	free_terms_bufs();
}

static void test_terms_bigrams(void **state)
{
	(void)state;
	wu_terms t = {0}, u = {0};
	uint64_t harbor = key_of("harbor"), bridge = key_of("bridge");
	/* Adjacent content words: both words and their pair. */
	assert_int_equal(terms_of("harbor bridge", &t), 3);
	assert_true(weight_of(&t, harbor) > 0);
	assert_true(weight_of(&t, bridge) > 0);
	uint64_t pair = 0;
	for (size_t i = 0; i < t.n; i++)
		if (t.a[i].key != harbor && t.a[i].key != bridge)
			pair = t.a[i].key;
	assert_true(pair != 0);
	assert_true(near(weight_of(&t, pair), 1.0));
	/* Same pair with other punctuation and case (a comma does not break
	 * it); in the other order it is another pair. */
	assert_int_equal(terms_of("crews, harbor, bridge", &u), 5);
	assert_true(weight_of(&u, pair) > 0);
	assert_int_equal(terms_of("bridge harbor", &u), 3);
	assert_true(weight_of(&u, pair) < 0);
	/* A sentence end breaks pairs; so does a line end. */
	assert_int_equal(terms_of("harbor. bridge", &u), 2);
	assert_int_equal(terms_of("harbor\nbridge", &u), 2);
	assert_int_equal(terms_of("harbor! bridge? ferry: museum", &u), 4);
	/* Three words: three words and two pairs. */
	assert_int_equal(terms_of("harbor bridge ferry", &u), 5);
	wu_terms_free(&t);
	wu_terms_free(&u);
	free_terms_bufs();
}

static void test_terms_weights(void **state)
{
	(void)state;
	wu_terms t = {0}, u = {0};
	/* tf weighting: 1 + ln(tf). Sentence ends keep pairs out. */
	assert_int_equal(terms_of("harbor. harbor. harbor.", &t), 1);
	assert_true(near(t.a[0].weight, 1.0 + log(3.0)));
	assert_int_equal(terms_of("harbor. ferry. harbor. harbor. ferry. museum", &t), 3);
	assert_true(near(weight_of(&t, key_of("harbor")), 1.0 + log(3.0)));
	assert_true(near(weight_of(&t, key_of("ferry")), 1.0 + log(2.0)));
	assert_true(near(weight_of(&t, key_of("museum")), 1.0));
	/* "harbor harbor harbor": the word 3 times, its pair with itself twice. */
	assert_int_equal(terms_of("harbor harbor harbor", &t), 2);
	assert_true(near(weight_of(&t, key_of("harbor")), 1.0 + log(3.0)));

	/* A name: capitalised mid-sentence -> 1.5x the same text lower-case.
	 * Only that word differs: its pairs are not names (both words of a pair
	 * must be), and the first word of a sentence is never a name. */
	const char *cap = "Crews reached Brindle today.";
	const char *low = "Crews reached brindle today.";
	assert_int_equal(terms_of(cap, &t), 7);
	assert_int_equal(terms_of(low, &u), 7);
	uint64_t brindle = key_of("brindle");
	int differing = 0;
	for (size_t i = 0; i < t.n; i++) {
		assert_int_equal(t.a[i].key, u.a[i].key);
		if (t.a[i].key == brindle)
			assert_true(near(t.a[i].weight, 1.5 * u.a[i].weight));
		else
			assert_true(near(t.a[i].weight, u.a[i].weight));
		differing += t.a[i].weight != u.a[i].weight;
	}
	assert_int_equal(differing, 1);
	/* Capitalised at a sentence start only: not a name. */
	assert_int_equal(terms_of("Crews reached town. Brindle was quiet.", &t), 7);
	assert_true(near(weight_of(&t, brindle), 1.0));
	/* Most occurrences: 2 of 3 capitalised is a name (with tf 3) ... */
	assert_int_equal(terms_of("We saw Brindle. We saw Brindle. We saw brindle.", &t), 3);
	assert_true(near(weight_of(&t, brindle), 1.5 * (1.0 + log(3.0))));
	/* ... 1 of 2 is not. */
	assert_int_equal(terms_of("We saw Brindle. We saw brindle.", &t), 3);
	assert_true(near(weight_of(&t, brindle), 1.0 + log(2.0)));
	/* A pair of two names is a name; a pair of a name and another word is
	 * not: of met, ostrava, quell, met-ostrava, ostrava-quell, three are
	 * boosted. */
	assert_int_equal(terms_of("We met Ostrava Quell.", &t), 5);
	assert_int_equal(terms_of("We met ostrava quell.", &u), 5);
	int boosted = 0;
	for (size_t i = 0; i < t.n; i++) {
		assert_int_equal(t.a[i].key, u.a[i].key);
		if (near(t.a[i].weight, 1.5 * u.a[i].weight))
			boosted++;
		else
			assert_true(near(t.a[i].weight, u.a[i].weight));
	}
	assert_int_equal(boosted, 3);
	assert_true(near(weight_of(&t, key_of("met")), 1.0));
	assert_true(near(weight_of(&t, key_of("quell")), 1.5));

	/* A number: 2x; a year: not boosted. */
	assert_int_equal(terms_of("31", &t), 1);
	assert_true(near(t.a[0].weight, 2.0));
	assert_int_equal(terms_of("2024", &t), 1);
	assert_true(near(t.a[0].weight, 1.0));
	assert_int_equal(terms_of("1987", &t), 1);
	assert_true(near(t.a[0].weight, 1.0));
	assert_int_equal(terms_of("barrels", &t), 1);
	assert_true(near(t.a[0].weight, 1.0));
	assert_int_equal(terms_of("4700", &t), 1);
	assert_true(near(t.a[0].weight, 2.0));
	assert_int_equal(terms_of("12345", &t), 1);
	assert_true(near(t.a[0].weight, 2.0));
	/* A pair with a number is a number. */
	assert_int_equal(terms_of("31 barrels", &t), 3);
	assert_true(near(weight_of(&t, key_of("31")), 2.0));
	assert_true(near(weight_of(&t, key_of("barrels")), 1.0));
	for (size_t i = 0; i < t.n; i++)
		if (t.a[i].key != key_of("31") && t.a[i].key != key_of("barrels"))
			assert_true(near(t.a[i].weight, 2.0));
	/* Number and tf: 2 (1 + ln 2). */
	assert_int_equal(terms_of("31. 31.", &t), 1);
	assert_true(near(t.a[0].weight, 2.0 * (1.0 + log(2.0))));
	wu_terms_free(&t);
	wu_terms_free(&u);
	free_terms_bufs();
}

static void test_terms_skip_boilerplate(void **state)
{
	(void)state;
	wu_boiler *b = wu_boiler_new();
	wu_str tmp = {0};
	const char *nav = "Kestrel Daily | Home | World | Sports";
	assert_int_equal(wu_boiler_known(b, nav, strlen(nav), &tmp), 0);
	wu_boiler_finish(b, 2, 1);
	wu_terms t = {0}, u = {0};
	char text[256];
	snprintf(text, sizeof text, "%s\nFerry crossing reopened\n%s", nav, nav);
	wu_story_terms(text, strlen(text), "Any", b, &g_ws, &t);
	terms_of("Ferry crossing reopened", &u);
	assert_int_equal(t.n, u.n);
	assert_memory_equal(t.a, u.a, t.n * sizeof *t.a);
	/* Without b, the nav line's words count. */
	wu_story_terms(text, strlen(text), "Any", NULL, &g_ws, &t);
	assert_true(t.n > u.n);
	wu_boiler_free(b);
	wu_str_free(&tmp);
	wu_terms_free(&t);
	wu_terms_free(&u);
	free_terms_bufs();
}

/* ------------------------------------------------------------------ */
/* wu_df + wu_story_profile                                            */
/* ------------------------------------------------------------------ */

static void df_add_text(wu_df *d, const char *s)
{
	wu_terms t = {0};
	terms_of(s, &t);
	assert_int_equal(wu_df_add(d, &t), 0);
	wu_terms_free(&t);
}

static double sum_sq(const wu_terms *t)
{
	double s = 0;
	for (size_t i = 0; i < t->n; i++)
		s += (double)t->a[i].weight * t->a[i].weight;
	return s;
}

static void assert_profile_shape(const wu_terms *t, size_t m)
{
	assert_true(t->n <= m);
	if (t->n)
		assert_true(fabs(sum_sq(t) - 1.0) < 1e-5);
	for (size_t i = 1; i < t->n; i++)
		assert_true(t->a[i - 1].key < t->a[i].key);
}

static void test_profile_small_corpus(void **state)
{
	(void)state;
	/* 3 articles: harbor and ferry in two (df 2), the rest in one. */
	static const char *const docs[] = {
		"harbor. bridge. ferry.",
		"harbor. ferry. museum. harbor.",
		"stadium. orchard.",
	};
	wu_df *d = wu_df_new();
	for (int i = 0; i < 3; i++)
		df_add_text(d, docs[i]);
	wu_terms t = {0};
	/* Doc 0: bridge (df 1) dropped; harbor and ferry both weigh
	 * 1 * ln(3/2): 1/sqrt(2) each after normalising. */
	terms_of(docs[0], &t);
	assert_int_equal(t.n, 3);
	wu_story_profile(d, 64, &t);
	assert_int_equal(t.n, 2);
	assert_profile_shape(&t, 64);
	assert_true(near(weight_of(&t, key_of("harbor")), sqrt(0.5)));
	assert_true(near(weight_of(&t, key_of("ferry")), sqrt(0.5)));
	assert_true(weight_of(&t, key_of("bridge")) < 0);
	/* Doc 1: harbor twice: (1 + ln 2) ln 1.5 vs ln 1.5. */
	terms_of(docs[1], &t);
	wu_story_profile(d, 64, &t);
	assert_int_equal(t.n, 2);
	assert_profile_shape(&t, 64);
	double h = 1.0 + log(2.0), norm = sqrt(h * h + 1.0);
	assert_true(near(weight_of(&t, key_of("harbor")), h / norm));
	assert_true(near(weight_of(&t, key_of("ferry")), 1.0 / norm));
	/* Doc 2: every term in one article only: empty profile. */
	terms_of(docs[2], &t);
	wu_story_profile(d, 64, &t);
	assert_int_equal(t.n, 0);
	/* m caps the profile at the heaviest terms. */
	terms_of(docs[1], &t);
	wu_story_profile(d, 1, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.a[0].key, key_of("harbor"));
	assert_true(near(t.a[0].weight, 1.0));
	wu_terms_free(&t);
	wu_df_free(d);
	wu_df_free(NULL);
	free_terms_bufs();
}

static void test_profile_half_rule(void **state)
{
	(void)state;
	/* N articles: "common" in 11, "half" in 10, "rare" in 2, "alpha" and
	 * "beta" in 4. From 20 articles on, a term in more than half of them
	 * is left out; with 19 it stays. */
	for (int N = 19; N <= 22; N++) {
		wu_df *d = wu_df_new();
		char text[256];
		for (int i = 0; i < N; i++) {
			snprintf(text, sizeof text, "%s %s %s %s filler%c%c.", i < 11 ? "common." : "",
			         i < 10 ? "half." : "", i < 2 ? "rare." : "", i < 4 ? "alpha. beta." : "",
			         'a' + i % 26, 'a' + i / 26);
			df_add_text(d, text);
		}
		wu_terms t = {0};
		terms_of("common. half. rare. alpha. beta. fillerqq.", &t);
		assert_int_equal(t.n, 6);
		wu_story_profile(d, 64, &t);
		size_t n = t.n;
		assert_profile_shape(&t, 64);
		/* common: more than half at N = 19, 20, 21, but the rule starts at
		 * 20; at 22 it is exactly half: kept. half: more than half only at
		 * N = 19 (rule off): always kept. */
		int want_common = N < 20 || N >= 22;
		assert_int_equal(weight_of(&t, key_of("common")) > 0, want_common);
		assert_true(weight_of(&t, key_of("half")) > 0);
		assert_true(weight_of(&t, key_of("rare")) > 0);
		assert_true(weight_of(&t, key_of("alpha")) > 0);
		assert_true(weight_of(&t, key_of("fillerqq")) < 0); /* df 0 */
		assert_int_equal(n, 4u + (size_t)want_common);
		/* idf ordering: rare (df 2) > alpha = beta (df 4) > half (df 10). */
		assert_true(weight_of(&t, key_of("rare")) > weight_of(&t, key_of("alpha")));
		assert_true(near(weight_of(&t, key_of("alpha")), weight_of(&t, key_of("beta"))));
		assert_true(weight_of(&t, key_of("alpha")) > weight_of(&t, key_of("half")));
		double r = log((double)N / 2), a = log((double)N / 4), hf = log((double)N / 10);
		assert_true(near(weight_of(&t, key_of("rare")) / weight_of(&t, key_of("half")), r / hf));
		assert_true(near(weight_of(&t, key_of("alpha")) / weight_of(&t, key_of("half")), a / hf));
		wu_terms_free(&t);
		wu_df_free(d);
	}
	free_terms_bufs();
}

static void test_profile_top_m(void **state)
{
	(void)state;
	/* A write-up of FIRE1 in a corpus of 30 write-ups of three events: the
	 * profile keeps the m heaviest terms, normalised, sorted by key. */
	wu_df *d = wu_df_new();
	const event *ev[3] = {&FIRE1, &FIRE2, &FIRE3};
	for (int i = 0; i < 30; i++) {
		wu_terms t = {0};
		const char *w = writeup(ev[i % 3], 1000 + (uint64_t)i, 8);
		wu_story_terms(w, strlen(w), NULL, NULL, &g_ws, &t);
		assert_int_equal(wu_df_add(d, &t), 0);
		wu_terms_free(&t);
	}
	wu_terms all = {0}, top = {0};
	const char *w = writeup(&FIRE1, 1000, 8);
	wu_story_terms(w, strlen(w), NULL, NULL, &g_ws, &all);
	wu_story_profile(d, 1000, &all);
	size_t n_all = all.n;
	assert_profile_shape(&all, 1000);
	assert_true(n_all > 20);
	for (size_t m = 1; m <= n_all + 1; m += 3) {
		wu_story_terms(w, strlen(w), NULL, NULL, &g_ws, &top);
		wu_story_profile(d, (int)m, &top);
		assert_int_equal(top.n, m < n_all ? m : n_all);
		assert_profile_shape(&top, m);
		/* The kept terms are the heaviest of the full profile: none left
		 * out is heavier than one kept. */
		double lightest_kept = 2;
		for (size_t i = 0; i < top.n; i++) {
			double wa = weight_of(&all, top.a[i].key);
			assert_true(wa > 0);
			lightest_kept = wa < lightest_kept ? wa : lightest_kept;
		}
		for (size_t i = 0; i < all.n; i++)
			if (weight_of(&top, all.a[i].key) < 0)
				assert_true(all.a[i].weight <= lightest_kept + 1e-7);
	}
	/* The generic words (in all 30) are left out (more than half); the
	 * event's own names and numbers (in 10 of 30) stay, the number
	 * (x2) heavier than a name (x1.5) of the same tf and df. */
	assert_true(weight_of(&all, key_of("fire")) < 0);
	assert_true(weight_of(&all, key_of("warehouse")) < 0);
	assert_true(weight_of(&all, key_of("crews")) < 0);
	assert_true(weight_of(&all, key_of("12")) > 0);
	assert_true(weight_of(&all, key_of("kestrel")) > 0);
	assert_true(near(weight_of(&all, key_of("12")) / weight_of(&all, key_of("kestrel")),
	                 2.0 / 1.5));
	wu_terms_free(&all);
	wu_terms_free(&top);
	wu_df_free(d);
	free_terms_bufs();
}

/* ------------------------------------------------------------------ */
/* wu_stories                                                          */
/* ------------------------------------------------------------------ */

static void test_stories_two_events(void **state)
{
	(void)state;
	arts *s = arts_new();
	char id[32];
	/* 5 write-ups of each fire (dates within 4 days), interleaved, and
	 * two unrelated articles. */
	for (int k = 0; k < 5; k++) {
		snprintf(id, sizeof id, "%d", 10 + k);
		arts_add(s, id, 19800 + k, writeup(&FIRE1, 100 + (uint64_t)k, 20));
		snprintf(id, sizeof id, "%d", 20 + k);
		arts_add(s, id, 19800 + 4 - k, writeup(&FIRE2, 200 + (uint64_t)k, 20));
	}
	for (int k = 0; k < 2; k++) {
		snprintf(id, sizeof id, "%d", 90 + k);
		arts_add(s, id, 19801, noise(900 + (uint64_t)k));
	}
	uint32_t rep[MAX_ARTS];
	assert_int_equal(stories_of(s, story_opt(), 1, rep), 2 + 2);
	for (size_t i = 0; i < 10; i++)
		for (size_t j = 0; j < 10; j++)
			assert_int_equal(same(rep, i, j), i % 2 == j % 2);
	for (size_t i = 10; i < 12; i++)
		assert_int_equal(rep[i], i);
	/* Every within-event similarity is far above every cross-event one
	 * (generic words only, low idf) and the default threshold 0.15. */
	double within = 1, across = 0;
	for (size_t i = 0; i < 10; i++)
		for (size_t j = i + 1; j < 10; j++) {
			double d = dot(&s->prof[i], &s->prof[j]);
			if (i % 2 == j % 2)
				within = d < within ? d : within;
			else
				across = d > across ? d : across;
		}
	print_message("within-event >= %.3f, across events <= %.3f\n", within, across);
	assert_true(within > 0.3);
	assert_true(across < 0.1);
	arts_free(s);
	free_terms_bufs();
}

/* Chaining. A = a write-up of fire 1, C = one of fire 2, B = a round-up
 * stating every fact of both fires (half its profile weight on each), plus
 * three more write-ups of each fire.
 *
 * Profiles (measured and asserted in the test): write-ups of one fire
 * share two or three facts (similarity 0.35..1), write-ups of different
 * fires share only generic words (across <= ~0.03), and B is moderately
 * similar to every write-up of either fire (0.49..0.73 = b_min..b_max).
 * The story threshold t = 0.4 lies between (b_max + across) / 2 and b_min:
 *  - single link joins on any one pair >= t: B~A and B~C both pass, so
 *    fire 1 -- A -- B -- C -- fire 2 chain into ONE story, although no
 *    write-up of fire 1 is similar to any write-up of fire 2;
 *  - average linkage compares mean similarities. Before B joins anything,
 *    stories of the two fires have a mean <= across < t: never merged. B
 *    can join a story of one fire (mean >= b_min >= t). A story holding B
 *    and k >= 1 write-ups of one fire has a mean similarity to any story
 *    of the other fire of at most (b_max + k * across) / (k + 1) <=
 *    (b_max + across) / 2 < t: never merged either. So the fires stay in
 *    two stories whatever the merge order.
 * Without B, single link keeps the fires apart too: the chain is B. */
static void build_chain(arts *s, int with_b)
{
	char id[32];
	arts_add(s, "\"A\"", 19800, writeup(&FIRE1, 300, 20));
	if (with_b)
		arts_add(s, "\"B\"", 19801, roundup(&FIRE1, &FIRE2, 301));
	arts_add(s, "\"C\"", 19801, writeup(&FIRE2, 302, 20));
	for (int k = 0; k < 3; k++) {
		snprintf(id, sizeof id, "\"e1-%d\"", k);
		arts_add(s, id, 19800 + k, writeup(&FIRE1, 310 + (uint64_t)k, 20));
		snprintf(id, sizeof id, "\"e2-%d\"", k);
		arts_add(s, id, 19800 + k, writeup(&FIRE2, 320 + (uint64_t)k, 20));
	}
}

static void test_stories_single_link_chains(void **state)
{
	(void)state;
	const double t = 0.4;
	uint32_t rep[MAX_ARTS];
	wu_opt o = story_opt();
	o.story_threshold = t;

	arts *s = arts_new();
	build_chain(s, 1);
	enum { A = 0, B = 1, C = 2 };
	const size_t n = s->n; /* A, B, C, then e1-k at 3 + 2k, e2-k at 4 + 2k */
	int fire[MAX_ARTS] = {1, 0, 2};
	for (size_t i = 3; i < n; i++)
		fire[i] = (i - 3) % 2 ? 2 : 1;

	/* Default: average linkage keeps the fires apart; B joins one. */
	assert_int_equal(stories_of(s, o, 1, rep), 2);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (fire[i] && fire[j])
				assert_int_equal(same(rep, i, j), fire[i] == fire[j]);
	assert_true(same(rep, B, A) || same(rep, B, C));

	/* The preconditions that make this a demonstration of chaining. */
	double b_min = 1, b_max = 0, within_min = 1, across_max = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == B)
			continue;
		double bd = dot(&s->prof[B], &s->prof[i]);
		b_min = bd < b_min ? bd : b_min;
		b_max = bd > b_max ? bd : b_max;
		for (size_t j = i + 1; j < n; j++) {
			if (j == B)
				continue;
			double d = dot(&s->prof[i], &s->prof[j]);
			if (fire[i] == fire[j])
				within_min = d < within_min ? d : within_min;
			else
				across_max = d > across_max ? d : across_max;
		}
	}
	print_message("within-fire >= %.3f, across fires <= %.3f, B to any in [%.3f, %.3f], "
	              "t = %.2f\n", within_min, across_max, b_min, b_max, t);
	assert_true(across_max < t);                /* no direct link between the fires */
	assert_true(b_min >= t);                    /* B links to every write-up of both */
	assert_true((b_max + across_max) / 2 < t); /* B's story never bridges them */
	assert_true(within_min > across_max);

	/* Single link: A, B, C and both fires in one story. */
	o.story_single_link = 1;
	assert_int_equal(stories_of(s, o, 1, rep), 1);
	assert_true(same(rep, A, C) && same(rep, A, B));
	arts_free(s);

	/* Without B, single link keeps the fires apart: B was the chain. */
	s = arts_new();
	build_chain(s, 0);
	assert_int_equal(stories_of(s, o, 1, rep), 2);
	assert_false(same(rep, 0, 1)); /* A, C */
	arts_free(s);
	free_terms_bufs();
}

static void test_stories_date_window(void **state)
{
	(void)state;
	uint32_t rep[MAX_ARTS];
	const int32_t d0 = 19800;
	/* Two write-ups of fire 1, 30 days apart, and two of fire 2 (which
	 * also gives fire 1's terms an idf). */
	arts *s = arts_new();
	arts_add(s, "1", d0, writeup(&FIRE1, 400, 20));
	arts_add(s, "2", d0 + 30, writeup(&FIRE1, 401, 20));
	arts_add(s, "3", d0, writeup(&FIRE2, 402, 20));
	arts_add(s, "4", d0 + 1, writeup(&FIRE2, 403, 20));
	wu_opt o = story_opt();
	o.window_days = 0; /* no limit */
	assert_int_equal(stories_of(s, o, 1, rep), 2);
	assert_true(same(rep, 0, 1));
	o.window_days = 7;
	assert_int_equal(stories_of(s, o, 1, rep), 3);
	assert_false(same(rep, 0, 1));
	assert_true(same(rep, 2, 3));
	o.window_days = 29; /* 30 days apart: one day too many */
	assert_int_equal(stories_of(s, o, 1, rep), 3);
	o.window_days = 30; /* exactly the window: allowed */
	assert_int_equal(stories_of(s, o, 1, rep), 2);

	/* Undated write-ups are not constrained: one joins a dated story (and
	 * its dated articles' span decides), two undated ones join each other,
	 * whatever the window. */
	arts_add(s, "5", WU_NO_DATE, writeup(&FIRE1, 404, 20));
	o.window_days = 7;
	assert_int_equal(stories_of(s, o, 1, rep), 3);
	assert_true(same(rep, 4, 0) || same(rep, 4, 1));
	assert_false(same(rep, 0, 1));
	arts_free(s);

	s = arts_new();
	arts_add(s, "1", WU_NO_DATE, writeup(&FIRE1, 410, 20));
	arts_add(s, "2", WU_NO_DATE, writeup(&FIRE1, 411, 20));
	arts_add(s, "3", d0, writeup(&FIRE1, 412, 20));
	arts_add(s, "4", d0 + 5, writeup(&FIRE1, 413, 20));
	arts_add(s, "5", d0 + 100, writeup(&FIRE2, 414, 20));
	arts_add(s, "6", d0 + 101, writeup(&FIRE2, 415, 20));
	o.window_days = 7;
	assert_int_equal(stories_of(s, o, 1, rep), 2);
	for (size_t i = 1; i < 4; i++)
		assert_true(same(rep, 0, i));
	assert_true(same(rep, 4, 5));
	o.window_days = 1;
	assert_int_equal(stories_of(s, o, 1, rep), 3);
	assert_false(same(rep, 2, 3));
	arts_free(s);
	free_terms_bufs();
}

static void test_stories_contain_clusters(void **state)
{
	(void)state;
	uint32_t rep[MAX_ARTS];
	const int32_t d0 = 19800;
	arts *s = arts_new();
	char text[TEXT_CAP + 64], id[32];
	for (int k = 0; k < 3; k++) {
		snprintf(id, sizeof id, "%d", 10 + k);
		arts_add(s, id, d0 + k, writeup(&FIRE1, 500 + (uint64_t)k, 20));
		snprintf(id, sizeof id, "%d", 20 + k);
		arts_add(s, id, d0 + k, writeup(&FIRE2, 510 + (uint64_t)k, 20));
	}
	/* Near-duplicates: a copy of a fire 1 write-up with a credit line; a
	 * copy of a fire 2 write-up published 30 days later (its cluster spans
	 * more than the window); a copy of the round-up; copies of an
	 * unrelated article (empty profiles). */
	snprintf(text, sizeof text, "%s Reporting by Jane Doe.", s->a[0].text);
	arts_add(s, "30", d0 + 1, text);
	arts_add(s, "31", d0 + 30, s->a[1].text);
	arts_add(s, "32", d0 + 1, roundup(&FIRE1, &FIRE2, 520));
	arts_add(s, "33", d0 + 2, s->a[s->n - 1].text);
	arts_add(s, "34", d0, noise(530));
	arts_add(s, "35", d0 + 3, s->a[s->n - 1].text);
	for (int sl = 0; sl < 2; sl++) {
		for (int win = 0; win <= 7; win += 7) {
			wu_opt o = story_opt();
			o.window_days = win;
			o.story_single_link = sl;
			o.story_threshold = 0.35;
			wu_clusters cl;
			size_t ns = run_stories(s, o, 2, &cl, rep);
			assert_int_equal(cl.n_clusters, s->n - 4);
			assert_true(cl.rep[6] == cl.rep[0] && cl.rep[7] == cl.rep[1]);
			assert_true(cl.rep[8] == cl.rep[9] && cl.rep[10] == cl.rep[11]);
			for (size_t i = 0; i < s->n; i++)
				for (size_t j = 0; j < s->n; j++)
					if (cl.rep[i] == cl.rep[j])
						assert_true(same(rep, i, j));
			assert_true(ns <= cl.n_clusters);
			/* The two fires stay apart under average linkage. */
			if (!sl)
				assert_false(same(rep, 0, 1));
			wu_clusters_free(&cl);
		}
	}
	arts_free(s);
	free_terms_bufs();
}

/* Is a a better representative than b (earliest date, longest text,
 * smallest id)? Written out from the documented rule. */
static int better(const arts *s, size_t a, size_t b)
{
	const art *x = &s->a[a], *y = &s->a[b];
	if (x->date != y->date)
		return x->date < y->date; /* WU_NO_DATE is INT32_MAX: last */
	size_t lx = strlen(x->text), ly = strlen(y->text);
	if (lx != ly)
		return lx > ly;
	return wu_id_cmp(x->id, strlen(x->id), y->id, strlen(y->id)) < 0;
}

static void assert_story_reps(const arts *s, const uint32_t *rep)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t best = i;
		for (size_t j = 0; j < s->n; j++)
			if (rep[j] == rep[i] && better(s, j, best))
				best = j;
		assert_int_equal(rep[i], best);
	}
}

/* Pads text with trailing spaces to len bytes (same words). */
static const char *padded(const char *text, size_t len)
{
	static char b[TEXT_CAP];
	size_t n = strlen(text);
	assert_true(n <= len && len < TEXT_CAP);
	memcpy(b, text, n);
	memset(b + n, ' ', len - n);
	b[len] = '\0';
	return b;
}

static void test_stories_representative(void **state)
{
	(void)state;
	uint32_t rep[MAX_ARTS];
	const int32_t d0 = 19800;
	arts *s = arts_new();
	/* Fire 1: dates 5, 3, 3 (the second longer), 4, undated (longest):
	 * the longer of the two earliest, index 2. */
	arts_add(s, "1", d0 + 5, writeup(&FIRE1, 600, 20));
	arts_add(s, "2", d0 + 3, writeup(&FIRE1, 601, 20));
	arts_add(s, "3", d0 + 3, writeup(&FIRE1, 602, 26));
	arts_add(s, "4", d0 + 4, writeup(&FIRE1, 603, 20));
	arts_add(s, "5", WU_NO_DATE, writeup(&FIRE1, 604, 40));
	/* Fire 2: one date, equal lengths: the smallest id, numbers before
	 * strings and by value ("9" < "10" < "\"1\""). */
	char a[TEXT_CAP], b[TEXT_CAP], c[TEXT_CAP];
	strcpy(a, writeup(&FIRE2, 610, 20));
	strcpy(b, writeup(&FIRE2, 611, 20));
	strcpy(c, writeup(&FIRE2, 612, 20));
	size_t len = strlen(a);
	len = strlen(b) > len ? strlen(b) : len;
	len = strlen(c) > len ? strlen(c) : len;
	arts_add(s, "\"1\"", d0 + 2, padded(a, len));
	arts_add(s, "10", d0 + 2, padded(b, len));
	arts_add(s, "9", d0 + 2, padded(c, len));
	/* Fire 3: only undated: the longest. */
	arts_add(s, "40", WU_NO_DATE, writeup(&FIRE3, 620, 20));
	arts_add(s, "41", WU_NO_DATE, writeup(&FIRE3, 621, 30));
	arts_add(s, "42", WU_NO_DATE, writeup(&FIRE3, 622, 20));
	wu_opt o = story_opt();
	assert_int_equal(stories_of(s, o, 1, rep), 3);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(rep[i], 2);
	for (size_t i = 5; i < 8; i++)
		assert_int_equal(rep[i], 7);
	for (size_t i = 8; i < 11; i++)
		assert_int_equal(rep[i], 9);
	assert_story_reps(s, rep);
	arts_free(s);
	free_terms_bufs();
}

/* A corpus of many events, with near-duplicates, round-ups and noise. */
static arts *build_random(void)
{
	arts *s = arts_new();
	static char names[12][6][16];
	static event ev[12];
	rng = test_rng_seed(4242);
	for (int e = 0; e < 12; e++) {
		for (int k = 0; k < 6; k++) {
			int len = 5 + (int)(test_rng_next(&rng) % 6);
			for (int j = 0; j < len; j++)
				names[e][k][j] = (char)((j ? 'a' : 'A') + test_rng_next(&rng) % 26);
			names[e][k][len] = '\0';
		}
		ev[e] = (event){names[e][0], names[e][1], names[e][2], names[e][3], names[e][4],
		                3 + (int)(test_rng_next(&rng) % 500)};
	}
	char id[32];
	int k = 0;
	for (int e = 0; e < 12; e++) {
		int m = 3 + e % 5;
		for (int j = 0; j < m; j++) {
			snprintf(id, sizeof id, "%d", 1000 - k);
			arts_add(s, id, 19800 + (e * 3 + j) % 20, writeup(&ev[e], 7000 + (uint64_t)k, 12));
			k++;
		}
	}
	for (int j = 0; j < 6; j++) {
		snprintf(id, sizeof id, "\"r%d\"", j);
		arts_add(s, id, 19805 + j, roundup(&ev[j], &ev[j + 6], 8000 + (uint64_t)j));
		snprintf(id, sizeof id, "\"n%d\"", j);
		arts_add(s, id, 19800, noise(8100 + (uint64_t)j));
	}
	size_t n0 = s->n;
	for (size_t j = 0; j < n0; j += 5) {
		snprintf(id, sizeof id, "\"d%zu\"", j);
		arts_add(s, id, s->a[j].date + (int32_t)(j % 3), s->a[j].text);
	}
	return s;
}

static void test_stories_thread_invariant(void **state)
{
	(void)state;
	arts *s = build_random();
	uint32_t ref[MAX_ARTS], got[MAX_ARTS];
	for (int sl = 0; sl < 2; sl++) {
		for (int mb = 2; mb <= 64; mb *= 32) {
			wu_opt o = story_opt();
			o.story_single_link = sl;
			o.max_bucket = mb;
			o.window_days = 10;
			wu_clusters cl;
			size_t n1 = run_stories(s, o, 1, &cl, ref);
			wu_clusters_free(&cl);
			print_message("single_link %d, max_bucket %d: %zu articles, %zu stories\n", sl, mb,
			              s->n, n1);
			assert_true(n1 > 6 && n1 < s->n);
			assert_story_reps(s, ref);
			for (int th = 2; th <= 4; th += 2) {
				size_t n2 = run_stories(s, o, th, &cl, got);
				wu_clusters_free(&cl);
				assert_int_equal(n2, n1);
				assert_memory_equal(got, ref, s->n * sizeof *ref);
			}
		}
	}
	arts_free(s);
	free_terms_bufs();
}

/* ------------------------------------------------------------------ */
/* Known library bugs (kept last)                                      */
/* ------------------------------------------------------------------ */

/* Regression (fixed): wu_story_profile() divides by a zero norm. With fewer than 20
 * articles, a term in every article keeps weight * ln(N/df) = 0; when all
 * of an article's surviving terms are such, the L2 norm is 0 and every
 * weight becomes 0/0 = NaN (terms.c, wu_story_profile). Case: 2 articles
 * "harbor. ferry. alpha." and "harbor. ferry. beta.": the first's profile
 * is {harbor: NaN, ferry: NaN}; expected finite weights (an empty or
 * zero profile). In wu_stories() a NaN similarity passes the threshold
 * test (NaN < t is false) and is merged: in a 2-article corpus, two
 * unrelated articles sharing only "Fire crews" end in ONE story
 * (expected 2). */
static void test_bug_profile_nan_zero_norm(void **state)
{
	(void)state;
	wu_df *d = wu_df_new();
	df_add_text(d, "harbor. ferry. alpha.");
	df_add_text(d, "harbor. ferry. beta.");
	wu_terms t = {0};
	terms_of("harbor. ferry. alpha.", &t);
	wu_story_profile(d, 64, &t);
	size_t n = t.n;
	int finite = 1;
	for (size_t i = 0; i < n; i++)
		finite &= isfinite(t.a[i].weight) != 0;
	print_message("profile of %zu terms, first weight %g\n", n, n ? (double)t.a[0].weight : 0.0);
	wu_terms_free(&t);
	wu_df_free(d);

	arts *s = arts_new();
	arts_add(s, "1", 19800, "Fire crews fought flames at the Kestrel warehouse in Brindlemoor.");
	arts_add(s, "2", 19800, "Fire crews rescued a stranded heron near Castellune harbour.");
	uint32_t rep[2];
	size_t ns = stories_of(s, story_opt(), 1, rep);
	print_message("two unrelated articles: %zu stories (want 2)\n", ns);
	arts_free(s);
	free_terms_bufs();
	assert_true(finite);
	assert_int_equal(ns, 2);
}

/* Regression (fixed): "words of 2+ characters" is checked in bytes (terms.c, word():
 * n < 2), so a 1-character word outside ASCII is a term: "é" (2 bytes)
 * and "中" (3 bytes) each give one term; expected none. */
static void test_bug_terms_one_char_non_ascii(void **state)
{
	(void)state;
	wu_terms t = {0};
	size_t e = terms_of("\xC3\xA9", &t);        /* é */
	size_t z = terms_of("\xE4\xB8\xAD", &t);    /* 中 */
	size_t a = terms_of("x \xC3\xA9 y", &t);
	print_message("terms: \"e-acute\" %zu, \"zhong\" %zu, \"x e-acute y\" %zu (want 0)\n", e, z, a);
	wu_terms_free(&t);
	free_terms_bufs();
	assert_int_equal(e, 0);
	assert_int_equal(z, 0);
	assert_int_equal(a, 0);
}

/* Regression (fixed): the year test in numeric_flag() (terms.c) accepts any 4-byte word
 * starting 19, 10, 29 or 20 ([12][09]..), digits or not, so numbers and
 * measures that are not years lose the x2 number boost: "2950", "10th",
 * "20km" weigh 1 (expected 2, like "4700" or "31"). */
static void test_bug_terms_year_rule_too_wide(void **state)
{
	(void)state;
	static const char *const words[] = {"2950", "10th", "20km"};
	double w[3];
	wu_terms t = {0};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(terms_of(words[i], &t), 1);
		w[i] = t.a[0].weight;
	}
	print_message("weights: 2950 %.2f, 10th %.2f, 20km %.2f (want 2)\n", w[0], w[1], w[2]);
	wu_terms_free(&t);
	free_terms_bufs();
	for (int i = 0; i < 3; i++)
		assert_true(near(w[i], 2.0));
}

/* Regression (fixed): candidate_pairs() in story.c keeps at
 * most 4 * max_bucket distinct units per term's posting list and drops the
 * rest, so units after the first 4 * max_bucket (in input order) sharing a
 * term get no candidate pair from it at all; the header says long posting
 * lists "are linked to their first members only" (as LSH buckets in
 * wu_cluster, where every member is linked to the first max_bucket). Case:
 * 12 write-ups of one fire + 2 of another, max_bucket 2: the fire's
 * write-ups 9..12 share all their top terms with the first 8 but are
 * never candidates: 2 + 4 stories instead of 2 (max_bucket 64: 2). */
static void test_bug_story_posting_cap_drops_members(void **state)
{
	(void)state;
	arts *s = arts_new();
	char id[32];
	for (int k = 0; k < 12; k++) {
		snprintf(id, sizeof id, "%d", k);
		arts_add(s, id, 19800, writeup_facts(&FIRE1, 700 + (uint64_t)k, 20, 0));
	}
	arts_add(s, "100", 19800, writeup(&FIRE2, 800, 20));
	arts_add(s, "101", 19800, writeup(&FIRE2, 801, 20));
	uint32_t rep[MAX_ARTS];
	wu_opt o = story_opt();
	assert_int_equal(stories_of(s, o, 1, rep), 2); /* control */
	o.max_bucket = 2;
	size_t ns = stories_of(s, o, 1, rep);
	print_message("max_bucket 2: %zu stories (want 2)\n", ns);
	arts_free(s);
	free_terms_bufs();
	assert_int_equal(ns, 2);
}

/* ------------------------------------------------------------------ */
/* wu__story_candidates: weighted MinHash over the stories' profiles    */
/* ------------------------------------------------------------------ */

enum { CE = 20, CM = 6, CROWD = 3000, CT = 16 };

static int cmp_term_key(const void *p, const void *q)
{
	const wu_term *a = p, *b = q;
	return (a->key > b->key) - (a->key < b->key);
}

/* Profile of story x: terms sorted by key, L2-normalised. Event members
 * share 10 terms (weights varying by member) and have 6 of their own;
 * crowd stories have 15 of their own and, light, one term every crowd
 * story and every event member has (a "said" of the corpus). */
static void cand_profile(uint32_t x, int ev, wu_term *t, uint32_t *n)
{
	uint32_t k = 0;
	if (ev >= 0) {
		for (int j = 0; j < 10; j++)
			t[k++] = (wu_term){wu__mix64(0xE000000ULL + (uint64_t)ev * 64 + (uint64_t)j),
			                   (float)(1.0 + 0.1 * ((x + (uint32_t)j) % 5))};
		for (int j = 0; j < 5; j++)
			t[k++] = (wu_term){wu__mix64(0xA000000ULL + (uint64_t)x * 64 + (uint64_t)j), 0.6f};
	} else {
		for (int j = 0; j < 15; j++)
			t[k++] = (wu_term){wu__mix64(0xC000000ULL + (uint64_t)x * 64 + (uint64_t)j),
			                   (float)(0.5 + 0.1 * (j % 7))};
	}
	t[k++] = (wu_term){wu__mix64(0x5A1D), 0.4f};
	double ss = 0;
	for (uint32_t i = 0; i < k; i++)
		ss += (double)t[i].weight * t[i].weight;
	for (uint32_t i = 0; i < k; i++)
		t[i].weight = (float)(t[i].weight / sqrt(ss));
	qsort(t, k, sizeof *t, cmp_term_key);
	*n = k;
}

static int has_pair(const wu_u64s *p, uint32_t u, uint32_t v)
{
	uint64_t k = (uint64_t)u << 32 | v;
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->a[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && p->a[lo] == k;
}

/* Candidates of n stories: the CE * CM event members first, in event
 * order, then n - CE * CM crowd stories. */
static void cand_run(size_t n, int n_threads, wu_term *terms, wu__termspan *sp, wu_u64s *out)
{
	for (size_t x = 0; x < n; x++) {
		int ev = x < CE * CM ? (int)(x / CM) : -1;
		cand_profile((uint32_t)x, ev, terms + x * CT, &sp[x].n);
		sp[x].a = terms + x * CT;
	}
	assert_int_equal(wu__story_candidates(sp, n, n_threads, out), 0);
	for (size_t i = 1; i < out->n; i++) /* sorted, distinct, u < v */
		assert_true(out->a[i - 1] < out->a[i]);
	for (size_t i = 0; i < out->n; i++)
		assert_true((out->a[i] >> 32) < (out->a[i] & 0xFFFFFFFFu) && (out->a[i] & 0xFFFFFFFFu) < n);
}

static void test_candidates_recall_and_crowd(void **state)
{
	(void)state;
	size_t n = CE * CM + CROWD;
	wu_term *terms = malloc(n * CT * sizeof *terms);
	wu__termspan *sp = malloc(n * sizeof *sp);
	assert_true(terms && sp);
	wu_u64s alone = {0}, crowd = {0}, crowd4 = {0};
	cand_run(CE * CM, 1, terms, sp, &alone);
	cand_run(n, 1, terms, sp, &crowd);
	cand_run(n, 4, terms, sp, &crowd4);
	/* Every pair of one event reaches the threshold (the exhaustive check)
	 * and is a candidate, alone and in the crowd; no two events' pair does. */
	size_t want = 0, got_alone = 0, got_crowd = 0;
	for (uint32_t u = 0; u < CE * CM; u++)
		for (uint32_t v = u + 1; v < CE * CM; v++) {
			wu_terms a = {(wu_term *)sp[u].a, sp[u].n, 0}, b = {(wu_term *)sp[v].a, sp[v].n, 0};
			int same_ev = u / CM == v / CM;
			assert_int_equal(dot(&a, &b) >= 0.15, same_ev);
			if (!same_ev)
				continue;
			want++;
			got_alone += has_pair(&alone, u, v);
			got_crowd += has_pair(&crowd, u, v);
		}
	print_message("event pairs %zu: candidates alone %zu, among %d others %zu; %zu pairs in all\n",
	              want, got_alone, CROWD, got_crowd, crowd.n);
	assert_int_equal(got_alone, want);
	assert_int_equal(got_crowd, want);
	/* Bounded: each story chooses at most 16 partners, so there are at
	 * most 16 pairs a story however many stories share their terms. */
	assert_true(crowd.n <= 16 * n);
	/* The same pairs for any number of threads. */
	assert_int_equal(crowd.n, crowd4.n);
	assert_memory_equal(crowd.a, crowd4.a, crowd.n * sizeof *crowd.a);
	wu_u64s_free(&alone), wu_u64s_free(&crowd), wu_u64s_free(&crowd4);
	free(terms), free(sp);
}

/* Stories with no terms, or only terms of no weight, draw nothing and
 * are in no pair; an empty input gives no pairs. */
static void test_candidates_empty_profiles(void **state)
{
	(void)state;
	wu_term t[2] = {{1, 0.0f}, {2, 0.0f}};
	wu__termspan sp[3] = {{NULL, 0}, {t, 2}, {t, 2}};
	wu_u64s out = {0};
	assert_int_equal(wu__story_candidates(sp, 3, 2, &out), 0);
	assert_int_equal(out.n, 0);
	assert_int_equal(wu__story_candidates(sp, 0, 2, &out), 0);
	assert_int_equal(out.n, 0);
	wu_u64s_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_stop_words_and_short_words),
		cmocka_unit_test(test_terms_bigrams),
		cmocka_unit_test(test_terms_weights),
		cmocka_unit_test(test_terms_skip_boilerplate),
		cmocka_unit_test(test_profile_small_corpus),
		cmocka_unit_test(test_profile_half_rule),
		cmocka_unit_test(test_profile_top_m),
		cmocka_unit_test(test_stories_two_events),
		cmocka_unit_test(test_stories_single_link_chains),
		cmocka_unit_test(test_stories_date_window),
		cmocka_unit_test(test_stories_contain_clusters),
		cmocka_unit_test(test_stories_representative),
		cmocka_unit_test(test_stories_thread_invariant),
		/* Known library bugs last. */
		cmocka_unit_test(test_bug_profile_nan_zero_norm),
		cmocka_unit_test(test_bug_terms_one_char_non_ascii),
		cmocka_unit_test(test_bug_terms_year_rule_too_wide),
		cmocka_unit_test(test_bug_story_posting_cap_drops_members),
		cmocka_unit_test(test_candidates_recall_and_crowd),
		cmocka_unit_test(test_candidates_empty_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
