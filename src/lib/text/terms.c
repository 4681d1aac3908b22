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

/* Slots of the stop words' key set: a power of two, four times the words,
 * so a lookup is about one probe. */
#define STOP_SLOTS 1024

static size_t stop_slot(uint64_t k)
{
	return (size_t)(k >> 7) & (STOP_SLOTS - 1);
}

/* The stop words' keys in an open-addressing set (0: empty), built once
 * per scratch: the keys are the words' hashes, so a word is looked up by
 * the key it needs anyway, one probe and no string compare. */
static int stop_keys(wu_scratch *ws)
{
	if (ws->stop.n == STOP_SLOTS)
		return 0;
	if (wu__u64s_reserve(&ws->stop, STOP_SLOTS))
		return -1;
	memset(ws->stop.a, 0, STOP_SLOTS * sizeof *ws->stop.a);
	for (size_t i = 0; i < sizeof stop_words / sizeof *stop_words; i++) {
		uint64_t k = KEY(XXH3_64bits(stop_words[i], strlen(stop_words[i])));
		k = k ? k : 4;
		size_t h = stop_slot(k);
		while (ws->stop.a[h] && ws->stop.a[h] != k)
			h = (h + 1) & (STOP_SLOTS - 1);
		ws->stop.a[h] = k;
	}
	ws->stop.n = STOP_SLOTS;
	return 0;
}

