/*
 * encode.c - the content encoders of the MIME writer: base64 (RFC 4648), quoted-printable (RFC 2045 6.7),
 * RFC 2047 encoded-words for header text, RFC 2231 file name parameters.
 *
 * Each one guarantees what the writer relies on: output lines short enough, no CR or LF except as CRLF,
 * and never the two characters "=_" (which our multipart boundaries start with).
 */
#include "smtp_mime.h"

#include <string.h>

#define HEADER_LINE_LIMIT 78   /* RFC 5322 2.1.1: lines SHOULD stay within 78 characters */
#define QP_LINE_LIMIT     76   /* RFC 2045 6.7 rule 5 */
#define ENCODED_WORD_MAX  75   /* RFC 2047 2 */

static const char hex_digits[] = "0123456789ABCDEF";

/* ---- base64 -------------------------------------------------------------------------------------- */

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t smtp_base64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i = 0, o = 0;

	for (; len - i >= 3; i += 3) {
		unsigned long triple = ((unsigned long)in[i] << 16) | ((unsigned long)in[i + 1] << 8) | in[i + 2];
		out[o++] = base64_alphabet[(triple >> 18) & 63];
		out[o++] = base64_alphabet[(triple >> 12) & 63];
		out[o++] = base64_alphabet[(triple >> 6) & 63];
		out[o++] = base64_alphabet[triple & 63];
	}
	if (len - i == 1) {
		out[o++] = base64_alphabet[in[i] >> 2];
		out[o++] = base64_alphabet[(in[i] & 3) << 4];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		out[o++] = base64_alphabet[in[i] >> 2];
		out[o++] = base64_alphabet[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = base64_alphabet[(in[i + 1] & 15) << 2];
		out[o++] = '=';
	}
	return o;
}

/* The 6-bit value of a base64 character, or -1. */
static int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

size_t smtp_base64_decode(const char *in, size_t len, unsigned char *out)
{
	size_t i, o = 0;

	if (len % 4 != 0) {
		return (size_t)-1;
	}
	for (i = 0; i < len; i += 4) {
		int last = i + 4 == len;
		int a = base64_value(in[i]), b = base64_value(in[i + 1]);
		int c = base64_value(in[i + 2]), d = base64_value(in[i + 3]);

		if (a < 0 || b < 0) {
			return (size_t)-1;
		}
		out[o++] = (unsigned char)((a << 2) | (b >> 4));
		/* Padding is only allowed in the last quantum: "xx==" or "xxx=". */
		if (c < 0) {
			if (!last || in[i + 2] != '=' || in[i + 3] != '=') {
				return (size_t)-1;
			}
			break;
		}
		out[o++] = (unsigned char)(((b & 15) << 4) | (c >> 2));
		if (d < 0) {
			if (!last || in[i + 3] != '=') {
				return (size_t)-1;
			}
			break;
		}
		out[o++] = (unsigned char)(((c & 3) << 6) | d);
	}
	return o;
}

/* ---- quoted-printable ------------------------------------------------------------------------------ */

/* Length of the line end starting at in[i]: 2 for CRLF, 1 for a bare CR or LF, 0 when none. */
static size_t line_end_length(const char *in, size_t len, size_t i)
{
	if (in[i] == '\n') {
		return 1;
	}
	if (in[i] == '\r') {
		return (i + 1 < len && in[i + 1] == '\n') ? 2 : 1;
	}
	return 0;
}

/*
 * Output staging: appending byte by byte to a smtp_buf would be a call per byte, so the encoder fills a
 * small array and hands it over when full.
 */
typedef struct staging {
	smtp_buf *out;
	char data[1024];
	size_t len;
	smtp_status status;
} staging;

static void staging_flush(staging *st)
{
	if (st->len > 0 && st->status == SMTP_OK) {
		st->status = smtp_buf_append(st->out, st->data, st->len);
	}
	st->len = 0;
}

static void staging_put(staging *st, const char *data, size_t len)
{
	if (st->len + len > sizeof st->data) {
		staging_flush(st);
	}
	memcpy(st->data + st->len, data, len);
	st->len += len;
}

