"""gunicorn settings of the service (scripts/serve.sh passes --config gunicorn.conf.py; gunicorn
also reads ./gunicorn.conf.py by default). Command-line options override these.

The access log never holds a secret or a forged line: `SafeAccessLogger` masks reset tokens in
paths (/auth/reset/[redacted]), drops credential headers, and escapes control characters, quotes
and backslashes in every field (app/log_safety.py). No query strings are logged (%(U)s is the
path alone), and never a request body.
"""

logger_class = "app.log_safety.SafeAccessLogger"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms'
