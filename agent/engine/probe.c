/*
 * probe.c - the device's update sequence, DESIGN.md section 2, in the
 * order the device runs it; each step is followed by its continuation:
 *
 *   probe_start
 *   step_config                    the server is set (6)
 *   step_dns      -> dns_done      the name resolves (11)
 *   step_dirfile  -> dirfile_done  the connect step (2), then the DirFile
 *                                  (12, 3, 2, 5, 11, 10, 9); on "not found"
 *                 -> dirfile_alt_done   the other spelling, for the detail
 *   step_version                   the version (and language) is listed (1)
 *   step_firmware -> firmware_done the gateway, then the handset file
 *                                  (12, 3, 2, 5, 11, then 4 and 7)
 *   probe_finish                   the first failure, or 0
 *
 * At most one network operation (a lookup or a request) runs per probe.
 * The network work is in dns.c (c-ares) and fetch.c (a request with its
 * redirects, on xfer.c's libcurl transfers); verdict.c says which code a
 * request's end or a firmware file's bytes mean; this file keeps the
 * order and words the detail.
 *
 * Ownership: the engine owns its probes (a list, for cleanup); a probe
 * owns its copy of the target, its lookup or request in flight, the URL
 * of a missing DirFile and the parsed DirFile.  A probe is freed only
 * from the loop (a timer, or the done callback of a lookup or request,
 * which do not run inside c-ares or libcurl).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ares.h>
#include <curl/curl.h>

#include "dirfile.h"
#include "dns.h"
#include "fetch.h"
#include "probe.h"
#include "util.h"
#include "verdict.h"
#include "xfer.h"

/* Bytes of a firmware file read by default: enough to see what it is. */
#define FW_SNIFF_BYTES		1024
/* The hard limit: the lookup, the DirFile (and its other spelling) and
 * the two firmware files, each bounded by the timeout ... */
#define HARD_LIMIT_TIMEOUTS	5
/* ... and this for everything in between. */
#define HARD_LIMIT_SLACK_MS	2000
/* A firmware file this close to the limit earns a warning (percent). */
#define SIZE_WARN_PERCENT	90
/* TFTP servers that cut longer file names exist (the m3 wiki warns). */
#define TFTP_PATH_WARN		32
/* Bytes of a text firmware file quoted in the detail. */
#define EXCERPT_BYTES		24
/* The mark of a detail, note or warning cut to its buffer. */
#define CUT_MARK		"..."

_Static_assert(PROBE_FILE_NAME_MAX >= DIRFILE_MAX_FIELD,
    "a file name from the DirFile must fit into a URL");
_Static_assert(DNS_ADDR_MAX <= sizeof(((struct probe_result *)0)->address),
    "an address from the lookup must fit into the result");

struct engine {
	struct loop		*loop;
	struct xfer_engine	*xe;
	struct probe		*probes;	/* running, doubly linked */
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
	struct loop_timer	 begin;		/* runs step_config() */
	struct loop_timer	 hard_timer;	/* whole-probe deadline */

	struct dns_lookup	*dns;		/* in flight, or NULL */
	struct fetch		*f;		/* in flight, or NULL */
	enum fetch_kind		 fetching;	/* what f fetches */
	char			 range[32];	/* f's Range, "0-1023" */
	char			*missing_url;	/* the DirFile's 404 */
	struct dirfile		 df;
	const struct dirfile_version *ver;
	int			 fw_index;	/* 0: Gw file, 1: Pp file */
	long			 auth;		/* scheme learnt, 0: not yet */
	double			 fw_ms;
};

/* The sequence, in order. */
static void	step_config(void *);
static void	step_dns(struct probe *);
static void	dns_done(int, const char *, const char *, void *);
static void	step_dirfile(struct probe *);
static void	dirfile_done(struct probe *, const struct fetch_result *);
static void	dirfile_alt_done(struct probe *, const struct fetch_result *);
static void	step_version(struct probe *);
static void	step_firmware(struct probe *);
static void	firmware_done(struct probe *, const struct fetch_result *);
static void	probe_finish(struct probe *, int code, const char *fmt, ...)
		    __printflike_(3, 4);
