"""Security tests (issue 9): mention injection, tenant isolation, authorization, log hygiene, fuzzing and
forged or replayed platform requests."""