smtp_status smtp_qp_encode(smtp_buf *out, const char *in, size_t len)
{
	staging st;
	size_t i = 0, column = 0;

	st.out = out;
	st.len = 0;
	st.status = SMTP_OK;
	while (i < len) {
		size_t eol = line_end_length(in, len, i);
		unsigned char c = (unsigned char)in[i];
		int last_in_line;

		if (eol > 0) {
			staging_put(&st, "\r\n", 2);
			column = 0;
			i += eol;
			continue;
		}
		last_in_line = i + 1 == len || line_end_length(in, len, i + 1) > 0;
		for (;;) {
			/* Whether c must be written as =XX depends on the column, so decide after any soft break. */
			int encode = c == '=' || c >= 127 || (c < 32 && c != '\t')
				|| ((c == ' ' || c == '\t') && last_in_line)
				|| (column == 0 && c == '.')
				|| (column == 0 && c == 'F' && len - i >= 5 && memcmp(in + i, "From ", 5) == 0);
			size_t width = encode ? 3 : 1;
			/* A soft break needs room for its '=' unless this is the line's last character. */
			size_t limit = last_in_line ? QP_LINE_LIMIT : QP_LINE_LIMIT - 1;

			if (column + width <= limit) {
				if (encode) {
					char triplet[3];
					triplet[0] = '=';
					triplet[1] = hex_digits[c >> 4];
					triplet[2] = hex_digits[c & 15];
					staging_put(&st, triplet, 3);
				} else {
					staging_put(&st, (const char *)&in[i], 1);
				}
				column += width;
				break;
			}
			staging_put(&st, "=\r\n", 3);
			column = 0;
		}
		i++;
	}
	staging_flush(&st);
	return st.status;
}

/* ---- characters of a charset ------------------------------------------------------------------------ */

/* How to find character boundaries in the charsets people use for mail, so words never split one. */
typedef enum charset_kind {
	CHARSET_SINGLE_BYTE,  /* ISO-8859-*, windows-125*, KOI8-*, US-ASCII and anything unknown */
	CHARSET_UTF8,
	CHARSET_DOUBLE_BYTE,  /* GB2312, GBK, Big5, EUC-KR: a byte >= 0x81 starts a two-byte character */
	CHARSET_GB18030,      /* as GBK, plus four-byte characters whose second byte is a digit */
	CHARSET_EUC_JP,       /* 0x8F starts three bytes, other bytes >= 0x80 start two */
	CHARSET_SHIFT_JIS     /* 0x81-0x9F and 0xE0-0xFC start two bytes */
} charset_kind;

static int ascii_equal_nocase(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z') {
			x = (char)(x - 'A' + 'a');
		}
		if (y >= 'A' && y <= 'Z') {
			y = (char)(y - 'A' + 'a');
		}
		if (x != y) {
			return 0;
		}
	}
	return *a == *b;
}

static int charset_in(const char *charset, const char *const *names)
{
	for (; *names != NULL; names++) {
		if (ascii_equal_nocase(charset, *names)) {
			return 1;
		}
	}
	return 0;
}

static charset_kind charset_kind_of(const char *charset)
{
	static const char *const utf8[] = {"UTF-8", "UTF8", NULL};
	static const char *const double_byte[] = {"GB2312", "GBK", "CP936", "EUC-CN", "BIG5", "BIG5-HKSCS", "CP950",
		"EUC-KR", "CP949", "UHC", "KS_C_5601-1987", NULL};
	static const char *const gb18030[] = {"GB18030", NULL};
	static const char *const euc_jp[] = {"EUC-JP", NULL};
	static const char *const shift_jis[] = {"SHIFT_JIS", "SHIFT-JIS", "SJIS", "CP932", "WINDOWS-31J", "MS_KANJI",
		NULL};

	if (charset_in(charset, utf8)) {
		return CHARSET_UTF8;
	}
	if (charset_in(charset, double_byte)) {
		return CHARSET_DOUBLE_BYTE;
	}
	if (charset_in(charset, gb18030)) {
		return CHARSET_GB18030;
	}
	if (charset_in(charset, euc_jp)) {
		return CHARSET_EUC_JP;
	}
	if (charset_in(charset, shift_jis)) {
		return CHARSET_SHIFT_JIS;
	}
	return CHARSET_SINGLE_BYTE;
}

/* Length in bytes of the character starting at p (never more than left, never 0). */
static size_t char_length(charset_kind kind, const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t n = 1;

	switch (kind) {
	case CHARSET_UTF8:
		n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		break;
	case CHARSET_DOUBLE_BYTE:
		n = c >= 0x81 ? 2 : 1;
		break;
	case CHARSET_GB18030:
		n = c >= 0x81 ? ((left > 1 && p[1] >= '0' && p[1] <= '9') ? 4 : 2) : 1;
		break;
	case CHARSET_EUC_JP:
		n = c == 0x8F ? 3 : c >= 0x80 ? 2 : 1;
		break;
	case CHARSET_SHIFT_JIS:
		n = ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC)) ? 2 : 1;
		break;
	case CHARSET_SINGLE_BYTE:
		break;
	}
	return n < left ? n : left;
}

