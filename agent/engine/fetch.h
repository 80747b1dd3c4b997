/*
 * fetch.h - one request as the device makes it: a transfer (xfer.c) and
 * every redirect it follows, each new host looked up at the base
 * stations' DNS servers (dns.c) and the connection pinned to the address
 * found, as the device resolves every host it is sent to itself.
 *
 * - Redirects: 301, 302, 303, 307 and 308 with a Location, at most
 *   FETCH_MAX_REDIRECTS, to http:// and https:// only.
 * - Credentials go only to the configured host (any port or scheme of
 *   it), never to another host a redirect names.
 * - The whole request, lookups and redirects included, is bounded by
 *   the request's timeout (as libcurl bounds a transfer that follows
 *   redirects itself).
 * - TFTP: libcurl refuses an OACK with "tsize 0" (an empty file, RFC 2349;
 *   tftpd-hpa and dnsmasq send it) with error 71; the read request is
 *   then made once more without options, as a client that asks for none
 *   reads the empty file.
 *
 * Knows nothing of the device's steps or codes: verdict.c decides what
 * the end of a fetch means.
 */
#ifndef UPDPROBE_FETCH_H
#define UPDPROBE_FETCH_H

#include "loop.h"
#include "xfer.h"

/* Redirects followed before calling it a loop (the device gives up too). */
#define FETCH_MAX_REDIRECTS	8
/* dns_status when the DNS servers could not even be asked (or no
 * memory to ask them). */
#define FETCH_DNS_UNUSABLE	(-1)

struct fetch;

/* What the request is and where it may go.  The strings must stay valid
 * until the fetch ends or is cancelled (the probe owns them). */
struct fetch_request {
	struct xfer_request	 rq;	/* the first transfer (rq.pin unused:
					 * fetch.c pins every hop) */
	const char		*host;	/* the configured host */
	const char		*address;	/* its address (the dns step) */
	const char		*dns_servers;	/* for a redirect's new host */
	int			 allow_loopback;	/* a redirect's host may
						 * resolve to loopback */
};

/* How a fetch ended, besides the last transfer's own result. */
enum fetch_end {
	FETCH_ENDED = 0,		/* the last transfer says how */
	FETCH_TOO_MANY_REDIRECTS,	/* one more than the cap */
	FETCH_REDIRECT_SCHEME,		/* to a scheme other than http(s) */
	FETCH_REDIRECT_LOOKUP,		/* the new host did not resolve */
	FETCH_REDIRECT_UNUSABLE,	/* the new host is an address the
					 * device cannot connect to (why) */
	FETCH_CANNOT_RUN		/* no descriptor or memory here for
					 * the next step (local_errno): says
					 * nothing of the server */
};

/* Whether the last transfer carried the configured credentials. */
enum fetch_creds {
	CREDS_NONE = 0,		/* none configured */
	CREDS_SENT,		/* offered to the configured host */
	CREDS_WITHHELD		/* another host: not sent */
};

/* Valid only during the done callback. */
struct fetch_result {
	enum fetch_end		 end;
	const struct xfer_result *x;	/* the last transfer; NULL for
					 * FETCH_REDIRECT_LOOKUP, _UNUSABLE
					 * and FETCH_CANNOT_RUN */
	int			 redirects;	/* followed */
	const char		*url;		/* of the last transfer, or of
					 * the redirect that failed */
	const char		*first_url;	/* as requested */
	const char		*location;	/* FETCH_REDIRECT_*: where to */
	const char		*host;		/* of the last transfer or of
					 * the failed lookup */
	const char		*address;	/* the last transfer's, or "" */
	int			 dns_status;	/* FETCH_REDIRECT_LOOKUP */
	const char		*tried;		/* FETCH_REDIRECT_LOOKUP: what
						 * each DNS server did, or "" */
	const char		*why;		/* FETCH_REDIRECT_UNUSABLE */
	int			 local_errno;	/* FETCH_CANNOT_RUN */
	enum fetch_creds	 creds;
	int			 tftp_again;	/* read again without options */
	/* The first transfer's connection (the connect step's). */
	int			 first_connected;
	double			 first_connect_ms, first_appconnect_ms;
	double			 total_ms;	/* the whole fetch */
};

typedef void	(*fetch_done_cb)(const struct fetch_result *, void *arg);

/*
 * Start a fetch; the callback comes once, from the loop (never from
 * inside libcurl or c-ares), and the fetch is freed when it returns.
 * NULL when out of memory or the URL is refused.
 */
struct fetch	*fetch_start(struct loop *, struct xfer_engine *,
		    const struct fetch_request *, fetch_done_cb, void *arg);
/* Stop a fetch without calling its callback. */
void		 fetch_cancel(struct fetch *);

#endif
