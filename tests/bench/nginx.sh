# nginx.sh - the nginx of the benchmarks (run.sh, fleet.sh), sourced.
#
#   bench_nginx_start TRACK [FORMAT]
#
# Starts nginx on a free port of 127.0.0.1, in $TEST_TMP/nginx, serving
# httpfault.py's good update folder under /siteN/ for any N, behind Basic
# auth ($USER_NAME, $SECRET).  TRACK is the function that records its PID
# (stopped by PID at the end).  With a FORMAT (nginx's log_format), its
# access log is $NGX/access.log, buffered; without, it keeps none.  Sets NGX (its folder), NGX_PORT and NGINX_PID; dies
# (the caller's die) if it does not answer within 10 s.

# shellcheck shell=bash

bench_nginx_start() {
	local track=$1 access="access_log off;" hash
	NGX=$TEST_TMP/nginx
	if [ -n "${2:-}" ]; then
		access="log_format bench '$2';
	access_log $NGX/access.log bench buffer=256k flush=2s;"
	fi
	mkdir -p "$NGX/www/good" "$NGX/tmp" || die "cannot make $NGX"
	"$PYTHON" "$SERVERS_DIR/httpfault.py" --dump-folder good \
	    "$NGX/www/good" || die "httpfault.py --dump-folder failed"
	# Its workers (user nobody when run as root) must reach their files.
	chmod 755 "$NGX" "$NGX/www" "$NGX/www/good" "$NGX/tmp"
	chmod 644 "$NGX"/www/good/*
	hash=$(openssl passwd -apr1 "$SECRET") ||
	    die "openssl passwd -apr1 failed"
	printf '%s:%s\n' "$USER_NAME" "$hash" >"$NGX/htpasswd"
	chmod 644 "$NGX/htpasswd"
	NGX_PORT=$(free_port tcp) || die "no free port"
	cat >"$NGX/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
worker_rlimit_nofile 16384;
events {
	worker_connections 8192;
}
http {
	default_type application/octet-stream;
	types {
		text/plain txt;
	}
	$access
	keepalive_timeout 30s;
	keepalive_requests 100000;
	client_body_temp_path $NGX/tmp/body;
	proxy_temp_path $NGX/tmp/proxy;
	fastcgi_temp_path $NGX/tmp/fastcgi;
	uwsgi_temp_path $NGX/tmp/uwsgi;
	scgi_temp_path $NGX/tmp/scgi;
	server {
		listen 127.0.0.1:$NGX_PORT;
		server_name _;
		auth_basic "m3";
		auth_basic_user_file $NGX/htpasswd;
		location ~ ^/site[0-9]+/(?<file>[^/]+)\$ {
			alias $NGX/www/good/\$file;
		}
	}
}
EOF
	"$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" \
	    </dev/null >>"$NGX/stdout.log" 2>&1 &
	NGINX_PID=$!
	"$track" "$NGINX_PID"
	if ! wait_for -t 10 _bench_nginx_up; then
		cat "$NGX/error.log" "$NGX/stdout.log" >&2
		die "nginx did not answer on 127.0.0.1:$NGX_PORT"
	fi
}

_bench_nginx_up() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' -u "$USER_NAME:$SECRET" \
	    "http://127.0.0.1:$NGX_PORT/site1/dirlist.txt")" = 200 ]
}
