/*
 * smtp_smime.c - S/MIME (RFC 8551) signing and encryption of an Smtp\Message, with OpenSSL's CMS.
 *
 * Applied when the message is built, before DKIM: the message is written once into memory, its MIME
 * entity (the Content-* fields and the body) is signed (multipart/signed, detached, so clients without
 * S/MIME still read it) and/or encrypted (application/pkcs7-mime, enveloped-data), and the result goes out
 * like a raw message under the message's own From, To, Subject, Date and Message-ID. Unlike the rest of the
 * extension this holds the whole message in memory: CMS needs the content whole to sign and encrypt it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_smime.h"
#include "smtp_dkim_binding.h"
#include "smtp_boundary.h"
#include "smtp_exceptions.h"
#include "smtp_message.h"
#include "smtp_outgoing.h"

/* PEM text: the string itself (borrowed: *own false), or the content of the local file it names (*own true:
 * the caller wipes it when it is a key). NULL (ValueError thrown) when neither: one message whether the
 * file is missing, unreadable, not allowed or a URL, so that the error tells nothing about the file. */
static zend_string *pem_text(zend_string *v, uint32_t arg, const char *what, bool *own)
{
	zend_string *text;

	*own = false;
	if (ZSTR_LEN(v) >= 10 && memcmp(ZSTR_VAL(v), "-----BEGIN", 10) == 0) {
		return zend_string_copy(v);
	}
	if (!(text = smtp_read_local_file(v))) {
		zend_argument_value_error(arg, "\"%s\" %s", what, SMTP_LOCAL_PEM_ERROR);
		return NULL;
	}
	*own = true;
	return text;
}

/* Releases PEM text pem_text() gave, wiped first when it was read from a file (the caller's own string is
 * the caller's to keep). */
static void pem_release(zend_string *pem, bool own)
{
	if (own) {
		ZEND_SECURE_ZERO(ZSTR_VAL(pem), ZSTR_LEN(pem));
	}
	zend_string_release(pem);
}

static X509 *read_cert(zend_string *pem)
{
	BIO *bio = BIO_new_mem_buf(ZSTR_VAL(pem), (int)ZSTR_LEN(pem));
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	return x;
}

static EVP_PKEY *read_pkey(zend_string *pem, zend_string *passphrase)
{
	BIO *bio = BIO_new_mem_buf(ZSTR_VAL(pem), (int)ZSTR_LEN(pem));
	EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, passphrase ? ZSTR_VAL(passphrase) : (void *)"") : NULL;
	BIO_free(bio);
	ERR_clear_error();
	return k;
}

void *smtp_smime_key_ref(void *key)
{
	if (key) {
		EVP_PKEY_up_ref((EVP_PKEY *)key);
	}
	return key;
}

void smtp_smime_key_release(void *key)
{
	EVP_PKEY_free((EVP_PKEY *)key); /* OpenSSL clears the private key's memory when it frees it */
}

/* A string or a list of strings, each PEM or a path, into a list of PEM texts; each must be a certificate. */
static bool cert_list(zval *v, const char *what, zval *out)
{
	zval *item, one;
	HashTable *ht;

	array_init(out);
	if (Z_TYPE_P(v) == IS_STRING) {
		ZVAL_COPY(&one, v);
		add_next_index_zval(out, &one);
	} else if (Z_TYPE_P(v) == IS_ARRAY) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(v), item) {
			ZVAL_DEREF(item);
			if (Z_TYPE_P(item) != IS_STRING) {
				zend_argument_type_error(1, "\"%s\" must be a string or a list of strings", what);
				return false;
			}
			Z_TRY_ADDREF_P(item);
			add_next_index_zval(out, item);
		} ZEND_HASH_FOREACH_END();
	} else {
		zend_argument_type_error(1, "\"%s\" must be a string or a list of strings", what);
		return false;
	}
	ht = Z_ARRVAL_P(out);
	ZEND_HASH_FOREACH_VAL(ht, item) {
		bool own;
		zend_string *pem = pem_text(Z_STR_P(item), 1, what, &own);
		X509 *x;
		if (!pem) {
			return false;
		}
		x = read_cert(pem);
		if (!x) {
			zend_string_release(pem);
			if (own) {
				zend_argument_value_error(1, "\"%s\" %s", what, SMTP_LOCAL_PEM_ERROR);
			} else {
				zend_argument_value_error(1, "\"%s\" must hold PEM certificates", what);
			}
			return false;
		}
		X509_free(x);
		zval_ptr_dtor(item);
		ZVAL_STR(item, pem);
	} ZEND_HASH_FOREACH_END();
	if (zend_hash_num_elements(ht) == 0) {
		zend_argument_value_error(1, "\"%s\" must not be empty", what);
		return false;
	}
	return true;
}

