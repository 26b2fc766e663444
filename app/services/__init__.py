"""Domain logic that views and the API both call (views stay thin)."""
