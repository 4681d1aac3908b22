/*
 * wiredup: near-duplicate detection and clustering of news articles.
 *
 * The whole public API of libwiredup. Read it top to bottom:
 *
 *   options      wu_opt, wu_opt_init(), wu_opt_finish()
 *   normalize    wu_normalize()       UTF-8 -> NFKC case-folded words
 *   boilerplate  wu_boiler_*          lines an outlet pastes on every article
 *   shingle      wu_shingle()         words -> 64-bit shingle hashes
 *   sketch       wu_sketch()          shingles -> MinHash signature
 *   estimate     wu_sig_jaccard(), wu_containment()
 *   lsh          wu_lsh_params()      threshold -> bands x rows
 *   records      wu_json_record(), wu_parse_date(), wu_article_file()
 *   article      wu_sketcher, wu_sketch_article()  one article in one call
 *   corpus       wu_corpus_*          sketched articles in flat arrays
 *   cluster      wu_cluster()         LSH + verify + union-find
 *   stories      wu_story_terms(), wu_df_*, wu_story_profile(), wu_stories()
 *   index        wu_index_*           a persistent index for feed dedup (LMDB)
 *   eval         wu_eval()            ARI, B-cubed, pairwise scores
 *
 * Nothing here keeps global mutable state; every function that may run on
 * several threads takes its buffers from the caller.
 *
 * One error contract, for every function below:
 *   - A function that can fail returns int: 0 done, -1 failed. With an
 *     (err, errlen) pair it writes the reason there (err may be NULL);
 *     without one its only failure is running out of memory: -1 means out
 *     of memory.
 *   - Counts and lengths go to out-parameters or the output's own length
 *     field (wu_str.n, wu_u64s.n, ...), never to the return value, so an
 *     empty result (0 there) is never mistaken for a failure (-1 here).
 *   - A constructor (wu_*_new, wu_index_create, wu_index_open) returns the
 *     object, or NULL: out of memory, or with the reason in err.
 *   - What cannot fail returns its value (wu_corpus_size, wu_boiler_size,
 *     wu_sig_jaccard, wu_index_pending, ...) or nothing (void).
 *   - No errno or LMDB code comes out of the library: the index says what
 *     failed in err.
 *   - A failure is never silent: the library checks every call it makes.
 */
#ifndef WIREDUP_H
#define WIREDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one place the version is written: CMake reads these three lines
 * (project(VERSION), the shared library's SOVERSION = MAJOR, wiredup.pc
 * and the CMake package). */
#define WU_VERSION_MAJOR 0
#define WU_VERSION_MINOR 1
#define WU_VERSION_PATCH 0
#define WU_STR_(x) #x
#define WU_XSTR_(x) WU_STR_(x)
#define WU_VERSION \
	WU_XSTR_(WU_VERSION_MAJOR) "." WU_XSTR_(WU_VERSION_MINOR) "." WU_XSTR_(WU_VERSION_PATCH)

/* What the shared library exports: it is built with -fvisibility=hidden,
 * so only the declarations marked WU_API here are visible to a program
 * that links it; the library's internals (wu__*) stay inside. */
#if defined(__GNUC__) || defined(__clang__)
#define WU_API __attribute__((visibility("default")))
#else
#define WU_API
#endif
/* Bumped whenever normalization or word hashing output changes:
 * signatures made with different versions are not comparable.
 * 3: HTML tags and character references are decoded before normalizing. */
#define WU_NORMALIZE_VERSION 3

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

enum wu_shingle_kind { WU_SHINGLE_WORD = 0, WU_SHINGLE_CHAR = 1 };
enum wu_measure { WU_MEASURE_CONTAINMENT = 0, WU_MEASURE_JACCARD = 1 };
enum wu_verify { WU_VERIFY_SIGNATURE = 0, WU_VERIFY_EXACT = 1 };

/* The stages wu_cluster() and wu_stories() report through opt->progress,
 * in this order, and what their done and total count. */
enum wu_stage {
	WU_STAGE_BUCKET = 0,  /* wu_cluster: LSH bands bucketed, of opt->bands */
	WU_STAGE_VERIFY = 1,  /* wu_cluster: runs of buckets (about 16,384 members
	                         each) whose pairs are verified, of all runs */
	WU_STAGE_UNION = 2,   /* wu_cluster: articles given their representative
	                         and similarity, of all articles */
	WU_STAGE_STORY_CANDIDATES = 3, /* wu_stories: articles indexed by their
	                         heaviest terms, of all articles */
	WU_STAGE_STORY_MERGE = 4 /* wu_stories: candidate story pairs scored, of
	                         all pairs; the last report (done == total) comes
	                         after the merging */
};

