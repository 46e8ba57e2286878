/*
 * smtp_dkim.c - DKIM signing of everything the extension sends (option "dkim", INI smtp.dkim_*).
 *
 * The core (protocol/dkim.c) canonicalizes and hashes; this file holds the private keys and signs the
 * 32-byte header digest with OpenSSL's libcrypto (rsa-sha256: PKCS#1 v1.5; ed25519-sha256: PureEd25519 of
 * the digest, RFC 8463). A message is written twice: the first pass, before the connection is touched,
 * hashes it (attachments streamed, nothing buffered but the header section); the second pass is the real
 * send, with the DKIM-Signature fields in front. Both passes give the same bytes: the message's Date and
 * Message-ID are fixed when it is built and its MIME boundaries come from a generator seeded by them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "php_ini.h"

#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/err.h>

#include "SAPI.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "ext/date/php_date.h"
#include "smtp_client.h"
#include "smtp_outgoing.h"
#include "smtp_transport.h"
#include "smtp_exceptions.h"
#include "protocol/smtp_dkim.h"
#include "protocol/smtp_sha256.h"
#include "smtp_dkim_binding.h"

typedef struct smtp_dkim_key {
	smtp_dkim_params p;
	zend_string *domain, *selector, *identity, *headers;
	zend_long expire;
	EVP_PKEY *pkey;
} smtp_dkim_key;

struct smtp_dkim_config {
	smtp_dkim_key *keys;
	uint32_t count;
};

struct smtp_dkim_job {
	smtp_dkim d;
	smtp_body_fn inner;
	void *inner_ctx;
};

struct smtp_boundary_rng {
	unsigned char seed[SMTP_SHA256_LEN];
	uint64_t counter;
	unsigned char block[SMTP_SHA256_LEN];
	size_t block_used;
};

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

/* The PEM text of "key": the string itself when it is PEM, else the file it names. */
static zend_string *load_pem(const char *what, zend_string *key)
{
	php_stream *stream;
	zend_string *text;

	if (ZSTR_LEN(key) >= 10 && memcmp(ZSTR_VAL(key), "-----BEGIN", 10) == 0) {
		return zend_string_init(ZSTR_VAL(key), ZSTR_LEN(key), 0); /* our copy: it is wiped after use */
	}
	if (ZSTR_LEN(key) == 0 || strlen(ZSTR_VAL(key)) != ZSTR_LEN(key)) {
		zend_value_error("%s: \"key\" must be a PEM private key or the path of a file holding one", what);
		return NULL;
	}
	stream = php_stream_open_wrapper(ZSTR_VAL(key), "rb", 0, NULL);
	if (!stream) {
		zend_value_error("%s: \"key\" is neither a PEM private key nor a readable file", what);
		return NULL;
	}
	text = php_stream_copy_to_mem(stream, 1024 * 1024, 0);
	php_stream_close(stream);
	if (!text) {
		zend_value_error("%s: the key file is empty", what);
		return NULL;
	}
	return text;
}

