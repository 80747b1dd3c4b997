/*
 * probe.c - the probe engine.
 *
 * A probe walks the steps of DESIGN.md section 2 one after the other; at
 * most one network operation (a c-ares query or one libcurl transfer) is
 * in flight per probe.  The first failing step decides the code.
 *
 * Ownership: the engine owns its probes (a list, for cleanup); a probe owns
 * its c-ares channel, its current transfer and the parsed DirFile.  A probe
 * is freed only from the loop (a timer or after curl_multi_socket_action()
 * returned), never from inside a c-ares or libcurl callback.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ares.h>
#include <curl/curl.h>

#include "dirfile.h"
#include "probe.h"
#include "util.h"

#ifndef UPDPROBE_VERSION
#define UPDPROBE_VERSION	"0.1"
#endif

/* Bytes of a firmware file read by default: enough to see what it is. */
#define FW_SNIFF_BYTES		1024
/* All response headers of one transfer; real servers send about 1 KiB. */
#define HEADER_MAX_BYTES	(64 * 1024)
/* Idle connections libcurl keeps for reuse, across all probes. */
#define IDLE_CONNECTIONS	32
/* First buffer of a DirFile (a real one is a few hundred bytes). */
#define DIRFILE_FIRST_BUF	4096
/* All headers of a transfer: 100-continue storms, 401 + retry, redirects. */
#define HEADER_MAX_ALL		(256 * 1024)
/* Redirects followed before calling it a loop (the device gives up too). */
#define MAX_REDIRECTS		8
/* Slack on top of the sum of step timeouts before a probe is cut off. */
#define HARD_LIMIT_SLACK_MS	2000
/* A firmware file this close to the limit earns a warning (percent). */
#define SIZE_WARN_PERCENT	90
/* TFTP servers that cut longer file names exist (the m3 wiki warns). */
#define TFTP_PATH_WARN		32
/* Bytes of a wrong firmware file quoted in the detail. */
#define EXCERPT_BYTES		24

enum xfer_kind {
	X_DIRFILE,
	X_DIRFILE_ALT,		/* the other spelling, after a 404 */
	X_FIRMWARE
};

enum xfer_stop {
	STOP_NONE = 0,
	STOP_ENOUGH,		/* we have what we need */
	STOP_LIMIT,		/* body larger than allowed */
	STOP_HEADERS		/* headers larger than allowed */
};

struct xfer {
	struct probe		*p;
	enum xfer_kind		 kind;
	CURL			*easy;
	struct curl_slist	*connect_to;
	char			*buf;		/* owned; first bytes of body */
	size_t			 len, cap;	/* cap: buffer size */
	uint64_t		 received;	/* body bytes, also beyond cap */
	uint64_t		 limit;		/* more than this: STOP_LIMIT */
	size_t			 header_bytes;	/* of the current response */
	size_t			 all_header_bytes;	/* of all responses */
	uint64_t		 range_total;	/* from Content-Range */
	int			 has_range_total;
	int			 text_type;	/* Content-Type text/... */
	enum xfer_stop		 stop;
	char			 url[PROBE_URL_MAX];
	char			 errbuf[CURL_ERROR_SIZE];
};

struct engine {
	struct loop		*loop;
	CURLM			*multi;
	struct loop_timer	 curl_timer;
	struct probe		*probes;	/* running, doubly linked */
	unsigned		 nrunning;
};

struct probe {
	struct engine		*e;
	struct probe		*next, *prev;
	struct target		 t;
	probe_done_cb		 cb;
	void			*cbarg;
	struct probe_result	 r;
	enum probe_step		 cur;		/* step in progress */
	uint64_t		 started;	/* now_us() */
	uint64_t		 step_started;

	ares_channel		 channel;
	int			 dns_status;
	struct loop_timer	 ares_timer;
	struct loop_timer	 defer;		/* runs dns_done() */
	struct loop_timer	 step_timer;	/* DNS step deadline */
	struct loop_timer	 hard_timer;	/* whole-probe deadline */

	struct xfer		*x;		/* current transfer */
	struct dirfile		 df;
	const struct dirfile_version *ver;
	int			 fw_index;	/* 0: Gw file, 1: Pp file */
	long			 auth;		/* scheme learnt, 0: not yet */
	double			 fw_ms;
};

static void	probe_finish(struct probe *, int code, const char *fmt, ...)
		    __printflike_(3, 4);
static void	step_firmware(struct probe *);

/* Global init. */

int
engine_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return -1;
	return 0;
}

void
engine_global_cleanup(void)
{
	ares_library_cleanup();
	curl_global_cleanup();
}

/* Steps and the result. */

