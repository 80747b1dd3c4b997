/*
 * xfer.h - libcurl transfers on the loop: the multi handle, its sockets
 * and its timer, and one struct xfer per transfer.  Knows nothing of the
 * device's steps or codes: it says how a transfer ended (struct
 * xfer_result) and the probe decides what that means.  It follows no
 * redirect: fetch.c does, with a lookup of its own for each new host.
 */
#ifndef UPDPROBE_XFER_H
#define UPDPROBE_XFER_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "loop.h"

/* All response headers of one response; real servers send about 1 KiB. */
#define XFER_HEADER_MAX		(64 * 1024)
/* All headers of a transfer: 100-continue storms, 401 + retry. */
#define XFER_HEADER_MAX_ALL	(256 * 1024)
/* A Content-Type kept for a warning; longer ones are cut. */
#define XFER_CTYPE_MAX		64
/* The authentication schemes a 401 offered, "Negotiate, NTLM". */
#define XFER_CHALLENGES_MAX	64
/* A TFTP server's error message, as much as a detail can quote. */
#define XFER_TFTP_MSG_MAX	96

struct xfer_engine;
struct xfer;

/* Why a transfer was stopped from our side (a write callback said no). */
enum xfer_stop {
	XFER_STOP_NONE = 0,
	XFER_STOP_ENOUGH,	/* the bytes kept are all the caller needs */
	XFER_STOP_LIMIT,	/* more body than the request's limit */
	XFER_STOP_HEADERS	/* more headers than XFER_HEADER_MAX(_ALL) */
};

/* What to fetch and how; strings are copied by xfer_start(). */
struct xfer_request {
	const char	*url;
	int		 tftp;		/* tftp:// only; else http(s):// */
	int		 tftp_no_options;	/* a read request without the
					 * tsize, blksize and timeout options */
	unsigned	 timeout_ms;	/* connect and whole transfer */
	const char	*pin;		/* CURLOPT_CONNECT_TO entry, or NULL */
	const char	*user;		/* NULL: no credentials */
	const char	*password;
	long		 auth;		/* CURLAUTH_* schemes to offer */
	int		 fresh_connect;	/* never reuse a pooled connection */
	const char	*range;		/* "0-1023", or NULL for the whole */
	int		 insecure;	/* no TLS certificate checks */
	uint64_t	 limit;		/* more body than this: STOP_LIMIT */
	size_t		 keep;		/* bytes of body kept for the caller */
	int		 stop_when_kept; /* STOP_ENOUGH once keep bytes are in
					  * and the server has more */
};

/* How a transfer ended.  Valid only during the done callback. */
struct xfer_result {
	CURLcode	 rc;
	enum xfer_stop	 stop;
	long		 status;	/* HTTP status of the last response */
	const char	*url;		/* as requested */
	const char	*errbuf;	/* libcurl's message, may be "" */
	const char	*body;		/* the first len bytes kept */
	size_t		 len;
	uint64_t	 received;	/* body bytes, also those not kept */
	int64_t		 content_length;	/* -1: not given */
	int		 has_range_total;	/* Content-Range gave a total */
	uint64_t	 range_total;
	int		 all_headers_cap;	/* STOP_HEADERS: the transfer's
						 * cap, not one response's */
	int		 connected;	/* HTTP: a connection (TLS included)
					 * was made or reused for the request */
	double		 connect_ms;	/* 0: no new connection */
	double		 appconnect_ms;	/* TLS handshake done, 0: none */
	double		 total_ms;
	long		 auth_avail;	/* CURLAUTH_* the server offered */
	long		 os_errno;	/* errno of a failed connect, or 0 */
	const char	*redirect_url;	/* a 3xx's Location made absolute,
					 * or NULL; never followed here */
	const char	*content_type;	/* of the last response, printable
					 * ASCII; "" when none */
	const char	*challenges;	/* the schemes of the last response's
					 * WWW-Authenticate headers, "Basic,
					 * Digest"; "" when none */
	const char	*tftp_message;	/* the text of a TFTP ERROR, "" */
	int		 tftp_tsize_zero;	/* libcurl refused an OACK
						 * with "tsize 0" (RFC 2349: an
						 * empty file) */
};

/*
 * Called once per transfer, from the loop (never from inside libcurl);
 * the transfer is freed when the callback returns.  The callback may
 * start other transfers.
 */
typedef void	(*xfer_done_cb)(const struct xfer_result *, void *arg);

/*
 * libcurl's global set-up, once per process: its memory goes through
 * functions that wipe every block it frees, so the copies it makes of a
 * password (the option, the Basic and Digest headers) do not linger in
 * the heap.
 */
int		 xfer_global_init(void);

struct xfer_engine *xfer_engine_new(struct loop *);
/* Every transfer must have ended or been cancelled before. */
void		 xfer_engine_free(struct xfer_engine *);

/* NULL when out of memory or libcurl refuses the request. */
struct xfer	*xfer_start(struct xfer_engine *, const struct xfer_request *,
		    xfer_done_cb, void *arg);
/* Stop a running transfer without calling its callback. */
void		 xfer_cancel(struct xfer *);

#endif
