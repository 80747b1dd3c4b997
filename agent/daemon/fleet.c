/*
 * fleet.c - base stations from provisioning folders (fleet.h).
 *
 * A file is looked at (examine()) when a scan lists it or inotify names
 * it.  Its identity (inode, size, ctime) says whether it changed since
 * it was read; a changed file is read with the folder's settings as
 * defaults (target_set_provisioning(), the engine's reader: a regular
 * file, bounded, opened non-blocking), and the base station joins the
 * server of those settings (settings.h's map finds or makes it).  A
 * broken file leaves the base station without a server, with its error.
 *
 * Scans: a full scan looks at every file (stat); a listing scan, used
 * by the periodic rescan while inotify watches a local folder, compares
 * the names and inode numbers of the listing only (inotify reports
 * every change in place), and looks at links (their targets change
 * unseen) and what is new or replaced.  Files not listed any more go
 * at the end of a scan that read the whole folder.  A folder that
 * cannot be read keeps its base stations.
 */
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codes.h"
#include "fleet.h"
#include "log.h"
#include "provdir.h"
#include "settings.h"
#include "util.h"

/* A scan works this long, then lets the loop serve SNMP. */
#define SLICE_MS		10
/* ...checking the clock every so many entries. */
#define SLICE_CHECK		64
/* Changes inotify reports are applied this long after the first of a
 * batch: a file written in several steps is read once, when done. */
#define SETTLE_MS		100
/* Files named by inotify and waiting for SETTLE_MS; past it a full scan
 * of the folder is cheaper. */
#define PENDING_MAX		10000
/* The first probes of new servers are spread over this much time each
 * (at least the monitor's 10 s, at most their interval): 1,000 servers,
 * 50 s. */
#define SPREAD_PER_SERVER_MS	50
/* What the folder watch asks the kernel for. */
#define WATCH_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_DELETE | IN_CREATE | IN_ATTRIB | IN_DELETE_SELF | \
			 IN_MOVE_SELF | IN_ONLYDIR)
/* inotify reads: room for many events (each at most NAME_MAX + 17). */
#define EVENT_BUF		65536
/* Remote file systems: inotify sees only this host's changes there. */
#define NFS_MAGIC		0x6969
#define SMB_MAGIC		0x517B
#define CIFS_MAGIC		0xFF534D42
#define SMB2_MAGIC		0xFE534D42
#define FUSE_MAGIC		0x65735546
#define V9FS_MAGIC		0x01021997
#define CEPH_MAGIC		0x00C36400
#define AFS_MAGIC		0x5346414F

/* How much of a folder a scan looks at. */
enum scan_kind {
	SCAN_NONE = 0,
	SCAN_LISTING,		/* names and inode numbers, links */
	SCAN_FULL,		/* every file's identity */
	SCAN_FORCE		/* every file read again */
};

struct pending {
	struct fleet_dir	*dir;
	uint32_t		 mask;
	char			 file[];
};

struct fleet_dir {
	struct fleet_dir	*next;
	char			*path;
	char			 pattern[PROVDIR_NAME_MAX + 1];
	const char		*ext;		/* in pattern */
	struct target		 tmpl;		/* owns the password */
	int			 dfd;		/* the folder, -1 if not open */
	dev_t			 dev;		/* of the folder opened */
	ino_t			 ino;
	int			 wd;		/* inotify, -1 if none */
	int			 remote;	/* inotify would miss changes */
	int			 broken;	/* could not be read (logged) */
	enum scan_kind		 want;		/* the next scan */
	uint32_t		 gen;		/* the current or last scan */
	size_t			 count;		/* its base stations */
	/* Files refused (their names, sorted), as of the last scan. */
	char			**refused;
	size_t			 nrefused;
	char			**refusing;	/* being collected */
	size_t			 nrefusing, caprefusing;
	int			 gone;		/* dropped by a reload */
};

/* The scan in progress. */
struct scan {
	struct fleet_dir	*dir;		/* NULL: none */
	DIR			*dp;
	enum scan_kind		 kind;
	int			 asap;		/* new servers probed at once */
	uint64_t		 started;	/* loop ms */
	struct timespec		 cpu;		/* CPU time spent so far */
	size_t			 files, read, added, removed;
};

struct fleet {
	struct loop		*loop;
	struct monitor		*mon;
	struct fleet_hooks	 h;
	struct fleet_dir	*dirs;
	struct setmap		*map;		/* settings to servers */
	/* Base stations by name: open addressing, at most half full. */
	struct fleet_bs		**slots;
	size_t			 nslots, count;
	size_t			 broken;
	unsigned		 rescan;	/* seconds */

	int			 ifd;		/* inotify, -1 if none */
	struct pending		**pending;
	size_t			 npending, cappending;

	struct scan		 scan;
	struct fleet_server	*waiting;	/* to start when it ends */
	uint64_t		 round_started;	/* loop ms, 0: no round */
	uint32_t		 rescan_ms;
	time_t			 last_rescan;
	int			 initial;	/* scanning before serving */

	struct loop_timer	 scan_timer;	/* the next slice */
	struct loop_timer	 rescan_timer;	/* the periodic rescan */
	struct loop_timer	 settle_timer;	/* inotify's batch */
	int			 ntimers;	/* of them set up */
};

static void	kick(struct fleet *);

/* ------------------------------------------------------------------------
 * Base stations by name.
 */

static size_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

