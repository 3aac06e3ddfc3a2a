"""Channel adapters: each translates one channel's messages to the core and back."""
