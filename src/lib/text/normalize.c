/* Text normalization: any UTF-8 in, lower-case words joined by single
 * spaces out. Wire copies differ in typography (curly vs straight quotes,
 * dashes, non-breaking spaces, ligatures, full-width forms) far more than in
 * words, so everything that is not a letter, digit or mark becomes a plain
 * separator and letters are NFKC case-folded.
 *
 * Most news text is ASCII, so a chunk of ASCII letters and digits is
 * lower-cased byte by byte; only chunks holding a non-ASCII byte go through
 * utf8proc (which allocates, a price paid only for non-ASCII words). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct {
	wu_str *out;
	int need_space; /* a separator was seen since the last word byte */
} emitter;

/* Is there output before out->s[at] on the same line? */
static int after_word(const wu_str *out, size_t at)
{
	return at > 0 && out->s[at - 1] != '\n';
}

static int emit_bytes(emitter *e, const char *s, size_t n)
{
	if (e->need_space && after_word(e->out, e->out->n) && wu__str_putc(e->out, ' '))
		return -1;
	e->need_space = 0;
	return wu__str_append(e->out, s, n);
}

static int is_word_category(utf8proc_category_t c)
{
	switch (c) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Scripts written without spaces: each ideograph or kana is a word of its
 * own, or a whole paragraph would be one "word". */
static int is_unspaced_script(utf8proc_int32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x2FFFF);
}

static int emit_codepoint(emitter *e, utf8proc_int32_t c)
{
	if (!is_word_category(utf8proc_category(c))) {
		e->need_space = 1;
		return 0;
	}
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t len = utf8proc_encode_char(c, enc);
	int alone = is_unspaced_script(c);
	if (alone)
		e->need_space = 1;
	if (emit_bytes(e, (const char *)enc, (size_t)len))
		return -1;
	if (alone)
		e->need_space = 1;
	return 0;
}

/* A chunk holding non-ASCII bytes: invalid bytes become spaces, then
 * utf8proc maps the whole chunk at once (NFKC with case folding), so
 * combining marks are put in canonical order and Hangul jamo compose. */
static int slow_chunk(emitter *e, const unsigned char *s, size_t n, size_t *n_invalid)
{
	wu_str valid = {0};
	if (wu__str_reserve(&valid, n + 1))
		return -1;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
		if (r < 0) {
			if (n_invalid)
				(*n_invalid)++;
			valid.s[valid.n++] = ' ';
			i++;
			continue;
		}
		memcpy(valid.s + valid.n, s + i, (size_t)r);
		valid.n += (size_t)r;
		i += (size_t)r;
	}
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)valid.s, (utf8proc_ssize_t)valid.n,
	                                    &mapped, UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                                    UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	wu_str_free(&valid);
	int rc = len < 0 ? -1 : 0;
	for (utf8proc_ssize_t i = 0; rc == 0 && i < len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t r = utf8proc_iterate(mapped + i, len - i, &c);
		if (r < 0)
			break;
		rc = emit_codepoint(e, c);
		i += r;
	}
	free(mapped);
	return rc;
}

/* Byte classes: 0 separator, 1 non-ASCII (slow path), else the byte's
 * lower-case form. Constant data, generated once. */
static const unsigned char byte_class[256] = {
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	 48,  49,  50,  51,  52,  53,  54,  55,  56,  57,   0,   0,   0,   0,   0,   0,
	  0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
	  0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
	  1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
};

/* Re-does the chunk holding the non-ASCII byte s[i] through utf8proc. The
 * fast path copied the chunk's ASCII bytes since its start one for one, so
 * its start is found by walking back over them, and what was written for
 * them (and the space before them) is taken back. Returns the chunk's
 * end. */
static int redo_chunk(const unsigned char *s, size_t n, size_t i, wu_str *out,
                      size_t *n_invalid, size_t *end)
{
	size_t ws = i;
	while (ws > 0 && byte_class[s[ws - 1]] >= 2)
		ws--;
	size_t wo = out->n - (i - ws);
	if (wo > 0 && out->s[wo - 1] == ' ')
		wo--;
	size_t j = i;
	while (j < n && byte_class[s[j]] != 0)
		j++;
	out->n = wo;
	emitter e = {out, after_word(out, wo)};
	*end = j;
	return slow_chunk(&e, s + ws, j - ws, n_invalid);
}

