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

static int emit_bytes(emitter *e, const char *s, size_t n)
{
	if (e->need_space && e->out->n > 0 && wu_str_putc(e->out, ' '))
		return -1;
	e->need_space = 0;
	return wu_str_append(e->out, s, n);
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
	if (wu_str_reserve(&valid, n + 1))
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
 * them (and the space before them) is taken back. Returns the chunk's end. */
static size_t redo_chunk(const unsigned char *s, size_t n, size_t i, wu_str *out,
                         size_t *n_invalid)
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
	emitter e = {out, wo > 0};
	slow_chunk(&e, s + ws, j - ws, n_invalid);
	return j;
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

/* Branch-free on ASCII: every byte is stored (its lower-case form, or a
 * space for a separator) and the output advances past it unless it is a
 * separator after a separator. Word boundaries are unpredictable, every
 * few bytes, so the loops-per-word form this replaced lost most of its time
 * to mispredicted branches. */
size_t wu_normalize(const char *text, size_t n, wu_str *out, size_t *n_invalid)
{
	const unsigned char *s = (const unsigned char *)text;
	out->n = 0;
	if (wu_str_reserve(out, n + 2))
		return 0;
	size_t o = 0;
	unsigned prev_word = 0;
	for (size_t i = 0; i < n;) {
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
			i = redo_chunk(s, n, i, out, n_invalid);
			o = out->n;
			prev_word = o > 0;
			if (wu_str_reserve(out, o + (n - i) + 2))
				break;
			continue;
		}
		unsigned is_word = c != 0;
		out->s[o] = (char)(is_word ? c : ' ');
		o += is_word | prev_word;
		prev_word = is_word;
		i++;
	}
	if (o > 0 && out->s[o - 1] == ' ')
		o--;
	out->n = o;
	out->s[o] = '\0';
	return o;
}
