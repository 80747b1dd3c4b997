/*
 * fetch.c - one request of the device: the transfer, the redirects it
 * follows (each new host looked up at the configured DNS servers and
 * pinned), and the TFTP read without options after a "tsize 0".
 *
 * Ownership: a fetch owns the URL of its current transfer and its host,
 * its transfer or lookup in flight; the strings of the request are the
 * caller's (fetch.h).  A fetch is freed only after its done callback
 * returned or by fetch_cancel(); the callback runs from an xfer or dns
 * callback, never from inside libcurl or c-ares.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ares.h>
#include <curl/curl.h>

#include "dns.h"
#include "fetch.h"
#include "util.h"
#include "verdict.h"

/* A DNS name is at most 253 octets: longer hosts are not looked up. */
#define HOST_NAME_LIMIT		253
/* "host:port:address:port" for CURLOPT_CONNECT_TO; the configured host
 * may be 255 bytes. */
#define PIN_MAX			(256 + DNS_ADDR_MAX + 32)

struct fetch {
	struct loop		*loop;
	struct xfer_engine	*xe;
	struct fetch_request	 req;		/* strings: the caller's */
	fetch_done_cb		 cb;
	void			*cbarg;
	struct xfer		*x;		/* in flight, or NULL */
	struct dns_lookup	*dns;		/* in flight, or NULL */
	char			*first_url;	/* owned */
	char			*url;		/* owned: the current transfer */
	char			*host;		/* owned: its host, no [] */
	unsigned		 port;		/* its port */
	char			 address[DNS_ADDR_MAX];	/* "": no pin */
	int			 redirects;
	int			 tftp_again;
	enum fetch_creds	 creds;
	/* Why it ended, for finish(): valid until the callback returns. */
	const char		*tried;		/* a failed lookup's servers */
	const char		*why;		/* an unusable address */
	int			 local_errno;
	int			 first_connected;
	double			 first_connect_ms, first_appconnect_ms;
	uint64_t		 started;	/* loop_clock_ms() */
};

static void	on_xfer(const struct xfer_result *, void *);

static void
fetch_free(struct fetch *f)
{
	xfer_cancel(f->x);
	dns_lookup_cancel(f->dns);
	free(f->first_url);
	free(f->url);
	free(f->host);
	free(f);
}

void
fetch_cancel(struct fetch *f)
{
	if (f != NULL)
		fetch_free(f);
}

static int
is_address(const char *host)
{
	unsigned char bin[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, bin) == 1 ||
	    inet_pton(AF_INET6, host, bin) == 1;
}

/* "[::1]" -> "::1" */
static void
unbracket(char *h)
{
	size_t n = h != NULL ? strlen(h) : 0;

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		memmove(h, h + 1, n - 2);
		h[n - 2] = '\0';
	}
}

/*
 * Take url apart with libcurl's URL API: its scheme (into scheme, cut
 * to schemelen), host (malloc'd, IPv6 without brackets) and port (the
 * scheme's default if none).  The URL, without any user or password it
 * carries, replaces *clean (malloc'd).  -1 if libcurl cannot parse it.
 */
static int
split_url(const char *url, char *scheme, size_t schemelen, char **host,
    unsigned *port, char **clean)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL;
	int rc = -1;

	if (u != NULL &&
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, clean, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK)
			p = NULL;
		strlcpy(scheme, s, schemelen);
		*port = p != NULL ? (unsigned)strtoul(p, NULL, 10) : 0;
		*host = strdup(h);
		unbracket(*host);
		rc = *host == NULL ? -1 : 0;
	}
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

static unsigned
remaining_ms(const struct fetch *f)
{
	uint64_t spent = loop_clock_ms() - f->started;

	return spent + 1 >= f->req.rq.timeout_ms ? 1 :
	    (unsigned)(f->req.rq.timeout_ms - spent);
}

