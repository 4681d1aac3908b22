/* Markup left in scraped text: HTML tags and character references.
 * Scrapers often keep some of a page's HTML ("&#8217;", "&amp;", "&nbsp;",
 * "<p class=...>", "<a href=...>"), and a copy with it shares few shingles
 * with the same story without it (a lede with entities scored containment
 * 0.28 against its decoded twin). So before normalization, tags become
 * separators and references become their characters. The rules, exactly:
 *
 *   tag        '<', then a letter, '!', or '/' and a letter; then bytes
 *              other than '<', '>' and newline; then '>', the whole at
 *              most 256 bytes. It becomes one space. Anything else ("a < b
 *              > c", "<3", "x<-y", a '<' with no '>' on its line) is text.
 *   reference  "&name;" with a name of the HTML 4 set or "apos" (case
 *              matters: "&Eacute;" is not "&eacute;"); "&#DIGITS;" (1-8
 *              decimal digits) or "&#xHEX;" ("x" or "X", 1-8 hex digits),
 *              the value 1 to 0x10FFFF and not a surrogate. It becomes
 *              its character, except that 0x80-0x9F are read as
 *              Windows-1252 (as browsers do: "&#146;" is a right quote)
 *              and a control character becomes a space. Anything else
 *              ("AT&T", "&amp" with no ';', "&bogus;", "&#0;") is text.
 *
 * One pass, left to right: what a reference decodes to is not read again,
 * so "&amp;lt;" is "&lt;" and "&lt;p&gt;" is the text "<p>", not a tag.
 * Neither a tag nor a reference spans a newline and neither makes one, so
 * a text's lines are decoded alike whether one at a time or all at once
 * (boilerplate keys lines, shingles read the whole text). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define TAG_MAX 256
#define NAME_MAX_LEN 8 /* the longest name of the set: "thetasym" */
#define DIGITS_MAX 8

typedef struct {
	const char *name;
	uint32_t cp;
} named;

/* The HTML 4.01 character entity set (Latin-1, symbols and Greek,
 * special characters: 252 names) and "apos", sorted by name bytes for the
 * binary search. */