static EVP_PKEY *read_key(const char *what, zend_string *key, zend_string *passphrase)
{
	zend_string *pem = load_pem(what, key);
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
	if (!pkey) {
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

static bool parse_signer(const char *what, HashTable *ht, smtp_dkim_key *k)
{
	zend_string *name, *key = NULL, *passphrase = NULL, *algorithm = NULL;
	zval *v;
	bool ok = false;
	char why[160];
	int type;

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
	type = EVP_PKEY_id(k->pkey);
	if (type == EVP_PKEY_RSA) {
		k->p.algorithm = SMTP_DKIM_RSA_SHA256;
		if (EVP_PKEY_bits(k->pkey) < 1024) {
			zend_value_error("%s: RSA keys under 1024 bits are refused (RFC 8301); use 2048 bits", what);
			goto out;
		}
	} else if (type == EVP_PKEY_ED25519) {
		k->p.algorithm = SMTP_DKIM_ED25519_SHA256;
	} else {
		zend_value_error("%s: \"key\" must be an RSA or Ed25519 private key", what);
		goto out;
	}
	if (algorithm && !((zend_string_equals_literal(algorithm, "rsa-sha256") && type == EVP_PKEY_RSA)
		|| (zend_string_equals_literal(algorithm, "ed25519-sha256") && type == EVP_PKEY_ED25519))) {
		zend_value_error(zend_string_equals_literal(algorithm, "rsa-sha256")
			|| zend_string_equals_literal(algorithm, "ed25519-sha256")
			? "%s: \"algorithm\" does not match the key's type" : "%s: \"algorithm\" must be \"rsa-sha256\" or "
			"\"ed25519-sha256\"", what);
		goto out;
	}
	k->p.domain = ZSTR_VAL(k->domain);
	k->p.selector = ZSTR_VAL(k->selector);
	k->p.identity = k->identity ? ZSTR_VAL(k->identity) : NULL;
	k->p.headers = k->headers ? ZSTR_VAL(k->headers) : NULL;
	if ((k->identity && strlen(ZSTR_VAL(k->identity)) != ZSTR_LEN(k->identity))
		|| (k->headers && strlen(ZSTR_VAL(k->headers)) != ZSTR_LEN(k->headers))
		|| strlen(k->p.domain) != ZSTR_LEN(k->domain) || strlen(k->p.selector) != ZSTR_LEN(k->selector)) {
		zend_value_error("%s must not contain NUL bytes", what);
		goto out;
	}
	if (smtp_dkim_check_params(&k->p, why, sizeof(why)) != 0) {
		zend_value_error("%s: %s", what, why);
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

/* ---- signing -------------------------------------------------------------------------------------- */

static bool sign_digest(EVP_PKEY *pkey, smtp_dkim_algorithm alg, const unsigned char *digest, unsigned char **sig,
	size_t *sig_len)
{
	bool ok = false;

	*sig = NULL;
	if (alg == SMTP_DKIM_ED25519_SHA256) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		size_t len = 64;
		if (md && EVP_DigestSignInit(md, NULL, NULL, NULL, pkey) == 1) {
			*sig = emalloc(len);
			ok = EVP_DigestSign(md, *sig, &len, digest, SMTP_SHA256_LEN) == 1;
			*sig_len = len;
		}
		EVP_MD_CTX_free(md);
	} else {
		EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pkey, NULL);
		size_t len = 0;
		if (pc && EVP_PKEY_sign_init(pc) == 1 && EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1
			&& EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) == 1
			&& EVP_PKEY_sign(pc, NULL, &len, digest, SMTP_SHA256_LEN) == 1) {
			*sig = emalloc(len);
			ok = EVP_PKEY_sign(pc, *sig, &len, digest, SMTP_SHA256_LEN) == 1;
			*sig_len = len;
		}
		EVP_PKEY_CTX_free(pc);
	}
	ERR_clear_error();
	if (!ok && *sig) {
		efree(*sig);
		*sig = NULL;
	}
	return ok;
}

/* ---- MIME boundaries that do not change between writes ------------------------------------------- */

smtp_boundary_rng *smtp_boundary_rng_new(zend_string *message_id, zend_string *date)
{
	smtp_boundary_rng *rng = ecalloc(1, sizeof(*rng));
	smtp_sha256 h;
	/* seeded by what makes the message unique; its generated Message-ID holds 128 random bits */
	smtp_sha256_init(&h);
	smtp_sha256_update(&h, ZSTR_VAL(message_id), ZSTR_LEN(message_id));
	smtp_sha256_update(&h, "\n", 1);
	smtp_sha256_update(&h, ZSTR_VAL(date), ZSTR_LEN(date));
	smtp_sha256_final(&h, rng->seed);
	rng->block_used = SMTP_SHA256_LEN;
	return rng;
}

void smtp_boundary_rng_rewind(smtp_boundary_rng *rng)
{
	if (rng) {
		rng->counter = 0;
		rng->block_used = SMTP_SHA256_LEN;
	}
}

void smtp_boundary_rng_free(smtp_boundary_rng *rng)
{
	if (rng) {
		efree(rng);
	}
}

/* smtp_random_fn: SHA-256(seed || counter) blocks; without a generator, PHP's CSPRNG. */
void smtp_boundary_random(void *ctx, unsigned char *buf, size_t len)
{
	smtp_boundary_rng *rng = ctx;
	if (!rng) {
		smtp_php_random(NULL, buf, len);
		return;
	}
	while (len) {
		size_t take;
		if (rng->block_used == SMTP_SHA256_LEN) {
			unsigned char in[SMTP_SHA256_LEN + 8];
			int i;
			memcpy(in, rng->seed, SMTP_SHA256_LEN);
			for (i = 0; i < 8; i++) {
				in[SMTP_SHA256_LEN + i] = (unsigned char)(rng->counter >> (56 - 8 * i));
			}
			rng->counter++;
			smtp_sha256_digest(in, sizeof(in), rng->block);
			rng->block_used = 0;
		}
		take = SMTP_SHA256_LEN - rng->block_used < len ? SMTP_SHA256_LEN - rng->block_used : len;
		memcpy(buf, rng->block + rng->block_used, take);
		rng->block_used += take;
		buf += take;
		len -= take;
	}
}

/* The body hashes with libcrypto's SHA-256, several times faster than the core's portable one (CPU
 * instructions); the header hash, a few hundred bytes, stays with the core. */
static void *evp_sha256_create(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return md;
}

static void evp_sha256_update(void *ctx, const void *data, size_t len)
{
	EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len);
}

