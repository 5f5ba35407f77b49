"""Production token verification: RS256/ES256 against a configured public key or a JWKS, with
issuer and audience checked, over the real app."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from graphsvc.api.app import Service, pseudonym_key
from graphsvc.api.auth import Verifier
from graphsvc.principal import Pseudonyms
from live import LiveServer

ISSUER, AUDIENCE = "https://idp.example.test/", "graphsvc-prod"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(key=KEY, iss=ISSUER, aud=AUDIENCE, ttl=300, kid="k1", **claims):
    now = int(time.time())
    body = {"iss": iss, "aud": aud, "sub": "pc-1", "iat": now, "exp": now + ttl, "agency": "police", "roles": ["practitioner"], "auths": [], **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _hs256(claims, secret: bytes) -> str:
    """Built by hand: PyJWT itself refuses to sign HS256 with a public key."""
    import base64
    import hashlib
    import hmac

    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=")
    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"." + b64(json.dumps(claims).encode())
    return (signing_input + b"." + b64(hmac.new(secret, signing_input, hashlib.sha256).digest())).decode()


def status(server, tok):
    return server.http.post("/graphql", json={"query": "{ me { subject agency } }"}, headers={"Authorization": f"Bearer {tok}"}).status_code


@pytest.fixture
def with_public_key(store, tmp_path, monkeypatch):
    pem = tmp_path / "idp.pem"
    pem.write_bytes(KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    monkeypatch.setenv("GRAPHSVC_JWT_PUBLIC_KEY", str(pem))
    monkeypatch.setenv("GRAPHSVC_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("GRAPHSVC_JWT_AUDIENCE", AUDIENCE)
    db = tmp_path / "store.db"
    with LiveServer(Service(store, Verifier.from_env(db), Pseudonyms(pseudonym_key(db))), db) as server:
        yield server


def test_a_configured_public_key(with_public_key):
    server = with_public_key
    assert status(server, token()) == 200
    assert status(server, token(key=OTHER)) == 401
    assert status(server, token(iss="https://elsewhere.test/")) == 401
    assert status(server, token(aud="another-service")) == 401
    assert status(server, token(ttl=-300)) == 401
    assert status(server, token(roles=["superuser"])) == 401
    assert status(server, server.token()) == 401  # the local key is not accepted once a real one is configured
    pem = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    hs = _hs256({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": int(time.time()), "exp": int(time.time()) + 60, "agency": "p", "roles": ["practitioner"]}, pem)
    assert status(server, hs) == 401  # algorithm confusion: HS256 with the public key as secret


@pytest.fixture
def jwks_url():
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    httpd.shutdown()


def test_a_jwks(store, tmp_path, jwks_url):
    db = tmp_path / "store.db"
    verifier = Verifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=jwks_url)
    with LiveServer(Service(store, verifier, Pseudonyms(pseudonym_key(db))), db) as server:
        assert status(server, token()) == 200
        assert status(server, token(key=OTHER)) == 401
        assert status(server, token(kid="unknown")) == 401


def test_a_remembered_token_is_accepted_exactly_as_long_as_its_signature_check_would_accept_it():
    from graphsvc.api.auth import LEEWAY_SECONDS
    from graphsvc.errors import Unauthenticated

    verifier = Verifier(key=KEY.public_key(), issuer=ISSUER, audience=AUDIENCE)
    # Expired 3 s short of the leeway: accepted now, and remembered as verified...
    nearly = token(ttl=-(LEEWAY_SECONDS - 3))
    assert verifier.principal(f"Bearer {nearly}").subject == "pc-1"
    assert verifier.principal(f"Bearer {nearly}").subject == "pc-1"
    time.sleep(4.5)
    # ...but not past the moment jwt.decode itself would refuse it.
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.principal(f"Bearer {nearly}")
    # A token that failed once is never remembered: it keeps failing, and a good one keeps working.
    bad = token(key=OTHER)
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            verifier.principal(f"Bearer {bad}")
    assert verifier.principal(f"Bearer {token()}").agency == "police"