/* Microseconds on the monotonic clock, for step timings. */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static double
elapsed(uint64_t since)
{
	return (double)(now_us() - since) / 1000.0;
}

static void
step_begin(struct probe *p, enum probe_step s)
{
	p->cur = s;
	p->step_started = now_us();
}

static void __printflike_(3, 4)
step_ok(struct probe *p, enum probe_step s, const char *fmt, ...)
{
	struct step_report *sr = &p->r.steps[s];
	va_list ap;

	sr->state = STEP_OK;
	va_start(ap, fmt);
	vsnprintf(sr->note, sizeof(sr->note), fmt, ap);
	va_end(ap);
}

static void
step_skip(struct probe *p, enum probe_step s, const char *why)
{
	p->r.steps[s].state = STEP_SKIPPED;
	strlcpy(p->r.steps[s].note, why, sizeof(p->r.steps[s].note));
}

static void __printflike_(2, 3)
warn(struct probe *p, const char *fmt, ...)
{
	va_list ap;

	if (p->r.nwarnings >= PROBE_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(p->r.warnings[p->r.nwarnings++], PROBE_NOTE_MAX, fmt, ap);
	va_end(ap);
}

static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL) {
		curl_multi_remove_handle(x->p->e->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->connect_to);
	free(x->buf);
	free(x);
}

static void
probe_free(struct probe *p)
{
	struct engine *e = p->e;

	xfer_free(p->x);
	p->x = NULL;
	if (p->channel != NULL) {
		/* Calls the query callback with ARES_EDESTRUCTION and the
		 * socket callback for each open socket. */
		ares_destroy(p->channel);
		p->channel = NULL;
	}
	loop_timer_clear(e->loop, &p->ares_timer);
	loop_timer_clear(e->loop, &p->defer);
	loop_timer_clear(e->loop, &p->step_timer);
	loop_timer_clear(e->loop, &p->hard_timer);
	dirfile_free(&p->df);
	target_clear(&p->t);
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		e->probes = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	e->nrunning--;
	explicit_bzero(p, sizeof(*p));
	free(p);
}

/*
 * Details quote what servers send (file names from the DirFile, first
 * bytes of a file): keep them printable ASCII, as JSON, DisplayString
 * and terminals expect.
 */
static void
printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static void
printable_result(struct probe_result *r)
{
	int i;

	printable(r->detail);
	for (i = 0; i < STEP_NONE; i++)
		printable(r->steps[i].note);
	for (i = 0; i < r->nwarnings; i++)
		printable(r->warnings[i]);
}

/*
 * The end of every probe: record the code, the failing step (the one in
 * progress; STEP_NONE for code 0) and the detail, then hand the result to
 * the owner and free the probe.
 */
static void
probe_finish(struct probe *p, int code, const char *fmt, ...)
{
	struct step_report *sr;
	va_list ap;

	p->r.code = code;
	p->r.step = code == M3_NO_PROBLEMS ? STEP_NONE : p->cur;
	va_start(ap, fmt);
	vsnprintf(p->r.detail, sizeof(p->r.detail), fmt, ap);
	va_end(ap);
	if (code != M3_NO_PROBLEMS) {
		sr = &p->r.steps[p->cur];
		sr->state = STEP_FAILED;
		if (sr->ms == 0 && p->cur != STEP_CONFIG &&
		    p->cur != STEP_VERSION)
			sr->ms = elapsed(p->step_started);
		strlcpy(sr->note, p->r.detail, sizeof(sr->note));
	}
	p->r.total_ms = elapsed(p->started);
	printable_result(&p->r);
	if (p->cb != NULL)
		p->cb(&p->r, p->cbarg);
	probe_free(p);
}

static void
hard_timeout(void *arg)
{
	struct probe *p = arg;

	probe_finish(p, p->cur == STEP_DNS ? M3_LOOKUP_FAILED : M3_TIMEOUT,
	    "the probe did not end within its hard limit of %.0f s",
	    (double)p->t.timeout_ms * (STEP_NONE - 1) / 1000 +
	    HARD_LIMIT_SLACK_MS / 1000.0);
}

