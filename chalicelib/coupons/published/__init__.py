"""What other features may use of coupons: one module per need (rules: pure; checkout: the writes
within an order's transaction; issuing: coupons for referral, assist, the points mall)."""
