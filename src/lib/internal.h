/* Helpers shared by the library's source files; not part of the API. */
#ifndef WU_INTERNAL_H
#define WU_INTERNAL_H

#include "wiredup.h"
#include <stdarg.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Grow to hold at least need elements; 0 on success, -1 on OOM. */
int wu__str_reserve(wu_str *b, size_t need);
int wu__u64s_reserve(wu_u64s *v, size_t need);
int wu__u32s_reserve(wu_u32s *v, size_t need);
int wu__str_append(wu_str *b, const char *s, size_t n);
int wu__str_putc(wu_str *b, char c);

/* snprintf into err if err is not NULL; always returns -1 for tail calls. */
int wu__fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* memchr() for the short distances of line and escape splitting (most
 * lines of an article are blank or under 200 bytes): inline, 16 bytes a
 * step, without the call and set-up a library memchr pays each time. */
static inline const char *wu__find_byte(const char *p, size_t n, char c)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i cv = _mm_set1_epi8(c);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cv));
		if (m)
			return p + i + __builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if (p[i] == c)
			return p + i;
	return NULL;
}

/* A 64-bit finalizer (splitmix64): turns structured keys into uniform bits. */
static inline uint64_t wu__mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* The fast paths normalization can take: the best this CPU has is used,
 * picked at run time, so one binary runs on any x86-64. Every level gives
 * the same bytes; wu__normalize_isa() (at most the best level) is there
 * for the tests to hold them to it. */
enum { WU__ISA_SCALAR, WU__ISA_SSSE3, WU__ISA_AVX512 };
int wu__normalize_isa_best(void);
int wu__normalize_isa(const char *text, size_t n, wu_str *out, size_t *n_invalid, int isa,
                      int lines);

/* Markup in scraped text (markup.c, where the rules are): the offset of
 * the first HTML tag or character reference in s[0..n), or n when there is
 * none; and s with every tag made a space and every reference decoded,
 * into out (replaced; s[0..from) is known to hold none), adding the
 * invalid UTF-8 bytes inside the dropped tags to *n_invalid (may be NULL).
 * 0, or -1 on allocation failure. */
size_t wu__markup_find(const char *s, size_t n);
/* Binary search of w[0..len) (no NUL in it) among n names sorted by
 * strcmp, each the first member (a const char *) of a table entry stride
 * bytes long: its index, or n. */
size_t wu__name_index(const void *table, size_t n, size_t stride, const char *w, size_t len);
int wu__markup_decode(const char *s, size_t n, size_t from, wu_str *out, size_t *n_invalid);

/* wu_normalize() of every line of text at once, the lines' outputs joined
 * by newlines (blank ones too): one call an article instead of one a line,
 * a third of the time on news text, where half the lines are blank and
 * the rest short. Read the lines back with wu__norm_line(), which also
 * drops the one space a line's output may end in. 0, or -1 (out of memory;
 * out then empty). */
int wu__normalize_lines(const char *text, size_t n, wu_str *out, size_t *n_invalid);

/* The next line of wu__normalize_lines() output s[0..n) from *pos (< n):
 * returns its start, sets *len, moves *pos past it. */
size_t wu__norm_line(const char *s, size_t n, size_t *pos, size_t *len);

/* The canonical key of an article id, its JSON text as wu_json_record()
 * gives it (a string with its quotes, or a number): two ids are the same
 * article exactly when their keys are the same bytes. A string's key is
 * '"' and its decoded value ("A" and "\u0041" are one id; a lone
 * surrogate escape keeps its own value, not U+FFFD's); a number's is its
 * text as given (1 and 1.0 differ, and no number's key starts with '"',
 * so the string "1" is not the number 1). Returns the key, *key_len bytes,
 * not NUL-terminated: into id where nothing is to be decoded, else into
 * buf (overwritten); NULL on allocation failure. */
const char *wu__id_key(const char *id, size_t len, wu_str *buf, size_t *key_len);

/* The corpus's arrays, for the clustering stage. */
const uint32_t *wu__corpus_sig(const wu_corpus *c, size_t i);
void wu__corpus_meta(const wu_corpus *c, const int32_t **date, const uint32_t **text_len,
                     const uint32_t **n_shingles);
const uint64_t *wu__corpus_shingles(const wu_corpus *c, size_t i, size_t *n);
const wu_term *wu__corpus_profile(const wu_corpus *c, size_t i, size_t *n);

/* Sorts (key, idx) pairs by key, stably (equal keys keep their input
 * order), in O(n) passes. */
