/* A strict RFC 8259 scanner for one JSONL record. It validates the whole
 * line but only materialises the few top-level members asked for, and it
 * keeps the id's JSON text exactly as written: general JSON libraries
 * re-print numbers (json-c turns 123456789012345678901234 into
 * 18446744073709551615 and -0 into 0), which would break the contract that
 * ids come back as given. */
#include "internal.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <string.h>

#define MAX_DEPTH 256

enum { T_STR, T_NUM, T_OBJ, T_ARR, T_TRUE, T_FALSE, T_NULL };

/* The byte a one-letter JSON escape stands for, or 0 if it is not one.
 * Text is full of \n: a switch, not a search. */
static char unescape(char e)
{
	switch (e) {
	case '"': return '"';
	case '\\': return '\\';
	case '/': return '/';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return 0;
	}
}

static const char *const type_name[] = {"a string", "a number", "an object", "an array",
                                        "true", "false", "null"};

typedef struct {
	const char *p, *end, *start;
	char *err;
	size_t errlen;
	int depth;
} scan;

typedef struct {
	const char *at; /* first byte of the value */
	size_t len;
	int type;
	int present;
} span;

static int bad(scan *s, const char *why)
{
	return wu__fail(s->err, s->errlen, "not valid JSON at byte %zu: %s",
	               (size_t)(s->p - s->start) + 1, why);
}

static void skip_ws(scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
	if (end - p < 4)
		return -1;
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = (c >= '0' && c <= '9') ? (unsigned)(c - '0')
		           : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
		           : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10) : 16u;
		if (d == 16)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Does any byte of v need a look: a quote, a backslash, a control byte? */
static int special8(uint64_t v)
{
	uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
	return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v)) & HIGHS ? 1 : 0;
}

static int special1(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20;
}

#ifdef __SSE2__
/* Bit i set where byte i of v needs a look. */
static unsigned special16(__m128i v)
{
	/* A control byte is its own unsigned minimum with 0x1F. */
	__m128i ctrl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
	__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
	                           ctrl);
	return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* Moves p to the first byte from p on that needs a look, or to where
 * fewer than a block of bytes are left. */
static const char *skip_plain(const char *p, const char *end)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		unsigned m = special16(_mm_loadu_si128((const __m128i *)p));
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	uint64_t w8;
	while (end - p >= 8 && (memcpy(&w8, p, 8), !special8(w8)))
		p += 8;
	return p;
}

/* Writes c as UTF-8 at d; returns the end. */
static char *put_utf8(char *d, unsigned c)
{
	if (c < 0x80) {
		*d++ = (char)c;
	} else if (c < 0x800) {
		*d++ = (char)(0xC0 | c >> 6), *d++ = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		*d++ = (char)(0xE0 | c >> 12), *d++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*d++ = (char)(0x80 | (c & 0x3F));
	} else {
		*d++ = (char)(0xF0 | c >> 18), *d++ = (char)(0x80 | ((c >> 12) & 0x3F));
		*d++ = (char)(0x80 | ((c >> 6) & 0x3F)), *d++ = (char)(0x80 | (c & 0x3F));
	}
	return d;
}

/* A \u escape at p (already validated), written at *d; a lone surrogate
 * becomes U+FFFD, or with lone (for id keys, wu__id_key) keeps its own
 * value in the three bytes UTF-8 would give it (ED A0..BF xx): bytes no
 * valid UTF-8 holds, so "\ud800" is neither "\ufffd" nor any id given
 * raw (ids are checked strict UTF-8). Returns the input past it. */
