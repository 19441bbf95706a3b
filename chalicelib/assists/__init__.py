"""Friend assist (助力): campaigns on a product with reward tiers, instances customers start and
share, friends' assists, and each tier's coupon issued in the assist that reaches it."""
