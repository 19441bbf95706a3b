"""Fulfilment (issue 12): merchants list and ship their orders of every kind, buyers confirm receipt,
the delivery timer completes a shipped order nobody confirmed."""
