/*
 * monitor.c - targets, schedule, confirmed codes.
 *
 * Each target has its own timer in the loop's heap.  When it fires the
 * target is probed if fewer than max_inflight probes run, else it waits in
 * a FIFO for a slot.  Probes asked for (ProbeNow, a target whose settings
 * changed) wait in a FIFO of their own, served first.  The next probe is
 * due one interval after the last was due (not after it ended), so a
 * schedule does not drift; a small jitter keeps targets that share an
 * interval from locking together.
 *
 * Probes in flight are also capped by the descriptors the process may
 * open (RLIMIT_NOFILE): a probe that cannot get one would be reported as
 * the server's fault (code 2).  If one fails for that reason all the
 * same, its result is thrown away, logged, and the probe tried again.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "util.h"

/* Jitter added to each interval: up to 1/JITTER_DIV of it, either way. */
#define JITTER_DIV	100
/* Descriptors one probe may hold: the lookup's sockets (one per DNS
 * server asked), the connection, and one more while a redirect
 * reconnects. */
#define FDS_PER_PROBE	4
/* Descriptors the rest of the daemon holds: standard streams, epoll,
 * signalfd, syslog, net-snmp's sockets, libcurl's idle connections (32). */
#define FDS_RESERVED	64
/* A probe that could not run here (out of descriptors) is tried again
 * after this. */
#define LOCAL_RETRY_MS	5000
/* Such failures are logged at most this often. */
#define LOCAL_LOG_MS	10000

struct mon_queue {
	struct mon_target	*head, *tail;
};

struct monitor {
	struct loop		 *loop;
	struct engine		 *engine;
	struct monitor_hooks	  h;
	struct mon_target	**v;		/* sorted by name */
	size_t			  n;
	unsigned		  interval, confirm, max_inflight;
	unsigned		  inflight;
	struct mon_queue	  asked;	/* ProbeNow, changed settings */
	struct mon_queue	  waiting;	/* due */
	uint32_t		  probes_run;
	uint32_t		  rng;
	uint64_t		  local_logged;	/* loop ms, local failures */
	unsigned		  local_failures;	/* since then */
	struct mon_target	 *shared;	/* MON_SHARED, started */
	size_t			  nshared;
	int			  closing;	/* monitor_free(): start nothing */
};

static void	due(void *);

/* Configuration. */

void
mon_config_init(struct mon_config *c)
{
	memset(c, 0, sizeof(*c));
	c->interval = MON_DEFAULT_INTERVAL;
	c->confirm = MON_DEFAULT_CONFIRM;
	c->max_inflight = MON_DEFAULT_INFLIGHT;
	c->rescan = MON_DEFAULT_RESCAN;
}

/* A target not yet scheduled: no monitor, never probed. */
static struct mon_target *
mt_new(const struct target *t)
{
	struct mon_target *mt;

	if ((mt = calloc(1, sizeof(*mt))) == NULL)
		return NULL;
	mt->code = MON_NOT_PROBED;
	confirm_init(&mt->c);
	mt->step = STEP_NONE;
	mt->t = *t;
	return mt;
}

static void
mt_free(struct mon_target *mt)
{
	if (mt == NULL)
		return;
	target_clear(&mt->t);
	free(mt);
}

void
mon_config_clear(struct mon_config *c)
{
	size_t i;

	for (i = 0; i < c->ntargets; i++)
		mt_free(c->targets[i]);
	for (i = 0; i < c->ndirs; i++)
		mon_dir_free(c->dirs[i]);
	free(c->targets);
	free(c->slots);
	free(c->dirs);
	c->targets = NULL;
	c->slots = NULL;
	c->dirs = NULL;
	c->ntargets = c->cap = c->nslots = c->ndirs = 0;
}

void
mon_dir_free(struct mon_dir *d)
{
	if (d == NULL)
		return;
	target_clear(&d->tmpl);
	free(d->path);
	free(d);
}

int
mon_config_add_dir(struct mon_config *c, struct mon_dir *d)
{
	struct mon_dir **n;

	if ((n = reallocarray(c->dirs, c->ndirs + 1, sizeof(*n))) == NULL) {
		mon_dir_free(d);
		return -1;
	}
	c->dirs = n;
	c->dirs[c->ndirs++] = d;
	return 0;
}

/* FNV-1a: names are the operator's, spread is all that matters. */
static size_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* Record target i (from 0) in the first free slot from name's. */
static void
index_put(size_t *v, size_t n, const char *name, size_t i)
{
	size_t j = name_hash(name) & (n - 1);

	while (v[j] != 0)
		j = (j + 1) & (n - 1);
	v[j] = i + 1;
}