static const char *decode_u(const char *p, const char *end, char **d, int lone)
{
	unsigned v = 0xFFFD, lo;
	hex4(p + 2, end, &v);
	p += 6;
	if (v >= 0xD800 && v <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
	    !hex4(p + 2, end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
		*d = put_utf8(*d, 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
		return p + 6;
	}
	*d = put_utf8(*d, (!lone && v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : v);
	return p;
}

/* Like skip_plain(), copying the bytes it passes to *d (advanced); where
 * 16 bytes can be read they are stored whole, so up to 16 bytes past *d
 * are written: the caller made room. */
static const char *copy_plain(const char *p, const char *end, char **d)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		_mm_storeu_si128((__m128i *)*d, v);
		unsigned m = special16(v);
		size_t k = m ? (size_t)__builtin_ctz(m) : 16;
		p += k, *d += k;
		if (m)
			return p;
	}
#endif
	while (p < end && !special1((unsigned char)*p))
		*(*d)++ = *p++;
	return p;
}

/* s->p at the opening quote; leaves it past the closing one. Article text
 * is long runs of plain bytes: they are skipped a block at a time. With o,
 * the string is decoded onto the end of o in the same pass (the article
 * text is most of a record: reading it once to validate and again to
 * decode was a fifth of the time spent on JSON); the errors are the same,
 * at the same bytes. */
static int scan_string_to(scan *s, wu_str *o)
{
	char *d = NULL;
	if (o) {
		if (wu__str_reserve(o, o->n + (size_t)(s->end - s->p) + 16))
			return wu__fail(s->err, s->errlen, "out of memory");
		d = o->s + o->n;
	}
	s->p++;
	while (s->p < s->end) {
		s->p = d ? copy_plain(s->p, s->end, &d) : skip_plain(s->p, s->end);
		if (s->p >= s->end)
			break;
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			if (o) {
				o->n = (size_t)(d - o->s);
				o->s[o->n] = '\0';
			}
			return 0;
		}
		if (c < 0x20)
			return bad(s, c ? "control character in string" : "NUL byte in string");
		if (c != '\\') { /* a plain byte skip_plain left in the last 8 */
			if (d)
				*d++ = (char)c;
			s->p++;
			continue;
		}
		if (s->end - s->p < 2)
			break;
		char e = s->p[1];
		unsigned v;
		if (e == 'u') {
			if (hex4(s->p + 2, s->end, &v))
				return bad(s, "bad \\u escape");
			s->p = d ? decode_u(s->p, s->end, &d, 0) : s->p + 6;
		} else if (unescape(e)) {
			if (d)
				*d++ = unescape(e);
			s->p += 2;
		} else {
			return bad(s, "bad escape in string");
		}
	}
	return bad(s, "unterminated string");
}

static int scan_string(scan *s)
{
	return scan_string_to(s, NULL);
}

static int digits(scan *s)
{
	const char *q = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > q ? 0 : -1;
}

static int scan_number(scan *s)
{
	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (digits(s))
		return bad(s, "bad number");
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (digits(s))
			return bad(s, "bad number");
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s))
			return bad(s, "bad number");
	}
	return 0;
}

static int scan_value(scan *s, int *type);

static int scan_container(scan *s, int obj)
{
	if (++s->depth > MAX_DEPTH)
		return bad(s, "nesting too deep");
	char close = obj ? '}' : ']';
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		int t;
		skip_ws(s);
		if (obj) {
			if (s->p >= s->end || *s->p != '"')
				return bad(s, "expected a member name");
			if (scan_string(s))
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return bad(s, "expected ':'");
			s->p++;
			skip_ws(s);
		}
		if (scan_value(s, &t))
			return -1;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			s->depth--;
			return 0;
		}
		return bad(s, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int scan_literal(scan *s, const char *lit, int type, int *out)
{
	size_t n = strlen(lit);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return bad(s, "unexpected character");
	s->p += n;
	*out = type;
	return 0;
}

static int scan_value(scan *s, int *type)
{
	if (s->p >= s->end)
		return bad(s, "unexpected end of line");
	switch (*s->p) {
	case '"': *type = T_STR; return scan_string(s);
	case '{': *type = T_OBJ; return scan_container(s, 1);
	case '[': *type = T_ARR; return scan_container(s, 0);
	case 't': return scan_literal(s, "true", T_TRUE, type);
	case 'f': return scan_literal(s, "false", T_FALSE, type);
	case 'n': return scan_literal(s, "null", T_NULL, type);
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) {
			*type = T_NUM;
			return scan_number(s);
		}
		return bad(s, *s->p ? "unexpected character" : "NUL byte");
	}
}