/* libcurl transfers. */

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	unsigned long long a, b, total;

	if (len > 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a 100, a 401 or a redirect). */
		x->header_bytes = 0;
		x->has_range_total = 0;
		x->text_type = 0;
	}
	x->header_bytes += len;
	x->all_header_bytes += len;
	if (x->header_bytes > HEADER_MAX_BYTES ||
	    x->all_header_bytes > HEADER_MAX_ALL) {
		x->stop = STOP_HEADERS;
		return 0;
	}
	if (len > 5 && strncmp(data, "HTTP/", 5) == 0) {
	} else if (len > 14 && strncasecmp(data, "Content-Range:", 14) == 0) {
		char tmp[128];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)(len - 14), data + 14);
		if (sscanf(tmp, " bytes %llu-%llu/%llu", &a, &b, &total) == 3 ||
		    sscanf(tmp, " bytes */%llu", &total) == 1) {
			x->range_total = total;
			x->has_range_total = 1;
		}
	} else if (len > 13 && strncasecmp(data, "Content-Type:", 13) == 0) {
		const char *v = data + 13;

		while (v < data + len && (*v == ' ' || *v == '\t'))
			v++;
		x->text_type = (size_t)(data + len - v) >= 5 &&
		    strncasecmp(v, "text/", 5) == 0;
	}
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

/* DirFile buffers start small and grow up to the cap of the body. */
static int
grow(struct xfer *x, size_t more)
{
	size_t cap = x->cap;
	char *n;

	while (cap - x->len < more && cap < x->limit)
		cap = cap * 2 > x->limit ? (size_t)x->limit : cap * 2;
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
	size_t len = size * n, room = x->cap - x->len;

	if (x->kind != X_FIRMWARE && len > room && x->cap < x->limit &&
	    grow(x, len) == 0)
		room = x->cap - x->len;
	if (len < room)
		room = len;
	memcpy(x->buf + x->len, data, room);
	x->len += room;
	x->received += len;
	if (x->received > x->limit) {
		x->stop = STOP_LIMIT;
		return 0;
	}
	/* Enough of a firmware file is read; stop a server that ignored
	 * the range, but let a complete 206 end by itself so that its
	 * connection can be reused. */
	if (x->kind == X_FIRMWARE && !x->p->t.full_download &&
	    x->len == x->cap && body_unread(x)) {
		x->stop = STOP_ENOUGH;
		return 0;
	}
	return len;
}

static int
xfer_setup(struct probe *p, struct xfer *x, const char *file)
{
	struct target *t = &p->t;
	CURL *c;

	target_file_url(t, p->r.address, file, x->url, sizeof(x->url));
	if ((x->easy = c = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, x->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)t->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)t->timeout_ms);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    t->proto == PROTO_TFTP ? "tftp" : "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "updprobe/" UPDPROBE_VERSION);
	if (t->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (t->user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, t->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, t->password);
		/* Once the server has asked for Basic only, later requests
		 * send it at once instead of waiting for another 401. */
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, p->auth ? p->auth :
		    (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
	}
	/* The device connects afresh for each update attempt. */
	if (x->kind == X_DIRFILE)
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
	if (x->kind == X_FIRMWARE && t->proto != PROTO_TFTP &&
	    !t->full_download)
		curl_easy_setopt(c, CURLOPT_RANGE, "0-1023");
	if (t->proto != PROTO_TFTP && strcmp(t->host, p->r.address) != 0) {
		char pin[TARGET_HOST_MAX + 96];
		unsigned port = target_port(t);

		/* Our lookup decides where to connect; libcurl's resolver is
		 * not asked (a redirect to another name still is). */
		snprintf(pin, sizeof(pin), strchr(p->r.address, ':') ?
		    "%s:%u:[%s]:%u" : "%s:%u:%s:%u", t->host, port,
		    p->r.address, port);
		if ((x->connect_to = curl_slist_append(NULL, pin)) == NULL)
			return -1;
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, x->connect_to);
	}
	return 0;
}

static int
xfer_start(struct probe *p, enum xfer_kind kind, const char *file)
{
	struct xfer *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -1;
	x->p = p;
	x->kind = kind;
	if (kind == X_FIRMWARE) {
		x->cap = FW_SNIFF_BYTES;
		x->limit = p->t.max_size;
	} else {
		x->cap = DIRFILE_FIRST_BUF;
		x->limit = DIRFILE_MAX_BODY;
	}
	if ((x->buf = malloc(x->cap)) == NULL || xfer_setup(p, x, file) == -1 ||
	    curl_multi_add_handle(p->e->multi, x->easy) != CURLM_OK) {
		p->x = NULL;
		free(x->buf);
		x->buf = NULL;
		xfer_free(x);
		return -1;
	}
	p->x = x;
	return 0;
}

static double
info_ms(CURL *c, CURLINFO what)
{
	curl_off_t us = 0;

	curl_easy_getinfo(c, what, &us);
	return (double)us / 1000.0;
}

/* Is this error about reaching the server at all? */
static int
is_connect_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return 1;
	default:
		return 0;
	}
}

/*
 * The verdict on a transfer that is not about content: 0 when the body
 * may be looked at, else the probe is finished and -1 returned.
 */
