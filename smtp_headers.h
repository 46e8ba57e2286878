/*
 * smtp_headers.h - the one reader of mail()-style header blocks ("Name: value" lines, folded lines), shared
 * by smtp_mail() / mail() (smtp_mail_args.c) and Smtp::sendMail() (smtp_sendmail.c).
 *
 * The reader splits a block at CRLF, LF or CR and unfolds continuation lines (those starting with a space
 * or a tab) into the line they continue. It reports, in the order the lines come:
 *   SMTP_HEADER_FIELD       a logical line, unfolded; reported once the next line shows it is complete.
 *                           It need not be a field: the caller decides (smtp_header_starts_field(),
 *                           smtp_header_split()).
 *   SMTP_HEADER_BLANK       an empty line: the block ends there (after it, only the line still pending
 *                           is reported, then SMTP_HEADER_END). `last` tells whether anything follows it.
 *   SMTP_HEADER_STRAY_FOLD  a continuation line with nothing before it to continue: the block ends too.
 *   SMTP_HEADER_END         nothing more.
 * What each caller makes of these is its own rule: mail() starts the body at the first line that is not a
 * field (as sendmail does), sendMail() throws a ValueError naming its argument.
 */
#ifndef SMTP_HEADERS_H
#define SMTP_HEADERS_H

#include "php.h"
#include "zend_smart_str.h"

typedef enum smtp_header_event {
	SMTP_HEADER_END,
	SMTP_HEADER_FIELD,
	SMTP_HEADER_BLANK,
	SMTP_HEADER_STRAY_FOLD
} smtp_header_event;

typedef struct smtp_header_reader {
	const char *s;
	size_t len;
	size_t pos;           /* the next line to read */
	bool ended;           /* a blank line or a stray fold ended the block */
	smart_str pending;    /* the logical line being unfolded */
	size_t pending_at, pending_first_len;
	/* what the last event reports */
	zend_string *line;    /* SMTP_HEADER_FIELD: the unfolded line (the reader owns it until the next call) */
	size_t at;            /* where the line reported starts in the block */
	size_t first_len;     /* SMTP_HEADER_FIELD: the length of its first physical line */
	bool last;            /* SMTP_HEADER_BLANK: nothing follows the empty line */
} smtp_header_reader;

void smtp_header_reader_init(smtp_header_reader *r, const char *s, size_t len);
smtp_header_event smtp_header_next(smtp_header_reader *r);
void smtp_header_reader_free(smtp_header_reader *r);

/* Whether a line starts a header field: a name (printable ASCII, no colon), white space at most, a colon. */
bool smtp_header_starts_field(const char *s, size_t len);
/* "Name: value" at its first colon: the name as written (up to the colon), the value without the white
 * space that follows the colon. False when there is no colon. */
bool smtp_header_split(const char *line, size_t len, const char **name, size_t *name_len, const char **value,
	size_t *value_len);

/* Whether a field's name is lit, case aside. */
static inline bool smtp_header_is(const zend_string *name, const char *lit)
{
	return zend_binary_strcasecmp(ZSTR_VAL(name), ZSTR_LEN(name), lit, strlen(lit)) == 0;
}

#endif /* SMTP_HEADERS_H */
