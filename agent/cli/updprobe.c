/*
 * updprobe - one-shot diagnosis: which "Code N" would a Snom m3 base
 * station show if it tried a firmware update from this server now?  With
 * --provisioning-dir, every base station of a folder of provisioning
 * files (fleetrep.c).
 *
 * Exit status: the predicted code (0-12; for a folder, the code most base
 * stations would show); 64 usage error; 70 internal.
 */
#include <sys/prctl.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "fleetrep.h"
#include "provdir.h"
#include "report.h"
#include "run.h"
#include "util.h"
#include "version.h"

/* getopt_long values of the shared target options: this plus the index. */
#define OPT_TARGET	1000

enum {
	OPT_TIMEOUT = 256, OPT_PROVISIONING, OPT_JSON, OPT_VERSION,
	OPT_PROVISIONING_DIR, OPT_PATTERN
};

struct cli {
	struct target		 t;
	const char		*url;
	const char		*provisioning;
	const char		*provdir;
	const char		*pattern;
	int			 json;
	int			 verbose;
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
"usage: updprobe [options] URL\n"
"       updprobe [options] --provisioning FILE\n"
"       updprobe [options] --provisioning-dir DIR [--pattern GLOB]\n"
"URL is http://, https:// or tftp://HOST[:PORT]/FOLDER/\n");
	target_options_help(f);
	fprintf(f,
"  --timeout S            the device's patience per step (default %d s);\n"
"                         a probe ends within %llu s at the default\n"
"  --provisioning FILE    take server, folder, protocol from an m3 file\n"
"  --provisioning-dir DIR every base station of a folder of m3 files, each\n"
"                         distinct setting probed once; the options above\n"
"                         are the defaults of every file\n"
"  --pattern GLOB         the folder's files (default " PROVDIR_DEFAULT_PATTERN
"; the name\n"
"                         of a base station is its file's without .cfg)\n"
"  --json                 one JSON object instead of the trace\n"
"  -v                     show every step, also those not run\n"
"  -V, --version          print the program's version\n"
"Exit status: the predicted code 0-12 (a folder: the code most base stations\n"
"would show, 0 if none would fail), 64 usage error, 70 internal error.\n",
	    TARGET_DEFAULT_TIMEOUT, (unsigned long long)probe_hard_limit_ms(
	    TARGET_DEFAULT_TIMEOUT * 1000) / 1000);
	exit(status);
}

static void __attribute__((noreturn))
usage_error(const char *msg)
{
	fprintf(stderr, "updprobe: %s\n(updprobe -h for help)\n", msg);
	exit(EX_USAGE);
}

static void
own_option(struct cli *c, int ch, char **argv)
{
	char err[512];

	switch (ch) {
	case OPT_TIMEOUT:
		if (target_set_option(&c->t, "timeout", optarg, err,
		    sizeof(err)) == -1)
			usage_error(err);
		break;
	case OPT_PROVISIONING:
		c->provisioning = optarg;
		break;
	case OPT_PROVISIONING_DIR:
		c->provdir = optarg;
		break;
	case OPT_PATTERN:
		if (provdir_pattern_ok(optarg, err, sizeof(err)) == -1)
			usage_error(err);
		c->pattern = optarg;
		break;
	case OPT_JSON:
		c->json = 1;
		break;
	case 'v':
		c->verbose = 1;
		break;
	case 'V':
	case OPT_VERSION:
		printf("updprobe %s\n", updprobe_version);
		exit(0);
	case 'h':
		usage(0);
	default:
		snprintf(err, sizeof(err), "unknown option or missing "
		    "argument: %s", argv[optind - 1]);
		usage_error(err);
	}
}

static void
parse_args(struct cli *c, int argc, char **argv)
{
	static const struct option own[] = {
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "provisioning", required_argument, NULL, OPT_PROVISIONING },
		{ "provisioning-dir", required_argument, NULL,
		  OPT_PROVISIONING_DIR },
		{ "pattern", required_argument, NULL, OPT_PATTERN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct option opts[sizeof(own) / sizeof(own[0]) + TARGET_OPTIONS_MAX];
	char err[512];
	int ch;

	/* The shared target options, then ours (the last one all zero). */
	target_long_options(opts, OPT_TARGET);
	memcpy(opts + target_noptions, own, sizeof(own));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hvV", opts, NULL)) != -1) {
		if (ch >= OPT_TARGET && ch < OPT_TARGET + (int)target_noptions) {
			if (target_apply_option(&c->t,
			    &target_options[ch - OPT_TARGET], optarg, err,
			    sizeof(err)) == -1)
				usage_error(err);
		} else
			own_option(c, ch, argv);
	}
	if (optind < argc)
		c->url = argv[optind++];
	if (optind < argc)
		usage_error("one URL only");
	if ((c->url != NULL) + (c->provisioning != NULL) +
	    (c->provdir != NULL) != 1)
		usage_error("give either a URL, --provisioning FILE or "
		    "--provisioning-dir DIR");
	if (c->pattern != NULL && c->provdir == NULL)
		usage_error("--pattern goes with --provisioning-dir");
	if (c->url != NULL &&
	    target_set_url(&c->t, c->url, err, sizeof(err)) == -1)
		usage_error(err);
	if (c->provisioning != NULL && target_set_provisioning(&c->t,
	    c->provisioning, err, sizeof(err)) == -1)
		usage_error(err);
	if (c->t.password[0] != '\0' && c->t.user[0] == '\0')
		usage_error("--password-file needs --user");
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct probe_result *r;
	const char *nc = getenv("NO_COLOR");
	char err[256];
	int rc;

	/* A password may be read: no core dumps, no ptrace by others. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	memset(&c, 0, sizeof(c));
	target_init(&c.t);
	strlcpy(c.t.name, "cli", sizeof(c.t.name));
	parse_args(&c, argc, argv);
	if (c.provdir != NULL) {
		struct fleetrep_opts o = {
			.dir = c.provdir, .defaults = &c.t, .json = c.json,
			.verbose = c.verbose,
			.pattern = c.pattern ? c.pattern :
			    PROVDIR_DEFAULT_PATTERN,
		};

		rc = fleetrep_run(&o);
		target_clear(&c.t);
		if (fflush(stdout) == EOF)
			return EX_SOFTWARE;
		return rc;
	}

	/* The result is large (its notes and warnings): on the heap. */
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		fprintf(stderr, "updprobe: out of memory\n");
		return EX_SOFTWARE;
	}
	rc = probe_run_once(&c.t, r, err, sizeof(err));
	target_clear(&c.t);
	if (rc == -1 || r->local_error != 0) {
		/* Nothing to say of the server: this host failed. */
		fprintf(stderr, "updprobe: %s\n", rc == -1 ? err : r->detail);
		free(r);
		return EX_SOFTWARE;
	}
	if (c.json)
		report_json(stdout, r);
	else
		report_text(stdout, r, isatty(STDOUT_FILENO) &&
		    (nc == NULL || *nc == '\0'), c.verbose);
	rc = r->code;
	free(r);
	if (fflush(stdout) == EOF)
		return EX_SOFTWARE;
	return rc;
}