static int
xfer_verdict(struct probe *p, struct xfer *x, CURLcode rc, const char *file)
{
	long status = 0;
	double connect_ms;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (p->t.proto != PROTO_TFTP)
		p->r.http_status = status;
	connect_ms = info_ms(x->easy, CURLINFO_CONNECT_TIME_T);

	if (rc == CURLE_WRITE_ERROR && x->stop == STOP_ENOUGH)
		rc = CURLE_OK;
	if (rc == CURLE_WRITE_ERROR && x->stop == STOP_LIMIT) {
		if (x->kind != X_FIRMWARE) {
			probe_finish(p, M3_DIRFILE_UNKNOWN, "%s is larger than "
			    "%u KiB: not a DirFile", x->url,
			    DIRFILE_MAX_BODY / 1024);
			return -1;
		}
		probe_finish(p, M3_FIRMWARE_TOO_BIG, "%s: more than %" PRIu64
		    " bytes received, the maximum is %" PRIu64, file,
		    x->limit, p->t.max_size);
		return -1;
	}
	if (x->stop == STOP_HEADERS) {
		probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "more than %d KiB of "
		    "response headers for %s", (int)(x->header_bytes >
		    HEADER_MAX_BYTES ? HEADER_MAX_BYTES : HEADER_MAX_ALL) / 1024,
		    x->url);
		return -1;
	}
	switch (rc) {
	case CURLE_OK:
		break;
	case CURLE_OPERATION_TIMEDOUT:
		/* Only the DirFile request opens the connection under test;
		 * later requests may reuse it and show no connect time. */
		if (x->kind == X_DIRFILE && connect_ms == 0 &&
		    p->t.proto != PROTO_TFTP) {
			probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "no connection "
			    "to %s within %u s", p->r.address,
			    p->t.timeout_ms / 1000);
			return -1;
		}
		probe_finish(p, M3_TIMEOUT, "%s not delivered within %u s "
		    "(%" PRIu64 " bytes received)", x->url,
		    p->t.timeout_ms / 1000, x->received);
		return -1;
	case CURLE_FILESIZE_EXCEEDED:
		probe_finish(p, M3_FIRMWARE_TOO_BIG, "%s is larger than the "
		    "maximum of %" PRIu64 " bytes", x->url, p->t.max_size);
		return -1;
	case CURLE_TFTP_NOTFOUND:
		if (x->kind == X_DIRFILE)
			return 1;	/* maybe the other spelling */
		probe_finish(p, M3_FILE_NOT_FOUND, "TFTP file not found: %s",
		    x->url);
		return -1;
	case CURLE_TOO_MANY_REDIRECTS:
		probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "more than %d "
		    "redirects for %s (a redirect loop?)", MAX_REDIRECTS,
		    x->url);
		return -1;
	default:
		if (is_connect_error(rc) && x->kind == X_DIRFILE &&
		    p->t.proto != PROTO_TFTP &&
		    p->r.steps[STEP_CONNECT].state != STEP_OK)
			p->cur = STEP_CONNECT;
		/* libcurl's TFTP code fills the error buffer first with a
		 * getpeername() notice that hides the real reason. */
		probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "%s: %s", x->url,
		    x->errbuf[0] && p->t.proto != PROTO_TFTP ? x->errbuf :
		    curl_easy_strerror(rc));
		return -1;
	}
	if (p->t.proto == PROTO_TFTP || (status >= 200 && status < 300))
		return 0;
	if (status == 416 && x->has_range_total)
		return 0;	/* an empty file cannot satisfy a range */
	if (status == 401) {
		probe_finish(p, M3_AUTH_FAILED, "HTTP 401 for %s%s", x->url,
		    p->t.user[0] ? " (the credentials were refused)" :
		    " (no credentials configured)");
		return -1;
	}
	if (status == 404) {
		if (x->kind == X_DIRFILE)
			return 1;
		probe_finish(p, M3_FILE_NOT_FOUND, "HTTP 404 for %s", x->url);
		return -1;
	}
	probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "HTTP %ld for %s", status,
	    x->url);
	return -1;
}

/* The connect step, measured on the DirFile transfer's own connection. */
static void
record_connect(struct probe *p, struct xfer *x, CURLcode rc)
{
	struct step_report *sr = &p->r.steps[STEP_CONNECT];
	double conn, app;

	if (p->t.proto == PROTO_TFTP) {
		step_skip(p, STEP_CONNECT, "TFTP is connectionless");
		return;
	}
	conn = info_ms(x->easy, CURLINFO_CONNECT_TIME_T);
	app = info_ms(x->easy, CURLINFO_APPCONNECT_TIME_T);
	sr->ms = (p->t.proto == PROTO_HTTPS && app > 0) ? app : conn;
	if (conn == 0 || (is_connect_error(rc) && rc != CURLE_COULDNT_RESOLVE_HOST))
		return;		/* the verdict marks the failure */
	step_ok(p, STEP_CONNECT, "%s port %u%s", p->r.address, target_port(&p->t),
	    p->t.proto == PROTO_HTTPS ? " (TLS)" : "");
}