struct fleet_bs *
fleet_find(const struct fleet *f, const char *name)
{
	size_t j, mask = f->nslots - 1;
	struct fleet_bs *b;

	if (f->nslots == 0)
		return NULL;
	for (j = name_hash(name) & mask; (b = f->slots[j]) != NULL;
	    j = (j + 1) & mask)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

static void
slot_put(struct fleet_bs **v, size_t n, struct fleet_bs *b)
{
	size_t j = name_hash(b->name) & (n - 1);

	while (v[j] != NULL)
		j = (j + 1) & (n - 1);
	v[j] = b;
}

static int
slots_grow(struct fleet *f)
{
	struct fleet_bs **v;
	size_t n, i;

	if ((f->count + 1) * 2 <= f->nslots)
		return 0;
	n = f->nslots ? f->nslots * 2 : 1024;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < f->nslots; i++)
		if (f->slots[i] != NULL)
			slot_put(v, n, f->slots[i]);
	free(f->slots);
	f->slots = v;
	f->nslots = n;
	return 0;
}

/* Linear probing: the entries after a removed one move back. */
static void
slot_del(struct fleet *f, const struct fleet_bs *b)
{
	size_t mask = f->nslots - 1, i, j, home;

	for (i = name_hash(b->name) & mask; f->slots[i] != b;
	    i = (i + 1) & mask)
		if (f->slots[i] == NULL)
			return;
	f->slots[i] = NULL;
	for (j = (i + 1) & mask; f->slots[j] != NULL; j = (j + 1) & mask) {
		home = name_hash(f->slots[j]->name) & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		f->slots[i] = f->slots[j];
		f->slots[j] = NULL;
		i = j;
	}
}

/* ------------------------------------------------------------------------
 * Notifications: fanout.h decides, the hooks send.
 */

/* The code a base station's row shows. */
int
fleet_bs_code(const struct fleet_bs *b)
{
	if (b->error != NULL)
		return M3_SERVER_NOT_SPECIFIED;
	return b->srv != NULL ? b->srv->mt->c.confirmed : CONFIRM_NOT_PROBED;
}

static void
announce(struct fleet *f, struct fleet_bs *b, unsigned bits, int previous)
{
	static const struct {
		unsigned	 bit;
		enum mon_event	 ev;
	} order[] = {
		{ CONFIRM_EV_CODE_CHANGE, MON_EV_CODE_CHANGE },
		{ CONFIRM_EV_PROBLEM, MON_EV_PROBLEM },
		{ CONFIRM_EV_CLEARED, MON_EV_CLEARED },
	};
	enum probe_step step = b->error ? STEP_CONFIG : b->srv->mt->step;
	const char *detail = b->error ? b->error : b->srv->mt->detail;
	size_t i;

	if (f->h.bs_event == NULL)
		return;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bits & order[i].bit)
			f->h.bs_event(b, order[i].ev, b->fan.shown, previous,
			    step, detail, f->h.arg);
}

/* The base station's code may have changed for a reason of its own. */
static void
reflect(struct fleet *f, struct fleet_bs *b)
{
	int previous;
	unsigned bits = fanout_own(&b->fan, fleet_bs_code(b), &previous);

	if (bits != 0)
		announce(f, b, bits, previous);
}

/*
 * A server's confirmed code is new: shared, it speaks for its base
 * stations (which announce only the end of an alarm of their own); used
 * by one, that base station speaks.
 */
void
fleet_server_changed(struct fleet *f, struct mon_target *mt, unsigned events)
{
	static const struct {
		unsigned	 bit;
		enum mon_event	 ev;
	} order[] = {
		{ CONFIRM_EV_CODE_CHANGE, MON_EV_CODE_CHANGE },
		{ CONFIRM_EV_PROBLEM, MON_EV_PROBLEM },
		{ CONFIRM_EV_CLEARED, MON_EV_CLEARED },
	};
	struct fleet_server *srv = mt->owner;
	struct fleet_bs *b;
	unsigned bits;
	size_t i;
	int previous;

	if (srv == NULL)
		return;
	if (!fanout_server_level(srv->count, srv->open)) {
		if (srv->count == 1)
			reflect(f, srv->head);
		return;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(events & order[i].bit))
			continue;
		if (f->h.server_event != NULL)
			f->h.server_event(mt, order[i].ev, srv->count,
			    f->h.arg);
		if (order[i].ev == MON_EV_PROBLEM)
			srv->open = 1;
		else if (order[i].ev == MON_EV_CLEARED)
			srv->open = 0;
	}
	for (b = srv->head; b != NULL; b = b->snext)
		if ((bits = fanout_shared(&b->fan, mt->c.confirmed,
		    &previous)) != 0)
			announce(f, b, bits, previous);
}

/* ------------------------------------------------------------------------
 * Servers.
 */

static void
unwait(struct fleet *f, struct fleet_server *srv)
{
	if (!srv->waiting)
		return;
	if (srv->wprev != NULL)
		srv->wprev->wnext = srv->wnext;
	else
		f->waiting = srv->wnext;
	if (srv->wnext != NULL)
		srv->wnext->wprev = srv->wprev;
	srv->wnext = srv->wprev = NULL;
	srv->waiting = 0;
}

/*
 * The servers a scan made are started when it ends, their first probes
 * spread from then (not all due at once after a long scan), over
 * SPREAD_PER_SERVER_MS each: their peak of probes in flight (a probe
 * holds about 100 KiB while it runs) stays low however many there are.
 */