/* ---- RFC 2047 encoded-words -------------------------------------------------------------------------- */

smtp_status smtp_mime_encoded_words(smtp_buf *out, size_t *column, const char *text, size_t len,
	const char *charset)
{
	const unsigned char *p = (const unsigned char *)text;
	charset_kind kind = charset_kind_of(charset);
	size_t overhead = strlen(charset) + 7; /* "=?" charset "?B?" ... "?=" */
	size_t i = 0;

	while (i < len) {
		/* The longest word that fits: the line keeps a separating space, a word is at most 75. */
		size_t room = *column + 1 < HEADER_LINE_LIMIT ? HEADER_LINE_LIMIT - (*column + 1) : 0;
		size_t word_max = room < ENCODED_WORD_MAX ? room : ENCODED_WORD_MAX;
		size_t max_bytes = word_max > overhead ? (word_max - overhead) / 4 * 3 : 0;
		size_t take = 0;
		char encoded[ENCODED_WORD_MAX];
		size_t encoded_len;
		smtp_status st;

		while (i + take < len) {
			size_t n = char_length(kind, p + i + take, len - i - take);
			if (take + n > max_bytes) {
				break;
			}
			take += n;
		}
		if (take == 0) {
			if (*column <= 1) {
				return SMTP_ERR_INPUT; /* not one character fits even on a fresh line: charset name too long */
			}
			st = smtp_buf_append(out, "\r\n", 2);
			if (st != SMTP_OK) {
				return st;
			}
			*column = 0;
			continue;
		}
		encoded_len = smtp_base64_encode(p + i, take, encoded);
		if ((st = smtp_buf_append(out, " =?", 3)) != SMTP_OK
			|| (st = smtp_buf_append_str(out, charset)) != SMTP_OK
			|| (st = smtp_buf_append(out, "?B?", 3)) != SMTP_OK
			|| (st = smtp_buf_append(out, encoded, encoded_len)) != SMTP_OK
			|| (st = smtp_buf_append(out, "?=", 2)) != SMTP_OK) {
			return st;
		}
		*column += 1 + overhead + encoded_len;
		i += take;
	}
	return SMTP_OK;
}

/* ---- RFC 2231 file name parameters ------------------------------------------------------------------- */

/* attribute-char (RFC 2231 7): what may stay as it is in an extended value. */
static int is_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| (c != 0 && strchr("!#$&+-.^_`|~", c) != NULL);
}

/* Whether the name can go out as a plain quoted string, which every client reads. */
static int name_fits_quoted_string(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7E || s[i] == '"' || s[i] == '\\' || s[i] == ';') {
			return 0;
		}
		/* "=?" could start an encoded word, which many readers decode even inside quotes (RFC 2047 5
		 * forbids it there): such a name goes percent-encoded, which every reader takes literally */
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?') {
			return 0;
		}
	}
	return 1;
}

/* Start a parameter of piece_len characters: "; " or ";" CRLF SP when it would not fit on this line. */
static smtp_status param_separator(smtp_buf *out, size_t *column, size_t piece_len)
{
	/* +2 for the "; " before it, +1 for a ';' that may follow it. */
	if (*column + 2 + piece_len + 1 > HEADER_LINE_LIMIT) {
		*column = 1;
		return smtp_buf_append(out, ";\r\n ", 4);
	}
	*column += 2;
	return smtp_buf_append(out, "; ", 2);
}

static size_t decimal_digits(size_t n)
{
	size_t digits = 1;

	while (n >= 10) {
		n /= 10;
		digits++;
	}
	return digits;
}

static const char charset_prefix[] = "UTF-8''";

/* The start of one RFC 2231 section: param "*" [section "*"] "=" [UTF-8''] (section -1: not continued;
 * the charset only on the first). Returns its length; head has room for 96. */