static void evp_sha256_finish(void *ctx, unsigned char out[SMTP_SHA256_LEN])
{
	unsigned int len = SMTP_SHA256_LEN;
	EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, out, &len);
	EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
}

static void evp_sha256_discard(void *ctx)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
}

static const smtp_hash_ops evp_sha256_ops = {
	evp_sha256_create, evp_sha256_update, evp_sha256_finish, evp_sha256_discard
};

static smtp_status signed_body(void *ctx, smtp_sink *sink)
{
	smtp_dkim_job *job = ctx;
	size_t i;

	for (i = 0; i < job->d.count; i++) {
		size_t len;
		const char *field = smtp_dkim_field(&job->d, i, &len);
		smtp_status st = smtp_sink_write(sink, field, len);
		if (st != SMTP_OK) {
			return st;
		}
	}
	return job->inner(job->inner_ctx, sink);
}

/* The time of the message's Date field, or -1. */
static int64_t head_date(const smtp_buf *head)
{
	size_t i = 0;
	while (i < head->len) {
		size_t eol = i;
		while (eol < head->len && head->data[eol] != '\n') {
			eol++;
		}
		if (eol - i > 5 && zend_binary_strncasecmp(head->data + i, 5, "Date:", 5, 5) == 0) {
			size_t s = i + 5, e = eol;
			char text[128];
			zend_long t;
			while (e > s && (head->data[e - 1] == '\r' || head->data[e - 1] == ' ' || head->data[e - 1] == '\t')) {
				e--;
			}
			while (s < e && (head->data[s] == ' ' || head->data[s] == '\t')) {
				s++;
			}
			if (e - s == 0 || e - s >= sizeof(text)) {
				return -1;
			}
			memcpy(text, head->data + s, e - s);
			text[e - s] = '\0';
			t = php_parse_date(text, NULL);
			return t > 0 ? (int64_t)t : -1;
		}
		i = eol + 1;
	}
	return -1;
}

void smtp_dkim_job_free(smtp_dkim_job *job)
{
	if (job) {
		smtp_dkim_free(&job->d);
		efree(job);
	}
}

