/*
 * smtp_dkim_config.c - the DKIM signers of a client: option "dkim" (one signer array or a list of them) and
 * the smtp.dkim_* INI settings of smtp_mail(), checked when given, with the private keys loaded once with
 * OpenSSL's libcrypto (PEM text or a file, a passphrase when it is encrypted). Signing is in smtp_dkim.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "php_main.h" /* php_html_puts() */

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>

#include "SAPI.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "php_smtp_compat.h"
#include "protocol/smtp_dkim.h"
#include "smtp_client.h"
#include "smtp_dkim_binding.h"
#include "smtp_dkim_keys.h"
#include "smtp_values.h"

/* ---- configuration -------------------------------------------------------------------------------- */

void smtp_dkim_config_free(smtp_dkim_config *cfg)
{
	uint32_t i;
	if (!cfg) {
		return;
	}
	for (i = 0; i < cfg->count; i++) {
		smtp_dkim_key *k = &cfg->keys[i];
		if (k->domain) zend_string_release(k->domain);
		if (k->selector) zend_string_release(k->selector);
		if (k->identity) zend_string_release(k->identity);
		if (k->headers) zend_string_release(k->headers);
		if (k->pkey) EVP_PKEY_free(k->pkey);
	}
	if (cfg->keys) {
		efree(cfg->keys);
	}
	efree(cfg);
}

static bool key_string(const char *what, zval *v, zend_string **out, const char *name)
{
	if (Z_TYPE_P(v) != IS_STRING) {
		zend_type_error("%s: \"%s\" must be of type string, %s given", what, name, zend_zval_type_name(v));
		return false;
	}
	*out = zend_string_copy(Z_STR_P(v));
	return true;
}

zend_string *smtp_read_local_file(zend_string *path)
{
	const char *name = ZSTR_VAL(path);
	php_stream_statbuf ssb;
	php_stream *stream;
	zend_string *text;

	if (ZSTR_LEN(path) == 0 || strlen(name) != ZSTR_LEN(path)) {
		return NULL;
	}
	if (ZSTR_LEN(path) > 7 && zend_binary_strncasecmp(name, 7, "file://", 7, 7) == 0) {
		name += 7;
	}
	/* IGNORE_URL: the name is a file name whatever it looks like ("http://..." is a relative path then);
	 * no REPORT_ERRORS: the warning would tell why */
	stream = php_stream_open_wrapper((char *)name, "rb", IGNORE_URL, NULL);
	if (!stream) {
		return NULL;
	}
	/* a regular file only (a directory, a FIFO or a device is no key), read without notices */
	stream->flags |= PHP_STREAM_FLAG_SUPPRESS_ERRORS;
	if (php_stream_stat(stream, &ssb) != 0 || (ssb.sb.st_mode & S_IFMT) != S_IFREG) {
		php_stream_close(stream);
		return NULL;
	}
	text = php_stream_copy_to_mem(stream, 1024 * 1024, 0);
	php_stream_close(stream);
	if (text && ZSTR_LEN(text) == 0) {
		zend_string_release(text);
		text = NULL;
	}
	return text;
}

/* The PEM text of "key": the string itself when it is PEM, else the local file it names; *from_file tells. */
static zend_string *load_pem(const char *what, zend_string *key, bool *from_file)
{
	zend_string *text;

	*from_file = false;
	if (ZSTR_LEN(key) >= 10 && memcmp(ZSTR_VAL(key), "-----BEGIN", 10) == 0) {
		return zend_string_init(ZSTR_VAL(key), ZSTR_LEN(key), 0); /* our copy: it is wiped after use */
	}
	if (!(text = smtp_read_local_file(key))) {
		zend_value_error("%s: \"key\" %s", what, SMTP_LOCAL_PEM_ERROR);
		return NULL;
	}
	*from_file = true;
	return text;
}