/* A progress report: stage (enum wu_stage) has done units of total.
 * Called on the thread that called wu_cluster()/wu_stories(), never twice
 * at once, sometimes while the other threads go on working: it should be
 * quick (print a line, keep a count) and must not call into the library on
 * the same corpus. Per stage: first with done = 0, then with done rising,
 * at most once per unit above (per 65,536 articles or pairs), last with
 * done == total (two reports of 0 when total is 0). A stage that fails
 * (out of memory) stops without its last report. Reporting changes no
 * result. */
typedef void (*wu_progress_fn)(void *data, int stage, size_t done, size_t total);

typedef struct wu_opt {
	int shingle_kind;   /* WU_SHINGLE_WORD (default) or WU_SHINGLE_CHAR */
	int ngram;          /* words (default 5) or characters (default 12) a shingle */
	int num_perm;       /* signature length k (default 128, 8..1024, a multiple of 8) */
	uint64_t seed;      /* hash seed (default 1); part of the signature's identity */
	int measure;        /* WU_MEASURE_CONTAINMENT (default) or WU_MEASURE_JACCARD */
	double threshold;   /* similarity at or above which two articles are copies (default 0.5) */
	double min_length_ratio; /* containment only: smaller/larger shingle count at least this (default 0.4) */
	int bands, rows;    /* LSH banding; 0 = chosen from the threshold (default) */
	int verify;         /* WU_VERIFY_SIGNATURE (default) or WU_VERIFY_EXACT */
	int max_bucket;     /* LSH buckets larger than this are linked to their first
	                       max_bucket members only, to stay sub-quadratic (default 64) */
	int stories;        /* also group clusters into same-event stories (default 0) */
	double story_threshold; /* average-link similarity to join stories (default 0.15) */
	int story_terms;    /* profile size (default 64) */
	int window_days;    /* stories never span more days than this; 0 = no limit (default 7) */
	int story_single_link; /* join on any one similar pair instead (for comparison; default 0) */
	wu_progress_fn progress; /* progress of wu_cluster()/wu_stories(), or NULL
	                            (default); not a parameter of the results */
	void *progress_data;     /* progress's first argument (default NULL) */
} wu_opt;

/* Sets every field to its documented default. */
WU_API void wu_opt_init(wu_opt *opt);

/* Fills opt's derived fields (ngram when 0 becomes the kind's default,
 * bands/rows when 0 are chosen by wu_lsh_params()) and validates the rest.
 * Returns 0, or -1 with a reason in err. */
WU_API int wu_opt_finish(wu_opt *opt, char *err, size_t errlen);

/* The Jaccard similarity the LSH bands are tuned for: the threshold itself
 * for WU_MEASURE_JACCARD; for containment, the Jaccard of a pair that meets
 * the containment threshold at the smallest allowed length ratio. */
WU_API double wu_opt_lsh_threshold(const wu_opt *opt);

/* ------------------------------------------------------------------ */
/* Growable buffers (caller-owned, reused across calls)                */
/* ------------------------------------------------------------------ */

typedef struct { char *s; size_t n, cap; } wu_str;
typedef struct { uint64_t *a; size_t n, cap; } wu_u64s;
typedef struct { uint32_t *a; size_t n, cap; } wu_u32s;

/* A weighted term of a story profile (a word or a pair of adjacent words). */
typedef struct wu_term { uint64_t key; float weight; } wu_term;
typedef struct { wu_term *a; size_t n, cap; } wu_terms;
WU_API int wu_terms_reserve(wu_terms *t, size_t need);
WU_API void wu_terms_free(wu_terms *t);

/* Scratch space for functions that need several buffers (wu_story_terms:
 * one a thread, kept from article to article; zero it before first use). */
typedef struct { wu_str s1, s2; wu_u64s u1, u2, u3, u4, stop; } wu_scratch;
WU_API void wu_scratch_free(wu_scratch *s);

WU_API void wu_str_free(wu_str *b);
WU_API void wu_u64s_free(wu_u64s *v);

/* ------------------------------------------------------------------ */
/* Normalize                                                           */
/* ------------------------------------------------------------------ */

