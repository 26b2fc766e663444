"""Placeholder: this feature is being built."""
