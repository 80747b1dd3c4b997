/*
 * target.c - building a target from a URL, options, a provisioning file
 * and a password file.  Everything here is synchronous and small.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "dirfile.h"
#include "provfile.h"
#include "secret.h"
#include "target.h"
#include "util.h"

/* Longest accepted --max-size: far above any m3 firmware image. */
#define MAX_SIZE_LIMIT	(1ULL << 40)

void
target_init(struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->proto = PROTO_HTTP;
	strlcpy(t->path, TARGET_DEFAULT_PATH, sizeof(t->path));
	strlcpy(t->dirfile, TARGET_DEFAULT_DIRFILE, sizeof(t->dirfile));
	t->max_size = TARGET_DEFAULT_MAXSIZE;
	t->timeout_ms = TARGET_DEFAULT_TIMEOUT * 1000;
}

void
target_clear(struct target *t)
{
	explicit_bzero(t->password, sizeof(t->password));
}

int
target_set_name(struct target *t, const char *name, char *err, size_t errlen)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > TARGET_NAME_MAX)
		return errorf(err, errlen, "target name must be 1-%d characters",
		    TARGET_NAME_MAX);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    strchr("._-", name[i]) == NULL)
			return errorf(err, errlen, "target name \"%s\": only "
			    "A-Z a-z 0-9 . _ - are allowed", name);
	strlcpy(t->name, name, sizeof(t->name));
	return 0;
}

static int
parse_port(const char *s, size_t len, unsigned *port)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static int
valid_hostname(const char *h)
{
	for (; *h != '\0'; h++)
		if (!isalnum((unsigned char)*h) && strchr("-._", *h) == NULL)
			return 0;
	return 1;
}

