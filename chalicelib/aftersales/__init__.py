"""After-sales (售后): refunds and returns after payment, their deadlines, disputes and compensation (issue 12)."""
