"""One module per CLI command or command family; each imports only what it needs."""