static void
start_waiting(struct fleet *f)
{
	struct fleet_server *srv;
	uint64_t n = 0;

	for (srv = f->waiting; srv != NULL; srv = srv->wnext)
		n++;
	while ((srv = f->waiting) != NULL) {
		unwait(f, srv);
		monitor_shared_start(f->mon, srv->mt, 0,
		    n * SPREAD_PER_SERVER_MS);
	}
}

/* asap: made for a single file (inotify, ProbeNow): probed at once. */
static struct fleet_server *
server_get(struct fleet *f, const struct target *t, int asap)
{
	struct fleet_server *srv;
	struct mon_target *mt;

	if ((srv = setmap_find(f->map, t)) != NULL)
		return srv;
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	if ((mt = monitor_shared_new(f->mon, t)) == NULL) {
		free(srv);
		return NULL;
	}
	if (setmap_add(f->map, &mt->t, srv, mt->t.name,
	    sizeof(mt->t.name)) == -1) {
		monitor_shared_free(f->mon, mt);
		free(srv);
		return NULL;
	}
	srv->mt = mt;
	mt->owner = srv;
	if (asap)
		monitor_shared_start(f->mon, mt, 1, 0);
	else {
		srv->waiting = 1;
		srv->wnext = f->waiting;
		if (f->waiting != NULL)
			f->waiting->wprev = srv;
		f->waiting = srv;
	}
	return srv;
}

/* No base station uses it any more: its alarm, if open, is cleared. */
static void
server_drop(struct fleet *f, struct fleet_server *srv)
{
	if (srv->open && f->h.server_event != NULL)
		f->h.server_event(srv->mt, MON_EV_CLEARED, 0, f->h.arg);
	unwait(f, srv);
	setmap_remove(f->map, &srv->mt->t);
	monitor_shared_free(f->mon, srv->mt);
	free(srv);
}

static void
attach(struct fleet_bs *b, struct fleet_server *srv)
{
	b->srv = srv;
	b->sprev = NULL;
	b->snext = srv->head;
	if (srv->head != NULL)
		srv->head->sprev = b;
	srv->head = b;
	srv->count++;
}

static void
detach(struct fleet *f, struct fleet_bs *b)
{
	struct fleet_server *srv = b->srv;

	if (srv == NULL)
		return;
	if (b->sprev != NULL)
		b->sprev->snext = b->snext;
	else
		srv->head = b->snext;
	if (b->snext != NULL)
		b->snext->sprev = b->sprev;
	b->snext = b->sprev = NULL;
	b->srv = NULL;
	if (--srv->count == 0)
		server_drop(f, srv);
}

uint32_t
fleet_base_stations(const struct mon_target *mt)
{
	const struct fleet_server *srv = mt->owner;

	return mt->kind == MON_SHARED && srv != NULL ? srv->count : 0;
}

/* ------------------------------------------------------------------------
 * Base stations.
 */

static struct fleet_bs *
bs_new(struct fleet *f, struct fleet_dir *d, const char *name)
{
	size_t n = strlen(name);
	struct fleet_bs *b;

	if (slots_grow(f) == -1 || (b = calloc(1, sizeof(*b) + n + 1)) == NULL)
		return NULL;
	memcpy(b->name, name, n + 1);
	b->namelen = (uint8_t)n;
	b->dir = d;
	fanout_init(&b->fan);
	slot_put(f->slots, f->nslots, b);
	f->count++;
	d->count++;
	if (f->h.added != NULL)
		f->h.added(b, f->h.arg);
	return b;
}

static void
bs_set_ok(struct fleet *f, struct fleet_bs *b)
{
	if (b->error == NULL)
		return;
	free(b->error);
	b->error = NULL;
	f->broken--;
}

static void
bs_free(struct fleet *f, struct fleet_bs *b)
{
	detach(f, b);
	bs_set_ok(f, b);
	slot_del(f, b);
	f->count--;
	b->dir->count--;
	if (f->h.removed != NULL)
		f->h.removed(b, f->h.arg);
	free(b);
}

/* The file is broken: no server, the reason in the row. */
static void
bs_broken(struct fleet *f, struct fleet_bs *b, const char *why)
{
	char *e;

	b->checked = (uint32_t)time(NULL);
	if (b->error != NULL && strcmp(b->error, why) == 0)
		return;
	if ((e = strdup(why)) == NULL)
		return;		/* out of memory: the old state stays */
	detach(f, b);
	if (b->error == NULL) {
		f->broken++;
		b->since = b->checked;
		log_warnx("base station %s: %s", b->name, why);
	}
	free(b->error);
	b->error = e;
	reflect(f, b);
}

/* The file gives the settings t. */
static void
bs_settings(struct fleet *f, struct fleet_bs *b, const struct target *t,
    int asap)
{
	struct fleet_server *srv;

	if ((srv = server_get(f, t, asap)) == NULL) {
		bs_broken(f, b, "out of memory for its settings");
		return;
	}
	if (b->error != NULL)
		log_info("base station %s: its provisioning file is fixed",
		    b->name);
	bs_set_ok(f, b);
	if (b->srv != srv) {
		detach(f, b);		/* the old server may go */
		attach(b, srv);
		b->since = (uint32_t)time(NULL);
	}
	reflect(f, b);
}