/* Appends the decoded value of a string span (with quotes). Decoding
 * never lengthens a string (an escape of 2, 6 or 12 bytes gives 1 to 4),
 * so room is made once and bytes are written straight in; where 16 bytes
 * can be read, they are copied while the backslash is looked for, in one
 * pass (the copy may run 16 bytes past: room for it too). Only backslashes
 * stop it, not copy_plain()'s quotes and control bytes: a value given to
 * wu_json_unquote() is copied as it is but for its escapes. */
static int decode_string_as(const char *q, size_t len, wu_str *o, int lone)
{
	const char *p = q + 1, *end = q + len - 1;
	if (wu__str_reserve(o, o->n + len + 16))
		return -1;
	char *d = o->s + o->n;
	while (p < end) {
#ifdef __SSE2__
		if (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			_mm_storeu_si128((__m128i *)d, v);
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
			size_t k = m ? (size_t)__builtin_ctz(m) : 16;
			p += k, d += k;
			if (!m)
				continue;
		} else
#endif
		{
			const char *bs = wu__find_byte(p, (size_t)(end - p), '\\');
			size_t k = bs ? (size_t)(bs - p) : (size_t)(end - p);
			memcpy(d, p, k);
			p += k, d += k;
			if (!bs)
				break;
		}
		if (p[1] == 'u') {
			p = decode_u(p, end, &d, lone);
			continue;
		}
		*d++ = unescape(p[1]);
		p += 2;
	}
	o->n = (size_t)(d - o->s);
	o->s[o->n] = '\0'; /* also for an empty string, where nothing was written */
	return 0;
}

static int decode_string(const char *q, size_t len, wu_str *o)
{
	return decode_string_as(q, len, o, 0);
}

/* Does the member name span (with quotes) equal name? In *eq. 0, or -1
 * out of memory (decoding an escaped name). */
static int key_is(const char *q, size_t len, const char *name, wu_str *tmp, int *eq)
{
	*eq = 0;
	if (!name)
		return 0;
	if (!memchr(q, '\\', len)) {
		*eq = len - 2 == strlen(name) && !memcmp(q + 1, name, len - 2);
		return 0;
	}
	/* Decoded past what tmp holds (the text may be there already). */
	size_t at = tmp->n;
	if (decode_string(q, len, tmp))
		return -1;
	*eq = tmp->n - at == strlen(name) && !memcmp(tmp->s + at, name, tmp->n - at);
	tmp->n = at;
	return 0;
}

enum { F_ID, F_TEXT, F_TITLE, F_DATE, F_SOURCE, F_N };

/* The article text decoded while it is scanned (scan_string_to), as
 * build_text() would lay it out: the title (if one is asked for, it must
 * come first in the record, as it does in most feeds), a newline, the
 * text, from the start of the buffer. done: what the buffer holds is that. */
typedef struct {
	int done;
	size_t len;
} text_plan;

/* Scans a text member's value into tmp per the plan, or only scans it
 * when the title is still to come. */
static int scan_text(scan *s, const span *title, int want_title, wu_str *tmp, text_plan *plan,
                     int *type)
{
	plan->done = 0;
	if (s->p >= s->end || *s->p != '"' || (want_title && !title->present))
		return scan_value(s, type);
	*type = T_STR;
	tmp->n = 0;
	if (title->present && title->type == T_STR &&
	    (decode_string(title->at, title->len, tmp) || wu__str_putc(tmp, '\n')))
		return wu__fail(s->err, s->errlen, "out of memory");
	if (scan_string_to(s, tmp))
		return -1;
	plan->done = 1;
	plan->len = tmp->n;
	return 0;
}

/* Scans a record; the members named are located in sp (the last of a
 * repeated name wins). With a plan, the F_TEXT member is decoded too. */
