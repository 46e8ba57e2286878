/*
 * smtp_core.h - the SMTP client core: portable C99, no PHP header, no socket call.
 *
 * The core speaks RFC 5321 over a transport supplied by its user (the PHP binding implements it with PHP
 * streams; the unit tests implement it in memory). It returns status codes and keeps the last reply; it
 * never throws, never prints and never exits.
 */
#ifndef SMTP_CORE_H
#define SMTP_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ------------------------------------------------------------------------------- */

typedef enum smtp_status {
	SMTP_OK = 0,
	SMTP_ERR_INPUT,      /* an argument is invalid (CR/LF/NUL, too long, bad address): nothing was sent */
	SMTP_ERR_NOMEM,
	SMTP_ERR_IO,         /* the transport failed to read or write */
	SMTP_ERR_CLOSED,     /* the server closed the connection */
	SMTP_ERR_TIMEOUT,    /* a per-command deadline passed */
	SMTP_ERR_PROTOCOL,   /* malformed reply, reply over the limits, bytes injected after STARTTLS */
	SMTP_ERR_REPLY,      /* the server answered with a code we cannot continue with; see the last reply */
	SMTP_ERR_TLS,        /* TLS required but not offered or refused, or the handshake failed */
	SMTP_ERR_AUTH,       /* authentication refused, impossible, or not allowed in cleartext */
	SMTP_ERR_RECIPIENTS, /* one or more recipients were rejected (see the send result) */
	SMTP_ERR_SOURCE,     /* a body source (attachment file) failed to read */
	SMTP_ERR_STATE,      /* the session is not in a state for this call (not connected) */
	SMTP_AGAIN           /* smtp_batch_run_collect() without waiting: the reply has not all arrived yet */
} smtp_status;

/* A short English name for a status, for messages. */
const char *smtp_status_name(smtp_status st);

/* ---- limits ------------------------------------------------------------------------------------- */

#define SMTP_MAX_COMMAND_LINE 512    /* RFC 5321 4.5.3.1.4, CRLF included */
#define SMTP_MAX_REPLY_LINE   8192   /* we accept up to 8 KB per reply line (RFC says 512) */
#define SMTP_MAX_REPLY_LINES  1000   /* more lines than this in one reply is a protocol error */
#define SMTP_MAX_TEXT_LINE    998    /* RFC 5322 2.1.1, CRLF excluded */
#define SMTP_MAX_AUTH_ROUNDS  5      /* 334 challenges before we give up */

/* ---- transport ---------------------------------------------------------------------------------- */

#define SMTP_IO_ERROR   (-1)
#define SMTP_IO_TIMEOUT (-2)

/*
 * The network as the core sees it. Every call gets the time it may take in milliseconds (always > 0);
 * the core turns its per-command deadlines into these.
 */
typedef struct smtp_transport {
	void *ctx;
	/* Read at most cap bytes. Returns the count (> 0), 0 when the peer closed, or SMTP_IO_ERROR /
	 * SMTP_IO_TIMEOUT. */
	long (*read)(void *ctx, char *buf, size_t cap, int timeout_ms);
	/* Write all len bytes. Returns 0, SMTP_IO_ERROR or SMTP_IO_TIMEOUT. */
	int (*write)(void *ctx, const char *buf, size_t len, int timeout_ms);
	/* Start TLS as a client on the open connection. Returns 0; SMTP_IO_TIMEOUT or SMTP_IO_ERROR when the
	 * connection timed out or broke during the handshake (transient); any other non-zero value when TLS
	 * itself failed (certificate, protocol). A message goes in err. */
	int (*start_tls)(void *ctx, int timeout_ms, char *err, size_t errlen);
	/* A monotonic clock in milliseconds. */
	int64_t (*now_ms)(void *ctx);
} smtp_transport;

/* ---- output sinks ------------------------------------------------------------------------------- */

/* Something bytes are pushed into: the wire encoder, a string buffer, a counter. */
typedef struct smtp_sink smtp_sink;
struct smtp_sink {
	smtp_status (*write)(smtp_sink *sink, const char *data, size_t len);
};

static inline smtp_status smtp_sink_write(smtp_sink *sink, const char *data, size_t len)
{
	return sink->write(sink, data, len);
}

