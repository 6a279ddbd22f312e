"""Login throttling and CSRF tokens.

- Throttle: at most ``MAX_FAILURES`` failed logins per username and per client address within
  ``WINDOW`` seconds; further attempts are refused (HTTP 429) until the window passes. Kept in
  memory of the one app process (a multi-process deployment needs a shared store).
- CSRF: one random token per session, required as form field ``csrf_token`` (or header
  ``X-CSRF-Token``) on every state-changing request.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque

MAX_FAILURES = 5
WINDOW = 15 * 60.0  # seconds


class LoginThrottle:
    """Counts recent failures per key (username, address)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        """True if any key has reached the failure limit within the window."""
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.max_failures for k in keys)

    def fail(self, *keys: str) -> None:
        """Record one failure for each key."""
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def reset(self, *keys: str) -> None:
        """Forget failures (after a successful login)."""
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


def new_csrf_token() -> str:
    """A fresh random token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; missing tokens never match."""
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected), str(given))
