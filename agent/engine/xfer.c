/*
 * xfer.c - libcurl's multi interface on the loop.
 *
 * Ownership: the engine owns the multi handle; a struct xfer owns its
 * easy handle, its CONNECT_TO list, its copies of the request's strings
 * and its body buffer.  A transfer is freed only from the loop: after its
 * callback returned (check_multi) or by xfer_cancel(), never from inside
 * a libcurl callback.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "version.h"
#include "xfer.h"

/* Idle connections libcurl keeps for reuse, across all transfers: every
 * probe opens its own anyway, and a large pool would starve probes of
 * descriptors. */
#define IDLE_CONNECTIONS	32
/* First body buffer; it doubles up to the request's keep. */
#define FIRST_BUF		4096
/* Longest User-Agent header value. */
#define USER_AGENT_MAX		64
/* libcurl closes a pooled connection idle this long (at the next
 * transfer; the age is that transfer's setting, so every transfer has
 * it): long enough for a probe's own requests (milliseconds apart), not
 * for a connection, and the credentials it holds, to outlive its probe. */
#define CONNECTION_IDLE_S	2

struct xfer_engine {
	struct loop		*loop;
	CURLM			*multi;
	struct loop_timer	 timer;
};

struct xfer {
	struct xfer_engine	*e;
	CURL			*easy;
	struct curl_slist	*connect_to;
	xfer_done_cb		 cb;
	void			*cbarg;
	char			*url;		/* owned copies */
	char			*user, *password;
	char			*buf;		/* owned; first bytes of body */
	size_t			 len, cap, keep;
	uint64_t		 received;	/* body bytes, also beyond keep */
	uint64_t		 limit;
	int			 stop_when_kept;
	size_t			 header_bytes;	/* of the current response */
	size_t			 all_header_bytes;	/* of all responses */
	uint64_t		 range_total;
	int			 has_range_total;
	int			 connected;
	enum xfer_stop		 stop;
	char			 errbuf[CURL_ERROR_SIZE];
	char			 ctype[XFER_CTYPE_MAX];
	char			 challenges[XFER_CHALLENGES_MAX];
	char			 tftp_msg[XFER_TFTP_MSG_MAX];
	int			 tftp_tsize_zero;
};

static void
xfer_free(struct xfer *x)
{
	if (x->easy != NULL) {
		curl_multi_remove_handle(x->e->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->connect_to);
	free(x->url);
	free(x->user);
	if (x->password != NULL) {
		explicit_bzero(x->password, strlen(x->password));
		free(x->password);
	}
	free(x->buf);
	free(x);
}

void
xfer_cancel(struct xfer *x)
{
	if (x != NULL)
		xfer_free(x);
}

/* libcurl's memory: every block is wiped when it is given back. */

static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void *
wipe_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		wipe_free(p);
		return NULL;
	}
	if ((q = malloc(n)) == NULL)
		return NULL;
	old = malloc_usable_size(p);
	memcpy(q, p, old < n ? old : n);
	wipe_free(p);
	return q;
}

static char *
wipe_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

int
xfer_global_init(void)
{
	return curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, wipe_free,
	    wipe_realloc, wipe_strdup, calloc) == CURLE_OK ? 0 : -1;
}

/* Header and body callbacks: libcurl calls them from inside the multi. */

static void
parse_content_range(struct xfer *x, const char *v, size_t len)
{
	unsigned long long a, b, total;
	char tmp[128];

	snprintf(tmp, sizeof(tmp), "%.*s", (int)len, v);
	if (sscanf(tmp, " bytes %llu-%llu/%llu", &a, &b, &total) == 3 ||
	    sscanf(tmp, " bytes */%llu", &total) == 1) {
		x->range_total = total;
		x->has_range_total = 1;
	}
}

/*
 * Copy a header value (or a message) as printable ASCII, blanks at both
 * ends dropped, cut to the buffer; anything else becomes '?'.
 */
