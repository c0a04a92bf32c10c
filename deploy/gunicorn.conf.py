"""gunicorn for Medvirke behind nginx (deploy/nginx/medvirke.conf):

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

Settings come from the environment (the systemd unit reads /etc/medvirke/medvirke.env);
the ones below are the deployment's own and may be overridden there.
"""

import multiprocessing
import os

# One proxy (nginx) in front: ProxyFix takes the client's address and scheme from the one
# X-Forwarded-For / -Proto hop nginx sets, so rate limits count clients, not the proxy, and
# request.is_secure is true behind TLS. With a load balancer in front of nginx as well, set
# TRUSTED_PROXY_HOPS=2 in the environment file.
os.environ.setdefault("MEDVIRKE_ENV", "production")
os.environ.setdefault("TRUSTED_PROXY_HOPS", "1")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, two per core: each holds about 100 MB; add hosts rather than threads
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5  # nginx keeps connections to the upstream open (keepalive 32)
# A worker is replaced after this many requests, so no slow growth lasts
max_requests = 5000
max_requests_jitter = 500
# nginx answers the clients; gunicorn writes its access log only when asked
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# gunicorn itself believes X-Forwarded-Proto only from these addresses (nginx on this
# host); ProxyFix (TRUSTED_PROXY_HOPS) does the same wherever nginx runs
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "medvirke-web"