/* A growable byte buffer; also usable as a sink. */
typedef struct smtp_buf {
	smtp_sink sink; /* first member: a smtp_buf * is a smtp_sink * */
	char *data;
	size_t len;
	size_t cap;
	int failed;     /* an allocation failed; further appends are ignored */
	int secret;     /* smtp_buf_init_secret(): the old memory is zeroed when it grows and when freed */
} smtp_buf;

void smtp_buf_init(smtp_buf *b);
/* A buffer for secrets: growing copies and zeroes the old block instead of realloc(), which would leave
 * a copy behind in freed memory; freeing zeroes it too. */
void smtp_buf_init_secret(smtp_buf *b);
void smtp_buf_free(smtp_buf *b);
smtp_status smtp_buf_append(smtp_buf *b, const char *data, size_t len);
smtp_status smtp_buf_append_str(smtp_buf *b, const char *s);
void smtp_buf_reset(smtp_buf *b);
/* Append n bytes left for the caller to fill; returns where they start, or NULL when out of memory. */
char *smtp_buf_extend(smtp_buf *b, size_t n);
/* Make sure data is NUL-terminated (not counted in len). */
smtp_status smtp_buf_terminate(smtp_buf *b);

/* Something the message body is produced by: it writes the whole message into the sink it is given. */
typedef smtp_status (*smtp_body_fn)(void *ctx, smtp_sink *sink);

/* ---- DATA encoder ------------------------------------------------------------------------------- */

/*
 * Streams a message onto the wire form: every bare CR and bare LF becomes CRLF, a line starting with '.'
 * gets a second '.' (when dot_stuff is set; BDAT needs no stuffing), NUL and lines over 998 octets are
 * refused. smtp_data_finish() ends the last line with CRLF if the message did not.
 * Output goes to `out` in pieces; the encoder itself holds at most one pending CR.
 */
typedef struct smtp_data_encoder {
	smtp_sink sink;       /* first member: the encoder is itself a sink */
	smtp_sink *out;
	int dot_stuff;
	int at_line_start;    /* next byte starts a line */
	int pending_cr;       /* a CR was seen, waiting to see whether LF follows */
	size_t line_len;      /* octets in the current line so far */
	uint64_t bytes_out;   /* bytes produced so far */
	uint64_t stuffed;     /* of which dots added by dot-stuffing (counted before the dot is written) */
	smtp_status error;    /* sticky */
	char reason[96];      /* why the input was refused */
} smtp_data_encoder;

void smtp_data_encoder_init(smtp_data_encoder *enc, smtp_sink *out, int dot_stuff);
smtp_status smtp_data_encode(smtp_data_encoder *enc, const char *data, size_t len);
smtp_status smtp_data_finish(smtp_data_encoder *enc);

/* ---- replies ------------------------------------------------------------------------------------ */

typedef struct smtp_reply {
	int code;             /* 0 when there is no reply */
	char enhanced[16];    /* RFC 3463 "x.y.z" of the last line, or "" */
	smtp_buf text;        /* all lines as received, without CRLF, joined by "\n" */
	size_t lines;
} smtp_reply;

/*
 * Incremental reply parser: feed bytes, it says when a whole reply is there. Used by the session and by
 * the fuzz target. One parser holds one reply at a time.
 */
typedef struct smtp_reply_parser {
	smtp_reply reply;
	smtp_buf line;        /* the line being assembled */
	int first_code;       /* code of the first line of this reply */
	int done;
	int want_enhanced;    /* parse enhanced status codes (ENHANCEDSTATUSCODES advertised) */
	char error[128];
} smtp_reply_parser;

void smtp_reply_parser_init(smtp_reply_parser *p);
void smtp_reply_parser_free(smtp_reply_parser *p);
void smtp_reply_parser_reset(smtp_reply_parser *p);
/*
 * Consume bytes from data; stops right after the reply's last line. *used is how many bytes were taken.
 * Returns SMTP_OK (check p->done), or SMTP_ERR_PROTOCOL with p->error set.
 */
smtp_status smtp_reply_parser_feed(smtp_reply_parser *p, const char *data, size_t len, size_t *used);

/* ---- EHLO capabilities -------------------------------------------------------------------------- */

typedef struct smtp_capability {
	char *keyword;        /* upper case */
	char *param;          /* the rest of the line, "" when none */
} smtp_capability;