static const named names[] = {
	{"AElig", 0x00C6}, {"Aacute", 0x00C1}, {"Acirc", 0x00C2}, {"Agrave", 0x00C0}, {"Alpha", 0x0391},
	{"Aring", 0x00C5}, {"Atilde", 0x00C3}, {"Auml", 0x00C4}, {"Beta", 0x0392}, {"Ccedil", 0x00C7},
	{"Chi", 0x03A7}, {"Dagger", 0x2021}, {"Delta", 0x0394}, {"ETH", 0x00D0}, {"Eacute", 0x00C9},
	{"Ecirc", 0x00CA}, {"Egrave", 0x00C8}, {"Epsilon", 0x0395}, {"Eta", 0x0397}, {"Euml", 0x00CB},
	{"Gamma", 0x0393}, {"Iacute", 0x00CD}, {"Icirc", 0x00CE}, {"Igrave", 0x00CC}, {"Iota", 0x0399},
	{"Iuml", 0x00CF}, {"Kappa", 0x039A}, {"Lambda", 0x039B}, {"Mu", 0x039C}, {"Ntilde", 0x00D1},
	{"Nu", 0x039D}, {"OElig", 0x0152}, {"Oacute", 0x00D3}, {"Ocirc", 0x00D4}, {"Ograve", 0x00D2},
	{"Omega", 0x03A9}, {"Omicron", 0x039F}, {"Oslash", 0x00D8}, {"Otilde", 0x00D5}, {"Ouml", 0x00D6},
	{"Phi", 0x03A6}, {"Pi", 0x03A0}, {"Prime", 0x2033}, {"Psi", 0x03A8}, {"Rho", 0x03A1},
	{"Scaron", 0x0160}, {"Sigma", 0x03A3}, {"THORN", 0x00DE}, {"Tau", 0x03A4}, {"Theta", 0x0398},
	{"Uacute", 0x00DA}, {"Ucirc", 0x00DB}, {"Ugrave", 0x00D9}, {"Upsilon", 0x03A5}, {"Uuml", 0x00DC},
	{"Xi", 0x039E}, {"Yacute", 0x00DD}, {"Yuml", 0x0178}, {"Zeta", 0x0396}, {"aacute", 0x00E1},
	{"acirc", 0x00E2}, {"acute", 0x00B4}, {"aelig", 0x00E6}, {"agrave", 0x00E0}, {"alefsym", 0x2135},
	{"alpha", 0x03B1}, {"amp", 0x0026}, {"and", 0x2227}, {"ang", 0x2220}, {"apos", 0x0027},
	{"aring", 0x00E5}, {"asymp", 0x2248}, {"atilde", 0x00E3}, {"auml", 0x00E4}, {"bdquo", 0x201E},
	{"beta", 0x03B2}, {"brvbar", 0x00A6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0x00E7},
	{"cedil", 0x00B8}, {"cent", 0x00A2}, {"chi", 0x03C7}, {"circ", 0x02C6}, {"clubs", 0x2663},
	{"cong", 0x2245}, {"copy", 0x00A9}, {"crarr", 0x21B5}, {"cup", 0x222A}, {"curren", 0x00A4},
	{"dArr", 0x21D3}, {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0x00B0}, {"delta", 0x03B4},
	{"diams", 0x2666}, {"divide", 0x00F7}, {"eacute", 0x00E9}, {"ecirc", 0x00EA}, {"egrave", 0x00E8},
	{"empty", 0x2205}, {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x03B5}, {"equiv", 0x2261},
	{"eta", 0x03B7}, {"eth", 0x00F0}, {"euml", 0x00EB}, {"euro", 0x20AC}, {"exist", 0x2203},
	{"fnof", 0x0192}, {"forall", 0x2200}, {"frac12", 0x00BD}, {"frac14", 0x00BC}, {"frac34", 0x00BE},
	{"frasl", 0x2044}, {"gamma", 0x03B3}, {"ge", 0x2265}, {"gt", 0x003E}, {"hArr", 0x21D4},
	{"harr", 0x2194}, {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0x00ED}, {"icirc", 0x00EE},
	{"iexcl", 0x00A1}, {"igrave", 0x00EC}, {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B},
	{"iota", 0x03B9}, {"iquest", 0x00BF}, {"isin", 0x2208}, {"iuml", 0x00EF}, {"kappa", 0x03BA},
	{"lArr", 0x21D0}, {"lambda", 0x03BB}, {"lang", 0x2329}, {"laquo", 0x00AB}, {"larr", 0x2190},
	{"lceil", 0x2308}, {"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A}, {"lowast", 0x2217},
	{"loz", 0x25CA}, {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x003C},
	{"macr", 0x00AF}, {"mdash", 0x2014}, {"micro", 0x00B5}, {"middot", 0x00B7}, {"minus", 0x2212},
	{"mu", 0x03BC}, {"nabla", 0x2207}, {"nbsp", 0x00A0}, {"ndash", 0x2013}, {"ne", 0x2260},
	{"ni", 0x220B}, {"not", 0x00AC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0x00F1},
	{"nu", 0x03BD}, {"oacute", 0x00F3}, {"ocirc", 0x00F4}, {"oelig", 0x0153}, {"ograve", 0x00F2},
	{"oline", 0x203E}, {"omega", 0x03C9}, {"omicron", 0x03BF}, {"oplus", 0x2295}, {"or", 0x2228},
	{"ordf", 0x00AA}, {"ordm", 0x00BA}, {"oslash", 0x00F8}, {"otilde", 0x00F5}, {"otimes", 0x2297},
	{"ouml", 0x00F6}, {"para", 0x00B6}, {"part", 0x2202}, {"permil", 0x2030}, {"perp", 0x22A5},
	{"phi", 0x03C6}, {"pi", 0x03C0}, {"piv", 0x03D6}, {"plusmn", 0x00B1}, {"pound", 0x00A3},
	{"prime", 0x2032}, {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x03C8}, {"quot", 0x0022},
	{"rArr", 0x21D2}, {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0x00BB}, {"rarr", 0x2192},
	{"rceil", 0x2309}, {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0x00AE}, {"rfloor", 0x230B},
	{"rho", 0x03C1}, {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A},
	{"scaron", 0x0161}, {"sdot", 0x22C5}, {"sect", 0x00A7}, {"shy", 0x00AD}, {"sigma", 0x03C3},
	{"sigmaf", 0x03C2}, {"sim", 0x223C}, {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286},
	{"sum", 0x2211}, {"sup", 0x2283}, {"sup1", 0x00B9}, {"sup2", 0x00B2}, {"sup3", 0x00B3},
	{"supe", 0x2287}, {"szlig", 0x00DF}, {"tau", 0x03C4}, {"there4", 0x2234}, {"theta", 0x03B8},
	{"thetasym", 0x03D1}, {"thinsp", 0x2009}, {"thorn", 0x00FE}, {"tilde", 0x02DC}, {"times", 0x00D7},
	{"trade", 0x2122}, {"uArr", 0x21D1}, {"uacute", 0x00FA}, {"uarr", 0x2191}, {"ucirc", 0x00FB},
	{"ugrave", 0x00F9}, {"uml", 0x00A8}, {"upsih", 0x03D2}, {"upsilon", 0x03C5}, {"uuml", 0x00FC},
	{"weierp", 0x2118}, {"xi", 0x03BE}, {"yacute", 0x00FD}, {"yen", 0x00A5}, {"yuml", 0x00FF},
	{"zeta", 0x03B6}, {"zwj", 0x200D}, {"zwnj", 0x200C},
};

/* Windows-1252's characters for 0x80-0x9F (0: none, a control). */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Value of a digit in base 10 or 16, or -1. */
static int digit_value(unsigned char c, int hex)
{
	if (is_digit(c))
		return c - '0';
	if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Bytes of the tag starting at s[0] == '<', or 0 when it is text. */
static size_t tag_len(const char *s, size_t n)
{
	if (n < 3)
		return 0;
	unsigned char c = (unsigned char)s[1];
	if (!is_alpha(c) && c != '!' && !(c == '/' && is_alpha((unsigned char)s[2])))
		return 0;
	size_t lim = n < TAG_MAX ? n : TAG_MAX;
	for (size_t i = 2; i < lim; i++) {
		if (s[i] == '>')
			return i + 1;
		if (s[i] == '<' || s[i] == '\n')
			return 0;
	}
	return 0;
}

size_t wu__name_index(const void *table, size_t n, size_t stride, const char *w, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *m = *(const char *const *)((const char *)table + mid * stride);
		int c = strncmp(m, w, len);
		if (c == 0)
			c = m[len] ? 1 : 0;
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

static int lookup(const char *name, size_t len, uint32_t *cp)
{
	size_t n = sizeof names / sizeof *names;
	size_t i = wu__name_index(names, n, sizeof *names, name, len);
	if (i == n)
		return 0;
	*cp = names[i].cp;
	return 1;
}

/* "&#...;" at s: its length and value, or 0. */
static size_t numeric_ref(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 2;
	int hex = i < n && (s[i] == 'x' || s[i] == 'X');
	i += (size_t)hex;
	size_t from = i;
	uint64_t v = 0;
	for (int d; i < n && i - from < DIGITS_MAX &&
	            (d = digit_value((unsigned char)s[i], hex)) >= 0; i++)
		v = v * (hex ? 16 : 10) + (uint64_t)d;
	if (i == from || i >= n || s[i] != ';')
		return 0;
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = (uint32_t)v;
	if (v >= 0x80 && v <= 0x9F)
		*cp = cp1252[v - 0x80];
	if (*cp < 0x20 || *cp == 0x7F || (*cp >= 0x80 && *cp <= 0x9F))
		*cp = ' '; /* a decoded newline would split the line */
	return i + 1;
}

/* Bytes of the character reference starting at s[0] == '&' and its code
 * point, or 0 when it is text. */
static size_t reference_len(const char *s, size_t n, uint32_t *cp)
{
	if (n < 4)
		return 0;
	if (s[1] == '#')
		return numeric_ref(s, n, cp);
	size_t i = 1;
	while (i < n && i <= NAME_MAX_LEN && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
		i++;
	if (i == 1 || i >= n || s[i] != ';' || !lookup(s + 1, i - 1, cp))
		return 0;
	return i + 1;
}

#ifdef __SSE2__
/* Bit k set where p[k] is '&' or '<', for the 16 bytes at p. */
static unsigned marks16(const char *p)
{
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<');
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)));
}
#endif

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_AVX512_SCAN 1
#include <immintrin.h>

/* next_mark()'s 64-byte steps with AVX-512: one load and two compares a
 * step, where SSE2 takes four and eight. Returns the mark's offset, or
 * where fewer than 64 bytes are left. */
__attribute__((target("avx512f,avx512bw"))) static size_t marks_avx512(const char *s, size_t n,
                                                                       int *found)
{
	const __m512i amp = _mm512_set1_epi8('&'), lt = _mm512_set1_epi8('<');
	size_t i = 0;
	for (; i + 64 <= n; i += 64) {
		__m512i v = _mm512_loadu_si512((const void *)(s + i));
		uint64_t m = _mm512_cmpeq_epi8_mask(v, amp) | _mm512_cmpeq_epi8_mask(v, lt);
		if (m) {
			*found = 1;
			return i + (size_t)__builtin_ctzll(m);
		}
	}
	if (i < n) { /* the tail as one step that ends with the text */
		__m512i v = _mm512_loadu_si512((const void *)(s + n - 64));
		uint64_t m = (_mm512_cmpeq_epi8_mask(v, amp) | _mm512_cmpeq_epi8_mask(v, lt)) >>
		             (64 - (n - i));
		*found = m != 0;
		return m ? i + (size_t)__builtin_ctzll(m) : n;
	}
	return i;
}

static int have_avx512(void)
{
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}
#else
#define HAVE_AVX512_SCAN 0
#endif

/* The next '&' or '<' in s[0..n), or n. Every text is scanned before it
 * is normalized, and most hold no mark: 64 bytes a step, one test each,
 * keep the scan a fraction of the normalizer's time. */
static size_t next_mark(const char *s, size_t n)
{
	size_t i = 0;
#if HAVE_AVX512_SCAN
	if (n >= 64 && have_avx512()) {
		int found = 0;
		i = marks_avx512(s, n, &found);
		if (found)
			return i;
	}
#endif
#ifdef __SSE2__
	for (; i + 64 <= n; i += 64) {
		uint64_t m = marks16(s + i) | (uint64_t)marks16(s + i + 16) << 16 |
		             (uint64_t)marks16(s + i + 32) << 32 | (uint64_t)marks16(s + i + 48) << 48;
		if (m)
			return i + (size_t)__builtin_ctzll(m);
	}
	for (; i + 16 <= n; i += 16) {
		unsigned m = marks16(s + i);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if (s[i] == '&' || s[i] == '<')
			return i;
	return n;
}

/* Bytes of the tag or reference at s[0], or 0: text. */
static size_t markup_at(const char *s, size_t n, uint32_t *cp)
{
	*cp = ' ';
	return s[0] == '<' ? tag_len(s, n) : reference_len(s, n, cp);
}

size_t wu__markup_find(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = next_mark(s, n); i < n; i += 1 + next_mark(s + i + 1, n - i - 1))
		if (markup_at(s + i, n - i, &cp))
			return i;
	return n;
}

/* Invalid UTF-8 bytes of s[0..n), counted as the normalizer counts them
 * (each byte where no valid sequence starts), for the tags it never sees. */
static size_t invalid_bytes(const char *s, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t r =
			utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		bad += r < 0;
		i += r < 0 ? 1 : (size_t)r;
	}
	return bad;
}

int wu__markup_decode(const char *s, size_t n, size_t from, wu_str *out, size_t *n_invalid)
{
	/* Never longer than its input: a tag (3 bytes at least) becomes 1,
	 * a reference (4 at least, 6 from U+0080 on, 7 from U+0800, 8 from
	 * U+10000) its 1-4 bytes of UTF-8. */
	out->n = 0;
	if (wu__str_reserve(out, n + 1))
		return -1;
	char *d = out->s;
	size_t o = from, inv = 0;
	memcpy(d, s, from);
	for (size_t i = from; i < n;) {
		size_t j = i + next_mark(s + i, n - i);
		memcpy(d + o, s + i, j - i);
		o += j - i;
		if (j == n)
			break;
		uint32_t cp;
		size_t k = markup_at(s + j, n - j, &cp);
		if (!k) {
			d[o++] = s[j];
			i = j + 1;
			continue;
		}
		if (s[j] == '<')
			inv += invalid_bytes(s + j + 1, k - 2);
		o += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)d + o);
		i = j + k;
	}
	d[o] = '\0';
	out->n = o;
	if (n_invalid)
		*n_invalid += inv;
	return 0;
}
