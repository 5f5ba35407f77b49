"""Bearer tokens -> Principal.

Production verifies RS256/ES256 tokens against a configured public key or JWKS, issuer and
audience. For local use a key pair is kept beside the store file and `graphsvc token` signs
with it; the server on that store accepts those tokens.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..errors import Unauthenticated
from ..principal import ROLES, Principal
from ..settings import SettingError, Settings

ALGORITHMS = ["RS256", "ES256"]
LOCAL_ISSUER = "graphsvc-local"
LOCAL_AUDIENCE = "graphsvc"
LEEWAY_SECONDS = 30
VERIFIED_CACHE_SIZE = 4096  # tokens remembered as verified (a client sends the same one many times)


def local_key_path(db: str | Path) -> Path:
    return Path(f"{db}.signing-key.pem")


def local_private_key(db: str | Path) -> ec.EllipticCurvePrivateKey:
    """The local signing key beside the store, created (readable by its owner only) on first use."""
    path = local_key_path(db)
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def issue_local_token(db: str | Path, sub: str, agency: str, roles: Iterable[str], auths: Iterable[str] = (), purpose: Optional[str] = None, ttl_seconds: int = 8 * 3600) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE, "sub": sub, "iat": now, "exp": now + ttl_seconds,
        "agency": agency, "roles": sorted(set(roles)), "auths": sorted(set(auths)),
    }
    if purpose:
        claims["purpose"] = purpose
    return jwt.encode(claims, local_private_key(db), algorithm="ES256")


@dataclass
class Verifier:
    """Checks signature, expiry, issuer and audience; turns the claims into a Principal."""

    key: Any = None  # a public key (PEM bytes or key object), or None with a JWKS URL
    issuer: str = LOCAL_ISSUER
    audience: str = LOCAL_AUDIENCE
    jwks_url: Optional[str] = None

    def __post_init__(self) -> None:
        self._jwks = jwt.PyJWKClient(self.jwks_url, cache_keys=True) if self.jwks_url else None
        # sha256(token) -> (principal, the moment the token stops being accepted): a signature
        # is checked once per token, not once per request. Keyed by digest so the cache holds no tokens.
        self._verified: dict[bytes, tuple[Principal, float]] = {}

    @classmethod
    def local(cls, db: str | Path) -> "Verifier":
        return cls(key=local_private_key(db).public_key())

    @classmethod
    def from_settings(cls, settings: Settings, db: str | Path) -> "Verifier":
        """GRAPHSVC_JWT_PUBLIC_KEY (a PEM file) or GRAPHSVC_JWKS_URL, with GRAPHSVC_JWT_ISSUER
        and GRAPHSVC_JWT_AUDIENCE; without either, the local key beside the store."""
        pem, jwks = settings["GRAPHSVC_JWT_PUBLIC_KEY"], settings["GRAPHSVC_JWKS_URL"]
        if not pem and not jwks:
            return cls.local(db)
        issuer, audience = settings["GRAPHSVC_JWT_ISSUER"], settings["GRAPHSVC_JWT_AUDIENCE"]
        if not issuer or not audience:
            raise SettingError("GRAPHSVC_JWT_ISSUER", "and GRAPHSVC_JWT_AUDIENCE are required with an external key")
        try:
            key = serialization.load_pem_public_key(Path(pem).read_bytes()) if pem else None
        except (OSError, ValueError) as exc:
            raise SettingError("GRAPHSVC_JWT_PUBLIC_KEY", f"must name a readable PEM public key file ({type(exc).__name__})") from None
        return cls(key=key, issuer=issuer, audience=audience, jwks_url=jwks)

    @classmethod
    def from_env(cls, db: str | Path) -> "Verifier":
        """As from_settings, with the settings read now (library and test use)."""
        return cls.from_settings(Settings.from_env(), db)

    def principal(self, authorization: Optional[str]) -> Principal:
        if not authorization:
            raise Unauthenticated("a bearer token is required")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
        token = token.strip()
        digest = hashlib.sha256(token.encode()).digest()
        known = self._verified.get(digest)
        if known is not None and time.time() < known[1]:
            return known[0]
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self.key
            claims = jwt.decode(
                token, key, algorithms=ALGORITHMS, issuer=self.issuer, audience=self.audience,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            # Say what kind of problem, never echo the token. (A token signed for another key
            # type makes PyJWT raise TypeError.)
            raise Unauthenticated(f"the token is not valid ({type(exc).__name__})") from None
        principal = _principal(claims)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.clear()  # crude but bounded; re-verifying costs one signature check each
        # Accepted exactly as long as jwt.decode would accept it: until exp plus the leeway.
        self._verified[digest] = (principal, float(claims["exp"]) + LEEWAY_SECONDS)
        return principal


def _principal(claims: dict[str, Any]) -> Principal:
    def strings(name: str) -> frozenset[str]:
        value = claims.get(name, [])
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise Unauthenticated(f"the token claim {name!r} must be a list of strings")
        return frozenset(value)

    agency, purpose = claims.get("agency"), claims.get("purpose")
    if not isinstance(agency, str) or not agency:
        raise Unauthenticated("the token has no agency claim")
    roles = strings("roles")
    if not roles or not roles <= ROLES.keys():
        raise Unauthenticated(f"the token's roles must be some of {', '.join(ROLES)}")
    if purpose is not None and not isinstance(purpose, str):
        raise Unauthenticated("the token claim 'purpose' must be a string")
    return Principal(subject=str(claims["sub"]), agency=agency, roles=roles, auths=strings("auths"), purpose=purpose)
