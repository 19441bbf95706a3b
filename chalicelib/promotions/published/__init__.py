"""What other features may use of promotions (checkout): the pure rules and one batch read."""
