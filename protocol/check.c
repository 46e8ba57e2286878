/*
 * check.c - checks on user input: line breaks, UTF-8, ASCII, RFC 5321 mailboxes.
 *
 * Everything a user gives us ends up on the wire between our own delimiters, so these checks are what
 * keeps "a@b.c>\r\nDATA" from becoming a second command. They are strict on purpose.
 */
#include "smtp_core.h"

#include <string.h>

/* RFC 5321 4.5.3.1: local part, domain and whole mailbox (the path is 256 with its angle brackets). */
#define MAX_LOCAL_PART 64
#define MAX_DOMAIN     255
#define MAX_LABEL      63
#define MAX_MAILBOX    254

int smtp_has_line_break(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') {
			return 1;
		}
	}
	return 0;
}

int smtp_is_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			return 0;
		}
	}
	return 1;
}

/*
 * Length of the valid UTF-8 sequence starting at p (at most left bytes), or 0 when it is not one.
 * The second-byte ranges are what exclude overlongs (C0, C1, E0 80-9F, F0 80-8F), surrogates
 * (ED A0-BF) and code points above U+10FFFF (F4 90-BF, F5-FF) - RFC 3629 section 4.
 */
static size_t utf8_sequence_length(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t need, i;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

	if (c < 0x80) {
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0) {
			lo = 0xA0;
		} else if (c == 0xED) {
			hi = 0x9F;
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0) {
			lo = 0x90;
		} else if (c == 0xF4) {
			hi = 0x8F;
		}
	} else {
		return 0;
	}
	if (left < need || p[1] < lo || p[1] > hi) {
		return 0;
	}
	for (i = 2; i < need; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF) {
			return 0;
		}
	}
	return need;
}

int smtp_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_sequence_length(p + i, len - i);
		if (n == 0) {
			return 0;
		}
		i += n;
	}
	return 1;
}

/* ---- mailbox grammar (RFC 5321 4.1.2, RFC 6531 3.3 for UTF-8) ------------------------------------- */

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex_digit(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* atext (RFC 5322 3.2.3): the characters of an unquoted local part besides the dots. */
static int is_atext(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* qtextSMTP (RFC 5321 4.1.2): printable ASCII and space, except '"' and '\'. */
static int is_qtext(unsigned char c)
{
	return c >= 32 && c <= 126 && c != '"' && c != '\\';
}

static void set_reason(const char **why, const char *reason)
{
	if (why != NULL) {
		*why = reason;
	}
}

/*
 * Scans a local part at s[0..len). Returns its length (it ends before the '@'), or 0 with a reason.
 * UTF-8 has been validated already, so a byte >= 0x80 only needs allow_utf8.
 */
static size_t scan_local_part(const unsigned char *s, size_t len, int allow_utf8, const char **why)
{
	size_t i = 0;

	if (len > 0 && s[0] == '"') {
		/* Quoted-string: qtextSMTP and quoted pairs (a backslash and one printable ASCII character). */
		for (i = 1; i < len && s[i] != '"'; i++) {
			if (s[i] == '\\') {
				if (i + 1 >= len || s[i + 1] < 32 || s[i + 1] > 126) {
					set_reason(why, "the quoted local part has an invalid escape");
					return 0;
				}
				i++;
			} else if (!is_qtext(s[i]) && !(allow_utf8 && s[i] >= 0x80)) {
				set_reason(why, "the quoted local part contains a character that is not allowed");
				return 0;
			}
		}
		if (i >= len) {
			set_reason(why, "the quoted local part is not closed");
			return 0;
		}
		return i + 1;
	}

	/* Dot-string: atoms of atext separated by single dots. */
	for (i = 0; i < len && s[i] != '@'; i++) {
		if (s[i] == '.') {
			if (i == 0 || s[i - 1] == '.' || i + 1 >= len || s[i + 1] == '@') {
				set_reason(why, "the local part has an empty part between dots");
				return 0;
			}
		} else if (!is_atext(s[i]) && !(allow_utf8 && s[i] >= 0x80)) {
			set_reason(why, "the local part contains a character that must be quoted");
			return 0;
		}
	}
	if (i == 0) {
		set_reason(why, "the local part is empty");
		return 0;
	}
	return i;
}

/* IPv4address-literal: four decimal numbers 0-255 separated by dots. */
static int ipv4_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned value = 0;
		size_t digits = 0;
		if (part > 0) {
			if (i >= len || s[i] != '.') {
				return 0;
			}
			i++;
		}
		while (i < len && is_digit(s[i]) && digits < 3) {
			value = value * 10 + (unsigned)(s[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0 || value > 255) {
			return 0;
		}
	}
	return i == len;
}

/*
 * IPv6-addr (RFC 5321 4.1.3): eight groups of 1-4 hex digits, at most one "::" standing for one or more
 * zero groups, and optionally an IPv4 address in place of the last two groups.
 */
static int ipv6_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	int groups = 0, compressed = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		compressed = 1;
		i = 2;
	} else if (len > 0 && s[0] == ':') {
		return 0;
	}
	while (i < len) {
		size_t start = i, digits = 0;
		while (i < len && is_hex_digit(s[i]) && digits < 4) {
			i++;
			digits++;
		}
		if (i < len && s[i] == '.') {
			/* An IPv4 tail: it must end the address and takes the room of two groups. */
			if (!ipv4_valid(s + start, len - start)) {
				return 0;
			}
			groups += 2;
			i = len;
			break;
		}
		if (digits == 0) {
			return 0;
		}
		groups++;
		if (i == len) {
			break;
		}
		if (s[i] != ':') {
			return 0;
		}
		i++;
		if (i < len && s[i] == ':') {
			if (compressed) {
				return 0;
			}
			compressed = 1;
			i++;
		} else if (i == len) {
			return 0; /* a single trailing ':' */
		}
	}
	return compressed ? groups <= 7 : groups == 8;
}