/* The other spelling of the DirFile's name, or NULL. */
static const char *
other_spelling(const char *name)
{
	if (strcmp(name, "dirlist.txt") == 0)
		return "DirList.txt";
	if (strcasecmp(name, "dirlist.txt") == 0)
		return "dirlist.txt";
	return NULL;
}

static void
dirfile_missing(struct probe *p, const char *alt_found)
{
	char url[PROBE_URL_MAX];
	const char *how = p->t.proto == PROTO_TFTP ? "TFTP file not found" :
	    "HTTP 404";

	target_file_url(&p->t, p->r.address, p->t.dirfile, url, sizeof(url));
	if (alt_found != NULL)
		probe_finish(p, M3_FILE_NOT_FOUND, "%s for %s; %s exists: the "
		    "device asks for %s, on a case-sensitive server rename it",
		    how, url, alt_found, p->t.dirfile);
	else
		probe_finish(p, M3_FILE_NOT_FOUND, "%s for %s", how, url);
}

static void
step_version(struct probe *p)
{
	const struct dirfile_version *v;
	char list[96] = "";
	size_t i;

	step_begin(p, STEP_VERSION);
	for (i = 0; i < p->df.nversions && strlen(list) + 6 < sizeof(list); i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", i ? ", " : "", p->df.versions[i].version);
	v = p->t.version[0] ? dirfile_find(&p->df, p->t.version) :
	    dirfile_newest(&p->df);
	if (v == NULL) {
		probe_finish(p, M3_WRONG_PARAMETER, "version %s is not in the "
		    "DirFile (it lists %s)", p->t.version, list);
		return;
	}
	strlcpy(p->r.version, v->version, sizeof(p->r.version));
	if (p->t.language[0] && !dirfile_has_language(v, p->t.language)) {
		probe_finish(p, M3_WRONG_PARAMETER, "language %s is not in "
		    "the Languages of version %s (%s)", p->t.language,
		    v->version, v->languages[0] ? v->languages : "none");
		return;
	}
	p->ver = v;
	step_ok(p, STEP_VERSION, "%s%s, listed: %s", v->version,
	    p->t.version[0] ? "" : " (the newest)", list);
	step_begin(p, STEP_FIRMWARE);
	p->fw_index = 0;
	step_firmware(p);
}

static void
dirfile_body(struct probe *p, struct xfer *x)
{
	char err[PROBE_DETAIL_MAX - 64];

	switch (dirfile_parse(x->buf, x->len, &p->df, err, sizeof(err))) {
	case DIRFILE_OK:
		break;
	case DIRFILE_UNKNOWN_FORMAT:
		probe_finish(p, M3_DIRFILE_UNKNOWN, "%s is not a DirFile: %s",
		    p->t.dirfile, err);
		return;
	default:
		probe_finish(p, M3_DIRFILE_SYNTAX, "%s: %s", p->t.dirfile, err);
		return;
	}
	step_ok(p, STEP_DIRFILE, "%s: %zu bytes, %zu version%s", p->t.dirfile,
	    x->len, p->df.nversions, p->df.nversions == 1 ? "" : "s");
	step_version(p);
}

static int
looks_like_text(const char *buf, size_t len)
{
	size_t i, skip = 0;

	while (skip < len && isspace((unsigned char)buf[skip]))
		skip++;
	if (skip < len && buf[skip] == '<')
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return 0;
		if (c >= 0x7f)
			return 0;
	}
	return 1;
}

/* The first bytes of a body, printable, for a detail line. */
static void
excerpt(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t i, n = len < outlen - 1 ? len : outlen - 1;

	for (i = 0; i < n; i++)
		out[i] = isprint((unsigned char)buf[i]) ? buf[i] : ' ';
	out[n] = '\0';
}

static uint64_t
firmware_size(struct xfer *x, CURLcode rc)
{
	curl_off_t cl = -1;

	if (x->has_range_total)
		return x->range_total;
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (cl >= 0 && (x->stop == STOP_ENOUGH || rc == CURLE_OK) &&
	    (uint64_t)cl >= x->received)
		return (uint64_t)cl;
	return x->received;
}

