/*
 * session_internal.h - what the files of one SMTP session share: the session's state and the few
 * functions one file offers the others. Not part of the core's interface (smtp_core.h).
 *
 *   wire.c         errors, the transcript, queueing commands, reading replies under a deadline
 *   session.c      the session's life: create, settings, greeting/EHLO/STARTTLS, RSET/NOOP/QUIT
 *   session_auth.c AUTH (RFC 4954): choosing a mechanism, the challenge rounds, redaction
 *   envelope.c     MAIL FROM and RCPT TO lines with their parameters (SIZE, BODY, DSN, xtext)
 *   transaction.c  one mail transaction: pipelined envelope, DATA or BDAT body, its result
 *   batch.c        many transactions on one connection, pipelined
 */
#ifndef SMTP_SESSION_INTERNAL_H
#define SMTP_SESSION_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_internal.h"
#include "smtp_mime.h"

#define OUT_FLUSH_AT (64 * 1024)   /* DATA: write once this much body is queued */
#define BDAT_CHUNK (256 * 1024)    /* CHUNKING: bytes per BDAT command */

struct smtp_session {
	smtp_transport t;
	uint64_t bytes_in;           /* bytes read from the server, ever (smtp_session_bytes_received) */
	smtp_log_fn log;
	void *log_ud;
	int command_ms;
	int data_ms;
	int want_pipelining;
	int want_chunking;

	char in[4096];              /* bytes read but not yet parsed */
	size_t in_pos, in_len;
	smtp_buf out;               /* commands and body waiting to be written */
	int out_secret;             /* out holds an AUTH line: its bytes are zeroed once written (a kept
	                             * persistent session keeps the buffer across requests) */
	smtp_buf chunk;             /* CHUNKING: the BDAT chunk being filled */

	smtp_reply_parser parser;   /* holds the last reply */
	smtp_reply error_reply;     /* the reply behind the last error */
	smtp_capabilities caps;
	int esmtp;                  /* EHLO was accepted */
	int tls_active;
	int usable;                 /* no fatal error, no 421, not closed */
	int aborted;                /* smtp_session_abort(): nothing more is written */
	int got_421;                /* a 421 ended the connection (batch: nothing after it was accepted) */
	int batch_window;           /* CHUNKING batch: transactions in flight at most (0: BATCH_WINDOW); see batch.c */
	int batch_acked;            /* messages accepted since the window last grew */
	int not_accepted;           /* the last send failed where the server cannot have the message */
	int write_failed;           /* a write failed (reset, closed): replies may still wait to be read */
	int draining;               /* reading what the server sent before it went, the session unusable */
	int greeting_ms;            /* how long the greeting may take (0: command_ms) */
	char peer[280];             /* "host:port", named in every error */
	const char *step;           /* what the session was doing: named in every error */
	int transient;
	char error[512];

	/* transactions whose replies are still to come, oldest first (more than one only in a batch) */
	struct txn *inflight;

	/* secrets to blank out of replies and the transcript while AUTH runs */
	const char *redact[3];
	size_t redact_len[3];

	smtp_nonce_fn nonce;        /* SCRAM's client nonce */
	void *nonce_ctx;

	/* a stepped batch (smtp_batch_run) may ask for replies without waiting for them */
	int nonblocking;            /* a reply not fully read yet is SMTP_AGAIN, not a wait */
	int read_budget;            /* non-blocking: transport reads still allowed (what has arrived) */
	int reading;                /* a reply is part-parsed: the next read goes on with it */
	int64_t read_deadline;      /* when the reply being read must be complete */
	int64_t last_progress;      /* when bytes last went out or a reply came in */
};