static EVP_PKEY *read_key(const char *what, zend_string *key, zend_string *passphrase)
{
	bool from_file;
	zend_string *pem = load_pem(what, key, &from_file);
	EVP_PKEY *pkey;
	BIO *bio;

	if (!pem) {
		return NULL;
	}
	bio = BIO_new_mem_buf(ZSTR_VAL(pem), (int)ZSTR_LEN(pem));
	pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, passphrase ? ZSTR_VAL(passphrase) : (void *)"") : NULL;
	if (bio) {
		BIO_free(bio);
	}
	ZEND_SECURE_ZERO(ZSTR_VAL(pem), ZSTR_LEN(pem));
	zend_string_release(pem);
	ERR_clear_error();
	if (!pkey && from_file) {
		/* a file that holds no key gets the message of a file that cannot be read */
		zend_value_error("%s: \"key\" %s (or \"passphrase\" is wrong)", what, SMTP_LOCAL_PEM_ERROR);
	} else if (!pkey) {
		zend_value_error("%s: \"key\" could not be read as a PEM private key%s", what,
			passphrase ? " (wrong passphrase?)" : " (encrypted keys need \"passphrase\")");
	}
	return pkey;
}

static bool parse_canon(const char *s, smtp_dkim_canon *h, smtp_dkim_canon *b)
{
	/* RFC 6376 3.5: a single word names the header canonicalization, the body's is then simple */
	if (!strcmp(s, "relaxed/relaxed")) { *h = SMTP_DKIM_RELAXED; *b = SMTP_DKIM_RELAXED; return true; }
	if (!strcmp(s, "relaxed/simple") || !strcmp(s, "relaxed")) { *h = SMTP_DKIM_RELAXED; *b = SMTP_DKIM_SIMPLE; return true; }
	if (!strcmp(s, "simple/relaxed")) { *h = SMTP_DKIM_SIMPLE; *b = SMTP_DKIM_RELAXED; return true; }
	if (!strcmp(s, "simple/simple") || !strcmp(s, "simple")) { *h = SMTP_DKIM_SIMPLE; *b = SMTP_DKIM_SIMPLE; return true; }
	return false;
}

/* h= from a "a:b:c" string or a list of names */
static zend_string *parse_headers(const char *what, zval *v)
{
	smart_str s = {0};
	zval *name;

	if (Z_TYPE_P(v) == IS_STRING) {
		return zend_string_copy(Z_STR_P(v));
	}
	if (Z_TYPE_P(v) != IS_ARRAY) {
		zend_type_error("%s: \"headers\" must be of type array|string, %s given", what, zend_zval_type_name(v));
		return NULL;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(v), name) {
		ZVAL_DEREF(name);
		if (Z_TYPE_P(name) != IS_STRING || Z_STRLEN_P(name) == 0 || memchr(Z_STRVAL_P(name), ':', Z_STRLEN_P(name))) {
			smart_str_free(&s);
			zend_value_error("%s: \"headers\" must be a list of field names", what);
			return NULL;
		}
		if (s.s) {
			smart_str_appendc(&s, ':');
		}
		smart_str_append(&s, Z_STR_P(name));
	} ZEND_HASH_FOREACH_END();
	if (!s.s) {
		zend_value_error("%s: \"headers\" must not be empty", what);
		return NULL;
	}
	return smart_str_extract(&s);
}

/* The signing algorithm the loaded key gives (and "algorithm", when given, must match). */
static bool key_algorithm(const char *what, smtp_dkim_key *k, zend_string *algorithm)
{
	int type = EVP_PKEY_id(k->pkey);
	if (type == EVP_PKEY_RSA) {
		k->p.algorithm = SMTP_DKIM_RSA_SHA256;
		if (EVP_PKEY_bits(k->pkey) < 1024) {
			zend_value_error("%s: RSA keys under 1024 bits are refused (RFC 8301); use 2048 bits", what);
			return false;
		}
	} else if (type == EVP_PKEY_ED25519) {
		k->p.algorithm = SMTP_DKIM_ED25519_SHA256;
	} else {
		zend_value_error("%s: \"key\" must be an RSA or Ed25519 private key", what);
		return false;
	}
	if (algorithm && !((zend_string_equals_literal(algorithm, "rsa-sha256") && type == EVP_PKEY_RSA)
		|| (zend_string_equals_literal(algorithm, "ed25519-sha256") && type == EVP_PKEY_ED25519))) {
		zend_value_error(zend_string_equals_literal(algorithm, "rsa-sha256")
			|| zend_string_equals_literal(algorithm, "ed25519-sha256")
			? "%s: \"algorithm\" does not match the key's type" : "%s: \"algorithm\" must be \"rsa-sha256\" or "
			"\"ed25519-sha256\"", what);
		return false;
	}
	return true;
}