typedef struct smtp_capabilities {
	smtp_capability *items;
	size_t count;
	/* parsed from the keywords we act on */
	int pipelining, chunking, starttls, eightbitmime, smtputf8, dsn, enhanced, size_advertised;
	uint64_t size_limit;  /* SIZE parameter, 0 when none given */
	unsigned auth_offered; /* bit (1u << mech) for each mechanism of the AUTH keyword we speak */
	int requiretls;       /* RFC 8689 */
} smtp_capabilities;

void smtp_capabilities_free(smtp_capabilities *caps);
/* Parse an EHLO reply text (lines joined by "\n", codes included). The first line is the greeting. */
smtp_status smtp_capabilities_parse(smtp_capabilities *caps, const char *text, size_t len);
/* The parameter string of keyword (any case), or NULL when not advertised. */
const char *smtp_capability_param(const smtp_capabilities *caps, const char *keyword);

/* ---- checks on user input ----------------------------------------------------------------------- */

/* 1 when s contains CR, LF or NUL. */
/* The length of the longest line in octets, CR and LF both ending a line (RFC 5321: at most 998). */
size_t smtp_longest_line(const char *p, size_t len);
int smtp_has_line_break(const char *s, size_t len);
/* 1 when s is valid UTF-8 (no overlongs, no surrogates). */
int smtp_utf8_valid(const char *s, size_t len);
/* 1 when s is all 7-bit. */
int smtp_is_ascii(const char *s, size_t len);
/* Checks an RFC 5321 mailbox (local-part@domain; quoted local parts allowed; UTF-8 only when allow_utf8).
 * Returns 1 when valid, else 0 with a reason in why. */
int smtp_address_valid(const char *s, size_t len, int allow_utf8, const char **why);

/* ---- session ------------------------------------------------------------------------------------ */

typedef enum smtp_tls_mode {
	SMTP_TLS_NONE = 0,
	SMTP_TLS_STARTTLS = 1,
	SMTP_TLS_IMPLICIT = 2,
	SMTP_TLS_OPPORTUNISTIC = 3
} smtp_tls_mode;

typedef enum smtp_auth_mech {
	SMTP_AUTH_AUTO = 0,   /* the best the server offers (see the ranks in auth.c's mechanism table) */
	SMTP_AUTH_PLAIN,
	SMTP_AUTH_LOGIN,
	SMTP_AUTH_CRAM_MD5,
	SMTP_AUTH_XOAUTH2,
	SMTP_AUTH_SCRAM_SHA1,
	SMTP_AUTH_SCRAM_SHA256,
	SMTP_AUTH_OAUTHBEARER /* RFC 7628 */
} smtp_auth_mech;

/*
 * What the core knows of each AUTH mechanism, as data: the binding reads it for the names users write,
 * its messages and phpinfo(); the session for choosing a mechanism, checking the credentials and what to
 * blank out of the transcript. Adding a mechanism: its id above, a row in each of auth.c's two tables, and its steps there.
 */
typedef struct smtp_auth_mechanism {
	smtp_auth_mech mech;
	const char *name;          /* in EHLO's AUTH keyword and the AUTH command */
	int rank_tls;              /* automatic choice over TLS: 1 first; 0 = only when asked for by name */
	int rank_cleartext;        /* the same in cleartext (allow_plaintext_auth) */
	int initial_has_secret;    /* the initial response carries the secret: its base64 is blanked too */
	int bearer_token;          /* the secret is an OAuth token ("auth=Bearer"): ^A cannot be carried */
	int scram;                 /* SCRAM (RFC 5802): the password is SASLprep'd, a client nonce is needed,
	                              and the server must prove it knows the password (a failed check ends the
	                              session, a 235 before the proof is refused) */
} smtp_auth_mechanism;

/* The mechanisms, in the order phpinfo() and messages list them; *count is set. */
const smtp_auth_mechanism *smtp_auth_mechanisms(size_t *count);
/* The mechanism of that name (any case), or NULL. */
const smtp_auth_mechanism *smtp_auth_mechanism_find(const char *name, size_t len);
/* The row of an id, or NULL for SMTP_AUTH_AUTO. */
const smtp_auth_mechanism *smtp_auth_mechanism_of(smtp_auth_mech mech);
/* Whether the server's EHLO offered mech. */
int smtp_capabilities_offer_auth(const smtp_capabilities *caps, smtp_auth_mech mech);