static int is_stop_key(const wu_scratch *ws, uint64_t k)
{
	size_t h = stop_slot(k);
	while (ws->stop.a[h] && ws->stop.a[h] != k)
		h = (h + 1) & (STOP_SLOTS - 1);
	return ws->stop.a[h] == k;
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

static int push(wu_u64s *v, uint64_t x)
{
	if (v->n == v->cap && wu__u64s_reserve(v, v->n + 1))
		return -1;
	v->a[v->n++] = x;
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

/* The key of a normalized word (never 0, the stream's break mark). */
static uint64_t word_key(const char *w, size_t n)
{
	uint64_t k = KEY(XXH3_64bits(w, n));
	return k ? k : 4;
}

/* The key of the pair of words a, b (keys, flags ignored), never 0. */
static uint64_t pair_key(uint64_t a, uint64_t b)
{
	uint64_t pk = KEY(wu__mix64(KEY(a) * 0x9e3779b97f4a7c15ULL ^ KEY(b)));
	return pk ? pk : 4;
}

/* The kept words of normalized text w[0..n) (words between spaces or
 * newlines, as wu_normalize() and wu__normalize_lines() write them) into
 * ws->u1 in text order, key | F_NUM each, a 0 where a word was left out (a
 * pair never spans a stop word). The same words the shingles are made of:
 * the text is tokenized once, by the normalizer. */
static int kept_words(const char *w, size_t n, wu_scratch *ws)
{
	wu_u64s *out = &ws->u1;
	out->n = 0;
	for (size_t i = 0; i < n;) {
		if (w[i] == ' ' || w[i] == '\n') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && w[j] != ' ' && w[j] != '\n')
			j++;
		uint64_t k = word_key(w + i, j - i);
		uint64_t v = 0;
		if (n_chars(w + i, j - i) >= 2 && !is_stop_key(ws, k))
			v = k | (numeric_flag(w + i, j - i) ? F_NUM : 0);
		if ((v || (out->n && out->a[out->n - 1])) && push(out, v))
			return -1;
		i = j;
	}
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

/* The keys of the normalized words of raw word s[0..n) (a run of ASCII
 * letters and digits and non-ASCII bytes): *first and *last, 0 when it has
 * none. An ASCII word normalizes to its lower case, hashed from a copy
 * here; any other goes through the normalizer (rare in most news). */
static int raw_word_keys(const char *s, size_t n, wu_scratch *ws, uint64_t *first, uint64_t *last)
{
	char low[64];
	int ascii = n <= sizeof low;
	for (size_t k = 0; ascii && k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		ascii = c < 0x80;
		low[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	if (ascii) {
		*first = *last = word_key(low, n);
		return 0;
	}
	*first = *last = 0;
	if (wu_normalize(s, n, &ws->s2, NULL))
		return -1;
	for (size_t a = 0, b; a < ws->s2.n; a = b + 1) {
		for (b = a; b < ws->s2.n && ws->s2.s[b] != ' '; b++)
			;
		if (b > a) {
			*last = word_key(ws->s2.s + a, b - a);
			if (!*first)
				*first = *last;
		}
	}
	return 0;
}

/* Where an HTML tag that starts at s[i] ('<') ends (past its '>', on the
 * same line, 256 bytes at most, as the normalizer reads tags), or i when
 * it is no tag: its letters are no words. */
static size_t skip_tag(const unsigned char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j < n && (s[j] == '/' || s[j] == '!'))
		j++;
	if (j >= n || !((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
		return i;
	for (; j < n && j - i < 256 && s[j] != '\n'; j++)
		if (s[j] == '>')
			return j + 1;
	return i;
}

static int is_sentence_end(unsigned char c)
{
	return c == '.' || c == '!' || c == '?' || c == ':' || c == '\n';
}

/* What the raw text knows and its normalized words do not, found in one
 * byte scan: casing, into ws->u3 (the key of each word capitalised
 * mid-sentence, and of each pair of two such words in a row, one per
 * occurrence, sorted), and sentence and line ends, into ws->u4 (the pair
 * key of the last word of a sentence and the first of the next, one per
 * end, sorted: those pairs of adjacent words are not the text's). Only
 * words capitalised or at a sentence end are hashed. */
static int raw_facts(const char *text, size_t n, wu_scratch *ws)
{
	const unsigned char *s = (const unsigned char *)text;
	int sentence_start = 1, prev_cap = 0;
	size_t pw = 0, pn = 0; /* the word before, pn 0: none */
	uint64_t prev_last = 0; /* its last key, when it was capitalised */
	ws->u3.n = ws->u4.n = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80 && !is_ascii_word(s[i])) {
			size_t t = s[i] == '<' ? skip_tag(s, n, i) : i;
			if (t == i)
				sentence_start |= is_sentence_end(s[i]);
			i = t > i ? t : i + 1;
			continue;
		}
		size_t j = i;
		while (j < n && (s[j] >= 0x80 || is_ascii_word(s[j])))
			j++;
		uint64_t first = 0, last = 0, pf, pl;
		int cap = !sentence_start && is_upper_start(s + i, j - i);
		if ((cap || (sentence_start && pn)) && raw_word_keys(text + i, j - i, ws, &first, &last))
			return -1;
		if (cap && first && push(&ws->u3, first))
			return -1;
		if (cap && prev_cap && prev_last && first && push(&ws->u3, pair_key(prev_last, first)))
			return -1;
		if (sentence_start && pn) {
			if (raw_word_keys(text + pw, pn, ws, &pf, &pl))
				return -1;
			if (pl && first && push(&ws->u4, pair_key(pl, first)))
				return -1;
		}
		sentence_start = 0;
		prev_cap = cap, prev_last = last;
		pw = i, pn = j - i;
		i = j;
	}
	return wu__sort_u64(ws->u3.a, ws->u3.n) || wu__sort_u64(ws->u4.a, ws->u4.n) ? -1 : 0;
}

/* Every occurrence of a word and of a pair of adjacent kept words, key |
 * F_NUM on a number's (a pair: either word), into ws->u2. */
static int occurrences(wu_scratch *ws)
{
	const wu_u64s *s = &ws->u1;
	wu_u64s *o = &ws->u2;
	o->n = 0;
	if (wu__u64s_reserve(o, 2 * s->n))
		return -1;
	uint64_t prev = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t v = s->a[i];
		if (v)
			o->a[o->n++] = v;
		if (v && prev)
			o->a[o->n++] = pair_key(prev, v) | ((prev | v) & F_NUM);
		prev = v;
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
	wu_str_free(&s->s1), wu_str_free(&s->s2);
	wu_u64s_free(&s->u1), wu_u64s_free(&s->u2), wu_u64s_free(&s->u3), wu_u64s_free(&s->u4);
	wu_u64s_free(&s->stop);
}

/* How many of the sorted keys a[*at..n) equal k; *at moves past them
 * (keys are visited in increasing order). */
static size_t count_of(const wu_u64s *a, size_t *at, uint64_t k)
{
	size_t c = 0;
	while (*at < a->n && a->a[*at] < k)
		(*at)++;
	for (; *at < a->n && a->a[*at] == k; (*at)++)
		c++;
	return c;
}

/* Collapses sorted occurrences into distinct terms weighted by
 * (1 + ln tf), x NAME_BOOST for a name (capitalised in most occurrences:
 * caps, sorted), x NUMBER_BOOST for a number; a pair's occurrences across
 * a sentence end (brk, sorted) are taken off its tf. */
static int collapse(const wu_u64s *occ, const wu_u64s *caps, const wu_u64s *brk, wu_terms *out)
{
	out->n = 0;
	if (wu_terms_reserve(out, occ->n))
		return -1;
	size_t at_c = 0, at_b = 0;
	for (size_t i = 0, j; i < occ->n; i = j) {
		uint64_t num = 0, k = KEY(occ->a[i]);
		for (j = i; j < occ->n && KEY(occ->a[j]) == k; j++)
			num |= occ->a[j] & F_NUM;
		size_t cut = count_of(brk, &at_b, k), n_caps = count_of(caps, &at_c, k);
		if (cut >= j - i)
			continue;
		size_t tf = j - i - cut;
		double w = 1.0 + log((double)tf);
		if (n_caps * 2 > tf)
			w *= NAME_BOOST;
		if (num)
			w *= NUMBER_BOOST;
		out->a[out->n++] = (wu_term){k, (float)w};
	}
	return 0;
}

static void swap_terms(wu_term *a, size_t i, size_t j)
{
	wu_term x = a[i];
	a[i] = a[j];
	a[j] = x;
}

/* Moves the m heaviest of a[0..n) (m < n; ties by key, so a total order
 * and the same m whatever the input order) to a[0..m), in no order: a
 * quickselect, linear on average, where sorting all n (hundreds of terms
 * an article, of which 64 are kept) was most of a profile's time. */
static void select_heaviest(wu_term *a, size_t n, size_t m)
{
	size_t lo = 0, hi = n; /* the m-th heaviest lies in a[lo..hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, last = hi - 1;
		/* median of three to a[last], the pivot */
		if (cmp_weight(&a[mid], &a[lo]) < 0)
			swap_terms(a, mid, lo);
		if (cmp_weight(&a[last], &a[lo]) < 0)
			swap_terms(a, last, lo);
		if (cmp_weight(&a[mid], &a[last]) < 0)
			swap_terms(a, mid, last);
		size_t at = lo;
		for (size_t i = lo; i < last; i++)
			if (cmp_weight(&a[i], &a[last]) < 0)
				swap_terms(a, i, at++);
		swap_terms(a, at, last); /* a[lo..at) heavier than a[at], the rest lighter */
		if (at == m || at + 1 == m)
			return;
		if (at > m)
			hi = at;
		else
			lo = at + 1;
	}
}

int wu__story_terms_words(const char *text, size_t n, const char *norm, size_t n_norm,
                          wu_scratch *ws, wu_terms *out)
{
	out->n = 0;
	if (stop_keys(ws) || kept_words(norm, n_norm, ws) || raw_facts(text, n, ws) ||
	    occurrences(ws) || wu__sort_u64(ws->u2.a, ws->u2.n) ||
	    collapse(&ws->u2, &ws->u3, &ws->u4, out))
		return out->n = 0, -1;
	return 0;
}

int wu_story_terms(const char *text, size_t n, const char *source, const wu_boiler *b,
                   wu_scratch *ws, wu_terms *out)
{
	out->n = 0;
	if (wu_normalize_filtered(text, n, source, b, &ws->s1, &ws->s2, NULL, NULL))
		return -1;
	return wu__story_terms_words(text, n, ws->s1.s, ws->s1.n, ws, out);
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
	if (t->n > (size_t)m) {
		select_heaviest(t->a, t->n, (size_t)m);
		t->n = (size_t)m;
	}
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

void wu_story_profile(const wu_df *d, int m, wu_terms *t)
{
	wu__story_profile_counts(&d->count, (double)d->n_docs, m, t);
}