/* The core's parameters of a signer, checked by the core (tags, header list). */
static bool signer_params(const char *what, smtp_dkim_key *k)
{
	char why[160];
	k->p.domain = ZSTR_VAL(k->domain);
	k->p.selector = ZSTR_VAL(k->selector);
	k->p.identity = k->identity ? ZSTR_VAL(k->identity) : NULL;
	k->p.headers = k->headers ? ZSTR_VAL(k->headers) : NULL;
	if ((k->identity && strlen(ZSTR_VAL(k->identity)) != ZSTR_LEN(k->identity))
		|| (k->headers && strlen(ZSTR_VAL(k->headers)) != ZSTR_LEN(k->headers))
		|| strlen(k->p.domain) != ZSTR_LEN(k->domain) || strlen(k->p.selector) != ZSTR_LEN(k->selector)) {
		zend_value_error("%s must not contain NUL bytes", what);
		return false;
	}
	if (smtp_dkim_check_params(&k->p, why, sizeof(why)) != 0) {
		zend_value_error("%s: %s", what, why);
		return false;
	}
	return true;
}

static bool parse_signer(const char *what, HashTable *ht, smtp_dkim_key *k)
{
	zend_string *name, *key = NULL, *passphrase = NULL, *algorithm = NULL;
	zval *v;
	bool ok = false;

	k->p.header_canon = SMTP_DKIM_RELAXED;
	k->p.body_canon = SMTP_DKIM_RELAXED;
	k->p.timestamp = 0;
	ZEND_HASH_FOREACH_STR_KEY_VAL(ht, name, v) {
		ZVAL_DEREF(v);
		if (!name) {
			zend_value_error("%s must be an array with string keys", what);
			goto out;
		}
		if (zend_string_equals_literal(name, "domain")) {
			if (!key_string(what, v, &k->domain, "domain")) goto out;
		} else if (zend_string_equals_literal(name, "selector")) {
			if (!key_string(what, v, &k->selector, "selector")) goto out;
		} else if (zend_string_equals_literal(name, "key")) {
			if (key) zend_string_release(key);
			if (!key_string(what, v, &key, "key")) goto out;
		} else if (zend_string_equals_literal(name, "passphrase")) {
			if (Z_TYPE_P(v) == IS_NULL) continue;
			if (!key_string(what, v, &passphrase, "passphrase")) goto out;
		} else if (zend_string_equals_literal(name, "algorithm")) {
			if (Z_TYPE_P(v) == IS_NULL) continue;
			if (!key_string(what, v, &algorithm, "algorithm")) goto out;
		} else if (zend_string_equals_literal(name, "identity")) {
			if (Z_TYPE_P(v) == IS_NULL) continue;
			if (!key_string(what, v, &k->identity, "identity")) goto out;
		} else if (zend_string_equals_literal(name, "headers")) {
			if (Z_TYPE_P(v) == IS_NULL) continue;
			if (!(k->headers = parse_headers(what, v))) goto out;
		} else if (zend_string_equals_literal(name, "canonicalization")) {
			if (Z_TYPE_P(v) != IS_STRING) {
				zend_type_error("%s: \"canonicalization\" must be of type string, %s given", what, zend_zval_type_name(v));
				goto out;
			}
			if (!parse_canon(Z_STRVAL_P(v), &k->p.header_canon, &k->p.body_canon)) {
				zend_value_error("%s: \"canonicalization\" must be \"relaxed/relaxed\", \"relaxed/simple\", "
					"\"simple/relaxed\" or \"simple/simple\"", what);
				goto out;
			}
		} else if (zend_string_equals_literal(name, "expire")) {
			if (Z_TYPE_P(v) == IS_NULL) continue;
			if (Z_TYPE_P(v) != IS_LONG || Z_LVAL_P(v) <= 0) {
				zend_value_error("%s: \"expire\" must be a number of seconds greater than 0", what);
				goto out;
			}
			k->expire = Z_LVAL_P(v);
		} else {
			zend_value_error("%s contains unknown key \"%s\"", what, ZSTR_VAL(name));
			goto out;
		}
	} ZEND_HASH_FOREACH_END();
	if (!k->domain || !k->selector || !key) {
		zend_value_error("%s must have \"domain\", \"selector\" and \"key\"", what);
		goto out;
	}
	if (!(k->pkey = read_key(what, key, passphrase))) {
		goto out;
	}
	if (!key_algorithm(what, k, algorithm) || !signer_params(what, k)) {
		goto out;
	}
	ok = true;
out:
	if (key) {
		zend_string_release(key);
	}
	if (passphrase) {
		zend_string_release(passphrase);
	}
	if (algorithm) {
		zend_string_release(algorithm);
	}
	return ok;
}

