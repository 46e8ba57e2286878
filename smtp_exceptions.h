/*
 * smtp_exceptions.h - Smtp\Exception and its family (smtp_exceptions.c): a core status, with the reply
 * behind it, turned into the matching exception (ConnectionException, TlsException,
 * AuthenticationException, ResponseException, RecipientException) carrying the reply code, the enhanced
 * status and whether the failure is transient. Only the binding throws; the core returns statuses.
 */
#ifndef SMTP_EXCEPTIONS_H
#define SMTP_EXCEPTIONS_H

#include "php.h"
#include "zend_exceptions.h"
#include "protocol/smtp_core.h"

extern zend_class_entry *smtp_ce_Exception;
extern zend_class_entry *smtp_ce_ConnectionException;
extern zend_class_entry *smtp_ce_TlsException;
extern zend_class_entry *smtp_ce_AuthenticationException;
extern zend_class_entry *smtp_ce_ResponseException;
extern zend_class_entry *smtp_ce_RecipientException;

/* Throw the exception for a core status after a session operation. */
void smtp_throw_status(smtp_status st, smtp_session *session, const smtp_send_result *result,
	const smtp_envelope *env);
/* The same from explicit values (a batch item's): the reply behind the error (code 0: none), the message. */
void smtp_throw_status_ex(smtp_status st, int code, const char *reply, const char *enhanced, const char *msg,
	bool transient, const smtp_send_result *result, const smtp_envelope *env);
/* exit() (or a fatal error's unwinding) is under way in user code the extension called (the logger, a
 * password callable): it must end the request as it would anywhere, so it is never caught, wrapped, put in
 * a result or cleared, and nothing more is done but returning. */
static zend_always_inline bool smtp_exit_pending(void)
{
	return EG(exception) && (zend_is_unwind_exit(EG(exception)) || zend_is_graceful_exit(EG(exception)));
}

/* Throw ce with a message; reply/enhanced may be NULL. */
zend_object *smtp_throw(zend_class_entry *ce, int code, const char *reply, const char *enhanced, bool transient,
	const char *format, ...) ZEND_ATTRIBUTE_FORMAT(printf, 6, 7);

#endif /* SMTP_EXCEPTIONS_H */
