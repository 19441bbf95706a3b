"""GraphQL: Strawberry types, resolvers, loaders, limits and the Chalice view."""
