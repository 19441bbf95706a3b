"""Checkout: pricing a cart or a buy-now SKU (promotions, coupons, points, shipping),
placing one order per merchant under one payment, and cancelling unpaid orders."""
