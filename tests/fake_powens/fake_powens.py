#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A fake Powens API for the end-to-end tests: real HTTPS (its own test CA), python3 stdlib only.

Serves the data of a CONNECTION_SYNCED sample as the API would (user, connections with accounts,
accounts, flat investments, flat transactions in pages following _links.next.href), answers auth/init and
auth/token/code, and plays scripted faults. Every request is logged as one JSON line (time,
method, path, query, whether Authorization was present) so tests count calls.

Control (test only, never authenticated): POST /_fake/config with a JSON object merged into the
settings:
  page_size: transactions per page (default 2)
  faults: [{"path": "/2.0/users/me/transactions", "status": 429, "retry_after": 1,
            "body": {...} | null, "times": 1, "stall": seconds}]   consumed in order
  connection_state: null | "SCARequired" | ...     (the connection's state everywhere)
  access_expire: "YYYY-MM-DD HH:MM:SS"             (the source's consent expiry)
  update_transactions: {"90001": {"wording": "...", "last_update": "..."}}
  update_investments: {"4001": {"quantity": 121, "last_update": "..."}}
  loans_only_in_accounts: true    connections?expand=accounts leaves out accounts' loan{} (so
                                  only GET accounts?all can bring it)
"""
import argparse
import copy
import json
import os
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {}


def load_state(sample_path):
    with open(sample_path, encoding="utf-8") as f:
        sample = json.load(f)
    connection = sample["connection"]
    transactions = []
    investments = []
    accounts = []
    for account in connection["accounts"]:
        for t in account.pop("transactions", []):
            t.setdefault("id_account", account["id"])
            transactions.append(t)
        for i in account.pop("investments", []):
            i.setdefault("id_account", account["id"])
            investments.append(i)
        accounts.append(account)
    return {
        "user": sample["user"],
        "connection": connection,
        "accounts": accounts,
        "transactions": transactions,
        "investments": investments,
        "settings": {"page_size": 2, "faults": [], "connection_state": None},
        "auth_inits": 0,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-powens/1"

    def log_message(self, fmt, *args):  # the JSON log replaces the default stderr lines
        pass

    def record(self, path, query):
        line = json.dumps({"t": time.time(), "method": self.command, "path": path,
                           "query": query, "auth": "Authorization" in self.headers})
        with LOCK:
            with open(self.server.log_path, "a", encoding="utf-8") as log:
                log.write(line + "\n")

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def body_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}

    def authorized(self):
        return self.headers.get("Authorization") == "Bearer " + self.server.token

    def take_fault(self, path):
        with LOCK:
            for fault in STATE["settings"]["faults"]:
                if path.startswith(fault.get("path", "")) and fault.get("times", 1) > 0:
                    fault["times"] = fault.get("times", 1) - 1
                    return dict(fault)
        return None

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if path == "/_fake/config":
            with LOCK:
                update = self.body_json()
                for kind in ("transactions", "investments"):
                    for row_id, fields in update.pop("update_" + kind, {}).items():
                        for row in STATE[kind]:
                            if str(row["id"]) == row_id:
                                row.update(fields)
                STATE["settings"].update(update)
            return self.reply(200, {"ok": True})
        self.record(path, url.query)
        fault = self.take_fault(path)
        if fault and fault.get("stall"):
            time.sleep(fault["stall"])
        if fault and fault.get("status"):
            headers = {}
            if fault.get("retry_after") is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            body = fault.get("body") or {"code": "bug", "description": "scripted fault",
                                         "message": "scripted", "request_id": 4242}
            return self.reply(fault["status"], body, headers)
        return self.route(path, query)

    def route(self, path, query):
        if not path.startswith("/2.0/"):
            return self.reply(404, {"code": "notFound", "description": "no such path"})
        path = path[len("/2.0"):]
        if path == "/auth/init" and self.command == "POST":
            body = self.body_json()
            if body.get("client_id") != self.server.client_id or \
                    body.get("client_secret") != self.server.client_secret:
                return self.reply(401, {"code": "invalidClient", "description": "bad client",
                                        "message": "Invalid client", "request_id": "r-1"})
            with LOCK:
                STATE["auth_inits"] += 1
            return self.reply(200, {"auth_token": self.server.token, "type": "permanent",
                                    "id_user": STATE["user"]["id"], "expires_in": None})
        if not self.authorized():
            return self.reply(401, {"code": "unauthorized", "description": "bad token",
                                    "request_id": 17})
        if path == "/auth/token/code":
            return self.reply(200, {"code": "fakecode+/=1", "type": "temporary",
                                    "access": "single", "expires_in": 1800})
        if path == "/users/me":
            return self.reply(200, STATE["user"])
        conn_id = str(STATE["connection"]["id"])
        scope = "/users/me"
        if path.startswith("/users/me/connections/" + conn_id):
            scope = "/users/me/connections/" + conn_id
            rest = path[len(scope):]
        else:
            rest = path[len("/users/me"):] if path.startswith("/users/me") else None
        if rest == "/connections" and self.command == "GET":
            return self.reply(200, {"connections": [self.connection_body(True)]})
        if rest == "" and scope != "/users/me":
            return self.reply(200, self.connection_body("expand" in query))
        if rest == "/accounts":
            return self.reply(200, {"accounts": copy.deepcopy(STATE["accounts"]),
                                    "total": len(STATE["accounts"])})
        if rest == "/investments":
            return self.investments()
        if rest == "/transactions":
            return self.transactions(scope, query)
        return self.reply(404, {"code": "notFound", "description": "no such path " + path})

    def connection_body(self, with_accounts):
        with LOCK:
            c = copy.deepcopy(STATE["connection"])
            c["state"] = STATE["settings"].get("connection_state")
            if STATE["settings"].get("access_expire"):
                for source in c.get("sources", []):
                    source["access_expire"] = STATE["settings"]["access_expire"]
            c["accounts"] = copy.deepcopy(STATE["accounts"]) if with_accounts else []
            if STATE["settings"].get("loans_only_in_accounts"):
                for account in c["accounts"]:
                    account["loan"] = None
        return c

    def investments(self):
        """The InvestmentsList object: the list plus totals (derived; freenahi ignores them)."""
        with LOCK:
            rows = copy.deepcopy(STATE["investments"])
        total = sum(float(i.get("valuation") or 0) for i in rows if not i.get("deleted"))
        return self.reply(200, {"investments": rows, "valuation": round(total, 2), "diff": None,
                                "diff_percent": None, "prev_diff": None,
                                "prev_diff_percent": None})

    def transactions(self, scope, query):
        size = int(STATE["settings"].get("page_size", 2))
        since = query.get("last_update", [None])[0]
        offset = int(query.get("cursor", ["0"])[0])
        with LOCK:
            rows = [t for t in STATE["transactions"] if since is None or t["last_update"] >= since]
        rows.sort(key=lambda t: (t["date"], t["id"]), reverse=True)
        page = rows[offset:offset + size]
        base = "https://" + self.headers.get("Host", "localhost") + "/2.0" + scope + "/transactions"
        params = {k: v[0] for k, v in query.items() if k != "cursor"}
        nxt = None
        if offset + size < len(rows):
            params["cursor"] = str(offset + size)
            nxt = {"href": base + "?" + urllib.parse.urlencode(params)}
        return self.reply(200, {"transactions": page, "total": len(rows),
                                "_links": {"self": {"href": base}, "prev": None, "next": nxt}})

    do_GET = handle_any
    do_POST = handle_any
    do_PUT = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--client-id", default="fake-client")
    parser.add_argument("--client-secret", default="fake-secret")
    parser.add_argument("--token", required=True)
    parser.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds")
    args = parser.parse_args()
    STATE.update(load_state(args.sample))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.log_path, server.token = args.log, args.token
    server.client_id, server.client_secret = args.client_id, args.client_secret
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Timer(args.lifetime, server.shutdown).start()  # a test that dies leaves no server
    server.serve_forever()


if __name__ == "__main__":
    main()