/* Length of a non-ASCII separator that English wire copy is full of
 * (no-break space; U+2000-U+2027: spaces, dashes, curly quotes, bullets,
 * ellipsis; not U+2017, whose compatibility form has a combining mark),
 * or 0. Each is a separator whatever surrounds it, so the word next to it
 * stays on the fast path instead of a trip through utf8proc. */
static size_t punctuation_len(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x80 && s[2] <= 0xA7 && s[2] != 0x97)
		return 3;
	return 0;
}

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_SSSE3_PATH 1
#include <immintrin.h>

/* COMPACT[m]: a pshufb control gathering the bytes of an 8-byte group
 * whose bits are set in m to its front (0x80 clears the rest). Constant
 * data, generated by a one-line script:
 *   [sum(b << 8*k for k, b in enumerate([j for j in range(8) if m >> j & 1]
 *        + [0x80] * (8 - bin(m).count("1")))) for m in range(256)] */
static const uint64_t COMPACT[256] = {
	0x8080808080808080ULL, 0x8080808080808000ULL, 0x8080808080808001ULL, 0x8080808080800100ULL,
	0x8080808080808002ULL, 0x8080808080800200ULL, 0x8080808080800201ULL, 0x8080808080020100ULL,
	0x8080808080808003ULL, 0x8080808080800300ULL, 0x8080808080800301ULL, 0x8080808080030100ULL,
	0x8080808080800302ULL, 0x8080808080030200ULL, 0x8080808080030201ULL, 0x8080808003020100ULL,
	0x8080808080808004ULL, 0x8080808080800400ULL, 0x8080808080800401ULL, 0x8080808080040100ULL,
	0x8080808080800402ULL, 0x8080808080040200ULL, 0x8080808080040201ULL, 0x8080808004020100ULL,
	0x8080808080800403ULL, 0x8080808080040300ULL, 0x8080808080040301ULL, 0x8080808004030100ULL,
	0x8080808080040302ULL, 0x8080808004030200ULL, 0x8080808004030201ULL, 0x8080800403020100ULL,
	0x8080808080808005ULL, 0x8080808080800500ULL, 0x8080808080800501ULL, 0x8080808080050100ULL,
	0x8080808080800502ULL, 0x8080808080050200ULL, 0x8080808080050201ULL, 0x8080808005020100ULL,
	0x8080808080800503ULL, 0x8080808080050300ULL, 0x8080808080050301ULL, 0x8080808005030100ULL,
	0x8080808080050302ULL, 0x8080808005030200ULL, 0x8080808005030201ULL, 0x8080800503020100ULL,
	0x8080808080800504ULL, 0x8080808080050400ULL, 0x8080808080050401ULL, 0x8080808005040100ULL,
	0x8080808080050402ULL, 0x8080808005040200ULL, 0x8080808005040201ULL, 0x8080800504020100ULL,
	0x8080808080050403ULL, 0x8080808005040300ULL, 0x8080808005040301ULL, 0x8080800504030100ULL,
	0x8080808005040302ULL, 0x8080800504030200ULL, 0x8080800504030201ULL, 0x8080050403020100ULL,
	0x8080808080808006ULL, 0x8080808080800600ULL, 0x8080808080800601ULL, 0x8080808080060100ULL,
	0x8080808080800602ULL, 0x8080808080060200ULL, 0x8080808080060201ULL, 0x8080808006020100ULL,
	0x8080808080800603ULL, 0x8080808080060300ULL, 0x8080808080060301ULL, 0x8080808006030100ULL,
	0x8080808080060302ULL, 0x8080808006030200ULL, 0x8080808006030201ULL, 0x8080800603020100ULL,
	0x8080808080800604ULL, 0x8080808080060400ULL, 0x8080808080060401ULL, 0x8080808006040100ULL,
	0x8080808080060402ULL, 0x8080808006040200ULL, 0x8080808006040201ULL, 0x8080800604020100ULL,
	0x8080808080060403ULL, 0x8080808006040300ULL, 0x8080808006040301ULL, 0x8080800604030100ULL,
	0x8080808006040302ULL, 0x8080800604030200ULL, 0x8080800604030201ULL, 0x8080060403020100ULL,
	0x8080808080800605ULL, 0x8080808080060500ULL, 0x8080808080060501ULL, 0x8080808006050100ULL,
	0x8080808080060502ULL, 0x8080808006050200ULL, 0x8080808006050201ULL, 0x8080800605020100ULL,
	0x8080808080060503ULL, 0x8080808006050300ULL, 0x8080808006050301ULL, 0x8080800605030100ULL,
	0x8080808006050302ULL, 0x8080800605030200ULL, 0x8080800605030201ULL, 0x8080060503020100ULL,
	0x8080808080060504ULL, 0x8080808006050400ULL, 0x8080808006050401ULL, 0x8080800605040100ULL,
	0x8080808006050402ULL, 0x8080800605040200ULL, 0x8080800605040201ULL, 0x8080060504020100ULL,
	0x8080808006050403ULL, 0x8080800605040300ULL, 0x8080800605040301ULL, 0x8080060504030100ULL,
	0x8080800605040302ULL, 0x8080060504030200ULL, 0x8080060504030201ULL, 0x8006050403020100ULL,
	0x8080808080808007ULL, 0x8080808080800700ULL, 0x8080808080800701ULL, 0x8080808080070100ULL,
	0x8080808080800702ULL, 0x8080808080070200ULL, 0x8080808080070201ULL, 0x8080808007020100ULL,
	0x8080808080800703ULL, 0x8080808080070300ULL, 0x8080808080070301ULL, 0x8080808007030100ULL,
	0x8080808080070302ULL, 0x8080808007030200ULL, 0x8080808007030201ULL, 0x8080800703020100ULL,
	0x8080808080800704ULL, 0x8080808080070400ULL, 0x8080808080070401ULL, 0x8080808007040100ULL,
	0x8080808080070402ULL, 0x8080808007040200ULL, 0x8080808007040201ULL, 0x8080800704020100ULL,
	0x8080808080070403ULL, 0x8080808007040300ULL, 0x8080808007040301ULL, 0x8080800704030100ULL,
	0x8080808007040302ULL, 0x8080800704030200ULL, 0x8080800704030201ULL, 0x8080070403020100ULL,
	0x8080808080800705ULL, 0x8080808080070500ULL, 0x8080808080070501ULL, 0x8080808007050100ULL,
	0x8080808080070502ULL, 0x8080808007050200ULL, 0x8080808007050201ULL, 0x8080800705020100ULL,
	0x8080808080070503ULL, 0x8080808007050300ULL, 0x8080808007050301ULL, 0x8080800705030100ULL,
	0x8080808007050302ULL, 0x8080800705030200ULL, 0x8080800705030201ULL, 0x8080070503020100ULL,
	0x8080808080070504ULL, 0x8080808007050400ULL, 0x8080808007050401ULL, 0x8080800705040100ULL,
	0x8080808007050402ULL, 0x8080800705040200ULL, 0x8080800705040201ULL, 0x8080070504020100ULL,
	0x8080808007050403ULL, 0x8080800705040300ULL, 0x8080800705040301ULL, 0x8080070504030100ULL,
	0x8080800705040302ULL, 0x8080070504030200ULL, 0x8080070504030201ULL, 0x8007050403020100ULL,
	0x8080808080800706ULL, 0x8080808080070600ULL, 0x8080808080070601ULL, 0x8080808007060100ULL,
	0x8080808080070602ULL, 0x8080808007060200ULL, 0x8080808007060201ULL, 0x8080800706020100ULL,
	0x8080808080070603ULL, 0x8080808007060300ULL, 0x8080808007060301ULL, 0x8080800706030100ULL,
	0x8080808007060302ULL, 0x8080800706030200ULL, 0x8080800706030201ULL, 0x8080070603020100ULL,
	0x8080808080070604ULL, 0x8080808007060400ULL, 0x8080808007060401ULL, 0x8080800706040100ULL,
	0x8080808007060402ULL, 0x8080800706040200ULL, 0x8080800706040201ULL, 0x8080070604020100ULL,
	0x8080808007060403ULL, 0x8080800706040300ULL, 0x8080800706040301ULL, 0x8080070604030100ULL,
	0x8080800706040302ULL, 0x8080070604030200ULL, 0x8080070604030201ULL, 0x8007060403020100ULL,
	0x8080808080070605ULL, 0x8080808007060500ULL, 0x8080808007060501ULL, 0x8080800706050100ULL,
	0x8080808007060502ULL, 0x8080800706050200ULL, 0x8080800706050201ULL, 0x8080070605020100ULL,
	0x8080808007060503ULL, 0x8080800706050300ULL, 0x8080800706050301ULL, 0x8080070605030100ULL,
	0x8080800706050302ULL, 0x8080070605030200ULL, 0x8080070605030201ULL, 0x8007060503020100ULL,
	0x8080808007060504ULL, 0x8080800706050400ULL, 0x8080800706050401ULL, 0x8080070605040100ULL,
	0x8080800706050402ULL, 0x8080070605040200ULL, 0x8080070605040201ULL, 0x8007060504020100ULL,
	0x8080800706050403ULL, 0x8080070605040300ULL, 0x8080070605040301ULL, 0x8007060504030100ULL,
	0x8080070605040302ULL, 0x8007060504030200ULL, 0x8007060504030201ULL, 0x0706050403020100ULL,
};

