/*
 * smtp_persistent.c - persistent connections (option "persistent"): a connection kept open across
 * requests by the PHP worker, like pfsockopen() or phpredis' pconnect(). See smtp_persistent.h.
 *
 * The socket is a persistent PHP stream (php_stream_xport_create() with a persistent id), so it lives in
 * EG(persistent_list) and survives the request. What the core learned on it (capabilities, TLS active,
 * AUTH done) lives in its smtp_session, kept beside it in a "smtp pconn" entry of the same list, under a
 * key derived from every setting that shapes the connection (the rows of the option table marked for the
 * key, smtp_options.c: host, port, TLS mode, stream context options, HELO name, credentials hashed,
 * AUTH mechanism, allow_plaintext_auth, the persistent id). Different settings give a different key, so a
 * kept connection is never used with other TLS settings or other credentials (security matrix case 25).
 *
 * A holder takes the entry's session while it uses the connection (it owns it like any session) and
 * hands it back when it goes away with the connection still good. The session's transport forwards to
 * the transport of whoever holds the entry, so the session outlives its holders. Entries are freed only
 * at shutdown; an entry with no session and no stream is simply empty. When the entry is held by another
 * live holder, a second one with the same settings gets an ordinary connection of its own.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/file.h"
#include "ext/random/php_random.h"

#include "protocol/smtp_core.h"
#include "smtp_persistent.h"
#include "smtp_transport.h"

#define PCONN_RESOURCE_NAME "smtp persistent connection"

static int le_smtp_pconn = -1;

/* a random salt for the key digest, so the digest says nothing about the password outside this process */
static unsigned char key_salt[16];

struct smtp_pconn {
	smtp_transport transport;     /* the sessions' transport: forwards to the owner's */
	const smtp_transport *owner;  /* the transport of the holder using the connection now, or NULL */
	smtp_session *session;        /* while nobody holds the entry: the kept connection's session */
	php_stream *stream;           /* the kept stream: compared with what the persistent list holds */
	bool authenticated;
	unsigned char digest[32];
	char stream_id[1];            /* persistent id of the stream; the entry's own key is "state:" + it */
};

/* ---- the forwarding transport -------------------------------------------------------------------- */

static long pconn_read(void *ctx, char *buf, size_t cap, int timeout_ms)
{
	const smtp_transport *t = ((smtp_pconn *)ctx)->owner;
	return t ? t->read(t->ctx, buf, cap, timeout_ms) : SMTP_IO_ERROR;
}

static int pconn_write(void *ctx, const char *buf, size_t len, int timeout_ms)
{
	const smtp_transport *t = ((smtp_pconn *)ctx)->owner;
	return t ? t->write(t->ctx, buf, len, timeout_ms) : SMTP_IO_ERROR;
}

static int pconn_start_tls(void *ctx, int timeout_ms, char *err, size_t errlen)
{
	const smtp_transport *t = ((smtp_pconn *)ctx)->owner;
	if (!t) {
		snprintf(err, errlen, "not connected");
		return -1;
	}
	return t->start_tls(t->ctx, timeout_ms, err, errlen);
}

static int64_t pconn_now_ms(void *ctx)
{
	(void)ctx;
	return smtp_stream_now_ms();
}

/* ---- entries ------------------------------------------------------------------------------------- */

static ZEND_RSRC_DTOR_FUNC(pconn_dtor)
{
	smtp_pconn *p = res->ptr;
	if (p) {
		if (p->session) {
			smtp_session_free(p->session);
		}
		pefree(p, 1);
		res->ptr = NULL;
	}
}

void smtp_persistent_minit(int module_number)
{
	le_smtp_pconn = zend_register_list_destructors_ex(NULL, pconn_dtor, PCONN_RESOURCE_NAME, module_number);
	if (php_random_bytes_silent(key_salt, sizeof(key_salt)) != SUCCESS) {
		/* the digest stays a one-way function of the settings; the salt only hides it further */
		memset(key_salt, 0, sizeof(key_salt));
	}
}

const unsigned char *smtp_persistent_salt(size_t *len)
{
	*len = sizeof(key_salt);
	return key_salt;
}

