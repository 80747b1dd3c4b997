/*
 * updprobe - one-shot diagnosis: which "Code N" would a Snom m3 base
 * station show if it tried a firmware update from this server now?
 *
 * Exit status: the predicted code (0-12); 64 usage error; 70 internal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "probe.h"
#include "report.h"
#include "util.h"

#ifndef UPDPROBE_VERSION
#define UPDPROBE_VERSION	"0.1"
#endif

struct cli {
	struct target		 t;
	const char		*url;
	const char		*provisioning;
	int			 json;
	int			 verbose;
	struct probe_result	 result;
	int			 done;
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: updprobe [options] URL\n"
"       updprobe [options] --provisioning FILE\n"
"URL is http://, https:// or tftp://HOST[:PORT]/FOLDER/\n"
"  --version V          firmware version to select (4 digits; default newest)\n"
"  --language L         language tag of the files (e.g. fr01)\n"
"  --user U             HTTP user (Basic or Digest)\n"
"  --password-file F    file holding the password (mode 600)\n"
"  --dns-server A[:P]   DNS server the base stations use (repeatable)\n"
"  --timeout S          the device's patience per step (default %d s)\n"
"  --max-size N         largest firmware file accepted (K/M/G; default 8M)\n"
"  --dirfile-name NAME  name of the DirFile (default %s)\n"
"  --full               download and check whole firmware files\n"
"  --insecure           do not verify TLS certificates\n"
"  --provisioning FILE  take server, folder, protocol from an m3 file\n"
"  --json               one JSON object instead of the trace\n"
"  -v                   show every step, also those not run\n"
"  -V                   print the program version\n"
"Exit status: the predicted code 0-12, 64 usage error, 70 internal error.\n",
	    TARGET_DEFAULT_TIMEOUT, TARGET_DEFAULT_DIRFILE);
	exit(status);
}

static void __attribute__((noreturn))
usage_error(const char *msg)
{
	fprintf(stderr, "updprobe: %s\n(updprobe -h for help)\n", msg);
	exit(EX_USAGE);
}

enum {
	OPT_VERSION = 256, OPT_LANGUAGE, OPT_USER, OPT_PASSWORD_FILE,
	OPT_DNS, OPT_TIMEOUT, OPT_MAXSIZE, OPT_DIRFILE, OPT_FULL,
	OPT_INSECURE, OPT_PROVISIONING, OPT_JSON
};

/* The target setting each long option maps to (NULL: handled apart). */
static const struct {
	int		 opt;
	const char	*key;
} option_keys[] = {
	{ OPT_VERSION, "version" },
	{ OPT_LANGUAGE, "language" },
	{ OPT_USER, "user" },
	{ OPT_PASSWORD_FILE, "passwordFile" },
	{ OPT_DNS, "dnsServer" },
	{ OPT_TIMEOUT, "timeout" },
	{ OPT_MAXSIZE, "maxSize" },
	{ OPT_DIRFILE, "dirFile" },
};

static void
parse_args(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "language", required_argument, NULL, OPT_LANGUAGE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "dns-server", required_argument, NULL, OPT_DNS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-size", required_argument, NULL, OPT_MAXSIZE },
		{ "dirfile-name", required_argument, NULL, OPT_DIRFILE },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "provisioning", required_argument, NULL, OPT_PROVISIONING },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[512];
	size_t i;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hvV", opts, NULL)) != -1) {
		for (i = 0; i < sizeof(option_keys) / sizeof(option_keys[0]); i++)
			if (option_keys[i].opt == ch)
				break;
		if (i < sizeof(option_keys) / sizeof(option_keys[0])) {
			if (target_set_option(&c->t, option_keys[i].key, optarg,
			    err, sizeof(err)) == -1)
				usage_error(err);
			continue;
		}
		switch (ch) {
		case OPT_FULL:
			c->t.full_download = 1;
			break;
		case OPT_INSECURE:
			c->t.insecure = 1;
			break;
		case OPT_PROVISIONING:
			c->provisioning = optarg;
			break;
		case OPT_JSON:
			c->json = 1;
			break;
		case 'v':
			c->verbose = 1;
			break;
		case 'V':
			printf("updprobe %s\n", UPDPROBE_VERSION);
			exit(0);
		case 'h':
			usage(0);
		default:
			snprintf(err, sizeof(err), "unknown option or missing "
			    "argument: %s", argv[optind - 1]);
			usage_error(err);
		}
	}
	if (optind < argc)
		c->url = argv[optind++];
	if (optind < argc)
		usage_error("one URL only");
	if ((c->url == NULL) == (c->provisioning == NULL))
		usage_error("give either a URL or --provisioning FILE");
	if (c->url != NULL &&
	    target_set_url(&c->t, c->url, err, sizeof(err)) == -1)
		usage_error(err);
	if (c->provisioning != NULL && target_set_provisioning(&c->t,
	    c->provisioning, err, sizeof(err)) == -1)
		usage_error(err);
	if (c->t.password[0] != '\0' && c->t.user[0] == '\0')
		usage_error("--password-file needs --user");
}

static void
on_done(const struct probe_result *r, void *arg)
{
	struct cli *c = arg;

	c->result = *r;
	c->done = 1;
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct loop *l;
	struct engine *e;
	const char *nc = getenv("NO_COLOR");

	memset(&c, 0, sizeof(c));
	target_init(&c.t);
	strlcpy(c.t.name, "cli", sizeof(c.t.name));
	parse_args(&c, argc, argv);

	if (engine_global_init() == -1 || (l = loop_new()) == NULL ||
	    (e = engine_new(l)) == NULL) {
		fprintf(stderr, "updprobe: cannot set up the probe engine\n");
		return EX_SOFTWARE;
	}
	if (probe_start(e, &c.t, on_done, &c) == NULL) {
		fprintf(stderr, "updprobe: out of memory\n");
		return EX_SOFTWARE;
	}
	target_clear(&c.t);
	while (!c.done)
		if (loop_once(l, -1) == -1) {
			perror("updprobe: event loop");
			return EX_SOFTWARE;
		}
	engine_free(e);
	loop_free(l);
	engine_global_cleanup();

	if (c.json)
		report_json(stdout, &c.result);
	else
		report_text(stdout, &c.result,
		    isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0'),
		    c.verbose);
	if (fflush(stdout) == EOF)
		return EX_SOFTWARE;
	return c.result.code;
}