static void
firmware_body(struct probe *p, struct xfer *x, CURLcode rc, const char *file,
    uint64_t declared, int has_declared)
{
	uint64_t size = firmware_size(x, rc);

	if (size > p->r.firmware_size)
		p->r.firmware_size = size;
	if (size > p->t.max_size) {
		probe_finish(p, M3_FIRMWARE_TOO_BIG, "%s is %" PRIu64 " bytes, "
		    "more than the maximum of %" PRIu64, file, size,
		    p->t.max_size);
		return;
	}
	if (has_declared && declared > p->t.max_size) {
		probe_finish(p, M3_FIRMWARE_TOO_BIG, "the DirFile declares %"
		    PRIu64 " bytes for %s, more than the maximum of %" PRIu64,
		    declared, file, p->t.max_size);
		return;
	}
	if (size == 0) {
		probe_finish(p, M3_UNSPECIFIED_ERROR, "%s is empty", x->url);
		return;
	}
	if (x->text_type || looks_like_text(x->buf, x->len)) {
		char head[EXCERPT_BYTES + 1];

		excerpt(x->buf, x->len, head, sizeof(head));
		probe_finish(p, M3_UNSPECIFIED_ERROR, "%s is text or HTML, not "
		    "a firmware image (it starts \"%s\")", x->url, head);
		return;
	}
	if (has_declared && declared != size) {
		probe_finish(p, M3_UNSPECIFIED_ERROR, "%s is %" PRIu64 " bytes, "
		    "the DirFile declares %" PRIu64, file, size, declared);
		return;
	}
	if (size > p->t.max_size / 100 * SIZE_WARN_PERCENT)
		warn(p, "%s is within %d%% of the size limit (%" PRIu64 " of %"
		    PRIu64 " bytes)", file, 100 - SIZE_WARN_PERCENT, size,
		    p->t.max_size);
	p->fw_index++;
	step_firmware(p);
}

static void
xfer_done(struct probe *p, struct xfer *x, CURLcode rc)
{
	const struct dirfile_version *v = p->ver;
	double ms = info_ms(x->easy, CURLINFO_TOTAL_TIME_T);
	const char *file;
	int verdict;

	switch (x->kind) {
	case X_DIRFILE:
		record_connect(p, x, rc);
		p->r.steps[STEP_DIRFILE].ms = ms - p->r.steps[STEP_CONNECT].ms;
		if (p->r.steps[STEP_CONNECT].state == STEP_OK)
			p->cur = STEP_DIRFILE;
		verdict = xfer_verdict(p, x, rc, p->t.dirfile);
		if (verdict == 1) {
			const char *alt = other_spelling(p->t.dirfile);

			if (alt != NULL) {
				p->x = NULL;
				xfer_free(x);
				if (xfer_start(p, X_DIRFILE_ALT, alt) == 0)
					return;
			}
			dirfile_missing(p, NULL);
		} else if (verdict == 0) {
			long avail = 0;

			curl_easy_getinfo(x->easy, CURLINFO_HTTPAUTH_AVAIL,
			    &avail);
			if (avail == CURLAUTH_BASIC)
				p->auth = CURLAUTH_BASIC;
			dirfile_body(p, x);
		}
		return;
	case X_DIRFILE_ALT: {
		long status = 0;
		int found;

		/* Any failure of the extra request only means "not there". */
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		found = rc == CURLE_OK && (p->t.proto == PROTO_TFTP ||
		    (status >= 200 && status < 300));
		dirfile_missing(p, found ? other_spelling(p->t.dirfile) : NULL);
		return;
	}
	case X_FIRMWARE:
		p->fw_ms += ms;
		p->r.steps[STEP_FIRMWARE].ms = p->fw_ms;
		file = p->fw_index == 0 ? v->gw_file : v->pp_file;
		if (xfer_verdict(p, x, rc, file) != 0)
			return;
		firmware_body(p, x, rc, file,
		    p->fw_index == 0 ? v->gw_size : v->pp_size,
		    p->fw_index == 0 ? v->has_gw_size : v->has_pp_size);
		return;
	}
}

static void
step_firmware(struct probe *p)
{
	const struct dirfile_version *v = p->ver;

	if (p->x != NULL) {
		xfer_free(p->x);
		p->x = NULL;
	}
	if (p->fw_index > 1) {
		step_ok(p, STEP_FIRMWARE, "%s and %s: %" PRIu64 " bytes at most%s",
		    v->gw_file, v->pp_file, p->r.firmware_size,
		    p->t.full_download ? ", downloaded" : "");
		probe_finish(p, M3_NO_PROBLEMS, "every step passed: version %s "
		    "would be installed", v->version);
		return;
	}
	if (xfer_start(p, X_FIRMWARE, p->fw_index == 0 ? v->gw_file :
	    v->pp_file) == -1)
		probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "out of memory");
}

