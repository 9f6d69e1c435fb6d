"""The one authorization check: a known caller, of the right organisation, holding a role.

GraphQL resolvers, use cases and gRPC servicers all call `require`; each layer only changes how
the refusal reaches its caller (a GraphQL error, a `userErrors` entry, a gRPC status).
"""

from __future__ import annotations

from collections.abc import Collection

from slate.auth import Principal
from slate.errors import Forbidden, UserError


class Unauthenticated(UserError):
    """No valid credentials came with the request."""

    default_code = "UNAUTHENTICATED"


def require(
    principal: Principal | None,
    roles: Collection[str],
    action: str,
    *,
    org: str | None = None,
) -> Principal:
    """The caller, if authenticated, a member of `org` (when given) and holding one of `roles`
    (when any are given); Unauthenticated or Forbidden otherwise, naming the action."""
    if principal is None:
        raise Unauthenticated(f"{action}: a bearer token is required")
    if org is not None and principal.org != org:
        raise Forbidden(f"{action}: not the caller's organisation", field="orgId")
    if roles and not principal.has_any(*roles):
        raise Forbidden(f"{action} requires one of the roles {', '.join(sorted(roles))}")
    return principal
