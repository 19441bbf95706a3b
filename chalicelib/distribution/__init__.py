"""Distribution (分销): distributors, their product links, commissions through the commission ledger."""
