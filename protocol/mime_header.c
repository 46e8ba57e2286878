/*
 * mime_header.c - header fields of a message: unstructured values and address lists, with non-ASCII
 * as RFC 2047 encoded-words, folded at 78 columns and never split inside a multibyte character.
 */
#include "mime_internal.h"

/* ---- small helpers ----------------------------------------------------------------------------------- */

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Whether s[0..len) equals the NUL-terminated word, ignoring ASCII case. */
int mime_equals_nocase(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (word[i] == '\0' || ascii_lower(s[i]) != ascii_lower(word[i])) {
			return 0;
		}
	}
	return word[len] == '\0';
}

/* Whether needle occurs in hay (memmem is not portable). */
int mime_contains_bytes(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
	size_t i;

	if (needle_len == 0 || needle_len > hay_len) {
		return needle_len == 0;
	}
	for (i = 0; i + needle_len <= hay_len; i++) {
		if (hay[i] == needle[0] && memcmp(hay + i, needle, needle_len) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Whether s has a NUL (memchr() must not be given the NULL of an empty string). */
int mime_has_nul(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			return 1;
		}
	}
	return 0;
}

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* atext (RFC 5322 3.2.3). */
int mime_is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Printable ASCII and space only. */
int mime_is_printable_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E) {
			return 0;
		}
	}
	return 1;
}

int mime_is_utf8_charset(const char *charset)
{
	return mime_equals_nocase(charset, strlen(charset), "UTF-8") || mime_equals_nocase(charset, strlen(charset), "UTF8");
}

/* A charset name (RFC 2978 mime-charset): also what keeps '?' and quotes out of encoded-words. */
int mime_charset_name_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MAX_CHARSET_NAME) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			|| strchr("!#$%&'+-^_`{}~", c) != NULL) || c == 0) {
			return 0;
		}
	}
	return 1;
}

/* Whether header text may go out in the charset: single line, and valid when the charset is UTF-8. */
int mime_header_text_valid(const char *s, size_t len, const char *charset)
{
	if (smtp_has_line_break(s, len)) {
		return 0;
	}
	return smtp_is_ascii(s, len) || !mime_is_utf8_charset(charset) || smtp_utf8_valid(s, len);
}

/* ---- folding ----------------------------------------------------------------------------------------- */

/* The longest piece fold_append() may have to put on a line: a run of white space and the word after it. */
static size_t longest_piece(const char *s, size_t len)
{
	size_t i = 0, longest = 0;

	while (i < len) {
		size_t start = i;
		while (i < len && is_wsp(s[i])) {
			i++;
		}
		while (i < len && !is_wsp(s[i])) {
			i++;
		}
		if (i - start > longest) {
			longest = i - start;
		}
	}
	return longest;
}

/*
 * Append header text, folding (CRLF before white space) where a line would pass 78 columns. A fold goes
 * only before a piece that has a word, so no line is white space alone.
 */
static smtp_status fold_append(smtp_buf *out, size_t *column, const char *s, size_t len)
{
	size_t i = 0;
	smtp_status st;

	while (i < len) {
		size_t start = i;
		int has_word;
		while (i < len && is_wsp(s[i])) {
			i++;
		}
		has_word = i < len;
		while (i < len && !is_wsp(s[i])) {
			i++;
		}
		if (is_wsp(s[start]) && has_word && *column + (i - start) > HEADER_LINE_LIMIT) {
			if ((st = smtp_buf_append(out, "\r\n", 2)) != SMTP_OK) {
				return st;
			}
			*column = 0;
		}
		if ((st = smtp_buf_append(out, s + start, i - start)) != SMTP_OK) {
			return st;
		}
		*column += i - start;
	}
	return SMTP_OK;
}

/* Plain header text needs no encoded-words: printable ASCII (and tabs), with no run too long to fold. */
static int header_text_plain(const char *s, size_t len, size_t column)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c > 0x7E) {
			return 0;
		}
		if (c == '=' && i + 1 < len && s[i + 1] == '?') {
			return 0; /* it would read as an encoded word: encode it so it reads as written */
		}
	}
	return column + 1 + longest_piece(s, len) <= MAX_PLAIN_PIECE;
}

/* ---- header helpers (smtp_mime.h) --------------------------------------------------------------------- */

smtp_status smtp_mime_header_unstructured(smtp_buf *out, const char *name, const char *value, size_t len,
	const char *charset)
{
	size_t column = strlen(name) + 1;
	smtp_status st;

	if (charset == NULL) {
		charset = "UTF-8";
	}
	if (!mime_charset_name_valid(charset, strlen(charset)) || !mime_header_text_valid(value, len, charset)) {
		return SMTP_ERR_INPUT;
	}
	if ((st = smtp_buf_append_str(out, name)) != SMTP_OK || (st = smtp_buf_append(out, ":", 1)) != SMTP_OK) {
		return st;
	}
	if (header_text_plain(value, len, column)) {
		if ((st = smtp_buf_append(out, " ", 1)) != SMTP_OK) {
			return st;
		}
		column++;
		st = fold_append(out, &column, value, len);
	} else {
		st = smtp_mime_encoded_words(out, &column, value, len, charset);
	}
	if (st != SMTP_OK) {
		return st;
	}
	return smtp_buf_append(out, "\r\n", 2);
}