static void	probe_cannot_run(struct probe *, int err, const char *what);
static void	hard_timeout(void *);

/* Requests, and the details of failures. */
static int	fetch(struct probe *, enum fetch_kind, const char *file);
static void	fail_request(struct probe *, enum outcome,
		    const struct fetch_result *, enum fetch_kind, const char *);
static void	dirfile_missing(struct probe *, const char *alt_found);
static int	firmware_verdict(struct probe *, const struct xfer_result *,
		    const char *, const struct fw_facts *);

/* Recording the result. */
static uint64_t	now_us(void);
static double	elapsed(uint64_t since);
static void	step_begin(struct probe *, enum probe_step);
static void	step_ok(struct probe *, enum probe_step, const char *fmt, ...)
		    __printflike_(3, 4);
static void	step_skip(struct probe *, enum probe_step, const char *why);
static void	warn(struct probe *, const char *fmt, ...) __printflike_(2, 3);
static void	mark_cut(char *buf, size_t size);

/* ------------------------------------------------------------------------
 * The start.
 */

struct probe *
probe_start(struct engine *e, const struct target *t, probe_done_cb cb,
    void *arg)
{
	struct probe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (loop_timer_init(e->loop, &p->begin, step_config, p) == -1) {
		free(p);
		return NULL;
	}
	if (loop_timer_init(e->loop, &p->hard_timer, hard_timeout, p) == -1) {
		loop_timer_fini(e->loop, &p->begin);
		free(p);
		return NULL;
	}
	p->e = e;
	p->t = *t;
	p->cb = cb;
	p->cbarg = arg;
	p->r.code = -1;
	p->r.step = STEP_NONE;
	/* The version asked for, until the DirFile names the one probed. */
	strlcpy(p->r.version, t->version, sizeof(p->r.version));
	if (target_url(t, p->r.url, sizeof(p->r.url)) == -1)
		mark_cut(p->r.url, sizeof(p->r.url));
	p->started = now_us();
	p->next = e->probes;
	if (e->probes != NULL)
		e->probes->prev = p;
	e->probes = p;
	/* From the loop, so the caller has its handle before any callback. */
	loop_timer_set(e->loop, &p->begin, 0);
	loop_timer_set(e->loop, &p->hard_timer,
	    probe_hard_limit_ms(t->timeout_ms));
	return p;
}

/* 1. config: a server must be set. */
static void
step_config(void *arg)
{
	struct probe *p = arg;
	const struct target *t = &p->t;

	step_begin(p, STEP_CONFIG);
	if (t->host[0] == '\0') {
		probe_finish(p, M3_SERVER_NOT_SPECIFIED, "no update server is "
		    "set (empty %%NETWORK_FWU_SERVER%% or URL host)");
		return;
	}
	step_ok(p, STEP_CONFIG, "%s server %s, folder %s",
	    t->proto == PROTO_TFTP ? "TFTP" :
	    t->proto == PROTO_HTTPS ? "HTTPS" : "HTTP", t->host, t->path);
	if (t->proto == PROTO_TFTP &&
	    strlen(t->path) + strlen(t->dirfile) > TFTP_PATH_WARN)
		warn(p, "TFTP path %s%s is longer than %d characters: some TFTP "
		    "servers cut it", t->path, t->dirfile, TFTP_PATH_WARN);
	step_dns(p);
}

/* 2. dns: the A record, at the base stations' DNS servers. */
static void
step_dns(struct probe *p)
{
	unsigned char bin[sizeof(struct in6_addr)];

	step_begin(p, STEP_DNS);
	if (inet_pton(AF_INET, p->t.host, bin) == 1 ||
	    inet_pton(AF_INET6, p->t.host, bin) == 1) {
		strlcpy(p->r.address, p->t.host, sizeof(p->r.address));
		step_skip(p, STEP_DNS, "address literal");
		step_dirfile(p);
		return;
	}
	errno = 0;
	p->dns = dns_lookup_start(p->e->loop, p->t.host, p->t.dns_servers,
	    p->t.timeout_ms, dns_done, p);
	if (p->dns == NULL && (errno == EMFILE || errno == ENFILE ||
	    errno == ENOMEM))
		probe_cannot_run(p, errno, "the DNS lookup");
	else if (p->dns == NULL)
		probe_finish(p, M3_LOOKUP_FAILED, "cannot use the DNS servers "
		    "\"%s\"", p->t.dns_servers);
}

