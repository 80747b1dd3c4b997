/*
 * fuzz_target.c - libFuzzer target for the URL and option parsers of
 * agent/target.c: what a command line or a `target` line of
 * updprobed.conf can put into a struct target.
 *
 * Input, one item a line (LF; a NUL ends the line's string early; blank
 * lines are skipped):
 *	URL			first line: target_set_url()
 *	name=NAME		target_set_name()
 *	size=N[KMG]		target_parse_size(), against a reference
 *	seconds=N		target_parse_seconds(), against a reference
 *	file=NAME		a file for target_file_url() (default: the DirFile)
 *	addr=ADDRESS		the address for it (default 192.0.2.10)
 *	key=value		target_set_option() (passwordFile is skipped: it
 *				reads files, and files are not this target's input)
 *	anything else		target_add_dns_server()
 *
 * A failing setter must say why within errlen and write nothing past it;
 * the input then ends there, as for the callers (updprobe exits, updprobed
 * drops the line), which never use a target a setter refused.  After each
 * success the target is valid: terminated fields, a folder that begins and
 * ends with '/', a host the URL can carry, well-formed DNS servers, limits
 * in range.  At the end target_url() and target_file_url() stay terminated
 * in every buffer, the folder URL fits the probe's buffer and parses back
 * into the same target.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dirfile.h"
#include "fuzz.h"
#include "probe.h"
#include "target.h"
#include "util.h"

/* What updprobe.c and conf.c's target lines give the setters. */
#define USUAL_ERRLEN		512
/* Limits of target.c, repeated here as the reference's own. */
#define REF_MAX_SIZE		(1ULL << 40)
#define REF_MAX_SECONDS		3600
/* Buffer sizes for the URL builders besides the probe's own. */
static const size_t url_sizes[] = { PROBE_URL_MAX, 24, 1, 0 };

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
valid_port_text(const char *p, size_t n)
{
	unsigned long	v = 0;
	size_t		i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* "a.b.c.d:port" or "[v6]:port", comma-separated, as c-ares takes them. */
static void
check_dns_servers(const char *list)
{
	char	 copy[TARGET_DNS_MAX], *item, *save = NULL;
	char	 addr[TARGET_DNS_MAX];
	unsigned char bin[sizeof(struct in6_addr)];

	if (list[0] == '\0')
		return;
	CHECK(list[0] != ',' && list[strlen(list) - 1] != ',');
	CHECK(strstr(list, ",,") == NULL);
	strlcpy(copy, list, sizeof(copy));
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		const char *colon;

		if (item[0] == '[') {
			const char *rb = strstr(item, "]:");

			CHECK(rb != NULL);
			memcpy(addr, item + 1, (size_t)(rb - item - 1));
			addr[rb - item - 1] = '\0';
			CHECK(inet_pton(AF_INET6, addr, bin) == 1);
			colon = rb + 1;
		} else {
			colon = strrchr(item, ':');
			CHECK(colon != NULL);
			memcpy(addr, item, (size_t)(colon - item));
			addr[colon - item] = '\0';
			CHECK(inet_pton(AF_INET, addr, bin) == 1);
		}
		CHECK(valid_port_text(colon + 1, strlen(colon + 1)));
	}
}

/* Empty (code 6 later), a host name, or an IPv6 address (the [] removed). */
static void
check_host(const char *h)
{
	unsigned char	 bin[sizeof(struct in6_addr)];
	const char	*c;

	if (strchr(h, ':') != NULL) {
		CHECK(inet_pton(AF_INET6, h, bin) == 1);
		return;
	}
	for (c = h; *c != '\0'; c++)
		CHECK(isalnum((unsigned char)*c) || strchr("-._", *c) != NULL);
}

static void
check_target(const struct target *t)
{
	size_t	 n;
	const char *c;

	CHECK_TERMINATED(t->name);
	CHECK_TERMINATED(t->host);
	CHECK_TERMINATED(t->path);
	CHECK_TERMINATED(t->version);
	CHECK_TERMINATED(t->language);
	CHECK_TERMINATED(t->dirfile);
	CHECK_TERMINATED(t->user);
	CHECK_TERMINATED(t->password);
	CHECK_TERMINATED(t->dns_servers);
	CHECK(t->proto == PROTO_HTTP || t->proto == PROTO_HTTPS ||
	    t->proto == PROTO_TFTP);
	CHECK(t->port <= 65535);
	check_host(t->host);
	/* A folder, its name as the server knows it (URLs encode it): the
	 * file names are appended to it. */
	n = strlen(t->path);
	CHECK(n >= 1 && t->path[0] == '/' && t->path[n - 1] == '/');
	for (c = t->path; *c != '\0'; c++)
		CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
	CHECK(t->version[0] == '\0' ||
	    (strlen(t->version) == 4 && strspn(t->version, "0123456789") == 4));
	CHECK(strspn(t->language, "abcdefghijklmnopqrstuvwxyz0123456789") ==
	    strlen(t->language));
	/* The DirFile model's rule for file names. */
	CHECK(dirfile_file_name_problem(t->dirfile, strlen(t->dirfile)) ==
	    NULL);
	CHECK(strchr(t->user, ':') == NULL);
	/* Never set here: the password file setter is not fuzzed. */
	CHECK(t->password[0] == '\0');
	check_dns_servers(t->dns_servers);
	CHECK(t->max_size >= 1 && t->max_size <= REF_MAX_SIZE);
	CHECK(t->timeout_ms >= 1000 && t->timeout_ms <= REF_MAX_SECONDS * 1000);
	CHECK(t->timeout_ms % 1000 == 0);
	CHECK(t->interval <= REF_MAX_SECONDS);
	CHECK(t->full_download == 0 || t->full_download == 1);
	CHECK(t->insecure == 0 || t->insecure == 1);
}