/* Twice the slots, the targets put in again; kept at most half full. */
static int
index_grow(struct mon_config *c)
{
	size_t n = c->nslots ? c->nslots * 2 : 64, i, *v;

	if ((v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < c->ntargets; i++)
		index_put(v, n, c->targets[i]->t.name, i);
	free(c->slots);
	c->slots = v;
	c->nslots = n;
	return 0;
}

int
mon_config_add(struct mon_config *c, const struct target *t)
{
	struct mon_target *mt;

	if ((c->ntargets + 1) * 2 > c->nslots && index_grow(c) == -1)
		return -1;
	if (c->ntargets == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct mon_target **n;

		if ((n = reallocarray(c->targets, cap, sizeof(*n))) == NULL)
			return -1;
		c->targets = n;
		c->cap = cap;
	}
	if ((mt = mt_new(t)) == NULL)
		return -1;
	index_put(c->slots, c->nslots, t->name, c->ntargets);
	c->targets[c->ntargets++] = mt;
	return 0;
}

struct target *
mon_config_target(const struct mon_config *c, size_t i)
{
	return &c->targets[i]->t;
}

const struct target *
mon_config_find(const struct mon_config *c, const char *name)
{
	size_t j, k;

	if (c->nslots == 0)
		return NULL;
	/* At most half full: an empty slot ends every search. */
	for (j = name_hash(name) & (c->nslots - 1); (k = c->slots[j]) != 0;
	    j = (j + 1) & (c->nslots - 1))
		if (strcmp(c->targets[k - 1]->t.name, name) == 0)
			return &c->targets[k - 1]->t;
	return NULL;
}

/* The monitor. */

static uint32_t
rnd(struct monitor *m)
{
	/* xorshift32: jitter needs spread, not secrecy. */
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 17;
	m->rng ^= m->rng << 5;
	return m->rng;
}

struct monitor *
monitor_new(struct loop *l, struct engine *e, const struct monitor_hooks *h)
{
	struct monitor *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->loop = l;
	m->engine = e;
	m->h = *h;
	m->interval = MON_DEFAULT_INTERVAL;
	m->confirm = MON_DEFAULT_CONFIRM;
	m->max_inflight = MON_DEFAULT_INFLIGHT;
	m->rng = (uint32_t)loop_clock_ms() ^ ((uint32_t)getpid() << 16) ^ 1;
	return m;
}

static void
schedule(struct mon_target *mt, uint64_t delay_ms)
{
	mt->due = loop_clock_ms() + delay_ms;
	loop_timer_set(mt->m->loop, &mt->timer, delay_ms);
}

static void
queue_push(struct mon_queue *q, struct mon_target *mt)
{
	mt->queue = q;
	mt->qnext = NULL;
	mt->qprev = q->tail;
	if (q->tail != NULL)
		q->tail->qnext = mt;
	else
		q->head = mt;
	q->tail = mt;
}

static void
dequeue(struct mon_target *mt)
{
	struct mon_queue *q = mt->queue;

	if (q == NULL)
		return;
	if (mt->qprev != NULL)
		mt->qprev->qnext = mt->qnext;
	else
		q->head = mt->qnext;
	if (mt->qnext != NULL)
		mt->qnext->qprev = mt->qprev;
	else
		q->tail = mt->qprev;
	mt->qnext = mt->qprev = NULL;
	mt->queue = NULL;
}

/* The next target waiting for a slot, asked-for ones first. */
static struct mon_target *
queue_next(struct monitor *m)
{
	struct mon_target *mt = m->asked.head ? m->asked.head :
	    m->waiting.head;

	if (mt != NULL)
		dequeue(mt);
	return mt;
}

/* Stop what mt has in flight or waiting. */
static void
cancel(struct monitor *m, struct mon_target *mt)
{
	if (mt->running != NULL) {
		probe_cancel(mt->running);
		mt->running = NULL;
		m->inflight--;
	}
	dequeue(mt);
	loop_timer_clear(m->loop, &mt->timer);
}

static void
drop(struct monitor *m, struct mon_target *mt)
{
	cancel(m, mt);
	loop_timer_fini(m->loop, &mt->timer);
	if (m->h.removed != NULL)
		m->h.removed(mt, m->h.arg);
	mt_free(mt);
}

void
monitor_free(struct monitor *m)
{
	size_t i;

	if (m == NULL)
		return;
	m->closing = 1;
	while (m->shared != NULL)	/* the fleet frees them first */
		monitor_shared_free(m, m->shared);
	for (i = 0; i < m->n; i++)
		drop(m, m->v[i]);
	free(m->v);
	free(m);
}

/* Feed a probe's code to the confirmation; announce what it causes. */
static void
confirm(struct monitor *m, struct mon_target *mt, int code)
{
	static const struct {
		unsigned	 bit;
		enum mon_event	 ev;
	} order[] = {
		{ CONFIRM_EV_CODE_CHANGE, MON_EV_CODE_CHANGE },
		{ CONFIRM_EV_PROBLEM, MON_EV_PROBLEM },
		{ CONFIRM_EV_CLEARED, MON_EV_CLEARED },
	};
	unsigned ev = confirm_feed(&mt->c, code, m->confirm), i;

	if (ev == 0)
		return;
	if (ev & CONFIRM_NEW_CODE)
		mt->last_change = time(NULL);
	if (mt->kind == MON_SHARED) {
		if ((ev & CONFIRM_NEW_CODE) && m->h.shared != NULL)
			m->h.shared(mt, ev & ~CONFIRM_NEW_CODE, m->h.arg);
		return;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if ((ev & order[i].bit) && m->h.event != NULL)
			m->h.event(mt, order[i].ev, m->h.arg);
}

static void start(struct monitor *, struct mon_target *);

static void
fill_slots(struct monitor *m)
{
	struct mon_target *mt;

	while (m->inflight < m->max_inflight && (mt = queue_next(m)) != NULL)
		start(m, mt);
}

static void
next_due(struct monitor *m, struct mon_target *mt)
{
	uint64_t now = loop_clock_ms(), period = (uint64_t)mt->interval * 1000;
	uint64_t span = period / JITTER_DIV, next;

	next = mt->due + period;
	if (span > 0)
		next = next - span + rnd(m) % (2 * span + 1);
	if (next <= now)
		next = now + (span > 0 ? rnd(m) % span : 0);
	mt->due = next;
	loop_timer_set(m->loop, &mt->timer, next - now);
}

/*
 * A probe that could not run here (the process is out of descriptors)
 * says nothing of the server: keep the last result, try again soon.
 */
static void
local_failure(struct monitor *m, struct mon_target *mt,
    const struct probe_result *r)
{
	uint64_t now = loop_clock_ms();

	m->local_failures++;
	if (m->local_logged == 0 || now - m->local_logged >= LOCAL_LOG_MS) {
		log_warnx("target %s: the probe could not run here (%s); %u "
		    "such since the last report, each tried again in %d s: "
		    "raise LimitNOFILE or lower maxProbes", mt->t.name,
		    r->detail, m->local_failures, LOCAL_RETRY_MS / 1000);
		m->local_logged = now;
		m->local_failures = 0;
	}
	schedule(mt, LOCAL_RETRY_MS + rnd(m) % LOCAL_RETRY_MS);
	fill_slots(m);
}

static void
on_result(const struct probe_result *r, void *arg)
{
	struct mon_target *mt = arg;
	struct monitor *m = mt->m;
	int s;

	mt->running = NULL;
	m->inflight--;
	if (r->local_error != 0) {
		local_failure(m, mt, r);
		return;
	}
	m->probes_run++;
	mt->probes++;
	if (r->code != M3_NO_PROBLEMS)
		mt->problems++;
	mt->code = r->code;
	mt->step = r->step;
	strlcpy(mt->detail, r->detail, sizeof(mt->detail));
	strlcpy(mt->version, r->version, sizeof(mt->version));
	for (s = 0; s < STEP_NONE; s++)
		mt->ms[s] = r->steps[s].ms;
	mt->http_status = r->http_status;
	mt->firmware_size = r->firmware_size;
	mt->last_probe = time(NULL);
	if (m->h.result != NULL)
		m->h.result(mt, m->h.arg);
	confirm(m, mt, r->code);
	if (!loop_timer_armed(&mt->timer))
		next_due(m, mt);
	fill_slots(m);
}

static void
start(struct monitor *m, struct mon_target *mt)
{
	mt->running = probe_start(m->engine, &mt->t, on_result, mt);
	if (mt->running == NULL) {
		next_due(m, mt);	/* out of memory: try next time */
		return;
	}
	m->inflight++;
}

static void
due(void *arg)
{
	struct mon_target *mt = arg;
	struct monitor *m = mt->m;

	if (mt->running != NULL || mt->queue != NULL) {
		next_due(m, mt);	/* still busy: skip this round */
		return;
	}
	if (m->inflight < m->max_inflight)
		start(m, mt);
	else
		queue_push(&m->waiting, mt);
}

/* A probe asked for: as soon as a slot is free, ahead of the due ones. */
static void
ask(struct monitor *m, struct mon_target *mt)
{
	dequeue(mt);
	loop_timer_clear(m->loop, &mt->timer);
	mt->due = loop_clock_ms();
	if (m->inflight < m->max_inflight)
		start(m, mt);
	else
		queue_push(&m->asked, mt);
}

void
monitor_probe_now(struct monitor *m, struct mon_target *mt)
{
	if (mt->running != NULL || mt->queue == &m->asked)
		return;
	ask(m, mt);
}

/*
 * New settings: what the old ones found does not describe them.  The
 * probe in flight is stopped (its result would), the row shows "not
 * probed", and the new settings are probed at once.  Counters and the
 * confirmed code stay (a fix still sends updprobeCleared).
 */
static void
renew(struct monitor *m, struct mon_target *mt)
{
	cancel(m, mt);
	mt->code = MON_NOT_PROBED;
	mt->step = STEP_NONE;
	strlcpy(mt->detail, "the settings changed: the new ones are being "
	    "probed", sizeof(mt->detail));
	mt->version[0] = '\0';
	memset(mt->ms, 0, sizeof(mt->ms));
	mt->http_status = 0;
	mt->firmware_size = 0;
	mt->last_probe = 0;
	ask(m, mt);
}

static int
cmp_name(const void *a, const void *b)
{
	const struct mon_target *x = *(struct mon_target * const *)a;
	const struct mon_target *y = *(struct mon_target * const *)b;

	return strcmp(x->t.name, y->t.name);
}

static int
cmp_key(const void *key, const void *elem)
{
	const struct mon_target *y = *(struct mon_target * const *)elem;

	return strcmp(key, y->t.name);
}

struct mon_target *
monitor_find(struct monitor *m, const char *name)
{
	struct mon_target **p;

	if (m->n == 0)
		return NULL;
	p = bsearch(name, m->v, m->n, sizeof(*m->v), cmp_key);
	return p ? *p : NULL;
}

/* Schedule mt by its settings, the first probe within spread_ms (at
 * most its interval). */
static void
settle_within(struct monitor *m, struct mon_target *mt, uint64_t spread_ms)
{
	uint64_t spread;

	mt->interval = mt->t.interval ? mt->t.interval : m->interval;
	spread = (uint64_t)mt->interval * 1000;
	if (spread > spread_ms)
		spread = spread_ms;
	schedule(mt, rnd(m) % (spread + 1));
}

/* Schedule mt by its settings, the first probe soon. */
static void
settle(struct monitor *m, struct mon_target *mt)
{
	settle_within(m, mt, MON_START_SPREAD_MS);
}

/* maxProbes, or fewer if the descriptors the process may open are short. */
static unsigned
fd_budget(unsigned want)
{
	struct rlimit rl;
	rlim_t cap;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return want;
	cap = rl.rlim_cur > FDS_RESERVED + FDS_PER_PROBE ?
	    (rl.rlim_cur - FDS_RESERVED) / FDS_PER_PROBE : 1;
	if (cap >= want)
		return want;
	log_warnx("maxProbes %u needs about %u descriptors, the limit is "
	    "%llu (RLIMIT_NOFILE): at most %llu probes run at once (raise "
	    "LimitNOFILE)", want, want * FDS_PER_PROBE + FDS_RESERVED,
	    (unsigned long long)rl.rlim_cur, (unsigned long long)cap);
	return (unsigned)cap;
}

/*
 * Give each new target of c its timer's place in the loop.  On failure
 * (out of memory) the places given are taken back and -1 returned:
 * nothing has changed yet.
 */
static int
reserve_timers(struct monitor *m, struct mon_config *c)
{
	size_t i, j;

	for (i = 0; i < c->ntargets; i++) {
		struct mon_target *cfg = c->targets[i];

		if (monitor_find(m, cfg->t.name) != NULL)
			continue;
		if (loop_timer_init(m->loop, &cfg->timer, due, cfg) == -1)
			break;
		cfg->m = m;
	}
	if (i == c->ntargets)
		return 0;
	for (j = 0; j < i; j++)
		if (c->targets[j]->m != NULL) {
			loop_timer_fini(m->loop, &c->targets[j]->timer);
			c->targets[j]->m = NULL;
		}
	return -1;
}

int
monitor_apply(struct monitor *m, struct mon_config *c)
{
	struct mon_target **nv, *mt;
	size_t i, n = 0;

	if ((nv = calloc(c->ntargets + 1, sizeof(*nv))) == NULL ||
	    reserve_timers(m, c) == -1) {
		/* Ours all the same: the passwords are wiped. */
		free(nv);
		mon_config_clear(c);
		return -1;
	}
	m->interval = c->interval;
	m->confirm = c->confirm ? c->confirm : 1;
	m->max_inflight = fd_budget(c->max_inflight ? c->max_inflight : 1);
	for (i = 0; i < c->ntargets; i++) {
		struct mon_target *cfg = c->targets[i];
		const struct target *t = &cfg->t;

		c->targets[i] = NULL;
		if (cfg->m == NULL) {
			/* Kept: counters, confirmed code; results too if the
			 * settings are the same. */
			mt = monitor_find(m, t->name);
			if (memcmp(&mt->t, t, sizeof(*t)) != 0) {
				target_clear(&mt->t);
				mt->t = *t;
				mt->interval = t->interval ? t->interval :
				    m->interval;
				renew(m, mt);
			} else if ((t->interval ? t->interval : m->interval) !=
			    mt->interval)
				settle(m, mt);
			nv[n++] = mt;
			mt_free(cfg);
			continue;
		}
		/* New: adopted as it is, its timer reserved above. */
		settle(m, cfg);
		nv[n++] = cfg;
		if (m->h.added != NULL)
			m->h.added(cfg, m->h.arg);
	}
	/* Drop the targets the new configuration does not name. */
	qsort(nv, n, sizeof(*nv), cmp_name);
	for (i = 0; i < m->n; i++) {
		mt = m->v[i];
		if (bsearch(mt->t.name, nv, n, sizeof(*nv), cmp_key) == NULL)
			drop(m, mt);
	}
	free(m->v);
	m->v = nv;
	m->n = n;
	/* The rest of the config (kept targets' copies) is wiped. */
	mon_config_clear(c);
	fill_slots(m);
	return 0;
}

size_t
monitor_count(const struct monitor *m)
{
	return m->n;
}

uint32_t
monitor_probes_run(const struct monitor *m)
{
	return m->probes_run;
}

/* Shared settings: probes of fleet.c's, outside the configuration. */

struct mon_target *
monitor_shared_new(struct monitor *m, const struct target *t)
{
	struct mon_target *mt;

	if ((mt = mt_new(t)) == NULL)
		return NULL;
	mt->kind = MON_SHARED;
	if (loop_timer_init(m->loop, &mt->timer, due, mt) == -1) {
		mt_free(mt);
		return NULL;
	}
	mt->m = m;
	return mt;
}

static int
shared_started(const struct monitor *m, const struct mon_target *mt)
{
	return m->shared == mt || mt->sprev != NULL;
}

void
monitor_shared_start(struct monitor *m, struct mon_target *mt, int asap,
    uint64_t spread_ms)
{
	if (shared_started(m, mt))
		return;
	mt->sprev = NULL;
	mt->snext = m->shared;
	if (m->shared != NULL)
		m->shared->sprev = mt;
	m->shared = mt;
	m->nshared++;
	if (m->h.added != NULL)
		m->h.added(mt, m->h.arg);
	if (asap) {
		mt->interval = mt->t.interval ? mt->t.interval : m->interval;
		ask(m, mt);
	} else
		settle_within(m, mt, spread_ms > MON_START_SPREAD_MS ?
		    spread_ms : MON_START_SPREAD_MS);
}

void
monitor_shared_free(struct monitor *m, struct mon_target *mt)
{
	if (shared_started(m, mt)) {
		if (mt->sprev != NULL)
			mt->sprev->snext = mt->snext;
		else
			m->shared = mt->snext;
		if (mt->snext != NULL)
			mt->snext->sprev = mt->sprev;
		mt->snext = mt->sprev = NULL;
		m->nshared--;
		cancel(m, mt);
		if (m->h.removed != NULL)
			m->h.removed(mt, m->h.arg);
	}
	loop_timer_fini(m->loop, &mt->timer);
	if (!m->closing)
		fill_slots(m);
	mt_free(mt);
}

size_t
monitor_shared_count(const struct monitor *m)
{
	return m->nshared;
}
