/*
 * settings.c - a target's settings as a whole: equality, hash, the line
 * people read, and the map of a fleet's distinct settings (settings.h).
 */
#include <inttypes.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "util.h"

/*
 * A tripwire: the comparisons below name every field of struct target.
 * A field added anywhere leaves a gap between two known fields (or after
 * the last), the build stops here, and the new field must be compared,
 * hashed and shown (or declared not a setting) before it builds again.
 */
#define FIELD_SIZE(f)	sizeof(((struct target *)0)->f)
#define FIELD_END(f)	(offsetof(struct target, f) + FIELD_SIZE(f))
#define FOLLOWS(a, b)	_Static_assert(offsetof(struct target, b) - \
	FIELD_END(a) < alignof(__typeof__(((struct target *)0)->b)), \
	"struct target has a field between " #a " and " #b \
	": settings.c must compare it")
FOLLOWS(name, proto);
FOLLOWS(proto, host);
FOLLOWS(host, port);
FOLLOWS(port, path);
FOLLOWS(path, version);
FOLLOWS(version, language);
FOLLOWS(language, dirfile);
FOLLOWS(dirfile, user);
FOLLOWS(user, password);
FOLLOWS(password, dns_servers);
FOLLOWS(dns_servers, max_size);
FOLLOWS(max_size, timeout_ms);
FOLLOWS(timeout_ms, interval);
FOLLOWS(interval, full_download);
FOLLOWS(full_download, insecure);
FOLLOWS(insecure, allow_loopback);
_Static_assert(offsetof(struct target, name) == 0 &&
    sizeof(struct target) - FIELD_END(allow_loopback) < alignof(struct target),
    "struct target has a field after allow_loopback: settings.c must "
    "compare it");

/* The settings a name is made of: all but the password and the
 * interval (which changes when, not what, a probe finds: updprobe's
 * report names a server as updprobed does). */
#define PUBLIC		0
#define WITH_SECRET	1

int
target_same_settings(const struct target *a, const struct target *b)
{
	return a->proto == b->proto && a->port == b->port &&
	    strcmp(a->host, b->host) == 0 && strcmp(a->path, b->path) == 0 &&
	    strcmp(a->version, b->version) == 0 &&
	    strcmp(a->language, b->language) == 0 &&
	    strcmp(a->dirfile, b->dirfile) == 0 &&
	    strcmp(a->user, b->user) == 0 &&
	    strcmp(a->password, b->password) == 0 &&
	    strcmp(a->dns_servers, b->dns_servers) == 0 &&
	    a->max_size == b->max_size && a->timeout_ms == b->timeout_ms &&
	    a->interval == b->interval &&
	    a->full_download == b->full_download &&
	    a->insecure == b->insecure &&
	    a->allow_loopback == b->allow_loopback;
}

/* FNV-1a, 64 bits: spread is all that matters (the tables compare). */
#define FNV64_BASIS	0xcbf29ce484222325ULL
#define FNV64_PRIME	0x100000001b3ULL

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n-- > 0) {
		h ^= *c++;
		h *= FNV64_PRIME;
	}
	return h;
}

/* A string with its terminating NUL, so "ab" + "c" differs from "a" + "bc". */
static uint64_t
fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

static uint64_t
fnv_u64(uint64_t h, uint64_t v)
{
	return fnv(h, &v, sizeof(v));
}

static uint64_t
hash(const struct target *t, int secret)
{
	uint64_t h = FNV64_BASIS;

	h = fnv_u64(h, (uint64_t)t->proto);
	h = fnv_str(h, t->host);
	h = fnv_u64(h, t->port);
	h = fnv_str(h, t->path);
	h = fnv_str(h, t->version);
	h = fnv_str(h, t->language);
	h = fnv_str(h, t->dirfile);
	h = fnv_str(h, t->user);
	if (secret)
		h = fnv_str(h, t->password);
	h = fnv_str(h, t->dns_servers);
	h = fnv_u64(h, t->max_size);
	h = fnv_u64(h, t->timeout_ms);
	if (secret)
		h = fnv_u64(h, t->interval);
	h = fnv_u64(h, (uint64_t)t->full_download);
	h = fnv_u64(h, (uint64_t)t->insecure);
	return fnv_u64(h, (uint64_t)t->allow_loopback);
}

