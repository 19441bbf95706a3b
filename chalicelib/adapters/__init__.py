"""The outside world behind small ports, each with a real and a local adapter."""