/* The digest to ask for: RFC 8419 3.1 fixes SHA-512 for Ed25519 signers; NULL lets OpenSSL choose its
 * default for the key (SHA-256 for RSA and EC keys). */
static const EVP_MD *signer_digest(EVP_PKEY *key)
{
#ifdef EVP_PKEY_ED25519
	if (EVP_PKEY_id(key) == EVP_PKEY_ED25519) {
		return EVP_sha512();
	}
#endif
	(void)key;
	return NULL;
}

/* micalg (RFC 8551 3.5.3.2) of the digest the signature was made with: written from what OpenSSL used, so
 * it always names the digest in the signature. NULL for a digest micalg has no name for. */
static const char *signer_micalg(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
	X509_ALGOR *digest = NULL;
	const ASN1_OBJECT *oid = NULL;

	if (!infos || sk_CMS_SignerInfo_num(infos) != 1) {
		return NULL;
	}
	CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(infos, 0), NULL, NULL, &digest, NULL);
	if (!digest) {
		return NULL;
	}
	X509_ALGOR_get0(&oid, NULL, NULL, digest);
	switch (OBJ_obj2nid(oid)) {
		case NID_sha1: return "sha-1";
		case NID_sha224: return "sha-224";
		case NID_sha256: return "sha-256";
		case NID_sha384: return "sha-384";
		case NID_sha512: return "sha-512";
		default: return NULL;
	}
}

/* A detached CMS signature of entity (NULL on failure) and its micalg. */
static CMS_ContentInfo *cms_signature(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain, zend_string *entity,
	const char **micalg)
{
	int flags = CMS_DETACHED | CMS_BINARY;
	BIO *in = BIO_new_mem_buf(ZSTR_VAL(entity), (int)ZSTR_LEN(entity));
	CMS_ContentInfo *cms = in ? CMS_sign(NULL, NULL, chain, NULL, flags | CMS_PARTIAL) : NULL;

	*micalg = NULL;
	if (!cms || !CMS_add1_signer(cms, cert, key, signer_digest(key), flags) || !CMS_final(cms, in, NULL, flags)
		|| !(*micalg = signer_micalg(cms))) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	BIO_free(in);
	ERR_clear_error();
	return cms;
}

/*
 * Smtp\Message::smime(array $options): sign with "certificate" + "key" (+ "passphrase", "chain"), encrypt
 * to "encrypt" (one or more recipient certificates), or both (signed, then encrypted). [] removes it.
 */