/* Credentials only for the configured host (any port, http or https). */
static enum fetch_creds
creds_for(const struct fetch *f)
{
	if (f->req.rq.user == NULL || f->req.rq.tftp)
		return CREDS_NONE;
	return strcasecmp(f->host, f->req.host) == 0 ? CREDS_SENT :
	    CREDS_WITHHELD;
}

/* Start the transfer of f->url, pinned to f->address if it has one. */
static int
hop_start(struct fetch *f)
{
	struct xfer_request rq = f->req.rq;
	char pin[PIN_MAX];

	rq.url = f->url;
	rq.timeout_ms = remaining_ms(f);
	rq.pin = NULL;
	if (!rq.tftp && f->address[0] != '\0' && !is_address(f->host)) {
		snprintf(pin, sizeof(pin), strchr(f->address, ':') ?
		    "%s:%u:[%s]:%u" : "%s:%u:%s:%u", f->host, f->port,
		    f->address, f->port);
		rq.pin = pin;
	}
	f->creds = creds_for(f);
	if (f->creds != CREDS_SENT) {
		rq.user = NULL;
		rq.password = NULL;
	}
	/* Only the first request opens the connection under test afresh. */
	rq.fresh_connect = rq.fresh_connect && f->redirects == 0 &&
	    !f->tftp_again;
	rq.tftp_no_options = f->tftp_again;
	f->x = xfer_start(f->xe, &rq, on_xfer, f);
	return f->x == NULL ? -1 : 0;
}

/* The end: hand the result to the owner, then free the fetch. */
static void
finish(struct fetch *f, enum fetch_end end, const struct xfer_result *x,
    const char *location, int dns_status)
{
	struct fetch_result r;

	memset(&r, 0, sizeof(r));
	r.end = end;
	r.x = x;
	r.redirects = f->redirects;
	r.url = f->url != NULL ? f->url : "";
	r.first_url = f->first_url;
	r.location = location;
	r.host = f->host;
	r.address = f->address;
	r.dns_status = dns_status;
	r.tried = f->tried != NULL ? f->tried : "";
	r.why = f->why != NULL ? f->why : "";
	r.local_errno = f->local_errno;
	r.creds = f->creds;
	r.tftp_again = f->tftp_again;
	r.first_connected = f->first_connected;
	r.first_connect_ms = f->first_connect_ms;
	r.first_appconnect_ms = f->first_appconnect_ms;
	r.total_ms = (double)(loop_clock_ms() - f->started);
	f->cb(&r, f->cbarg);
	fetch_free(f);
}

/* The next request could not even start here (descriptors, memory). */
static void
cannot_run(struct fetch *f, int err)
{
	f->local_errno = err != 0 ? err : ENOMEM;
	finish(f, FETCH_CANNOT_RUN, NULL, f->url, 0);
}

/* Connect to f->address, unless the device could not. */
static void
hop_to_address(struct fetch *f)
{
	f->why = verdict_unusable_address(f->address, f->req.allow_loopback);
	if (f->why != NULL) {
		finish(f, FETCH_REDIRECT_UNUSABLE, NULL, f->url, 0);
		return;
	}
	errno = 0;
	if (hop_start(f) == -1)
		cannot_run(f, errno);
}

static void
on_lookup(int status, const char *address, const char *tried, void *arg)
{
	struct fetch *f = arg;

	f->dns = NULL;		/* freed by dns.c when we return */
	if (status == DNS_NO_DESCRIPTORS) {
		cannot_run(f, EMFILE);
		return;
	}
	if (status != ARES_SUCCESS) {
		f->tried = tried;
		finish(f, FETCH_REDIRECT_LOOKUP, NULL, f->url, status);
		return;
	}
	strlcpy(f->address, address, sizeof(f->address));
	hop_to_address(f);
}

