/*
 * smtp_headers.c - the reader of mail()-style header blocks (see smtp_headers.h): lines split at CRLF, LF
 * or CR, folded lines unfolded, events in the order the lines come.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"

#include "smtp_headers.h"

void smtp_header_reader_init(smtp_header_reader *r, const char *s, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->len = len;
}

void smtp_header_reader_free(smtp_header_reader *r)
{
	smart_str_free(&r->pending);
	if (r->line) {
		zend_string_release(r->line);
		r->line = NULL;
	}
}

/* The pending line becomes the one reported. */
static smtp_header_event report_pending(smtp_header_reader *r)
{
	r->line = smart_str_extract(&r->pending);
	r->at = r->pending_at;
	r->first_len = r->pending_first_len;
	return SMTP_HEADER_FIELD;
}

smtp_header_event smtp_header_next(smtp_header_reader *r)
{
	if (r->line) {
		zend_string_release(r->line);
		r->line = NULL;
	}
	while (!r->ended && r->pos < r->len) {
		const char *s = r->s;
		size_t start = r->pos, end, i = r->pos;
		while (i < r->len && s[i] != '\r' && s[i] != '\n') {
			i++;
		}
		end = i;
		if (i < r->len) {
			i += s[i] == '\r' && i + 1 < r->len && s[i + 1] == '\n' ? 2 : 1;
		}
		r->pos = i;
		if (end == start) {
			r->ended = true;
			r->at = start;
			r->last = i >= r->len;
			return SMTP_HEADER_BLANK;
		}
		if (s[start] == ' ' || s[start] == '\t') {
			if (!r->pending.s) {
				r->ended = true;
				r->at = start;
				return SMTP_HEADER_STRAY_FOLD;
			}
			smart_str_appendl(&r->pending, s + start, end - start);
			continue;
		}
		if (r->pending.s) {
			smtp_header_event ev = report_pending(r);
			smart_str_appendl(&r->pending, s + start, end - start);
			r->pending_at = start;
			r->pending_first_len = end - start;
			return ev;
		}
		smart_str_appendl(&r->pending, s + start, end - start);
		r->pending_at = start;
		r->pending_first_len = end - start;
	}
	return r->pending.s ? report_pending(r) : SMTP_HEADER_END;
}

bool smtp_header_starts_field(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (unsigned char)s[i] > 32 && (unsigned char)s[i] < 127 && s[i] != ':') {
		i++;
	}
	if (i == 0) {
		return false;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t')) {
		i++;
	}
	return i < len && s[i] == ':';
}

bool smtp_header_split(const char *line, size_t len, const char **name, size_t *name_len, const char **value,
	size_t *value_len)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t vl;
	if (!colon) {
		return false;
	}
	v = colon + 1;
	vl = len - (size_t)(v - line);
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	*name = line;
	*name_len = (size_t)(colon - line);
	*value = v;
	*value_len = vl;
	return true;
}