/* Fills buf with len bytes from a CSPRNG; returns 0, or non-zero when none is available. */
typedef int (*smtp_nonce_fn)(void *ctx, unsigned char *buf, size_t len);

/* Called with each transcript line, "C: ..." or "S: ...", without CRLF, credentials redacted. */
typedef void (*smtp_log_fn)(void *ud, const char *line, size_t len);

typedef struct smtp_session smtp_session;

smtp_session *smtp_session_new(const smtp_transport *transport);
void smtp_session_free(smtp_session *s);
void smtp_session_set_logger(smtp_session *s, smtp_log_fn fn, void *ud);
/* Timeouts in milliseconds: each command's reply, and the reply to the final dot (RFC 5321 4.5.3.2). */
void smtp_session_set_timeouts(smtp_session *s, int command_ms, int data_ms);
/* PIPELINING / CHUNKING use when advertised (both on by default). */
void smtp_session_set_extensions(smtp_session *s, int pipelining, int chunking);

/*
 * Greeting, EHLO (HELO only when EHLO is refused and TLS is not required), STARTTLS according to mode,
 * EHLO again after TLS. For SMTP_TLS_IMPLICIT the transport is already encrypted. On success the session
 * is ready for AUTH or MAIL.
 */
smtp_status smtp_session_open(smtp_session *s, const char *helo, smtp_tls_mode mode);
/* Whether the channel is encrypted (implicit TLS or STARTTLS done). */
int smtp_session_tls_active(const smtp_session *s);
void smtp_session_set_tls_active(smtp_session *s, int active);

/* Where SCRAM's client nonce comes from; without one, SCRAM is refused before any byte. */
void smtp_session_set_nonce_source(smtp_session *s, smtp_nonce_fn fn, void *ctx);

/* AUTH. Refused with SMTP_ERR_AUTH before any byte when the channel is cleartext and !allow_plaintext.
 * SCRAM also fails (SMTP_ERR_AUTH, session unusable) when the server's signature is wrong or missing. */
smtp_status smtp_session_auth(smtp_session *s, smtp_auth_mech mech, const char *user, size_t user_len,
	const char *secret, size_t secret_len, int allow_plaintext);

typedef struct smtp_recipient {
	const char *address;
	const char *notify;   /* DSN NOTIFY value ("SUCCESS,FAILURE", "NEVER") or NULL */
	const char *orcpt;    /* DSN ORCPT value ("rfc822;addr") or NULL */
	const char *label;    /* how messages name it when not as sent (the caller's form of an A-label), or NULL */
} smtp_recipient;

/* The name of a recipient in messages and results. */
static inline const char *smtp_recipient_name(const smtp_recipient *r)
{
	return r->label ? r->label : r->address;
}

/*
 * Append a DSN ORCPT value ("type;address") as it goes on the wire: the address in xtext (RFC 3461 4),
 * or in utf-8-addr-xtext for the utf-8 type (RFC 6533 3), so the result is ASCII. SMTP_ERR_INPUT when
 * it is not an atom, ';' and an address, or a utf-8 address is not valid UTF-8.
 */
smtp_status smtp_orcpt_append(smtp_buf *out, const char *orcpt);

typedef struct smtp_envelope {
	const char *from;           /* "" for the null reverse-path */
	const smtp_recipient *rcpt;
	size_t rcpt_count;
	int partial;                /* deliver to accepted recipients even when some are rejected */
	int body_8bit;              /* message has 8-bit content: BODY=8BITMIME when advertised */
	int smtputf8;               /* addresses or headers need SMTPUTF8 */
	uint64_t size;              /* message size for SIZE=, 0 when unknown */
	const char *dsn_ret;        /* "FULL" / "HDRS" or NULL */
	const char *dsn_envid;      /* xtext-encoded by the core, or NULL */
	int requiretls;             /* RFC 8689: MAIL ... REQUIRETLS; refused (SMTP_ERR_TLS) when not offered over TLS */
} smtp_envelope;

