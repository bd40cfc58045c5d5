"""Evidence readers, one module per kind (see resolvers.registry.SOURCES)."""