ZEND_METHOD(Smtp_Message, smime)
{
	smtp_message_obj *m = smtp_message_from_obj(Z_OBJ_P(ZEND_THIS));
	HashTable *options;
	zend_string *key;
	zval *v, normal, list;
	zend_string *cert = NULL, *pkey = NULL, *passphrase = NULL;
	bool cert_own = false, pkey_own = false, ok = false;
	EVP_PKEY *signing_key = NULL;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (zend_hash_num_elements(options) == 0) {
		zval_ptr_dtor(&m->smime);
		ZVAL_UNDEF(&m->smime);
		smtp_smime_key_release(m->smime_key);
		m->smime_key = NULL;
		RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
	}
	array_init(&normal);
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		ZVAL_DEREF(v);
		if (!key) {
			zend_argument_value_error(1, "must be an array with option names as keys");
			goto out;
		}
		if (zend_string_equals_literal(key, "certificate") || zend_string_equals_literal(key, "key")
			|| zend_string_equals_literal(key, "passphrase")) {
			zend_string *text;
			bool own;
			if (Z_TYPE_P(v) != IS_STRING) {
				zend_argument_type_error(1, "option \"%s\" must be of type string, %s given", ZSTR_VAL(key),
					zend_zval_type_name(v));
				goto out;
			}
			if (zend_string_equals_literal(key, "passphrase")) {
				passphrase = Z_STR_P(v); /* borrowed: used before this returns, never kept */
				continue;
			}
			if (!(text = pem_text(Z_STR_P(v), 1, ZSTR_VAL(key), &own))) {
				goto out;
			}
			if (zend_string_equals_literal(key, "certificate")) {
				cert = text;
				cert_own = own;
			} else {
				pkey = text;
				pkey_own = own;
			}
		} else if (zend_string_equals_literal(key, "chain") || zend_string_equals_literal(key, "encrypt")) {
			if (!cert_list(v, ZSTR_VAL(key), &list)) {
				zval_ptr_dtor(&list);
				goto out;
			}
			add_assoc_zval_ex(&normal, ZSTR_VAL(key), ZSTR_LEN(key), &list);
		} else {
			zend_argument_value_error(1, "contains unknown option \"%s\"", ZSTR_VAL(key));
			goto out;
		}
	} ZEND_HASH_FOREACH_END();
	if ((cert != NULL) != (pkey != NULL)) {
		zend_argument_value_error(1, "must have both \"certificate\" and \"key\" to sign");
		goto out;
	}
	if (!cert && !zend_hash_str_exists(Z_ARRVAL(normal), "encrypt", sizeof("encrypt") - 1)) {
		zend_argument_value_error(1, "must sign (\"certificate\" and \"key\") or encrypt (\"encrypt\"), or both");
		goto out;
	}
	if (cert) {
		/* the key is kept parsed: its PEM and passphrase are not kept, and the PEM read from a file is
		 * wiped below */
		X509 *x = read_cert(cert);
		bool match, usable = true;
		signing_key = read_pkey(pkey, passphrase);
		match = x && signing_key && X509_check_private_key(x, signing_key) == 1;
		if (match && EVP_PKEY_id(signing_key) != EVP_PKEY_RSA && EVP_PKEY_id(signing_key) != EVP_PKEY_EC) {
			/* other key types (Ed25519, Ed448) only where this OpenSSL's CMS signs with them: tried now
			 * rather than failing when the message is sent */
			const char *micalg;
			zend_string *probe = zend_string_init("\r\n", 2, 0);
			CMS_ContentInfo *cms = cms_signature(x, signing_key, NULL, probe, &micalg);
			usable = cms != NULL;
			CMS_ContentInfo_free(cms);
			zend_string_release(probe);
		}
		X509_free(x);
		ERR_clear_error();
		if (match && !usable) {
			zend_argument_value_error(1, "option \"key\": the OpenSSL PHP uses (%s) cannot make S/MIME (CMS) "
				"signatures with this type of key (%s); use an RSA or EC key", OpenSSL_version(OPENSSL_VERSION),
				OBJ_nid2sn(EVP_PKEY_id(signing_key)));
			goto out;
		}
		if (!x || !signing_key || !match) {
			/* a file that does not hold what it should gets the message of a file that cannot be read */
			zend_argument_value_error(1, "%s", !x ? (cert_own ? "\"certificate\" " SMTP_LOCAL_PEM_ERROR
					: "option \"certificate\" must be a PEM certificate")
				: !signing_key ? (pkey_own ? "\"key\" " SMTP_LOCAL_PEM_ERROR " (or a wrong \"passphrase\")"
					: "option \"key\" could not be read as a PEM private key (passphrase?)")
				: "option \"key\" is not the key of \"certificate\"");
			goto out;
		}
		add_assoc_str(&normal, "certificate", cert);
		cert = NULL;
	}
	zval_ptr_dtor(&m->smime);
	ZVAL_COPY_VALUE(&m->smime, &normal);
	ZVAL_UNDEF(&normal);
	smtp_smime_key_release(m->smime_key);
	m->smime_key = signing_key;
	signing_key = NULL;
	ok = true;