/* host, [v6] or host:port / [v6]:port; "" is allowed (code 6 later). */
static int
set_hostport(struct target *t, const char *s, size_t len, char *err,
    size_t errlen)
{
	const char *end = s + len, *colon;
	size_t hlen;

	t->port = 0;
	if (len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		struct in6_addr a6;

		if (rb == NULL || (size_t)(rb - s - 1) >= sizeof(t->host))
			return errorf(err, errlen, "malformed IPv6 address");
		hlen = (size_t)(rb - s - 1);
		memcpy(t->host, s + 1, hlen);
		t->host[hlen] = '\0';
		if (inet_pton(AF_INET6, t->host, &a6) != 1)
			return errorf(err, errlen, "malformed IPv6 address "
			    "\"%s\"", t->host);
		/* Its canonical form, as libcurl's URLs write it. */
		inet_ntop(AF_INET6, &a6, t->host, sizeof(t->host));
		colon = rb + 1 < end ? rb + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return errorf(err, errlen, "junk after IPv6 address");
	} else {
		colon = memchr(s, ':', len);
		hlen = colon ? (size_t)(colon - s) : len;
		if (hlen >= sizeof(t->host))
			return errorf(err, errlen, "host name too long");
		memcpy(t->host, s, hlen);
		t->host[hlen] = '\0';
		if (!valid_hostname(t->host))
			return errorf(err, errlen, "malformed host name \"%s\"",
			    t->host);
	}
	if (colon != NULL && parse_port(colon + 1, (size_t)(end - colon - 1),
	    &t->port) == -1)
		return errorf(err, errlen, "malformed port in \"%.*s\"",
		    (int)len, s);
	return 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The folder of a URL, decoded: "%20" is a blank of the folder's name.
 * A '?', '#' or blank as such would end the path (or make it no URL):
 * the folder name spells them %3F, %23 and %20.
 */
static int
decode_url_path(const char *p, char *out, size_t outlen, char *err,
    size_t errlen)
{
	size_t n = 0;

	for (; *p != '\0'; p++) {
		char c = *p;

		if (c == '?' || c == '#' || c == ' ')
			return errorf(err, errlen, "a '%c' in the URL's path: a "
			    "folder name spells it %s", c, c == '?' ? "%3F" :
			    c == '#' ? "%23" : "%20");
		if (c == '%') {
			if (hex_value(p[1]) < 0 || hex_value(p[2]) < 0)
				return errorf(err, errlen, "malformed %%-escape "
				    "in the URL's path");
			c = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
			p += 2;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return errorf(err, errlen, "path: a control character "
			    "the device cannot request");
		if (n + 1 >= outlen)
			return errorf(err, errlen, "path too long");
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* A folder (its name as the server knows it): begins and ends with '/',
 * no control characters. */
static int
set_path(struct target *t, const char *p, char *err, size_t errlen)
{
	size_t n = strlen(p);
	const char *c;

	for (c = p; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return errorf(err, errlen, "path: a control character "
			    "the device cannot request");
	if (n + 3 > sizeof(t->path))
		return errorf(err, errlen, "path too long");
	snprintf(t->path, sizeof(t->path), "%s%s%s", p[0] == '/' ? "" : "/",
	    p, (n > 0 && p[n - 1] == '/') ? "" : "/");
	if (strcmp(t->path, "//") == 0)
		strlcpy(t->path, "/", sizeof(t->path));
	return 0;
}

int
target_set_url(struct target *t, const char *url, char *err, size_t errlen)
{
	static const struct {
		const char		*scheme;
		enum target_proto	 proto;
	} schemes[] = {
		{ "http://", PROTO_HTTP },
		{ "https://", PROTO_HTTPS },
		{ "tftp://", PROTO_TFTP },
	};
	char path[TARGET_PATH_MAX];
	const char *auth = NULL, *slash;
	size_t i, alen;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i].scheme);

		if (strncasecmp(url, schemes[i].scheme, n) == 0) {
			t->proto = schemes[i].proto;
			auth = url + n;
			break;
		}
	}
	if (auth == NULL)
		return errorf(err, errlen, "\"%s\": the URL must begin with "
		    "http://, https:// or tftp://", url);
	slash = strchr(auth, '/');
	alen = slash ? (size_t)(slash - auth) : strlen(auth);
	if (memchr(auth, '@', alen) != NULL)
		return errorf(err, errlen, "credentials in the URL are refused "
		    "(they would show in process lists): use a user and a "
		    "password file");
	if (set_hostport(t, auth, alen, err, errlen) == -1 ||
	    decode_url_path(slash ? slash : "/", path, sizeof(path), err,
	    errlen) == -1)
		return -1;
	return set_path(t, path, err, errlen);
}

int
target_set_provisioning(struct target *t, const char *file, char *err,
    size_t errlen)
{
	struct provfile pf;

	if (provfile_load(file, &pf, err, errlen) == -1)
		return -1;
	/* The device's default transfer protocol is TFTP. */
	t->proto = pf.protocol == PROV_PROTO_HTTP ? PROTO_HTTP : PROTO_TFTP;
	if (set_hostport(t, pf.server, strlen(pf.server), err, errlen) == -1) {
		char why[256];

		strlcpy(why, err, sizeof(why));
		return errorf(err, errlen, "%s: %%NETWORK_FWU_SERVER%%: %s",
		    file, why);
	}
	if (pf.path[0] != '\0' && set_path(t, pf.path, err, errlen) == -1) {
		char why[256];

		strlcpy(why, err, sizeof(why));
		return errorf(err, errlen, "%s: %%FWU_TFTP_SERVER_PATH%%: %s",
		    file, why);
	}
	return 0;
}

int
target_set_password_file(struct target *t, const char *file, char *err,
    size_t errlen)
{
	return secret_read_file(file, t->password, sizeof(t->password), err,
	    errlen);
}

int
target_dns_count(const char *list)
{
	int n;

	if (*list == '\0')
		return 0;
	for (n = 1; *list != '\0'; list++)
		n += *list == ',';
	return n;
}

int
target_add_dns_server(struct target *t, const char *spec, char *err,
    size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8], buf[INET6_ADDRSTRLEN + 16];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *port = NULL;
	size_t len = strlen(spec), used = strlen(t->dns_servers);
	unsigned p = 53;
	int v6 = 0;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || (size_t)(rb - spec) >= sizeof(addr))
			return errorf(err, errlen, "DNS server \"%s\": malformed",
			    spec);
		memcpy(addr, spec + 1, (size_t)(rb - spec - 1));
		addr[rb - spec - 1] = '\0';
		port = rb[1] == ':' ? rb + 2 : (rb[1] ? "" : NULL);
		v6 = 1;
	} else if (strchr(spec, ':') != strrchr(spec, ':')) {
		if (len >= sizeof(addr))
			return errorf(err, errlen, "DNS server \"%s\": malformed",
			    spec);
		strlcpy(addr, spec, sizeof(addr));	/* bare IPv6 */
		v6 = 1;
	} else {
		const char *colon = strchr(spec, ':');
		size_t alen = colon ? (size_t)(colon - spec) : len;

		if (alen >= sizeof(addr))
			return errorf(err, errlen, "DNS server \"%s\": malformed",
			    spec);
		memcpy(addr, spec, alen);
		addr[alen] = '\0';
		port = colon ? colon + 1 : NULL;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
		return errorf(err, errlen, "DNS server \"%s\": an IP address is "
		    "needed (the base stations are given addresses too)", spec);
	if (port != NULL && parse_port(port, strlen(port), &p) == -1)
		return errorf(err, errlen, "DNS server \"%s\": malformed port",
		    spec);
	snprintf(buf, sizeof(buf), v6 ? "[%s]:%u" : "%s:%u", addr, p);
	if (target_dns_count(t->dns_servers) >= TARGET_DNS_SERVERS_MAX ||
	    used + strlen(buf) + 2 > sizeof(t->dns_servers))
		return errorf(err, errlen, "too many DNS servers (at most %d)",
		    TARGET_DNS_SERVERS_MAX);
	snprintf(t->dns_servers + used, sizeof(t->dns_servers) - used, "%s%s",
	    used ? "," : "", buf);
	return 0;
}

