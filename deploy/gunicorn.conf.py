"""gunicorn settings for Gapmap behind nginx (deploy/nginx/): `gunicorn -c deploy/gunicorn.conf.py`.

Sync workers are right here because nginx buffers every request and answer: a worker is
busy only while Django computes, never while a slow client sends or reads. Every value can
be overridden on the command line (`--workers 8`) or with GUNICORN_* below.

The access log never holds a share link's token: `/s/<token>/` is written
`/s/[redacted]/` in the request line, the path and the referrer (RedactingLogger).
"""

from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger

wsgi_app = "config.wsgi:application"
# Loopback only: nginx on the same host is the one client (see GAPMAP_TRUSTED_PROXIES).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core plus one is gunicorn's rule of thumb for sync workers.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
worker_class = "sync"
# A request still computing after 30 s is stuck: its worker is restarted (nginx waits 60).
timeout = 30
graceful_timeout = 30
keepalive = 5
# Requests nginx would have refused anyway (deploy/nginx/gapmap-proxy.conf): the same
# limits here, in case gunicorn is reached directly on the host.
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 100
# wsgi.url_scheme from nginx's X-Forwarded-Proto, only from loopback (gunicorn's default).
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

SHARE_TOKEN = re.compile(r"/s/[^/?\s\"]+")


def redact(text: str) -> str:
    """`/s/<token>` -> `/s/[redacted]`, wherever it appears in a log value."""
    return SHARE_TOKEN.sub("/s/[redacted]", text)


class RedactingLogger(Logger):
    """gunicorn's logger with share tokens cut from every access-log atom."""

    def atoms(self, resp, req, environ, request_time):
        values = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in values.items()
        }


logger_class = RedactingLogger
