from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now; used as a column default (called per row, never at import)."""
    return datetime.now(UTC)