void
fleet_bs_path(const struct fleet_bs *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s", b->dir->path, b->name, b->dir->ext);
}

unsigned
fleet_bs_interval(const struct fleet *f, const struct fleet_bs *b)
{
	return b->srv != NULL ? b->srv->mt->interval : f->rescan;
}

/* ------------------------------------------------------------------------
 * Files refused (no row): logged once, counted.
 */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
was_refused(const struct fleet_dir *d, const char *file)
{
	return d->nrefused > 0 && bsearch(&file, d->refused, d->nrefused,
	    sizeof(*d->refused), cmp_str) != NULL;
}

static void
free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A file of d that gives no row; in a scan it is collected, outside one
 * it joins the last scan's list. */
static void
refuse(struct fleet *f, struct fleet_dir *d, const char *file,
    const char *why)
{
	int in_scan = f->scan.dir == d;
	char ***v = in_scan ? &d->refusing : &d->refused;
	size_t *n = in_scan ? &d->nrefusing : &d->nrefused;
	char **nv, *s;

	if (!was_refused(d, file))
		log_warnx("provisioningDir %s: %s: %s; it is not a base "
		    "station", d->path, file, why);
	else if (!in_scan)
		return;
	if (in_scan && *n == d->caprefusing) {
		size_t cap = d->caprefusing ? d->caprefusing * 2 : 16;

		if ((nv = reallocarray(*v, cap, sizeof(*nv))) == NULL)
			return;
		*v = nv;
		d->caprefusing = cap;
	} else if (!in_scan) {
		if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL)
			return;
		*v = nv;
	}
	if ((s = strdup(file)) == NULL)
		return;
	(*v)[(*n)++] = s;
	if (!in_scan)
		qsort(*v, *n, sizeof(**v), cmp_str);
}

size_t
fleet_refused(const struct fleet *f)
{
	const struct fleet_dir *d;
	size_t n = 0;

	for (d = f->dirs; d != NULL; d = d->next)
		n += d->nrefused;
	return n;
}

/* ------------------------------------------------------------------------
 * One file.
 */

/* Sizes past 32 bits are one size: such a file is refused anyway. */
static uint32_t
file_size(const struct stat *st)
{
	return st->st_size > (off_t)UINT32_MAX ? UINT32_MAX :
	    (uint32_t)st->st_size;
}

static int
same_file(const struct fleet_bs *b, const struct stat *st)
{
	return b->ino == (uint64_t)st->st_ino && b->size == file_size(st) &&
	    b->ctime_ns == (int64_t)st->st_ctim.tv_sec * 1000000000 +
	    st->st_ctim.tv_nsec;
}

/* The reader's message without the folder (the row names the file). */
static const char *
short_message(const struct fleet_dir *d, const char *msg)
{
	size_t n = strlen(d->path);

	if (strncmp(msg, d->path, n) == 0 && msg[n] == '/')
		return msg + n + 1;
	return msg;
}

/*
 * Look at file of d (ino, dtype: from the listing, or 0 / DT_UNKNOWN).
 * kind: SCAN_LISTING may trust an unchanged inode number; SCAN_FORCE
 * reads the file whatever its identity.  Returns 1 if the file matches
 * the folder's pattern (a base station's, or refused), else 0.
 */
static int
examine(struct fleet *f, struct fleet_dir *d, const char *file,
    uint64_t ino, unsigned char dtype, enum scan_kind kind, int asap)
{
	char name[PROVDIR_NAME_MAX + 1], path[PATH_MAX], err[512], why[600];
	struct fleet_bs *b;
	struct target t;
	struct stat st;
	int rc;

	if (provdir_name(d->pattern, file, name, sizeof(name)) == -1)
		return 0;
	if ((b = fleet_find(f, name)) != NULL && b->dir != d) {
		refuse(f, d, file, "its name is taken by a base station of "
		    "another folder");
		return 1;
	}
	if (b == NULL && target_set_name(&t, name, err, sizeof(err)) == -1) {
		refuse(f, d, file, err);
		return 1;
	}
	if (b == NULL && monitor_find(f->mon, name) != NULL) {
		refuse(f, d, file, "its name is a target's of the "
		    "configuration");
		return 1;
	}
	/* A listing names a regular file by its own inode: unchanged, and
	 * inotify would have told of a change in place. */
	if (b != NULL && kind == SCAN_LISTING && b->ino == ino &&
	    dtype == DT_REG && b->error == NULL) {
		b->gen = d->gen;
		return 1;
	}
	if (fstatat(d->dfd, file, &st, 0) == -1) {
		if (errno == ENOENT) {	/* gone (or a dangling link) */
			if (b != NULL) {
				bs_free(f, b);
				f->scan.removed++;
			}
			return 1;
		}
		snprintf(why, sizeof(why), "provisioning file %s: %s", file,
		    strerror(errno));
		memset(&st, 0, sizeof(st));
	} else if (b != NULL && kind != SCAN_FORCE && same_file(b, &st)) {
		b->gen = d->gen;
		if (b->error != NULL)
			b->checked = (uint32_t)time(NULL);
		return 1;
	} else
		why[0] = '\0';
	if (b == NULL) {
		if ((b = bs_new(f, d, name)) == NULL) {
			log_warnx("provisioningDir %s: %s: out of memory",
			    d->path, file);
			return 1;
		}
		f->scan.added++;
	}
	b->gen = d->gen;
	b->ino = (uint64_t)st.st_ino;
	b->size = file_size(&st);
	b->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 +
	    st.st_ctim.tv_nsec;
	if (why[0] != '\0') {
		bs_broken(f, b, why);
		return 1;
	}
	f->scan.read++;
	t = d->tmpl;
	if (snprintf(path, sizeof(path), "%s/%s", d->path, file) >=
	    (int)sizeof(path))
		rc = errorf(err, sizeof(err), "%s: path too long", file);
	else if (!S_ISREG(st.st_mode))
		rc = errorf(err, sizeof(err), "%s: not a regular file", file);
	else
		rc = target_set_provisioning(&t, path, err, sizeof(err));
	if (rc == 0) {
		strlcpy(t.name, b->name, sizeof(t.name));
		bs_settings(f, b, &t, asap);
	} else {
		snprintf(why, sizeof(why), "provisioning file %s",
		    short_message(d, err));
		bs_broken(f, b, why);
	}
	target_clear(&t);
	return 1;
}