static size_t section_head(char *head, const char *param, size_t param_len, long section, int first)
{
	size_t head_len = param_len;
	memcpy(head, param, param_len);
	head[head_len++] = '*';
	if (section >= 0) {
		size_t digits = decimal_digits((size_t)section), d, n = (size_t)section;
		for (d = digits; d > 0; d--) {
			head[head_len + d - 1] = (char)('0' + n % 10);
			n /= 10;
		}
		head_len += digits;
		head[head_len++] = '*';
	}
	head[head_len++] = '=';
	if (first) {
		memcpy(head + head_len, charset_prefix, sizeof charset_prefix - 1);
		head_len += sizeof charset_prefix - 1;
	}
	return head_len;
}

/* attr-chars as they are, every other octet as %XX (RFC 2231 7). */
static smtp_status append_percent_encoded(smtp_buf *out, const unsigned char *p, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		char triplet[3];
		triplet[0] = '%';
		triplet[1] = hex_digits[p[i] >> 4];
		triplet[2] = hex_digits[p[i] & 15];
		smtp_status st = is_attr_char(p[i]) ? smtp_buf_append(out, (const char *)p + i, 1)
			: smtp_buf_append(out, triplet, 3);
		if (st != SMTP_OK) {
			return st;
		}
	}
	return SMTP_OK;
}

smtp_status smtp_mime_filename_param(smtp_buf *out, size_t *column, const char *param, const char *name,
	size_t len)
{
	const size_t prefix_len = sizeof charset_prefix - 1;
	const unsigned char *p = (const unsigned char *)name;
	size_t param_len = strlen(param), encoded_len = 0, i, section = 0, room;
	int continued;
	smtp_status st;

	if (len == 0) {
		return SMTP_OK;
	}
	if (param_len == 0 || param_len > 32 || memchr(name, '\0', len) != NULL || !smtp_utf8_valid(name, len)) {
		return SMTP_ERR_INPUT;
	}
	if (memchr(name, '\r', len) || memchr(name, '\n', len)) {
		/* a line break has no place in a file name: drop it rather than hand it to the receiver */
		smtp_buf clean;
		smtp_buf_init(&clean);
		for (i = 0; i < len; i++) {
			if (name[i] != '\r' && name[i] != '\n') {
				smtp_buf_append(&clean, name + i, 1);
			}
		}
		st = clean.failed ? SMTP_ERR_NOMEM
			: smtp_mime_filename_param(out, column, param, clean.data ? clean.data : "", clean.len);
		smtp_buf_free(&clean);
		return st;
	}

	/* param="name" when it is plain and fits on one line. */
	if (name_fits_quoted_string(p, len) && param_len + 3 + len + 3 <= HEADER_LINE_LIMIT) {
		if ((st = param_separator(out, column, param_len + 3 + len)) != SMTP_OK
			|| (st = smtp_buf_append_str(out, param)) != SMTP_OK
			|| (st = smtp_buf_append(out, "=\"", 2)) != SMTP_OK
			|| (st = smtp_buf_append(out, name, len)) != SMTP_OK
			|| (st = smtp_buf_append(out, "\"", 1)) != SMTP_OK) {
			return st;
		}
		*column += param_len + 3 + len;
		return SMTP_OK;
	}

	for (i = 0; i < len; i++) {
		encoded_len += is_attr_char(p[i]) ? 1 : 3;
	}
	/* param*=UTF-8''%XX... when that fits on one line, else param*0*=UTF-8''...; param*1*=...; and so on. */
	continued = param_len + 2 + prefix_len + encoded_len + 3 > HEADER_LINE_LIMIT;

	i = 0;
	while (i < len) {
		char head[96]; /* param, "*", section number, "*=", "UTF-8''" */
		size_t head_len, take = 0, take_width = 0;

		head_len = section_head(head, param, param_len, continued ? (long)section : -1, i == 0);
		/* Whole characters (never a split %XX or UTF-8 sequence) as far as the line allows. */
		room = HEADER_LINE_LIMIT - 1 - head_len - 1;
		while (i + take < len) {
			size_t n = char_length(CHARSET_UTF8, p + i + take, len - i - take), width = 0, k;
			for (k = 0; k < n; k++) {
				width += is_attr_char(p[i + take + k]) ? 1 : 3;
			}
			if (take_width + width > room && take > 0) {
				break;
			}
			take += n;
			take_width += width;
		}
		if ((st = param_separator(out, column, head_len + take_width)) != SMTP_OK
			|| (st = smtp_buf_append(out, head, head_len)) != SMTP_OK) {
			return st;
		}
		if ((st = append_percent_encoded(out, p + i, take)) != SMTP_OK) {
			return st;
		}
		i += take;
		*column += head_len + take_width;
		section++;
	}
	return SMTP_OK;
}
