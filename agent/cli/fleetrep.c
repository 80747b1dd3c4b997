/*
 * fleetrep.c - the one-shot report of a provisioning folder (fleetrep.h).
 *
 * Each matching file is read with the options as defaults (the engine's
 * reader, as updprobed's provisioningDir does); equal settings are one
 * server (the engine's settings map, so the servers have the names
 * updprobed gives them); the servers are probed concurrently on one
 * loop; nothing here computes a verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "codes.h"
#include "fleetrep.h"
#include "probe.h"
#include "provdir.h"
#include "report.h"
#include "run.h"
#include "settings.h"
#include "util.h"

/* Distinct settings and what their probe said. */
struct server {
	struct target		 t;		/* the map's key: never moves */
	char			 name[SETTINGS_NAME_MAX + 1];
	const char		**members;	/* base stations' names */
	size_t			 n, cap;
	int			 probed, local_error;
	int			 code;
	enum probe_step		 step;
	char			 detail[PROBE_DETAIL_MAX];
	char			 url[PROBE_URL_MAX];
};

/* A file that gives no server: broken (a base station) or refused. */
struct bad {
	char			*name;		/* base station, or file */
	char			*why;
};

struct file {
	char			*file, *name;
};

struct fleet {
	const struct fleetrep_opts *o;
	struct file		*files;
	size_t			 nfiles, capfiles;
	struct server		**servers;
	size_t			 nservers, capservers;
	struct bad		*broken, *refused;
	size_t			 nbroken, nrefused, capbroken, caprefused;
	size_t			 stations;
	struct setmap		*map;
};

/* A growing array: *v of *cap elements of size each, room for one more. */
static int
grow(void *vp, size_t *cap, size_t n, size_t size)
{
	void **v = vp, *nv;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	if ((nv = reallocarray(*v, nc, size)) == NULL)
		return -1;
	*v = nv;
	*cap = nc;
	return 0;
}

static int
on_file(const char *file, const char *name, void *arg)
{
	struct fleet *fl = arg;
	struct file *f;

	if (grow(&fl->files, &fl->capfiles, fl->nfiles, sizeof(*fl->files)))
		return -1;
	f = &fl->files[fl->nfiles];
	if ((f->file = strdup(file)) == NULL ||
	    (f->name = strdup(name)) == NULL) {
		free(f->file);
		return -1;
	}
	fl->nfiles++;
	return 0;
}

static int
by_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->file,
	    ((const struct file *)b)->file);
}

static int
add_bad(struct bad **v, size_t *n, size_t *cap, const char *name,
    const char *why)
{
	if (grow(v, cap, *n, sizeof(**v)) == -1)
		return -1;
	if (((*v)[*n].name = strdup(name)) == NULL)
		return -1;
	if (((*v)[*n].why = strdup(why)) == NULL) {
		free((*v)[*n].name);
		return -1;
	}
	(*n)++;
	return 0;
}

/* The reader's message without the folder (the report names it once). */
static const char *
short_message(const char *dir, const char *msg)
{
	size_t n = strlen(dir);

	if (strncmp(msg, dir, n) == 0 && msg[n] == '/')
		return msg + n + 1;
	return msg;
}