/* Whether s starts with prefix, ignoring ASCII case (ABNF strings are case-insensitive). */
static int ascii_prefix_nocase(const unsigned char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++) {
		unsigned char a = *s, b = (unsigned char)*prefix;
		if (a >= 'A' && a <= 'Z') {
			a = (unsigned char)(a - 'A' + 'a');
		}
		if (b >= 'A' && b <= 'Z') {
			b = (unsigned char)(b - 'A' + 'a');
		}
		if (a != b) {
			return 0;
		}
	}
	return 1;
}

/* Domain (RFC 5321 4.1.2) or address literal (4.1.3) at s[0..len). Returns 1, or 0 with a reason. */
static int domain_valid(const unsigned char *s, size_t len, int allow_utf8, const char **why)
{
	size_t i, label_start = 0;

	if (len == 0) {
		set_reason(why, "the domain is empty");
		return 0;
	}
	if (len > MAX_DOMAIN) {
		set_reason(why, "the domain is longer than 255 octets");
		return 0;
	}
	if (s[0] == '[') {
		if (s[len - 1] != ']') {
			set_reason(why, "the address literal is not closed");
			return 0;
		}
		if (len > 7 && ascii_prefix_nocase(s + 1, "IPv6:")) {
			if (ipv6_valid(s + 6, len - 7)) {
				return 1;
			}
		} else if (ipv4_valid(s + 1, len - 2)) {
			return 1;
		}
		set_reason(why, "the address literal is not an IPv4 or IPv6 address");
		return 0;
	}
	/* Labels of letters, digits and hyphens, not starting or ending with a hyphen (or U-labels). */
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t label_len = i - label_start;
			if (label_len == 0) {
				set_reason(why, "the domain has an empty label");
				return 0;
			}
			if (label_len > MAX_LABEL) {
				set_reason(why, "a domain label is longer than 63 octets");
				return 0;
			}
			if (s[label_start] == '-' || s[i - 1] == '-') {
				set_reason(why, "a domain label starts or ends with a hyphen");
				return 0;
			}
			label_start = i + 1;
		} else if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-' && !(allow_utf8 && s[i] >= 0x80)) {
			set_reason(why, "the domain contains a character that is not allowed");
			return 0;
		}
	}
	return 1;
}

int smtp_address_valid(const char *s, size_t len, int allow_utf8, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t local_len;

	set_reason(why, NULL);
	if (len == 0) {
		set_reason(why, "the address is empty");
		return 0;
	}
	/* First, whatever the grammar says: no line break or NUL, not even inside quotes or escaped. */
	if (smtp_has_line_break(s, len)) {
		set_reason(why, "the address contains CR, LF or NUL");
		return 0;
	}
	if (!smtp_is_ascii(s, len)) {
		if (!allow_utf8) {
			set_reason(why, "the address contains non-ASCII characters");
			return 0;
		}
		if (!smtp_utf8_valid(s, len)) {
			set_reason(why, "the address is not valid UTF-8");
			return 0;
		}
	}
	local_len = scan_local_part(p, len, allow_utf8, why);
	if (local_len == 0) {
		return 0;
	}
	if (local_len > MAX_LOCAL_PART) {
		set_reason(why, "the local part is longer than 64 octets");
		return 0;
	}
	if (local_len >= len) {
		set_reason(why, "the address has no @domain");
		return 0;
	}
	if (p[local_len] != '@') {
		set_reason(why, "the quoted local part is not followed by @");
		return 0;
	}
	if (!domain_valid(p + local_len + 1, len - local_len - 1, allow_utf8, why)) {
		return 0;
	}
	if (len > MAX_MAILBOX) {
		set_reason(why, "the address is longer than 254 octets");
		return 0;
	}
	return 1;
}

size_t smtp_longest_line(const char *p, size_t len)
{
	size_t i, line = 0, longest = 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			line = 0;
		} else if (++line > longest) {
			longest = line;
		}
	}
	return longest;
}