out:
	zval_ptr_dtor(&normal);
	if (cert) pem_release(cert, cert_own);
	if (pkey) pem_release(pkey, pkey_own);
	smtp_smime_key_release(signing_key);
	if (!ok) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

/* ---- applying it when the message is built -------------------------------------------------------- */

static smtp_status smime_body(void *ctx, smtp_sink *sink)
{
	zend_string *msg = ctx;
	return smtp_sink_write(sink, ZSTR_VAL(msg), ZSTR_LEN(msg));
}

static STACK_OF(X509) *certs_of(zval *list)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	zval *pem;
	if (!sk || !list) {
		return sk;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(list), pem) {
		X509 *x = read_cert(Z_STR_P(pem));
		if (!x || !sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
	} ZEND_HASH_FOREACH_END();
	return sk;
}

/* The DER of cms in base64, 76 characters a line, CRLF line ends; NULL on failure. */
static bool cms_base64(CMS_ContentInfo *cms, smart_str *out)
{
	unsigned char *der = NULL;
	int len = i2d_CMS_ContentInfo(cms, &der);
	char line[80];
	int i;

	if (len <= 0) {
		return false;
	}
	for (i = 0; i < len; i += 57) {
		int n = len - i < 57 ? len - i : 57;
		size_t w = smtp_base64_encode(der + i, (size_t)n, line);
		smart_str_appendl(out, line, w);
		smart_str_appends(out, "\r\n");
	}
	OPENSSL_free(der);
	return true;
}

static zend_string *cms_sign(zval *opt, EVP_PKEY *key, zend_string *entity)
{
	X509 *cert = read_cert(Z_STR_P(zend_hash_str_find(Z_ARRVAL_P(opt), "certificate", sizeof("certificate") - 1)));
	STACK_OF(X509) *chain = certs_of(zend_hash_str_find(Z_ARRVAL_P(opt), "chain", sizeof("chain") - 1));
	CMS_ContentInfo *cms = NULL;
	zend_string *out = NULL;
	const char *micalg = NULL;

	if (cert && key && chain && (cms = cms_signature(cert, key, chain, entity, &micalg))) {
		/* RFC 8551 3.5.3: the entity as signed, then the signature; the CRLF before each boundary belongs
		 * to the boundary, so the entity keeps its own last CRLF */
		unsigned char rnd[12];
		char boundary[40];
		smart_str b = {0};
		int i;
		smtp_php_random(NULL, rnd, sizeof(rnd));
		strcpy(boundary, "=_smime_");
		for (i = 0; i < 12; i++) {
			sprintf(boundary + 8 + 2 * i, "%02x", rnd[i]);
		}
		smart_str_appends(&b, "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n"
			" micalg=");
		smart_str_appends(&b, micalg);
		smart_str_appends(&b, "; boundary=\"");
		smart_str_appends(&b, boundary);
		smart_str_appends(&b, "\"\r\n\r\nThis is a signed message (S/MIME).\r\n\r\n--");
		smart_str_appends(&b, boundary);
		smart_str_appends(&b, "\r\n");
		smart_str_append(&b, entity);
		smart_str_appends(&b, "\r\n--");
		smart_str_appends(&b, boundary);
		smart_str_appends(&b, "\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
			"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n");
		if (cms_base64(cms, &b)) {
			smart_str_appends(&b, "--");
			smart_str_appends(&b, boundary);
			smart_str_appends(&b, "--\r\n");
			out = smart_str_extract(&b);
		} else {
			smart_str_free(&b);
		}
	}
	CMS_ContentInfo_free(cms);
	sk_X509_pop_free(chain, X509_free);
	X509_free(cert);
	ERR_clear_error();
	return out;
}