void
fleet_probe_now(struct fleet *f, struct fleet_bs *b)
{
	char file[PROVDIR_NAME_MAX + 1], name[TARGET_NAME_MAX + 1];
	struct fleet_dir *d = b->dir;

	log_info("base station %s: probe requested over SNMP", b->name);
	/* Its file first (it may have changed, or gone: b with it). */
	strlcpy(name, b->name, sizeof(name));
	if (d->dfd != -1 && snprintf(file, sizeof(file), "%s%s", name,
	    d->ext) < (int)sizeof(file))
		(void)examine(f, d, file, 0, DT_UNKNOWN, SCAN_FULL, 1);
	if ((b = fleet_find(f, name)) != NULL && b->srv != NULL)
		monitor_probe_now(f->mon, b->srv->mt);
	if (f->h.settled != NULL)
		f->h.settled(f->h.arg);
}

/* ------------------------------------------------------------------------
 * Folders: opening, watching, scanning.
 */

static void
timespec_add_since(struct timespec *acc, const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	acc->tv_sec += t1.tv_sec - t0->tv_sec;
	acc->tv_nsec += t1.tv_nsec - t0->tv_nsec;
	while (acc->tv_nsec < 0) {
		acc->tv_nsec += 1000000000;
		acc->tv_sec--;
	}
	while (acc->tv_nsec >= 1000000000) {
		acc->tv_nsec -= 1000000000;
		acc->tv_sec++;
	}
}

static unsigned long
timespec_ms(const struct timespec *t)
{
	return (unsigned long)t->tv_sec * 1000 +
	    (unsigned long)t->tv_nsec / 1000000;
}

static int
remote_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) == -1)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case NFS_MAGIC: case SMB_MAGIC: case CIFS_MAGIC: case SMB2_MAGIC:
	case FUSE_MAGIC: case V9FS_MAGIC: case CEPH_MAGIC: case AFS_MAGIC:
		return 1;
	}
	return 0;
}

/* (Re)watch d with inotify; the watch of a folder replaced by another
 * (a moved or re-created path) is dropped. */
static void
watch(struct fleet *f, struct fleet_dir *d, const struct stat *st)
{
	int wd;

	if (f->ifd == -1)
		return;
	if (d->wd != -1 && d->dev == st->st_dev && d->ino == st->st_ino)
		return;
	if (d->wd != -1)
		(void)inotify_rm_watch(f->ifd, d->wd);
	d->wd = -1;
	if ((wd = inotify_add_watch(f->ifd, d->path, WATCH_MASK)) == -1) {
		log_warn("provisioningDir %s: inotify (changes are seen at "
		    "the rescans only)", d->path);
		return;
	}
	d->wd = wd;
}

/* Open d for a scan: its listing in f->scan.dp, its descriptor in d. */
static int
open_dir(struct fleet *f, struct fleet_dir *d)
{
	struct stat st;
	int fd;

	if ((fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NONBLOCK)) == -1 || fstat(fd, &st) == -1) {
		if (!d->broken)
			log_warn("provisioningDir %s: cannot be read, its %zu "
			    "base stations are kept; tried again at the next "
			    "rescan", d->path, d->count);
		if (fd != -1)
			close(fd);
		d->broken = 1;
		return -1;
	}
	if (d->broken)
		log_info("provisioningDir %s: can be read again", d->path);
	d->broken = 0;
	watch(f, d, &st);
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->remote = remote_fs(fd);
	if (d->dfd != -1)
		close(d->dfd);
	if ((d->dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (f->scan.dp = fdopendir(fd)) == NULL) {
		log_warn("provisioningDir %s", d->path);
		close(fd);
		return -1;
	}
	return 0;
}

/* The base stations of d that the scan did not see: their files went. */
static void
sweep(struct fleet *f, struct fleet_dir *d)
{
	struct fleet_bs **gone;
	size_t i, n = 0;

	if (d->count == 0)
		return;
	if ((gone = calloc(d->count, sizeof(*gone))) == NULL)
		return;
	for (i = 0; i < f->nslots && n < d->count; i++) {
		struct fleet_bs *b = f->slots[i];

		if (b != NULL && b->dir == d && b->gen != d->gen)
			gone[n++] = b;
	}
	for (i = 0; i < n; i++)
		bs_free(f, gone[i]);
	f->scan.removed += n;
	free(gone);
}

