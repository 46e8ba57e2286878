/*
 * smtp_mail_args.h - mail()'s own rules for its arguments (smtp_mail_args.c): what smtp_mail() and the mail()
 * override make of $to, $subject, $additional_headers and $additional_params before building the message.
 * Problems are warnings (mail()'s way), never exceptions.
 */
#ifndef SMTP_MAIL_ARGS_H
#define SMTP_MAIL_ARGS_H

#include "php.h"
#include "smtp_address.h"

typedef struct smtp_mail_header {
	zend_string *name;
	zend_string *value;   /* unfolded, single line */
} smtp_mail_header;

typedef struct smtp_mail_headers {
	smtp_mail_header *items;
	uint32_t count, cap;
} smtp_mail_headers;

/* To and Subject as mail() writes them: trailing white space dropped, control characters made spaces, a
 * fold (CRLF followed by white space) kept. Returned unfolded: the header writer folds again. */
zend_string *smtp_mail_clean_line(zend_string *in);
/* mail()'s check of the additional headers: a line break must be followed by a header (or a fold). */
bool smtp_mail_headers_malformed(const char *h);
/* The header block mail() was given (already checked by smtp_mail_headers_malformed()), as sendmail reads
 * it: a line that is not a field ends the header there, and *body_at is where the rest starts (the caller
 * puts it at the top of the body), else len. */
void smtp_mail_headers_parse(smtp_mail_headers *h, const char *s, size_t len, size_t *body_at);
void smtp_mail_headers_free(smtp_mail_headers *h);
/* The mailboxes of an address field as sendmail -t reads them: comma-separated, group syntax gives its
 * members, empty items are skipped. A bad address is a warning naming the field, and false. */
bool smtp_mail_collect_addresses(const char *field, const char *s, size_t len, smtp_php_mailbox_list *out);
/* "-f addr" / "-faddr" in mail()'s additional_params: the envelope sender, or NULL. */
zend_string *smtp_mail_envelope_from(zend_string *params);

#endif /* SMTP_MAIL_ARGS_H */