typedef struct smtp_send_result {
	int *accepted;              /* per recipient, 1 when its RCPT got 2xx */
	char **rcpt_reply;          /* per recipient, the reply text (always set once the RCPT was answered) */
	int *rcpt_code;             /* per recipient, the reply code (0 when never answered) */
	size_t rcpt_count;
	char *queue_id;             /* parsed from the final reply ("queued as X", "id=X", ...), or NULL */
} smtp_send_result;

void smtp_send_result_free(smtp_send_result *r);

/*
 * One mail transaction: MAIL, RCPT for each recipient, DATA or BDAT, the body produced by body_fn, the
 * final reply. Pipelined when the server allows it. On any failure the transaction is reset (RSET) or the
 * connection is dropped; a message is reported sent (SMTP_OK) only when the server accepted it after the
 * end of data.
 */
smtp_status smtp_session_send(smtp_session *s, const smtp_envelope *env, smtp_body_fn body_fn, void *body_ctx,
	smtp_send_result *result);

/* What became of one message of a batch. */
typedef enum smtp_batch_outcome {
	SMTP_BATCH_PENDING = 0,     /* not finished yet */
	SMTP_BATCH_DONE,            /* status says how: SMTP_OK delivered, else why not */
	SMTP_BATCH_UNKNOWN,         /* its end of data was sent and the connection was lost before the server
	                             * answered: it may have been delivered, so it must not be sent again */
	SMTP_BATCH_NOT_SENT         /* never started, or known not accepted (a 421 answered it or came before
	                             * its reply): it may be sent again, on a new connection */
} smtp_batch_outcome;

/* One message of a batch: what to send, and what became of it. */
typedef struct smtp_batch_item {
	const smtp_envelope *env;
	smtp_body_fn body_fn;
	void *body_ctx;
	/* filled in by the batch */
	smtp_batch_outcome outcome;
	int attempted;              /* outcome is DONE or UNKNOWN */
	int retry;                  /* NOT_SENT because a failed transaction before it was still open: sent
	                             * again as an ordinary transaction */
	smtp_status status;         /* DONE: the outcome; UNKNOWN: how the connection was lost */
	smtp_send_result result;
	int transient;
	int reply_code;             /* the reply behind the status: the final reply, or the failing one */
	char enhanced[16];
	char *reply;                /* its text, or NULL */
	char *error;                /* a message when status != SMTP_OK */
} smtp_batch_item;

void smtp_batch_item_free(smtp_batch_item *item);

/*
 * Send several messages on one connection. With PIPELINING and CHUNKING, each message whose rejection
 * cannot cause a partial delivery (one recipient, or partial) is written without waiting for the
 * replies to the ones before it, up to a window, so a batch costs about one round trip per window
 * rather than per message; with PIPELINING alone, the end of one message goes out with the next one's
 * MAIL, RCPT and DATA (one round trip per message); the rest go one transaction at a time. One failed
 * message never takes the others down: each item gets its own outcome. Returns SMTP_OK while the
 * connection is still usable; otherwise the error that ended it, the items it left NOT_SENT or UNKNOWN.
 * It is smtp_batch_run below, driven in a loop that waits for every reply.
 */
smtp_status smtp_session_send_batch(smtp_session *s, smtp_batch_item *items, size_t count);

/*
 * A batch in steps, so that a caller can drive several connections at once: push() gives the connection
 * an item (queued, nothing read), flush() writes what is queued, collect() reads the replies the oldest
 * unit of work waits for and records its items' outcomes. With nonblocking set, collect() makes at most
 * one transport read (of what has arrived: call it when the socket is readable, or when
 * smtp_batch_run_has_input(), or once smtp_batch_run_deadline() has passed: the reply then times out)
 * and returns SMTP_AGAIN when a reply is not complete.
 * Some steps still wait: a message that cannot be pipelined is one whole transaction inside push(), a
 * body larger than a BDAT chunk waits for the chunk before it, and the RSET after a failed transaction.
 */
typedef struct smtp_batch_run smtp_batch_run;

smtp_batch_run *smtp_batch_run_new(smtp_session *s);   /* NULL when out of memory */
/* Items still in flight become UNKNOWN (end of data sent) or NOT_SENT. */
void smtp_batch_run_free(smtp_batch_run *r);
/* Whether push(item) can be called now: the connection is good and, for a pipelined item, the window has
 * room; an item that cannot be pipelined needs nothing in flight. */
