/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 9b72533ef7328b062b8f209200fbd2f660780b26 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_mail, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, to, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, subject, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, message, IS_STRING, 0)
	ZEND_ARG_TYPE_MASK(0, additional_headers, MAY_BE_ARRAY|MAY_BE_STRING, "[]")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, additional_params, IS_STRING, 0, "\"\"")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_smtp_mail_quit, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Smtp___construct, 0, 0, 0)
	ZEND_ARG_TYPE_MASK(0, host, MAY_BE_ARRAY|MAY_BE_STRING, "\"localhost\"")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, port, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_connect arginfo_smtp_mail_quit

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_login, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, user, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, password, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, mechanism, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Smtp_send, 0, 1, Smtp\\Result, 0)
	ZEND_ARG_TYPE_INFO(0, message, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, from, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_MASK(0, to, MAY_BE_ARRAY|MAY_BE_STRING|MAY_BE_NULL, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, dsn, IS_ARRAY, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_sendBatch, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, messages, Traversable, MAY_BE_ARRAY, NULL)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Smtp_sendMail, 0, 4, Smtp\\Result, 0)
	ZEND_ARG_TYPE_INFO(0, from, IS_STRING, 0)
	ZEND_ARG_TYPE_MASK(0, to, MAY_BE_ARRAY|MAY_BE_STRING, NULL)
	ZEND_ARG_TYPE_INFO(0, subject, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
	ZEND_ARG_TYPE_MASK(0, headers, MAY_BE_ARRAY|MAY_BE_STRING, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_render, 0, 1, IS_STRING, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, message, Smtp\\Message, MAY_BE_STRING, NULL)
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_reset arginfo_smtp_mail_quit

#define arginfo_class_Smtp_noop arginfo_smtp_mail_quit

#define arginfo_class_Smtp_quit arginfo_smtp_mail_quit

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_isConnected, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_getCapabilities, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_getLastReply, 0, 0, IS_STRING, 1)
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_getHost arginfo_class_Smtp_getLastReply

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_from, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, address, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, name, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_Message_sender arginfo_class_Smtp_Message_from

#define arginfo_class_Smtp_Message_to arginfo_class_Smtp_Message_from

#define arginfo_class_Smtp_Message_cc arginfo_class_Smtp_Message_from

#define arginfo_class_Smtp_Message_bcc arginfo_class_Smtp_Message_from

#define arginfo_class_Smtp_Message_replyTo arginfo_class_Smtp_Message_from

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_subject, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, subject, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_text, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_Message_html arginfo_class_Smtp_Message_text

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_charset, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, charset, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_attach, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, path, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, name, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, type, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_attachData, 0, 2, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, data, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, type, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_embed, 0, 2, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, path, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, cid, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, type, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_header, 0, 2, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_listUnsubscribe, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, httpsUrl, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, mailto, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_smime, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, options, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_Message_dsn arginfo_class_Smtp_Message_smime

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_requireTls, 0, 0, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, required, _IS_BOOL, 0, "true")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Smtp_Message_toString, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Smtp_Result___construct, 0, 0, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Smtp_Exception_getReply arginfo_class_Smtp_getLastReply

#define arginfo_class_Smtp_Exception_getEnhancedStatus arginfo_class_Smtp_getLastReply

#define arginfo_class_Smtp_Exception_isTransient arginfo_class_Smtp_isConnected

#define arginfo_class_Smtp_RecipientException_getRejected arginfo_class_Smtp_getCapabilities