static void
step_dirfile(struct probe *p)
{
	step_begin(p, p->t.proto == PROTO_TFTP ? STEP_DIRFILE : STEP_CONNECT);
	if (xfer_start(p, X_DIRFILE, p->t.dirfile) == -1)
		probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "out of memory");
}

/* libcurl's multi interface on the loop. */

static void
check_multi(struct engine *e)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x == NULL)
			continue;
		xfer_done(x->p, x, m->data.result);
	}
}

static void
curl_io(int fd, int events, void *arg)
{
	struct engine *e = arg;
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
curl_timeout(void *arg)
{
	struct engine *e = arg;
	int running;

	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi(e);
}

static int
curl_sock_cb(CURL *c, curl_socket_t s, int what, void *userp, void *sockp)
{
	struct engine *e = userp;
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
	return loop_watch(e->loop, s, ev, curl_io, e) == -1 ? -1 : 0;
}

static int
curl_timer_cb(CURLM *m, long ms, void *userp)
{
	struct engine *e = userp;

	(void)m;
	if (ms < 0)
		loop_timer_clear(e->loop, &e->curl_timer);
	else if (loop_timer_set(e->loop, &e->curl_timer, (uint64_t)ms) == -1)
		return -1;
	return 0;
}

/* c-ares on the loop. */

static void ares_rearm(struct probe *);

static void
ares_io(int fd, int events, void *arg)
{
	struct probe *p = arg;

	ares_process_fd(p->channel,
	    (events & (LOOP_READ | LOOP_ERROR)) ? fd : ARES_SOCKET_BAD,
	    (events & LOOP_WRITE) ? fd : ARES_SOCKET_BAD);
	ares_rearm(p);
}

static void
ares_tick(void *arg)
{
	struct probe *p = arg;

	ares_process_fd(p->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	ares_rearm(p);
}

static void
ares_rearm(struct probe *p)
{
	struct timeval tv, *tvp;

	if (p->channel == NULL || p->dns_status != -1)
		return;
	if ((tvp = ares_timeout(p->channel, NULL, &tv)) == NULL)
		loop_timer_clear(p->e->loop, &p->ares_timer);
	else
		loop_timer_set(p->e->loop, &p->ares_timer,
		    (uint64_t)tvp->tv_sec * 1000 + (uint64_t)tvp->tv_usec / 1000);
}

static void
ares_sock_cb(void *data, ares_socket_t fd, int readable, int writable)
{
	struct probe *p = data;
	int ev = (readable ? LOOP_READ : 0) | (writable ? LOOP_WRITE : 0);

	if (ev == 0)
		loop_unwatch(p->e->loop, fd);
	else
		loop_watch(p->e->loop, fd, ev, ares_io, p);
}

static void
on_host(void *arg, int status, int timeouts, struct hostent *h)
{
	struct probe *p = arg;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION)
		return;
	p->dns_status = status;
	if (status == ARES_SUCCESS && h != NULL && h->h_addr_list[0] != NULL)
		inet_ntop(h->h_addrtype, h->h_addr_list[0], p->r.address,
		    sizeof(p->r.address));
	else if (status == ARES_SUCCESS)
		p->dns_status = ARES_ENODATA;
	/* Not from inside c-ares: the channel is destroyed next. */
	loop_timer_set(p->e->loop, &p->defer, 0);
}

static const char *
dns_reason(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
		return "NXDOMAIN: the name does not exist";
	case ARES_ENODATA:
		return "no A record";
	case ARES_ESERVFAIL:
		return "SERVFAIL from the DNS server";
	case ARES_EREFUSED:
	case ARES_ECONNREFUSED:
		return "the DNS server refused the query";
	case ARES_ETIMEOUT:
		return "no answer from the DNS servers";
	default:
		return ares_strerror(status);
	}
}

static void
dns_done(void *arg)
{
	struct probe *p = arg;

	loop_timer_clear(p->e->loop, &p->step_timer);
	loop_timer_clear(p->e->loop, &p->ares_timer);
	p->r.steps[STEP_DNS].ms = elapsed(p->step_started);
	ares_destroy(p->channel);
	p->channel = NULL;
	if (p->dns_status != ARES_SUCCESS) {
		probe_finish(p, M3_LOOKUP_FAILED, "lookup of %s failed: %s",
		    p->t.host, dns_reason(p->dns_status));
		return;
	}
	step_ok(p, STEP_DNS, "%s is %s", p->t.host, p->r.address);
	step_dirfile(p);
}

static void
dns_deadline(void *arg)
{
	struct probe *p = arg;

	p->dns_status = ARES_ETIMEOUT;
	dns_done(p);
}

