/*
 * smtp_dkim.c - DKIM signing of everything the extension sends (its signers are read by smtp_dkim_config.c
 * from option "dkim" or the smtp.dkim_* INI settings).
 *
 * The core (protocol/dkim.c) canonicalizes and hashes; this file signs the 32-byte header digest with the
 * private keys smtp_dkim_config.c loaded, using OpenSSL's libcrypto (rsa-sha256: PKCS#1 v1.5;
 * ed25519-sha256: PureEd25519 of the digest, RFC 8463). A message is written twice: the first pass, before
 * the connection is touched, hashes it (attachments streamed, nothing buffered but the header section); the
 * second pass is the real send, with the DKIM-Signature fields in front. Both passes give the same bytes:
 * the message's Date and Message-ID are fixed when it is built and its MIME boundaries come from a
 * generator seeded by them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"

#include <time.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/err.h>

#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "zend_generators.h"
#include "ext/date/php_date.h"
#include "smtp_client.h"
#include "smtp_outgoing.h"
#include "smtp_transport.h"
#include "smtp_exceptions.h"
#include "protocol/smtp_dkim.h"
#include "protocol/smtp_sha256.h"
#include "smtp_dkim_binding.h"
#include "smtp_dkim_keys.h"

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

/* The first pass: the message as the DATA encoder makes it, without the dot-stuffing, into the hashes. */
static zend_result first_pass(smtp_dkim_job *job, smtp_outgoing *o)
{
	smtp_data_encoder enc;
	smtp_status st;

	job->inner = o->body_fn;
	job->inner_ctx = o->body_ctx;
	smtp_data_encoder_init(&enc, &job->d.sink, 0);
	st = job->inner(job->inner_ctx, &enc.sink);
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	if (st != SMTP_OK) {
		if (o->body_err[0]) {
			smtp_outgoing_throw_body_reason(o);
		} else if (job->d.error == SMTP_ERR_INPUT) {
			zend_value_error("Not sent: %s", job->d.reason);
		} else if (enc.error == SMTP_ERR_INPUT) {
			zend_value_error("Not sent: %s", enc.reason);
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: DKIM signing failed (%s)",
				smtp_status_name(st));
		}
		return FAILURE;
	}
	return SUCCESS;
}

/* Each signer's signature of the digest; *extra: the octets the DKIM-Signature fields add. */
static zend_result sign_each(smtp_dkim_config *cfg, smtp_dkim_job *job, uint64_t *extra)
{
	smtp_status st;
	uint32_t i;

	for (i = 0; i < cfg->count; i++) {
		unsigned char *sig;
		size_t sig_len;
		if (!sign_digest(cfg->keys[i].pkey, cfg->keys[i].p.algorithm, smtp_dkim_digest(&job->d, i), &sig, &sig_len)) {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Not sent: the DKIM key of %s could not sign",
				ZSTR_VAL(cfg->keys[i].domain));
			return FAILURE;
		}
		st = smtp_dkim_set_signature(&job->d, i, sig, sig_len);
		efree(sig);
		if (st != SMTP_OK) {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "DKIM: out of memory");
			return FAILURE;
		}
		if (!smtp_dkim_aligned(&job->d, i)) {
			php_error_docref(NULL, E_WARNING, "DKIM: the From domain is not aligned with d=%s: DMARC will not pass "
				"on this signature", ZSTR_VAL(cfg->keys[i].domain));
		}
		{
			size_t len;
			smtp_dkim_field(&job->d, i, &len);
			*extra += len;
		}
	}
	return SUCCESS;
}

zend_result smtp_dkim_attach(smtp_dkim_config *cfg, smtp_outgoing *o)
{
	smtp_dkim_job *job;
	smtp_dkim_params *params;
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
	if (Z_TYPE(o->iter) == IS_OBJECT && instanceof_function(Z_OBJCE(o->iter), zend_ce_generator)) {
		zend_argument_value_error(1, "must be an iterable that can be read twice to be DKIM-signed (an array, "
			"an Iterator or an IteratorAggregate), not a Generator");
		return FAILURE;
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
	if (first_pass(job, o) != SUCCESS) {
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
	if (sign_each(cfg, job, &extra) != SUCCESS) {
		smtp_dkim_job_free(job);
		return FAILURE;
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

