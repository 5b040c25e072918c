"""`/rekan`: help, language and roles."""
