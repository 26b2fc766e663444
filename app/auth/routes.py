"""Placeholder: the accounts feature (login, register, reset) is being built."""