zend_result smtp_dkim_attach(smtp_dkim_config *cfg, smtp_outgoing *o)
{
	smtp_dkim_job *job;
	smtp_dkim_params *params;
	smtp_data_encoder enc;
	smtp_status st;
	int64_t now = (int64_t)time(NULL), date;
	uint32_t i;
	uint64_t extra = 0;

	if (o->stream_res) {
		php_stream *stream = (php_stream *)zend_fetch_resource2(o->stream_res, NULL, php_file_le_stream(),
			php_file_le_pstream());
		if (stream && (stream->flags & PHP_STREAM_FLAG_NO_SEEK)) {
			zend_argument_value_error(1, "must be a seekable stream to be DKIM-signed (it is read twice)");
			return FAILURE;
		}
	}
	job = ecalloc(1, sizeof(*job));
	params = safe_emalloc(cfg->count, sizeof(*params), 0);
	for (i = 0; i < cfg->count; i++) {
		params[i] = cfg->keys[i].p;
	}
	st = smtp_dkim_init_ex(&job->d, params, cfg->count, &evp_sha256_ops);
	efree(params);
	if (st != SMTP_OK) {
		smtp_dkim_job_free(job);
		smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "DKIM: out of memory");
		return FAILURE;
	}
	job->inner = o->body_fn;
	job->inner_ctx = o->body_ctx;
	/* first pass: the message as the DATA encoder makes it, without the dot-stuffing */
	smtp_data_encoder_init(&enc, &job->d.sink, 0);
	st = job->inner(job->inner_ctx, &enc.sink);
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	if (st != SMTP_OK) {
		if (o->body_err[0]) {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", o->body_err);
		} else if (job->d.error == SMTP_ERR_INPUT) {
			zend_value_error("Not sent: %s", job->d.reason);
		} else if (enc.error == SMTP_ERR_INPUT) {
			zend_value_error("Not sent: %s", enc.reason);
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: DKIM signing failed (%s)",
				smtp_status_name(st));
		}
		smtp_dkim_job_free(job);
		return FAILURE;
	}
	/* t=: the message's Date (so the same message signs to the same bytes), unless it is in the future or
	 * would make x= already past; else now */
	date = head_date(&job->d.head);
	for (i = 0; i < cfg->count; i++) {
		int64_t t = date > 0 && date <= now && (cfg->keys[i].expire == 0 || date + cfg->keys[i].expire > now + 60)
			? date : now;
		job->d.signers[i].p.timestamp = t;
		job->d.signers[i].p.expire = cfg->keys[i].expire;
	}
	if ((st = smtp_dkim_finish(&job->d)) != SMTP_OK) {
		if (st == SMTP_ERR_INPUT) {
			zend_value_error("Not sent: %s", job->d.reason);
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: DKIM signing failed (%s)",
				smtp_status_name(st));
		}
		smtp_dkim_job_free(job);
		return FAILURE;
	}
	for (i = 0; i < cfg->count; i++) {
		unsigned char *sig;
		size_t sig_len;
		if (!sign_digest(cfg->keys[i].pkey, cfg->keys[i].p.algorithm, smtp_dkim_digest(&job->d, i), &sig, &sig_len)) {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: the DKIM key of %s could not sign",
				ZSTR_VAL(cfg->keys[i].domain));
				smtp_dkim_job_free(job);
			return FAILURE;
		}
		st = smtp_dkim_set_signature(&job->d, i, sig, sig_len);
		efree(sig);
		if (st != SMTP_OK) {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "DKIM: out of memory");
				smtp_dkim_job_free(job);
			return FAILURE;
		}
		if (!smtp_dkim_aligned(&job->d, i)) {
			php_error_docref(NULL, E_WARNING, "DKIM: the From domain is not aligned with d=%s: DMARC will not pass "
				"on this signature", ZSTR_VAL(cfg->keys[i].domain));
		}
		{
			size_t len;
			smtp_dkim_field(&job->d, i, &len);
			extra += len;
		}
	}
	/* second pass from the start */
	if (o->m) {
		smtp_message_build_rewind(&o->b);
	} else if (o->stream_res) {
		php_stream *stream = (php_stream *)zend_fetch_resource2(o->stream_res, NULL, php_file_le_stream(),
			php_file_le_pstream());
		if (!stream || php_stream_seek(stream, o->stream_start, SEEK_SET) != 0) {
			zend_argument_value_error(1, "must be a seekable stream to be DKIM-signed (it is read twice)");
				smtp_dkim_job_free(job);
			return FAILURE;
		}
	}
	o->dkim = job;
	o->dkim_size = extra;
	if (o->env.size) {
		o->env.size += extra;
	}
	o->body_fn = signed_body;
	o->body_ctx = job;
	return SUCCESS;
}

/* ---- INI: the signer of smtp_mail() and of mail() when overridden --------------------------------- */

/* phpinfo() shows whether a passphrase is set, never the passphrase */
static ZEND_INI_DISP(dkim_secret_displayer)
{
	zend_string *value = type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified ? ini_entry->orig_value
		: ini_entry->value;
	PUTS(value && ZSTR_LEN(value) ? "********" : (sapi_module.phpinfo_as_text ? "no value" : "<i>no value</i>"));
}