/* Writes the words of UTF-8 text s[0..n) to out (replacing its contents),
 * lower-cased by Unicode NFKC case folding and joined by single spaces.
 * Letters, digits and combining marks make words; everything else
 * (punctuation, quotes of any shape, dashes, symbols, any white space) only
 * separates them. Invalid UTF-8 bytes act as separators; their count is
 * added to *n_invalid when it is not NULL. Markup left in scraped text is
 * read first: an HTML tag ('<', then a letter, '!' or "/" and a letter, up
 * to the next '>' on the line, 256 bytes at most) separates words, and a
 * character reference ("&amp;", "&#8217;", "&#x2019;"; the HTML 4 names and
 * "apos") is its character; anything else with '<' or '&' is text (see
 * markup.c for the exact rules). The length is out->n. Returns 0, or -1 out
 * of memory (out then empty). */
WU_API int wu_normalize(const char *s, size_t n, wu_str *out, size_t *n_invalid);

/* ------------------------------------------------------------------ */
/* Boilerplate                                                         */
/* ------------------------------------------------------------------ */

/* Counts of normalized lines per source, from a first pass over the
 * corpus; lines frequent within their source are boilerplate. Without a
 * source ("" or NULL), counting is corpus-wide and only lines of at most 12
 * words qualify, since a story copied by many outlets has frequent
 * paragraphs too. */
typedef struct wu_boiler wu_boiler;

WU_API wu_boiler *wu_boiler_new(void);
WU_API void wu_boiler_free(wu_boiler *b);

/* Keys of the distinct non-empty normalized lines of text under source,
 * into keys (replaced; keys->n of them). tmp is scratch. Thread-safe.
 * Returns 0, or -1 out of memory (keys then empty). */
WU_API int wu_line_keys(const char *text, size_t n, const char *source, wu_str *tmp, wu_u64s *keys);

/* Adds one article's line keys (from wu_line_keys). 0, or -1 on OOM. */
WU_API int wu_boiler_count(wu_boiler *b, const uint64_t *keys, size_t n);

/* Marks a line as boilerplate for every source (e.g. from a file of
 * known patterns). 0, or -1 on OOM. */
WU_API int wu_boiler_known(wu_boiler *b, const char *line, size_t n, wu_str *tmp);

/* Keeps as boilerplate the lines counted in at least min_docs articles,
 * sorting the counted keys on n_threads. 0, or -1 on OOM (the table then
 * holds no boilerplate). */
WU_API int wu_boiler_finish(wu_boiler *b, int min_docs, int n_threads);

/* Number of boilerplate lines (after wu_boiler_finish). */
WU_API size_t wu_boiler_size(const wu_boiler *b);

/* wu_normalize() of text without its boilerplate lines (b may be NULL:
 * nothing is removed). An article made of nothing but boilerplate is kept
 * whole. Adds invalid UTF-8 bytes to *n_invalid, sets *n_removed to the
 * lines removed (either may be NULL). tmp is scratch. The length is out->n.
 * Returns 0, or -1 out of memory (out then empty). */
WU_API int wu_normalize_filtered(const char *text, size_t n, const char *source,
                                 const wu_boiler *b, wu_str *out, wu_str *tmp, size_t *n_invalid,
                                 size_t *n_removed);

/* Is this raw line boilerplate under source? *is gets 1 yes, 0 no (b NULL:
 * no). tmp is scratch. Returns 0, or -1 out of memory (*is then 0). */
WU_API int wu_boiler_has_line(const wu_boiler *b, const char *line, size_t n, const char *source,
                              wu_str *tmp, int *is);

/* ------------------------------------------------------------------ */
/* Shingle                                                             */
/* ------------------------------------------------------------------ */

/* Hashes the shingles of normalized text w[0..n) (output of wu_normalize)
 * into out (replaced): word n-grams or character n-grams per opt. A text
 * with fewer than ngram units yields one shingle, the whole text, so short
 * texts stay distinct. The hashes are unique, so out->n is the exact
 * shingle-set size, and sorted in increasing order when opt->verify is
 * WU_VERIFY_EXACT (set operations need it; sketching does not). An empty
 * text yields no shingle (out->n 0). Returns 0, or -1 (out of memory; out
 * is then empty). */
WU_API int wu_shingle(const char *w, size_t n, const wu_opt *opt, wu_u64s *out);

/* ------------------------------------------------------------------ */
/* Sketch                                                              */
/* ------------------------------------------------------------------ */

/* Writes the MinHash signature sig[0..opt->num_perm) of the shingle set
 * sh[0..n): one-permutation hashing with optimal densification
 * (Shrivastava 2017), O(n + k) for n >= k; a text of fewer shingles than k
 * pays about k^2/n probes to fill its empty bins (16,384 at most at the
 * default k = 128). Equal values at a position estimate the Jaccard
 * similarity. n == 0 gives a signature that matches nothing. */
WU_API void wu_sketch(const uint64_t *sh, size_t n, const wu_opt *opt, uint32_t *sig);