/* The server of settings t, made if new; NULL when out of memory. */
static struct server *
server_of(struct fleet *fl, const struct target *t)
{
	struct server *s;

	if ((s = setmap_find(fl->map, t)) != NULL)
		return s;
	if (grow(&fl->servers, &fl->capservers, fl->nservers,
	    sizeof(*fl->servers)) == -1 || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->t = *t;
	if (setmap_add(fl->map, &s->t, s, s->name, sizeof(s->name)) == -1) {
		free(s);
		return NULL;
	}
	strlcpy(s->t.name, "cli", sizeof(s->t.name));
	fl->servers[fl->nservers++] = s;
	return s;
}

/* One file: a base station of a server, broken, or refused. */
static int
read_file(struct fleet *fl, const struct file *f)
{
	char path[4096], err[512], why[600];
	struct server *s;
	struct target t = *fl->o->defaults;
	int rc = 0;

	if (target_set_name(&t, f->name, err, sizeof(err)) == -1)
		rc = add_bad(&fl->refused, &fl->nrefused, &fl->caprefused,
		    f->file, err);
	else if (snprintf(path, sizeof(path), "%s/%s", fl->o->dir, f->file) >=
	    (int)sizeof(path))
		rc = add_bad(&fl->refused, &fl->nrefused, &fl->caprefused,
		    f->file, "path too long");
	else if (target_set_provisioning(&t, path, err, sizeof(err)) == -1) {
		snprintf(why, sizeof(why), "provisioning file %s",
		    short_message(fl->o->dir, err));
		fl->stations++;
		rc = add_bad(&fl->broken, &fl->nbroken, &fl->capbroken,
		    f->name, why);
	} else {
		t.name[0] = '\0';
		fl->stations++;
		if ((s = server_of(fl, &t)) == NULL ||
		    grow(&s->members, &s->cap, s->n, sizeof(*s->members)) == -1)
			rc = -1;
		else
			s->members[s->n++] = f->name;
	}
	target_clear(&t);
	return rc;
}

/* probe_run_all()'s callback: r is valid only during the call. */
static void
on_result(size_t i, const struct probe_result *r, void *arg)
{
	struct server *s = ((struct fleet *)arg)->servers[i];

	s->probed = 1;
	s->local_error = r->local_error;
	s->code = r->code;
	s->step = r->step;
	strlcpy(s->detail, r->detail, sizeof(s->detail));
	strlcpy(s->url, r->url, sizeof(s->url));
}

/* Problems first, then by how many base stations, then by name. */
static int
by_impact(const void *a, const void *b)
{
	const struct server *x = *(struct server *const *)a;
	const struct server *y = *(struct server *const *)b;

	if ((x->code != 0) != (y->code != 0))
		return x->code != 0 ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
probe_all(struct fleet *fl)
{
	const struct target **t;
	char err[256];
	size_t i;
	int rc;

	if (fl->nservers == 0)
		return 0;
	if ((t = calloc(fl->nservers, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < fl->nservers; i++)
		t[i] = &fl->servers[i]->t;
	rc = probe_run_all(t, fl->nservers, FLEETREP_MAX_INFLIGHT, on_result,
	    fl, err, sizeof(err));
	free(t);
	if (rc == -1)
		fprintf(stderr, "updprobe: %s\n", err);
	return rc;
}

/* The exit status: the code most base stations would show, 0 if none
 * would fail (a broken file is code 6). */
static int
exit_code(const struct fleet *fl)
{
	size_t count[M3_CODE_MAX + 1] = { 0 }, i;
	int code, best = 0;

	count[M3_SERVER_NOT_SPECIFIED] += fl->nbroken;
	for (i = 0; i < fl->nservers; i++) {
		if (fl->servers[i]->local_error)
			return EX_SOFTWARE;
		if (fl->servers[i]->code > 0)
			count[fl->servers[i]->code] += fl->servers[i]->n;
	}
	for (code = 1; code <= M3_CODE_MAX; code++)
		if (count[code] > count[best] || (best == 0 && count[code]))
			best = code;
	return best;
}

static void
print_text(const struct fleet *fl)
{
	char line[SETTINGS_LINE_MAX];
	size_t i, j, shown;
	FILE *f = stdout;

	fprintf(f, "%s (%s): %zu base station%s (%zu with a broken file), "
	    "%zu server%s, %zu file%s refused\n", fl->o->dir, fl->o->pattern,
	    fl->stations, fl->stations == 1 ? "" : "s", fl->nbroken,
	    fl->nservers, fl->nservers == 1 ? "" : "s", fl->nrefused,
	    fl->nrefused == 1 ? "" : "s");
	if (fl->nservers > 0)
		fprintf(f, "%-32s %4s %13s  %s\n", "SERVER", "CODE",
		    "BASE STATIONS", "URL");
	for (i = 0; i < fl->nservers; i++) {
		const struct server *s = fl->servers[i];

		fprintf(f, "%-32s %4d %13zu  %s\n", s->name, s->code, s->n,
		    s->url);
		if (s->local_error)
			fprintf(f, "  not probed here: %s\n", s->detail);
		else if (s->code == 0)
			fprintf(f, "  Code 0 %s\n", m3_code_name(0));
		else
			fprintf(f, "  Code %d %s, step %s: %s\n  fix: %s\n",
			    s->code, m3_code_name(s->code),
			    probe_step_name(s->step), s->detail,
			    m3_code_hint(s->code));
		if (fl->o->verbose) {
			target_settings_line(&s->t, line, sizeof(line));
			fprintf(f, "  settings: %s\n", line);
		}
		shown = fl->o->verbose || s->n <= FLEETREP_NAMES_SHOWN + 1 ?
		    s->n : FLEETREP_NAMES_SHOWN;
		fprintf(f, "  base stations:");
		for (j = 0; j < shown; j++)
			fprintf(f, " %s", s->members[j]);
		if (shown < s->n)
			fprintf(f, " ... and %zu more (-v: all)", s->n - shown);
		fprintf(f, "\n");
	}
	if (fl->nbroken > 0)
		fprintf(f, "broken provisioning files (Code 6, %s):\n",
		    m3_code_name(M3_SERVER_NOT_SPECIFIED));
	for (i = 0; i < fl->nbroken; i++)
		fprintf(f, "  %-16s %s\n", fl->broken[i].name,
		    fl->broken[i].why);
	if (fl->nrefused > 0)
		fprintf(f, "files refused (their names cannot name a base "
		    "station):\n");
	for (i = 0; i < fl->nrefused; i++)
		fprintf(f, "  %s: %s\n", fl->refused[i].name,
		    fl->refused[i].why);
}

static void
json_bad(FILE *f, const char *key, const struct bad *v, size_t n,
    const char *namekey)
{
	size_t i;

	fprintf(f, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"%s\":", i ? "," : "", namekey);
		json_string(f, v[i].name);
		if (strcmp(key, "broken") == 0)
			fprintf(f, ",\"code\":%d", M3_SERVER_NOT_SPECIFIED);
		fprintf(f, ",\"detail\":");
		json_string(f, v[i].why);
		fprintf(f, "}");
	}
	fprintf(f, "]");
}

static void
print_json(const struct fleet *fl)
{
	char line[SETTINGS_LINE_MAX];
	FILE *f = stdout;
	size_t i, j;

	fprintf(f, "{\"dir\":");
	json_string(f, fl->o->dir);
	fprintf(f, ",\"pattern\":");
	json_string(f, fl->o->pattern);
	fprintf(f, ",\"base_station_count\":%zu,\"servers\":[",
	    fl->stations);
	for (i = 0; i < fl->nservers; i++) {
		const struct server *s = fl->servers[i];

		fprintf(f, "%s{\"server\":", i ? "," : "");
		json_string(f, s->name);
		fprintf(f, ",\"url\":");
		json_string(f, s->url);
		target_settings_line(&s->t, line, sizeof(line));
		fprintf(f, ",\"settings\":");
		json_string(f, line);
		fprintf(f, ",\"code\":%d,\"name\":", s->code);
		json_string(f, m3_code_name(s->code));
		fprintf(f, ",\"step\":");
		json_string(f, probe_step_name(s->step));
		fprintf(f, ",\"detail\":");
		json_string(f, s->detail);
		fprintf(f, ",\"local_error\":%s,\"count\":%zu,"
		    "\"base_stations\":[", s->local_error ? "true" : "false",
		    s->n);
		for (j = 0; j < s->n; j++) {
			fprintf(f, "%s", j ? "," : "");
			json_string(f, s->members[j]);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]");
	json_bad(f, "broken", fl->broken, fl->nbroken, "base_station");
	json_bad(f, "refused", fl->refused, fl->nrefused, "file");
	fprintf(f, ",\"exit_status\":%d}\n", exit_code(fl));
}

static void
free_bad(struct bad *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].why);
	}
	free(v);
}

static void
fleet_clear(struct fleet *fl)
{
	size_t i;

	setmap_free(fl->map);
	for (i = 0; i < fl->nservers; i++) {
		target_clear(&fl->servers[i]->t);
		free(fl->servers[i]->members);
		free(fl->servers[i]);
	}
	free(fl->servers);
	for (i = 0; i < fl->nfiles; i++) {
		free(fl->files[i].file);
		free(fl->files[i].name);
	}
	free(fl->files);
	free_bad(fl->broken, fl->nbroken);
	free_bad(fl->refused, fl->nrefused);
}

int
fleetrep_run(const struct fleetrep_opts *o)
{
	struct fleet fl;
	char err[512];
	size_t i;
	int rc = EX_SOFTWARE;

	memset(&fl, 0, sizeof(fl));
	fl.o = o;
	if ((fl.map = setmap_new()) == NULL) {
		fprintf(stderr, "updprobe: out of memory\n");
		return EX_SOFTWARE;
	}
	if (provdir_list(o->dir, o->pattern, on_file, &fl, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "updprobe: --provisioning-dir %s\n", err);
		rc = EX_USAGE;
		goto out;
	}
	if (fl.nfiles == 0) {
		fprintf(stderr, "updprobe: --provisioning-dir %s: no file "
		    "matches %s\n", o->dir, o->pattern);
		rc = EX_USAGE;
		goto out;
	}
	qsort(fl.files, fl.nfiles, sizeof(*fl.files), by_file);
	for (i = 0; i < fl.nfiles; i++)
		if (read_file(&fl, &fl.files[i]) == -1) {
			fprintf(stderr, "updprobe: out of memory\n");
			goto out;
		}
	if (probe_all(&fl) == -1)
		goto out;
	if (fl.nservers > 1)
		qsort(fl.servers, fl.nservers, sizeof(*fl.servers), by_impact);
	if (o->json)
		print_json(&fl);
	else
		print_text(&fl);
	rc = exit_code(&fl);
out:
	fleet_clear(&fl);
	return rc;
}