static int scan_record(scan *s, const char *const *names, int n_names, span *sp, wu_str *tmp,
                       text_plan *plan)
{
	skip_ws(s);
	if (s->p >= s->end || *s->p != '{')
		return s->p >= s->end ? wu__fail(s->err, s->errlen, "empty line")
		                      : bad(s, "a record must be a JSON object");
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return bad(s, "expected a member name");
		const char *key = s->p;
		if (scan_string(s))
			return -1;
		size_t klen = (size_t)(s->p - key);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return bad(s, "expected ':'");
		s->p++;
		skip_ws(s);
		span v = {s->p, 0, 0, 1};
		unsigned match = 0; /* bit i: the name is names[i] */
		for (int i = 0; i < n_names; i++) {
			int eq;
			if (key_is(key, klen, names[i], tmp, &eq))
				return wu__fail(s->err, s->errlen, "out of memory");
			match |= (unsigned)eq << i;
		}
		if (plan && (match >> F_TEXT & 1)
		        ? scan_text(s, &sp[F_TITLE], names[F_TITLE] != NULL, tmp, plan, &v.type)
		        : scan_value(s, &v.type))
			return -1;
		if (plan && (match >> F_TITLE & 1))
			plan->done = 0; /* a title after the text: decoded later */
		v.len = (size_t)(s->p - v.at);
		for (int i = 0; i < n_names; i++)
			if (match >> i & 1)
				sp[i] = v;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return bad(s, "expected ',' or '}'");
	}
}