ZEND_FUNCTION(smtp_mail);
ZEND_FUNCTION(smtp_mail_quit);
ZEND_METHOD(Smtp, __construct);
ZEND_METHOD(Smtp, connect);
ZEND_METHOD(Smtp, login);
ZEND_METHOD(Smtp, send);
ZEND_METHOD(Smtp, sendBatch);
ZEND_METHOD(Smtp, sendMail);
ZEND_METHOD(Smtp, render);
ZEND_METHOD(Smtp, reset);
ZEND_METHOD(Smtp, noop);
ZEND_METHOD(Smtp, quit);
ZEND_METHOD(Smtp, isConnected);
ZEND_METHOD(Smtp, getCapabilities);
ZEND_METHOD(Smtp, getLastReply);
ZEND_METHOD(Smtp, getHost);
ZEND_METHOD(Smtp_Message, from);
ZEND_METHOD(Smtp_Message, sender);
ZEND_METHOD(Smtp_Message, to);
ZEND_METHOD(Smtp_Message, cc);
ZEND_METHOD(Smtp_Message, bcc);
ZEND_METHOD(Smtp_Message, replyTo);
ZEND_METHOD(Smtp_Message, subject);
ZEND_METHOD(Smtp_Message, text);
ZEND_METHOD(Smtp_Message, html);
ZEND_METHOD(Smtp_Message, charset);
ZEND_METHOD(Smtp_Message, attach);
ZEND_METHOD(Smtp_Message, attachData);
ZEND_METHOD(Smtp_Message, embed);
ZEND_METHOD(Smtp_Message, header);
ZEND_METHOD(Smtp_Message, listUnsubscribe);
ZEND_METHOD(Smtp_Message, smime);
ZEND_METHOD(Smtp_Message, dsn);
ZEND_METHOD(Smtp_Message, requireTls);
ZEND_METHOD(Smtp_Message, toString);
ZEND_METHOD(Smtp_Result, __construct);
ZEND_METHOD(Smtp_Exception, getReply);
ZEND_METHOD(Smtp_Exception, getEnhancedStatus);
ZEND_METHOD(Smtp_Exception, isTransient);
ZEND_METHOD(Smtp_RecipientException, getRejected);

static const zend_function_entry ext_functions[] = {
	ZEND_FE(smtp_mail, arginfo_smtp_mail)
	ZEND_FE(smtp_mail_quit, arginfo_smtp_mail_quit)
	ZEND_FE_END
};