/* Fraction of equal positions of two signatures of length k. */
WU_API double wu_sig_jaccard(const uint32_t *a, const uint32_t *b, int k);

/* Exact Jaccard of two sorted unique hash sets. */
WU_API double wu_set_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

/* Containment of the smaller set in the larger, |A n B| / min(|A|,|B|),
 * from their Jaccard j and exact sizes. */
WU_API double wu_containment(double j, size_t na, size_t nb);

/* ------------------------------------------------------------------ */
/* LSH                                                                 */
/* ------------------------------------------------------------------ */

/* Chooses bands b and rows r (b*r <= k) minimising the equally weighted
 * false-positive and false-negative areas under the S-curve
 * 1 - (1 - s^r)^b around threshold t. */
WU_API void wu_lsh_params(double t, int k, int *bands, int *rows);

/* Probability that a pair of Jaccard s becomes a candidate. */
WU_API double wu_lsh_prob(double s, int bands, int rows);

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

#define WU_NO_DATE INT32_MAX

typedef struct wu_fields {
	const char *id;     /* default "id" */
	const char *text;   /* default "text" */
	const char *title;  /* NULL: none */
	const char *date;   /* NULL: none */
	const char *source; /* NULL: none */
} wu_fields;

/* One article as read. Strings are NUL-terminated and owned by the caller's
 * buffers (see wu_json_record). id is the id's JSON text exactly as given:
 * a number's digits, or a string with its quotes and escapes. */
typedef struct wu_record {
	const char *id;
	size_t id_len;
	const char *text; /* title (if any) + "\n" + text, decoded */
	size_t text_len;
	const char *source; /* decoded, "" when absent */
	int32_t date;       /* days since 1970-01-01, WU_NO_DATE when absent */
} wu_record;

/* Parses one JSONL line. The whole line must be one valid JSON object
 * (RFC 8259). Decoded strings go to buf (reused). Returns 0, or -1 with a
 * reason in err (e.g. "not valid JSON at byte 17: ...", "no \"text\" field",
 * "\"text\" is a number, not a string", "empty text"). */
WU_API int wu_json_record(const char *line, size_t len, const wu_fields *f,
                   wu_str *buf, wu_record *rec, char *err, size_t errlen);

/* Validates one JSONL line as a JSON object and finds its top-level
 * members names[0..n) (n <= 16): val[i] points at member i's JSON text in
 * line (val_len[i] bytes), or is NULL when absent. tmp is scratch.
 * Returns 0, or -1 with a reason in err. */
WU_API int wu_json_get(const char *line, size_t len, const char *const *names, int n, wu_str *tmp,
                const char **val, size_t *val_len, char *err, size_t errlen);

/* A JSON value's text as a plain string: a string is decoded, anything
 * else is copied. Returns 0, or -1 on allocation failure. */
WU_API int wu_json_unquote(const char *val, size_t len, wu_str *out);

/* Parses a date "YYYY-MM-DD" optionally followed by 'T' or ' ' and a time
 * (ignored). Returns days since 1970-01-01, or WU_NO_DATE if not a date. */
WU_API int32_t wu_parse_date(const char *s, size_t n);

/* Parses an article file as scraped: an optional first line
 * "date YYYY-MM-DD SECTION" sets the date and section (the line is not part
 * of the text); blanks may pad the line and separate its parts (one at
 * least after "date" and after the date), and a UTF-8 byte-order mark may
 * open the file (it is never text). A line of that shape whose date does
 * not exist ("date 2021-13-45") rejects the file. rec->id is left to the
 * caller; rec->source gets the section. Returns 0 or -1 with a reason in
 * err. */