/* Normalizes the 16-byte ASCII blocks from s[i], as the scalar loop
 * below would, until a block holds a non-ASCII byte or fewer than 16 are
 * left; returns where it stopped. A block's output is the block with
 * letters lower-cased and separators turned to spaces, less each
 * separator that follows a separator, packed with pshufb in two 8-byte
 * halves. Writes up to 8 bytes past the output: the caller reserved room. */
__attribute__((target("ssse3,popcnt"))) static size_t ascii_blocks(const unsigned char *s, size_t n,
                                                            size_t i, char *d, size_t *o,
                                                            unsigned *prev_word, int lines)
{
	const __m128i nl = _mm_set1_epi8('\n'), nl_sp = _mm_set1_epi8('\n' ^ ' ');
	const __m128i a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1);
	const __m128i la1 = _mm_set1_epi8('a' - 1), lz1 = _mm_set1_epi8('z' + 1);
	const __m128i d1 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
	const __m128i bit5 = _mm_set1_epi8(0x20), hi8 = _mm_set1_epi8(8);
	size_t w = *o;
	unsigned prev = *prev_word;
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		if (_mm_movemask_epi8(v))
			break;
		/* Bytes are below 128 here, so signed compares order them. */
		__m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmpgt_epi8(z1, v));
		__m128i lo = _mm_and_si128(_mm_cmpgt_epi8(v, la1), _mm_cmpgt_epi8(lz1, v));
		__m128i dg = _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmpgt_epi8(d9, v));
		__m128i word = _mm_or_si128(_mm_or_si128(up, lo), dg);
		__m128i low = _mm_or_si128(v, _mm_and_si128(up, bit5));
		__m128i out = _mm_or_si128(_mm_and_si128(word, low), _mm_andnot_si128(word, bit5));
		/* Under lines, a newline is kept as itself (its space, xor'd). */
		__m128i is_nl = lines ? _mm_cmpeq_epi8(v, nl) : _mm_setzero_si128();
		out = _mm_xor_si128(out, _mm_and_si128(is_nl, nl_sp));
		unsigned wm = (unsigned)_mm_movemask_epi8(word), nm = (unsigned)_mm_movemask_epi8(is_nl);
		unsigned keep = (wm | nm | (~wm & ((wm << 1) | prev))) & 0xFFFF;
		prev = wm >> 15;
		__m128i c0 = _mm_cvtsi64_si128((long long)COMPACT[keep & 0xFF]);
		__m128i c1 = _mm_add_epi8(_mm_cvtsi64_si128((long long)COMPACT[keep >> 8]), hi8);
		_mm_storel_epi64((__m128i *)(d + w), _mm_shuffle_epi8(out, c0));
		w += (size_t)__builtin_popcount(keep & 0xFF);
		_mm_storel_epi64((__m128i *)(d + w), _mm_shuffle_epi8(out, c1));
		w += (size_t)__builtin_popcount(keep >> 8);
	}
	*o = w;
	*prev_word = prev;
	return i;
}