int smtp_batch_run_can_push(const smtp_batch_run *r, const smtp_batch_item *item);
smtp_status smtp_batch_run_push(smtp_batch_run *r, smtp_batch_item *item);
smtp_status smtp_batch_run_flush(smtp_batch_run *r);
/* Whether replies are awaited (flush() first when output is queued: smtp_batch_run_queued). */
int smtp_batch_run_waiting(const smtp_batch_run *r);
int smtp_batch_run_queued(const smtp_batch_run *r);
smtp_status smtp_batch_run_collect(smtp_batch_run *r, int nonblocking);
/* When the reply waited for times out, on the transport's clock. */
int64_t smtp_batch_run_deadline(const smtp_batch_run *r);
/* SMTP_OK while the connection is good, else the error that ended it. */
smtp_status smtp_batch_run_status(const smtp_batch_run *r);
/* Bytes read but not parsed yet: collect() before waiting for the socket. */
int smtp_batch_run_has_input(const smtp_batch_run *r);

smtp_status smtp_session_rset(smtp_session *s);
smtp_status smtp_session_noop(smtp_session *s);
/* QUIT and wait for its reply; the connection is then to be closed by the caller. */
smtp_status smtp_session_quit(smtp_session *s);
/* The two halves of smtp_session_quit(), for closing several connections in one round trip: write QUIT
 * on each (send), then read each reply (reply). After either fails, or after reply, the session is no
 * longer usable and the connection is to be closed. */
smtp_status smtp_session_quit_send(smtp_session *s);
smtp_status smtp_session_quit_reply(smtp_session *s);

/*
 * Give the session up from inside a callback (the logger): from now on nothing is written, so an end of
 * data not yet sent never is and that transaction cannot be delivered; the operation under way fails
 * with SMTP_ERR_STATE at its next write and the connection is to be closed. Replies to what was already
 * written are still read while nothing new must be written first, so a transaction whose end of data
 * was sent gets its outcome.
 */
void smtp_session_abort(smtp_session *s);

/* The server's "host:port", which every error message names with the step (" (host:port, at EHLO)"),
 * and how long its greeting may take (0: the command timeout). */
void smtp_session_set_peer(smtp_session *s, const char *peer, int greeting_ms);
/* The "host:port" given to smtp_session_set_peer() ("" when none). */
const char *smtp_session_peer(const smtp_session *s);
/* The step the session was at when the last error happened ("the greeting", "EHLO", "MAIL FROM", ...). */
const char *smtp_session_step(const smtp_session *s);
int smtp_session_aborted(const smtp_session *s);

/* How many bytes the server has sent on this session. A caller that sees a send fail on a connection it
 * reused, with this unchanged, knows the server closed it before answering anything of that send. */
uint64_t smtp_session_bytes_received(const smtp_session *s);
/*
 * A batch's window over CHUNKING (transactions in flight at once): 0 is the full window; after a
 * connection was lost with messages in flight it is 1, and grows back by one every few messages accepted
 * (batch.c). A caller that opens a new connection hands the last session's value to the new one, so that
 * a server that drops connections gets fewer messages whose outcome a drop leaves unknown.
 */
void smtp_session_set_batch_window(smtp_session *s, int window);
int smtp_session_batch_window(const smtp_session *s);

/*
 * After smtp_session_send() failed: whether the server is known not to have the message, so that it may
 * be sent once more on a new connection. True for a 421 before the reply to the end of data (the server
 * processes nothing more: RFC 5321 3.8) and for a connection lost before the end of data was sent; false
 * when the end of data went out without a final reply, or the reply to it was 421 (not known).
 */
int smtp_session_not_accepted(const smtp_session *s);
/* Whether the session can still be used (no fatal error, no 421, not closed). */
int smtp_session_usable(const smtp_session *s);
const smtp_reply *smtp_session_last_reply(const smtp_session *s);
const smtp_capabilities *smtp_session_capabilities(const smtp_session *s);
/* The server reply that caused the last error (code 0 when the error was not a reply). */
const smtp_reply *smtp_session_error_reply(const smtp_session *s);
/* A message describing the last error (never containing credentials). */
const char *smtp_session_error(const smtp_session *s);
/* Whether the last error is transient: a 4xx reply, a drop, a timeout. */
int smtp_session_error_transient(const smtp_session *s);

#ifdef __cplusplus
}
#endif

#endif