/* Kept apart from the module's other INI entries (registered by smtp_dkim_minit()), read when mail is sent. */
static const zend_ini_entry_def smtp_dkim_ini_entries[] = {
	PHP_INI_ENTRY("smtp.dkim_domain", "", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY("smtp.dkim_selector", "", PHP_INI_ALL, NULL)
	PHP_INI_ENTRY("smtp.dkim_key", "", PHP_INI_ALL, NULL)
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
	zval arr;

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

/* ---- Smtp\Message::listUnsubscribe() (RFC 8058, RFC 2369) ---------------------------------------- */

/* printable ASCII without space, '<', '>' or ',' (the list syntax of RFC 2369) */
static bool uri_chars_ok(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 127 || c == '<' || c == '>' || c == ',') {
			return false;
		}
	}
	return true;
}

static void remove_headers(smtp_message_obj *m, const char *name)
{
	uint32_t i, j = 0;
	for (i = 0; i < m->header_count; i++) {
		if (zend_binary_strcasecmp(ZSTR_VAL(m->headers[i].name), ZSTR_LEN(m->headers[i].name), name, strlen(name)) == 0) {
			zend_string_release(m->headers[i].name);
			zend_string_release(m->headers[i].value);
			continue;
		}
		m->headers[j++] = m->headers[i];
	}
	m->header_count = j;
}

ZEND_METHOD(Smtp_Message, listUnsubscribe)
{
	smtp_message_obj *m = smtp_message_from_obj(Z_OBJ_P(ZEND_THIS));
	zend_string *url, *mailto = NULL, *name, *value;
	smart_str s = {0};
	zend_result ok;
	const char *mailto_addr = NULL;
	size_t mailto_len = 0;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(url)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(mailto)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(url) <= 8 || zend_binary_strncasecmp(ZSTR_VAL(url), ZSTR_LEN(url), "https://", 8, 8) != 0) {
		zend_argument_value_error(1, "must be an https:// URL (RFC 8058)");
		RETURN_THROWS();
	}
	if (!uri_chars_ok(ZSTR_VAL(url), ZSTR_LEN(url)) || ZSTR_LEN(url) > 900) {
		zend_argument_value_error(1, "must be a URL of printable ASCII without spaces, '<', '>' or ',' "
			"(percent-encode them), at most 900 characters");
		RETURN_THROWS();
	}
	if (mailto) {
		const char *a = ZSTR_VAL(mailto);
		size_t alen = ZSTR_LEN(mailto);
		if (alen > 7 && zend_binary_strncasecmp(a, alen, "mailto:", 7, 7) == 0) {
			a += 7;
			alen -= 7;
		}
		if (alen == 0 || alen > 300 || !uri_chars_ok(a, alen) || !memchr(a, '@', alen)) {
			zend_argument_value_error(2, "must be an address or a mailto: URI of printable ASCII without spaces, "
				"'<', '>' or ','");
			RETURN_THROWS();
		}
		mailto_addr = a;
		mailto_len = alen;
	}
	/* the https URI first: the one RFC 8058 one-click receivers use */
	smart_str_appendc(&s, '<');
	smart_str_append(&s, url);
	smart_str_appendc(&s, '>');
	if (mailto) {
		smart_str_appends(&s, ", <mailto:");
		smart_str_appendl(&s, mailto_addr, mailto_len);
		smart_str_appendc(&s, '>');
	}
	value = smart_str_extract(&s);

	remove_headers(m, "List-Unsubscribe");
	remove_headers(m, "List-Unsubscribe-Post");
	name = zend_string_init("List-Unsubscribe", sizeof("List-Unsubscribe") - 1, 0);
	ok = smtp_message_add_header(m, name, value, 1, 1);
	zend_string_release(name);
	zend_string_release(value);
	if (ok == SUCCESS) {
		name = zend_string_init("List-Unsubscribe-Post", sizeof("List-Unsubscribe-Post") - 1, 0);
		value = zend_string_init("List-Unsubscribe=One-Click", sizeof("List-Unsubscribe=One-Click") - 1, 0);
		ok = smtp_message_add_header(m, name, value, 1, 1);
		zend_string_release(name);
		zend_string_release(value);
	}
	if (ok != SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

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
