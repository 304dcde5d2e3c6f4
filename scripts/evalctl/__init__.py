"""evalctl: the command line for the evaluation loop (plan, summarize, and more to come)."""