static void
dns_done(int status, const char *address, const char *tried, void *arg)
{
	struct probe *p = arg;
	const char *why;

	p->dns = NULL;		/* freed by dns.c when we return */
	p->r.steps[STEP_DNS].ms = elapsed(p->step_started);
	if (status == DNS_NO_DESCRIPTORS) {
		probe_cannot_run(p, EMFILE, "the DNS lookup");
		return;
	}
	if (status != ARES_SUCCESS) {
		probe_finish(p, M3_LOOKUP_FAILED, "lookup of %s failed: %s",
		    p->t.host, tried[0] != '\0' ? tried : dns_reason(status));
		return;
	}
	strlcpy(p->r.address, address, sizeof(p->r.address));
	step_ok(p, STEP_DNS, "%s is %s", p->t.host, p->r.address);
	if ((why = verdict_unusable_address(address, p->t.allow_loopback)) !=
	    NULL) {
		step_begin(p, STEP_CONNECT);
		probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "%s resolves to %s, "
		    "%s", p->t.host, address, why);
		return;
	}
	step_dirfile(p);
}

/* 3. connect and 4. dirfile: one request, on a fresh connection. */
static void
step_dirfile(struct probe *p)
{
	step_begin(p, p->t.proto == PROTO_TFTP ? STEP_DIRFILE : STEP_CONNECT);
	if (fetch(p, FETCH_DIRFILE, p->t.dirfile) == -1)
		probe_cannot_run(p, ENOMEM, "the DirFile request");
}

/* The connect step, measured on the DirFile request's own connection
 * (its first transfer: a redirect's connection is the dirfile step's). */