WU_API int wu_article_file(const char *data, size_t len, wu_str *buf, wu_record *rec,
                    char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* One article in one call                                             */
/* ------------------------------------------------------------------ */

/* The buffers one thread needs to sketch articles, reused from call to
 * call (as minimap2's mm_tbuf_t): make one a thread, never share one. */
typedef struct wu_sketcher wu_sketcher;
/* Document frequencies of story terms over a corpus (see Stories below). */
typedef struct wu_df wu_df;

WU_API wu_sketcher *wu_sketcher_new(void); /* NULL when out of memory */
WU_API void wu_sketcher_free(wu_sketcher *s);

/* What wu_sketch_article() asks for beyond the signature. */
#define WU_SKETCH_TERMS 1u /* the story terms (wu_story_terms) too */
#define WU_SKETCH_PROFILE 2u /* the story profile: those terms through
                              * wu_story_profile() with the sketcher's df
                              * (wu_sketcher_set_df) and opt->story_terms */

/* The document frequencies WU_SKETCH_PROFILE weighs terms by (a first
 * pass's, see wu_scan_article); read only, so one df serves every thread's
 * sketcher. NULL: none. */
WU_API void wu_sketcher_set_df(wu_sketcher *s, const wu_df *df);

/* What wu_sketch_article() found. The arrays live in the sketcher and
 * hold until its next call. */
typedef struct wu_article_sketch {
	const uint64_t *shingles; /* the shingle set (sorted when verify is exact) */
	size_t n_shingles;        /* 0: the text has no letters or digits */
	wu_terms *terms;          /* with WU_SKETCH_TERMS: the article's story
	                           * terms (the sketcher's, free to reweigh in
	                           * place with wu_story_profile); with
	                           * WU_SKETCH_PROFILE: its story profile, for
	                           * wu_sketched.profile; else NULL */
	size_t n_invalid; /* invalid UTF-8 bytes in the text */
} wu_article_sketch;

/* Sketches one article: rec->text normalized (markup decoded), its
 * boilerplate lines under rec->source left out when b is not NULL,
 * shingled and signed into sig[0..opt->num_perm) (opt finished), and its
 * story terms when flags has WU_SKETCH_TERMS: the same as wu_normalize_
 * filtered -> wu_shingle -> wu_sketch (-> wu_story_terms), bit for bit.
 * A text without letters or digits is no failure: 0 with n_shingles 0,
 * sig the empty set's (it matches nothing) and no terms. Returns 0, or -1
 * with the reason in err when memory runs out. */
WU_API int wu_sketch_article(wu_sketcher *s, const wu_record *rec, const wu_opt *opt,
                             const wu_boiler *b, unsigned flags, uint32_t *sig,
                             wu_article_sketch *out, char *err, size_t errlen);

/* What wu_scan_article() is asked for: the first pass over a corpus. */
#define WU_SCAN_LINES 1u /* boilerplate line keys (wu_line_keys), for wu_boiler_count */
#define WU_SCAN_TERMS 2u /* story terms, for wu_df_add */

/* What wu_scan_article() found; the arrays live in the sketcher and hold
 * until its next call. */
typedef struct wu_article_scan {
	const uint64_t *line_keys; /* WU_SCAN_LINES: the line keys, else NULL */
	size_t n_line_keys;
	const wu_terms *terms;     /* WU_SCAN_TERMS: the story terms of the whole
	                            * text (boilerplate is not known yet), as
	                            * wu_story_terms(b = NULL) gives them; else NULL */
} wu_article_scan;

/* The first pass's work on one article, from one normalization of
 * rec->text: its boilerplate line keys and its story terms, as flags ask.
 * Returns 0, or -1 with the reason in err when memory runs out. */
WU_API int wu_scan_article(wu_sketcher *s, const wu_record *rec, unsigned flags,
                           wu_article_scan *out, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* Corpus: sketched articles in flat arrays, in input order            */
/* ------------------------------------------------------------------ */

typedef struct wu_corpus wu_corpus;

/* An article ready to add: the record's metadata and its shingle set. */
typedef struct wu_sketched {
	const char *id;
	size_t id_len;
	int32_t date;
	uint32_t text_len;
	uint32_t n_shingles;
	const uint32_t *sig;      /* num_perm values */
	const uint64_t *shingles; /* kept only when opt->verify is exact */
	const wu_term *profile;   /* story profile, only when opt->stories */
	uint32_t n_profile;
} wu_sketched;

WU_API wu_corpus *wu_corpus_new(const wu_opt *opt);
WU_API void wu_corpus_free(wu_corpus *c);

/* Appends one article: *index gets its number (articles are numbered 0,
 * 1, ... in the order added) and *added 1. An id already in the corpus, as
 * a JSON value ("A" is "\u0041", the string "1" is not the number 1), is
 * not added: *added is 0 and *index the earlier article's number. Returns
 * 0, or -1 with the reason in err (out of memory; the corpus is full at
 * 2^32 - 2 articles), nothing added. */
WU_API int wu_corpus_add(wu_corpus *c, const wu_sketched *a, size_t *index, int *added,
                         char *err, size_t errlen);

WU_API size_t wu_corpus_size(const wu_corpus *c);
WU_API const char *wu_corpus_id(const wu_corpus *c, size_t i, size_t *len);

/* ------------------------------------------------------------------ */
/* Cluster                                                             */
/* ------------------------------------------------------------------ */

typedef struct wu_clusters {
	size_t n;            /* articles */
	uint32_t *rep;       /* rep[i]: index of i's representative */
	float *similarity;   /* similarity of i to its representative (rep: 1) */
	size_t n_clusters;   /* distinct representatives */
	size_t n_candidates; /* candidate pair checks (a pair met in k bands: k) */
	size_t n_linked;     /* candidate pairs that passed verification */
	int bands, rows;
	double seconds_bucket, seconds_verify, seconds_union;
} wu_clusters;

/* Clusters the corpus: LSH banding gives candidate pairs, each is verified
 * (signature estimate, or exact sets), passing pairs are joined by
 * union-find. Representative of a cluster: earliest date, then longest
 * text, then smallest id. The result does not depend on n_threads.
 * Returns 0, or -1 on allocation failure. */
WU_API int wu_cluster(const wu_corpus *c, const wu_opt *opt, int n_threads, wu_clusters *out);
WU_API void wu_clusters_free(wu_clusters *cl);

/* Orders two ids as the representative rule does: numbers before strings,
 * numbers by value, strings by bytes. */
WU_API int wu_id_cmp(const char *a, size_t na, const char *b, size_t nb);

/* ------------------------------------------------------------------ */
/* Stories: same-event clustering across outlets                       */
/* ------------------------------------------------------------------ */


/* The distinct story terms of text into out (sorted by key, out->n of
 * them), boilerplate lines (per b, may be NULL) left out: the words of
 * wu_normalize_filtered() (the words the shingles are made of) of 2+
 * characters that are not stop words, and pairs of adjacent such words,
 * weighted 1 + ln(tf), x1.5 for a name (capitalised mid-sentence in the
 * raw text in most occurrences; a pair: both words names), x2 for a number
 * (not a year). Thread-safe with one ws per thread. Returns 0, or -1 (out
 * of memory; out is then empty). */
WU_API int wu_story_terms(const char *text, size_t n, const char *source, const wu_boiler *b,
                          wu_scratch *ws, wu_terms *out);

/* Document frequencies of story terms over a corpus (a first pass). */
WU_API wu_df *wu_df_new(void);
WU_API void wu_df_free(wu_df *d);
WU_API int wu_df_add(wu_df *d, const wu_terms *t); /* one article's terms; -1 on OOM */

/* Turns terms into a profile in place (t->n of them left): weights times
 * ln(N/df), terms in fewer than 2 articles (or, from 20 articles on, in
 * more than half) left out, the m heaviest kept, L2-normalised, sorted by
 * key. Read-only on d, so thread-safe; it cannot fail. */
WU_API void wu_story_profile(const wu_df *d, int m, wu_terms *t);

/* Groups near-duplicate clusters (dup, from wu_cluster) into stories:
 * candidate pairs share one of each other's 16 heaviest profile terms
 * (posting lists longer than opt->max_bucket are linked to their first
 * members only), then greedy average linkage merges the pair of stories
 * whose mean profiles have the highest dot product while it is at least
 * opt->story_threshold, never letting a story's dated articles span more
 * than opt->window_days (0: no limit). Every near-duplicate cluster lies
 * inside one story. story_rep[i] receives the index of article i's story
 * representative (same rule as clusters). Returns 0, or -1 on OOM. */
WU_API int wu_stories(const wu_corpus *c, const wu_clusters *dup, const wu_opt *opt, int n_threads,
               uint32_t *story_rep, size_t *n_stories);

/* ------------------------------------------------------------------ */
/* Index: a persistent, crash-safe store of sketched articles (LMDB)   */
/* ------------------------------------------------------------------ */

/* Candidate and verification rules, shared by wu_cluster() and the index
 * so that both call the same pairs copies. */

/* The LSH key of band `band` (0 .. opt->bands - 1) of a signature: XXH3 of
 * the band's opt->rows values, seeded with opt->seed + band. Two articles
 * are candidates when they share the key of some band. */
WU_API uint64_t wu_band_key(const uint32_t *sig, int band, const wu_opt *opt);

/* The similarity of two articles under opt->measure, from their Jaccard
 * similarity j (a signature estimate or exact) and exact shingle counts:
 * j itself, or wu_containment(). 0 when either has no shingle. */
WU_API double wu_pair_similarity(double j, size_t na, size_t nb, const wu_opt *opt);

/* Are two articles with this similarity and these shingle counts copies?
 * similarity >= opt->threshold and, for containment, the smaller count at
 * least opt->min_length_ratio times the larger. */
WU_API int wu_pair_passes(double similarity, size_t na, size_t nb, const wu_opt *opt);

/* An index is a directory holding an LMDB environment: every article's id,
 * date, source, shingle count and signature, its LSH band entries, and the
 * parameters it was built with (fixed at creation). Articles are numbered
 * as added; a commit seals its batch's band and id entries into a packed,
 * sorted segment (about 8 bytes an entry), merged with the segments before
 * it as a binary counter carries, up to 2^(gen_bits + 2) articles a
 * segment: the index stays under 1 KB an article at 128 permutations, a
 * commit writes little more than its batch, and a query reads O(log n)
 * small segments and one per 2^(gen_bits + 2) articles. At most 1023
 * bands.
 * Writes go in batches, each one LMDB transaction: a process killed at any
 * moment leaves the index as of its last commit. One writer at a time (a
 * lock file in the directory); readers never block and never wait. A
 * handle is for one thread at a time. LMDB's locks are per process: while
 * other processes use an index, a process should not hold two handles on
 * it at once. */
#define WU_INDEX_FORMAT 3 /* 3: ids keyed by their value as JSON ("A" = "\u0041") */

typedef struct wu_index wu_index;

typedef struct wu_index_opt {
	int writable;      /* open for writing: takes the writer lock (default 0) */
	int wait;          /* writable: wait for another writer to finish instead
	                      of failing (default 0) */
	int no_sync;       /* commits are not flushed to disk: still safe when the
	                      process is killed, not on a power cut (default 0) */
	uint64_t map_size; /* the most bytes the index may grow to (the map starts
	                      small and doubles as needed; a batch that meets a
	                      full map is done again in the bigger one); kept in
	                      the index by the next commit; 0: as kept (64 GiB
	                      from wu_index_create) */
	int gen_bits;      /* wu_index_create only: segments merge up to
	                      2^(gen_bits + 2) articles (gen_bits 6..16); larger
	                      ones mean fewer lookups a query and more rewriting
	                      a commit; 0: chosen from the bands (2^15 at 41
	                      bands) */
} wu_index_opt;

/* Sets every field to its documented default. */
WU_API void wu_index_opt_init(wu_index_opt *io);

/* Creates an index at path (which must not exist) with the parameters of
 * opt (finished by wu_opt_finish(); only the similarity fields matter) and
 * opens it per io (io may be NULL: read-only). The directory appears whole
 * or not at all. Returns the handle, or NULL with a reason in err. */
WU_API wu_index *wu_index_create(const char *path, const wu_opt *opt, const wu_index_opt *io,
                          char *err, size_t errlen);

/* Opens an existing index (io may be NULL: read-only). Refuses, with a
 * reason in err, what is not an index of this format version, a truncated
 * or damaged file, and (writable, without io->wait) an index another
 * process is writing: "index is being written by another process". */
WU_API wu_index *wu_index_open(const char *path, const wu_index_opt *io, char *err, size_t errlen);

/* Closes the index; a batch not yet committed is dropped. NULL is fine. */
WU_API void wu_index_close(wu_index *ix);

/* The parameters the index was built with: sketch articles with these. */
WU_API const wu_opt *wu_index_params(const wu_index *ix);

/* Parameters, as bits of `which` in wu_index_check(). */
enum {
	WU_PARAM_SHINGLE = 1 << 0, WU_PARAM_NGRAM = 1 << 1, WU_PARAM_NUM_PERM = 1 << 2,
	WU_PARAM_SEED = 1 << 3, WU_PARAM_MEASURE = 1 << 4, WU_PARAM_THRESHOLD = 1 << 5,
	WU_PARAM_RATIO = 1 << 6, WU_PARAM_BANDS = 1 << 7, WU_PARAM_ROWS = 1 << 8,
	WU_PARAM_ALL = (1 << 9) - 1
};

/* Compares the parameters named by `which` in opt with the index's.
 * Returns 0 when they agree, or -1 with err naming the first that does
 * not and both values, e.g. "num-perm 64 conflicts with the index's 128". */
WU_API int wu_index_check(const wu_index *ix, const wu_opt *opt, unsigned which, char *err,
                   size_t errlen);

/* An article to add or look up, sketched with wu_index_params(). */
typedef struct wu_index_article {
	const char *id;      /* JSON text of the id, exactly as given (<= 65535 bytes) */
	size_t id_len;
	int32_t date;        /* days since 1970-01-01, or WU_NO_DATE */
	const char *source;  /* outlet, or NULL (kept up to 65535 bytes) */
	size_t source_len;
	uint32_t n_shingles; /* exact shingle-set size */
	const uint32_t *sig; /* num_perm values */
} wu_index_article;

/* Adds an article to the current batch (a writable index starts one when
 * none is open). It is visible to this handle's queries at once, to other
 * processes after wu_index_commit(). *added (may be NULL) gets 1 when it
 * was added, 0 when its id is already in the index (nothing changes).
 * Returns 0, or -1 with a reason in err (then the whole batch is dropped,
 * e.g. when the map size is reached). */
WU_API int wu_index_add(wu_index *ix, const wu_index_article *a, int *added, char *err,
                        size_t errlen);

/* Articles added (or expired) since the last commit. */
WU_API size_t wu_index_pending(const wu_index *ix);

/* Makes the current batch durable, all of it or (on failure) none of it;
 * with a window set (wu_index_set_window), first expires what has left it.
 * No batch open: nothing to do. Returns 0, or -1 with a reason in err. */
WU_API int wu_index_commit(wu_index *ix, char *err, size_t errlen);

/* Drops the current batch. */
WU_API void wu_index_abort(wu_index *ix);

/* The best stored match of an article. */
typedef struct wu_index_match {
	int found;         /* a stored article passes wu_pair_passes(), or has the same id */
	int same_id;       /* the match is the stored article with the same id (then
	                      found is 1 whatever the similarity) */
	double similarity; /* to the match under the index's measure; 0 when none */
	uint64_t article;  /* the match's internal number */
	int32_t date;      /* the match's date */
	wu_str id;         /* the match's id (JSON text); the caller frees it */
} wu_index_match;

/* Looks an article up: its stored namesake if its id is in the index, else
 * the candidates sharing one of its band keys (the first opt->max_bucket of
 * each band's bucket, earliest added first), verified from the signatures;
 * the most similar passing one wins, the earliest added on a tie. Sees the
 * current batch's additions. With a window, stored articles dated more than
 * the window's days before the newest date (this article's included) are
 * not matched. Returns 0 (m->found says whether there is a match), or -1
 * with a reason in err. */
WU_API int wu_index_query(wu_index *ix, const wu_index_article *a, wu_index_match *m, char *err,
                   size_t errlen);

/* Keeps the index to `days` days (0: no limit, the default): queries ignore
 * older articles and every commit expires them (see wu_index_expire). */
WU_API void wu_index_set_window(wu_index *ix, int days);

/* The clock's date (days since 1970-01-01; WU_NO_DATE, the default: no
 * clock). A window then ends at the newest date or today, whichever is
 * earlier, so that an article dated far in the future cannot expire the
 * rest (callers should also refuse such dates: see README). */
WU_API void wu_index_set_today(wu_index *ix, int32_t today);

/* Removes, in the current batch, up to max articles (0: no limit) dated
 * before `before` (days since 1970-01-01), oldest first, with their band
 * entries and id; undated articles never expire. *n_removed (may be NULL)
 * gets how many went. Returns 0, or -1 with a reason in err. */
WU_API int wu_index_expire(wu_index *ix, int32_t before, size_t max, size_t *n_removed, char *err,
                    size_t errlen);

typedef struct wu_index_stats {
	wu_opt opt;             /* the parameters */
	int format;             /* WU_INDEX_FORMAT of the file */
	int normalize_version;  /* WU_NORMALIZE_VERSION it was built with */
	uint64_t n_articles, n_undated;
	int32_t first_date, last_date; /* WU_NO_DATE when no article is dated */
	uint64_t file_bytes;    /* size of the data file on disk */
	uint64_t used_bytes;    /* of which in use (the rest is free pages that
	                           later commits reuse) */
	uint64_t map_size;      /* the map's size now (it grows as needed) */
	uint64_t map_limit;     /* the most the map may grow to */
	uint64_t n_segments;    /* band segments (a query reads each) */
} wu_index_stats;

/* The index's parameters, contents and size (the current batch included).
 * Returns 0, or -1 with a reason in err. */
WU_API int wu_index_stat(wu_index *ix, wu_index_stats *st, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* Eval                                                                */
/* ------------------------------------------------------------------ */

typedef struct wu_eval_metrics {
	size_t n, n_gold_clusters, n_pred_clusters;
	double ari;
	double bcubed_p, bcubed_r, bcubed_f1;
	double pair_p, pair_r, pair_f1;
} wu_eval_metrics;

/* Scores a predicted clustering against gold labels, both given as one
 * label per item (any uint32 values; equal value = same cluster).
 * Pairwise precision is 1 when no pair is predicted (likewise recall).
 * Returns 0, or -1 on allocation failure. */
WU_API int wu_eval(const uint32_t *gold, const uint32_t *pred, size_t n, wu_eval_metrics *m);

#ifdef __cplusplus
}
#endif
#endif