int
target_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; isdigit((unsigned char)*p); p++) {
		if (v > MAX_SIZE_LIMIT)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -1;
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024;
		p++;
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		p++;
		break;
	case 'g': case 'G':
		mult = 1024 * 1024 * 1024;
		p++;
		break;
	default:
		return -1;
	}
	if (*p != '\0' || v > MAX_SIZE_LIMIT / mult)
		return -1;
	*out = v * mult;
	return 0;
}

int
target_parse_seconds(const char *s, unsigned *out)
{
	unsigned v = 0;
	const char *p;

	for (p = s; isdigit((unsigned char)*p) && v <= TARGET_MAX_SECONDS; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (p == s || *p != '\0' || v == 0 || v > TARGET_MAX_SECONDS)
		return -1;
	*out = v;
	return 0;
}

static int
set_version(struct target *t, const char *v, char *err, size_t errlen)
{
	if (strlen(v) != 4 || strspn(v, "0123456789") != 4)
		return errorf(err, errlen, "version \"%s\": 4 digits expected "
		    "(e.g. 0790)", v);
	strlcpy(t->version, v, sizeof(t->version));
	return 0;
}

static int
set_language(struct target *t, const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0 || n >= sizeof(t->language) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != n)
		return errorf(err, errlen, "language \"%s\": a tag such as fr01 "
		    "expected", v);
	strlcpy(t->language, v, sizeof(t->language));
	return 0;
}