/*
 * A display name as a phrase: atoms when it is only atext and single spaces, else a quoted string (also
 * when it holds "=?", which readers would take for an encoded-word outside quotes).
 */
static smtp_status render_phrase(smtp_buf *phrase, const char *name, size_t len)
{
	int atoms = !is_wsp(name[0]) && !is_wsp(name[len - 1]) && !mime_contains_bytes(name, len, "=?", 2);
	size_t i;
	smtp_status st;

	for (i = 0; i < len && atoms; i++) {
		int single_space = name[i] == ' ' && i + 1 < len && name[i + 1] != ' ';
		if (!mime_is_atext((unsigned char)name[i]) && !single_space) {
			atoms = 0;
		}
	}
	if (atoms) {
		return smtp_buf_append(phrase, name, len);
	}
	if ((st = smtp_buf_append(phrase, "\"", 1)) != SMTP_OK) {
		return st;
	}
	for (i = 0; i < len; i++) {
		if ((name[i] == '"' || name[i] == '\\') && (st = smtp_buf_append(phrase, "\\", 1)) != SMTP_OK) {
			return st;
		}
		if ((st = smtp_buf_append(phrase, name + i, 1)) != SMTP_OK) {
			return st;
		}
	}
	return smtp_buf_append(phrase, "\"", 1);
}

/* Append one mailbox ("name <addr>" or "addr") at *column; room is kept for a ',' after it. */
static smtp_status append_mailbox(smtp_buf *out, size_t *column, const smtp_mailbox *mb, const char *charset,
	smtp_buf *scratch)
{
	size_t piece = mb->address.len + 1 + (mb->name.len > 0 ? 2 : 0);
	smtp_status st;

	if (mb->name.len > 0) {
		int plain = mime_is_printable_ascii(mb->name.s, mb->name.len);
		if (plain) {
			smtp_buf_reset(scratch);
			if ((st = smtp_buf_append(scratch, " ", 1)) != SMTP_OK
				|| (st = render_phrase(scratch, mb->name.s, mb->name.len)) != SMTP_OK) {
				return st;
			}
			plain = longest_piece(scratch->data, scratch->len) <= MAX_PLAIN_PIECE;
		}
		if (plain) {
			st = fold_append(out, column, scratch->data, scratch->len);
		} else {
			st = smtp_mime_encoded_words(out, column, mb->name.s, mb->name.len, charset);
		}
		if (st != SMTP_OK) {
			return st;
		}
	}
	/* The address itself cannot be folded: it goes on the next line when it does not fit. */
	if (*column > 1 && *column + piece + 1 > HEADER_LINE_LIMIT) {
		if ((st = smtp_buf_append(out, "\r\n", 2)) != SMTP_OK) {
			return st;
		}
		*column = 0;
	}
	if ((st = smtp_buf_append(out, mb->name.len > 0 ? " <" : " ", mb->name.len > 0 ? 2 : 1)) != SMTP_OK
		|| (st = smtp_buf_append(out, mb->address.s, mb->address.len)) != SMTP_OK
		|| (mb->name.len > 0 && (st = smtp_buf_append(out, ">", 1)) != SMTP_OK)) {
		return st;
	}
	*column += piece;
	return SMTP_OK;
}

smtp_status smtp_mime_header_addresses(smtp_buf *out, const char *name, const smtp_mailbox *list, size_t count,
	const char *charset)
{
	size_t column = strlen(name) + 1, i;
	smtp_buf scratch;
	smtp_status st;

	if (charset == NULL) {
		charset = "UTF-8";
	}
	if (!mime_charset_name_valid(charset, strlen(charset))) {
		return SMTP_ERR_INPUT;
	}
	for (i = 0; i < count; i++) {
		if (!smtp_address_valid(list[i].address.s, list[i].address.len, 1, NULL)
			|| !mime_header_text_valid(list[i].name.s, list[i].name.len, charset)) {
			return SMTP_ERR_INPUT;
		}
	}
	if ((st = smtp_buf_append_str(out, name)) != SMTP_OK || (st = smtp_buf_append(out, ":", 1)) != SMTP_OK) {
		return st;
	}
	smtp_buf_init(&scratch);
	for (i = 0; i < count && st == SMTP_OK; i++) {
		if (i > 0) {
			st = smtp_buf_append(out, ",", 1);
			column++;
		}
		if (st == SMTP_OK) {
			st = append_mailbox(out, &column, &list[i], charset, &scratch);
		}
	}
	smtp_buf_free(&scratch);
	if (st != SMTP_OK) {
		return st;
	}
	return smtp_buf_append(out, "\r\n", 2);
}