static const zend_function_entry class_Smtp_methods[] = {
	ZEND_ME(Smtp, __construct, arginfo_class_Smtp___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, connect, arginfo_class_Smtp_connect, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, login, arginfo_class_Smtp_login, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, send, arginfo_class_Smtp_send, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, sendBatch, arginfo_class_Smtp_sendBatch, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, sendMail, arginfo_class_Smtp_sendMail, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, render, arginfo_class_Smtp_render, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, reset, arginfo_class_Smtp_reset, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, noop, arginfo_class_Smtp_noop, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, quit, arginfo_class_Smtp_quit, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, isConnected, arginfo_class_Smtp_isConnected, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, getCapabilities, arginfo_class_Smtp_getCapabilities, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, getLastReply, arginfo_class_Smtp_getLastReply, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp, getHost, arginfo_class_Smtp_getHost, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static const zend_function_entry class_Smtp_Message_methods[] = {
	ZEND_ME(Smtp_Message, from, arginfo_class_Smtp_Message_from, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, sender, arginfo_class_Smtp_Message_sender, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, to, arginfo_class_Smtp_Message_to, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, cc, arginfo_class_Smtp_Message_cc, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, bcc, arginfo_class_Smtp_Message_bcc, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, replyTo, arginfo_class_Smtp_Message_replyTo, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, subject, arginfo_class_Smtp_Message_subject, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, text, arginfo_class_Smtp_Message_text, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, html, arginfo_class_Smtp_Message_html, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, charset, arginfo_class_Smtp_Message_charset, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, attach, arginfo_class_Smtp_Message_attach, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, attachData, arginfo_class_Smtp_Message_attachData, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, embed, arginfo_class_Smtp_Message_embed, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, header, arginfo_class_Smtp_Message_header, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, listUnsubscribe, arginfo_class_Smtp_Message_listUnsubscribe, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, smime, arginfo_class_Smtp_Message_smime, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, dsn, arginfo_class_Smtp_Message_dsn, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, requireTls, arginfo_class_Smtp_Message_requireTls, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Message, toString, arginfo_class_Smtp_Message_toString, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static const zend_function_entry class_Smtp_Result_methods[] = {
	ZEND_ME(Smtp_Result, __construct, arginfo_class_Smtp_Result___construct, ZEND_ACC_PRIVATE)
	ZEND_FE_END
};

static const zend_function_entry class_Smtp_Exception_methods[] = {
	ZEND_ME(Smtp_Exception, getReply, arginfo_class_Smtp_Exception_getReply, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Exception, getEnhancedStatus, arginfo_class_Smtp_Exception_getEnhancedStatus, ZEND_ACC_PUBLIC)
	ZEND_ME(Smtp_Exception, isTransient, arginfo_class_Smtp_Exception_isTransient, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static const zend_function_entry class_Smtp_RecipientException_methods[] = {
	ZEND_ME(Smtp_RecipientException, getRejected, arginfo_class_Smtp_RecipientException_getRejected, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_Smtp(void)
{
	zend_class_entry ce, *class_entry;

	INIT_CLASS_ENTRY(ce, "Smtp", class_Smtp_methods);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, NULL, ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE);
#else
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE;
#endif

	zval const_TLS_NONE_value;
	ZVAL_LONG(&const_TLS_NONE_value, 0);
	zend_string *const_TLS_NONE_name = zend_string_init_interned("TLS_NONE", sizeof("TLS_NONE") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_TLS_NONE_name, &const_TLS_NONE_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_TLS_NONE_name);

	zval const_TLS_STARTTLS_value;
	ZVAL_LONG(&const_TLS_STARTTLS_value, 1);
	zend_string *const_TLS_STARTTLS_name = zend_string_init_interned("TLS_STARTTLS", sizeof("TLS_STARTTLS") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_TLS_STARTTLS_name, &const_TLS_STARTTLS_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_TLS_STARTTLS_name);

	zval const_TLS_IMPLICIT_value;
	ZVAL_LONG(&const_TLS_IMPLICIT_value, 2);
	zend_string *const_TLS_IMPLICIT_name = zend_string_init_interned("TLS_IMPLICIT", sizeof("TLS_IMPLICIT") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_TLS_IMPLICIT_name, &const_TLS_IMPLICIT_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_TLS_IMPLICIT_name);

	zval const_TLS_OPPORTUNISTIC_value;
	ZVAL_LONG(&const_TLS_OPPORTUNISTIC_value, 3);
	zend_string *const_TLS_OPPORTUNISTIC_name = zend_string_init_interned("TLS_OPPORTUNISTIC", sizeof("TLS_OPPORTUNISTIC") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_TLS_OPPORTUNISTIC_name, &const_TLS_OPPORTUNISTIC_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_TLS_OPPORTUNISTIC_name);


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 2, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "login", sizeof("login") - 1), 1, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Smtp_Message(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "Message", class_Smtp_Message_methods);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, NULL, ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE);
#else
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE;
#endif


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "smime", sizeof("smime") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Smtp_Result(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "Result", class_Smtp_Result_methods);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, NULL, ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES);
#else
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES;
#endif

	zval property_queueId_default_value;
	ZVAL_UNDEF(&property_queueId_default_value);
	zend_string *property_queueId_name = zend_string_init("queueId", sizeof("queueId") - 1, 1);
	zend_declare_typed_property(class_entry, property_queueId_name, &property_queueId_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_queueId_name);

	zval property_accepted_default_value;
	ZVAL_UNDEF(&property_accepted_default_value);
	zend_string *property_accepted_name = zend_string_init("accepted", sizeof("accepted") - 1, 1);
	zend_declare_typed_property(class_entry, property_accepted_name, &property_accepted_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY));
	zend_string_release(property_accepted_name);

	zval property_rejected_default_value;
	ZVAL_UNDEF(&property_rejected_default_value);
	zend_string *property_rejected_name = zend_string_init("rejected", sizeof("rejected") - 1, 1);
	zend_declare_typed_property(class_entry, property_rejected_name, &property_rejected_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY));
	zend_string_release(property_rejected_name);

	zval property_reply_default_value;
	ZVAL_UNDEF(&property_reply_default_value);
	zend_string *property_reply_name = zend_string_init("reply", sizeof("reply") - 1, 1);
	zend_declare_typed_property(class_entry, property_reply_name, &property_reply_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_reply_name);

	zval property_messageId_default_value;
	ZVAL_UNDEF(&property_messageId_default_value);
	zend_string *property_messageId_name = zend_string_init("messageId", sizeof("messageId") - 1, 1);
	zend_declare_typed_property(class_entry, property_messageId_name, &property_messageId_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_messageId_name);

	zval property_loggerException_default_value;
	ZVAL_UNDEF(&property_loggerException_default_value);
	zend_string *property_loggerException_name = zend_string_init("loggerException", sizeof("loggerException") - 1, 1);
	zend_string *property_loggerException_class_Throwable = zend_string_init("Throwable", sizeof("Throwable")-1, 1);
	zend_declare_typed_property(class_entry, property_loggerException_name, &property_loggerException_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_CLASS(property_loggerException_class_Throwable, 0, MAY_BE_NULL));
	zend_string_release(property_loggerException_name);

	zval property_host_default_value;
	ZVAL_UNDEF(&property_host_default_value);
	zend_string *property_host_name = zend_string_init("host", sizeof("host") - 1, 1);
	zend_declare_typed_property(class_entry, property_host_name, &property_host_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_host_name);

	return class_entry;
}

static zend_class_entry *register_class_Smtp_Exception(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "Exception", class_Smtp_Exception_methods);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, class_entry_RuntimeException, 0);
#else
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);
#endif

	zval property_reply_default_value;
	ZVAL_NULL(&property_reply_default_value);
	zend_string *property_reply_name = zend_string_init("reply", sizeof("reply") - 1, 1);
	zend_declare_typed_property(class_entry, property_reply_name, &property_reply_default_value, ZEND_ACC_PRIVATE, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_reply_name);

	zval property_enhancedStatus_default_value;
	ZVAL_NULL(&property_enhancedStatus_default_value);
	zend_string *property_enhancedStatus_name = zend_string_init("enhancedStatus", sizeof("enhancedStatus") - 1, 1);
	zend_declare_typed_property(class_entry, property_enhancedStatus_name, &property_enhancedStatus_default_value, ZEND_ACC_PRIVATE, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_enhancedStatus_name);

	zval property_transient_default_value;
	ZVAL_FALSE(&property_transient_default_value);
	zend_string *property_transient_name = zend_string_init("transient", sizeof("transient") - 1, 1);
	zend_declare_typed_property(class_entry, property_transient_name, &property_transient_default_value, ZEND_ACC_PRIVATE, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_BOOL));
	zend_string_release(property_transient_name);

	return class_entry;
}