static void
printable_copy(char *dst, size_t dstlen, const char *v, size_t len)
{
	size_t n = 0;

	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && (unsigned char)v[len - 1] <= ' ')
		len--;
	for (; n < len && n + 1 < dstlen; n++)
		dst[n] = (v[n] >= 0x20 && v[n] < 0x7f) ? v[n] : '?';
	if (dstlen > 0)
		dst[n] = '\0';
}

static int
is_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* Append scheme s (n bytes) to the list, once; a full list stays as is. */
static void
add_scheme(char *list, size_t size, const char *s, size_t n)
{
	size_t used = strlen(list), i, k;

	for (i = 0; i < used; i = k + 2) {
		for (k = i; k < used && list[k] != ','; k++)
			;
		if (k - i == n && strncasecmp(list + i, s, n) == 0)
			return;
	}
	if (used + n + 3 > size)
		return;
	snprintf(list + used, size - used, "%s%.*s", used ? ", " : "", (int)n,
	    s);
}

/*
 * The schemes of one WWW-Authenticate value: each comma-separated item
 * that starts with a token followed by a blank or the end is a scheme
 * ("Digest realm=..., nonce=..." gives Digest; the parameters contain
 * '=' or quotes and are skipped).
 */
static void
parse_challenges(struct xfer *x, const char *v, size_t len)
{
	const char *end = v + len, *item, *t;

	for (item = v; item < end; item = t + 1) {
		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		for (t = item; t < end && is_token_char(*t); t++)
			;
		if (t > item && (t == end || *t == ' ' || *t == '\t' ||
		    *t == ',' || *t == '\r' || *t == '\n'))
			add_scheme(x->challenges, sizeof(x->challenges), item,
			    (size_t)(t - item));
		while (t < end && *t != ',')
			t++;
	}
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	int status_line = len > 5 && strncmp(data, "HTTP/", 5) == 0;

	if (status_line) {
		/* A new response (after a 100, a 401 or a redirect). */
		x->header_bytes = 0;
		x->has_range_total = 0;
		x->ctype[0] = '\0';
		x->challenges[0] = '\0';
	}
	x->header_bytes += len;
	x->all_header_bytes += len;
	if (x->header_bytes > XFER_HEADER_MAX ||
	    x->all_header_bytes > XFER_HEADER_MAX_ALL) {
		x->stop = XFER_STOP_HEADERS;
		return 0;
	}
	if (status_line)
		return len;
	if (len > 14 && strncasecmp(data, "Content-Range:", 14) == 0)
		parse_content_range(x, data + 14, len - 14);
	else if (len > 13 && strncasecmp(data, "Content-Type:", 13) == 0)
		printable_copy(x->ctype, sizeof(x->ctype), data + 13, len - 13);
	else if (len > 17 && strncasecmp(data, "WWW-Authenticate:", 17) == 0)
		parse_challenges(x, data + 17, len - 17);
	return len;
}

/* The headers promise more body than has been read. */
static int
body_unread(struct xfer *x)
{
	curl_off_t cl = -1;

	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (cl >= 0)
		return x->received < (uint64_t)cl;
	return x->has_range_total;
}

/* Body buffers start small and grow up to the bytes kept. */
static int
grow(struct xfer *x, size_t more)
{
	size_t cap = x->cap ? x->cap : (x->keep < FIRST_BUF ? x->keep :
	    FIRST_BUF);
	char *n;

	while (cap - x->len < more && cap < x->keep)
		cap = cap > x->keep / 2 ? x->keep : cap * 2;
	if (cap == x->cap)
		return 0;
	if ((n = realloc(x->buf, cap)) == NULL)
		return -1;
	x->buf = n;
	x->cap = cap;
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n, room;

	if (x->cap - x->len < len && x->cap < x->keep)
		(void)grow(x, len);	/* short of memory: keep fewer */
	room = x->cap - x->len;
	if (len < room)
		room = len;
	if (room > 0)
		memcpy(x->buf + x->len, data, room);
	x->len += room;
	x->received += len;
	if (x->received > x->limit) {
		x->stop = XFER_STOP_LIMIT;
		return 0;
	}
	/* Enough is kept; stop a server that ignored the range, but let a
	 * complete 206 end by itself so that its connection can be reused. */
	if (x->stop_when_kept && x->len == x->keep && body_unread(x)) {
		x->stop = XFER_STOP_ENOUGH;
		return 0;
	}
	return len;
}