typedef struct { uint64_t key; uint32_t idx; } wu__keyidx;
int wu__sort_keyidx(wu__keyidx *a, size_t n);
int wu__sort_u64(uint64_t *a, size_t n);
/* The same without memory (slower): cannot fail. */
void wu__sort_u64_in_place(uint64_t *a, size_t n);
/* The same on n_threads (millions of keys: the boilerplate pass's). */
int wu__sort_u64_mt(uint64_t *a, size_t n, int n_threads);
/* Sorts and drops repeats; *n becomes the count of distinct values. */
int wu__sort_unique_u64(uint64_t *a, size_t *n);

/* 64-bit key -> saturating count; key 0 is not allowed. */
typedef struct {
	uint64_t *key;
	uint32_t *count;
	size_t n, size;
} wu__counter;
int wu__counter_add(wu__counter *c, uint64_t k, uint32_t by);
uint32_t wu__counter_get(const wu__counter *c, uint64_t k);
/* Is k in the table? Reads only the keys: one cache miss, not two. */
int wu__counter_has(const wu__counter *c, uint64_t k);
void wu__counter_free(wu__counter *c);

/* wu_story_terms() of raw text[0..n) whose normalized words (filtered or
 * not, joined by spaces or newlines) are norm[0..n_norm): the caller has
 * normalized it already (the shingles' text, the boilerplate pass's lines).
 * 0, or -1 on OOM. */
int wu__story_terms_words(const char *text, size_t n, const char *norm, size_t n_norm,
                          wu_scratch *ws, wu_terms *out);

/* wu_story_profile() over any table of document frequencies. */
size_t wu__story_profile_counts(const wu__counter *count, double n_docs, int m, wu_terms *t);

/* A story's summed profile, sorted by key (story.c's stories). */
typedef struct { const wu_term *a; uint32_t n; } wu__termspan;
/* Candidate story pairs (wminhash.c) of n profiles by weighted MinHash,
 * at most 16 n of them: into pairs (reset), each u << 32 | v with u < v,
 * sorted, no repeats; the same for any n_threads. 0, or -1 on OOM. */
int wu__story_candidates(const wu__termspan *p, size_t n, int n_threads, wu_u64s *pairs);

/* Candidate pairs of one LSH bucket (members in article order), appended
 * to out: member j meets the first max_bucket members only, so a bucket of
 * thousands costs linear, not quadratic, work. */
int wu__bucket_pairs(const wu__keyidx *b, size_t m, size_t max_bucket, wu_u64s *out);

/* Every band's buckets of two or more articles (candidates.c), members
 * in ascending article order, handed out as runs of buckets: bucket k of
 * a run is mem[off[k] .. off[k + 1]). */
typedef struct {
	const uint32_t *mem, *off;
	size_t n_buckets;
} wu__bucket_run;
typedef struct wu__bands wu__bands;
wu__bands *wu__bands_build(const wu_corpus *c, const wu_opt *o, int n_threads);
size_t wu__bands_runs(const wu__bands *s, const wu__bucket_run **runs);
void wu__bands_free(wu__bands *s);

/* The representative rule (union_find.c): is article a a better
 * representative than b? */
int wu__better(const wu_corpus *c, uint32_t a, uint32_t b);

/* Union-find (union_find.c): the root of x, halving the path; union of each
 * pair's two components (the smaller root wins, so the result does not
 * depend on the order); then out->rep and out->n_clusters from the
 * components by the representative rule (parent is reused as scratch). */
uint32_t wu__find(uint32_t *parent, uint32_t x);
void wu__link(uint32_t *parent, const uint64_t *pairs, size_t n);
void wu__representatives(const wu_corpus *c, uint32_t *parent, wu_clusters *out);

/* The feed index's parsers on their own (index_params.c, index_record.c),
 * for the fuzz harness: the "params" record text (0, or -1 with a reason
 * in err), its writer (which index creation uses too), and an article
 * record (0, or -1 when damaged; the pointers point into rec, sig is
 * num_perm little-endian u32s). */
typedef struct {
	int32_t date;
	uint32_t n_shingles;
	const unsigned char *sig;
	const char *id, *source;
	size_t id_len, source_len;
} wu__index_record;
int wu__index_parse_params(const void *text, size_t n, wu_opt *opt, int *gen_bits, char *err,
                           size_t errlen);
int wu__index_params_text(const wu_opt *opt, int gen_bits, wu_str *out);
int wu__index_decode_record(const void *rec, size_t n, int num_perm, wu__index_record *out);

#endif