static int
set_bool(const char *v, int *out)
{
	if (strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "false") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* The DirFile's name follows the DirFile's own rule for file names. */
static int
set_dirfile(struct target *t, const char *v, char *err, size_t errlen)
{
	const char *why = dirfile_file_name_problem(v, strlen(v));

	if (why != NULL)
		return errorf(err, errlen, "dirFile: the file name%s", why);
	if (strlen(v) >= sizeof(t->dirfile))
		return errorf(err, errlen, "dirFile: longer than %zu bytes",
		    sizeof(t->dirfile) - 1);
	strlcpy(t->dirfile, v, sizeof(t->dirfile));
	return 0;
}

static int
set_user(struct target *t, const char *v, char *err, size_t errlen)
{
	if (strlen(v) >= sizeof(t->user) || strchr(v, ':'))
		return errorf(err, errlen, "user: too long or has ':'");
	strlcpy(t->user, v, sizeof(t->user));
	return 0;
}

static int
refuse_password(struct target *t, const char *v, char *err, size_t errlen)
{
	(void)t;
	(void)v;
	return errorf(err, errlen, "passwords are read only from a file: use "
	    "passwordFile=FILE (mode 600)");
}

static int
set_timeout(struct target *t, const char *v, char *err, size_t errlen)
{
	unsigned secs;

	if (target_parse_seconds(v, &secs) == -1)
		return errorf(err, errlen, "timeout \"%s\": whole seconds 1-%d "
		    "expected", v, TARGET_MAX_SECONDS);
	t->timeout_ms = secs * 1000;
	return 0;
}

static int
set_interval(struct target *t, const char *v, char *err, size_t errlen)
{
	if (target_parse_seconds(v, &t->interval) == -1)
		return errorf(err, errlen, "interval \"%s\": whole seconds "
		    "1-%d expected", v, TARGET_MAX_SECONDS);
	return 0;
}

static int
set_max_size(struct target *t, const char *v, char *err, size_t errlen)
{
	if (target_parse_size(v, &t->max_size) == -1 || t->max_size == 0)
		return errorf(err, errlen, "maxSize \"%s\": bytes with an "
		    "optional K, M or G expected", v);
	return 0;
}

static int
set_full_download(struct target *t, const char *v, char *err, size_t errlen)
{
	if (set_bool(v, &t->full_download) == -1)
		return errorf(err, errlen, "fullDownload: yes or no");
	return 0;
}

static int
set_insecure(struct target *t, const char *v, char *err, size_t errlen)
{
	if (set_bool(v, &t->insecure) == -1)
		return errorf(err, errlen, "insecure: yes or no");
	return 0;
}

static int
set_allow_loopback(struct target *t, const char *v, char *err, size_t errlen)
{
	if (set_bool(v, &t->allow_loopback) == -1)
		return errorf(err, errlen, "allowLoopback: yes or no");
	return 0;
}

/* The settings of a target line (updprobed.conf(5)) and the CLI. */
static const struct {
	const char	*key;
	int		(*set)(struct target *, const char *, char *, size_t);
} setters[] = {
	{ "version",		set_version },
	{ "language",		set_language },
	{ "user",		set_user },
	{ "passwordFile",	target_set_password_file },
	{ "password",		refuse_password },
	{ "dnsServer",		target_add_dns_server },
	{ "timeout",		set_timeout },
	{ "interval",		set_interval },
	{ "maxSize",		set_max_size },
	{ "dirFile",		set_dirfile },
	{ "fullDownload",	set_full_download },
	{ "insecure",		set_insecure },
	{ "allowLoopback",	set_allow_loopback },
};

int
target_set_option(struct target *t, const char *key, const char *value,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(setters) / sizeof(setters[0]); i++)
		if (strcmp(key, setters[i].key) == 0)
			return setters[i].set(t, value, err, errlen);
	return errorf(err, errlen, "unknown target setting \"%s\"", key);
}

unsigned
target_port(const struct target *t)
{
	if (t->port != 0)
		return t->port;
	switch (t->proto) {
	case PROTO_HTTPS:
		return 443;
	case PROTO_TFTP:
		return 69;
	default:
		return 80;
	}
}

static const char *
scheme(const struct target *t)
{
	return t->proto == PROTO_HTTPS ? "https" :
	    t->proto == PROTO_TFTP ? "tftp" : "http";
}

/*
 * A URL from its parts, with libcurl's URL API: the path (raw bytes, as
 * the server names the folder and file) is percent-encoded, so '#', '?',
 * '%', blanks and bytes >= 0x80 request exactly the named file (libcurl
 * decodes a TFTP path into the file name it sends).  port 0: none.
 * Returns 0, or -1 (nothing fits, or no memory) with buf "" or cut.
 */
static int
build_url(const char *scheme, const char *host, unsigned port,
    const char *path, char *buf, size_t len)
{
	CURLU *u = curl_url();
	char hp[TARGET_HOST_MAX + 4], num[16], *s = NULL;
	int rc = -1;

	snprintf(hp, sizeof(hp), strchr(host, ':') ? "[%s]" : "%s", host);
	snprintf(num, sizeof(num), "%u", port);
	if (u != NULL &&
	    curl_url_set(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_HOST, hp, 0) == CURLUE_OK &&
	    (port == 0 || curl_url_set(u, CURLUPART_PORT, num, 0) ==
	    CURLUE_OK) &&
	    curl_url_set(u, CURLUPART_PATH, path, CURLU_URLENCODE) ==
	    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
		rc = strlcpy(buf, s, len) < len ? 0 : -1;
	else if (len > 0)
		buf[0] = '\0';
	curl_free(s);
	curl_url_cleanup(u);
	return rc;
}

/* A URL without a host (code 6), which libcurl refuses to build: only
 * its path is libcurl's. */
static int
hostless_url(const char *scheme, unsigned port, const char *path, char *buf,
    size_t len)
{
	CURLU *u = curl_url();
	char num[16] = "", *s = NULL;
	int rc = -1;

	if (port != 0)
		snprintf(num, sizeof(num), ":%u", port);
	if (u != NULL &&
	    curl_url_set(u, CURLUPART_PATH, path, CURLU_URLENCODE) ==
	    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &s, 0) == CURLUE_OK)
		rc = (size_t)snprintf(buf, len, "%s://%s%s", scheme, num, s) <
		    len ? 0 : -1;
	else if (len > 0)
		buf[0] = '\0';
	curl_free(s);
	curl_url_cleanup(u);
	return rc;
}

