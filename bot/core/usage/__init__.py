"""Learning from use: the miss log, alias suggestions, usage statistics, follows, stale topics, metrics."""