smtp_dkim_config *smtp_dkim_config_from_option(zval *v, const char *what)
{
	smtp_dkim_config *cfg;
	HashTable *ht;
	zval *item;
	uint32_t n;

	if (Z_TYPE_P(v) != IS_ARRAY) {
		zend_type_error("%s must be of type array, %s given", what, zend_zval_type_name(v));
		return NULL;
	}
	ht = Z_ARRVAL_P(v);
	cfg = ecalloc(1, sizeof(*cfg));
	if (zend_hash_str_exists(ht, "domain", sizeof("domain") - 1)) {
		cfg->keys = ecalloc(1, sizeof(*cfg->keys));
		cfg->count = 1;
		if (!parse_signer(what, ht, &cfg->keys[0])) {
			smtp_dkim_config_free(cfg);
			return NULL;
		}
		return cfg;
	}
	n = zend_hash_num_elements(ht);
	if (n == 0 || n > 8) {
		smtp_dkim_config_free(cfg);
		zend_value_error("%s must be one signer (an array with \"domain\", \"selector\" and \"key\") or a list of 1 "
			"to 8 signers", what);
		return NULL;
	}
	cfg->keys = ecalloc(n, sizeof(*cfg->keys));
	ZEND_HASH_FOREACH_VAL(ht, item) {
		ZVAL_DEREF(item);
		if (Z_TYPE_P(item) != IS_ARRAY) {
			smtp_dkim_config_free(cfg);
			zend_type_error("%s must be a signer array or a list of signer arrays", what);
			return NULL;
		}
		cfg->count++;
		if (!parse_signer(what, Z_ARRVAL_P(item), &cfg->keys[cfg->count - 1])) {
			smtp_dkim_config_free(cfg);
			return NULL;
		}
	} ZEND_HASH_FOREACH_END();
	return cfg;
}

/* ---- INI: the signer of smtp_mail() and of mail() when overridden --------------------------------- */

/* phpinfo() shows whether a passphrase is set, never the passphrase */
static ZEND_INI_DISP(dkim_secret_displayer)
{
	zend_string *value = type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified ? ini_entry->orig_value
		: ini_entry->value;
	PUTS(value && ZSTR_LEN(value) ? "********" : (sapi_module.phpinfo_as_text ? "no value" : "<i>no value</i>"));
}

