"""What other features may use of points: one module per need, each importing only what that need does
(so a pure rules module can use the pure part without loading a store or GraphQL)."""