static void
record_connect(struct probe *p, const struct fetch_result *f)
{
	struct step_report *sr = &p->r.steps[STEP_CONNECT];

	if (p->t.proto == PROTO_TFTP) {
		step_skip(p, STEP_CONNECT, "TFTP is connectionless");
		return;
	}
	sr->ms = (p->t.proto == PROTO_HTTPS && f->first_appconnect_ms > 0) ?
	    f->first_appconnect_ms : f->first_connect_ms;
	if (!f->first_connected)
		return;		/* the failure is the connect step's */
	step_ok(p, STEP_CONNECT, "%s port %u%s", p->r.address,
	    target_port(&p->t), p->t.proto == PROTO_HTTPS ? " (TLS)" : "");
	/* Its time is the transfer's, less the connect step's. */
	p->cur = STEP_DIRFILE;
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
dirfile_done(struct probe *p, const struct fetch_result *f)
{
	const struct xfer_result *x = f->x;
	char err[PROBE_DETAIL_MAX - 64];
	enum outcome o;
	const char *alt;

	if (p->t.proto != PROTO_TFTP && x != NULL)
		p->r.http_status = x->status;
	record_connect(p, f);
	p->r.steps[STEP_DIRFILE].ms = f->total_ms -
	    p->r.steps[STEP_CONNECT].ms;
	o = verdict_fetch(f, p->t.proto == PROTO_TFTP);
	if (o == OUT_NOT_FOUND) {
		p->missing_url = strdup(f->url);
		if ((alt = other_spelling(p->t.dirfile)) != NULL &&
		    fetch(p, FETCH_DIRFILE_ALT, alt) == 0)
			return;
		dirfile_missing(p, NULL);
		return;
	}
	if (o != OUT_BODY) {
		fail_request(p, o, f, FETCH_DIRFILE, p->t.dirfile);
		return;
	}
	/* Basic alone asked for: later requests send it at once. */
	if (x->auth_avail == CURLAUTH_BASIC)
		p->auth = CURLAUTH_BASIC;
	switch (dirfile_parse(x->body, x->len, &p->df, err, sizeof(err))) {
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

/* Any failure of the extra request only means "not there". */
static void
dirfile_alt_done(struct probe *p, const struct fetch_result *f)
{
	int found = verdict_fetch(f, p->t.proto == PROTO_TFTP) == OUT_BODY;

	dirfile_missing(p, found ? other_spelling(p->t.dirfile) : NULL);
}

/* 5. version: the selected version (and language) must be listed. */
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

/* 6. firmware: the gateway file, then the handset file. */
static void
step_firmware(struct probe *p)
{
	const struct dirfile_version *v = p->ver;

	if (p->fw_index > 1) {
		step_ok(p, STEP_FIRMWARE, "%s and %s: %" PRIu64 " bytes at "
		    "most%s", v->gw_file, v->pp_file, p->r.firmware_size,
		    p->t.full_download ? ", downloaded" : "");
		/* 7. nothing failed. */
		probe_finish(p, M3_NO_PROBLEMS, "every step passed: version %s "
		    "would be installed", v->version);
		return;
	}
	if (fetch(p, FETCH_FIRMWARE, p->fw_index == 0 ? v->gw_file :
	    v->pp_file) == -1)
		probe_cannot_run(p, ENOMEM, "a firmware request");
}

static void
firmware_done(struct probe *p, const struct fetch_result *fr)
{
	const struct dirfile_version *v = p->ver;
	const char *file = p->fw_index == 0 ? v->gw_file : v->pp_file;
	const struct xfer_result *x = fr->x;
	struct fw_facts f;
	enum outcome o;

	if (p->t.proto != PROTO_TFTP && x != NULL)
		p->r.http_status = x->status;
	p->fw_ms += fr->total_ms;
	p->r.steps[STEP_FIRMWARE].ms = p->fw_ms;
	o = verdict_fetch(fr, p->t.proto == PROTO_TFTP);
	if (o != OUT_BODY) {
		fail_request(p, o, fr, FETCH_FIRMWARE, file);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.size = verdict_firmware_size(x);
	f.max_size = p->t.max_size;
	f.declared = p->fw_index == 0 ? v->gw_size : v->pp_size;
	f.has_declared = p->fw_index == 0 ? v->has_gw_size : v->has_pp_size;
	f.head = x->body;
	f.headlen = x->len;
	if (f.size > p->r.firmware_size)
		p->r.firmware_size = f.size;
	if (firmware_verdict(p, x, file, &f) != 0)
		return;
	p->fw_index++;
	step_firmware(p);
}

/* ------------------------------------------------------------------------
 * The details of a failure.
 */

/* The first bytes of a body, printable, for a detail line. */
static void
excerpt(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t i, n = len < outlen - 1 ? len : outlen - 1;

	for (i = 0; i < n; i++)
		out[i] = isprint((unsigned char)buf[i]) ? buf[i] : ' ';
	out[n] = '\0';
}

/* Finish the probe if the firmware file is wrong (returns -1), else warn
 * what will bite and return 0. */
static int
firmware_verdict(struct probe *p, const struct xfer_result *x,
    const char *file, const struct fw_facts *f)
{
	char head[EXCERPT_BYTES + 1];
	enum fw_verdict v = verdict_firmware(f);
	int code = verdict_firmware_code(v);

	switch (v) {
	case FW_OK:
		if (f->size > f->max_size / 100 * SIZE_WARN_PERCENT)
			warn(p, "%s is within %d%% of the size limit (%" PRIu64
			    " of %" PRIu64 " bytes)", file,
			    100 - SIZE_WARN_PERCENT, f->size, f->max_size);
		if (verdict_type_is_text(x->content_type))
			warn(p, "%s is served as %s, yet its bytes are an "
			    "image (the device reads the bytes)", file,
			    x->content_type);
		return 0;
	case FW_TOO_BIG:
		probe_finish(p, code, "%s is %" PRIu64 " bytes, more than the "
		    "maximum of %" PRIu64, file, f->size, f->max_size);
		break;
	case FW_DECLARED_TOO_BIG:
		probe_finish(p, code, "the DirFile declares %" PRIu64 " bytes "
		    "for %s, more than the maximum of %" PRIu64, f->declared,
		    file, f->max_size);
		break;
	case FW_EMPTY:
		probe_finish(p, code, "%s is empty", x->url);
		break;
	case FW_TEXT:
		/* Text by its bytes (verdict_looks_like_text), so the quote
		 * holds no binary; printable_result() keeps it ASCII. */
		excerpt(f->head, f->headlen, head, sizeof(head));
		probe_finish(p, code, "%s is text or HTML, not a firmware image "
		    "(it starts \"%s\"%s%s)", x->url, head, x->content_type[0] ?
		    ", served as " : "", x->content_type);
		break;
	case FW_SIZE_MISMATCH:
		probe_finish(p, code, "%s is %" PRIu64 " bytes, the DirFile "
		    "declares %" PRIu64, file, f->size, f->declared);
		break;
	}
	return -1;
}

/* " (after 2 redirects)", or "" for a request that went where it was
 * sent. */
static const char *
after_redirects(const struct fetch_result *f, char *buf, size_t len)
{
	if (f->redirects == 0)
		return "";
	snprintf(buf, len, " (after %d redirect%s)", f->redirects,
	    f->redirects == 1 ? "" : "s");
	return buf;
}

static void
dirfile_missing(struct probe *p, const char *alt_found)
{
	const char *how = p->t.proto == PROTO_TFTP ? "TFTP file not found" :
	    "HTTP 404";
	const char *url = p->missing_url != NULL ? p->missing_url :
	    p->t.dirfile;

	if (alt_found != NULL)
		probe_finish(p, M3_FILE_NOT_FOUND, "%s for %s; %s exists: the "
		    "device asks for %s, on a case-sensitive server rename it",
		    how, url, alt_found, p->t.dirfile);
	else
		probe_finish(p, M3_FILE_NOT_FOUND, "%s for %s", how, url);
}

/* A 401: what happened, not only that it did (verdict_auth()). */
static void
fail_auth(struct probe *p, const struct fetch_result *f, int code)
{
	const struct xfer_result *x = f->x;

	switch (verdict_auth(x->challenges, f->creds)) {
	case AUTH_NO_CHALLENGE:
		probe_finish(p, code, "HTTP 401 for %s without a "
		    "WWW-Authenticate header: the server names no way to log "
		    "in", x->url);
		return;
	case AUTH_NO_USABLE_SCHEME:
		probe_finish(p, code, "HTTP 401 for %s: the server offers %s; "
		    "the device can do only Basic and Digest", x->url,
		    x->challenges);
		return;
	case AUTH_NO_CREDENTIALS:
		probe_finish(p, code, "HTTP 401 for %s: the server asks for %s "
		    "(no credentials configured)", x->url, x->challenges);
		return;
	case AUTH_WITHHELD:
		probe_finish(p, code, "HTTP 401 for %s: the credentials are "
		    "sent only to %s, not to %s a redirect named", x->url,
		    p->t.host, f->host);
		return;
	case AUTH_REFUSED:
		break;
	}
	probe_finish(p, code, "HTTP 401 for %s: the credentials were refused "
	    "(the server asks for %s)", x->url, x->challenges);
}

/* A TFTP ERROR's number, as far as libcurl tells it (README, "TFTP
 * errors"); all but 1 (file not found) end here. */
static const char *
tftp_error_name(CURLcode rc)
{
	switch (rc) {
	case CURLE_TFTP_PERM:
		return "2 (access violation)";
	case CURLE_REMOTE_DISK_FULL:
		return "3 (disk full)";
	case CURLE_TFTP_ILLEGAL:
		return "0 or 4 (not defined, or illegal operation)";
	case CURLE_TFTP_UNKNOWNID:
		return "5 (unknown transfer ID)";
	case CURLE_REMOTE_FILE_EXISTS:
		return "6 (file exists)";
	case CURLE_TFTP_NOSUCHUSER:
		return "7 (no such user)";
	default:
		return "8 or above (options refused, or unknown)";
	}
}

static void
fail_tftp(struct probe *p, const struct fetch_result *f, int code)
{
	const struct xfer_result *x = f->x;

	if (x->tftp_message[0] != '\0')
		probe_finish(p, code, "TFTP error %s for %s: \"%s\"",
		    tftp_error_name(x->rc), x->url, x->tftp_message);
	else
		probe_finish(p, code, "TFTP error %s for %s",
		    tftp_error_name(x->rc), x->url);
}

static void
fail_redirect(struct probe *p, enum outcome o, const struct fetch_result *f,
    int code)
{
	switch (o) {
	case OUT_REDIRECTS:
		probe_finish(p, code, "more than %d redirects from %s (a "
		    "redirect loop?)", FETCH_MAX_REDIRECTS, f->first_url);
		return;
	case OUT_REDIRECT_SCHEME:
		probe_finish(p, code, "%s redirects to %s: the device follows "
		    "redirects to http:// and https:// only", f->url,
		    f->location);
		return;
	case OUT_REDIRECT_UNUSABLE:
		probe_finish(p, code, "the redirect to %s: %s is %s, %s",
		    f->url, f->host, f->address, f->why);
		return;
	default:
		probe_finish(p, code, "lookup of %s for the redirect to %s "
		    "failed: %s", f->host, f->url,
		    f->dns_status == FETCH_DNS_UNUSABLE ? "cannot use the DNS "
		    "servers" : f->tried[0] != '\0' ? f->tried :
		    dns_reason(f->dns_status));
		return;
	}
}

/* No connection: refused, TLS, or none within the timeout. */
static void
fail_connection(struct probe *p, const struct fetch_result *f, int code)
{
	const struct xfer_result *x = f->x;
	unsigned secs = p->t.timeout_ms / 1000;
	char via[32];

	if (x->rc != CURLE_OPERATION_TIMEDOUT)
		probe_finish(p, code, "%s: %s%s", x->url, x->errbuf[0] ?
		    x->errbuf : curl_easy_strerror(x->rc),
		    after_redirects(f, via, sizeof(via)));
	else if (f->redirects == 0)
		probe_finish(p, code, "no connection to %s within %u s",
		    p->r.address, secs);
	else
		probe_finish(p, code, "no connection to %s for %s within %u "
		    "s%s", f->address, x->url, secs,
		    after_redirects(f, via, sizeof(via)));
}

/*
 * Finish the probe with the code of a request's outcome (not OUT_BODY).
 * Longer than most: one case per outcome, each with its own message; the
 * long ones have functions of their own, and a table of formats would
 * hide them from the compiler's printf checks.
 */
static void
fail_request(struct probe *p, enum outcome o, const struct fetch_result *f,
    enum fetch_kind kind, const char *file)
{
	const struct xfer_result *x = f->x;
	int code = verdict_code(o, kind), tftp = p->t.proto == PROTO_TFTP;
	char via[32];

	switch (o) {
	case OUT_REDIRECTS:
	case OUT_REDIRECT_SCHEME:
	case OUT_REDIRECT_LOOKUP:
	case OUT_REDIRECT_UNUSABLE:
		fail_redirect(p, o, f, code);
		return;
	case OUT_AUTH:
		fail_auth(p, f, code);
		return;
	case OUT_TFTP_ERROR:
		fail_tftp(p, f, code);
		return;
	case OUT_NO_CONNECTION:
		fail_connection(p, f, code);
		return;
	case OUT_TOO_BIG:
		if (kind != FETCH_FIRMWARE)
			probe_finish(p, code, "%s is larger than %u KiB: not a "
			    "DirFile", x->url, DIRFILE_MAX_BODY / 1024);
		else
			probe_finish(p, code, "%s: more than %" PRIu64 " bytes "
			    "received, the maximum is %" PRIu64, file,
			    p->t.max_size, p->t.max_size);
		return;
	case OUT_HEADERS:
		probe_finish(p, code, "more than %d KiB of response headers "
		    "for %s", (x->all_headers_cap ? XFER_HEADER_MAX_ALL :
		    XFER_HEADER_MAX) / 1024, x->url);
		return;
	case OUT_TIMEOUT:
		probe_finish(p, code, "%s not delivered within %u s (%" PRIu64
		    " bytes received)%s", x->url, p->t.timeout_ms / 1000,
		    x->received, after_redirects(f, via, sizeof(via)));
		return;
	case OUT_NOT_FOUND:
		probe_finish(p, code, tftp ? "TFTP file not found: %s%s" :
		    "HTTP 404 for %s%s", x->url,
		    after_redirects(f, via, sizeof(via)));
		return;
	case OUT_HTTP_STATUS:
		probe_finish(p, code, "HTTP %ld for %s%s", x->status, x->url,
		    after_redirects(f, via, sizeof(via)));
		return;
	case OUT_TRANSPORT:
	case OUT_BODY:
		break;
	}
	if (x->os_errno == EMFILE || x->os_errno == ENFILE) {
		probe_cannot_run(p, (int)x->os_errno, x->url);
		return;
	}
	/* libcurl's TFTP code fills the error buffer first with a
	 * getpeername() notice that hides the real reason. */
	probe_finish(p, code, "%s: %s%s", x->url, x->errbuf[0] && !tftp ?
	    x->errbuf : curl_easy_strerror(x->rc),
	    after_redirects(f, via, sizeof(via)));
}

/* ------------------------------------------------------------------------
 * Requests.
 */

static void
on_fetched(const struct fetch_result *f, void *arg)
{
	struct probe *p = arg;

	p->f = NULL;		/* freed by fetch.c when we return */
	if (f->end == FETCH_CANNOT_RUN) {
		probe_cannot_run(p, f->local_errno, f->url);
		return;
	}
	switch (p->fetching) {
	case FETCH_DIRFILE:
		dirfile_done(p, f);
		break;
	case FETCH_DIRFILE_ALT:
		dirfile_alt_done(p, f);
		break;
	case FETCH_FIRMWARE:
		firmware_done(p, f);
		break;
	}
}

/*
 * Our lookup decides where to connect: HTTP keeps the host name in the
 * URL (Host header, TLS name) and fetch.c pins it to the resolved
 * address, and every redirect's host to the address of its own lookup;
 * libcurl's resolver is never asked.
 */
static int
fetch(struct probe *p, enum fetch_kind kind, const char *file)
{
	const struct target *t = &p->t;
	char url[PROBE_URL_MAX];
	struct fetch_request fr;
	struct xfer_request *rq = &fr.rq;
	int firmware = kind == FETCH_FIRMWARE;

	memset(&fr, 0, sizeof(fr));
	if (target_file_url(t, p->r.address, file, url, sizeof(url)) == -1)
		return -1;
	rq->url = url;
	rq->tftp = t->proto == PROTO_TFTP;
	rq->timeout_ms = t->timeout_ms;
	fr.host = t->host;
	fr.address = p->r.address;
	fr.dns_servers = t->dns_servers;
	fr.allow_loopback = t->allow_loopback;
	if (t->user[0] != '\0') {
		rq->user = t->user;
		rq->password = t->password;
		rq->auth = p->auth ? p->auth :
		    (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST);
	}
	/* The device connects afresh for each update attempt. */
	rq->fresh_connect = kind == FETCH_DIRFILE;
	if (firmware && !rq->tftp && !t->full_download) {
		snprintf(p->range, sizeof(p->range), "0-%d", FW_SNIFF_BYTES - 1);
		rq->range = p->range;
	}
	rq->insecure = t->insecure;
	rq->limit = firmware ? t->max_size : DIRFILE_MAX_BODY;
	rq->keep = firmware ? FW_SNIFF_BYTES : DIRFILE_MAX_BODY;
	rq->stop_when_kept = firmware && !t->full_download;
	p->fetching = kind;
	p->f = fetch_start(p->e->loop, p->e->xe, &fr, on_fetched, p);
	return p->f == NULL ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * The result.
 */

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

/* A text cut to its buffer ends in CUT_MARK, so a reader sees the cut
 * (the JSON, the MIB's 255 characters, the trace). */
static void
mark_cut(char *buf, size_t size)
{
	size_t m = sizeof(CUT_MARK) - 1;

	if (size > m)
		memcpy(buf + size - 1 - m, CUT_MARK, m);
}

static void __attribute__((format(printf, 3, 0)))
vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n >= 0 && (size_t)n >= size)
		mark_cut(buf, size);
}

static void
copy_marked(char *dst, size_t size, const char *src)
{
	if (strlcpy(dst, src, size) >= size)
		mark_cut(dst, size);
}

static void
step_ok(struct probe *p, enum probe_step s, const char *fmt, ...)
{
	struct step_report *sr = &p->r.steps[s];
	va_list ap;

	sr->state = STEP_OK;
	va_start(ap, fmt);
	vformat(sr->note, sizeof(sr->note), fmt, ap);
	va_end(ap);
}

static void
step_skip(struct probe *p, enum probe_step s, const char *why)
{
	p->r.steps[s].state = STEP_SKIPPED;
	strlcpy(p->r.steps[s].note, why, sizeof(p->r.steps[s].note));
}

static void
warn(struct probe *p, const char *fmt, ...)
{
	va_list ap;

	if (p->r.nwarnings >= PROBE_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vformat(p->r.warnings[p->r.nwarnings++], PROBE_NOTE_MAX, fmt, ap);
	va_end(ap);
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

static void
probe_free(struct probe *p)
{
	struct engine *e = p->e;

	fetch_cancel(p->f);
	dns_lookup_cancel(p->dns);
	free(p->missing_url);
	loop_timer_fini(e->loop, &p->begin);
	loop_timer_fini(e->loop, &p->hard_timer);
	dirfile_free(&p->df);
	target_clear(&p->t);
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		e->probes = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	explicit_bzero(p, sizeof(*p));
	free(p);
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
	vformat(p->r.detail, sizeof(p->r.detail), fmt, ap);
	va_end(ap);
	if (code != M3_NO_PROBLEMS) {
		sr = &p->r.steps[p->cur];
		sr->state = STEP_FAILED;
		if (sr->ms == 0 && p->cur != STEP_CONFIG &&
		    p->cur != STEP_VERSION)
			sr->ms = elapsed(p->step_started);
		copy_marked(sr->note, sizeof(sr->note), p->r.detail);
	}
	p->r.total_ms = elapsed(p->started);
	printable_result(&p->r);
	if (p->cb != NULL)
		p->cb(&p->r, p->cbarg);
	probe_free(p);
}

/* The probe could not run here: no code, the owner tries again. */
static void
probe_cannot_run(struct probe *p, int err, const char *what)
{
	p->r.local_error = err;
	probe_finish(p, M3_NETWORK_NOT_AVAILABLE, "%s could not be made here: "
	    "%s", what, strerror(err));
}

static void
hard_timeout(void *arg)
{
	struct probe *p = arg;

	probe_finish(p, p->cur == STEP_DNS ? M3_LOOKUP_FAILED : M3_TIMEOUT,
	    "the probe did not end within its hard limit of %.0f s",
	    (double)probe_hard_limit_ms(p->t.timeout_ms) / 1000);
}

/* ------------------------------------------------------------------------
 * The engine.
 */

uint64_t
probe_hard_limit_ms(unsigned timeout_ms)
{
	return (uint64_t)timeout_ms * HARD_LIMIT_TIMEOUTS + HARD_LIMIT_SLACK_MS;
}

void
probe_cancel(struct probe *p)
{
	probe_free(p);
}

int
engine_global_init(void)
{
	if (xfer_global_init() == -1)
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

struct engine *
engine_new(struct loop *l)
{
	struct engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->loop = l;
	if ((e->xe = xfer_engine_new(l)) == NULL) {
		free(e);
		return NULL;
	}
	return e;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	while (e->probes != NULL)
		probe_free(e->probes);
	xfer_engine_free(e->xe);
	free(e);
}
