"""Users, roles, API keys and the scope of what each caller may see."""