static const char *
kind_name(enum scan_kind k)
{
	return k == SCAN_LISTING ? "listing" : k == SCAN_FORCE ?
	    "every file read" : "full";
}

/* The scan of a folder ended (complete: the listing was read through). */
static void
scan_end(struct fleet *f, int complete)
{
	struct scan *sc = &f->scan;
	struct fleet_dir *d = sc->dir;

	if (sc->dp != NULL)
		closedir(sc->dp);
	sc->dp = NULL;
	if (complete) {
		sweep(f, d);
		free_names(d->refused, d->nrefused);
		d->refused = d->refusing;
		d->nrefused = d->nrefusing;
		if (d->nrefused > 0)
			qsort(d->refused, d->nrefused, sizeof(*d->refused),
			    cmp_str);
	} else
		free_names(d->refusing, d->nrefusing);
	d->refusing = NULL;
	d->nrefusing = d->caprefusing = 0;
	start_waiting(f);
	log_info("provisioningDir %s: %s scan: %zu files, %zu base stations "
	    "(%zu read, %zu new, %zu gone, %zu refused) in %llu ms, %lu ms CPU",
	    d->path, kind_name(sc->kind), sc->files, d->count, sc->read,
	    sc->added, sc->removed, d->nrefused,
	    (unsigned long long)(loop_clock_ms() - sc->started),
	    timespec_ms(&sc->cpu));
	sc->dir = NULL;
}

/* Work on the scan for at most SLICE_MS (no limit before serving). */
static void
scan_slice(struct fleet *f)
{
	struct scan *sc = &f->scan;
	struct fleet_dir *d = sc->dir;
	struct timespec t0;
	uint64_t until = loop_clock_ms() + SLICE_MS;
	struct dirent *de;
	size_t k;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (k = 1;; k++) {
		errno = 0;
		if ((de = readdir(sc->dp)) == NULL) {
			int e = errno;

			if (e != 0)
				log_warnx("provisioningDir %s: %s; its base "
				    "stations are kept", d->path, strerror(e));
			timespec_add_since(&sc->cpu, &t0);
			scan_end(f, e == 0);
			return;
		}
		sc->files += (size_t)examine(f, d, de->d_name,
		    (uint64_t)de->d_ino, de->d_type, sc->kind, sc->asap);
		if (!f->initial && k % SLICE_CHECK == 0 &&
		    loop_clock_ms() >= until)
			break;
	}
	timespec_add_since(&sc->cpu, &t0);
}

/* Start the next folder's scan; 0 if none is wanted. */
static int
scan_next(struct fleet *f)
{
	struct scan *sc = &f->scan;
	struct fleet_dir *d;

	for (d = f->dirs; d != NULL && d->want == SCAN_NONE; d = d->next)
		;
	if (d == NULL)
		return 0;
	memset(sc, 0, sizeof(*sc));
	sc->kind = d->want;
	/* Local, watched and healthy: the listing shows what inotify may
	 * not have said; else every file is looked at. */
	if (sc->kind == SCAN_LISTING && (d->wd == -1 || d->remote ||
	    f->ifd == -1))
		sc->kind = SCAN_FULL;
	d->want = SCAN_NONE;
	sc->asap = 0;
	sc->started = loop_clock_ms();
	if (f->round_started == 0)
		f->round_started = sc->started;
	if (open_dir(f, d) == -1)
		return 1;	/* nothing to scan: its rows stay */
	sc->dir = d;
	d->gen++;
	return 1;
}

static void
round_end(struct fleet *f)
{
	if (f->round_started == 0)
		return;
	f->rescan_ms = (uint32_t)(loop_clock_ms() - f->round_started);
	f->last_rescan = time(NULL);
	f->round_started = 0;
	log_info("provisioning folders scanned in %u ms: %zu base stations, "
	    "%zu servers, %zu broken files, %zu refused", f->rescan_ms,
	    f->count, setmap_count(f->map), f->broken, fleet_refused(f));
}

/* The scan timer: one slice, then the loop; the next folder after. */
static void
on_scan_timer(void *arg)
{
	struct fleet *f = arg;

	if (f->scan.dir == NULL && !scan_next(f)) {
		round_end(f);
		return;
	}
	if (f->scan.dir != NULL)
		scan_slice(f);
	if (f->h.settled != NULL)
		f->h.settled(f->h.arg);
	loop_timer_set(f->loop, &f->scan_timer, 0);
}

/* Scans are wanted: run them from the loop. */
static void
kick(struct fleet *f)
{
	if (!loop_timer_armed(&f->scan_timer))
		loop_timer_set(f->loop, &f->scan_timer, 0);
}

static void
want(struct fleet_dir *d, enum scan_kind k)
{
	if (k > d->want)
		d->want = k;
}

static void
on_rescan_timer(void *arg)
{
	struct fleet *f = arg;
	struct fleet_dir *d;

	for (d = f->dirs; d != NULL; d = d->next)
		want(d, SCAN_LISTING);
	kick(f);
	loop_timer_set(f->loop, &f->rescan_timer, (uint64_t)f->rescan * 1000);
}

/* ------------------------------------------------------------------------
 * inotify: single files as they change.
 */

static struct fleet_dir *
dir_of_wd(struct fleet *f, int wd)
{
	struct fleet_dir *d;

	for (d = f->dirs; d != NULL; d = d->next)
		if (d->wd == wd)
			return d;
	return NULL;
}

static void
pending_clear(struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->npending; i++)
		free(f->pending[i]);
	f->npending = 0;
}

