"""Channel-agnostic core of the conference assistant."""
