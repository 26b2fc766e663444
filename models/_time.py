from datetime import datetime, timezone


def utcnow() -> datetime:
    """Timezone-aware now; used as a column default (called per row, never at import)."""
    return datetime.now(timezone.utc)
