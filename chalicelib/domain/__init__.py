"""Pure business rules and types. Imports nothing from AWS, GraphQL or Chalice."""