/* ascii_blocks() 64 bytes at a time with AVX-512: the letter and digit
 * tests are byte masks, and one vpcompressb packs a block's kept bytes
 * where the SSSE3 path takes eight table-driven shuffles. Same output, byte
 * for byte, as ascii_blocks(); it stops at a block holding a non-ASCII byte
 * or when fewer than 64 bytes are left, for ascii_blocks() to go on. Writes
 * up to 64 bytes past the output: the caller reserved room for as many
 * bytes as it reads. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static size_t
ascii_blocks64(const unsigned char *s, size_t n, size_t i, char *d, size_t *o, unsigned *prev_word,
               int lines)
{
	const __m512i nl = _mm512_set1_epi8('\n');
	const __m512i bit5 = _mm512_set1_epi8(0x20), a = _mm512_set1_epi8('a');
	const __m512i zero = _mm512_set1_epi8('0'), n25 = _mm512_set1_epi8(25);
	const __m512i n9 = _mm512_set1_epi8(9);
	size_t w = *o;
	uint64_t prev = *prev_word;
	for (; i + 64 <= n; i += 64) {
		__m512i v = _mm512_loadu_si512((const void *)(s + i));
		if (_mm512_movepi8_mask(v))
			break;
		/* Setting bit 5 lower-cases A-Z and maps nothing else into a-z. */
		__m512i low = _mm512_or_si512(v, bit5);
		__mmask64 letter = _mm512_cmple_epu8_mask(_mm512_sub_epi8(low, a), n25);
		__mmask64 digit = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, zero), n9);
		__m512i out = _mm512_mask_blend_epi8(letter, _mm512_mask_blend_epi8(digit, bit5, v), low);
		__mmask64 is_nl = lines ? _mm512_cmpeq_epi8_mask(v, nl) : 0;
		out = _mm512_mask_blend_epi8(is_nl, out, nl);
		uint64_t wm = (uint64_t)(letter | digit);
		uint64_t keep = wm | (uint64_t)is_nl | (~wm & ((wm << 1) | prev));
		prev = wm >> 63;
		_mm512_storeu_si512((void *)(d + w), _mm512_maskz_compress_epi8(keep, out));
		w += (size_t)__builtin_popcountll(keep);
	}
	*o = w;
	*prev_word = (unsigned)prev;
	return i;
}
#else
#define HAVE_SSSE3_PATH 0
#endif

