/*
 * smtp_sendmail.h - what Smtp::sendMail() (smtp_sendmail.c) needs of the client (smtp_client.c).
 */
#ifndef SMTP_SENDMAIL_H
#define SMTP_SENDMAIL_H

#include "php_smtp.h"

/* send() of a checked Message with a ready envelope: one transaction, each recipient once; throws like
 * send() or sets result to the Smtp\Result. */
void smtp_client_send_message(smtp_client_obj *c, smtp_message_obj *m, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result);

#endif /* SMTP_SENDMAIL_H */
