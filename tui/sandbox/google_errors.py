"""Google's error bodies, as the emulator's reads and writes answer with them (see
tests/fixtures/api_errors.json and sync_and_write_errors.json)."""

from __future__ import annotations

from typing import Any


def error_body(
    status: int, reason: str, message: str, domain: str = "global", **where: str
) -> dict[str, Any]:
    """Google's error body (see tests/fixtures/sync_and_write_errors.json)."""
    return {
        "error": {
            "errors": [{"domain": domain, "reason": reason, "message": message, **where}],
            "code": status,
            "message": message,
        }
    }


UNAUTHENTICATED = {
    "error": {
        "code": 401,
        "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential.",
        "errors": [
            {
                "message": "Invalid Credentials",
                "domain": "global",
                "reason": "authError",
                "location": "Authorization",
                "locationType": "header",
            }
        ],
        "status": "UNAUTHENTICATED",
    }
}
INSUFFICIENT_SCOPES = {
    "error": {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "errors": [
            {"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}
        ],
        "status": "PERMISSION_DENIED",
    }
}
