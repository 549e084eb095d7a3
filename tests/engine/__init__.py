"""Tests of the pure engine (comparison.engine): no database, no Django models.

None of them asks for the `db` fixture, so pytest-django sets up no test database for them
and refuses any query they might make.
"""