int wu__normalize_isa_best(void)
{
#if HAVE_SSSE3_PATH
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("popcnt"))
		return WU__ISA_AVX512;
	if (__builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt"))
		return WU__ISA_SSSE3;
#endif
	return WU__ISA_SCALAR;
}

#if HAVE_SSSE3_PATH
/* The last bytes of a text, fewer than a block, as one block padded with
 * spaces (which add no word, and at most the trailing space that is taken
 * off at the end): lines end in such a tail, and bytewise it costs as much
 * as the rest of a short line. Returns 0 (nothing done) when the tail is
 * not ASCII. */
static size_t ascii_tail(const unsigned char *s, size_t n, size_t i, char *d, size_t *o,
                         unsigned *prev_word, int lines)
{
	unsigned char pad[16];
	memset(pad, ' ', sizeof pad);
	memcpy(pad, s + i, n - i);
	return ascii_blocks(pad, sizeof pad, 0, d, o, prev_word, lines) ? n - i : 0;
}
#endif

/* wu_normalize() of text into out, with the fast paths of isa (a WU_ISA_
 * level this CPU has); under lines, of each line (wu__normalize_lines).
 * Branch-free on ASCII: every byte is stored (its lower-case form, or a
 * space for a separator) and the output advances past it unless it is a
 * separator after a separator. Word boundaries are unpredictable, every
 * few bytes, so the loops-per-word form this replaced lost most of its time
 * to mispredicted branches. */
