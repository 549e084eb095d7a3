"""Production settings for the nginx end-to-end test (test_nginx_proxy.py), with two
changes that do not touch what it tests: static files unhashed (collecting and compressing
them takes minutes on a busy machine, and no answer here needs them), and the test
suite's password hasher, so users made by the test's factories can log in.
"""

from config.settings.base import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
