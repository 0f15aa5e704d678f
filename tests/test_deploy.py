"""The shipped reverse-proxy config (deploy/nginx.conf) is valid nginx, sets the cookie flags, the
security headers and sticky sessions; the systemd unit starts server.py and stops on exit 2."""

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parents[1] / "deploy"
CONF = (DEPLOY / "nginx.conf").read_text()


def test_the_proxy_sets_what_the_app_cannot():
    assert "proxy_cookie_flags ledger_session secure httponly samesite=strict" in CONF
    assert "proxy_cookie_flags _streamlit_xsrf secure samesite=strict" in CONF   # readable by the page
    assert 'add_header X-Frame-Options "SAMEORIGIN" always' in CONF
    assert "Content-Security-Policy" in CONF and "frame-ancestors 'self'" in CONF
    assert "hash $remote_addr consistent" in CONF                              # sticky sessions
    assert "proxy_set_header X-Forwarded-For $remote_addr" in CONF             # overwritten, not appended
    assert "client_max_body_size 31m" in CONF


def test_the_service_runs_server_py():
    unit = (DEPLOY / "ledger@.service").read_text()
    assert "streamlit run server.py" in unit and "RestartPreventExitStatus=2" in unit


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx not installed")
def test_nginx_accepts_the_config(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=ledger.test", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    site = tmp_path / "ledger.conf"
    site.write_text(CONF.replace("/etc/ssl/ledger/fullchain.pem", str(cert))
                    .replace("/etc/ssl/ledger/privkey.pem", str(key)))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
                    f"events {{}}\nhttp {{ access_log off; client_body_temp_path {tmp_path}; "
                    f"proxy_temp_path {tmp_path}; include {site}; }}\n")
    result = subprocess.run(["nginx", "-t", "-c", str(main), "-p", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
