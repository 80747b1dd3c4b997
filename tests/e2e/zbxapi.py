#!/usr/bin/python3
"""zbxapi.py - a minimal client of the Zabbix 6.0 JSON-RPC API, for
tests/e2e/monitoring.sh.

    zbxapi.py URL TOKENFILE login
    zbxapi.py URL TOKENFILE call METHOD [PARAMS-JSON [EXPRESSION]]
    zbxapi.py URL TOKENFILE import TEMPLATE.yaml

login stores the session token of Admin (the default password of a new
Zabbix database) in TOKENFILE. call prints the result as JSON, or the
value of EXPRESSION, a Python expression of r (the result) and json.
import runs configuration.import on a YAML template, creating and updating
what the file holds. An API error is printed on stderr, exit status 1.
"""

import json
import signal
import sys
import urllib.request

TIMEOUT = 120   # seconds; a busy machine makes PHP's first answers slow


def call(url, token, method, params):
    body = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
    if token:
        body["auth"] = token
    req = urllib.request.Request(url, json.dumps(body).encode(),
                                 {"Content-Type": "application/json-rpc"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as ans:
        text = ans.read().decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        sys.stderr.write("%s: not JSON: %s\n" % (method, text[:600]))
        sys.exit(1)
    if "error" in doc:
        sys.stderr.write("%s: %s\n" % (method, json.dumps(doc["error"])))
        sys.exit(1)
    return doc["result"]


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 64
    url, tokfile, cmd = argv[1], argv[2], argv[3]
    if cmd == "login":
        tok = call(url, None, "user.login",
                   {"username": "Admin", "password": "zabbix"})
        with open(tokfile, "w") as f:
            f.write(tok)
        return 0
    with open(tokfile) as f:
        token = f.read().strip()
    if cmd == "import":
        with open(argv[4]) as f:
            source = f.read()
        every = {"createMissing": True, "updateExisting": True,
                 "deleteMissing": True}
        rules = {"groups": {"createMissing": True},
                 "templates": {"createMissing": True, "updateExisting": True},
                 "valueMaps": {"createMissing": True, "updateExisting": True},
                 "templateLinkage": {"createMissing": True},
                 "templateDashboards": every, "discoveryRules": every,
                 "items": every, "triggers": every, "graphs": every,
                 "httptests": every}
        r = call(url, token, "configuration.import",
                 {"format": "yaml", "source": source, "rules": rules})
        print(json.dumps(r))
        return 0 if r is True else 1
    if cmd == "call":
        params = json.loads(argv[5]) if len(argv) > 5 else {}
        # apiinfo.version refuses a token.
        r = call(url, None if argv[4] == "apiinfo.version" else token,
                 argv[4], params)
        if len(argv) > 6:
            print(eval(argv[6], {"json": json, "r": r}))
        else:
            print(json.dumps(r))
        return 0
    sys.stderr.write("zbxapi.py: unknown command %s\n" % cmd)
    return 64


if __name__ == "__main__":
    # A reader that stops early (grep -q) is no error.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv))
