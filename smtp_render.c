/*
 * smtp_render.c - Smtp::render(): the bytes send() would transmit for a message, DKIM signature and all,
 * without connecting; a Message's Date and Message-ID are fixed by it, so a later send() gives these bytes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"

#include "protocol/smtp_core.h"
#include "smtp_client.h"
#include "smtp_exceptions.h"
#include "smtp_message.h"
#include "smtp_outgoing.h"

/* ---- Smtp::render(): the bytes send() would transmit ------------------------------------------------ */

ZEND_METHOD(Smtp, render)
{
	smtp_client_obj *c = smtp_client_from_obj(Z_OBJ_P(ZEND_THIS));
	zend_object *msg_obj = NULL;
	zend_string *raw = NULL;
	smtp_outgoing o;
	smtp_buf out;
	smtp_data_encoder enc;
	smtp_status st;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJ_OF_CLASS_OR_STR(msg_obj, smtp_ce_Message, raw)
	ZEND_PARSE_PARAMETERS_END();

	if (!c->host) {
		zend_throw_error(NULL, "Smtp object is not initialized: its constructor was not called");
		RETURN_THROWS();
	}
	smtp_outgoing_clear(&o);
	if (msg_obj) {
		smtp_message_obj *m = smtp_message_from_obj(msg_obj);
		o.msg_obj = msg_obj;
		GC_ADDREF(msg_obj);
		o.m = m;
		o.from = m->from_address ? zend_string_copy(m->from_address) : ZSTR_EMPTY_ALLOC();
	} else {
		o.raw = zend_string_copy(raw);
		o.from = ZSTR_EMPTY_ALLOC();
	}
	if (smtp_outgoing_build(c, &o) != SUCCESS) {
		smtp_outgoing_free(&o);
		RETURN_THROWS();
	}
	if (o.m) {
		/* fixed from now on, so the next render() and send() of this Message give these bytes */
		if (!o.m->date) {
			o.m->date = zend_string_copy(o.b.date);
		}
		if (!o.m->message_id) {
			o.m->message_id = zend_string_copy(o.b.message_id);
		}
	}
	smtp_buf_init(&out);
	smtp_data_encoder_init(&enc, &out.sink, 0);
	st = o.body_fn(o.body_ctx, &enc.sink);
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	if (st != SMTP_OK || out.failed) {
		if (o.body_err[0]) {
			if (st == SMTP_ERR_INPUT) {
				zend_value_error("%s", o.body_err);
			} else {
				smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", o.body_err);
			}
		} else if (enc.error == SMTP_ERR_INPUT) {
			zend_argument_value_error(1, "must be a message without NUL bytes and without lines over %d octets (%s)",
				SMTP_MAX_TEXT_LINE, enc.reason);
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", smtp_status_name(st));
		}
		smtp_buf_free(&out);
		smtp_outgoing_free(&o);
		RETURN_THROWS();
	}
	RETVAL_STRINGL(out.data ? out.data : "", out.len);
	smtp_buf_free(&out);
	smtp_outgoing_free(&o);
}
