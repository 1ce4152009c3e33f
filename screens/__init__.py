"""caughtup's Textual app: one module per screen; styles in .tcss beside the code."""