static zend_string *cms_encrypt(zval *opt, zend_string *entity)
{
	STACK_OF(X509) *to = certs_of(zend_hash_str_find(Z_ARRVAL_P(opt), "encrypt", sizeof("encrypt") - 1));
	BIO *in = BIO_new_mem_buf(ZSTR_VAL(entity), (int)ZSTR_LEN(entity));
	CMS_ContentInfo *cms = NULL;
	zend_string *out = NULL;

	if (to && in && (cms = CMS_encrypt(to, in, EVP_aes_256_cbc(), CMS_BINARY))) {
		smart_str b = {0};
		smart_str_appends(&b, "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\n"
			"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n");
		if (cms_base64(cms, &b)) {
			out = smart_str_extract(&b);
		} else {
			smart_str_free(&b);
		}
	}
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	sk_X509_pop_free(to, X509_free);
	ERR_clear_error();
	return out;
}

static bool is_content_field(const char *p, size_t len)
{
	return len >= 8 && zend_binary_strncasecmp(p, len, "Content-", 8, 8) == 0;
}

zend_result smtp_smime_apply(smtp_outgoing *o)
{
	zval *opt = &o->m->smime;
	smtp_buf whole;
	smtp_data_encoder enc;
	smtp_status st;
	smart_str outer = {0}, inner = {0};
	const char *p, *end, *body;
	zend_string *entity, *wrapped;

	/* the message as send() would write it */
	smtp_buf_init(&whole);
	smtp_data_encoder_init(&enc, &whole.sink, 0);
	st = o->body_fn(o->body_ctx, &enc.sink);
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	if (st != SMTP_OK || whole.failed || !whole.data) {
		smtp_buf_free(&whole);
		smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: %s",
			o->body_err[0] ? o->body_err : "the message could not be written for S/MIME");
		return FAILURE;
	}
	smtp_message_build_rewind(&o->b);
	/* its header: Content-* fields go into the signed/encrypted entity, the others stay outside */
	p = whole.data;
	end = whole.data + whole.len;
	body = strstr(p, "\r\n\r\n");
	body = body ? body + 4 : end;
	while (p < body - 2) {
		const char *e = p;
		for (;;) { /* a field: up to a CRLF not followed by white space */
			const char *crlf = strstr(e, "\r\n");
			e = crlf ? crlf + 2 : end;
			if (e >= body - 2 || (*e != ' ' && *e != '\t')) {
				break;
			}
		}
		if (is_content_field(p, (size_t)(e - p))) {
			smart_str_appendl(&inner, p, (size_t)(e - p));
		} else if (!((size_t)(e - p) >= 13 && zend_binary_strncasecmp(p, e - p, "MIME-Version:", 13, 13) == 0)) {
			smart_str_appendl(&outer, p, (size_t)(e - p));
		}
		p = e;
	}
	smart_str_appends(&inner, "\r\n");
	smart_str_appendl(&inner, body, (size_t)(end - body));
	entity = smart_str_extract(&inner);
	smtp_buf_free(&whole);

	if (zend_hash_str_exists(Z_ARRVAL_P(opt), "certificate", sizeof("certificate") - 1)) {
		wrapped = o->m->smime_key ? cms_sign(opt, o->m->smime_key, entity) : NULL;
		zend_string_release(entity);
		if (!wrapped) {
			smart_str_free(&outer);
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: S/MIME signing failed");
			return FAILURE;
		}
		entity = wrapped;
	}
	if (zend_hash_str_exists(Z_ARRVAL_P(opt), "encrypt", sizeof("encrypt") - 1)) {
		wrapped = cms_encrypt(opt, entity);
		zend_string_release(entity);
		if (!wrapped) {
			smart_str_free(&outer);
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: S/MIME encryption failed");
			return FAILURE;
		}
		entity = wrapped;
	}
	smart_str_appends(&outer, "MIME-Version: 1.0\r\n");
	smart_str_append(&outer, entity);
	zend_string_release(entity);
	if (o->raw) {
		zend_string_release(o->raw);
	}
	o->raw = smart_str_extract(&outer);
	o->body_fn = smime_body;
	o->body_ctx = o->raw;
	o->env.size = ZSTR_LEN(o->raw);
	return SUCCESS;
}