static void
pending_add(struct fleet *f, struct fleet_dir *d, const char *file,
    uint32_t mask)
{
	size_t n = strlen(file);
	struct pending *p;

	if (f->npending >= PENDING_MAX) {
		want(d, SCAN_FULL);
		kick(f);
		return;
	}
	if (f->npending == f->cappending) {
		size_t cap = f->cappending ? f->cappending * 2 : 64;
		struct pending **v = reallocarray(f->pending, cap, sizeof(*v));

		if (v == NULL) {
			want(d, SCAN_FULL);
			kick(f);
			return;
		}
		f->pending = v;
		f->cappending = cap;
	}
	if ((p = malloc(sizeof(*p) + n + 1)) == NULL)
		return;
	p->dir = d;
	p->mask = mask;
	memcpy(p->file, file, n + 1);
	f->pending[f->npending++] = p;
	if (!loop_timer_armed(&f->settle_timer))
		loop_timer_set(f->loop, &f->settle_timer, SETTLE_MS);
}

/* A file only created may still be written: its close comes later.
 * A link or a hard link made by ln is done at once. */
static int
still_writing(const struct fleet_dir *d, const struct pending *p)
{
	struct stat st;

	return p->mask == IN_CREATE && fstatat(d->dfd, p->file, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    st.st_nlink == 1;
}

static void
on_settle(void *arg)
{
	struct fleet *f = arg;
	struct timespec t0, cpu = { 0, 0 };
	uint64_t started = loop_clock_ms();
	size_t i, n = f->npending;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (i = 0; i < f->npending; i++) {
		struct pending *p = f->pending[i];
		struct fleet_dir *d = p->dir;

		if (d->gone || d->dfd == -1 || still_writing(d, p))
			continue;
		(void)examine(f, d, p->file, 0, DT_UNKNOWN, SCAN_FULL, 1);
	}
	pending_clear(f);
	timespec_add_since(&cpu, &t0);
	if (f->h.settled != NULL)
		f->h.settled(f->h.arg);
	log_info("provisioning folders: %zu change%s applied in %llu ms, "
	    "%lu ms CPU", n, n == 1 ? "" : "s",
	    (unsigned long long)(loop_clock_ms() - started), timespec_ms(&cpu));
}

static void
on_inotify(int fd, int events, void *arg)
{
	struct fleet *f = arg;
	char buf[EVENT_BUF] __attribute__((aligned(__alignof__(
	    struct inotify_event))));
	ssize_t n;
	char *p;

	(void)events;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			struct fleet_dir *d;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				log_warnx("provisioning folders: the kernel "
				    "dropped change reports: every folder is "
				    "scanned again");
				for (d = f->dirs; d != NULL; d = d->next)
					want(d, SCAN_FULL);
				kick(f);
				continue;
			}
			if ((d = dir_of_wd(f, ev->wd)) == NULL)
				continue;
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF |
			    IN_MOVE_SELF)) {
				/* The folder went or moved: open it again. */
				if (ev->mask & IN_IGNORED)
					d->wd = -1;
				want(d, SCAN_FULL);
				kick(f);
				continue;
			}
			if (ev->len > 0 && ev->name[0] != '\0')
				pending_add(f, d, ev->name, ev->mask &
				    (IN_ALL_EVENTS));
		}
	}
}

/* ------------------------------------------------------------------------
 * The configuration's folders.
 */

static struct fleet_dir *
dir_new(struct mon_dir *md)
{
	struct fleet_dir *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->path = md->path;
	md->path = NULL;
	strlcpy(d->pattern, md->pattern, sizeof(d->pattern));
	d->ext = provdir_extension(d->pattern);
	d->tmpl = md->tmpl;
	d->dfd = -1;
	d->wd = -1;
	d->want = SCAN_FORCE;
	return d;
}

/* d's settings become md's; a change re-reads every file. */
static void
dir_update(struct fleet_dir *d, const struct mon_dir *md)
{
	if (target_same_settings(&d->tmpl, &md->tmpl) &&
	    strcmp(d->pattern, md->pattern) == 0) {
		want(d, SCAN_FULL);
		return;
	}
	target_clear(&d->tmpl);
	d->tmpl = md->tmpl;
	strlcpy(d->pattern, md->pattern, sizeof(d->pattern));
	d->ext = provdir_extension(d->pattern);
	want(d, SCAN_FORCE);
	log_info("provisioningDir %s: settings changed, every file is read "
	    "again", d->path);
}

/* Remove the base stations of d (all, or only those named as a target
 * of the configuration). */