static int
dns_start(struct probe *p)
{
	struct ares_options o;
	int mask;

	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    ARES_FLAG_NOALIASES;
	/* Two rounds: timeout/3 then 2*timeout/3, together the step's. */
	o.timeout = (int)(p->t.timeout_ms / 3 > 100 ? p->t.timeout_ms / 3 : 100);
	o.tries = 2;
	o.sock_state_cb = ares_sock_cb;
	o.sock_state_cb_data = p;
	o.lookups = (char *)"b";	/* DNS only, as the device */
	mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
	if (ares_init_options(&p->channel, &o, mask) != ARES_SUCCESS) {
		p->channel = NULL;
		return -1;
	}
	if (p->t.dns_servers[0] != '\0' &&
	    ares_set_servers_ports_csv(p->channel, p->t.dns_servers) !=
	    ARES_SUCCESS)
		return -1;
	p->dns_status = -1;
	loop_timer_set(p->e->loop, &p->step_timer, p->t.timeout_ms);
	ares_gethostbyname(p->channel, p->t.host, AF_INET, on_host, p);
	ares_rearm(p);
	return 0;
}

static int
is_address(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

/* The first steps, run from a zero timer so the caller gets its handle
 * before any callback can fire. */
static void
probe_begin(void *arg)
{
	struct probe *p = arg;

	loop_timer_init(&p->defer, dns_done, p);
	step_begin(p, STEP_CONFIG);
	if (p->t.host[0] == '\0') {
		probe_finish(p, M3_SERVER_NOT_SPECIFIED, "no update server is "
		    "set (empty %%NETWORK_FWU_SERVER%% or URL host)");
		return;
	}
	step_ok(p, STEP_CONFIG, "%s server %s, folder %s",
	    p->t.proto == PROTO_TFTP ? "TFTP" :
	    p->t.proto == PROTO_HTTPS ? "HTTPS" : "HTTP", p->t.host, p->t.path);
	if (p->t.proto == PROTO_TFTP && strlen(p->t.path) + strlen(p->t.dirfile) >
	    TFTP_PATH_WARN)
		warn(p, "TFTP path %s%s is longer than %d characters: some TFTP "
		    "servers cut it", p->t.path, p->t.dirfile, TFTP_PATH_WARN);
	step_begin(p, STEP_DNS);
	if (is_address(p->t.host)) {
		strlcpy(p->r.address, p->t.host, sizeof(p->r.address));
		step_skip(p, STEP_DNS, "address literal");
		step_dirfile(p);
		return;
	}
	if (dns_start(p) == -1)
		probe_finish(p, M3_LOOKUP_FAILED, "cannot use the DNS servers "
		    "\"%s\"", p->t.dns_servers);
}

struct probe *
probe_start(struct engine *e, const struct target *t, probe_done_cb cb,
    void *arg)
{
	struct probe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->e = e;
	p->t = *t;
	p->cb = cb;
	p->cbarg = arg;
	p->r.code = -1;
	p->r.step = STEP_NONE;
	/* The version asked for, until the DirFile names the one probed. */
	strlcpy(p->r.version, t->version, sizeof(p->r.version));
	target_url(t, p->r.url, sizeof(p->r.url));
	p->started = now_us();
	loop_timer_init(&p->ares_timer, ares_tick, p);
	loop_timer_init(&p->defer, probe_begin, p);
	loop_timer_init(&p->step_timer, dns_deadline, p);
	loop_timer_init(&p->hard_timer, hard_timeout, p);
	if (loop_timer_set(e->loop, &p->defer, 0) == -1 ||
	    loop_timer_set(e->loop, &p->hard_timer,
	    (uint64_t)t->timeout_ms * (STEP_NONE - 1) + HARD_LIMIT_SLACK_MS) == -1) {
		loop_timer_clear(e->loop, &p->defer);
		free(p);
		return NULL;
	}
	p->next = e->probes;
	if (e->probes != NULL)
		e->probes->prev = p;
	e->probes = p;
	e->nrunning++;
	return p;
}

void
probe_cancel(struct probe *p)
{
	probe_free(p);
}

unsigned
engine_running(const struct engine *e)
{
	return e->nrunning;
}

struct engine *
engine_new(struct loop *l)
{
	struct engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->loop = l;
	if ((e->multi = curl_multi_init()) == NULL) {
		free(e);
		return NULL;
	}
	loop_timer_init(&e->curl_timer, curl_timeout, e);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, curl_sock_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	/* Idle connections kept for reuse: every probe opens its own
	 * anyway, and a large pool would starve probes of descriptors. */
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)IDLE_CONNECTIONS);
	return e;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	while (e->probes != NULL)
		probe_free(e->probes);
	loop_timer_clear(e->loop, &e->curl_timer);
	curl_multi_cleanup(e->multi);
	free(e);
}
