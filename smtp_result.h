/*
 * smtp_result.h - class Smtp\Result (smtp_result.c): the read-only outcome of a message the server
 * accepted: its final reply, queue id, accepted and rejected recipients, Message-ID and the host.
 */
#ifndef SMTP_RESULT_H
#define SMTP_RESULT_H

#include "php.h"
#include "protocol/smtp_core.h"

extern zend_class_entry *smtp_ce_Result;

/* A Result: the final reply (NULL: none), which recipients were accepted, the queue id, the Message-ID. */
void smtp_result_make(zval *return_value, const char *reply, size_t reply_len, const smtp_send_result *res,
	const smtp_envelope *env, zend_string *message_id, const char *host);
/* Result::$loggerException: the logger threw, but after the server accepted the message. */
void smtp_result_set_logger_exception(zval *result, zend_object *ex);

#endif /* SMTP_RESULT_H */
