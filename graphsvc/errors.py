"""Errors the domain raises on purpose; the API turns each into an `extensions.code`.

Messages never mention anything the caller may not see: "not found" is the same for an id
that does not exist and one that is hidden.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "INTERNAL_SERVER_ERROR"


class BadInput(DomainError):
    code = "BAD_USER_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"

    @classmethod
    def entity(cls, entity_id: str) -> "NotFound":
        return cls(f"no entity {entity_id!r} that you may see")

    @classmethod
    def child(cls, child_id: str) -> "NotFound":
        return cls(f"no child {child_id!r} that you may see")

    @classmethod
    def assertion(cls, assertion_id: str) -> "NotFound":
        return cls(f"no assertion {assertion_id!r} that you may see")


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Unavailable(DomainError):
    code = "SERVICE_UNAVAILABLE"
