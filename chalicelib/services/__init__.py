"""Use cases: one function per command, taking its dependencies."""
