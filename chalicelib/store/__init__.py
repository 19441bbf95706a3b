"""The single table: keys, PynamoDB models, repositories. The only layer that speaks DynamoDB."""