int
target_url(const struct target *t, char *buf, size_t len)
{
	if (t->host[0] == '\0')
		return hostless_url(scheme(t), t->port, t->path, buf, len);
	return build_url(scheme(t), t->host, t->port, t->path, buf, len);
}

/*
 * HTTP keeps the host name in the URL (Host header, TLS name) and is
 * pinned to the resolved address elsewhere; TFTP has no names on the wire,
 * so its URL carries the address.  libcurl drops the first '/' of a TFTP
 * URL path, so the folder's own leading slash needs a second one.
 */
int
target_file_url(const struct target *t, const char *addr, const char *file,
    char *buf, size_t len)
{
	char path[TARGET_PATH_MAX + TARGET_FILE_NAME_MAX + 2];

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s",
	    t->proto == PROTO_TFTP ? "/" : "", t->path, file) >= sizeof(path)) {
		if (len > 0)
			buf[0] = '\0';
		return -1;
	}
	if (t->proto == PROTO_TFTP)
		return build_url("tftp", addr, target_port(t), path, buf, len);
	return build_url(scheme(t), t->host, t->port, path, buf, len);
}

const struct target_option target_options[] = {
	{ "firmware-version", "version", "V",
	  "firmware version to select (4 digits; default: the newest)" },
	{ "language", "language", "L", "language tag of the files (e.g. fr01)" },
	{ "user", "user", "U", "HTTP user (Basic or Digest)" },
	{ "password-file", "passwordFile", "F",
	  "file holding the password (mode 600)" },
	{ "dns-server", "dnsServer", "A[:P]",
	  "DNS server the base stations use (repeatable)" },
	{ "max-size", "maxSize", "N",
	  "largest firmware file accepted (K/M/G; default 8M)" },
	{ "dirfile-name", "dirFile", "NAME",
	  "name of the DirFile (default " TARGET_DEFAULT_DIRFILE ")" },
	{ "full", "fullDownload", NULL,
	  "download and check whole firmware files" },
	{ "insecure", "insecure", NULL, "do not verify TLS certificates" },
	{ "allow-loopback", "allowLoopback", NULL,
	  "accept a name that resolves to 127.x (server on this host)" },
};
const size_t target_noptions = sizeof(target_options) /
    sizeof(target_options[0]);
_Static_assert(sizeof(target_options) / sizeof(target_options[0]) <=
    TARGET_OPTIONS_MAX, "TARGET_OPTIONS_MAX is too small");

void
target_long_options(struct option *out, int base)
{
	size_t i;

	for (i = 0; i < target_noptions; i++) {
		out[i].name = target_options[i].name;
		out[i].has_arg = target_options[i].arg ? required_argument :
		    no_argument;
		out[i].flag = NULL;
		out[i].val = base + (int)i;
	}
}

int
target_apply_option(struct target *t, const struct target_option *o,
    const char *arg, char *err, size_t errlen)
{
	return target_set_option(t, o->key, o->arg != NULL ? arg : "yes", err,
	    errlen);
}

void
target_options_help(FILE *f)
{
	size_t i;

	for (i = 0; i < target_noptions; i++) {
		char opt[48];

		snprintf(opt, sizeof(opt), "--%s%s%s", target_options[i].name,
		    target_options[i].arg ? " " : "",
		    target_options[i].arg ? target_options[i].arg : "");
		fprintf(f, "  %-22s %s\n", opt, target_options[i].help);
	}
}
