"""Head office sync: the lane's agent (push the outbox, pull the feed), its status, the
offline policy, and the head office's checks (docs/sync.md)."""