uint64_t
target_settings_hash(const struct target *t)
{
	return hash(t, WITH_SECRET);
}

/* "8M", "512K" or bytes, as updprobed.conf writes it. */
static void
size_text(uint64_t v, char *buf, size_t len)
{
	if (v != 0 && v % (1024 * 1024) == 0)
		snprintf(buf, len, "%" PRIu64 "M", v / (1024 * 1024));
	else if (v != 0 && v % 1024 == 0)
		snprintf(buf, len, "%" PRIu64 "K", v / 1024);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

void
target_settings_line(const struct target *t, char *buf, size_t len)
{
	char size[32], interval[32] = "";

	size_text(t->max_size, size, sizeof(size));
	if (t->interval != 0)
		snprintf(interval, sizeof(interval), " interval=%u",
		    t->interval);
	snprintf(buf, len, "user=%s password=%s version=%s language=%s "
	    "dirFile=%s timeout=%u maxSize=%s%s dnsServer=%s%s%s%s",
	    t->user[0] ? t->user : "-", t->password[0] ? "set" : "none",
	    t->version[0] ? t->version : "newest",
	    t->language[0] ? t->language : "any", t->dirfile,
	    t->timeout_ms / 1000, size, interval,
	    t->dns_servers[0] ? t->dns_servers : "system",
	    t->allow_loopback ? " allowLoopback=yes" : "",
	    t->full_download ? " fullDownload=yes" : "",
	    t->insecure ? " insecure=yes" : "");
}

/* ------------------------------------------------------------------------
 * The map: open addressing with linear probing, kept at most half full,
 * two tables over the same entries (by settings, by name).
 */

struct sm_entry {
	const struct target	*key;
	void			*val;
	uint64_t		 hash;		/* target_settings_hash(key) */
	uint64_t		 nhash;		/* of name */
	char			 name[SETTINGS_NAME_MAX + 1];
};

struct table {
	struct sm_entry		**v;
	size_t			  n;		/* 0 or a power of two */
};

struct setmap {
	struct table		 by_settings, by_name;
	size_t			 count;
};

/* Two names for the same settings are told apart up to this suffix. */
#define NAME_SUFFIX_MAX	999
#define TABLE_MIN	64

static uint64_t
entry_hash(const struct sm_entry *e, int by_name)
{
	return by_name ? e->nhash : e->hash;
}

static void
table_put(struct table *tb, struct sm_entry *e, int by_name)
{
	size_t j = (size_t)entry_hash(e, by_name) & (tb->n - 1);

	while (tb->v[j] != NULL)
		j = (j + 1) & (tb->n - 1);
	tb->v[j] = e;
}

static int
table_grow(struct table *tb, size_t count, int by_name)
{
	struct table nt;
	size_t i;

	if ((count + 1) * 2 <= tb->n)
		return 0;
	nt.n = tb->n ? tb->n * 2 : TABLE_MIN;
	if ((nt.v = calloc(nt.n, sizeof(*nt.v))) == NULL)
		return -1;
	for (i = 0; i < tb->n; i++)
		if (tb->v[i] != NULL)
			table_put(&nt, tb->v[i], by_name);
	free(tb->v);
	*tb = nt;
	return 0;
}

/* Remove the slot of e; the entries after it move back (no tombstones). */
static void
table_del(struct table *tb, const struct sm_entry *e, int by_name)
{
	size_t mask = tb->n - 1, i, j, home;

	for (i = (size_t)entry_hash(e, by_name) & mask; tb->v[i] != e;
	    i = (i + 1) & mask)
		if (tb->v[i] == NULL)
			return;
	tb->v[i] = NULL;
	for (j = (i + 1) & mask; tb->v[j] != NULL; j = (j + 1) & mask) {
		home = (size_t)entry_hash(tb->v[j], by_name) & mask;
		/* Stays if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		tb->v[i] = tb->v[j];
		tb->v[j] = NULL;
		i = j;
	}
}

static struct sm_entry *
find_settings(const struct setmap *m, const struct target *t, uint64_t h)
{
	size_t j, mask = m->by_settings.n - 1;
	struct sm_entry *e;

	if (m->by_settings.n == 0)
		return NULL;
	for (j = (size_t)h & mask; (e = m->by_settings.v[j]) != NULL;
	    j = (j + 1) & mask)
		if (e->hash == h && target_same_settings(e->key, t))
			return e;
	return NULL;
}

static int
name_taken(const struct setmap *m, const char *name, uint64_t nh)
{
	size_t j, mask = m->by_name.n - 1;
	struct sm_entry *e;

	if (m->by_name.n == 0)
		return 0;
	for (j = (size_t)nh & mask; (e = m->by_name.v[j]) != NULL;
	    j = (j + 1) & mask)
		if (e->nhash == nh && strcmp(e->name, name) == 0)
			return 1;
	return 0;
}

/*
 * "<host>/<8 hex>" and, for the n-th (n >= 2) settings with that name,
 * ".n"; the host is cut so that the whole fits SETTINGS_NAME_MAX.
 */
static void
make_name(const struct target *t, uint32_t h, unsigned n, char *out,
    size_t outlen)
{
	char tail[24];
	size_t room;

	if (n < 2)
		snprintf(tail, sizeof(tail), "/%08" PRIx32, h);
	else
		snprintf(tail, sizeof(tail), "/%08" PRIx32 ".%u", h, n);
	room = SETTINGS_NAME_MAX - strlen(tail);
	snprintf(out, outlen, "%.*s%s", (int)room,
	    t->host[0] != '\0' ? t->host : "none", tail);
}

struct setmap *
setmap_new(void)
{
	return calloc(1, sizeof(struct setmap));
}

void
setmap_free(struct setmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->by_settings.n; i++)
		free(m->by_settings.v[i]);
	free(m->by_settings.v);
	free(m->by_name.v);
	free(m);
}

void *
setmap_find(const struct setmap *m, const struct target *t)
{
	struct sm_entry *e = find_settings(m, t, target_settings_hash(t));

	return e != NULL ? e->val : NULL;
}

int
setmap_add(struct setmap *m, const struct target *t, void *val, char *name,
    size_t namelen)
{
	uint64_t pub = hash(t, PUBLIC);
	uint32_t h32 = (uint32_t)(pub ^ (pub >> 32));
	struct sm_entry *e;
	unsigned n;

	if (table_grow(&m->by_settings, m->count, 0) == -1 ||
	    table_grow(&m->by_name, m->count, 1) == -1 ||
	    (e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	e->key = t;
	e->val = val;
	e->hash = target_settings_hash(t);
	for (n = 1; n <= NAME_SUFFIX_MAX; n++) {
		make_name(t, h32, n, e->name, sizeof(e->name));
		e->nhash = fnv_str(FNV64_BASIS, e->name);
		if (!name_taken(m, e->name, e->nhash))
			break;
	}
	table_put(&m->by_settings, e, 0);
	table_put(&m->by_name, e, 1);
	m->count++;
	strlcpy(name, e->name, namelen);
	return 0;
}

void
setmap_remove(struct setmap *m, const struct target *t)
{
	struct sm_entry *e = find_settings(m, t, target_settings_hash(t));

	if (e == NULL || e->key != t)
		return;
	table_del(&m->by_settings, e, 0);
	table_del(&m->by_name, e, 1);
	m->count--;
	free(e);
}

size_t
setmap_count(const struct setmap *m)
{
	return m->count;
}
