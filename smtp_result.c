/*
 * smtp_result.c - class Smtp\Result: what the server said about a message it accepted (queue id, accepted
 * and rejected recipients, the final reply, the Message-ID), made by send() and sendBatch() only.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"

#include "protocol/smtp_core.h"
#include "smtp_result.h"

/* Smtp\Result is made by send() only */
ZEND_METHOD(Smtp_Result, __construct)
{
	(void)return_value;
	ZEND_PARSE_PARAMETERS_NONE();
}

/* reply: the server's final reply (NULL: none); host: "host:port" of the server that gave it */
void smtp_result_make(zval *return_value, const char *reply, size_t reply_len, const smtp_send_result *res,
	const smtp_envelope *env, zend_string *message_id, const char *host)
{
	zval accepted, rejected, tmp;
	zend_object *obj;
	size_t i;

	object_init_ex(return_value, smtp_ce_Result);
	obj = Z_OBJ_P(return_value);
	array_init(&accepted);
	array_init(&rejected);
	for (i = 0; i < env->rcpt_count; i++) {
		if (i < res->rcpt_count && res->accepted[i]) {
			add_next_index_string(&accepted, smtp_recipient_name(&env->rcpt[i]));
		} else {
			add_assoc_string(&rejected, smtp_recipient_name(&env->rcpt[i]),
				i < res->rcpt_count && res->rcpt_reply[i] ? res->rcpt_reply[i] : "");
		}
	}
	if (res->queue_id) {
		ZVAL_STRING(&tmp, res->queue_id);
	} else {
		ZVAL_NULL(&tmp);
	}
	zend_update_property(smtp_ce_Result, obj, "queueId", sizeof("queueId") - 1, &tmp);
	zval_ptr_dtor(&tmp);
	zend_update_property(smtp_ce_Result, obj, "accepted", sizeof("accepted") - 1, &accepted);
	zval_ptr_dtor(&accepted);
	zend_update_property(smtp_ce_Result, obj, "rejected", sizeof("rejected") - 1, &rejected);
	zval_ptr_dtor(&rejected);
	if (reply) {
		ZVAL_STRINGL(&tmp, reply, reply_len);
	} else {
		ZVAL_EMPTY_STRING(&tmp);
	}
	zend_update_property(smtp_ce_Result, obj, "reply", sizeof("reply") - 1, &tmp);
	zval_ptr_dtor(&tmp);
	if (message_id) {
		ZVAL_STR_COPY(&tmp, message_id);
	} else {
		ZVAL_NULL(&tmp);
	}
	zend_update_property(smtp_ce_Result, obj, "messageId", sizeof("messageId") - 1, &tmp);
	zval_ptr_dtor(&tmp);
	ZVAL_NULL(&tmp);
	zend_update_property(smtp_ce_Result, obj, "loggerException", sizeof("loggerException") - 1, &tmp);
	ZVAL_STRING(&tmp, host ? host : "");
	zend_update_property(smtp_ce_Result, obj, "host", sizeof("host") - 1, &tmp);
	zval_ptr_dtor(&tmp);
}

void smtp_result_set_logger_exception(zval *result, zend_object *ex)
{
	/* readonly and already initialised (null): the slot is written directly, as the class's own code */
	zend_property_info *info = zend_hash_str_find_ptr(&smtp_ce_Result->properties_info, "loggerException",
		sizeof("loggerException") - 1);
	zval *slot;
	if (!info) {
		return;
	}
	slot = OBJ_PROP(Z_OBJ_P(result), info->offset);
	zval_ptr_dtor(slot);
	ZVAL_OBJ_COPY(slot, ex);
}