/* phpinfo() shows the key file's path, but never a key given as PEM text */
static ZEND_INI_DISP(dkim_key_displayer)
{
	zend_string *value = type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified ? ini_entry->orig_value
		: ini_entry->value;
	if (!value || !ZSTR_LEN(value)) {
		PUTS(sapi_module.phpinfo_as_text ? "no value" : "<i>no value</i>");
	} else if (strstr(ZSTR_VAL(value), "-----BEGIN")) {
		PUTS("******** (PEM text)");
	} else if (sapi_module.phpinfo_as_text) {
		PHPWRITE(ZSTR_VAL(value), ZSTR_LEN(value));
	} else {
		php_html_puts(ZSTR_VAL(value), ZSTR_LEN(value));
	}
}

/* Kept apart from the module's other INI entries (registered by smtp_dkim_minit()), read when mail is sent. */
static const zend_ini_entry_def smtp_dkim_ini_entries[] = {
	PHP_INI_ENTRY("smtp.dkim_domain", "", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY("smtp.dkim_selector", "", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY_EX("smtp.dkim_key", "", PHP_INI_ALL, NULL, dkim_key_displayer)
	PHP_INI_ENTRY_EX("smtp.dkim_passphrase", "", PHP_INI_ALL, NULL, dkim_secret_displayer)
	PHP_INI_ENTRY("smtp.dkim_canonicalization", "relaxed/relaxed", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY("smtp.dkim_headers", "", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY("smtp.dkim_identity", "", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY("smtp.dkim_expire", "0", PHP_INI_ALL, NULL)
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 }
};

void smtp_dkim_minit(int module_number)
{
	zend_register_ini_entries(smtp_dkim_ini_entries, module_number);
}

static void ini_put(zval *arr, const char *key, const char *ini)
{
	const char *v = smtp_compat_ini_string(ini, strlen(ini));
	if (v && v[0]) {
		add_assoc_string(arr, key, (char *)v);
	}
}

smtp_dkim_config *smtp_dkim_config_from_ini(bool *configured)
{
	smtp_dkim_config *cfg;
	const char *domain = SMTP_INI_STRING("smtp.dkim_domain");
	zend_long expire = SMTP_INI_LONG("smtp.dkim_expire");
	zval arr, *v;

	*configured = domain && domain[0];
	if (!*configured) {
		return NULL;
	}
	array_init(&arr);
	ini_put(&arr, "domain", "smtp.dkim_domain");
	ini_put(&arr, "selector", "smtp.dkim_selector");
	ini_put(&arr, "key", "smtp.dkim_key");
	ini_put(&arr, "passphrase", "smtp.dkim_passphrase");
	ini_put(&arr, "canonicalization", "smtp.dkim_canonicalization");
	ini_put(&arr, "headers", "smtp.dkim_headers");
	ini_put(&arr, "identity", "smtp.dkim_identity");
	if (expire > 0) {
		add_assoc_long(&arr, "expire", expire);
	}
	cfg = smtp_dkim_config_from_option(&arr, "INI smtp.dkim_*");
	/* our copies of the passphrase and of a PEM key are wiped; PHP's own INI values cannot be */
	if ((v = zend_hash_str_find(Z_ARRVAL(arr), "passphrase", sizeof("passphrase") - 1)) != NULL) {
		smtp_secret_zval_dtor(v);
	}
	if ((v = zend_hash_str_find(Z_ARRVAL(arr), "key", sizeof("key") - 1)) != NULL) {
		smtp_secret_zval_dtor(v);
	}
	zval_ptr_dtor(&arr);
	return cfg;
}

bool smtp_dkim_ini_attach(smtp_client_obj *c)
{
	bool configured;
	c->dkim = smtp_dkim_config_from_ini(&configured);
	if (configured && !c->dkim) {
		/* never sent unsigned when signing is configured: mail()'s way to fail is a warning and false */
		if (EG(exception)) {
			zval rv, *msg = zend_read_property_ex(zend_get_exception_base(EG(exception)), EG(exception),
				ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
			zend_string *text = zval_get_string(msg);
			zend_clear_exception();
			php_error_docref(NULL, E_WARNING, "Not sent: %s", ZSTR_VAL(text));
			zend_string_release(text);
		}
		return false;
	}
	return true;
}