static void
dir_evict(struct fleet *f, struct fleet_dir *d, int targets_only)
{
	struct fleet_bs **v;
	size_t i, n = 0, cap = targets_only ? f->count : d->count;

	if (cap == 0 || (v = calloc(cap, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < f->nslots && n < cap; i++) {
		struct fleet_bs *b = f->slots[i];

		if (b == NULL || (d != NULL && b->dir != d))
			continue;
		if (targets_only && monitor_find(f->mon, b->name) == NULL)
			continue;
		if (targets_only)
			log_warnx("base station %s: a target of the "
			    "configuration has its name now; the base station "
			    "goes", b->name);
		v[n++] = b;
	}
	for (i = 0; i < n; i++)
		bs_free(f, v[i]);
	free(v);
}

static void
dir_free(struct fleet *f, struct fleet_dir *d)
{
	size_t i, k;

	if (f->scan.dir == d)
		scan_end(f, 0);
	/* Changes waiting for it are forgotten. */
	for (i = k = 0; i < f->npending; i++)
		if (f->pending[i]->dir == d)
			free(f->pending[i]);
		else
			f->pending[k++] = f->pending[i];
	f->npending = k;
	dir_evict(f, d, 0);
	if (d->wd != -1 && f->ifd != -1)
		(void)inotify_rm_watch(f->ifd, d->wd);
	if (d->dfd != -1)
		close(d->dfd);
	free_names(d->refused, d->nrefused);
	target_clear(&d->tmpl);
	free(d->path);
	free(d);
}

/* Scan every folder that wants it, now, without yielding. */
static void
scan_all_now(struct fleet *f)
{
	f->initial = 1;
	while (f->scan.dir != NULL || scan_next(f))
		if (f->scan.dir != NULL)
			scan_slice(f);
	round_end(f);
	f->initial = 0;
	if (f->h.settled != NULL)
		f->h.settled(f->h.arg);
}

void
fleet_apply(struct fleet *f, struct mon_dir **dirs, size_t ndirs,
    unsigned rescan, int initial)
{
	struct fleet_dir *d, **pp, *keep = NULL, **tail = &keep;
	size_t i;

	/* Folders that stay or change, in the order of the new config. */
	for (i = 0; i < ndirs; i++) {
		for (pp = &f->dirs; (d = *pp) != NULL; pp = &d->next)
			if (strcmp(d->path, dirs[i]->path) == 0)
				break;
		if (d != NULL) {
			*pp = d->next;		/* out of the old list */
			dir_update(d, dirs[i]);
		} else if ((d = dir_new(dirs[i])) == NULL) {
			log_warnx("provisioningDir %s: out of memory",
			    dirs[i]->path);
			continue;
		}
		/* d holds its own copy; mon_dir_free() wipes this one. */
		d->next = NULL;
		*tail = d;
		tail = &d->next;
	}
	/* Folders the configuration does not name any more. */
	while ((d = f->dirs) != NULL) {
		f->dirs = d->next;
		d->gone = 1;
		log_info("provisioningDir %s: no longer configured, its %zu "
		    "base stations go", d->path, d->count);
		dir_free(f, d);
	}
	f->dirs = keep;
	for (i = 0; i < ndirs; i++)
		mon_dir_free(dirs[i]);
	free(dirs);
	dir_evict(f, NULL, 1);
	f->rescan = rescan ? rescan : MON_DEFAULT_RESCAN;
	loop_timer_set(f->loop, &f->rescan_timer, (uint64_t)f->rescan * 1000);
	if (initial)
		scan_all_now(f);
	else
		kick(f);
	if (f->h.settled != NULL)
		f->h.settled(f->h.arg);
}

/* ------------------------------------------------------------------------
 * Set-up.
 */

struct fleet *
fleet_new(struct loop *l, struct monitor *m, const struct fleet_hooks *h)
{
	struct fleet *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->loop = l;
	f->mon = m;
	f->h = *h;
	f->rescan = MON_DEFAULT_RESCAN;
	f->ifd = -1;
	if ((f->map = setmap_new()) == NULL) {
		free(f);
		return NULL;
	}
	if (loop_timer_init(l, &f->scan_timer, on_scan_timer, f) == -1 ||
	    ++f->ntimers == 0 ||
	    loop_timer_init(l, &f->rescan_timer, on_rescan_timer, f) == -1 ||
	    ++f->ntimers == 0 ||
	    loop_timer_init(l, &f->settle_timer, on_settle, f) == -1 ||
	    ++f->ntimers == 0) {
		fleet_free(f);
		return NULL;
	}
	if ((f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		log_warn("inotify: changes of provisioning files are seen at "
		    "the rescans only");
	else if (loop_watch(l, f->ifd, LOOP_READ, on_inotify, f) == -1) {
		log_warn("inotify: cannot watch its descriptor");
		close(f->ifd);
		f->ifd = -1;
	}
	return f;
}

void
fleet_free(struct fleet *f)
{
	struct fleet_dir *d;

	if (f == NULL)
		return;
	f->h.bs_event = NULL;		/* going: nothing to announce */
	f->h.server_event = NULL;
	while ((d = f->dirs) != NULL) {
		f->dirs = d->next;
		dir_free(f, d);
	}
	pending_clear(f);
	free(f->pending);
	if (f->ifd != -1) {
		loop_unwatch(f->loop, f->ifd);
		close(f->ifd);
	}
	if (f->ntimers > 0)
		loop_timer_fini(f->loop, &f->scan_timer);
	if (f->ntimers > 1)
		loop_timer_fini(f->loop, &f->rescan_timer);
	if (f->ntimers > 2)
		loop_timer_fini(f->loop, &f->settle_timer);
	if (f->h.settled != NULL)
		f->h.settled(f->h.arg);
	setmap_free(f->map);
	free(f->slots);
	free(f);
}

size_t
fleet_count(const struct fleet *f)
{
	return f->count;
}

size_t
fleet_broken(const struct fleet *f)
{
	return f->broken;
}

uint32_t
fleet_rescan_ms(const struct fleet *f)
{
	return f->rescan_ms;
}

time_t
fleet_last_rescan(const struct fleet *f)
{
	return f->last_rescan;
}
