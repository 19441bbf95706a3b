"""Referral (老带新): every customer's invite code, the binding of a new account to its inviter, and both
sides' coupons once the invitee's first paid order has outlived its return window without a refund."""
