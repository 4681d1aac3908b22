/* Story features: what makes two outlets' own write-ups of one event look
 * alike is the names, places and numbers they share, not their phrasing.
 * So a story profile is a short list of TF-IDF-weighted words and word
 * pairs: stop words out, names (capitalised mid-sentence) and numbers
 * boosted, idf from the corpus itself. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
/* Inlined: most hashed keys are a few bytes, where a library call costs
 * as much as the hash. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#define F_CAP 1ULL /* the occurrence was capitalised mid-sentence */
#define F_NUM 2ULL /* the term holds a digit (years excepted) */
#define KEY(x) ((x) & ~3ULL)

#define NAME_BOOST 1.5
#define NUMBER_BOOST 2.0

/* Function words and the verbs of attribution every story uses. Sorted. */
static const char *const stop_words[] = {
	"a", "about", "above", "according", "after", "again", "against", "ago", "all", "almost",
	"also", "although", "am", "among", "an", "and", "another", "any", "are", "around", "as",
	"asked", "at", "back", "be", "became", "because", "been", "before", "being", "below",
	"between", "both", "but", "by", "called", "came", "can", "could", "did", "do", "does",
	"doing", "down", "during", "each", "early", "either", "else", "even", "ever", "every",
	"few", "first", "for", "former", "from", "further", "get", "go", "going", "got", "had",
	"has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
	"how", "however", "i", "if", "in", "including", "into", "is", "it", "its", "itself",
	"just", "last", "late", "later", "least", "less", "like", "made", "make", "many", "may",
	"me", "might", "more", "most", "mr", "mrs", "ms", "much", "must", "my", "myself", "near",
	"new", "next", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or",
	"other", "others", "our", "ours", "ourselves", "out", "over", "own", "per", "said", "same",
	"say", "says", "second", "see", "seen", "several", "she", "should", "since", "so", "some",
	"still", "such", "take", "than", "that", "the", "their", "theirs", "them", "themselves",
	"then", "there", "these", "they", "this", "those", "though", "three", "through", "thus",
	"time", "to", "told", "too", "took", "two", "under", "until", "up", "upon", "us", "very",
	"was", "way", "we", "well", "went", "were", "what", "when", "where", "whether", "which",
	"while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would",
	"year", "years", "yet", "you", "your", "yours", "yourself"};

static int is_stop(const char *w, size_t n)
{
	size_t m = sizeof stop_words / sizeof *stop_words;
	return wu__name_index(stop_words, m, sizeof *stop_words, w, n) < m;
}

static int numeric_flag(const char *w, size_t n)
{
	/* A year says little about which event (every story this week has
	 * the same one); other numbers (tolls, magnitudes, scores) say much. */
	int digits = 0;
	for (size_t i = 0; i < n; i++)
		digits += w[i] >= '0' && w[i] <= '9';
	int year = n == 4 && digits == 4 && ((w[0] == '1' && w[1] == '9') || (w[0] == '2' && w[1] == '0'));
	return digits > 0 && !year;
}

/* Token stream state: the previous kept word, for word pairs. */
typedef struct {
	wu_u64s *out;
	uint64_t prev; /* key | flags of the previous word, 0 = none */
} stream;

static int push(stream *st, uint64_t v)
{
	if (wu__u64s_reserve(st->out, st->out->n + 1))
		return -1;
	st->out->a[st->out->n++] = v;
	return 0;
}

/* Characters (not bytes) in a UTF-8 word. */
static size_t n_chars(const char *w, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)w[i] & 0xC0) != 0x80;
	return c;
}

static int word(stream *st, const char *w, size_t n, int cap)
{
	if (n_chars(w, n) < 2 || is_stop(w, n)) {
		st->prev = 0; /* a pair never spans a stop word */
		return 0;
	}
	uint64_t flags = (cap ? F_CAP : 0) | (numeric_flag(w, n) ? F_NUM : 0);
	uint64_t k = KEY(XXH3_64bits(w, n));
	uint64_t v = (k ? k : 4) | flags;
	if (push(st, v))
		return -1;
	if (st->prev) {
		uint64_t pk = KEY(wu__mix64(KEY(st->prev) * 0x9e3779b97f4a7c15ULL ^ KEY(v)));
		uint64_t pf = ((st->prev & v) & F_CAP) | ((st->prev | v) & F_NUM);
		if (push(st, (pk ? pk : 4) | pf))
			return -1;
	}
	st->prev = v;
	return 0;
}

static int is_upper_start(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return s[0] >= 'A' && s[0] <= 'Z';
	utf8proc_int32_t c;
	if (utf8proc_iterate(s, (utf8proc_ssize_t)n, &c) < 0)
		return 0;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
}

static int is_ascii_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Words of one raw line, with their casing. */
static int line_words(stream *st, const char *line, size_t n, wu_str *tmp)
{
	const unsigned char *s = (const unsigned char *)line;
	int sentence_start = 1;
	st->prev = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80 && !is_ascii_word(s[i])) {
			if (s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == ':')
				sentence_start = 1, st->prev = 0;
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && (s[j] >= 0x80 || is_ascii_word(s[j])))
			j++;
		int cap = !sentence_start && is_upper_start(s + i, j - i);
		sentence_start = 0;
		if (wu_normalize(line + i, j - i, tmp, NULL))
			return -1;
		for (size_t a = 0, b; a < tmp->n; a = b + 1) {
			for (b = a; b < tmp->n && tmp->s[b] != ' '; b++)
				;
			if (word(st, tmp->s + a, b - a, cap))
				return -1;
		}
		i = j;
	}
	return 0;
}