static int check_type(const span *v, const char *name, int null_ok, char *err, size_t errlen)
{
	if (!v->present || v->type == T_STR || (null_ok && v->type == T_NULL))
		return 0;
	return wu__fail(err, errlen, "\"%s\" is %s, not a string", name, type_name[v->type]);
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF, since an id is written back into JSON output as it is. */
static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t k = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
		         : c >= 0xF0 && c <= 0xF4 ? 3 : 9;
		if (k == 9 || n - i <= k)
			return k == 0;
		unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
		if (c == 0xE0) lo = 0xA0;
		if (c == 0xED) hi = 0x9F;
		if (c == 0xF0) lo = 0x90;
		if (c == 0xF4) hi = 0x8F;
		if (k && (p[i + 1] < lo || p[i + 1] > hi))
			return 0;
		for (size_t j = 2; j <= k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

static int check_fields(const span *sp, const wu_fields *f, char *err, size_t errlen)
{
	const span *id = &sp[F_ID], *tx = &sp[F_TEXT];
	if (!id->present)
		return wu__fail(err, errlen, "no \"%s\" field", f->id);
	if (id->type != T_STR && id->type != T_NUM)
		return wu__fail(err, errlen, "\"%s\" is %s, not a string or number", f->id,
		               type_name[id->type]);
	if (!valid_utf8(id->at, id->len))
		return wu__fail(err, errlen, "\"%s\" is not valid UTF-8", f->id);
	if (!tx->present)
		return wu__fail(err, errlen, "no \"%s\" field", f->text);
	if (check_type(tx, f->text, 0, err, errlen) ||
	    check_type(&sp[F_TITLE], f->title ? f->title : "", 1, err, errlen) ||
	    check_type(&sp[F_DATE], f->date ? f->date : "", 1, err, errlen) ||
	    check_type(&sp[F_SOURCE], f->source ? f->source : "", 1, err, errlen))
		return -1;
	return 0;
}

/* The date member's value in *date (WU_NO_DATE when absent). 0, or -1
 * with the reason: not a date, or out of memory (never taken for none). */
static int field_date(const span *v, wu_str *buf, int32_t *date, char *err, size_t errlen)
{
	*date = WU_NO_DATE;
	if (!v->present || v->type != T_STR)
		return 0;
	size_t at = buf->n;
	if (decode_string(v->at, v->len, buf))
		return wu__fail(err, errlen, "out of memory");
	*date = wu_parse_date(buf->s + at, buf->n - at);
	if (*date == WU_NO_DATE && buf->n > at)
		return wu__fail(err, errlen, "date \"%.40s\" is not YYYY-MM-DD", buf->s + at);
	buf->n = at;
	return 0;
}

/* Decodes the title (if any), a newline, and the text into buf. */
static int build_text(const span *sp, wu_str *buf, size_t *off, size_t *len)
{
	*off = buf->n;
	if (sp[F_TITLE].present && sp[F_TITLE].type == T_STR) {
		if (decode_string(sp[F_TITLE].at, sp[F_TITLE].len, buf) || wu__str_putc(buf, '\n'))
			return -1;
	}
	if (decode_string(sp[F_TEXT].at, sp[F_TEXT].len, buf))
		return -1;
	*len = buf->n - *off;
	return wu__str_putc(buf, '\0');
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int wu_json_record(const char *line, size_t len, const wu_fields *f, wu_str *buf,
                   wu_record *rec, char *err, size_t errlen)
{
	scan s = {line, line + len, line, err, errlen, 0};
	span sp[F_N] = {{0}};
	const char *names[F_N] = {f->id, f->text, f->title, f->date, f->source};
	text_plan plan = {0, 0};
	buf->n = 0;
	if (scan_record(&s, names, F_N, sp, buf, &plan))
		return -1;
	skip_ws(&s);
	if (s.p != s.end)
		return bad(&s, "text after the object");
	if (check_fields(sp, f, err, errlen))
		return -1;
	buf->n = plan.done ? plan.len : 0;
	if (field_date(&sp[F_DATE], buf, &rec->date, err, errlen))
		return -1;
	size_t toff = 0, tlen = plan.len, soff = 0;
	if (plan.done ? wu__str_putc(buf, '\0') : build_text(sp, buf, &toff, &tlen))
		return wu__fail(err, errlen, "out of memory");
	if (blank(buf->s + toff, tlen))
		return wu__fail(err, errlen, "empty text");
	soff = buf->n;
	if ((sp[F_SOURCE].present && sp[F_SOURCE].type == T_STR &&
	     decode_string(sp[F_SOURCE].at, sp[F_SOURCE].len, buf)) ||
	    wu__str_putc(buf, '\0'))
		return wu__fail(err, errlen, "out of memory");
	rec->id = sp[F_ID].at;
	rec->id_len = sp[F_ID].len;
	rec->text = buf->s + toff;
	rec->text_len = tlen;
	rec->source = buf->s + soff;
	return 0;
}

int wu_json_get(const char *line, size_t len, const char *const *names, int n, wu_str *tmp,
                const char **val, size_t *val_len, char *err, size_t errlen)
{
	scan s = {line, line + len, line, err, errlen, 0};
	span sp[16] = {{0}};
	if (n > 16)
		return wu__fail(err, errlen, "too many fields");
	if (scan_record(&s, names, n, sp, tmp, NULL))
		return -1;
	skip_ws(&s);
	if (s.p != s.end)
		return bad(&s, "text after the object");
	for (int i = 0; i < n; i++) {
		val[i] = sp[i].present ? sp[i].at : NULL;
		val_len[i] = sp[i].len;
	}
	return 0;
}

int wu_json_unquote(const char *val, size_t len, wu_str *out)
{
	out->n = 0;
	if (len >= 2 && val[0] == '"')
		return decode_string(val, len, out);
	return wu__str_append(out, val, len);
}

const char *wu__id_key(const char *id, size_t len, wu_str *buf, size_t *key_len)
{
	if (len < 2 || id[0] != '"') { /* a number: its text */
		*key_len = len;
		return id;
	}
	if (!memchr(id + 1, '\\', len - 2)) { /* the opening quote and the bytes as they are */
		*key_len = len - 1;
		return id;
	}
	buf->n = 0;
	if (wu__str_putc(buf, '"') || decode_string_as(id, len, buf, 1))
		return NULL;
	*key_len = buf->n;
	return buf->s;
}
