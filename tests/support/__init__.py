"""Support code of the tests: factories, the round builder, shared fixtures and waiting."""
