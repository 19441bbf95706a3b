"""The local emulated AWS for `make dev` and the tests. Never deployed (it needs moto)."""