/* Where the next request goes: the address of the new host. */
static void
resolve_hop(struct fetch *f, const char *old_host)
{
	if (strcasecmp(f->host, f->req.host) == 0) {
		/* The configured host: its address passed the dns step. */
		strlcpy(f->address, f->req.address, sizeof(f->address));
	} else if (is_address(f->host)) {
		strlcpy(f->address, f->host, sizeof(f->address));
		hop_to_address(f);
		return;
	} else if (strlen(f->host) > HOST_NAME_LIMIT) {
		finish(f, FETCH_REDIRECT_LOOKUP, NULL, f->url, ARES_EBADNAME);
		return;
	} else if (old_host == NULL || strcasecmp(f->host, old_host) != 0) {
		f->address[0] = '\0';
		errno = 0;
		f->dns = dns_lookup_start(f->loop, f->host,
		    f->req.dns_servers, remaining_ms(f), on_lookup, f);
		if (f->dns != NULL)
			return;
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			cannot_run(f, errno);
		else
			finish(f, FETCH_REDIRECT_LOOKUP, NULL, f->url,
			    FETCH_DNS_UNUSABLE);
		return;
	}
	errno = 0;
	if (hop_start(f) == -1)
		cannot_run(f, errno);
}

/* A 3xx with a Location: follow it, or say why not. */
static void
follow(struct fetch *f, const struct xfer_result *x)
{
	char scheme[16], *host = NULL, *clean = NULL, *old_host;
	unsigned port = 0;

	if (f->redirects >= FETCH_MAX_REDIRECTS) {
		finish(f, FETCH_TOO_MANY_REDIRECTS, x, x->redirect_url, 0);
		return;
	}
	if (split_url(x->redirect_url, scheme, sizeof(scheme), &host, &port,
	    &clean) == -1 || (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0) || host[0] == '\0') {
		free(host);
		curl_free(clean);
		finish(f, FETCH_REDIRECT_SCHEME, x, x->redirect_url, 0);
		return;
	}
	free(f->url);
	f->url = strdup(clean);
	curl_free(clean);
	old_host = f->host;
	f->host = host;
	f->port = port;
	f->redirects++;
	if (f->url == NULL) {
		free(old_host);
		f->url = strdup(x->redirect_url);	/* may fail: "" below */
		cannot_run(f, ENOMEM);
		return;
	}
	resolve_hop(f, old_host);
	free(old_host);
}

static int
is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}

static void
on_xfer(const struct xfer_result *x, void *arg)
{
	struct fetch *f = arg;

	f->x = NULL;		/* freed by xfer.c when we return */
	if (f->redirects == 0 && !f->tftp_again) {
		f->first_connected = x->connected;
		f->first_connect_ms = x->connect_ms;
		f->first_appconnect_ms = x->appconnect_ms;
	}
	if (f->req.rq.tftp && x->rc == CURLE_TFTP_ILLEGAL &&
	    x->tftp_tsize_zero && !f->tftp_again) {
		f->tftp_again = 1;
		if (hop_start(f) == 0)
			return;
	}
	if (!f->req.rq.tftp && is_redirect(x->status) &&
	    x->redirect_url != NULL) {
		follow(f, x);
		return;
	}
	finish(f, FETCH_ENDED, x, NULL, 0);
}

struct fetch *
fetch_start(struct loop *l, struct xfer_engine *xe,
    const struct fetch_request *req, fetch_done_cb cb, void *arg)
{
	struct fetch *f;
	char scheme[16], *clean = NULL;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->loop = l;
	f->xe = xe;
	f->req = *req;
	f->cb = cb;
	f->cbarg = arg;
	f->started = loop_clock_ms();
	strlcpy(f->address, req->address, sizeof(f->address));
	if ((f->first_url = strdup(req->rq.url)) == NULL ||
	    (f->url = strdup(req->rq.url)) == NULL ||
	    split_url(req->rq.url, scheme, sizeof(scheme), &f->host, &f->port,
	    &clean) == -1 || hop_start(f) == -1) {
		curl_free(clean);
		fetch_free(f);
		return NULL;
	}
	curl_free(clean);
	return f;
}
