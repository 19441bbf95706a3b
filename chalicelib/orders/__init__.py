"""Orders of every kind, one listing and one GraphQL type (issue 11): group-buy and checkout fill its registry."""
