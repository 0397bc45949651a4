"""Other resolvers' scenario suites, run through the Package Calculus and PubGrub."""
