"""The one bounded, thread-safe memo every per-worker cache uses (least recently used goes first)."""
import threading
from collections import OrderedDict
from typing import Callable, Hashable


class BoundedMemo:
    """A thread-safe least-recently-used memo, bounded by count and optionally by a size."""

    def __init__(self, items: int, max_size: int | None = None, size_of: Callable[[object], int] = len):
        self._items: OrderedDict = OrderedDict()
        self._limit, self._max_size, self._size_of = items, max_size, size_of
        self._size = 0
        self._lock = threading.Lock()

    def peek(self, key: Hashable):
        """The value for `key`, or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            if key in self._items:
                self._size -= self._measure(self._items.pop(key))
            self._items[key] = value
            self._size += self._measure(value)
            # The newest value always stays, even when it alone is over the size.
            while len(self._items) > 1 and (len(self._items) > self._limit or
                                            (self._max_size is not None and self._size > self._max_size)):
                self._size -= self._measure(self._items.popitem(last=False)[1])

    def get(self, key: Hashable, build: Callable[[], object]):
        """The value for `key`, built (outside the lock) and kept when missing."""
        value = self.peek(key)
        if value is None:
            value = build()
            self.put(key, value)
        return value

    def pop(self, key: Hashable) -> None:
        """Forget `key` (a no-op when it is not held)."""
        with self._lock:
            if key in self._items:
                self._size -= self._measure(self._items.pop(key))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def _measure(self, value) -> int:
        return self._size_of(value) if self._max_size is not None else 0
