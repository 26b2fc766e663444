"""Placeholder: the mail outbox (queue + retrying delivery worker) is being built."""


def start_worker(app) -> None:  # replaced by the accounts/mail feature
    return None