static smtp_pconn *entry_for(const smtp_pconn_key *k)
{
	static const char hex[] = "0123456789abcdef";
	char digest_hex[65];
	zend_string *id, *key;
	zend_resource *le;
	smtp_pconn *p;
	int i;

	for (i = 0; i < 32; i++) {
		digest_hex[2 * i] = hex[k->digest[i] >> 4];
		digest_hex[2 * i + 1] = hex[k->digest[i] & 15];
	}
	digest_hex[64] = '\0';
	id = zend_strpprintf(0, "smtp:%s:" ZEND_LONG_FMT ":%s", ZSTR_VAL(k->host), k->port, digest_hex);
	key = zend_strpprintf(0, "state:%s", ZSTR_VAL(id));

	le = zend_hash_find_ptr(&EG(persistent_list), key);
	if (le && le->type == le_smtp_pconn && le->ptr) {
		p = le->ptr;
	} else if (le) {
		p = NULL; /* the name is taken by something else: do not keep this connection */
	} else {
		p = pecalloc(1, sizeof(smtp_pconn) + ZSTR_LEN(id), 1);
		memcpy(p->stream_id, ZSTR_VAL(id), ZSTR_LEN(id) + 1);
		memcpy(p->digest, k->digest, 32);
		p->transport.ctx = p;
		p->transport.read = pconn_read;
		p->transport.write = pconn_write;
		p->transport.start_tls = pconn_start_tls;
		p->transport.now_ms = pconn_now_ms;
		if (!zend_register_persistent_resource(ZSTR_VAL(key), ZSTR_LEN(key), p, le_smtp_pconn)) {
			pefree(p, 1);
			p = NULL;
		}
	}
	zend_string_release(key);
	zend_string_release(id);
	return p;
}

/* Close a stream left under the entry's id that the entry does not account for. */
static void close_orphan(smtp_pconn *p)
{
	php_stream *stream = NULL;
	if (php_stream_from_persistent_id(p->stream_id, &stream) == PHP_STREAM_PERSISTENT_SUCCESS && stream) {
		php_stream_pclose(stream);
	}
	p->stream = NULL;
}

/* ---- what a connection calls --------------------------------------------------------------------- */

smtp_pconn *smtp_persistent_claim(const smtp_pconn_key *key, const smtp_transport *transport)
{
	smtp_pconn *p = entry_for(key);
	if (!p || (p->owner && p->owner != transport)) {
		return NULL; /* held by another: this one gets a connection of its own */
	}
	p->owner = transport;
	return p;
}

bool smtp_persistent_take(smtp_pconn *p, php_stream **stream_out, smtp_session **session_out, bool *authenticated)
{
	smtp_session *session = p->session;
	php_stream *stream = NULL;

	p->session = NULL;
	if (!session) {
		close_orphan(p);
		return false;
	}
	if (php_stream_from_persistent_id(p->stream_id, &stream) != PHP_STREAM_PERSISTENT_SUCCESS || !stream
		|| stream != p->stream || !smtp_session_usable(session)) {
		smtp_session_free(session);
		if (stream && stream == p->stream) {
			php_stream_pclose(stream);
		} else {
			close_orphan(p);
		}
		p->stream = NULL;
		return false;
	}
	*stream_out = stream;
	*session_out = session;
	*authenticated = p->authenticated;
	return true;
}

bool smtp_persistent_keep(smtp_pconn *p, const unsigned char digest[32], php_stream *stream, smtp_session *session,
	bool authenticated)
{
	if (memcmp(digest, p->digest, sizeof(p->digest)) != 0) {
		return false;
	}
	smtp_session_set_logger(session, NULL, NULL);
	p->session = session;
	p->stream = stream;
	p->authenticated = authenticated;
	p->owner = NULL;
	return true;
}

void smtp_persistent_leave(smtp_pconn *p, const smtp_transport *transport)
{
	if (p->owner == transport) {
		p->owner = NULL;
	}
	p->stream = NULL;
}

bool smtp_persistent_claimed_by(const smtp_pconn *p, const smtp_transport *transport)
{
	return p->owner == transport;
}

const char *smtp_persistent_stream_id(const smtp_pconn *p)
{
	return p->stream_id;
}

const smtp_transport *smtp_persistent_transport(smtp_pconn *p)
{
	return &p->transport;
}
