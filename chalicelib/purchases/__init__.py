"""What each customer has paid for and not been refunded: the order history other
features read (feeds' "verified purchase", points' RFM segments), kept from the
table stream so no reader depends on the feature that sells."""