/* A connection (TLS included) is there, new or reused: the request
 * is about to be sent. */
static int
on_prereq(void *arg, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct xfer *x = arg;

	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	x->connected = 1;
	return CURL_PREREQFUNC_OK;
}

/*
 * TFTP only: libcurl tells a server's ERROR message and why it refused
 * an OACK only in its verbose text (tftp.c: "TFTP error: %s", "invalid
 * tsize -:%s:- value in OACK packet").
 */
static int
on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	static const char err[] = "TFTP error: ", tsize[] = "invalid tsize ";
	struct xfer *x = arg;

	(void)c;
	if (type != CURLINFO_TEXT)
		return 0;
	if (size > sizeof(err) - 1 && memcmp(data, err, sizeof(err) - 1) == 0)
		printable_copy(x->tftp_msg, sizeof(x->tftp_msg),
		    data + sizeof(err) - 1, size - (sizeof(err) - 1));
	else if (size > sizeof(tsize) - 1 &&
	    memcmp(data, tsize, sizeof(tsize) - 1) == 0)
		x->tftp_tsize_zero = 1;
	return 0;
}

static void
setup_tftp(struct xfer *x, const struct xfer_request *rq)
{
	curl_easy_setopt(x->easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(x->easy, CURLOPT_DEBUGDATA, x);
	if (rq->tftp_no_options)
		curl_easy_setopt(x->easy, CURLOPT_TFTP_NO_OPTIONS, 1L);
}

/* Starting a transfer. */

static int
set_credentials(struct xfer *x, const struct xfer_request *rq)
{
	if (rq->user == NULL)
		return 0;
	if ((x->user = strdup(rq->user)) == NULL ||
	    (x->password = strdup(rq->password ? rq->password : "")) == NULL)
		return -1;
	curl_easy_setopt(x->easy, CURLOPT_USERNAME, x->user);
	curl_easy_setopt(x->easy, CURLOPT_PASSWORD, x->password);
	curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, rq->auth);
	return 0;
}

static int
setup(struct xfer *x, const struct xfer_request *rq)
{
	static char user_agent[USER_AGENT_MAX];
	CURL *c;

	if (user_agent[0] == '\0')
		snprintf(user_agent, sizeof(user_agent), "updprobe/%s",
		    updprobe_version);
	if ((x->url = strdup(rq->url)) == NULL ||
	    (x->easy = c = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, x->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)rq->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)rq->timeout_ms);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, rq->tftp ? "tftp" :
	    "http,https");
	/* Redirects are fetch.c's: each new host is looked up there. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, x);
	curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent);
	curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, (long)CONNECTION_IDLE_S);
	if (rq->tftp)
		setup_tftp(x, rq);
	if (rq->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (rq->fresh_connect)
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
	if (rq->range != NULL)
		curl_easy_setopt(c, CURLOPT_RANGE, rq->range);
	if (rq->pin != NULL) {
		if ((x->connect_to = curl_slist_append(NULL, rq->pin)) == NULL)
			return -1;
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, x->connect_to);
	}
	return set_credentials(x, rq);
}

struct xfer *
xfer_start(struct xfer_engine *e, const struct xfer_request *rq,
    xfer_done_cb cb, void *arg)
{
	struct xfer *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->e = e;
	x->cb = cb;
	x->cbarg = arg;
	x->keep = rq->keep;
	x->limit = rq->limit;
	x->stop_when_kept = rq->stop_when_kept;
	if ((x->keep > 0 && grow(x, 1) == -1) || setup(x, rq) == -1 ||
	    curl_multi_add_handle(e->multi, x->easy) != CURLM_OK) {
		xfer_free(x);
		return NULL;
	}
	return x;
}

/* The end of a transfer. */

