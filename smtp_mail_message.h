/*
 * smtp_mail_message.h - the message smtp_mail() sends, written the way sendmail -t would pass it on
 * (smtp_mail_message.c): folded header fields, long body lines transfer-encoded rather than refused.
 */
#ifndef SMTP_MAIL_MESSAGE_H
#define SMTP_MAIL_MESSAGE_H

#include "php.h"
#include "zend_smart_str.h"
#include "smtp_mail_args.h"

/* One header field, folded; a word too long for a line is encoded in an unstructured field, else refused
 * with a warning (false). */
bool smtp_mail_write_field(smart_str *out, zend_string *name, zend_string *value);

/* The message body with its long lines re-encoded as its Content-Type and Content-Transfer-Encoding (in h)
 * allow; *add_cte tells the caller to declare quoted-printable. A warning and NULL when impossible. */
zend_string *smtp_mail_encode_long_lines(zend_string *body, smtp_mail_headers *h, bool *add_cte);

#endif /* SMTP_MAIL_MESSAGE_H */
