/*
 * smtp_exceptions.c - Smtp\Exception and its family; core status codes turned into exceptions.
 *
 *   SMTP_ERR_IO / CLOSED / TIMEOUT / STATE -> Smtp\ConnectionException (transient)
 *   SMTP_ERR_TLS                           -> Smtp\TlsException
 *   SMTP_ERR_AUTH                          -> Smtp\AuthenticationException
 *   SMTP_ERR_RECIPIENTS                    -> Smtp\RecipientException (getRejected(): address => reply)
 *   SMTP_ERR_REPLY / PROTOCOL              -> Smtp\ResponseException (transient on 4xx)
 *   SMTP_ERR_INPUT                         -> \ValueError
 *   SMTP_ERR_SOURCE / NOMEM                -> Smtp\Exception
 * The code is the SMTP reply code behind the error, 0 when there is none.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"

#include "protocol/smtp_core.h"
#include "smtp_exceptions.h"

#define PROP(name) name, sizeof(name) - 1

zend_object *smtp_throw(zend_class_entry *ce, int code, const char *reply, const char *enhanced, bool transient,
	const char *format, ...)
{
	va_list args;
	char *message;
	zend_object *ex;

	if (smtp_exit_pending()) {
		/* exit() is under way: the engine would drop a new exception at once (and free it under us) */
		return NULL;
	}
	va_start(args, format);
	zend_vspprintf(&message, 0, format, args);
	va_end(args);
	ex = zend_throw_exception(ce, message, code);
	efree(message);
	if (!ex) {
		return NULL;
	}
	if (reply) {
		zend_update_property_string(smtp_ce_Exception, ex, PROP("reply"), reply);
	}
	if (enhanced && enhanced[0]) {
		zend_update_property_string(smtp_ce_Exception, ex, PROP("enhancedStatus"), enhanced);
	}
	zend_update_property_bool(smtp_ce_Exception, ex, PROP("transient"), transient);
	return ex;
}

void smtp_throw_status(smtp_status st, smtp_session *session, const smtp_send_result *result,
	const smtp_envelope *env)
{
	const smtp_reply *r = session ? smtp_session_error_reply(session) : NULL;
	int code = r ? r->code : 0;

	smtp_throw_status_ex(st, code, code && r->text.data ? r->text.data : NULL, code ? r->enhanced : NULL,
		session ? smtp_session_error(session) : "", session ? smtp_session_error_transient(session) != 0 : false,
		result, env);
}

void smtp_throw_status_ex(smtp_status st, int code, const char *reply, const char *enhanced, const char *msg,
	bool transient, const smtp_send_result *result, const smtp_envelope *env)
{
	zend_class_entry *ce;

	if (!code) {
		reply = NULL;
		enhanced = NULL;
	}
	if (!msg || !msg[0]) {
		msg = smtp_status_name(st);
	}
	switch (st) {
	case SMTP_OK:
		return;
	case SMTP_ERR_INPUT:
		zend_value_error("%s", msg);
		return;
	case SMTP_ERR_IO:
	case SMTP_ERR_CLOSED:
	case SMTP_ERR_TIMEOUT:
	case SMTP_ERR_STATE:
		ce = smtp_ce_ConnectionException;
		transient = true;
		break;
	case SMTP_ERR_TLS:
		ce = smtp_ce_TlsException;
		break;
	case SMTP_ERR_AUTH:
		ce = smtp_ce_AuthenticationException;
		break;
	case SMTP_ERR_RECIPIENTS: {
		zend_object *ex = smtp_throw(smtp_ce_RecipientException, code, reply, enhanced, transient, "%s", msg);
		if (ex && result && env) {
			zval rejected;
			size_t i;
			array_init(&rejected);
			for (i = 0; i < result->rcpt_count && i < env->rcpt_count; i++) {
				if (!result->accepted[i]) {
					const char *text = result->rcpt_reply[i] ? result->rcpt_reply[i]
						: "not attempted: the transaction had already failed";
					add_assoc_string(&rejected, smtp_recipient_name(&env->rcpt[i]), (char *)text);
				}
			}
			zend_update_property(smtp_ce_RecipientException, ex, PROP("rejected"), &rejected);
			zval_ptr_dtor(&rejected);
		}
		return;
	}
	case SMTP_ERR_REPLY:
	case SMTP_ERR_PROTOCOL:
		ce = smtp_ce_ResponseException;
		break;
	case SMTP_ERR_SOURCE:
	case SMTP_ERR_NOMEM:
	default:
		ce = smtp_ce_Exception;
		break;
	}
	smtp_throw(ce, code, reply, enhanced, transient, "%s", msg);
}

/* ---- methods ------------------------------------------------------------------------------------ */

static zval *read_prop(zend_class_entry *scope, zval *this_ptr, const char *name, size_t len, zval *rv)
{
	return zend_read_property(scope, Z_OBJ_P(this_ptr), name, len, 1, rv);
}

ZEND_METHOD(Smtp_Exception, getReply)
{
	zval rv, *v;
	ZEND_PARSE_PARAMETERS_NONE();
	v = read_prop(smtp_ce_Exception, ZEND_THIS, PROP("reply"), &rv);
	RETURN_COPY_DEREF(v);
}

ZEND_METHOD(Smtp_Exception, getEnhancedStatus)
{
	zval rv, *v;
	ZEND_PARSE_PARAMETERS_NONE();
	v = read_prop(smtp_ce_Exception, ZEND_THIS, PROP("enhancedStatus"), &rv);
	RETURN_COPY_DEREF(v);
}

ZEND_METHOD(Smtp_Exception, isTransient)
{
	zval rv, *v;
	ZEND_PARSE_PARAMETERS_NONE();
	v = read_prop(smtp_ce_Exception, ZEND_THIS, PROP("transient"), &rv);
	RETURN_BOOL(zend_is_true(v));
}

ZEND_METHOD(Smtp_RecipientException, getRejected)
{
	zval rv, *v;
	ZEND_PARSE_PARAMETERS_NONE();
	v = read_prop(smtp_ce_RecipientException, ZEND_THIS, PROP("rejected"), &rv);
	RETURN_COPY_DEREF(v);
}