static int cmp_weight(const void *x, const void *y)
{
	const wu_term *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return (a->key > b->key) - (a->key < b->key);
}

static int cmp_key(const void *x, const void *y)
{
	const wu_term *a = x, *b = y;
	return (a->key > b->key) - (a->key < b->key);
}

void wu_scratch_free(wu_scratch *s)
{
	wu_str_free(&s->s1), wu_str_free(&s->s2), wu_u64s_free(&s->u1);
}

/* Collapses sorted occurrences into distinct terms weighted by
 * (1 + ln tf), boosted for names and numbers. */
static int collapse(const wu_u64s *occ, wu_terms *out)
{
	out->n = 0;
	if (wu_terms_reserve(out, occ->n))
		return -1;
	for (size_t i = 0, j; i < occ->n; i = j) {
		size_t caps = 0;
		uint64_t num = 0;
		for (j = i; j < occ->n && KEY(occ->a[j]) == KEY(occ->a[i]); j++) {
			caps += (occ->a[j] & F_CAP) != 0;
			num |= occ->a[j] & F_NUM;
		}
		size_t tf = j - i;
		double w = 1.0 + log((double)tf);
		if (caps * 2 > tf)
			w *= NAME_BOOST;
		if (num)
			w *= NUMBER_BOOST;
		out->a[out->n++] = (wu_term){KEY(occ->a[i]), (float)w};
	}
	return 0;
}

/* The words of one raw line, its markup decoded first (as normalization
 * decodes it: a tag's letters are no term, "&#8217;" no number). The line
 * is not boilerplate, so s1 is free. */
static int raw_line_words(stream *st, const char *line, size_t n, wu_scratch *ws)
{
	size_t at = wu__markup_find(line, n);
	if (at == n)
		return line_words(st, line, n, &ws->s2);
	if (wu__markup_decode(line, n, at, &ws->s1, NULL))
		return -1;
	return line_words(st, ws->s1.s, ws->s1.n, &ws->s2);
}

size_t wu_story_terms(const char *text, size_t n, const char *source, const wu_boiler *b,
                      wu_scratch *ws, wu_terms *out)
{
	stream st = {&ws->u1, 0};
	ws->u1.n = 0;
	out->n = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = wu__find_byte(text + i, n - i, '\n');
		size_t e = nl ? (size_t)(nl - text) : n;
		int boiler;
		if (wu_boiler_has_line(b, text + i, e - i, source, &ws->s1, &boiler) ||
		    (!boiler && raw_line_words(&st, text + i, e - i, ws)))
			return WU_NOMEM;
		i = e + 1;
	}
	if (wu__sort_u64(ws->u1.a, ws->u1.n) || collapse(&ws->u1, out))
		return WU_NOMEM;
	return out->n;
}

struct wu_df {
	wu__counter count;
	size_t n_docs;
};

wu_df *wu_df_new(void)
{
	return calloc(1, sizeof(wu_df));
}

void wu_df_free(wu_df *d)
{
	if (!d)
		return;
	wu__counter_free(&d->count);
	free(d);
}

int wu_df_add(wu_df *d, const wu_terms *t)
{
	d->n_docs++;
	for (size_t i = 0; i < t->n; i++)
		if (wu__counter_add(&d->count, t->a[i].key, 1))
			return -1;
	return 0;
}

size_t wu__story_profile_counts(const wu__counter *count, double n_docs, int m, wu_terms *t)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n; i++) {
		double df = (double)wu__counter_get(count, t->a[i].key);
		/* A term in one article matches nothing; one in most says
		 * nothing (the rule waits for a corpus big enough to tell). */
		/* A term in every article (idf 0) carries no weight at all. */
		if (df < 2 || df >= n_docs || (n_docs >= 20 && df * 2 > n_docs))
			continue;
		t->a[k] = t->a[i];
		t->a[k++].weight *= (float)log(n_docs / df);
	}
	t->n = k;
	if (t->n == 0)
		return 0;
	qsort(t->a, t->n, sizeof *t->a, cmp_weight);
	if (t->n > (size_t)m)
		t->n = (size_t)m;
	double norm = 0;
	for (size_t i = 0; i < t->n; i++)
		norm += (double)t->a[i].weight * t->a[i].weight;
	norm = sqrt(norm);
	if (!(norm > 0))
		t->n = 0;
	for (size_t i = 0; i < t->n; i++)
		t->a[i].weight = (float)(t->a[i].weight / norm);
	qsort(t->a, t->n, sizeof *t->a, cmp_key);
	return t->n;
}

size_t wu_story_profile(const wu_df *d, int m, wu_terms *t)
{
	return wu__story_profile_counts(&d->count, (double)d->n_docs, m, t);
}