static double
info_ms(CURL *c, CURLINFO what)
{
	curl_off_t us = 0;

	curl_easy_getinfo(c, what, &us);
	return (double)us / 1000.0;
}

static void
finish(struct xfer *x, CURLcode rc)
{
	struct xfer_result r;
	curl_off_t cl = -1;

	memset(&r, 0, sizeof(r));
	r.rc = rc;
	r.stop = x->stop;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r.status);
	r.url = x->url;
	r.errbuf = x->errbuf;
	r.body = x->buf;
	r.len = x->len;
	r.received = x->received;
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	r.content_length = cl;
	r.has_range_total = x->has_range_total;
	r.range_total = x->range_total;
	r.all_headers_cap = x->header_bytes <= XFER_HEADER_MAX;
	r.connected = x->connected;
	r.content_type = x->ctype;
	r.challenges = x->challenges;
	r.tftp_message = x->tftp_msg;
	r.tftp_tsize_zero = x->tftp_tsize_zero;
	r.connect_ms = info_ms(x->easy, CURLINFO_CONNECT_TIME_T);
	r.appconnect_ms = info_ms(x->easy, CURLINFO_APPCONNECT_TIME_T);
	r.total_ms = info_ms(x->easy, CURLINFO_TOTAL_TIME_T);
	curl_easy_getinfo(x->easy, CURLINFO_HTTPAUTH_AVAIL, &r.auth_avail);
	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &r.os_errno);
	if (r.status >= 300 && r.status < 400)
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL,
		    &r.redirect_url);
	x->cb(&r, x->cbarg);
	xfer_free(x);
}

static void
check_multi(struct xfer_engine *e)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x != NULL)
			finish(x, m->data.result);
	}
}

/* libcurl's sockets and timer on the loop. */

static void
on_io(int fd, int events, void *arg)
{
	struct xfer_engine *e = arg;
	int running, flags = 0;

	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	if (events & LOOP_ERROR)
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(e->multi, fd, flags, &running);
	check_multi(e);
}

static void
on_timer(void *arg)
{
	struct xfer_engine *e = arg;
	int running;

	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi(e);
}

static int
socket_cb(CURL *c, curl_socket_t s, int what, void *userp, void *sockp)
{
	struct xfer_engine *e = userp;
	int ev = 0;

	(void)c;
	(void)sockp;
	if (what == CURL_POLL_REMOVE) {
		loop_unwatch(e->loop, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= LOOP_READ;
	if (what & CURL_POLL_OUT)
		ev |= LOOP_WRITE;
	return loop_watch(e->loop, s, ev, on_io, e) == -1 ? -1 : 0;
}

static int
timer_cb(CURLM *m, long ms, void *userp)
{
	struct xfer_engine *e = userp;

	(void)m;
	if (ms < 0)
		loop_timer_clear(e->loop, &e->timer);
	else
		loop_timer_set(e->loop, &e->timer, (uint64_t)ms);
	return 0;
}

struct xfer_engine *
xfer_engine_new(struct loop *l)
{
	struct xfer_engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->loop = l;
	if (loop_timer_init(l, &e->timer, on_timer, e) == -1) {
		free(e);
		return NULL;
	}
	if ((e->multi = curl_multi_init()) == NULL) {
		loop_timer_fini(l, &e->timer);
		free(e);
		return NULL;
	}
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)IDLE_CONNECTIONS);
	return e;
}

void
xfer_engine_free(struct xfer_engine *e)
{
	if (e == NULL)
		return;
	curl_multi_cleanup(e->multi);
	loop_timer_fini(e->loop, &e->timer);
	free(e);
}