static int normalize_plain(const char *text, size_t n, wu_str *out, size_t *n_invalid, int isa,
                           int lines)
{
	const unsigned char *s = (const unsigned char *)text;
	out->n = 0;
	if (n > SIZE_MAX - 64 || wu__str_reserve(out, n + 64))
		return -1;
	size_t o = 0, simd_from = 0;
	unsigned prev_word = 0;
	for (size_t i = 0; i < n;) {
#if HAVE_SSSE3_PATH
		if (isa >= WU__ISA_SSSE3 && i >= simd_from) {
			size_t j = i;
			if (isa >= WU__ISA_AVX512 && i + 64 <= n)
				j = ascii_blocks64(s, n, j, out->s, &o, &prev_word, lines);
			j = j + 16 <= n ? ascii_blocks(s, n, j, out->s, &o, &prev_word, lines)
			                : j + ascii_tail(s, n, j, out->s, &o, &prev_word, lines);
			if (j == i)
				simd_from = i + 16; /* a non-ASCII block: bytewise */
			i = j;
			continue;
		}
#endif
		if (lines && s[i] == '\n') {
			out->s[o++] = '\n';
			prev_word = 0;
			i++;
			continue;
		}
		unsigned c = byte_class[s[i]];
		size_t sep = c == 1 ? punctuation_len(s + i, n - i) : 0;
		if (sep) {
			out->s[o] = ' ';
			o += prev_word;
			prev_word = 0;
			i += sep;
			continue;
		}
		if (c == 1) {
			out->n = o;
			if (redo_chunk(s, n, i, out, n_invalid, &i) ||
			    wu__str_reserve(out, out->n + (n - i) + 64))
				return -1;
			o = out->n;
			prev_word = after_word(out, o);
			continue;
		}
		unsigned is_word = c != 0;
		out->s[o] = (char)(is_word ? c : ' ');
		o += is_word | prev_word;
		prev_word = is_word;
		i++;
	}
	(void)isa, (void)simd_from;
	if (o > 0 && out->s[o - 1] == ' ')
		o--;
	out->n = o;
	out->s[o] = '\0';
	return 0;
}

/* normalize_plain() after the markup pass (markup.c) when the text holds
 * a tag or reference, so every level reads the same decoded bytes. Out of
 * memory: -1, with out empty. */
static int normalize_with(const char *text, size_t n, wu_str *out, size_t *n_invalid, int isa,
                          int lines)
{
	size_t at = wu__markup_find(text, n), inv = 0;
	int r;
	if (at == n) {
		r = normalize_plain(text, n, out, &inv, isa, lines);
	} else {
		wu_str plain = {0};
		r = wu__markup_decode(text, n, at, &plain, &inv)
		    ? -1 : normalize_plain(plain.s, plain.n, out, &inv, isa, lines);
		wu_str_free(&plain);
	}
	if (r) {
		out->n = 0;
		if (out->s)
			out->s[0] = '\0';
		return -1;
	}
	if (n_invalid)
		*n_invalid += inv;
	return 0;
}

int wu_normalize(const char *text, size_t n, wu_str *out, size_t *n_invalid)
{
	return normalize_with(text, n, out, n_invalid, wu__normalize_isa_best(), 0);
}

int wu__normalize_isa(const char *text, size_t n, wu_str *out, size_t *n_invalid, int isa,
                      int lines)
{
	int best = wu__normalize_isa_best();
	return normalize_with(text, n, out, n_invalid, isa < best ? isa : best, lines);
}

int wu__normalize_lines(const char *text, size_t n, wu_str *out, size_t *n_invalid)
{
	return normalize_with(text, n, out, n_invalid, wu__normalize_isa_best(), 1);
}

size_t wu__norm_line(const char *s, size_t n, size_t *pos, size_t *len)
{
	if (!s || *pos >= n) { /* past the end: an empty line, and no more */
		*len = 0;
		*pos = n + 1;
		return n;
	}
	const char *nl = wu__find_byte(s + *pos, n - *pos, '\n');
	size_t at = *pos, e = nl ? (size_t)(nl - s) : n;
	*pos = e + 1;
	*len = e - at - (e > at && s[e - 1] == ' ');
	return at;
}