/*
 * A setter's outcome: a failure says why; nothing past errlen either way.
 * Returns 0 if the input goes on.
 */
static int
check_setter(int rc, const struct msgbuf *err, const struct target *t)
{
	CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		msgbuf_check(err);
		if (err->len > 1)
			CHECK(err->buf[0] != '\0');
		return -1;
	}
	msgbuf_check_canary(err);
	check_target(t);
	return 0;
}

/* target_parse_size() as the README states it, with no shortcut. */
static int
ref_parse_size(const char *s, uint64_t *out)
{
	uint64_t	v = 0, mult = 1;
	const char	*p;

	for (p = s; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (uint64_t)(*p - '0')) > REF_MAX_SIZE)
			v = REF_MAX_SIZE + 1;	/* saturate */
	if (p == s)
		return -1;
	if (*p != '\0') {
		const char *m = strchr("kKmMgG", *p);

		if (m == NULL || p[1] != '\0')
			return -1;
		mult = 1ULL << (10 * (1 + (m - "kKmMgG") / 2));
	}
	if (v > REF_MAX_SIZE / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int
ref_parse_seconds(const char *s, unsigned *out)
{
	unsigned long	v = 0;
	const char	*p;

	for (p = s; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned long)(*p - '0')) > REF_MAX_SECONDS)
			v = REF_MAX_SECONDS + 1;
	if (p == s || *p != '\0' || v == 0 || v > REF_MAX_SECONDS)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void
check_parse_size(const char *s)
{
	uint64_t	got = 0, want = 0;
	int		rc = target_parse_size(s, &got);

	CHECK(rc == ref_parse_size(s, &want));
	if (rc == 0)
		CHECK(got == want);
}

static void
check_parse_seconds(const char *s)
{
	unsigned	got = 0, want = 0;
	int		rc = target_parse_seconds(s, &got);

	CHECK(rc == ref_parse_seconds(s, &want));
	if (rc == 0)
		CHECK(got == want);
}

/*
 * The URLs: terminated in every buffer; the folder URL (what the MIB and
 * the trace show) is never cut in the probe's buffer and parses back to
 * the same target.
 */
static void
check_urls(const struct target *t, const char *addr, const char *file)
{
	struct msgbuf	 b;
	struct target	 back;
	char		 url[PROBE_URL_MAX], err[USUAL_ERRLEN];
	size_t		 i;

	for (i = 0; i < sizeof(url_sizes) / sizeof(url_sizes[0]); i++) {
		target_url(t, msgbuf_init(&b, url_sizes[i]), b.len);
		msgbuf_check(&b);
		target_file_url(t, addr, file, msgbuf_init(&b, url_sizes[i]),
		    b.len);
		msgbuf_check(&b);
	}
	target_url(t, url, sizeof(url));
	CHECK(strlen(url) < sizeof(url) - 1);
	target_init(&back);
	if (target_set_url(&back, url, err, sizeof(err)) != 0) {
		fprintf(stderr, "URL \"%s\" does not parse back: %s\n", url, err);
		CHECK(!"target_url() output parses back");
	}
	CHECK(back.proto == t->proto);
	CHECK(strcmp(back.host, t->host) == 0);
	CHECK(back.port == t->port);
	CHECK(strcmp(back.path, t->path) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target	 t;
	struct msgbuf	 err;
	char		*text, *line, *next, *eq;
	const char	*addr = "192.0.2.10", *file = NULL;
	size_t		 lineno = 0;
	int		 rc = 0;

	/* Lines are C strings: the input once more, terminated. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	target_init(&t);
	check_target(&t);
	for (line = text; line != NULL && rc == 0; line = next, lineno++) {
		if ((next = memchr(line, '\n', (size_t)(text + size - line))))
			*next++ = '\0';
		msgbuf_init(&err, pick_errlen(size + lineno, USUAL_ERRLEN));
		if (lineno > 0 && line[0] == '\0')
			continue;	/* blank lines, the trailing LF */
		if (lineno == 0) {
			rc = check_setter(target_set_url(&t, line, err.buf,
			    err.len), &err, &t);
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL) {
			rc = check_setter(target_add_dns_server(&t, line,
			    err.buf, err.len), &err, &t);
			continue;
		}
		*eq++ = '\0';
		if (strcmp(line, "passwordFile") == 0)
			continue;
		if (strcmp(line, "name") == 0)
			rc = check_setter(target_set_name(&t, eq, err.buf,
			    err.len), &err, &t);
		else if (strcmp(line, "size") == 0)
			check_parse_size(eq);
		else if (strcmp(line, "seconds") == 0)
			check_parse_seconds(eq);
		else if (strcmp(line, "file") == 0)
			file = eq;
		else if (strcmp(line, "addr") == 0)
			addr = eq;
		else
			rc = check_setter(target_set_option(&t, line, eq,
			    err.buf, err.len), &err, &t);
	}
	if (rc == 0)
		check_urls(&t, addr, file != NULL ? file : t.dirfile);
	target_clear(&t);
	free(text);
	return 0;
}
