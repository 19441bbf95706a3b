"""What other features may use of feeds: a post's author (attribution credits posts), the Post type."""