/* What one transaction has sent and is still waiting to hear about; replies come back in this order. */
typedef struct txn {
	smtp_session *s;
	const smtp_envelope *env;
	smtp_send_result *res;
	int mail_pending, mail_code;
	size_t rcpt_sent, rcpt_next, accepted;
	int data_pending, data_code;
	size_t bdat_pending;         /* BDAT replies outstanding, the LAST one included once sent */
	int last_sent;               /* the end of data is queued (or written) */
	int last_written;            /* ... and a write with it in succeeded */
	int bdat_failed;
	int final_code;
	smtp_reply first_failure;    /* the first reply that went wrong */
	int defer_flush;             /* batch: the LAST chunk may wait in the buffer for the next message */
	int rset_pending;            /* batch: an RSET went ahead of MAIL, its reply comes first */
	int needs_reset;             /* failed in a batch: RSET once nothing is in flight */
	int too_large;               /* the body reached the server's SIZE limit: the rest was never sent */
	struct txn *next;            /* in the session's in-flight list */
} txn;

/* ---- wire.c ------------------------------------------------------------------------------ */

void smtp_reply_copy(smtp_reply *dst, const smtp_reply *src);

void smtp_reply_clear(smtp_reply *r);

/* " (host:port, at STEP)" after a message, so an error says which server and which step */
void session_add_where(smtp_session *s);

smtp_status session_fail(smtp_session *s, smtp_status st, int fatal, const char *msg, const char *detail);

/* An error caused by the reply just read: message "<what>: <reply>". */
smtp_status session_fail_reply(smtp_session *s, smtp_status st, const char *what);

void session_log_line(smtp_session *s, const char *prefix, const char *line, size_t len);

/* Blank every occurrence of the secrets in text: a hostile server may echo what we sent. */
void session_redact(smtp_session *s, char *text, size_t len);

smtp_status session_flush(smtp_session *s);

/* Read one whole reply, which must be complete within timeout_ms (non-blocking: SMTP_AGAIN, see wire.c). */
smtp_status session_read_reply(smtp_session *s, int timeout_ms);

/* Queue one command line after checking it: no CR, LF or NUL, at most max_len octets with CRLF. */
smtp_status session_queue_line(smtp_session *s, const char *line, size_t len, size_t max_len, int secret);

/* Send one command and read its reply. */
smtp_status session_command(smtp_session *s, const char *line, int timeout_ms);

int session_reply_class(const smtp_session *s);

/* ---- envelope.c -------------------------------------------------------------------------- */

smtp_status envelope_mail_line(smtp_session *s, const smtp_envelope *env, smtp_buf *line);

smtp_status envelope_rcpt_line(smtp_session *s, const smtp_envelope *env, const smtp_recipient *r,
	smtp_buf *line);

/* ---- transaction.c ----------------------------------------------------------------------- */

void txn_inflight_push(smtp_session *s, txn *t);

char *smtp_strndup(const char *s, size_t len);

/* Read replies until at most keep of t's are outstanding (those of earlier transactions come first). */
smtp_status txn_settle(txn *t, size_t keep);

/* Stream the body through the encoder; in DATA mode end it with the final dot. */
smtp_status txn_stream_body(txn *t, int bdat, smtp_body_fn body_fn, void *body_ctx);

/* After a failed transaction: RSET to clear the server's state, unless the connection is already gone. */
void txn_abandon(smtp_session *s);

/* Queue MAIL and the RCPTs; without pipelining, wait for each reply. */
smtp_status txn_envelope(txn *t, int pipe, smtp_buf *line);

int txn_rcpts_refused(const txn *t);

/*
 * Turn what a finished transaction heard into its status. st is how the exchange itself went. In a
 * batch the RSET a failed transaction needs is left to the caller (later transactions are on the wire).
 */
smtp_status txn_finish(txn *t, smtp_status st, int bdat, int in_batch);

void txn_init(txn *t, smtp_session *s, const smtp_envelope *env, smtp_send_result *result);

/* What both send paths check first; fills result's arrays. */
smtp_status txn_prepare(smtp_session *s, const smtp_envelope *env, smtp_send_result *result, smtp_buf *line);

#endif