static zend_class_entry *register_class_Smtp_ConnectionException(zend_class_entry *class_entry_Smtp_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "ConnectionException", NULL);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, class_entry_Smtp_Exception, 0);
#else
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Smtp_Exception);
#endif

	return class_entry;
}

static zend_class_entry *register_class_Smtp_TlsException(zend_class_entry *class_entry_Smtp_ConnectionException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "TlsException", NULL);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, class_entry_Smtp_ConnectionException, 0);
#else
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Smtp_ConnectionException);
#endif

	return class_entry;
}

static zend_class_entry *register_class_Smtp_AuthenticationException(zend_class_entry *class_entry_Smtp_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "AuthenticationException", NULL);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, class_entry_Smtp_Exception, 0);
#else
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Smtp_Exception);
#endif

	return class_entry;
}

static zend_class_entry *register_class_Smtp_ResponseException(zend_class_entry *class_entry_Smtp_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "ResponseException", NULL);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, class_entry_Smtp_Exception, 0);
#else
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Smtp_Exception);
#endif

	return class_entry;
}

static zend_class_entry *register_class_Smtp_RecipientException(zend_class_entry *class_entry_Smtp_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Smtp", "RecipientException", class_Smtp_RecipientException_methods);
#if (PHP_VERSION_ID >= 80400)
	class_entry = zend_register_internal_class_with_flags(&ce, class_entry_Smtp_Exception, 0);
#else
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Smtp_Exception);
#endif

	zval property_rejected_default_value;
	ZVAL_EMPTY_ARRAY(&property_rejected_default_value);
	zend_string *property_rejected_name = zend_string_init("rejected", sizeof("rejected") - 1, 1);
	zend_declare_typed_property(class_entry, property_rejected_name, &property_rejected_default_value, ZEND_ACC_PRIVATE, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY));
	zend_string_release(property_rejected_name);

	return class_entry;
}
