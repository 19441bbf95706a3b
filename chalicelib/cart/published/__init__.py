"""What other features may use of the cart (checkout.py: the selected lines and their removal)."""
