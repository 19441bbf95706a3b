"""What other features may use of the address book: one module per need."""
